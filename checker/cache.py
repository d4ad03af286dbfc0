"""A persistent cache of model outputs: one SQLite file, one table per kind of output.

| table           | value                                           | key                              |
|-----------------|-------------------------------------------------|----------------------------------|
| translation     | English pivot                                   | model, language, text            |
| sentence_vector | float32 vector                                  | model, text                      |
| word_vectors    | JSON word offsets + one float32 matrix          | model, text                      |
| nli             | entail, neutral, contradict                     | model, premise, hypothesis       |

Keys are SHA-256 digests of the model's signature and the exact text (encoded so that
any Python string hashes, lone surrogates included). The text is not normalised
further on purpose: word vectors carry character offsets into it, and the models see
its exact characters. Nothing is pickled: a cache file from elsewhere cannot run code.

A cache must never end a run. Concurrent runs share the file (WAL, a busy timeout,
retries while another writer holds the lock); every batch is one transaction, so a
killed run leaves a readable file; a damaged file is replaced by an empty one with a
warning; a file that cannot be written is left alone and the run goes on uncached.
The file stays under a size cap: when it grows past it, the least recently used rows
go (checked when the store opens and every CHECK_EVERY rows written).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence, TypeVar

import numpy as np

from .protocols import NliScores, WordVector

if TYPE_CHECKING:
    from .config import CacheConfig

log = logging.getLogger(__name__)

# The file kept the name it had when it held only translations: TranslationCache()
# has always opened this path, and scripts that look for it keep working.
STORE_FILE = "translations.sqlite3"
# 1: the translation-only table (no model id, no LRU columns); 2: no set_result table; 3: no divergence table
SCHEMA_VERSION = 4
MIB = 1024 * 1024

# Rows written between two size checks; a check is three PRAGMAs, eviction is rare.
CHECK_EVERY = 256
# Eviction goes below the cap by this share, so the next few writes do not evict again.
EVICT_TO = 0.9
# A row read again is marked as used only when its mark is older than this: a warm
# run then reads without writing.
TOUCH_AFTER_S = 3600.0
# SQLite waits this long for another writer's lock, then we retry a few times.
BUSY_TIMEOUT_S = 5.0
LOCK_RETRIES = 4
RETRY_PAUSE_S = 0.05
# Bytes a row costs beyond its payload (key, model id, page bookkeeping): an estimate
# for choosing how many rows to evict; the real size is measured in pages afterwards.
ROW_OVERHEAD = 96
# Keys per SELECT … IN (…), well under SQLite's variable limit.
_CHUNK = 500

_VALUE_COLUMNS: dict[str, tuple[str, ...]] = {
    "translation": ("english TEXT NOT NULL",),
    "sentence_vector": ("vector BLOB NOT NULL",),
    "word_vectors": ("words TEXT NOT NULL", "vectors BLOB NOT NULL"),
    "nli": ("entail REAL NOT NULL", "neutral REAL NOT NULL", "contradict REAL NOT NULL"),
    # The divergence model's verdict on a pair of sides (text and word offsets): P and word tags.
    "divergence": ("probability REAL NOT NULL", "tags_a BLOB NOT NULL", "tags_b BLOB NOT NULL"),
    # A version set's whole comparison (rows, findings, notes) as JSON: see reuse.py.
    "set_result": ("result TEXT NOT NULL",),
}
TABLES = tuple(_VALUE_COLUMNS)

_T = TypeVar("_T")
_K = TypeVar("_K")


def default_cache_dir() -> Path:
    """$CHECKER_CACHE_DIR, else $XDG_CACHE_HOME/checker, else ~/.cache/checker (model outputs,
    the compiled e5 shim, assembled GGUF weights)."""
    if os.environ.get("CHECKER_CACHE_DIR"):
        return Path(os.environ["CHECKER_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "checker"


def default_store_path() -> Path:
    return default_cache_dir() / STORE_FILE


def _digest(*parts: str) -> bytes:
    """Length-prefixed parts, so ("a\\x1fb", "c") and ("a", "b\\x1fc") never collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


@lru_cache(maxsize=64)
def model_signature(model_id: str) -> str:
    """The model id, plus a fingerprint of its files when it names a local folder: weights
    copied over the old ones in the same folder must not reuse the old outputs."""
    try:
        folder = Path(model_id).expanduser()
        if not folder.is_dir():
            return model_id
        h = hashlib.sha256()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            st = path.stat()
            h.update(f"{path.relative_to(folder)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
        return f"{model_id}@{h.hexdigest()[:16]}"
    except (OSError, ValueError):  # an id that is no usable path
        return model_id


# --------------------------------------------------------------------------- encodings


def _encode_vector(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").reshape(-1).tobytes()


def _decode_vector(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)


def _encode_words(words: Sequence[WordVector]) -> tuple[str, bytes]:
    """Offsets and word texts as JSON (ASCII-escaped, so any string survives), the vectors
    as one little-endian float32 matrix."""
    matrix = np.stack([np.asarray(w.vector, dtype="<f4").reshape(-1) for w in words]) if words else None
    meta = {"dim": int(matrix.shape[1]) if matrix is not None else 0, "words": [[w.start, w.end, w.text] for w in words]}
    return json.dumps(meta, separators=(",", ":")), (matrix.tobytes() if matrix is not None else b"")


def _decode_words(meta: str, blob: bytes) -> list[WordVector]:
    info = json.loads(meta)
    words = info["words"]
    matrix = np.frombuffer(blob, dtype="<f4").reshape(len(words), int(info["dim"])).astype(np.float32)
    return [WordVector(int(s), int(e), str(t), matrix[i]) for i, (s, e, t) in enumerate(words)]


# --------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class TableStats:
    name: str
    rows: int
    by_model: tuple[tuple[str, int], ...]  # (model id, rows), most rows first


@dataclass(frozen=True)
class StoreStats:
    path: Path
    file_bytes: int  # the database file and its write-ahead log on disk
    live_bytes: int  # pages in use (what the cap limits)
    max_bytes: int
    tables: tuple[TableStats, ...]


def _is_busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc) or "busy" in str(exc)


class CacheStore:
    """Model outputs in one SQLite file (see the module docstring). Thread-safe."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        max_bytes: int = 500 * MIB,
        check_every: int = CHECK_EVERY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.max_bytes = max_bytes
        self._check_every = check_every
        self._clock = clock
        self._lock = threading.RLock()
        self._written_since_check = 0
        self._db: sqlite3.Connection | None = None
        self.closed = False
        self._open()
        self.enforce_cap()

    # ---- opening, recovering

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        try:
            db.execute("PRAGMA auto_vacuum=INCREMENTAL")  # effective on a new file: evicted pages go back to the disk
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # a killed process loses nothing committed; only power loss could
            self._ensure_schema(db)
        except BaseException:
            db.close()
            raise
        return db

    def _ensure_schema(self, db: sqlite3.Connection) -> None:
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise sqlite3.OperationalError(f"written by a newer checker (schema {version})")
        db.execute("BEGIN IMMEDIATE")  # one process upgrades; the others wait, then see the new version
        try:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version != SCHEMA_VERSION:
                for table in TABLES:  # older layouts are rebuilt, not migrated: it is a cache
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                    columns = ", ".join(_VALUE_COLUMNS[table])
                    db.execute(
                        f"CREATE TABLE {table} (key BLOB PRIMARY KEY, model_id TEXT NOT NULL, "
                        f"used REAL NOT NULL, size INTEGER NOT NULL, {columns})"
                    )
                    db.execute(f"CREATE INDEX {table}_used ON {table} (used)")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.commit()
        except BaseException:
            db.rollback()
            raise

    def _open(self) -> None:
        replaced = False
        for attempt in range(LOCK_RETRIES + 1):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = self._connect()
                return
            except OSError as exc:
                return self._disable(exc)
            except sqlite3.OperationalError as exc:
                if _is_busy(exc) and attempt < LOCK_RETRIES:
                    time.sleep(RETRY_PAUSE_S * (attempt + 1))
                    continue
                return self._disable(exc)
            except sqlite3.DatabaseError as exc:
                if replaced:
                    return self._disable(exc)
                self._delete_files(exc)
                replaced = True

    def _delete_files(self, exc: Exception) -> None:
        log.warning("%s: the cache file is damaged (%s); starting an empty one", self.path, exc)
        self._close_quietly()
        for suffix in ("", "-wal", "-shm"):  # a stale log must not be replayed into the new file
            try:
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            except OSError:
                pass

    def _disable(self, exc: Exception) -> None:
        log.warning("%s: cache not used in this run (%s)", self.path, exc)
        self._close_quietly()

    def _close_quietly(self) -> None:
        """Drop the connection; a failing close changes nothing for a cache being given up."""
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None

    def _with_db(self, work: Callable[[sqlite3.Connection], _T], fallback: _T) -> _T:
        """`work` in one transaction, retried while another writer holds the lock; a damaged
        file is replaced once. Any other failure gives `fallback`: the caller computes instead."""
        with self._lock:
            replaced = False
            for attempt in range(LOCK_RETRIES + 1):
                if self._db is None:
                    return fallback
                try:
                    with self._db:  # commits, or rolls back on an exception
                        return work(self._db)
                except sqlite3.OperationalError as exc:
                    if _is_busy(exc):
                        if attempt < LOCK_RETRIES:
                            time.sleep(RETRY_PAUSE_S * (attempt + 1))
                            continue
                        log.warning("%s: cache busy, going on without it for this step", self.path)
                        return fallback
                    self._disable(exc)
                except sqlite3.DatabaseError as exc:
                    if replaced:
                        self._disable(exc)
                        return fallback
                    self._delete_files(exc)
                    replaced = True
                    self._open()
            return fallback

    # ---- generic rows

    def _get(self, table: str, wanted: dict[bytes, _K], decode: Callable[[tuple], Any]) -> dict[_K, Any]:
        if not wanted:
            return {}
        columns = ", ".join(c.split()[0] for c in _VALUE_COLUMNS[table])
        now = self._clock()

        def read(db: sqlite3.Connection) -> tuple[dict[_K, Any], list[tuple[float, bytes]]]:
            found: dict[_K, Any] = {}
            stale: list[tuple[float, bytes]] = []
            keys = list(wanted)
            for i in range(0, len(keys), _CHUNK):
                chunk = keys[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, used, *values in db.execute(
                    f"SELECT key, used, {columns} FROM {table} WHERE key IN ({marks})", chunk
                ):
                    try:
                        found[wanted[key]] = decode(tuple(values))
                    except (ValueError, TypeError, KeyError):
                        continue  # a row that does not decode is a miss
                    if used < now - TOUCH_AFTER_S:
                        stale.append((now, key))
            return found, stale

        found, stale = self._with_db(read, ({}, []))
        if stale:
            self._with_db(lambda db: db.executemany(f"UPDATE {table} SET used = ? WHERE key = ?", stale), None)
        return found

    def _put(self, table: str, model_id: str, rows: list[tuple[bytes, tuple]]) -> None:
        if not rows:
            return
        now = self._clock()
        columns = [c.split()[0] for c in _VALUE_COLUMNS[table]]
        records = [(key, model_id, now, _payload_size(values) + len(model_id) + ROW_OVERHEAD, *values) for key, values in rows]
        marks = ",".join("?" * (4 + len(columns)))
        sql = f"INSERT OR REPLACE INTO {table} (key, model_id, used, size, {', '.join(columns)}) VALUES ({marks})"
        self._with_db(lambda db: db.executemany(sql, records), None)
        self._written_since_check += len(records)
        if self._written_since_check >= self._check_every:
            self.enforce_cap()

    # ---- translations

    def get_translations(self, model_id: str, lang: str, texts: Iterable[str]) -> dict[str, str]:
        sig = model_signature(model_id)
        return self._get("translation", {_digest(sig, lang, t): t for t in texts}, lambda v: str(v[0]))

    def put_translations(self, model_id: str, lang: str, pairs: Iterable[tuple[str, str]]) -> None:
        sig = model_signature(model_id)
        self._put("translation", model_id, [(_digest(sig, lang, t), (english,)) for t, english in pairs])

    # ---- sentence vectors

    def get_sentence_vectors(self, model_id: str, texts: Iterable[str]) -> dict[str, np.ndarray]:
        sig = model_signature(model_id)
        return self._get("sentence_vector", {_digest(sig, t): t for t in texts}, lambda v: _decode_vector(v[0]))

    def put_sentence_vectors(self, model_id: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        sig = model_signature(model_id)
        self._put("sentence_vector", model_id, [(_digest(sig, t), (_encode_vector(v),)) for t, v in items])

    # ---- word vectors

    def get_word_vectors(self, model_id: str, texts: Iterable[str]) -> dict[str, list[WordVector]]:
        sig = model_signature(model_id)
        return self._get("word_vectors", {_digest(sig, t): t for t in texts}, lambda v: _decode_words(v[0], v[1]))

    def put_word_vectors(self, model_id: str, items: Iterable[tuple[str, Sequence[WordVector]]]) -> None:
        sig = model_signature(model_id)
        self._put("word_vectors", model_id, [(_digest(sig, t), _encode_words(words)) for t, words in items])

    # ---- NLI scores

    def get_nli(self, model_id: str, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], NliScores]:
        sig = model_signature(model_id)
        return self._get("nli", {_digest(sig, p, h): (p, h) for p, h in pairs}, lambda v: NliScores(*map(float, v)))

    def put_nli(self, model_id: str, items: Iterable[tuple[tuple[str, str], NliScores]]) -> None:
        sig = model_signature(model_id)
        rows = [(_digest(sig, p, h), (float(s.entail), float(s.neutral), float(s.contradict))) for (p, h), s in items]
        self._put("nli", model_id, rows)

    # ---- divergence model scores

    def get_divergence(self, model_id: str, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
        """`pairs` of side keys (a side's text and word offsets, see CachedDivergence):
        found -> (P, tags of a, tags of b)."""
        sig = model_signature(model_id)
        return self._get("divergence", {_digest(sig, a, b): (a, b) for a, b in pairs},
                         lambda v: (float(v[0]), _decode_vector(v[1]), _decode_vector(v[2])))

    def put_divergence(self, model_id: str, items: Iterable[tuple[tuple[str, str], tuple]]) -> None:
        sig = model_signature(model_id)
        rows = [(_digest(sig, a, b), (float(p), _encode_vector(ta), _encode_vector(tb))) for (a, b), (p, ta, tb) in items]
        self._put("divergence", model_id, rows)

    # ---- compared version sets

    def get_set_results(self, run_signature: str, keys: Iterable[str]) -> dict[str, str]:
        return self._get("set_result", {_digest(run_signature, k): k for k in keys}, lambda v: str(v[0]))

    def put_set_results(self, run_signature: str, items: Iterable[tuple[str, str]]) -> None:
        self._put("set_result", run_signature, [(_digest(run_signature, k), (result,)) for k, result in items])

    # ---- size, statistics, clearing

    @staticmethod
    def _live_bytes(db: sqlite3.Connection) -> int:
        (page_size,) = db.execute("PRAGMA page_size").fetchone()
        (pages,) = db.execute("PRAGMA page_count").fetchone()
        (free,) = db.execute("PRAGMA freelist_count").fetchone()
        return int(page_size) * (int(pages) - int(free))

    def enforce_cap(self) -> int:
        """Evict least recently used rows (any table) until the pages in use fit the cap; the
        number of rows evicted."""
        self._written_since_check = 0
        target = int(self.max_bytes * EVICT_TO)

        def evict(db: sqlite3.Connection) -> int:
            evicted = 0
            for _ in range(8):  # row sizes are estimates: measure again after each round
                live = self._live_bytes(db)
                if live <= (self.max_bytes if not evicted else target):
                    break
                union = " UNION ALL ".join(f"SELECT '{t}', rowid, size, used FROM {t}" for t in TABLES)
                victims: dict[str, list[tuple[int]]] = {}
                freed = 0
                cursor = db.execute(f"{union} ORDER BY used LIMIT 100000")
                for table, rowid, size, _ in cursor:
                    victims.setdefault(table, []).append((rowid,))
                    freed += size
                    if freed >= live - target:
                        break
                cursor.close()
                if not victims:
                    break
                for table, ids in victims.items():
                    db.executemany(f"DELETE FROM {table} WHERE rowid = ?", ids)
                    evicted += len(ids)
            return evicted

        evicted = self._with_db(evict, 0)
        if evicted:
            log.info("%s: evicted %d least recently used rows to stay under %d MiB", self.path, evicted, self.max_bytes // MIB)
            self._release_free_pages()
        return evicted

    def _release_free_pages(self) -> None:
        # executescript steps the pragma to the end; execute() would free a single page
        self._with_db(lambda db: db.executescript("PRAGMA incremental_vacuum;"), None)

    def stats(self) -> StoreStats:
        def read(db: sqlite3.Connection) -> tuple[int, tuple[TableStats, ...]]:
            tables = []
            for table in TABLES:
                by_model = db.execute(
                    f"SELECT model_id, COUNT(*) AS n FROM {table} GROUP BY model_id ORDER BY n DESC, model_id"
                ).fetchall()
                tables.append(TableStats(table, sum(n for _, n in by_model), tuple((m, int(n)) for m, n in by_model)))
            return self._live_bytes(db), tuple(tables)

        live, tables = self._with_db(read, (0, tuple(TableStats(t, 0, ()) for t in TABLES)))
        on_disk = sum(Path(f"{self.path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{self.path}{s}").exists())
        return StoreStats(self.path, on_disk, live, self.max_bytes, tables)

    def clear(self, older_than_s: float | None = None) -> int:
        """Delete every row, or those not used for `older_than_s` seconds; the number deleted."""
        cutoff = None if older_than_s is None else self._clock() - older_than_s

        def delete(db: sqlite3.Connection) -> int:
            where, args = ("", ()) if cutoff is None else (" WHERE used < ?", (cutoff,))
            return sum(db.execute(f"DELETE FROM {table}{where}", args).rowcount for table in TABLES)

        deleted = self._with_db(delete, 0)
        self._release_free_pages()
        # The deletions themselves went to the write-ahead log: fold it into the file and cut it,
        # or `cache info` shows a bigger cache after clearing; a full clear also rebuilds the file.
        self._with_db(lambda db: db.executescript(("VACUUM;" if cutoff is None else "") + "PRAGMA wal_checkpoint(TRUNCATE);"), None)
        return deleted

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                try:
                    self._db.close()
                except sqlite3.Error:
                    pass
            self._db = None
            self.closed = True
            if _OPEN.get(self.path) is self:
                del _OPEN[self.path]

    @property
    def translations(self) -> "TranslationCache":
        return TranslationCache(store=self)


def _payload_size(values: tuple) -> int:
    return sum(len(v) if isinstance(v, (bytes, str)) else 8 for v in values)


class TranslationCache:
    """The translation table of a CacheStore, with the interface pivot.py uses."""

    def __init__(self, path: Path | None = None, *, store: CacheStore | None = None) -> None:
        self.store = store if store is not None else CacheStore(path)

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def _db(self) -> sqlite3.Connection | None:  # for tests that damage the file on purpose
        return self.store._db

    def get_many(self, model_id: str, lang: str, texts: Iterable[str]) -> dict[str, str]:
        return self.store.get_translations(model_id, lang, texts)

    def put_many(self, model_id: str, lang: str, pairs: Iterable[tuple[str, str]]) -> None:
        self.store.put_translations(model_id, lang, pairs)

    def close(self) -> None:
        self.store.close()


# One store per file in a process, shared by the backends' wrappers and the pivot stage.
_OPEN: dict[Path, CacheStore] = {}


def open_store(settings: "CacheConfig") -> CacheStore | None:
    """The store at the default path ($CHECKER_CACHE_DIR…), opened once per process; None
    when `[cache] enabled = false` or `max_mb = 0` (a cap of nothing would empty the file,
    which other projects share)."""
    if not settings.enabled or settings.max_mb <= 0:
        return None
    path = default_store_path()
    store = _OPEN.get(path)
    max_bytes = int(settings.max_mb * MIB)
    if store is None or store.closed:
        store = _OPEN[path] = CacheStore(path, max_bytes=max_bytes)
    store.max_bytes = max_bytes  # the latest configuration's cap
    return store


# --------------------------------------------------------------------------- checker cache …


def _mib(n: int) -> str:
    return f"{n / MIB:.1f} MiB"


def describe_store(stats: StoreStats, enabled: bool = True) -> str:
    lines = [f"cache: {stats.path}" + ("" if enabled else "  (not used: [cache] enabled = false)")]
    lines.append(f"size: {_mib(stats.file_bytes)} on disk, {_mib(stats.live_bytes)} in use, cap {_mib(stats.max_bytes)}")
    width = max(len(t.name) for t in stats.tables)
    for table in stats.tables:
        lines.append(f"  {table.name:<{width}}  {table.rows:>9,} rows")
        lines.extend(f"    {model}  {rows:,}" for model, rows in table.by_model)
    return "\n".join(lines)


def cache_command(action: str, settings: "CacheConfig", older_than_days: float | None = None) -> str:
    """What `checker cache info|clear [--older-than DAYS]` does and prints."""
    from .errors import CheckerError

    if older_than_days is not None and (action != "clear" or older_than_days < 0):
        raise CheckerError("--older-than takes a number of days >= 0 and goes with `checker cache clear`")
    path = default_store_path()
    if not path.exists():
        return f"no cache at {path} (nothing stored yet)"
    # max_mb = 0 means "not used": `info` and `clear --older-than` must not evict on opening
    store = CacheStore(path, max_bytes=int(settings.max_mb * MIB) if settings.max_mb > 0 else 2**62)
    try:
        if action == "info":
            return describe_store(store.stats(), settings.enabled)
        removed = store.clear(None if older_than_days is None else older_than_days * 86400)
        which = "" if older_than_days is None else f" not used for {older_than_days:g} days"
        return f"removed {removed:,} entries{which} from {path} ({_mib(store.stats().file_bytes)} on disk now)"
    finally:
        store.close()
