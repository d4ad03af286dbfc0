"""Place findings on the side-by-side rows of a version set.

A finding version names a language and offsets into that language's file; an
aligned segment knows the same offsets. From those this module works out which
rows a finding touches (for selecting and scrolling) and which characters of
each segment, and of its English pivot, to mark.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from checker.emit.highlight import Mark, locate_pivot_text, locate_span
from checker.records import AlignedRow, AlignedSegment, Finding, FindingVersion, Span

SegmentKey = tuple[int, str, int]  # (row index, language, segment index within the cell)


@dataclass
class Placement:
    rows_of: dict[str, list[int]] = field(default_factory=dict)  # finding id -> rows it touches, ascending
    findings_in_row: dict[int, list[Finding]] = field(default_factory=lambda: defaultdict(list))
    source_marks: dict[SegmentKey, list[Mark]] = field(default_factory=lambda: defaultdict(list))
    pivot_marks: dict[SegmentKey, list[Mark]] = field(default_factory=lambda: defaultdict(list))


class _SegmentIndex:
    """The segments of one language in file order, to find those near an offset range quickly."""

    def __init__(self) -> None:
        self._entries: list[tuple[int, int, int, AlignedSegment]] = []  # (start, row, seg index, segment)
        self._starts: list[int] = []

    def add(self, row_i: int, seg_i: int, seg: AlignedSegment) -> None:
        self._entries.append((seg.start, row_i, seg_i, seg))

    def freeze(self) -> None:
        self._entries.sort(key=lambda e: (e[0], e[1], e[2]))
        self._starts = [e[0] for e in self._entries]

    def near(self, lo: int, hi: int) -> Iterator[tuple[int, int, AlignedSegment]]:
        """Segments that may overlap [lo, hi): those starting before `hi`, from the last one starting at or before `lo`.

        Segments of one file do not overlap each other, so nothing earlier can reach `lo`.
        """
        i = max(bisect_right(self._starts, lo) - 1, 0)
        while i < len(self._entries) and self._entries[i][0] < hi:
            _, row_i, seg_i, seg = self._entries[i]
            yield row_i, seg_i, seg
            i += 1


def mark_title(finding: Finding) -> str:
    """What a highlight says on hover (short: the message is in the list, and marks are many)."""
    return f"{finding.severity} · {finding.kind}"


def place_findings(rows: tuple[AlignedRow, ...], findings: list[Finding]) -> Placement:
    index: dict[str, _SegmentIndex] = defaultdict(_SegmentIndex)
    for row_i, row in enumerate(rows):
        for lang, segs in row.members.items():
            for seg_i, seg in enumerate(segs):
                index[lang].add(row_i, seg_i, seg)
    for lang_index in index.values():
        lang_index.freeze()

    placement = Placement()
    for finding in findings:
        touched: set[int] = set()
        for version in finding.versions:
            if version.lang not in index:
                continue
            lo = min([version.start] + [s.start for s in version.spans])
            hi = max([version.end, lo + 1] + [s.end for s in version.spans])
            for row_i, seg_i, seg in index[version.lang].near(lo, hi):
                if _overlaps(seg, version.start, version.end):
                    touched.add(row_i)
                for span in version.spans:
                    if _mark_segment(placement, (row_i, version.lang, seg_i), seg, span, finding):
                        touched.add(row_i)
        placement.rows_of[finding.id] = sorted(touched)
        for row_i in sorted(touched):
            placement.findings_in_row[row_i].append(finding)
    return placement


def _overlaps(seg: AlignedSegment, start: int, end: int) -> bool:
    """Whether a version's text overlaps the segment (an empty version, e.g. an omission, touches nothing)."""
    return start < end and seg.start < end and start < seg.end


def _mark_segment(placement: Placement, key: SegmentKey, seg: AlignedSegment, span: Span, finding: Finding) -> bool:
    """Mark `span` in the segment (and its pivot words in the segment's pivot); True if it lies there."""
    local = locate_span(seg.text, seg.start, seg.end, span)
    if local is None:
        return False
    title = mark_title(finding)
    placement.source_marks[key].append(Mark(*local, finding.id, finding.severity, title))
    # The pivot words belong to the segment holding the span's start (a span crossing segments is marked once).
    if seg.start <= span.start < seg.end:
        for a, b in locate_pivot_text(seg.pivot, span.pivot_text):
            placement.pivot_marks[key].append(Mark(a, b, finding.id, finding.severity, title))
    return True


def version_marks(version: FindingVersion, finding: Finding) -> tuple[list[Mark], list[Mark]]:
    """Marks for a finding version's own sentence and pivot (the detail panel)."""
    source, pivot = [], []
    for span in version.spans:
        local = locate_span(version.text, version.start, version.end, span)
        if local is not None:
            source.append(Mark(*local, "", finding.severity))  # the panel belongs to the finding already
        for a, b in locate_pivot_text(version.pivot, span.pivot_text):
            pivot.append(Mark(a, b, "", finding.severity))
    return source, pivot
