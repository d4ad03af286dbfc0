"""Can the divergence model veto the negation rule's false alarms? Measured on held-out
training documents (never on the dev sets), as a check meets them.

    python benchmarks/negation_doubt.py [--model models/divergence-3 --model models/divergence-4]

For every line of the held-out NTREX documents (`split == "valid"` of the training corpus:
documents no model was trained on) in checker's four rule languages (en, de, fr, id):

- **moved**: the four professional translations as they are, where checker's negation rule
  blames one version (its cue count differs in parity from the three others, which agree).
  These are equivalents the rule flags: a doubt is right.
- **flipped**: one version's negation flipped by the training data's own edit rules
  (synthetic.apply_edit, seeded) while the three others stay as they are, where the rule then
  blames that version. These are real divergences: a doubt is wrong.

Each group is scored as compare/learned.doubt_negation scores a bead: P of the blamed version
against each other version, taken together by `max` (the check's rule: doubt only when every
pair stays below the threshold), `mean` or `min`. Prints, per model and aggregate, the
threshold that keeps 95% of the flips and how many moved groups it doubts, and the AUROC.
Not a test: the figures behind `compare.model.doubt_negation` in defaults.toml.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.backends.e5 import E5Encoder  # noqa: E402
from checker.divergence.examples import NEGATION_RULE_LANGUAGES, _read_ntrex, _valid_docs, negation_parity  # noqa: E402
from checker.divergence.scorer import CrossScorer, Side, open_divergence_model  # noqa: E402
from checker.divergence.synthetic import apply_edit  # noqa: E402
from checker.divergence.training import auroc  # noqa: E402
from checker.model_catalog.catalog import BUILTIN_DIVERGENCE_FOLDER  # noqa: E402

AGGREGATES = {"max": np.max, "mean": np.mean, "min": np.min}
KEEP = 0.95  # share of flips a doubt threshold must leave as findings


@dataclass(frozen=True)
class Group:
    texts: dict[str, str]  # lang -> the version's text
    blamed: str
    flipped: bool


def _blamed(texts: dict[str, str]) -> str | None:
    """The one version whose negation cue parity differs from the three others (which agree)."""
    parity = {l: negation_parity(t, l) for l, t in texts.items()}
    odd = [l for l in parity if sum(parity[l] == parity[o] for o in parity if o != l) == 0]
    return odd[0] if len(odd) == 1 else None


def held_out_groups(train_dir: Path, seed: int = 13, valid_every: int = 5) -> list[Group]:
    lines = _read_ntrex(train_dir / "ntrex-train", NEGATION_RULE_LANGUAGES)
    valid = _valid_docs([d for d, _ in lines["eng"]], valid_every)
    rng = random.Random(seed)
    groups = []
    for k, (doc, _) in enumerate(lines["eng"]):
        if doc not in valid:
            continue
        texts = {l: lines[l][k][1] for l in NEGATION_RULE_LANGUAGES}
        blamed = _blamed(texts)
        if blamed:
            groups.append(Group(texts, blamed, False))
            continue  # a flip of a line whose polarity already moved would test both at once
        for lang in NEGATION_RULE_LANGUAGES:
            changed = apply_edit(texts[lang], lang, "negation", rng)
            if changed is None:
                continue
            flipped = {**texts, lang: changed.text}
            if _blamed(flipped) == lang:
                groups.append(Group(flipped, lang, True))
    return groups



def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, action="append", default=None, help="a model folder (repeatable)")
    ap.add_argument("--train-dir", type=Path, default=ROOT.parent / "shared" / "train")
    args = ap.parse_args()
    models = args.model or [ROOT / "models" / BUILTIN_DIVERGENCE_FOLDER]
    groups = held_out_groups(args.train_dir)
    flips = [g.flipped for g in groups]
    print(f"held-out groups: {sum(flips)} flipped, {len(flips) - sum(flips)} moved (professional, rule fires)\n")
    print(f"| model | aggregate | AUROC | threshold keeping {KEEP:.0%} of flips | moved groups doubted |")
    print("|---|---|---:|---:|---:|")
    encoder = E5Encoder()
    for folder in models:
        scorer = open_divergence_model(folder, encoder=encoder)
        if not isinstance(scorer, CrossScorer):
            raise SystemExit(f"{folder}: not a cross model (config.json kind); this benchmark reads text only")
        pairs = [(g, o) for g in groups for o in g.texts if o != g.blamed]
        scored = scorer.score_sides([(Side.of_text(g.texts[g.blamed]), Side.of_text(g.texts[o])) for g, o in pairs])
        per_group: dict[int, list[float]] = {}
        for (g, _), s in zip(pairs, scored):
            per_group.setdefault(id(g), []).append(s.probability)
        for name, aggregate in AGGREGATES.items():
            p = np.array([aggregate(per_group[id(g)]) for g in groups])
            flipped, moved = p[np.array(flips)], p[~np.array(flips)]
            threshold = float(np.quantile(flipped, 1 - KEEP))  # below it: 5% of the flips
            doubted = int((moved < threshold).sum())
            print(f"| {folder.name} | {name} | {auroc(list(p), [int(f) for f in flips]):.3f} | {threshold:.3f} | "
                  f"{doubted}/{len(moved)} |")


if __name__ == "__main__":
    main()
