"""CharSplit's n-gram tables read from SQLite instead of imported (for compounds.py).

compound-split ships each language's tables as a Python module of dict literals (German: 39 MB
of source, 98 MB compiled); importing the German one costs about 2 s of CPU, a tenth of the
Python time of a cold 2,000-key catalogue check, for the few dozen words a run splits. Its
`split_compound()` reads the tables only through `table.get(ngram, default)`, so each
language's three tables are copied once into an SQLite file in the cache folder (about 10 s,
like compiling the e5 shim: once per installed version) and handed to it as objects with that
one method, each lookup a primary-key read.

A cache folder that cannot be written, or a file that cannot be read, falls back to the
package's own tables: slower, the same splits.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import types
from importlib import import_module, metadata
from pathlib import Path

from ..cache import default_cache_dir

KINDS = ("prefix", "infix", "suffix")
# Raise when the file's layout changes: the name carries it, so an old file is never read as new.
LAYOUT = 1


def tables_path(lang: str) -> Path:
    return default_cache_dir() / f"charsplit-{lang}-{metadata.version('compound-split')}-t{LAYOUT}.sqlite"


class NgramTable:
    """One of a language's tables: `get(ngram, default)`, as split_compound() reads a dict."""

    def __init__(self, source: "_LanguageTables", kind: str) -> None:
        self._source, self._kind = source, kind

    def get(self, ngram: str, default: float) -> float:
        return self._source.get(self._kind, ngram, default)


class _LanguageTables:
    """A language's tables, opened (and built, the first time) on the first lookup."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._shipped: types.ModuleType | None = None  # the fallback: the package's own module

    def get(self, kind: str, ngram: str, default: float) -> float:
        if self._db is None and self._shipped is None:
            self._open()
        if self._shipped is not None:
            return getattr(self._shipped, kind).get(ngram, default)
        with self._lock:  # one connection, shared by threads
            row = self._db.execute(f"SELECT p FROM {kind} WHERE ngram = ?", (ngram,)).fetchone()
        return default if row is None else row[0]

    def _open(self) -> None:
        with self._lock:
            if self._db is not None or self._shipped is not None:
                return
            path = tables_path(self.lang)
            try:
                if not path.is_file():
                    _build(self.lang, path)
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
                db.execute("SELECT 1 FROM suffix LIMIT 1").fetchall()  # a damaged file fails here
                self._db = db
            except (OSError, sqlite3.Error):
                self._shipped = _shipped_module(self.lang)


def _shipped_module(lang: str) -> types.ModuleType:
    """The package's own tables module, bypassing the stand-in that compounds.py installs."""
    name = f"compound_split.{lang}_ngram_probs"
    installed = sys.modules.pop(name, None)
    try:
        return import_module(name)
    finally:
        if installed is not None:
            sys.modules[name] = installed
            setattr(import_module("compound_split"), f"{lang}_ngram_probs", installed)


def _build(lang: str, path: Path) -> None:
    """Copy the package's tables into `path`: written beside it and renamed into place, so a
    killed run never leaves half a file under that name."""
    shipped = _shipped_module(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        db = sqlite3.connect(tmp)
        try:
            for kind in KINDS:
                db.execute(f"CREATE TABLE {kind} (ngram TEXT PRIMARY KEY, p REAL NOT NULL) WITHOUT ROWID")
                db.executemany(f"INSERT INTO {kind} VALUES (?, ?)", getattr(shipped, kind).items())
            db.commit()
        finally:
            db.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def stand_in(lang: str) -> types.ModuleType:
    """A module with the attributes split_compound() reads (prefix, infix, suffix), backed by
    the SQLite copy of `lang`'s tables."""
    source = _LanguageTables(lang)
    module = types.ModuleType(f"compound_split.{lang}_ngram_probs", f"CharSplit's {lang} tables, read from SQLite")
    for kind in KINDS:
        setattr(module, kind, NgramTable(source, kind))
    return module
