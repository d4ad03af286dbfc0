"""The records every format parser returns: prose units, per-language versions, one parsed file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

FORMATS = ("po", "xliff", "tmx", "json", "yaml", "html")
ROLES = ("source", "target", "version")


@dataclass(frozen=True)
class TextUnit:
    """One piece of prose: a catalog entry, a translation unit, an HTML block."""

    key: str | None  # msgctxt\x04msgid, "a.b.c", trans-unit id, tuid; None for free text (HTML)
    text: str  # as a reader sees it: inline markup removed, whitespace collapsed
    line: int  # 1-based line in the original file where this text starts
    flags: tuple[str, ...] = ()  # informational: PO flags, XLIFF states
    note: str = ""  # translator comment / note, where the format has one


@dataclass(frozen=True)
class UnitVersion:
    """The units of one language inside a file."""

    lang: str | None  # ISO 639-1 lower case; None when the file does not say
    units: tuple[TextUnit, ...]
    role: str = "target"  # "source" | "target" | "version"
    empty: tuple[str, ...] = ()  # keys the version holds with an empty value ("" in a JSON catalogue)

    def by_key(self) -> dict[str, TextUnit]:
        """Keyed units by key (units without a key are left out)."""
        return {u.key: u for u in self.units if u.key is not None}


@dataclass(frozen=True)
class ParsedFile:
    """A structured file turned into prose: PO/XLIFF (source, target), TMX one per language, others one."""

    path: str
    format: str  # one of FORMATS
    keyed: bool  # True when units carry keys that align versions
    versions: tuple[UnitVersion, ...]
    # entries left out, by reason ("fuzzy", "obsolete", "untranslated", "translate-no", "empty", …)
    skipped: Mapping[str, int] = field(default_factory=dict, hash=False)


def collapse_whitespace(text: str) -> str:
    """Runs of whitespace (newlines, tabs, no-break spaces) become one space, ends trimmed."""
    return " ".join(text.split())
