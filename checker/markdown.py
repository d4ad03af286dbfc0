"""Stage 3, segment: what of a Markdown file is prose, and where its paragraphs lie.

`prose_view` blanks out everything that is not prose (front matter, fenced and indented
code, HTML comments, HTML/MDX/JSX tags, MDX import/export lines, inline code, link
targets, emphasis markers) with spaces, so offsets stay those of the file. `paragraphs`
then cuts the view into blocks: a paragraph hard-wrapped over several lines is one block
(its sentences are split by the segmenter, not by the line breaks), a heading, a list
item, a quote or a table row is a block of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

# Markdown and its dialects read as prose; MDX adds JSX and import/export lines, Markdoc {% tags %}.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx", ".mdoc", ".mkd", ".mdwn")

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_FRONT_MATTER = {"---": ("---", "..."), "+++": ("+++",)}
_INLINE = re.compile(
    r"<!--.*?-->"  # HTML comments, over several lines too
    r"|^[ \t]*(?:import[ \t].*?from[ \t]+['\"][^'\"\n]*['\"];?|export[ \t]+(?:default|const|let|function)\b.*)$"  # MDX
    r"|\{%.*?%\}"  # Markdoc tags
    r"|(?<=\])\([^)\s]*(?:\s+\"[^\"]*\")?\)"  # ](target "title")
    r"|^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S.*$"  # [ref]: https://…
    r"|(`+)(?!`).+?(?<!`)\1(?!`)"  # `code`, ``co`de``
    r"|<(?:https?://|mailto:)[^>\s]+>"  # <https://…>
    r"|</?[A-Za-z][\w.:-]*(?:\s[^<>]*?)?/?>"  # <br>, <span class=…>, <Tabs groupId="x">, over lines too
    r"|(?<![\w*\\])\*{1,3}(?=[^\s*])|(?<=[^\s*\\])\*{1,3}(?![\w*])"  # **emphasis** markers, not list bullets
    r"|(?<![\w\\])_{1,3}(?=[^\s_])|(?<=[^\s_\\])_{1,3}(?!\w)"  # __emphasis__, but not snake_case
    r"|^[ \t]{0,3}(?:>[ \t]?)+",  # quote markers: a quote is read as a paragraph
    re.MULTILINE | re.DOTALL,
)
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})(?:[ \t]+|$)")
_SETEXT = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_BREAK = re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def is_markdown_path(path: str) -> bool:
    return path.lower().endswith(MARKDOWN_SUFFIXES)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset of the line start, line) for every line of `text`."""
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _mask_blocks(text: str) -> str:
    """Front matter, fenced code and indented code blanked out."""
    chars = list(text)
    lines = list(_lines(text))
    fence: tuple[str, int] | None = None  # the opening fence's character and length
    front: tuple[str, ...] | None = None
    previous_blank, in_list = True, False
    for number, (offset, line) in enumerate(lines):
        stripped = line.strip()
        end = offset + len(line)
        if number == 0 and stripped in _FRONT_MATTER:
            front = _FRONT_MATTER[stripped]
        if front is not None:
            _blank(chars, offset, end)
            if number > 0 and stripped in front:
                front = None
            continue
        opening = _FENCE.match(line)
        if fence is not None:
            _blank(chars, offset, end)
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= fence[1] and not line[opening.end():].strip():
                fence = None
            continue
        if opening:
            fence = (opening.group(1)[0], len(opening.group(1)))
            _blank(chars, offset, end)
            continue
        if not stripped:
            previous_blank = True
            continue
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        if indent >= 4 and previous_blank and not in_list:
            _blank(chars, offset, end)  # an indented code block (a list item's paragraphs are indented too)
            continue
        if indent < 4:
            in_list = bool(_LIST_ITEM.match(line))
        previous_blank = False
    return "".join(chars)


def prose_view(text: str) -> str:
    """The Markdown text with everything that is not prose replaced by spaces (same length)."""
    masked = _mask_blocks(text)
    return _INLINE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), masked)


@dataclass(frozen=True)
class Block:
    """A paragraph, heading, list item, quote or table row of the prose view: [start, end)."""

    start: int
    end: int
    heading: bool = False


def paragraphs(view: str) -> list[Block]:
    """The blocks of a prose view (see `prose_view`), in order, trimmed of spaces."""
    blocks: list[Block] = []
    current: list[int] = []  # [start, end] of the paragraph or list item being read

    def close(heading: bool = False) -> None:
        if current:
            blocks.append(Block(current[0], current[1], heading))
            current.clear()

    for offset, line in _lines(view):
        stripped = line.strip()
        end = offset + len(line.rstrip())
        if current and _SETEXT.match(line):
            close(heading=True)  # Title\n=====: the paragraph above is a heading
        elif not stripped or _BREAK.match(line) or _TABLE_RULE.match(line) and "-" in stripped:
            close()
        elif heading := _HEADING.match(line):
            close()
            text = line[heading.end():].rstrip().rstrip("#").rstrip()
            if text.strip():
                start = offset + heading.end() + len(text) - len(text.lstrip())
                blocks.append(Block(start, offset + heading.end() + len(text), True))
        elif stripped.startswith("|"):
            close()  # a table row is a block of its own
            blocks.append(Block(offset + line.index("|"), end))
        elif item := _LIST_ITEM.match(line):
            close()  # a list item starts a block; its wrapped lines continue it
            rest = line[item.end():]
            if rest.strip():
                current.extend((offset + item.end() + len(rest) - len(rest.lstrip()), end))
        elif current:
            current[1] = end
        else:
            current.extend((offset + len(line) - len(line.lstrip()), end))
    close()
    return blocks
