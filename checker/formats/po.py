"""Gettext PO/POT catalogs (through polib): msgid is the source version, msgstr the target.

Fuzzy, obsolete and untranslated entries never reach the target version: a fuzzy
msgstr is a stale guess, not the translation, and comparing it would only report
what the translator already knows. They are counted in `ParsedFile.skipped`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field

import polib

from ..errors import InputError
from .lang import normalize_lang
from .units import ParsedFile, TextUnit, UnitVersion, collapse_whitespace

# polib: "Syntax error in po file (line 7): unescaped double quote found"
_POLIB_ERROR = re.compile(r"\(line (?P<line>\d+)\)\s*:?\s*(?P<what>.*)$")
_MSGSTR_N = re.compile(r"^msgstr\[(?P<n>\d+)\]")
# A keyword or continuation line: its string must open and close with a quote (polib lets `"Bye` pass).
_STRING_LINE = re.compile(r'^(?:#~\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?(?P<string>".*)$')


@dataclass
class _EntryLines:
    """Where an entry's msgid and msgstr lines are (1-based); polib only knows where the entry starts."""

    msgid: int
    msgid_plural: int
    msgstr: dict[int, int] = field(default_factory=dict)  # plural index (0 for a plain msgstr) -> line


def parse_po(path: str, text: str, template: bool) -> ParsedFile:
    """Parse decoded PO text; `template` (a .pot) yields only the source version."""
    catalog = _polib_parse(path, text)
    lines = text.splitlines()
    source_lang = normalize_lang(catalog.metadata.get("X-Source-Language")) or "en"
    target_lang = normalize_lang(catalog.metadata.get("Language"))

    source: list[TextUnit] = []
    target: list[TextUnit] = []
    skipped: Counter[str] = Counter()
    for entry in catalog:
        if entry.obsolete:
            skipped["obsolete"] += 1
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        where = _locate(lines, entry.linenum)
        flags = tuple(entry.flags)
        note = "\n".join(c for c in (entry.tcomment, entry.comment) if c)
        source.append(TextUnit(key, collapse_whitespace(entry.msgid), where.msgid, flags, note))
        if entry.msgid_plural:
            source.append(TextUnit(f"{key}[1]", collapse_whitespace(entry.msgid_plural), where.msgid_plural, flags, note))
        if template:
            continue
        if entry.fuzzy:
            skipped["fuzzy"] += 1
        elif not entry.translated():
            skipped["untranslated"] += 1
        elif entry.msgstr_plural:
            # forms 0 and 1 pair with msgid and msgid_plural; further forms have no source to compare
            for n in (0, 1):
                if n in entry.msgstr_plural:
                    unit_key = key if n == 0 else f"{key}[1]"
                    line = where.msgstr.get(n, where.msgid)
                    target.append(TextUnit(unit_key, collapse_whitespace(entry.msgstr_plural[n]), line, flags, note))
        else:
            target.append(TextUnit(key, collapse_whitespace(entry.msgstr), where.msgstr.get(0, where.msgid), flags, note))

    versions = [UnitVersion(source_lang, tuple(source), role="source")]
    if not template:
        versions.append(UnitVersion(target_lang, tuple(target), role="target"))
    return ParsedFile(path, "po", True, tuple(versions), dict(skipped))


def _polib_parse(path: str, text: str) -> polib.POFile:
    # polib treats a string naming an existing file as that file's path: never let content do that.
    try:
        names_a_file = os.path.isfile(text)
    except (TypeError, ValueError, OSError):
        names_a_file = False
    if names_a_file or "msgid" not in text:
        raise InputError(path, "not a valid PO file (no msgid entry)", "pass a gettext .po or .pot catalog")
    unterminated = _unterminated_string_line(text)
    if unterminated:
        raise InputError(
            path, f"not a valid PO file (line {unterminated}: unterminated string)", "fix the syntax, e.g. with msgfmt --check"
        )
    try:
        return polib.pofile(text, encoding="utf-8")
    except OSError as exc:  # polib reports every syntax error as IOError
        m = _POLIB_ERROR.search(str(exc))
        detail = f"line {m.group('line')}: {m.group('what') or 'syntax error'}" if m else str(exc)
        raise InputError(path, f"not a valid PO file ({detail})", "fix the syntax, e.g. with msgfmt --check") from exc


def _unterminated_string_line(text: str) -> int | None:
    for number, raw in enumerate(text.splitlines(), start=1):
        m = _STRING_LINE.match(raw.strip())
        if m and (len(m.group("string")) < 2 or not m.group("string").endswith('"')):
            return number
    return None


def _locate(lines: list[str], start: int) -> _EntryLines:
    """Scan from an entry's first line (polib's `linenum`, 0 for a first entry) to its msgid/msgstr lines."""
    i = max(start, 1) - 1
    found = _EntryLines(msgid=max(start, 1), msgid_plural=max(start, 1))
    seen_msgid = seen_msgstr = False
    while i < len(lines):
        line = lines[i].strip()
        if seen_msgstr and (line.startswith(("#", "msgctxt", "msgid"))):
            break  # the next entry
        text_line = _text_line(lines, i)
        if line.startswith("msgid_plural"):
            found.msgid_plural = text_line
        elif line.startswith("msgid") and not seen_msgid:
            found.msgid = found.msgid_plural = text_line
            seen_msgid = True
        elif line.startswith("msgstr"):
            m = _MSGSTR_N.match(line)
            found.msgstr.setdefault(int(m.group("n")) if m else 0, text_line)
            seen_msgstr = True
        i += 1
    return found


def _text_line(lines: list[str], i: int) -> int:
    """1-based line where the string of keyword line `i` starts: `msgstr ""` wrapped onto the next lines starts there."""
    if lines[i].rstrip().endswith('""') and i + 1 < len(lines) and lines[i + 1].lstrip().startswith('"'):
        return i + 2
    return i + 1
