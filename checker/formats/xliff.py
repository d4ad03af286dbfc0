"""XLIFF 1.2 (`<trans-unit>`) and 2.0 (`<unit>`/`<segment>`): source and target versions keyed by unit id.

Units marked translate="no" (on the unit or on an enclosing group/file) are left
out of both versions; units without a target are left out of the target. Inline
elements keep their text (`<g>`, `<pc>`, `<mrk>`), placeholders and native codes
lose it (`<x/>`, `<ph>`, `<bpt>`, `<sc/>`, …).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field

from ..errors import InputError
from .lang import normalize_lang
from .units import ParsedFile, TextUnit, UnitVersion, collapse_whitespace
from .xml_safety import XmlDocument, children, first_child, inline_text, local_name, namespace, wrong_root

# Elements whose content is native code, not prose (XLIFF 1.2 and 2.0).
_CODE_ELEMENTS_12 = frozenset({"x", "bx", "ex", "ph", "bpt", "ept", "it", "sub"})
_CODE_ELEMENTS_20 = frozenset({"ph", "sc", "ec", "sm", "em"})


@dataclass
class _Collected:
    source: list[TextUnit] = field(default_factory=list)
    target: list[TextUnit] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    source_langs: list[str | None] = field(default_factory=list)
    target_langs: list[str | None] = field(default_factory=list)

    def add(self, key: str, source: ET.Element | None, target: ET.Element | None, doc: XmlDocument,
            dropped: frozenset[str], flags: tuple[str, ...], note: str) -> None:
        source_text = collapse_whitespace(inline_text(source, dropped)) if source is not None else ""
        if not source_text:
            self.skipped["empty"] += 1
            return
        self.source.append(TextUnit(key, source_text, doc.line(source), (), note))
        target_text = collapse_whitespace(inline_text(target, dropped)) if target is not None else ""
        if not target_text:
            self.skipped["untranslated"] += 1
            return
        self.target.append(TextUnit(key, target_text, doc.line(target), flags, note))


def parse_xliff(path: str, doc: XmlDocument) -> ParsedFile:
    root = doc.root
    if local_name(root.tag) != "xliff":
        raise wrong_root(path, root, "xliff")
    is_v2 = root.get("version", "").startswith("2") or namespace(root.tag).endswith((":2.0", ":2.1", ":2.2"))
    files = children(root, "file")
    if not files:
        raise InputError(path, "the XLIFF document holds no <file> element", "pass a complete XLIFF file")
    collected = _Collected()
    several = len(files) > 1
    for index, file_el in enumerate(files, start=1):
        prefix = f"{file_el.get('original') or file_el.get('id') or f'file-{index}'}:" if several else ""
        if is_v2:
            collected.source_langs.append(normalize_lang(root.get("srcLang")))
            collected.target_langs.append(normalize_lang(root.get("trgLang")))
            _walk_v2(file_el, doc, prefix, collected, translatable=file_el.get("translate") != "no")
        else:
            collected.source_langs.append(normalize_lang(file_el.get("source-language")))
            collected.target_langs.append(normalize_lang(file_el.get("target-language")))
            body = first_child(file_el, "body")
            if body is not None:
                _walk_v12(body, doc, prefix, collected, translatable=file_el.get("translate") != "no")
    source_lang = _one_lang(path, collected.source_langs, "source")
    target_lang = _one_lang(path, collected.target_langs, "target")
    versions = (
        UnitVersion(source_lang, tuple(collected.source), role="source"),
        UnitVersion(target_lang, tuple(collected.target), role="target"),
    )
    return ParsedFile(path, "xliff", True, versions, dict(collected.skipped))


def _walk_v12(container: ET.Element, doc: XmlDocument, prefix: str, out: _Collected, translatable: bool) -> None:
    for element in container:
        name = local_name(element.tag)
        here = translatable and element.get("translate") != "no"
        if name == "group":
            _walk_v12(element, doc, prefix, out, here)
        elif name == "trans-unit":
            if not here:
                out.skipped["translate-no"] += 1
                continue
            target = first_child(element, "target")  # never <alt-trans>'s target: a direct child only
            state = target.get("state") if target is not None else None
            flags = (f"state:{state}",) if state else ()
            key = prefix + (element.get("id") or element.get("resname") or f"unit-{doc.line(element)}")
            out.add(key, first_child(element, "source"), target, doc, _CODE_ELEMENTS_12, flags, _notes(element))


def _walk_v2(container: ET.Element, doc: XmlDocument, prefix: str, out: _Collected, translatable: bool) -> None:
    for element in container:
        name = local_name(element.tag)
        here = translatable and element.get("translate") != "no"
        if name == "group":
            _walk_v2(element, doc, prefix, out, here)
        elif name == "unit":
            if not here:
                out.skipped["translate-no"] += 1
                continue
            unit_id = prefix + (element.get("id") or f"unit-{doc.line(element)}")
            segments = children(element, "segment")  # <ignorable> holds only the space between segments
            note = _notes(first_child(element, "notes"))
            for number, segment in enumerate(segments, start=1):
                key = unit_id if len(segments) == 1 else f"{unit_id}/{segment.get('id') or number}"
                state = segment.get("state")
                flags = (f"state:{state}",) if state else ()
                out.add(key, first_child(segment, "source"), first_child(segment, "target"), doc,
                        _CODE_ELEMENTS_20, flags, note)


def _notes(element: ET.Element | None) -> str:
    if element is None:
        return ""
    return "\n".join(collapse_whitespace("".join(n.itertext())) for n in children(element, "note"))


def _one_lang(path: str, langs: list[str | None], which: str) -> str | None:
    distinct = sorted({lang for lang in langs if lang})
    if len(distinct) > 1:
        raise InputError(
            path,
            f"the <file> elements name different {which} languages ({', '.join(distinct)})",
            "split the document into one XLIFF file per language pair",
        )
    return distinct[0] if distinct else None
