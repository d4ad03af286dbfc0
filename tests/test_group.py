"""Stage 2, group: embedded documents -> version sets (one document per language) and
the unrelated rest, each with a reason. Uses the fake concept embedder."""

from __future__ import annotations

import random

import numpy as np

from checker.config import load_config
from checker.embed import EmbeddedDocument, embed_document
from checker.group import group_documents, pair_score
from checker.records import Document
from checker.segment import segment_document

from fakes import OTHER, ConceptEmbedder, text_of

GROUPING = load_config().grouping


def embedded(path: str, lang: str, text: str, embedder=None) -> EmbeddedDocument:
    doc = Document(path, lang, text, "")
    return embed_document(doc, segment_document(doc), embedder or ConceptEmbedder())


def site(folder: str, langs=("de", "fr", "id"), sentences=range(5)) -> list[EmbeddedDocument]:
    return [embedded(f"{folder}/{lang}.txt", lang, text_of(lang, sentences)) for lang in langs]


def unrelated_doc(path: str, lang: str) -> EmbeddedDocument:
    return embedded(path, lang, "\n".join(OTHER[lang]) + "\n")


def test_fake_embedder_separates_translations_from_other_sentences():
    de, fr = site("s", ("de", "fr"))
    sims = de.centred @ fr.centred.T
    # every sentence's best partner is its translation, far above everything else
    assert list(sims.argmax(axis=1)) == list(range(len(de.segments)))
    assert sims.diagonal().min() > 0.8
    assert sims[~np.eye(len(sims), dtype=bool)].max() < GROUPING.partner_cosine


def test_three_translations_form_one_set():
    docs = site("site")
    sets, unrelated = group_documents(docs, GROUPING)
    assert unrelated == []
    assert len(sets) == 1
    vs, members = sets[0]
    assert sorted(vs.langs) == ["de", "fr", "id"]
    assert [m.document for m in members] == list(vs.documents)
    assert vs.id == "site"  # files named by language in one folder: the folder names the set


def test_translations_with_a_common_encoder_component_still_group():
    # real encoders put every sentence at high raw cosine; centring must remove that
    embedder = ConceptEmbedder(common=2.0)
    docs = [embedded(f"site/{l}.txt", l, text_of(l, range(5)), embedder) for l in ("de", "fr", "id")]
    docs.append(embedded("news/en.txt", "en", "\n".join(OTHER["en"]) + "\n", embedder))
    raw = docs[3].vectors @ docs[0].vectors.T
    assert raw.min() > 0.7  # uncentred, everything looks alike
    sets, unrelated = group_documents(docs, GROUPING)
    assert [sorted(vs.langs) for vs, _ in sets] == [["de", "fr", "id"]]
    assert [u.path for u in unrelated] == ["news/en.txt"]


def test_unrelated_document_is_listed_apart_with_a_reason():
    docs = site("site") + [unrelated_doc("news/en.txt", "en")]
    sets, unrelated = group_documents(docs, GROUPING)
    assert [sorted(vs.langs) for vs, _ in sets] == [["de", "fr", "id"]]
    (u,) = unrelated
    assert (u.path, u.lang) == ("news/en.txt", "en")
    assert "not a translation" in u.reason
    assert "0%" in u.reason


def test_documents_all_in_one_language_are_unrelated_with_that_reason():
    docs = [embedded("a/de.txt", "de", text_of("de", range(4))), embedded("b/de.txt", "de", text_of("de", range(4)))]
    sets, unrelated = group_documents(docs, GROUPING)
    assert sets == []
    assert [u.path for u in unrelated] == ["a/de.txt", "b/de.txt"]
    assert all("same language" in u.reason for u in unrelated)


def test_a_single_document_has_nothing_to_compare_with():
    sets, unrelated = group_documents([embedded("de.txt", "de", text_of("de", range(3)))], GROUPING)
    assert sets == []
    assert "only one document" in unrelated[0].reason


def test_two_documents_of_one_language_never_share_a_set():
    # a second German copy of the same content matches fr and id as well as the first one does
    docs = site("site") + [embedded("copy/de.txt", "de", text_of("de", range(5)))]
    sets, unrelated = group_documents(docs, GROUPING)
    for vs, _ in sets:
        assert len(set(vs.langs)) == len(vs.langs)
    placed = [d.path for vs, _ in sets for d in vs.documents] + [u.path for u in unrelated]
    assert sorted(placed) == sorted(d.document.path for d in docs)  # every document exactly once
    assert len(unrelated) == 1 and unrelated[0].lang == "de"


def test_reason_for_a_duplicate_language_version_says_so():
    docs = site("site") + [embedded("copy/de.txt", "de", text_of("de", range(5)))]
    _, unrelated = group_documents(docs, GROUPING)
    (u,) = unrelated
    assert "not a translation" not in u.reason
    assert "site/de.txt" in u.reason  # the de version the set already has


def test_two_contents_give_two_sets():
    docs = site("budget", ("de", "fr"), range(0, 3)) + site("planet", ("de", "fr"), range(3, 6))
    sets, unrelated = group_documents(docs, GROUPING)
    assert unrelated == []
    assert sorted((vs.id, tuple(sorted(vs.langs))) for vs, _ in sets) == [
        ("budget", ("de", "fr")),
        ("planet", ("de", "fr")),
    ]


def test_partial_translation_below_min_shared_is_unrelated():
    # fr shares 1 of its 3 sentences with de, de 1 of its 5 with fr: below min_shared
    de = embedded("x/de.txt", "de", text_of("de", range(5)))
    fr = embedded("x/fr.txt", "fr", text_of("fr", [0]) + "\n".join(OTHER["fr"]) + "\n")
    assert len(fr.segments) == 3
    assert pair_score(de, fr, GROUPING.partner_cosine) < GROUPING.min_shared
    sets, unrelated = group_documents([de, fr], GROUPING)
    assert sets == [] and len(unrelated) == 2


def test_set_ids_are_stable_across_runs_and_input_order():
    def ids(order_seed: int) -> list[str]:
        docs = site("budget", ("de", "fr", "id"), range(0, 3))
        docs += [
            embedded(f"misc/planet.{l}.txt", l, text_of(l, range(3, 6))) for l in ("de", "fr")
        ]
        random.Random(order_seed).shuffle(docs)
        sets, _ = group_documents(docs, GROUPING)
        return sorted(vs.id for vs, _ in sets)

    first = ids(0)
    assert first == ids(0) == ids(1) == ids(2)
    assert "budget" in first
    # files not named by language alone: named after the first file
    other = next(i for i in first if i != "budget")
    assert other.startswith("planet.de")


def test_set_ids_are_unique_within_a_run_and_stable():
    # a/site/{de,fr}.txt and b/site/{de,fr}.txt would both be called "site"; findings and
    # report sections are keyed by set id, so the two must differ, and not by input order
    def ids(order_seed: int) -> dict[str, str]:
        docs = site("a/site", ("de", "fr"), range(0, 3)) + site("b/site", ("de", "fr"), range(3, 6))
        random.Random(order_seed).shuffle(docs)
        sets, _ = group_documents(docs, GROUPING)
        return {vs.documents[0].path.split("/")[0]: vs.id for vs, _ in sets}

    first = ids(0)
    assert len(set(first.values())) == 2
    assert first == ids(1) == ids(2)
