"""JSON and YAML string catalogs (i18next nested or flat, Rails locale files): one version, keyed by path.

String leaves become units keyed by their dotted path ("nav.home.title",
"steps[2]"); numbers, booleans and null are not prose and are skipped. A Rails
file's single root key names its locale (`de: {…}`): it becomes the version's
language and is dropped from the keys, so `de.nav.home` and `fr.nav.home` align.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePath

from ..errors import InputError
from .lang import locale_code
from .tree_leaves import Leaf, Tree, json_leaves, yaml_leaves
from .units import ParsedFile, TextUnit, UnitVersion, collapse_whitespace

# Project files with these names hold settings, not prose to compare across languages.
NOT_CATALOGS = frozenset(
    {
        "package.json", "package-lock.json", "composer.json", "tsconfig.json", "jsconfig.json",
        "docker-compose.yml", "docker-compose.yaml", "mkdocs.yml", "mkdocs.yaml", "pnpm-lock.yaml",
    }
)
_EXAMPLE = 'a catalog maps keys to strings, e.g. {"nav": {"home": "Home"}}'


def parse_catalog(path: str, text: str, fmt: str) -> ParsedFile:
    """`fmt` is "json" or "yaml"."""
    if PurePath(path).name.lower() in NOT_CATALOGS:
        raise InputError(path, "is a project settings file, not a translation catalog", "leave it out of the inputs")
    tree = json_leaves(path, text) if fmt == "json" else yaml_leaves(path, text)
    if tree.top != "mapping":
        raise InputError(path, f"the top level is a {tree.top}, not a mapping of keys to strings", _EXAMPLE)
    lang, leaves = _strip_locale_root(tree)

    units: dict[str, TextUnit] = {}
    skipped: Counter[str] = Counter()
    empty: dict[str, None] = {}
    for leaf in leaves:
        key = _dotted(leaf.path)
        text_value = collapse_whitespace(leaf.text) if leaf.text is not None else ""
        if leaf.text is None:
            skipped["not-text"] += 1
        elif not text_value:
            skipped["empty"] += 1
            empty[key] = None
        else:
            units.pop(key, None)  # a repeated key: the last one wins, as json.loads and YAML loaders do
            units[key] = TextUnit(key, text_value, leaf.line)
            empty.pop(key, None)
    if not units:
        raise InputError(path, "holds no string values to compare", _EXAMPLE)
    version = UnitVersion(lang, tuple(units.values()), role="version", empty=tuple(k for k in empty if k not in units))
    return ParsedFile(path, fmt, True, (version,), dict(skipped))


def _strip_locale_root(tree: Tree) -> tuple[str | None, tuple[Leaf, ...]]:
    """(locale, leaves without it) for `de: {…}` / {"pt-BR": {…}}; (None, leaves) otherwise."""
    roots = {leaf.path[0] for leaf in tree.leaves if leaf.path}
    if len(roots) != 1:
        return None, tree.leaves
    root = next(iter(roots))
    lang = locale_code(root) if isinstance(root, str) else None
    if lang is None or any(len(leaf.path) < 2 for leaf in tree.leaves):
        return None, tree.leaves  # {"de": "Deutsch"}: a key that happens to be a language code
    return lang, tuple(Leaf(leaf.path[1:], leaf.text, leaf.line) for leaf in tree.leaves)


def _dotted(path: tuple[str | int, ...]) -> str:
    """("nav", "items", 2, "title") -> "nav.items[2].title"."""
    key = ""
    for part in path:
        if isinstance(part, int):
            key += f"[{part}]"
        else:
            key += f".{part}" if key else part
    return key
