"""The leaves of a JSON or YAML tree with the line each starts on.

JSON gets its own small position-keeping walk over text that `json.loads` has
already accepted (PyYAML reads YAML 1.1 and trips on valid JSON such as tab
indentation or "\\/"). YAML is composed with the SafeLoader into nodes, which
carry marks and never construct objects, so no tag can run code; tags other than
plain data are refused all the same.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from json.decoder import scanstring

import yaml

from ..errors import InputError
from ..validate import parse_json

# Aliases let a small YAML file name a huge tree ("billion laughs" with *refs); walking stops here.
MAX_NODES = 500_000
# PyYAML holds the whole node tree in memory, about 120 bytes per byte of YAML (a 19 MB file
# took 2.3 GB): larger YAML files are refused before they are composed.
MAX_YAML_BYTES = 4 * 1024 * 1024

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_YAML = "tag:yaml.org,2002:"
_PLAIN_DATA_TAGS = frozenset(
    _YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp", "binary", "map", "seq", "omap",
                        "pairs", "set", "merge", "value")
)
_MERGE = _YAML + "merge"
_STR = _YAML + "str"


@dataclass(frozen=True)
class Leaf:
    path: tuple[str | int, ...]  # mapping keys and list indexes from the root
    text: str | None  # None for numbers, booleans, null
    line: int  # 1-based


@dataclass(frozen=True)
class Tree:
    top: str  # "mapping" | "list" | "scalar"
    leaves: tuple[Leaf, ...]


def json_leaves(path: str, text: str) -> Tree:
    parse_json(text, path, "fix the syntax, e.g. with `python -m json.tool FILE`")  # bounds: validate.py
    walker = _JsonWalker(text)
    start = _WS.match(text).end()
    walker.value(start, ())
    top = {"{": "mapping", "[": "list"}.get(text[start], "scalar")
    return Tree(top, tuple(walker.leaves))


class _JsonWalker:
    """Walks JSON text already known to be valid, recording where each scalar starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.leaves: list[Leaf] = []

    def _skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()

    def value(self, i: int, parts: tuple[str | int, ...]) -> int:
        text = self.text
        i = self._skip(i)
        if text[i] in "{[":
            is_object = text[i] == "{"
            close = "}" if is_object else "]"
            i = self._skip(i + 1)
            index = 0
            while text[i] != close:
                if is_object:
                    key, i = scanstring(text, i + 1)
                    i = self._skip(i) + 1  # past ':'
                    i = self.value(i, parts + (key,))
                else:
                    i = self.value(i, parts + (index,))
                    index += 1
                i = self._skip(i)
                if text[i] == ",":
                    i = self._skip(i + 1)
            return i + 1
        line = bisect_right(self.line_starts, i)
        if text[i] == '"':
            string, end = scanstring(text, i + 1)
            self.leaves.append(Leaf(parts, string, line))
            return end
        _, end = _DECODER.raw_decode(text, i)
        self.leaves.append(Leaf(parts, None, line))
        return end


def yaml_leaves(path: str, text: str) -> Tree:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_YAML_BYTES:
        raise InputError(
            path,
            f"a YAML file of {size / 1024 / 1024:.1f} MB, over the {MAX_YAML_BYTES // 1024 // 1024} MB checker reads as YAML "
            "(parsing YAML takes about a hundred times its size in memory)",
            "split the catalogue, or convert it to JSON",
        )
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InputError(path, f"not valid YAML ({where}{exc.problem or exc.context})", "fix the syntax, e.g. with `yamllint FILE`") from exc
    except yaml.YAMLError as exc:
        raise InputError(path, f"not valid YAML ({exc})", "fix the syntax, e.g. with `yamllint FILE`") from exc
    if root is None:
        raise InputError(path, "the YAML file holds no document", "remove it or add the strings")
    walker = _YamlWalker(path)
    walker.node(root, ())
    top = {yaml.MappingNode: "mapping", yaml.SequenceNode: "list"}.get(type(root), "scalar")
    return Tree(top, tuple(walker.leaves))


class _YamlWalker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.leaves: list[Leaf] = []
        self.visited = 0
        self.distinct: set[int] = set()  # nodes met, by id: more visits than nodes means aliases

    def node(self, node: yaml.Node, parts: tuple[str | int, ...]) -> None:
        self._count_and_check(node)
        if isinstance(node, yaml.MappingNode):
            self.mapping(node, parts, taken=set())
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.node(item, parts + (index,))
        else:
            text = node.value if node.tag == _STR else None
            self.leaves.append(Leaf(parts, text, node.start_mark.line + 1))

    def mapping(self, node: yaml.MappingNode, parts: tuple[str | int, ...], taken: set[str]) -> None:
        """Explicit keys win over `<<: *defaults` merges, earlier merges over later ones (YAML's merge key)."""
        explicit: dict[str, yaml.Node] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            self._count_and_check(key_node)
            if key_node.tag == _MERGE:
                merges.extend(value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node])
            elif isinstance(key_node, yaml.ScalarNode):
                explicit[key_node.value] = value_node  # a repeated key: the last one wins, as in Ruby and PyYAML
        for key, value_node in explicit.items():
            if key not in taken:
                taken.add(key)
                self.node(value_node, parts + (key,))
        for merged in merges:
            self._count_and_check(merged)
            if isinstance(merged, yaml.MappingNode):
                self.mapping(merged, parts, taken)

    def _count_and_check(self, node: yaml.Node) -> None:
        self.visited += 1
        self.distinct.add(id(node))
        if self.visited > MAX_NODES and len(self.distinct) < self.visited:
            raise InputError(
                self.path,
                f"refused: YAML aliases expand to more than {MAX_NODES} values (a possible alias bomb)",
                "write the values out instead of repeating anchors",
            )
        if self.visited > MAX_NODES:
            raise InputError(self.path, f"holds more than {MAX_NODES} values, more than checker reads from one catalogue", "split it")
        if node.tag not in _PLAIN_DATA_TAGS:
            raise InputError(
                self.path,
                f"refused: line {node.start_mark.line + 1} has the YAML tag {node.tag!r}; a catalog holds plain data only",
                "remove the tag",
            )
