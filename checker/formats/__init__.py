"""Structured localization files -> units of prose, keyed where the format has keys.

`parse_structured(path, data)` picks the parser by suffix: gettext PO/POT,
XLIFF 1.2/2.0, TMX, JSON/YAML catalogs, HTML. XML is parsed with DTDs and
entities refused; YAML is composed, never constructed. Every problem a user can
fix raises `InputError`.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..validate import refuse_surrogates
from .catalog import NOT_CATALOGS, parse_catalog
from .decoding import decode, po_charset
from .html_blocks import parse_html
from .placeholders import placeholders
from .po import parse_po
from .tmx import parse_tmx
from .units import FORMATS, ParsedFile, TextUnit, UnitVersion, collapse_whitespace
from .xliff import parse_xliff
from .xml_safety import parse_xml

__all__ = [
    "FORMATS", "STRUCTURED_SUFFIXES", "ParsedFile", "TextUnit", "UnitVersion",
    "collapse_whitespace", "is_structured_path", "parse_structured", "placeholders",
]

FORMAT_BY_SUFFIX = {
    ".po": "po", ".pot": "po",
    ".xlf": "xliff", ".xliff": "xliff",
    ".tmx": "tmx",
    ".json": "json",
    ".yaml": "yaml", ".yml": "yaml",
    ".html": "html", ".htm": "html",
}
STRUCTURED_SUFFIXES: tuple[str, ...] = tuple(FORMAT_BY_SUFFIX)


def is_structured_path(path: Path) -> bool:
    """True for a file `parse_structured` reads as a catalog or page (settings files such as package.json excluded)."""
    return path.suffix.lower() in FORMAT_BY_SUFFIX and path.name.lower() not in NOT_CATALOGS


def parse_structured(path: Path, data: bytes) -> ParsedFile:
    """Parse the bytes of a structured file; the suffix of `path` says which format. Raises InputError."""
    name = str(path)
    suffix = path.suffix.lower()
    fmt = FORMAT_BY_SUFFIX.get(suffix)
    if fmt is None:
        raise InputError(name, f"no parser for {suffix or 'files without a suffix'}", f"use one of {', '.join(STRUCTURED_SUFFIXES)}")
    try:
        parsed = _parse(name, fmt, suffix, data)
    except RecursionError as exc:
        problem = "nested too deeply" + (" (or a YAML alias refers to itself)" if fmt == "yaml" else "")
        raise InputError(name, problem, "flatten the structure") from exc
    _check_units(parsed)
    return parsed


def _parse(name: str, fmt: str, suffix: str, data: bytes) -> ParsedFile:
    if fmt == "po":
        return parse_po(name, decode(data, name, fallback=po_charset(data)), template=suffix == ".pot")
    if fmt in ("xliff", "tmx"):
        if not data.strip():
            raise InputError(name, "file is empty", "remove it or add the text")
        doc = parse_xml(name, data)
        return parse_xliff(name, doc) if fmt == "xliff" else parse_tmx(name, doc)
    if fmt in ("json", "yaml"):
        return parse_catalog(name, decode(data, name), fmt)
    return parse_html(name, decode(data, name))


def _check_units(parsed: ParsedFile) -> None:
    """Every unit's key and text can be written as UTF-8 (no lone surrogate from an escape),
    and a key names one unit per version: a PO msgid or XLIFF unit id defined twice would
    silently compare only one of the two (msgfmt refuses such a catalogue too)."""
    for version in parsed.versions:
        first_line: dict[str, int] = {}
        for unit in version.units:
            refuse_surrogates(f"{unit.key or ''} {unit.text}", parsed.path, f"line {unit.line}")
            if unit.key is None:
                continue
            if unit.key in first_line and parsed.format in ("po", "xliff", "tmx"):
                what = {"po": "msgid", "xliff": "unit id", "tmx": "unit id"}[parsed.format]
                raise InputError(
                    parsed.path,
                    f"the {what} {unit.key.replace(chr(4), ' | ')!r} is defined twice (lines {first_line[unit.key]} and {unit.line})",
                    "keep one entry per key",
                )
            first_line.setdefault(unit.key, unit.line)
