"""Stage 4, pivot: English pivots of every content segment through a translator, with
a persistent SQLite cache keyed by model id, language and text."""

from __future__ import annotations

import sqlite3


from checker.cache import TranslationCache, default_cache_dir
from checker.embed import embed_document
from checker.pivot import pivot_documents
from checker.records import Document
from checker.segment import segment_document

from fakes import SENTENCES, ConceptEmbedder, FakeTranslator, english_of


def embedded(lang: str, text: str):
    doc = Document(f"site/{lang}.txt", lang, text, "")
    return embed_document(doc, segment_document(doc), ConceptEmbedder())


def version_set():
    """de with a repeated sentence, fr, and en; boilerplate lines that must never be translated."""
    # the last line repeats sentences 0 and 2 (a repeated short *line* would be boilerplate)
    repeat = f"{SENTENCES['de'][0]} {SENTENCES['de'][2]}"
    de = embedded("de", "Quelle: https://example.com/x\n" + "\n".join(SENTENCES["de"][:3] + [repeat]) + "\n")
    fr = embedded("fr", "\n".join(SENTENCES["fr"][:3]) + "\nKommentar (0)\n")
    en = embedded("en", "\n".join(SENTENCES["en"][:3]) + "\n")
    return [de, fr, en]


def test_english_passes_through_and_others_are_translated():
    docs = version_set()
    translator = FakeTranslator()
    pivots = pivot_documents(docs, translator)
    assert {lang for _, lang in translator.calls} == {"de", "fr"}
    en = docs[2]
    for s in en.segments:
        assert pivots[("en", s.index)] == s.text
    for doc in docs[:2]:
        for s in doc.segments:
            assert pivots[(doc.document.lang, s.index)] == english_of(s.text)


def test_every_content_segment_gets_a_pivot_and_boilerplate_none():
    docs = version_set()
    pivots = pivot_documents(docs, FakeTranslator())
    expected = {(d.document.lang, s.index) for d in docs for s in d.segments}
    assert set(pivots) == expected
    boilerplate = {(d.document.lang, s.index) for d in docs for s in d.boilerplate}
    assert boilerplate and not (boilerplate & set(pivots))


def test_each_distinct_sentence_is_translated_once():
    docs = version_set()
    translator = FakeTranslator()
    pivots = pivot_documents(docs, translator)
    de_calls = [texts for texts, lang in translator.calls if lang == "de"]
    assert len(docs[0].segments) == 5
    assert de_calls == [tuple(SENTENCES["de"][:3])]  # one batch; repeated sentences once
    for sentence in (SENTENCES["de"][0], SENTENCES["de"][2]):
        repeated = [s for s in docs[0].segments if s.text == sentence]
        assert len(repeated) == 2
        assert pivots[("de", repeated[0].index)] == pivots[("de", repeated[1].index)] == english_of(sentence)


def test_without_translator_pivots_are_empty_but_english_stays():
    docs = version_set()
    pivots = pivot_documents(docs, None)
    assert all(pivots[("de", s.index)] == "" for s in docs[0].segments)
    assert all(pivots[("en", s.index)] == s.text for s in docs[2].segments)


def test_progress_says_what_is_translated():
    said = []
    pivot_documents(version_set(), FakeTranslator(), progress=said.append)
    assert said == ["translating 3 de sentences with fake/translator", "translating 3 fr sentences with fake/translator"]


# --- cache ----------------------------------------------------------------------------------------------


def test_second_run_with_the_cache_translates_nothing(tmp_path):
    path = tmp_path / "cache" / "translations.sqlite3"
    first = FakeTranslator()
    cache = TranslationCache(path)
    pivots_first = pivot_documents(version_set(), first, cache)
    cache.close()
    assert len(first.sentences_translated) == 6

    second = FakeTranslator()
    cache = TranslationCache(path)
    pivots_second = pivot_documents(version_set(), second, cache)
    cache.close()
    assert second.calls == []
    assert pivots_second == pivots_first


def test_only_changed_sentences_are_translated_again(tmp_path):
    cache = TranslationCache(tmp_path / "t.sqlite3")
    pivot_documents(version_set(), FakeTranslator(), cache)
    changed = embedded("de", "\n".join([SENTENCES["de"][0], SENTENCES["de"][4]]) + "\n")
    translator = FakeTranslator()
    pivot_documents([changed], translator, cache)
    assert translator.calls == [((SENTENCES["de"][4],), "de")]


def test_cache_keys_include_model_and_language(tmp_path):
    cache = TranslationCache(tmp_path / "t.sqlite3")
    cache.put_many("model-a", "de", [("Hallo.", "Hello.")])
    assert cache.get_many("model-a", "de", ["Hallo."]) == {"Hallo.": "Hello."}
    assert cache.get_many("model-b", "de", ["Hallo."]) == {}
    assert cache.get_many("model-a", "nl", ["Hallo."]) == {}
    translator = FakeTranslator(model_id="another/model")
    pivot_documents(version_set(), FakeTranslator(), cache)
    pivot_documents(version_set(), translator, cache)
    assert len(translator.sentences_translated) == 6  # another model: nothing reused


def test_cache_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "envcache"))
    assert default_cache_dir() == tmp_path / "envcache"
    cache = TranslationCache()
    assert cache.path == tmp_path / "envcache" / "translations.sqlite3"
    pivot_documents(version_set(), FakeTranslator(), cache)
    cache.close()
    translator = FakeTranslator()
    pivot_documents(version_set(), translator, TranslationCache())
    assert translator.calls == []


def test_xdg_cache_home_is_used_without_checker_cache_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("CHECKER_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "checker"


def test_garbage_cache_file_is_replaced_not_fatal(tmp_path):
    path = tmp_path / "translations.sqlite3"
    path.write_bytes(b"this is not a database at all, just some text " * 100)
    cache = TranslationCache(path)
    translator = FakeTranslator()
    pivot_documents(version_set(), translator, cache)
    assert len(translator.sentences_translated) == 6
    again = FakeTranslator()
    pivot_documents(version_set(), again, cache)
    assert again.calls == []


def test_damaged_cache_pages_do_not_end_the_run(tmp_path):
    path = tmp_path / "translations.sqlite3"
    cache = TranslationCache(path)
    cache.put_many("m", "de", [(f"Satz {i} " + "x" * 200, f"Sentence {i}") for i in range(400)])
    cache._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cache.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), page):  # keep page 1 (header and schema)
        data[offset : offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))

    translator = FakeTranslator(model_id="m")
    cache = TranslationCache(path)
    pivots = pivot_documents(version_set(), translator, cache)
    assert len(translator.sentences_translated) == 6
    assert all(pivots.values())


def test_cache_file_is_sqlite_with_one_table(tmp_path):
    path = tmp_path / "t.sqlite3"
    cache = TranslationCache(path)
    pivot_documents(version_set(), FakeTranslator(), cache)
    cache.close()
    db = sqlite3.connect(path)
    (count,) = db.execute("SELECT COUNT(*) FROM translation").fetchone()
    db.close()
    assert count == 6
