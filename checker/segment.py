"""Stage 3: a document -> `Segment`s (sentences, headings, boilerplate lines)
with character offsets into the original text."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterator

from sentencex import segment as sentencex_segment

from .clean import classify_line, repeated_lines
from .markdown import is_markdown_path, paragraphs, prose_view
from .records import Document, Segment

# A piece ending in a German ordinal number ("19.") continues in the next piece.
_GERMAN_ORDINAL_END = re.compile(r"(?<![\d.])\d{1,3}\.$")
# Titles and address words written with a period before a name, which the segmenter takes
# for a sentence end in these languages ("a ajouté M. | Mills-Hicks."): a piece ending in
# one continues in the next. English titles (Mr., Dr., Sen.) it already knows.
_TITLES_BEFORE_NAMES = {
    "fr": frozenset({"M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Dr", "Pr", "Me", "Mgr", "St", "Ste"}),
    "de": frozenset({"Hr", "Hrn", "Dr", "Prof", "St"}),
    "id": frozenset({"Bpk", "Sdr", "Sdri", "Dr", "Prof", "Jl", "Kol", "Jend", "St"}),
}
_LAST_WORD = re.compile(r"(?:^|[\s(«“\"'])(\w+)\.$")


def _continues(piece: str, lang: str) -> bool:
    """Whether a piece the segmenter ended is not a sentence end but a German ordinal or a title."""
    lang = lang.replace("_", "-").split("-")[0].lower()  # "de-CH", "fr_CA": the language's own rules
    if lang == "de" and _GERMAN_ORDINAL_END.search(piece):
        return True  # "im 19. Jahrhundert", "der 3. Platz"
    last = _LAST_WORD.search(piece)
    return bool(last) and last.group(1) in _TITLES_BEFORE_NAMES.get(lang, ())


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
        if spans and _continues(text[spans[-1][0] : spans[-1][1]], lang):
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


def segment_markdown(doc: Document) -> list[Segment]:
    """Markdown: sentences of the prose view (code, tags, front matter, link targets and
    emphasis markers blanked out), split per paragraph, so a hard-wrapped sentence stays one.
    A segment's text is the prose view between its offsets."""
    view = prose_view(doc.text)
    blocks = paragraphs(view)
    repeated = repeated_lines([_one_line(view[b.start : b.end]) for b in blocks])
    line_starts = [0] + [i + 1 for i, c in enumerate(doc.text) if c == "\n"]
    segments: list[Segment] = []

    def add(start: int, end: int, kind: str) -> None:
        line = bisect_right(line_starts, start)
        segments.append(Segment(doc.path, doc.lang, len(segments), start, end, view[start:end], kind, line))

    for block in blocks:
        flat = _one_line(view[block.start : block.end])
        if block.heading:
            add(block.start, block.end, "heading")
            continue
        kind = classify_line(" ".join(flat.split()), flat in repeated)
        if kind != "body":
            add(block.start, block.end, kind)
            continue
        for s, e in split_sentences(flat, doc.lang):
            # trimmed again: a sentence may start after spaces left by masked markup
            piece = view[block.start + s : block.start + e]
            lead = len(piece) - len(piece.lstrip())
            add(block.start + s + lead, block.start + s + len(piece.rstrip()), "body")
    return segments


def _one_line(text: str) -> str:
    """Line breaks as spaces (same length): the segmenter must not end a sentence at a wrap."""
    return text.replace("\n", " ")


def segment_document(doc: Document) -> list[Segment]:
    if doc.units:
        return segment_units(doc)
    if is_markdown_path(doc.path):
        return segment_markdown(doc)
    lines = list(_lines_with_offsets(doc.text))
    repeated = repeated_lines([line for _, _, line in lines])
    segments: list[Segment] = []

    def add(start: int, end: int, kind: str, line_no: int) -> None:
        segments.append(
            Segment(doc.path, doc.lang, len(segments), start, end, doc.text[start:end], kind, line_no)
        )

    for line_no, line_start, line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        start = line_start + lead
        end = start + len(stripped)
        kind = classify_line(stripped, stripped in repeated)
        if kind != "body":
            add(start, end, kind, line_no)
            continue
        for s, e in split_sentences(stripped, doc.lang):
            add(start + s, start + e, "body", line_no)
    return segments
