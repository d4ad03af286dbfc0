"""Recognises lines that are page furniture, not content: source URLs, comment
counters, bylines with dates, menu crumbs, code in Markdown.

Such lines become `boilerplate` segments: shown in the report, kept out of the
meaning comparison. Short lines without closing punctuation become `heading`s.
"""

from __future__ import annotations

import re
from collections import Counter

from .markdown import prose_view as markdown_prose

_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_COUNTER = re.compile(r"^[\w\s]{1,30}\(\d+\)$")  # "Kommentar (0)", "Comments (12)"
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
_MONTHS = (
    "januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|"
    "janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "januari|februari|maret|agustus|oktober|desember|"
    "january|february|march|may|june|july|october|december"
)
_MONTH_DATE = re.compile(rf"\b\d{{1,2}}\.?\s+({_MONTHS})\b|\b({_MONTHS})\s+\d{{1,2}}\b", re.IGNORECASE)
_WEEKDAYS = re.compile(
    r"\b(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche|senin|selasa|rabu|kamis|jumat|sabtu|minggu|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
# "StartPolitikGesetzgebung": menu items glued together by a scraper
_GLUED_WORDS = re.compile(r"[a-zäöüéèàç][A-ZÄÖÜÉ]")
# "Von Max Mustermann, 3. März 2024", "By Jane Doe | May 3": a byline names an author
_BYLINE = re.compile(r"^(von|by|par|oleh|penulis|autor|auteur)\s+\w+", re.IGNORECASE)
_CLOSING = re.compile(r"[.!?…:;»«\"“”'’)]\s*$")


def classify_line(line: str, repeated: bool = False) -> str:
    """'boilerplate', 'heading' or 'body' for one stripped, non-empty line."""
    words = line.split()
    if _URL.search(line) and len(_URL.sub("", line).split()) <= 3:
        return "boilerplate"
    if _COUNTER.match(line):
        return "boilerplate"
    short = len(words) <= 8
    if short and not _CLOSING.search(line):
        if _TIME.search(line) or _NUMERIC_DATE.search(line) or _WEEKDAYS.search(line):
            return "boilerplate"
        if _MONTH_DATE.search(line) and (len(words) <= 5 or _BYLINE.match(line)):
            return "boilerplate"
    if len(_GLUED_WORDS.findall(line)) >= 2 and len(words) <= 12:
        return "boilerplate"
    if repeated and len(words) <= 6:
        return "boilerplate"
    if len(words) <= 15 and not _CLOSING.search(line):
        return "heading"
    return "body"


def repeated_lines(lines: list[str]) -> set[str]:
    counts = Counter(line.strip() for line in lines if line.strip())
    return {line for line, n in counts.items() if n > 1}


def prose_view(text: str, is_markdown: bool) -> str:
    """The text with non-prose markup blanked out (same length, same offsets): what rule
    checks read, so a number in a URL or in inline code is not compared as a fact."""
    return markdown_prose(text) if is_markdown else text
