"""Detection quality on the dev sets, in one process and one table.

    python benchmarks/quality.py [--bench ../shared/bench] [--docs N] [--set compare.words.terms=false] ...

Runs `checker.pipeline.run_check` on every document folder of `ntrex-dev` and
`checker.pairs.score_pairs` on `mqm-dev`, with the backends built once, and
scores them with the matching rules of the shared scorers (`score_ntrex.py`,
`score_pairs.py`, imported from the bench folder, never copied). It adds what
those scorers do not measure:

- span overlap: of the injected changes found, how often the words the finding
  highlights in the divergent version include a word the perturbation changed
  (a number, a name, a negation cue, the added sentence). Changes that only take
  words away (a clause cut off, a sentence left out) leave nothing to highlight
  in the divergent version and are not counted;
- the configuration signature and the overrides of the run.

Model outputs go through the project's cache (`[cache]`), so a second run with other
thresholds recomputes only the comparison (10-30 s for ntrex-dev on 2 busy cores, against
4-6 minutes cold on 2 cores); `--set cache.enabled=false` times a cold run.

`--show N` prints N false alarms and every miss, for looking at what goes wrong.
Not a test: the figures are for the README's "Quality" section and for tuning
thresholds on dev (the held-out sets are other documents).
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import os
import re
import sys
import time
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from checker.backends.registry import build_backends
from checker.config import load_config, with_settings
from checker.errors import CheckerError
from checker.pairs import read_pairs, score_pairs
from checker.pipeline import run_check, signature
from checker.records import to_json_dict


def load_scorer(bench: Path, name: str) -> ModuleType:
    """A shared scorer as a module, so its matching rules are used as they are."""
    path = bench / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise SystemExit(f"{path}: scorer not found (give the bench folder with --bench)")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_settings(pairs: list[str]) -> dict[str, Any]:
    """`compare.words.terms=false` -> {"compare.words.terms": False}; values are TOML, else strings."""
    out: dict[str, Any] = {}
    for item in pairs:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"--set {item!r}: expected KEY=VALUE, e.g. compare.words.terms=false")
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        out[key.strip()] = value
    return out


# --- span overlap ---------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def changed_words(original: str, perturbed: str) -> set[str]:
    """Lower-cased words of `perturbed` that the perturbation put in (replaced or inserted)."""
    a = [w.lower() for w in _WORD.findall(original or "")]
    b = [w.lower() for w in _WORD.findall(perturbed or "")]
    out: set[str] = set()
    for op, _i1, _i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("replace", "insert"):
            out.update(b[j1:j2])
    return out


def highlighted_words(finding: dict, lang: str, norm_lang) -> set[str]:
    """Words the finding marks in the divergent version `lang`: its spans, or its whole text for a
    finding about a whole sentence (an added sentence carries no narrower span)."""
    out: set[str] = set()
    for v in finding.get("versions", []):
        if norm_lang(v.get("lang")) != lang or v.get("role") == "reference":
            continue
        spans = v.get("spans") or []
        texts = [s.get("text", "") for s in spans] if spans else [v.get("text", "")]
        for t in texts:
            out.update(w.lower() for w in _WORD.findall(t))
    return out


# --- ntrex-dev -----------------------------------------------------------------------


@dataclass
class DocScore:
    found: Counter = field(default_factory=Counter)
    missed: Counter = field(default_factory=Counter)
    overlap: Counter = field(default_factory=Counter)  # type -> hits whose highlight covers the change
    overlap_of: Counter = field(default_factory=Counter)  # type -> hits with a change to highlight
    false_alarms: list = field(default_factory=list)
    misses: list = field(default_factory=list)
    clean_alarms: int = 0
    clean_sentences: int = 0
    kinds: Counter = field(default_factory=Counter)
    fa_kinds: Counter = field(default_factory=Counter)


def score_document(report: dict, golds: list[dict], doc_dir: Path, scorer: ModuleType) -> DocScore:
    s = DocScore()
    findings = report.get("findings", [])
    real = [g for g in golds if g["type"] != "clean"]
    used: set[int] = set()
    for g in real:
        hit = [i for i, f in enumerate(findings) if scorer.hits(f, g)]
        if not hit:
            s.missed[g["type"]] += 1
            s.misses.append(g)
            continue
        s.found[g["type"]] += 1
        used.update(hit)
        change = changed_words(g.get("original", ""), g.get("perturbed", ""))
        if change:
            s.overlap_of[g["type"]] += 1
            if any(change & highlighted_words(findings[i], g["lang"], scorer.norm_lang) for i in hit):
                s.overlap[g["type"]] += 1
    for i, f in enumerate(findings):
        s.kinds[f.get("kind", "?")] += 1
        if i not in used:
            s.false_alarms.append(f)
            s.fa_kinds[f"{f.get('kind')}/{f.get('severity')}"] += 1
    if not real:
        # the sentence count of score_ntrex.py, which keeps it inside main()
        s.clean_sentences = sum(
            len(re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8").strip())) for p in doc_dir.glob("*.txt")
        )
        s.clean_alarms = len(s.false_alarms)
    return s


def run_ntrex(bench: Path, config, backends, docs: int, save: Path | None) -> tuple[DocScore, float]:
    scorer = load_scorer(bench, "score_ntrex")
    folder = bench / "ntrex-dev"
    gold = [json.loads(line) for line in open(folder / "gold.jsonl", encoding="utf-8")]
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        by_doc[g["doc"]].append(g)
    names = sorted(by_doc)[:docs] if docs else sorted(by_doc)
    total = DocScore()
    saved = {}
    start = time.time()
    for n, name in enumerate(names, start=1):
        report = to_json_dict(run_check([str(folder / name)], config, backends))
        saved[name] = report["findings"]
        s = score_document(report, by_doc[name], folder / name, scorer)
        for attr in ("found", "missed", "overlap", "overlap_of", "kinds", "fa_kinds"):
            getattr(total, attr).update(getattr(s, attr))
        total.false_alarms += [{**f, "doc": name} for f in s.false_alarms]
        total.misses += s.misses
        total.clean_alarms += s.clean_alarms
        total.clean_sentences += s.clean_sentences
        print(f"\r{n}/{len(names)} documents", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    if save:
        save.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
    return total, time.time() - start


# --- mqm-dev -------------------------------------------------------------------------


def run_pairs(bench: Path, config, backends) -> tuple[dict[str, float], float]:
    scorer = load_scorer(bench, "score_pairs")
    tsv = bench / "mqm-dev" / "mqm-ted-ende.tsv"
    gold = [line.split("\t")[0] == "divergent" for line in tsv.with_suffix(".labels").read_text().splitlines()]
    start = time.time()
    records = sorted(score_pairs(read_pairs(tsv), "de", "en", config, backends), key=lambda r: r["index"])
    elapsed = time.time() - start
    pred = [bool(r["divergent"]) for r in records]
    scores = [float(r["score"]) for r in records]
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(p == g for p, g in zip(pred, gold)) / len(gold)
    signals = {name: round(scorer.auroc([float(r["signals"][name]) for r in records], gold), 3)
               for name in records[0]["signals"]} if records else {}
    return {
        "pairs": len(gold), "precision": precision, "recall": recall, "f1": f1,
        "accuracy": accuracy, "auroc": scorer.auroc(scores, gold), "signals": signals,
    }, elapsed


# --- the table -----------------------------------------------------------------------


def print_table(s: DocScore, elapsed: float, pairs: dict | None, pair_s: float, signature: str, settings: dict) -> None:
    if s.clean_sentences or s.found or s.missed:
        _print_ntrex(s, elapsed)
    if pairs:
        print(f"mqm-dev ({pairs['pairs']} pairs, {pair_s:.0f} s): precision {pairs['precision']:.2f} "
              f"recall {pairs['recall']:.2f} F1 {pairs['f1']:.2f} accuracy {pairs['accuracy']:.2f} "
              f"AUROC {pairs['auroc']:.2f}; AUROC of each signal alone {pairs['signals']}")
    print(f"signature: {signature}")
    print(f"settings: {json.dumps(settings) if settings else 'defaults'}")


def _print_ntrex(s: DocScore, elapsed: float) -> None:
    types = sorted(set(s.found) | set(s.missed))
    print("| ntrex-dev type | recall | span overlap |")
    print("|---|---|---|")
    for t in types:
        n = s.found[t] + s.missed[t]
        ov = f"{s.overlap[t]}/{s.overlap_of[t]}" if s.overlap_of[t] else "–"
        print(f"| {t} | {s.found[t]}/{n} ({s.found[t] / n:.2f}) | {ov} |")
    found, total = sum(s.found.values()), sum(s.found.values()) + sum(s.missed.values())
    reported = found + len(s.false_alarms)
    recall = found / total if total else 0.0
    precision = found / reported if reported else 0.0
    per100 = 100.0 * s.clean_alarms / s.clean_sentences if s.clean_sentences else float("nan")
    ov_n, ov_of = sum(s.overlap.values()), sum(s.overlap_of.values())
    print(f"| **all** | **{found}/{total} ({recall:.2f})** | {ov_n}/{ov_of} ({ov_n / ov_of if ov_of else 0:.2f}) |")
    print()
    print(f"precision {precision:.2f} ({found} hits, {len(s.false_alarms)} false alarms); "
          f"false alarms per 100 sentences on clean documents {per100:.1f} "
          f"({s.clean_alarms}/{s.clean_sentences}); {elapsed:.0f} s")
    print(f"findings by kind: {dict(sorted(s.kinds.items()))}")
    print(f"false alarms by kind/severity: {dict(sorted(s.fa_kinds.items()))}")


def show_details(s: DocScore, limit: int) -> None:
    print(f"\n--- {min(limit, len(s.false_alarms))} of {len(s.false_alarms)} false alarms ---")
    for f in s.false_alarms[:limit]:
        print(f"{f['doc']} {f['kind']}/{f['severity']} {f['message']}")
    print(f"\n--- {len(s.misses)} misses ---")
    for g in s.misses:
        print(f"{g['doc']} {g['type']} {g['lang']}: {g.get('perturbed') or g.get('original')}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=Path(os.environ.get("CHECKER_BENCH", "../shared/bench")),
                    help="folder with ntrex-dev/, mqm-dev/ and the scorers (default ../shared/bench or $CHECKER_BENCH)")
    ap.add_argument("--docs", type=int, default=0, help="only the first N ntrex-dev documents (a quick look)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a configuration override, e.g. compare.words.terms=false (repeatable)")
    ap.add_argument("--config", type=Path, help="a checker.toml to start from instead of the defaults")
    ap.add_argument("--no-pairs", action="store_true", help="skip mqm-dev")
    ap.add_argument("--pairs-only", action="store_true", help="skip ntrex-dev (mqm-dev alone: a minute)")
    ap.add_argument("--show", type=int, default=0, metavar="N", help="print N false alarms and every miss")
    ap.add_argument("--save", type=Path, help="write every document's findings to this JSON file")
    args = ap.parse_args(argv)

    settings = parse_settings(args.set)
    try:
        config = load_config(args.config)
        if settings:
            config = with_settings(config, settings, "--set")
        backends = build_backends(config)
    except CheckerError as exc:
        raise SystemExit(str(exc))
    scores, elapsed = (DocScore(), 0.0) if args.pairs_only else run_ntrex(args.bench, config, backends, args.docs, args.save)
    pairs, pair_s = (None, 0.0) if args.no_pairs else run_pairs(args.bench, config, backends)

    print_table(scores, elapsed, pairs, pair_s, signature(config, backends), settings)
    if args.show:
        show_details(scores, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
