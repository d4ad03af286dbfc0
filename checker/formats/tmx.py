"""TMX translation memories: one version per language, units keyed by tuid (or "tu-N")."""

from __future__ import annotations

from collections import Counter

from ..errors import InputError
from .lang import normalize_lang
from .units import ParsedFile, TextUnit, UnitVersion, collapse_whitespace
from .xml_safety import XML_LANG, XmlDocument, children, first_child, inline_text, local_name, wrong_root

# Native codes inside <seg>; <hi> keeps its text.
_CODE_ELEMENTS = frozenset({"bpt", "ept", "it", "ph", "ut", "sub"})


def parse_tmx(path: str, doc: XmlDocument) -> ParsedFile:
    root = doc.root
    if local_name(root.tag) != "tmx":
        raise wrong_root(path, root, "tmx")
    header = first_child(root, "header")
    body = first_child(root, "body")
    if body is None:
        raise InputError(path, "the TMX document holds no <body>", "pass a complete TMX file")
    source_lang = normalize_lang(header.get("srclang")) if header is not None else None  # "*all*" -> None

    by_lang: dict[str, list[TextUnit]] = {}
    skipped: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for ordinal, tu in enumerate(children(body, "tu"), start=1):
        key = tu.get("tuid") or f"tu-{ordinal}"
        note = "\n".join(collapse_whitespace("".join(n.itertext())) for n in children(tu, "note"))
        for tuv in children(tu, "tuv"):
            # TMX 1.4 writes xml:lang, TMX 1.1 wrote lang
            lang = normalize_lang(tuv.get(XML_LANG) or tuv.get("lang"))
            seg = first_child(tuv, "seg")
            text = collapse_whitespace(inline_text(seg, _CODE_ELEMENTS)) if seg is not None else ""
            if lang is None:
                skipped["no-language"] += 1
            elif not text:
                skipped["empty"] += 1
            elif (lang, key) in seen:
                skipped["duplicate"] += 1  # en-GB after en-US in one <tu>, or a tuid used twice
            else:
                seen.add((lang, key))
                by_lang.setdefault(lang, []).append(TextUnit(key, text, doc.line(seg), (), note))

    versions = tuple(
        UnitVersion(lang, tuple(units), role=_role(lang, source_lang)) for lang, units in by_lang.items()
    )
    return ParsedFile(path, "tmx", True, versions, dict(skipped))


def _role(lang: str, source_lang: str | None) -> str:
    if source_lang is None:
        return "version"  # srclang="*all*": every language is a source
    return "source" if lang == source_lang else "target"
