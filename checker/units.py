"""Structured files (PO, XLIFF, TMX, JSON/YAML catalogues, HTML) -> `Document`s.

A parser in `formats/` reads the file into units of prose; here each language
version becomes one Document whose text is the units joined by blank lines, with
a `UnitSpan` per unit so segments know their key and their line in the file.
Bilingual files (PO, XLIFF, TMX) give several Documents with the same path.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import InputError
from .formats import ParsedFile, UnitVersion
from .langdetect import detect_language, language_from_name
from .records import Document, UnitSpan

UNIT_SEPARATOR = "\n\n"


def documents_from_parsed(
    parsed: ParsedFile, data: bytes, languages: tuple[str, ...], min_confidence: float
) -> list[Document]:
    sha = hashlib.sha256(data).hexdigest()
    # A bilingual file (PO, XLIFF) lists every entry in its source; the target's missing keys
    # are entries it has not translated yet (fuzzy, empty), not sentences it left out.
    source_keys = {key for v in parsed.versions if v.role == "source" for key in v.by_key()}
    documents: list[Document] = []
    for version in parsed.versions:
        if not version.units:
            continue
        lang, source = _version_language(parsed, version, languages, min_confidence)
        text, spans = _joined(version)
        untranslated = frozenset(source_keys - version.by_key().keys()) if version.role == "target" else frozenset()
        documents.append(
            Document(parsed.path, lang, text, sha, lang_source=source, format=parsed.format, units=spans,
                     untranslated=untranslated, empty=frozenset(version.empty),
                     role="source" if version.role == "source" else "version")
        )
    langs = [d.lang for d in documents]
    if len(set(langs)) != len(langs):
        raise InputError(
            parsed.path,
            f"two versions inside the file are both in '{langs[0]}'",
            "set the target language in the file header (PO `Language`, XLIFF `target-language`)",
        )
    if not documents:
        raise InputError(parsed.path, "holds no translatable text", "remove it or add the text")
    return documents


def _joined(version: UnitVersion) -> tuple[str, tuple[UnitSpan, ...]]:
    parts: list[str] = []
    spans: list[UnitSpan] = []
    offset = 0
    for unit in version.units:
        # One unit, one paragraph: its own line breaks would split it into lines.
        prose = " ".join(unit.text.split())
        if not prose:
            continue
        spans.append(UnitSpan(unit.key, offset, offset + len(prose), unit.line, unit.note))
        parts.append(prose)
        offset += len(prose) + len(UNIT_SEPARATOR)
    return UNIT_SEPARATOR.join(parts), tuple(spans)


def _version_language(
    parsed: ParsedFile, version: UnitVersion, languages: tuple[str, ...], min_confidence: float
) -> tuple[str, str]:
    if version.lang:
        return version.lang, "given"
    named = language_from_name(Path(parsed.path), languages)
    if named:
        return named, "filename"
    detected, confidence = detect_language(" ".join(u.text for u in version.units), languages)
    if detected is None or confidence < min_confidence:
        raise InputError(
            parsed.path,
            "the language of its translations is not stated and could not be recognised",
            "state it in the file (PO `Language` header, XLIFF `target-language`, <html lang>) or name the file after it",
        )
    return detected, "detected"
