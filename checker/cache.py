"""A persistent cache of model outputs (SQLite), keyed by model id, language and text.

Safe under concurrent runs (SQLite locking, WAL); a broken cache file is
replaced rather than failing the run.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Iterable


def default_cache_dir() -> Path:
    """$CHECKER_CACHE_DIR, else $XDG_CACHE_HOME/checker, else ~/.cache/checker (translations,
    the compiled e5 shim, assembled GGUF weights)."""
    if os.environ.get("CHECKER_CACHE_DIR"):
        return Path(os.environ["CHECKER_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "checker"


def _key(model_id: str, lang: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\x1f{lang}\x1f{text}".encode("utf-8")).hexdigest()


class TranslationCache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_cache_dir() / "translations.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:
            self.path.unlink(missing_ok=True)
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS translation (key TEXT PRIMARY KEY, english TEXT NOT NULL)")
        return db

    def _recover(self) -> None:
        """A cache damaged after opening is rebuilt empty: a cache must never end a run."""
        try:
            self._db.close()
        except sqlite3.Error:
            pass
        self.path.unlink(missing_ok=True)
        self._db = self._open()

    def get_many(self, model_id: str, lang: str, texts: Iterable[str]) -> dict[str, str]:
        texts = list(texts)
        try:
            return self._get(model_id, lang, texts)
        except sqlite3.DatabaseError:
            self._recover()
            return {}

    def _get(self, model_id: str, lang: str, texts: list[str]) -> dict[str, str]:
        found = {}
        for text in texts:
            row = self._db.execute("SELECT english FROM translation WHERE key = ?", (_key(model_id, lang, text),)).fetchone()
            if row:
                found[text] = row[0]
        return found

    def put_many(self, model_id: str, lang: str, pairs: Iterable[tuple[str, str]]) -> None:
        rows = [(_key(model_id, lang, t), e) for t, e in pairs]
        for attempt in range(2):
            try:
                with self._db:
                    self._db.executemany("INSERT OR REPLACE INTO translation (key, english) VALUES (?, ?)", rows)
                return
            except sqlite3.DatabaseError:
                if attempt:
                    raise
                self._recover()

    def close(self) -> None:
        self._db.close()
