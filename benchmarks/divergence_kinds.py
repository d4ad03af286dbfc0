"""How well each divergence model separates each kind of divergence from equivalents, on the
held-out training pairs (documents no model was trained on), in one table.

    python benchmarks/divergence_kinds.py [--corpus build/divergence/corpus-seed13-mqm8000-v3.json] \
        [--model build/divergence-3 --model models/divergence-4]

The corpus is the one `scripts/train_divergence.py --stage corpus` writes (recipe v2 has the
kinds v1 lacks: related_word, negation, modality; v3 adds the polarity-moved equivalents);
its held-out documents are the same for every recipe, so models trained on any recipe are
measured on the same pairs. Each kind's AUROC: its divergent pairs against the equivalents
of the same source (NTREX or MQM), scored by the model's P alone, as `checker pairs`
computes it (signals["model"]). A hard negative kind (polarity_moved: equivalents that a rule
would flag) is reported as the divergent kind it imitates against it: "negation vs
polarity_moved" is how well the model tells a flipped sentence from a translation whose
polarity moved. Not a test.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.divergence.examples import Corpus  # noqa: E402
from checker.divergence.held_out import score_held_out  # noqa: E402
from checker.divergence.training import auroc  # noqa: E402
from checker.model_catalog.catalog import BUILTIN_DIVERGENCE_FOLDER  # noqa: E402

EQUIVALENT_KINDS = ("equivalent", "mqm-clean")
HARD_NEGATIVES = {"polarity_moved": "negation"}  # equivalent kind -> the divergent kind it looks like


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT / "build" / "divergence" / "corpus-seed13-mqm8000-v3.json")
    ap.add_argument("--model", type=Path, action="append", default=None, help="a model folder (repeatable)")
    args = ap.parse_args()
    models = args.model or [ROOT / "models" / BUILTIN_DIVERGENCE_FOLDER]
    corpus = Corpus.load(args.corpus)
    columns: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = defaultdict(int)
    for folder in models:
        scored = score_held_out(corpus, folder)
        by_source: dict[str, list[float]] = defaultdict(list)  # equivalents' scores per source
        by_kind: dict[str, list[float]] = defaultdict(list)
        source_of: dict[str, str] = {}
        for p in scored:
            e = p.example
            if e.kind in EQUIVALENT_KINDS:
                by_source[e.source].append(p.signals["model"])
            else:
                by_kind[e.kind].append(p.signals["model"])
                source_of[e.kind] = e.source
        column = {}
        for kind, scores in sorted(by_kind.items()):
            if kind in HARD_NEGATIVES:
                flips, row = by_kind.get(HARD_NEGATIVES[kind], []), f"{HARD_NEGATIVES[kind]} vs {kind}"
                column[row] = auroc(flips + scores, [1] * len(flips) + [0] * len(scores)) if flips else float("nan")
                counts[row] = len(scores)
                continue
            negatives = by_source[source_of[kind]]
            column[kind] = auroc(scores + negatives, [1] * len(scores) + [0] * len(negatives))
            counts[kind] = len(scores)
        column["all"] = auroc([p.signals["model"] for p in scored], [p.example.label for p in scored])
        counts["all"] = len(scored)
        columns[folder.name] = column
    names = list(columns)
    print(f"held-out pairs of {args.corpus.name}: AUROC of the model's P, each kind against its source's equivalents\n")
    print("| kind | pairs | " + " | ".join(names) + " |")
    print("|---|---:|" + "---:|" * len(names))
    for kind in [k for k in columns[names[0]] if k != "all"] + ["all"]:
        print(f"| {kind} | {counts[kind]} | " + " | ".join(f"{columns[n].get(kind, float('nan')):.3f}" for n in names) + " |")


if __name__ == "__main__":
    main()
