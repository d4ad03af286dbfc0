"""Turns a `Divergence` on a bead into a `Finding` of the report contract.

Each finding gets a stable id: a hash of what diverges (set, kind, languages,
the divergent sentence and words), not of line numbers, so an edit elsewhere in
the file leaves it unchanged.
"""

from __future__ import annotations

import hashlib
import re
from typing import Callable, Mapping, Sequence

from .compare.divergence import Divergence
from .records import Bead, Document, Finding, FindingVersion, Segment, Span

# For a span's words, the English word(s) of the pivot that render them (or None).
PivotWordFinder = Callable[[str, str, str], str | None]  # (lang, span text, pivot sentence) -> pivot words


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def finding_id(set_id: str, d: Divergence, texts: Mapping[str, str], span_texts: Sequence[str]) -> str:
    blamed_text = " | ".join(_normalise(texts.get(l, "")) for l in d.divergent)
    if not blamed_text.strip(" |"):  # an omission: identify it by what the others say
        blamed_text = " | ".join(_normalise(texts.get(l, "")) for l in d.reference)
    key = "\x1f".join([set_id, d.kind, ",".join(d.divergent), blamed_text, ",".join(sorted(span_texts))])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _insertion_point(lang: str, bead_index: int, beads: Sequence[Bead], doc: Document) -> tuple[int, int]:
    """(offset, line) where a version lacking this bead would have it: after its previous sentence."""
    for earlier in reversed(beads[:bead_index]):
        segs = earlier.members.get(lang)
        if segs:
            return segs[-1].end, segs[-1].line
    return 0, 1


def _narrowed(segs: tuple[Segment, ...], spans: Sequence[tuple[int, int]]) -> tuple[Segment, ...]:
    """In a bead of several sentences, the sentences that hold the divergent words: a finding
    points at the sentence that changed, not at the whole merged group."""
    if len(segs) < 2 or not spans:
        return segs
    touched = tuple(seg for seg in segs if any(s < seg.end and seg.start < e for s, e in spans))
    return touched or segs


def build_finding(
    set_id: str,
    d: Divergence,
    bead: Bead,
    beads: Sequence[Bead],
    documents: Mapping[str, Document],
    pivots: Mapping[tuple[str, int], str],
    pivot_words: PivotWordFinder | None = None,
) -> Finding:
    versions: list[FindingVersion] = []
    # a structured file's unit: the versions that lack it are still at that key
    key = next((s.unit for segs in bead.members.values() for s in segs if s.unit is not None), None)
    texts: dict[str, str] = {}
    span_texts: list[str] = []
    for lang in (*d.divergent, *d.reference):
        doc = documents[lang]
        segs: tuple[Segment, ...] = _narrowed(bead.members.get(lang, ()), d.spans.get(lang, ()))
        role = "divergent" if lang in d.divergent else "reference"
        if segs:
            start, end, line = segs[0].start, segs[-1].end, segs[0].line
            text = doc.text[start:end]
            pivot = " ".join(pivots.get((lang, s.index), "") for s in segs).strip()
        else:
            start, line = _insertion_point(lang, bead.index, beads, doc)
            end, text, pivot = start, "", ""
        texts[lang] = text
        spans = []
        for s, e in d.spans.get(lang, ()):
            words = doc.text[s:e]
            span_texts.append(f"{lang}:{words}")
            if lang == "en":
                pivot_text = words  # English is its own pivot
            else:
                pivot_text = pivot_words(lang, words, pivot) if pivot_words and pivot else None
            spans.append(Span(s, e, words, pivot_text))
        versions.append(FindingVersion(lang, doc.path, line, start, end, text, pivot, role, tuple(spans), key))
    evidence = dict(d.evidence)
    return Finding(
        id=finding_id(set_id, d, texts, span_texts),
        version_set=set_id,
        kind=d.kind,
        severity=d.severity,
        score=round(float(d.score), 4),
        message=d.message,
        versions=tuple(versions),
        evidence=evidence,
    )
