"""HTML pages: the text of block elements (paragraphs, headings, list items, cells, the title).

No keys: HTML versions align by content, like free text. Code, scripts, styles
and anything marked translate="no" are not prose and are left out. Missing end
tags (`<p>` … `<p>`, `<li>` … `<li>`) are closed the way browsers close them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from .lang import normalize_lang
from .units import ParsedFile, TextUnit, UnitVersion, collapse_whitespace

BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "blockquote", "figcaption", "title", "caption"}
)
SKIPPED = frozenset({"script", "style", "code", "pre", "template", "noscript"})
# Elements that never have an end tag, so they never go on the open-element stack.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
# Start tag -> open elements it closes implicitly, and the elements that stop that search.
_IMPLIED_END = {
    "li": ({"li"}, {"ul", "ol", "menu"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "tr": ({"tr", "td", "th"}, {"table", "thead", "tbody", "tfoot"}),
}
# A block-level start tag closes an open <p>.
_CLOSES_P = BLOCKS | {"div", "ul", "ol", "dl", "table", "section", "article", "header", "footer", "nav",
                      "aside", "main", "form", "hr", "figure", "address", "details", "pre", "h1"}


@dataclass
class _Open:
    tag: str
    skip: bool  # inside script/code/translate="no": its text is not prose
    chunks: list[str] = field(default_factory=list)  # text of a block, nested blocks excluded
    start: tuple[int, int] = (0, 0)  # (line, column) where the block's first visible text starts


class _BlockCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = []
        self.found: list[tuple[tuple[int, int], TextUnit]] = []
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html" and self.lang is None:
            self.lang = normalize_lang(attributes.get("lang") or attributes.get("xml:lang"))
        if tag in _CLOSES_P:
            self._close_implied({"p"}, stop={"div", "td", "th", "li", "blockquote", "body"})
        if tag in _IMPLIED_END:
            closes, stop = _IMPLIED_END[tag]
            self._close_implied(closes, stop)
        if tag in _VOID:
            if tag == "br":
                self.handle_data(" ")
            return
        skip = (self.stack[-1].skip if self.stack else False) or tag in SKIPPED or attributes.get("translate") == "no"
        self.stack.append(_Open(tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1].tag == tag:
            self._pop()  # <span/>: opened and closed at once

    def handle_endtag(self, tag):
        if any(o.tag == tag for o in self.stack):
            while self.stack:
                if self._pop().tag == tag:
                    break

    def handle_data(self, data):
        if not self.stack or self.stack[-1].skip:
            return
        block = next((o for o in reversed(self.stack) if o.tag in BLOCKS), None)
        if block is None:
            return  # text outside any block (a bare <div>): not a unit
        if block.start == (0, 0) and data.strip():
            line, column = self.getpos()
            leading = data[: len(data) - len(data.lstrip())]
            if "\n" in leading:  # the text starts on a later line than the data does
                block.start = (line + leading.count("\n"), len(leading) - leading.rfind("\n") - 1)
            else:
                block.start = (line, column + len(leading))
        block.chunks.append(data)

    def close(self):
        super().close()
        while self.stack:
            self._pop()

    def _close_implied(self, closes: set[str], stop: set[str]) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            tag = self.stack[depth].tag
            if tag in stop:
                return
            if tag in closes:
                while len(self.stack) > depth:
                    self._pop()
                return

    def _pop(self) -> _Open:
        element = self.stack.pop()
        if element.tag in BLOCKS:
            text = collapse_whitespace("".join(element.chunks))
            if text:
                self.found.append((element.start, TextUnit(None, text, element.start[0])))
        return element


def parse_html(path: str, text: str) -> ParsedFile:
    collector = _BlockCollector()
    collector.feed(text)
    collector.close()
    # blocks close inner-first (<li><p>…</p> tail</li>); reading order is where their text starts
    units = tuple(unit for _, unit in sorted(collector.found, key=lambda found: found[0]))
    return ParsedFile(path, "html", False, (UnitVersion(collector.lang, units, role="version"),))
