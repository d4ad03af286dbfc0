"""German compounds hold what other languages say in several words
(Plenarsitzung = session plénière). Their parts are extra candidates when
deciding whether a term is rendered. Uses compound-split (CharSplit)."""

from __future__ import annotations

import atexit
import importlib
import importlib.util
import json
import sys
from functools import lru_cache
from importlib import metadata

from ..atomic_write import write_atomic
from ..cache import default_cache_dir

# CharSplit scores a split from about -2 (nonsense) to 1 (clear); Plenar|Sitzung is -0.53,
# Unteilbar|keit (no compound) -1.26.
MIN_SPLIT_SCORE = -0.6
_LINKING = ("s", "es", "n", "en")


@lru_cache(maxsize=4096)
def compound_parts(word: str, lang: str) -> tuple[str, ...]:
    if lang not in ("de", "nl") or len(word) < 8:
        return ()
    best = _SPLITS[lang].best(word)
    if best is None or best[0] < MIN_SPLIT_SCORE:
        return ()
    _, head, tail = best
    parts = [head, tail]
    for suffix in _LINKING:  # Wirtschafts- -> Wirtschaft
        if head.lower().endswith(suffix) and len(head) - len(suffix) >= 4:
            parts.append(head[: -len(suffix)])
            break
    return tuple(parts)


def _char_split():
    """CharSplit's module, with its Dutch n-gram tables (0.6 s of a cold run) loaded only when a
    Dutch word is split: char_split imports both languages' tables at the top."""
    name = "compound_split.nl_ngram_probs"
    if name not in sys.modules:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = importlib.util.LazyLoader(spec.loader)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            # as the package's attribute too, so that `from compound_split import nl_ngram_probs`
            # takes it without the import system reading (and so loading) it
            setattr(importlib.import_module("compound_split"), "nl_ngram_probs", module)
    from compound_split import char_split

    return char_split


class _SplitMemo:
    """CharSplit's best split per word, kept in the cache folder across runs: importing its
    n-gram tables takes about 2 s, more than a whole warm run, and a rerun meets the same words."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._known: dict[str, list] | None = None
        self._new: dict[str, list] = {}

    @property
    def path(self):
        version = metadata.version("compound-split")
        # German keeps the name it had before Dutch was split with Dutch tables
        suffix = "" if self.lang == "de" else f"-{self.lang}"
        return default_cache_dir() / f"compound-splits-{version}{suffix}.json"

    def best(self, word: str) -> tuple[float, str, str] | None:
        if self._known is None:
            self._known = self._read()
            atexit.register(self._save)
        if word not in self._known:
            char_split = _char_split()

            splits = char_split.split_compound(word, self.lang)
            self._known[word] = self._new[word] = list(splits[0]) if splits else []
        found = self._known[word]
        return (float(found[0]), str(found[1]), str(found[2])) if found else None

    def _read(self) -> dict[str, list]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}  # no memo yet, or a damaged one: splits are computed again

    def _save(self) -> None:
        if not self._new:
            return
        try:
            merged = {**self._read(), **self._new}  # another run may have added words meanwhile
            write_atomic(self.path, json.dumps(merged, ensure_ascii=False))
            self._new = {}
        except OSError:
            pass  # a read-only cache folder: the next run splits again


_SPLITS = {lang: _SplitMemo(lang) for lang in ("de", "nl")}
