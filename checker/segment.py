"""Stage 3: a document -> `Segment`s (sentences, headings, boilerplate lines)
with character offsets into the original text."""

from __future__ import annotations

import re
from typing import Iterator

from sentencex import segment as sentencex_segment

from .clean import classify_line, repeated_lines
from .records import Document, Segment

_FENCE = re.compile(r"^\s*(```|~~~)")
_MD_HEADING = re.compile(r"^(#{1,6})\s+")
# A piece ending in a German ordinal number ("19.") continues in the next piece.
_GERMAN_ORDINAL_END = re.compile(r"(?<![\d.])\d{1,3}\.$")


def _lines_with_offsets(text: str) -> Iterator[tuple[int, int, str]]:
    """(line number, offset of the line start, line text) for every line."""
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, offset, line
        offset += len(line) + 1


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, trimmed of surrounding spaces."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in sentencex_segment(lang, text):
        stripped = piece.strip()
        if not stripped:
            continue
        start = text.find(stripped, cursor)
        if start < 0:  # the segmenter altered the text; fall back to the raw cursor
            start = cursor
        end = start + len(stripped)
        if spans and lang == "de" and _GERMAN_ORDINAL_END.search(text[spans[-1][0] : spans[-1][1]]):
            # "im 19. Jahrhundert", "der 3. Platz": a German ordinal, not a sentence end
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        cursor = end
    return spans


def segment_units(doc: Document) -> list[Segment]:
    """A structured file's units: sentences never cross a unit, and keep its key and line."""
    segments: list[Segment] = []
    repeated = repeated_lines([doc.text[u.start : u.end] for u in doc.units])
    for unit in doc.units:
        prose = doc.text[unit.start : unit.end]
        kind = classify_line(prose, prose in repeated and unit.key is None)
        pieces = split_sentences(prose, doc.lang) if kind == "body" else [(0, len(prose))]
        for s, e in pieces:
            start, end = unit.start + s, unit.start + e
            segments.append(Segment(doc.path, doc.lang, len(segments), start, end, doc.text[start:end], kind, unit.line, unit.key))
    return segments


def segment_document(doc: Document) -> list[Segment]:
    if doc.units:
        return segment_units(doc)
    is_markdown = doc.path.lower().endswith((".md", ".markdown"))
    lines = list(_lines_with_offsets(doc.text))
    repeated = repeated_lines([line for _, _, line in lines])
    segments: list[Segment] = []
    in_code = False
    in_front_matter = False

    def add(start: int, end: int, kind: str, line_no: int) -> None:
        segments.append(
            Segment(doc.path, doc.lang, len(segments), start, end, doc.text[start:end], kind, line_no)
        )

    for line_no, line_start, line in lines:
        stripped = line.strip()
        if is_markdown and line_no == 1 and stripped == "---":
            in_front_matter = True
            continue
        if in_front_matter:
            if stripped in ("---", "..."):
                in_front_matter = False
            continue
        if is_markdown and _FENCE.match(line):
            in_code = not in_code
            continue
        if not stripped or in_code:
            continue
        lead = len(line) - len(line.lstrip())
        start = line_start + lead
        end = start + len(stripped)
        if is_markdown:
            heading = _MD_HEADING.match(stripped)
            if heading:
                add(start + heading.end(), end, "heading", line_no)
                continue
        kind = classify_line(stripped, stripped in repeated)
        if kind != "body":
            add(start, end, kind, line_no)
            continue
        for s, e in split_sentences(stripped, doc.lang):
            add(start + s, start + e, "body", line_no)
    return segments
