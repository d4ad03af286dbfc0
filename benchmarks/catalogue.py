"""Catalogue speed: `checker check` on a generated i18next app (2,000 keys in 4 locales by
default), this checkout against an earlier revision of checker, in the same run.

    python benchmarks/catalogue.py [--keys 2000] [--baseline-ref e5ad0de ...] [--no-baseline] [--ref REV] [--keep DIR] [--repeat N]

The catalogue is written here from small word lists (UI labels of one to four words, about
70%; sentences with numbers and {{placeholders}}, about 30%; a few keys missing, empty or
with a changed number, as real catalogues have). Each run is a separate `checker check`
process with every default check on; its CPU time (user + system, all threads, from wait4)
and wall time are reported. "Cold" is a fresh CHECKER_CACHE_DIR (no model outputs cached;
the word-vector shim already built: each checker is first run once on a two-key catalogue,
whose model outputs are then deleted);
"warm" is the same run again. The baseline revision is taken from git (`git archive`) and
run from a temporary folder; --baseline-ref may be given more than once. The last line says
whether each baseline's cold findings and notes (kind, severity, message, versions with their
keys, texts and spans) are the same as those of the checker measured last. Not a test: the
numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("en", "de", "fr", "id")

# (en, de, fr, id): written for this benchmark.
NOUNS = [
    ("file", "Datei", "fichier", "berkas"), ("folder", "Ordner", "dossier", "folder"),
    ("project", "Projekt", "projet", "proyek"), ("account", "Konto", "compte", "akun"),
    ("password", "Passwort", "mot de passe", "kata sandi"), ("image", "Bild", "image", "gambar"),
    ("comment", "Kommentar", "commentaire", "komentar"), ("message", "Nachricht", "message", "pesan"),
    ("report", "Bericht", "rapport", "laporan"), ("invoice", "Rechnung", "facture", "faktur"),
    ("team", "Team", "équipe", "tim"), ("user", "Benutzer", "utilisateur", "pengguna"),
    ("layer", "Ebene", "calque", "lapisan"), ("page", "Seite", "page", "halaman"),
    ("template", "Vorlage", "modèle", "templat"), ("label", "Etikett", "étiquette", "label"),
    ("filter", "Filter", "filtre", "filter"), ("backup", "Sicherung", "sauvegarde", "cadangan"),
    ("device", "Gerät", "appareil", "perangkat"), ("printer", "Drucker", "imprimante", "pencetak"),
    ("calendar", "Kalender", "calendrier", "kalender"), ("event", "Termin", "événement", "acara"),
    ("contact", "Kontakt", "contact", "kontak"), ("task", "Aufgabe", "tâche", "tugas"),
    ("note", "Notiz", "note", "catatan"), ("shape", "Form", "forme", "bentuk"),
    ("color", "Farbe", "couleur", "warna"), ("font", "Schriftart", "police", "fon"),
    ("table", "Tabelle", "tableau", "tabel"), ("chart", "Diagramm", "graphique", "bagan"),
    ("link", "Link", "lien", "tautan"), ("language", "Sprache", "langue", "bahasa"),
    ("session", "Sitzung", "session", "sesi"), ("licence", "Lizenz", "licence", "lisensi"),
    ("payment", "Zahlung", "paiement", "pembayaran"), ("order", "Bestellung", "commande", "pesanan"),
    ("address", "Adresse", "adresse", "alamat"), ("theme", "Design", "thème", "tema"),
    ("shortcut", "Tastenkürzel", "raccourci", "pintasan"), ("history", "Verlauf", "historique", "riwayat"),
]
VERBS = [
    ("Save", "speichern", "Enregistrer", "Simpan"), ("Delete", "löschen", "Supprimer", "Hapus"),
    ("Open", "öffnen", "Ouvrir", "Buka"), ("Rename", "umbenennen", "Renommer", "Ganti nama"),
    ("Share", "teilen", "Partager", "Bagikan"), ("Export", "exportieren", "Exporter", "Ekspor"),
    ("Import", "importieren", "Importer", "Impor"), ("Copy", "kopieren", "Copier", "Salin"),
    ("Move", "verschieben", "Déplacer", "Pindahkan"), ("Edit", "bearbeiten", "Modifier", "Sunting"),
    ("Print", "drucken", "Imprimer", "Cetak"), ("Archive", "archivieren", "Archiver", "Arsipkan"),
    ("Restore", "wiederherstellen", "Restaurer", "Pulihkan"), ("Lock", "sperren", "Verrouiller", "Kunci"),
    ("Hide", "ausblenden", "Masquer", "Sembunyikan"), ("Show", "anzeigen", "Afficher", "Tampilkan"),
]
ADJECTIVES = [
    ("new", "neu", "nouveau", "baru"), ("old", "alt", "ancien", "lama"), ("shared", "geteilt", "partagé", "bersama"),
    ("hidden", "verborgen", "masqué", "tersembunyi"), ("recent", "zuletzt", "récent", "terbaru"),
]
# Sentences: {n} a noun, {k} a number; the same number in every locale except where changed.
SENTENCES = [
    ("The {n} could not be saved because the disk is full.",
     "{N} konnte nicht gespeichert werden, weil der Datenträger voll ist.",
     "Impossible d'enregistrer {n} car le disque est plein.",
     "{N} tidak dapat disimpan karena disk penuh."),
    ("You can keep up to {k} versions of each {n} for thirty days.",
     "Sie können bis zu {k} Versionen jeder {N} dreißig Tage lang behalten.",
     "Vous pouvez conserver jusqu'à {k} versions de chaque {n} pendant trente jours.",
     "Anda dapat menyimpan hingga {k} versi setiap {n} selama tiga puluh hari."),
    ("{{count}} items were moved to the {n} and will be deleted after {k} days.",
     "{{count}} Elemente wurden in {N} verschoben und werden nach {k} Tagen gelöscht.",
     "{{count}} éléments ont été déplacés vers {n} et seront supprimés après {k} jours.",
     "{{count}} item dipindahkan ke {n} dan akan dihapus setelah {k} hari."),
    ("Ask an administrator to give you access to this {n}.",
     "Bitten Sie eine Administratorin, Ihnen Zugriff auf {N} zu geben.",
     "Demandez à un administrateur de vous donner accès à {n}.",
     "Minta administrator untuk memberi Anda akses ke {n} ini."),
    ("Changes to the {n} are synchronised every {k} minutes while you are online.",
     "Änderungen an {N} werden alle {k} Minuten synchronisiert, solange Sie online sind.",
     "Les modifications de {n} sont synchronisées toutes les {k} minutes lorsque vous êtes en ligne.",
     "Perubahan pada {n} disinkronkan setiap {k} menit selama Anda daring."),
    ("Only members of {{team}} can see this {n} and its history.",
     "Nur Mitglieder von {{team}} können {N} und den Verlauf sehen.",
     "Seuls les membres de {{team}} peuvent voir {n} et son historique.",
     "Hanya anggota {{team}} yang dapat melihat {n} ini beserta riwayatnya."),
]
SECTIONS = ("common", "editor", "settings", "billing", "sharing", "account", "errors", "help")


def _label(i: int) -> tuple[str, ...]:
    """The i-th label, every one different: a noun, then verb + noun, then verb + adjective + noun."""
    noun = NOUNS[i % len(NOUNS)]
    if i < len(NOUNS):
        return tuple(n.capitalize() for n in noun)
    verb = VERBS[(i // len(NOUNS)) % len(VERBS)]
    if i < len(NOUNS) * (len(VERBS) + 1):
        return (f"{verb[0]} {noun[0]}", f"{noun[1]} {verb[1]}", f"{verb[2]} le {noun[2]}", f"{verb[3]} {noun[3]}")
    adj = ADJECTIVES[(i // (len(NOUNS) * len(VERBS))) % len(ADJECTIVES)]
    return (f"{verb[0]} {adj[0]} {noun[0]}", f"{adj[1].capitalize()}e {noun[1]} {verb[1]}",
            f"{verb[2]} le {noun[2]} {adj[2]}", f"{verb[3]} {noun[3]} {adj[3]}")


def _sentence(i: int) -> tuple[str, ...]:
    template = SENTENCES[i % len(SENTENCES)]
    noun = NOUNS[(i * 7) % len(NOUNS)]
    k = str(2 + (i * 13) % 97)
    texts = (
        t.replace("{N}", f"die {noun[1]}" if lang == "de" else noun[li]).replace("{n}", noun[li]).replace("{k}", k)
        for li, (lang, t) in enumerate(zip(LOCALES, template))
    )
    return tuple(t[0].upper() + t[1:] for t in texts)


def generate(folder: Path, keys: int, seed: int = 13) -> dict[str, int]:
    """locales/{lang}/app.json with `keys` keys; returns what was changed on purpose."""
    rng = random.Random(seed)
    trees: dict[str, dict] = {lang: {} for lang in LOCALES}
    changed = {"missing": 0, "empty": 0, "number": 0}
    labels = sentences = 0
    for i in range(keys):
        section = SECTIONS[i % len(SECTIONS)]
        if rng.random() < 0.3:
            texts, sentences = _sentence(sentences), sentences + 1
        else:
            texts, labels = _label(labels), labels + 1
        key = f"item{i}"
        roll = rng.random()
        for li, lang in enumerate(LOCALES):
            value = texts[li]
            if lang == "id" and roll < 0.01:
                changed["missing"] += 1
                continue
            if lang == "id" and roll < 0.02:
                value = ""
                changed["empty"] += 1
            if lang == "fr" and 0.02 <= roll < 0.03 and any(c.isdigit() for c in value):
                new = value.replace("1", "7", 1) if "1" in value else value.replace("2", "9", 1)
                changed["number"] += new != value
                value = new
            trees[lang].setdefault(section, {})[key] = value
    for lang, tree in trees.items():
        path = folder / "locales" / lang / "app.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(tree, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return changed


@dataclass(frozen=True)
class Run:
    cpu_s: float
    wall_s: float
    exit_code: int
    findings: int
    report: Path


def _said(report: Path) -> list[tuple]:
    """What a report says, without ids or scores: its findings and notes as a reader sees them."""
    data = json.loads(report.read_text(encoding="utf-8"))
    return sorted(
        (part, f["kind"], f["severity"], f["message"],
         tuple((v["lang"], v.get("key", ""), v["role"], v["text"], tuple((s["start"], s["end"]) for s in v["spans"]))
               for v in f["versions"]))
        for part in ("findings", "notes") for f in data.get(part, [])
    )


_LAUNCH = (
    "import sys; sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in type(f).__module__]; "
    "sys.path.insert(0, sys.argv.pop(1)); from checker.cli import main; sys.exit(main(sys.argv[1:]))"
)


def run_checker(code: Path, folder: Path, cache: Path, report: Path) -> Run:
    """One `checker check` process of the checker in `code`; its own CPU time, not the benchmark's."""
    env = {**os.environ, "CHECKER_CACHE_DIR": str(cache)}
    command = [sys.executable, "-c", _LAUNCH, str(code), "check", str(folder), "--json", str(report), "--quiet"]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code_ = os.waitstatus_to_exitcode(status)
    if code_ not in (0, 1):
        raise SystemExit(f"checker in {code} failed (exit {code_}): {process.stderr.read().decode()[-3000:]}")
    findings = len(json.loads(report.read_text(encoding="utf-8"))["findings"])
    return Run(usage.ru_utime + usage.ru_stime, wall, code_, findings, report)


def measure(code: Path, folder: Path, work: Path, name: str) -> tuple[Run, Run]:
    cache = work / f"cache-{name}"
    tiny = work / f"tiny-{name}"
    generate(tiny, 2)
    run_checker(code, tiny, cache, work / f"tiny-{name}.json")  # builds the shim where that checker keeps it
    for table in cache.glob("*.sqlite3*"):
        table.unlink()  # no model output of the tiny run stays
    cold = run_checker(code, folder, cache, work / f"{name}-cold.json")
    warm = run_checker(code, folder, cache, work / f"{name}-warm.json")
    return cold, warm


def median_run(runs: list[Run]) -> Run:
    """The run of median CPU time (its own wall time, findings and report)."""
    return sorted(runs, key=lambda r: r.cpu_s)[len(runs) // 2]


def checkout(ref: str, into: Path) -> Path:
    """The `checker` package at git revision `ref`, extracted into `into`."""
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    # models/ too: checker/shipped_models links to it (the divergence model) since 68bac37
    paths = [p for p in ("checker", "models")
             if subprocess.run(["git", "cat-file", "-e", f"{ref}:{p}"], cwd=ROOT, capture_output=True).returncode == 0]
    archive = subprocess.run(["git", "archive", ref, *paths], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=2000)
    parser.add_argument("--baseline-ref", action="append", help="a checker revision to compare with (default e5ad0de; repeatable)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--ref", help="measure this git revision instead of the working tree")
    parser.add_argument("--keep", type=Path, help="keep the catalogue, caches and reports here")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds, each measuring every checker once in turn; the table gives each checker's median "
                             "(a shared machine's speed drifts by 30%% within minutes: interleaved rounds share the drift)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="checker-catalogue-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "app"
    if folder.exists():
        shutil.rmtree(folder)
    changed = generate(folder, args.keys)
    print(f"catalogue: {args.keys} keys x {len(LOCALES)} locales in {folder} (changed on purpose: {changed})", flush=True)

    checkers: list[tuple[str, Path, str]] = []  # (row name, code, run name)
    if not args.no_baseline:
        for n, ref in enumerate(args.baseline_ref or ["e5ad0de"]):
            checkers.append((f"checker at {ref}", checkout(ref, work / f"baseline-code-{n}"), f"baseline-{n}"))
    if args.ref:
        checkers.append((f"checker at {args.ref}", checkout(args.ref, work / "ref-code"), "current"))
    else:
        checkers.append(("this checkout", ROOT, "current"))
    runs: dict[str, list[tuple[Run, Run]]] = {name: [] for name, _, _ in checkers}
    for round_ in range(max(1, args.repeat)):
        for name, code, run_name in checkers:
            cold, warm = measure(code, folder, work, run_name)
            runs[name].append((cold, warm))
            if args.repeat > 1:
                print(f"round {round_ + 1}: {name}: cold {cold.cpu_s:.1f} s CPU, {cold.wall_s:.1f} s wall", flush=True)
    rows = [(name, median_run([c for c, _ in runs[name]]), median_run([w for _, w in runs[name]]))
            for name, _, _ in checkers]

    label = "median of " + str(args.repeat) + " rounds" if args.repeat > 1 else "one round"
    print(f"\n{'checker':<24} {'cold CPU':>9} {'cold wall':>10} {'warm CPU':>9} {'warm wall':>10} {'findings':>9}   ({label})")
    for name, cold, warm in rows:
        print(f"{name:<24} {cold.cpu_s:8.1f}s {cold.wall_s:9.1f}s {warm.cpu_s:8.1f}s {warm.wall_s:9.1f}s {cold.findings:9d}")
    last = _said(rows[-1][1].report)
    for name, cold, warm in rows[:-1]:
        said = _said(cold.report)
        print(f"{name}: findings and notes {'the same' if said == last else 'differ: ' + str(len(set(said) ^ set(last))) + ' not in both'}"
              f" as {rows[-1][0]}'s")
    for name, cold, warm in rows:
        if _said(warm.report) != _said(cold.report):
            print(f"{name}: the warm run's findings differ from the cold run's")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
