"""Where a finding's spans fall inside a displayed text, and that text as HTML with marks.

Spans carry offsets into the original file; a displayed text (a segment, or a
finding version's sentence) knows its own `start`/`end` in that file. When the
displayed text is exactly the file slice, offsets map directly; when it was
cleaned (whitespace folded, markup stripped) the span's text is searched for
near its expected place instead. Nothing here knows about findings or HTML
layout beyond the `<mark>` element itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from checker.emit.markup import esc as escape  # the one HTML escaper (markup.esc)
from checker.records import Span

# Words not worth highlighting on their own when a pivot phrase has to be matched word by word.
_PIVOT_STOPWORDS = frozenset(
    "a an the of to in on at by for from with and or but is are was were be been it its this that".split()
)


@dataclass(frozen=True)
class Mark:
    """A highlighted range [start, end) of a displayed text, belonging to one finding."""

    start: int
    end: int
    finding_id: str
    severity: str
    title: str = ""


def locate_span(text: str, start: int, end: int, span: Span) -> tuple[int, int] | None:
    """Local [a, b) of `span` inside a text that occupies [start, end) of the file, or None.

    A span crossing the text's edges is clipped to the part inside it.
    """
    if span.end <= span.start:
        return None
    lo, hi = max(span.start, start), min(span.end, end)
    if lo >= hi:
        return None
    if len(text) == end - start:
        return lo - start, hi - start
    # The displayed text is not the raw file slice: find the span's words near where they should be.
    if not (start <= span.start < end) or not span.text:
        return None
    return _nearest_occurrence(text, span.text, span.start - start)


def _nearest_occurrence(text: str, needle: str, expected: int) -> tuple[int, int] | None:
    best: int | None = None
    i = text.find(needle)
    while i != -1:
        if best is None or abs(i - expected) < abs(best - expected):
            best = i
        i = text.find(needle, i + 1)
    return None if best is None else (best, best + len(needle))


def locate_pivot_text(pivot: str, pivot_text: str | None) -> list[tuple[int, int]]:
    """Ranges of `pivot` that show `pivot_text`: the phrase if it occurs, else its content words."""
    words = re.findall(r"\w+(?:['’-]\w+)*", pivot_text or "")
    if not words or not pivot:
        return []
    phrase = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)
    found = phrase.search(pivot)
    if found:
        return [found.span()]
    ranges = []
    for word in words:
        if word.lower() in _PIVOT_STOPWORDS or len(word) < 2:
            continue
        m = re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", pivot, re.IGNORECASE)
        if m:
            ranges.append(m.span())
    return sorted(set(ranges))


def render_marked(text: str, marks: list[Mark], css_class: str = "hl") -> str:
    """`text` HTML-escaped, with every mark as `<mark class="{css_class} sev-…" data-finding-id=…>`.

    Overlapping marks of different findings nest: the text is cut at every mark
    boundary and each piece is wrapped once per mark covering it.
    """
    marks = [m for m in dict.fromkeys(marks) if 0 <= m.start < m.end <= len(text)]
    if not marks:
        return escape(text)
    cuts = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    # Outer marks first: the longer of two marks starting together encloses the shorter.
    order = sorted(marks, key=lambda m: (m.start, -m.end, m.finding_id))
    out = []
    for a, b in pairwise(cuts):
        piece = escape(text[a:b])
        for m in reversed([m for m in order if m.start <= a and b <= m.end]):
            piece = _mark_open(m, css_class) + piece + "</mark>"
        out.append(piece)
    return "".join(out)


def _mark_open(m: Mark, css_class: str) -> str:
    """Kept short: a big report holds tens of thousands of marks. The severity is in the class,
    the finding in `data-finding-id` (left out when empty, as in a finding's own detail panel)."""
    fid = f' data-finding-id="{escape(m.finding_id)}"' if m.finding_id else ""
    title = f' title="{escape(m.title)}"' if m.title else ""
    return f'<mark class="{css_class} sev-{escape(m.severity)}"{fid}{title}>'

