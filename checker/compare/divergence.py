"""What a comparison signal reports about one bead, before it becomes a `Finding`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Divergence:
    kind: str  # one of records.FINDING_KINDS
    severity: str  # major | minor | info
    score: float  # 0..1, how sure the signal is that the versions differ
    message: str
    divergent: tuple[str, ...]  # languages blamed
    reference: tuple[str, ...]  # languages that agree with each other
    # lang -> (start, end) character offsets in that version's file of the words that differ
    spans: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    evidence: Mapping[str, Any] = field(default_factory=dict)
    signal: str = ""  # which signal produced it: words, facts, gaps, nli, similarity
