"""Can the divergence model veto the negation rule's false alarms? Measured on held-out
training documents (never on the dev sets), as a check meets them.

    python benchmarks/negation_doubt.py [--model models/divergence-3 --model models/divergence-4]

The groups (moved: professional translations the rule blames; flipped: one version's negation
flipped by the training data's own edit rules) and the threshold are those of
checker/divergence/negation_doubt.py, which the combine stage of scripts/train_divergence.py
stores in the model's config.json. This prints, per model and per way of taking a group's
pairs together (`max` is the check's rule: doubt only when every pair stays below the
threshold; `mean`, `min`), the threshold that keeps 95% of the flips, how many moved groups
it doubts, and the AUROC.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.backends.e5 import E5Encoder  # noqa: E402
from checker.divergence.negation_doubt import KEEP, calibrate, group_probabilities, held_out_groups  # noqa: E402
from checker.divergence.scorer import CrossScorer, open_divergence_model  # noqa: E402
from checker.model_catalog.catalog import BUILTIN_DIVERGENCE_FOLDER  # noqa: E402

AGGREGATES = {"max": np.max, "mean": np.mean, "min": np.min}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, action="append", default=None, help="a model folder (repeatable)")
    ap.add_argument("--train-dir", type=Path, default=ROOT.parent / "shared" / "train")
    ap.add_argument("--seed", type=int, default=13, help="the flips' seed (the training run's --seed: 13)")
    args = ap.parse_args()
    models = args.model or [ROOT / "models" / BUILTIN_DIVERGENCE_FOLDER]
    groups = held_out_groups(args.train_dir, args.seed)
    flips = [g.flipped for g in groups]
    print(f"held-out groups: {sum(flips)} flipped, {len(flips) - sum(flips)} moved (professional, rule fires)\n")
    print(f"| model | aggregate | AUROC | threshold keeping {KEEP:.0%} of flips | moved groups doubted |")
    print("|---|---|---:|---:|---:|")
    encoder = E5Encoder()
    stored = {}
    for folder in models:
        scorer = open_divergence_model(folder, encoder=encoder)
        if not isinstance(scorer, CrossScorer):
            raise SystemExit(f"{folder}: not a cross model (config.json kind); this benchmark reads text only")
        probabilities = group_probabilities(groups, scorer.score_sides)
        for name, aggregate in AGGREGATES.items():
            c = calibrate(groups, probabilities, aggregate)
            print(f"| {folder.name} | {name} | {c.auroc:.3f} | {c.threshold:.3f} | {c.moved_doubted}/{c.moved} |")
        stored[folder.name] = scorer.config.get("doubt_negation", "none (checks do not doubt negation with it)")
    print()
    for name, value in stored.items():
        print(f"{name}/config.json doubt_negation: {value}")


if __name__ == "__main__":
    main()
