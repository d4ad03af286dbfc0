"""Parse untrusted XML (XLIFF, TMX) safely, keeping the line where each element starts.

defusedxml's expat parser refuses any DOCTYPE, entity declaration or external
reference before it can expand or fetch anything ("billion laughs", XXE). Its
parser is the pure-Python ElementTree one, so its expat object is reachable and
a tree builder can read `CurrentLineNumber` at every start tag; ElementTree
itself keeps no line numbers.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ..errors import InputError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class XmlDocument:
    root: ET.Element
    lines: dict[ET.Element, int]  # element -> 1-based line of its start tag

    def line(self, element: ET.Element) -> int:
        return self.lines.get(element, 1)


class _LineRecordingBuilder(ET.TreeBuilder):
    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[ET.Element, int] = {}
        self.expat_parser = None  # set once the XML parser that drives this builder exists

    def start(self, tag, attrs):  # type: ignore[override]
        element = super().start(tag, attrs)
        self.lines[element] = self.expat_parser.CurrentLineNumber
        return element


def parse_xml(path: str, data: bytes) -> XmlDocument:
    """The element tree of `data`, or an InputError for DTDs/entities and for malformed XML."""
    builder = _LineRecordingBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.expat_parser = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        raise InputError(
            path,
            "refused: the XML declares entities/DTD (a possible XML bomb or external entity)",
            "remove the DOCTYPE/ENTITY declarations",
        ) from exc
    except ET.ParseError as exc:
        line, column = exc.position
        raise InputError(
            path,
            f"not well-formed XML (line {line}, column {column + 1}: {expat.ErrorString(exc.code)})",
            "fix the markup, e.g. check it with `xmllint --noout FILE`",
        ) from exc
    return XmlDocument(root, builder.lines)


def local_name(tag: str) -> str:
    """`{urn:oasis:names:tc:xliff:document:1.2}trans-unit` -> `trans-unit`."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def children(element: ET.Element, name: str) -> list[ET.Element]:
    """Direct children with local name `name`, whatever their namespace."""
    return [c for c in element if local_name(c.tag) == name]


def first_child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if local_name(c.tag) == name), None)


def inline_text(element: ET.Element, dropped: frozenset[str]) -> str:
    """The text of `element` with inline markup removed: elements named in `dropped`
    (placeholders, native codes) lose their content, any other inline element keeps its text."""
    parts = [element.text or ""]
    for child in element:
        if local_name(child.tag) not in dropped:
            parts.append(inline_text(child, dropped))
        parts.append(child.tail or "")
    return "".join(parts)


def wrong_root(path: str, root: ET.Element, expected: str) -> InputError:
    return InputError(
        path,
        f"expected an <{expected}> root element, found <{local_name(root.tag)}>",
        f"pass a {expected.upper()} file, or rename the file to its real format",
    )
