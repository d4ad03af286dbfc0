"""Explicit suppressions: inline markers in the checked files, `[[suppress]]` entries and
`[ignore]` kinds per language in the configuration. Unused ones are reported (like ruff's).

Inline markers. A comment holding `checker: ignore` (every kind) or
`checker: ignore[number,date]` (those kinds), in whatever comment form the file allows:

    <!-- checker: ignore[number] -->          Markdown / HTML
    # checker: ignore[date]                   plain text, YAML, PO translator comments
    <note>checker: ignore[term]</note>        XLIFF

The raw file text is searched with one pattern, so the comment form does not matter. A
marker applies to a finding when a divergent version of it, in that file, starts on the
marker's line (a trailing comment), or on the line right after it when the marker stands
on its own line (only comment syntax before it: a comment before the sentence).

Omissions: the divergent version lacks the sentence, so its line is that of the sentence
before the gap. There a marker counts on that line, or on its own line right after it
(where the missing sentence would go). A marker may also sit in a reference version, on
or right before the sentence the divergent version lacks: `<!-- checker: ignore[omission] -->`
before an English-only sentence says "the other versions may leave this out".
Lines are those of the file as read from disk; for keyed formats, whose finding lines may
not be file lines, the caller passes the markers of unit notes (`extra_markers`).

Configured suppressions (checker.toml):

    [[suppress]]                 every given field must match
    id = "2a4515fb677a2790"      the finding's id (its baseline fingerprint)
    kind = "term"
    path = "docs/legacy/*"       glob on the divergent version's path (fnmatch: * also
                                 crosses /); without a / it may match the file name alone
    lang = "id"                  a divergent version in this language
    reason = "e5-small does not know Indonesian terms"

    [ignore]                     kinds ignored when a divergent version is in that language
    id = ["term"]
    de = ["date"]

A finding with several divergent versions (two-version word findings blame both) is
suppressed when any of them matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from .errors import CheckerError
from .records import FINDING_KINDS, Finding, FindingVersion, RunResult

# `checker: ignore` or `checker: ignore[kind, kind]`, not inside a longer word.
MARKER = re.compile(r"(?<![\w-])checker:\s*ignore(?![\w-])(?:\[(?P<kinds>[^\]\n]*)\])?", re.IGNORECASE)
RULE_FIELDS = ("id", "kind", "path", "lang", "reason")
_SUPPRESS_HEADER = re.compile(r"^[ \t]*\[\[\s*(?:tool\s*\.\s*checker\s*\.\s*)?suppress\s*\]\]", re.MULTILINE)


@dataclass(frozen=True)
class InlineMarker:
    """One `checker: ignore[…]` comment in a checked file."""

    path: str
    line: int
    kinds: tuple[str, ...] = ()  # empty: every kind
    unknown_kinds: tuple[str, ...] = ()  # written in the marker but not a finding kind
    text: str = "checker: ignore"
    own_line: bool = True  # nothing but comment syntax before it: it also covers the next line
    # A note of a keyed unit (PO comment, XLIFF note): one comment reaches the source and the
    # target version of its unit, at their own lines; used when either of them is.
    unit: str | None = None

    def covers(self, kind: str) -> bool:
        return not self.kinds and not self.unknown_kinds or kind in self.kinds

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class SuppressRule:
    """One `[[suppress]]` entry of the configuration; unset fields match anything."""

    id: str | None = None
    kind: str | None = None
    path: str | None = None
    lang: str | None = None
    reason: str = ""
    source: str = ""  # "checker.toml:12", for messages (left out of the report's config)

    def matches(self, finding: Finding) -> bool:
        if self.id is not None and finding.id != self.id:
            return False
        if self.kind is not None and finding.kind != self.kind:
            return False
        divergent = _divergent(finding)
        if self.lang is not None and not any(v.lang == self.lang for v in divergent):
            return False
        if self.path is not None and not any(_path_matches(self.path, v.path) for v in divergent):
            return False
        return True

    def describe(self) -> str:
        return "[[suppress]] " + ", ".join(f"{k} = {getattr(self, k)!r}" for k in RULE_FIELDS[:4] if getattr(self, k) is not None)


@dataclass(frozen=True)
class Suppressed:
    """A finding left out, by what and why."""

    finding: Finding
    by: str  # "inline" | "config" | "ignore"
    where: str  # file:line of the marker or entry, or "[ignore] de"
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        f = self.finding
        return {"id": f.id, "kind": f.kind, "severity": f.severity, "message": f.message,
                "version_set": f.version_set, "by": self.by, "where": self.where, "reason": self.reason}


@dataclass(frozen=True)
class UnusedSuppression:
    """A marker or configured entry that matched no finding of the run."""

    where: str  # file:line
    what: str  # the marker text or the entry's fields
    note: str = ""  # e.g. an unknown kind inside the brackets

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "what": self.what, "note": self.note}


@dataclass(frozen=True)
class SuppressionReport:
    suppressed: tuple[Suppressed, ...] = ()
    unused: tuple[UnusedSuppression, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"suppressed": [s.as_dict() for s in self.suppressed], "unused_suppressions": [u.as_dict() for u in self.unused]}


# --- configuration ------------------------------------------------------------------------


def parse_suppress_rules(entries: Any, where: str) -> tuple[SuppressRule, ...]:
    """The `[[suppress]]` tables of a config file, each checked; errors name the file and entry."""
    if not isinstance(entries, list):
        raise CheckerError(f"{where}: 'suppress' must be a list of tables ([[suppress]]), not {entries!r}")
    lines = _header_lines(where)
    rules = []
    for n, entry in enumerate(entries, start=1):
        at = f"{where}:{lines[n - 1]}" if n <= len(lines) else f"{where} [[suppress]] #{n}"
        if not isinstance(entry, Mapping):
            raise CheckerError(f"{at}: [[suppress]] entry {n} must be a table, not {entry!r}")
        # None and "source" only come back from `Config.as_dict` (TOML has no null)
        fields = {key.replace("-", "_"): value for key, value in entry.items() if key != "source" and value is not None}
        unknown = sorted(set(fields) - set(RULE_FIELDS))
        if unknown:
            raise CheckerError(f"{at}: unknown setting 'suppress.{unknown[0]}' (known: {', '.join(RULE_FIELDS)})")
        for key, value in fields.items():
            if not isinstance(value, str) or (key != "reason" and not value.strip()):
                raise CheckerError(f"{at}: 'suppress.{key}' must be a non-empty string, not {value!r}")
        if fields.get("kind") is not None and fields["kind"] not in FINDING_KINDS:
            raise CheckerError(f"{at}: 'suppress.kind' must be one of {', '.join(FINDING_KINDS)}, not {fields['kind']!r}")
        if not any(k in fields for k in ("id", "kind", "path", "lang")):
            raise CheckerError(f"{at}: [[suppress]] entry {n} names none of id, kind, path, lang and would hide every finding")
        rules.append(SuppressRule(**fields, source=at))
    return tuple(rules)


def parse_ignore(table: Any, where: str) -> dict[str, tuple[str, ...]]:
    """`[ignore]`: language -> finding kinds ignored when a version in that language differs."""
    if not isinstance(table, Mapping):
        raise CheckerError(f"{where}: 'ignore' must be a table of language = [kinds], not {table!r}")
    out = {}
    for lang, kinds in table.items():
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            raise CheckerError(f"{where}: 'ignore.{lang}' must be a list of finding kinds, not {kinds!r}")
        unknown = [k for k in kinds if k not in FINDING_KINDS]
        if unknown:
            raise CheckerError(f"{where}: 'ignore.{lang}' names unknown kind {unknown[0]!r} (kinds: {', '.join(FINDING_KINDS)})")
        out[lang] = tuple(kinds)
    return out


def _header_lines(where: str) -> list[int]:
    """1-based lines of the `[[suppress]]` headers in the config file, for messages."""
    if not where.endswith(".toml"):  # "defaults", "command line": no file to look in
        return []
    try:
        text = Path(where).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    return [text.count("\n", 0, m.start()) + 1 for m in _SUPPRESS_HEADER.finditer(text)]


# --- inline markers -----------------------------------------------------------------------


def find_markers(path: str, text: str, at_line: int | None = None, unit: str | None = None) -> list[InlineMarker]:
    """Every `checker: ignore[…]` in `text` with its line; `at_line` places them all on one
    line instead (a keyed format's unit notes: the line of the unit they belong to, whose
    key is `unit`)."""
    markers = []
    for m in MARKER.finditer(text):
        named = [k.strip().lower() for k in (m.group("kinds") or "").split(",") if k.strip()]
        kinds = tuple(k for k in named if k in FINDING_KINDS)
        unknown = tuple(k for k in named if k not in FINDING_KINDS)
        line = at_line if at_line is not None else text.count("\n", 0, m.start()) + 1
        before = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        own_line = at_line is None and not re.search(r"\w", re.sub(r"<[^>]*>", "", before))
        markers.append(InlineMarker(path, line, kinds, unknown, m.group(0), own_line, unit))
    return markers


def unit_note_markers(result: RunResult) -> list[InlineMarker]:
    """Markers in structured files' unit notes (a PO translator comment, an XLIFF note): a
    note belongs to its unit, so its marker sits on the unit's line."""
    return [
        marker
        for vs in result.version_sets
        for doc in vs.versions
        for unit in doc.units
        if unit.note
        for marker in find_markers(doc.path, unit.note, at_line=unit.line, unit=unit.key)
    ]


def read_source(path: str) -> str | None:
    """The file as the loader decodes it (same newlines, so lines agree); None if unreadable."""
    from .load import decode_text  # lazily: the loader pulls in the language detector

    try:
        return decode_text(Path(path).read_bytes(), path)
    except (OSError, CheckerError):
        return None


def _marker_applies(marker: InlineMarker, finding: Finding) -> bool:
    if not marker.covers(finding.kind):
        return False
    for v in finding.versions:
        if v.path != marker.path:
            continue
        if v.role == "divergent" and not v.text:  # the gap of an omission: after the sentence before it
            if marker.line == v.line or (marker.own_line and marker.line == v.line + 1):
                return True
        elif v.role == "divergent" or finding.kind == "omission":  # (a reference: the sentence the others lack)
            if v.line == marker.line or (marker.own_line and v.line == marker.line + 1):
                return True
    return False


# --- applying -----------------------------------------------------------------------------


def apply_suppressions(
    result: RunResult,
    config_suppressions: Sequence[SuppressRule],
    ignore: Mapping[str, Iterable[str]],
    *,
    inline: bool = True,
    extra_markers: Sequence[InlineMarker] = (),
    read_text: Callable[[str], str | None] = read_source,
) -> tuple[RunResult, SuppressionReport]:
    """The run without suppressed findings, and what was suppressed or left unused.

    Inline markers are read from every file of the run's version sets (so a marker in a
    file without findings is reported unused) and of its findings; `extra_markers` are
    markers the caller found itself, e.g. in the notes of a keyed format's units (see
    `find_markers(path, note, at_line=unit_line)`): their files are not read again.
    """
    markers = list(extra_markers)
    given = {m.path for m in markers}  # the caller read these files' markers itself
    if inline:
        for path in (p for p in _paths(result) if p not in given):
            text = read_text(path)
            if text is not None:
                markers.extend(find_markers(path, text))
    ignored = {lang: frozenset(kinds) for lang, kinds in ignore.items()}
    used_markers: set[int] = set()
    used_rules: set[int] = set()
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    for f in result.findings:
        hit = _ignored(f, ignored)
        for i, marker in enumerate(markers):
            if _marker_applies(marker, f):
                used_markers.add(i)
                hit = hit or Suppressed(f, "inline", marker.where, marker.text)
        for i, rule in enumerate(config_suppressions):
            if rule.matches(f):
                used_rules.add(i)
                hit = hit or Suppressed(f, "config", rule.source, rule.reason)
        if hit:
            suppressed.append(hit)
        else:
            kept.append(f)
    # One unit note seen from several versions of its unit is one comment: used if any copy is.
    used_notes = {_note_identity(markers[i]) for i in used_markers if markers[i].unit is not None}
    unused_markers = [
        m for i, m in enumerate(markers)
        if i not in used_markers and (m.unit is None or _note_identity(m) not in used_notes)
    ]
    reported: dict[object, InlineMarker] = {}
    for m in unused_markers:
        reported.setdefault(_note_identity(m) if m.unit is not None else id(m), m)
    unused = [
        UnusedSuppression(m.where, m.text, f"unknown kind {', '.join(m.unknown_kinds)}" if m.unknown_kinds else "")
        for m in reported.values()
    ] + [UnusedSuppression(r.source, r.describe()) for i, r in enumerate(config_suppressions) if i not in used_rules]
    report = SuppressionReport(tuple(suppressed), tuple(unused))
    return replace(result, findings=tuple(kept)), report


def _note_identity(marker: InlineMarker) -> tuple[str, str | None, str]:
    return marker.path, marker.unit, marker.text


def _ignored(finding: Finding, ignored: Mapping[str, frozenset[str]]) -> Suppressed | None:
    for v in _divergent(finding):
        if finding.kind in ignored.get(v.lang, ()):
            return Suppressed(finding, "ignore", f"[ignore] {v.lang}", f"{finding.kind} ignored for {v.lang}")
    return None


def _divergent(finding: Finding) -> list[FindingVersion]:
    return [v for v in finding.versions if v.role == "divergent"]


def _paths(result: RunResult) -> list[str]:
    paths = [d.path for vs in result.version_sets for d in vs.versions]
    paths += [v.path for f in result.findings for v in f.versions]
    return list(dict.fromkeys(paths))


def _path_matches(pattern: str, path: str) -> bool:
    posix = path.replace("\\", "/")
    candidates = [posix, posix.removeprefix("./")]
    if "/" not in pattern:
        candidates.append(posix.rsplit("/", 1)[-1])
    return any(fnmatchcase(c, pattern) for c in candidates)
