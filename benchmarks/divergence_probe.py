"""What the divergence models say about a few telling pairs, side by side: the seeds' sentence
with "keutuhan" (a related but wrong word; the README's "Limits"), the same sentence with the
right word, and short hand-written pairs for negation, plan-vs-done and a related word.

    python benchmarks/divergence_probe.py [--model models/divergence-4 --model build/divergence-3]

Prints P(differs) per pair and model, and the three most-tagged words of each side for the
first model. Cross models only (they read the text; the head over word vectors needs a check's
centred vectors, which these sides do not carry). Not a test: the figures for the model card's
"Known weaknesses".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.backends.e5 import E5Encoder  # noqa: E402
from checker.divergence.scorer import CrossScorer, Side, open_divergence_model  # noqa: E402
from checker.model_catalog.catalog import BUILTIN_DIVERGENCE_FOLDER  # noqa: E402

SEED_FILES = {"de": "000_12b66c31938b0581.txt", "fr": "001_b09991150a851084.txt", "id": "002_9483c9d47e29a8c7.txt"}
SEED_LINE = 6  # the line (0-based) with Unteilbarkeit / indivisibilité / keutuhan

SHORT = [
    ("negation: same", "The minister approved the plan on Monday.", "Der Minister hat den Plan am Montag genehmigt."),
    ("negation: flipped", "The minister approved the plan on Monday.", "Der Minister hat den Plan am Montag nicht genehmigt."),
    ("plan: same", "The company has launched the new service.", "L'entreprise a lancé le nouveau service."),
    ("plan: launched/proposed", "The company has launched the new service.", "L'entreprise a proposé le nouveau service."),
    ("term: right word", "The principle of indivisibility applies to all members.", "Prinsip ketidakterpisahan berlaku untuk semua anggota."),
    ("term: related word", "The principle of indivisibility applies to all members.", "Prinsip keutuhan berlaku untuk semua anggota."),
]



def _top(side: Side, tags: np.ndarray, n: int = 3) -> str:
    order = np.argsort(-tags)[:n]
    return ", ".join(f"{side.text[slice(*side.words[i])]} {tags[i]:.2f}" for i in order)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, action="append", default=None, help="a model folder (repeatable)")
    args = ap.parse_args()
    models = args.model or [ROOT / "models" / BUILTIN_DIVERGENCE_FOLDER]
    seed = {lang: (ROOT / "seeds" / name).read_text(encoding="utf-8").splitlines()[SEED_LINE] for lang, name in SEED_FILES.items()}
    right = seed["id"].replace("keutuhan", "ketidakterpisahan")
    pairs = [
        ("seeds de~fr", seed["de"], seed["fr"]),
        ("seeds de~id (keutuhan)", seed["de"], seed["id"]),
        ("seeds fr~id (keutuhan)", seed["fr"], seed["id"]),
        ("seeds de~id (right word)", seed["de"], right),
        ("seeds fr~id (right word)", seed["fr"], right),
        *SHORT,
    ]
    sides = [(Side.of_text(a), Side.of_text(b)) for _, a, b in pairs]
    encoder = E5Encoder()
    scorers = [open_divergence_model(folder, encoder=encoder) for folder in models]
    for folder, scorer in zip(models, scorers):
        if not isinstance(scorer, CrossScorer):
            raise SystemExit(f"{folder}: not a cross model (config.json kind); this probe reads text only")
    results = [scorer.score_sides(sides) for scorer in scorers]
    print("| pair | " + " | ".join(f.name for f in models) + f" | most-tagged words ({models[0].name}) |")
    print("|---|" + "---:|" * len(models) + "---|")
    for k, (name, _, _) in enumerate(pairs):
        first = results[0][k]
        tagged = f"{_top(sides[k][0], first.tags_a)} / {_top(sides[k][1], first.tags_b)}"
        print(f"| {name} | " + " | ".join(f"{r[k].probability:.2f}" for r in results) + f" | {tagged} |")


if __name__ == "__main__":
    main()
