"""Surface agreement of English pivots: sacrebleu's chrF, a cheap signal that two
pivots say the same (used to skip NLI and shown in the report)."""

from __future__ import annotations

from itertools import combinations
from typing import Mapping

from sacrebleu.metrics import CHRF

_CHRF = CHRF()


def chrf(a: str, b: str) -> float:
    """Symmetric sentence chrF, 0..100."""
    if not a.strip() or not b.strip():
        return 0.0
    return (_CHRF.sentence_score(a, [b]).score + _CHRF.sentence_score(b, [a]).score) / 2


def pairwise_chrf(pivots: Mapping[str, str]) -> dict[tuple[str, str], float]:
    return {(a, b): chrf(pivots[a], pivots[b]) for a, b in combinations(sorted(pivots), 2) if pivots[a] and pivots[b]}
