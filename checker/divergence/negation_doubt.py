"""Calibration of the negation doubt (compare/learned.py doubt_negation): the threshold on a
divergence model's P below which a negation finding becomes a note, measured on held-out
training documents (never the dev sets) and stored in the model's config.json by the
combine stage of scripts/train_divergence.py.

For every line of the held-out NTREX documents (`split == "valid"`: documents no model was
trained on) in checker's four rule languages (en, de, fr, id):

- **moved**: the four professional translations as they are, where checker's negation rule
  blames one version (its cue count differs in parity from the three others, which agree).
  These are equivalents the rule flags: a doubt is right.
- **flipped**: one version's negation flipped by the training data's own edit rules
  (synthetic.apply_edit, seeded) while the three others stay as they are, where the rule then
  blames that version. These are real divergences: a doubt is wrong.

A group is scored as a check scores a bead: P of the blamed version against each other
version, taken together by `max` (doubt only when every pair stays below the threshold).
The threshold keeps `KEEP` of the flips as findings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .examples import NEGATION_RULE_LANGUAGES, _read_ntrex, _valid_docs, negation_parity
from .scorer import Side
from .synthetic import apply_edit
from .training import auroc

KEEP = 0.95  # share of flips a doubt threshold must leave as findings


@dataclass(frozen=True)
class Group:
    texts: dict[str, str]  # NTREX lang -> the version's text
    blamed: str
    flipped: bool

    def pairs(self) -> list[tuple[Side, Side]]:
        """The blamed version against each other version, as doubt_negation reads a bead."""
        return [(Side.of_text(self.texts[self.blamed]), Side.of_text(t)) for l, t in self.texts.items() if l != self.blamed]


@dataclass(frozen=True)
class DoubtCalibration:
    threshold: float  # P below which a negation finding is doubted; keeps `keep` of the flips
    keep: float
    auroc: float  # max P of a group, flipped (1) against moved (0)
    flipped: int
    moved: int
    moved_doubted: int  # moved groups below the threshold: false alarms the doubt removes

    def as_dict(self) -> dict[str, object]:
        return {"threshold": round(self.threshold, 4), "keeps_flips": self.keep, "auroc": round(self.auroc, 4),
                "fitted_on": f"{self.flipped} flipped and {self.moved} polarity-moved groups of held-out training "
                             f"documents; {self.moved_doubted} moved groups doubted"}


def _blamed(texts: dict[str, str]) -> str | None:
    """The one version whose negation cue parity differs from the three others (which agree)."""
    parity = {l: negation_parity(t, l) for l, t in texts.items()}
    odd = [l for l in parity if sum(parity[l] == parity[o] for o in parity if o != l) == 0]
    return odd[0] if len(odd) == 1 else None


def held_out_groups(train_dir: Path, seed: int = 13, valid_every: int = 5) -> list[Group]:
    """The moved and flipped groups of the held-out NTREX documents (seeded)."""
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


def group_probabilities(groups: Sequence[Group], score_sides: Callable) -> list[list[float]]:
    """Each group's P per pair (blamed against each other version), in one batch of `score_sides`."""
    pairs = [g.pairs() for g in groups]
    scored = iter(score_sides([pair for group in pairs for pair in group]))
    return [[next(scored).probability for _ in group] for group in pairs]


def calibrate(groups: Sequence[Group], probabilities: Sequence[Sequence[float]],
              aggregate: Callable[[Sequence[float]], float] = max, keep: float = KEEP) -> DoubtCalibration:
    """The threshold keeping `keep` of the flips above it, and what it costs and buys."""
    p = np.array([aggregate(ps) for ps in probabilities], dtype=float)
    flips = np.array([g.flipped for g in groups])
    if not flips.any() or flips.all():
        raise ValueError("a doubt threshold needs both flipped and moved groups")
    threshold = float(np.quantile(p[flips], 1 - keep))
    return DoubtCalibration(threshold, keep, auroc(list(p), [int(f) for f in flips]), int(flips.sum()),
                            int((~flips).sum()), int((p[~flips] < threshold).sum()))
