"""Stage 6, compare: the signals on one bead (gaps, sentence similarity, NLI, facts) and
the merge rules that keep one report per thing. Fake embedder and fake NLI scorer."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from checker.compare.bead import BeadComparator, SetContext, _merge
from checker.compare.divergence import Divergence
from checker.compare.gaps import compare_gaps
from checker.compare.lexicon import IsolatedWords, sample_words
from checker.compare.nli import compare_nli
from checker.compare.similarity import compare_sentences
from checker.compare.surface import chrf, pairwise_chrf
from checker.compare.wordlinks import DocumentWords
from checker.config import load_config
from checker.embed import embed_document
from checker.protocols import NliScores
from checker.records import Bead, Document, Segment
from checker.segment import segment_document

from fakes import CONTRADICTION, SENTENCES, ConceptEmbedder, FakeNli, english_of

CONFIG = load_config()
LONG = {
    "de": "Der Rat genehmigte gestern den neuen Haushalt für das kommende Jahr.",
    "fr": "Le conseil a approuvé hier le nouveau budget pour l'année prochaine.",
    "id": "Dewan kemarin menyetujui anggaran baru untuk tahun mendatang.",
}


def seg(lang: str, text: str, kind: str = "body", index: int = 0) -> Segment:
    return Segment(f"{lang}.txt", lang, index, 0, len(text), text, kind)


def gap_bead(texts: dict[str, str | None], kind: str = "body") -> Bead:
    return Bead(0, {lang: (seg(lang, t, kind),) if t else () for lang, t in texts.items()})


# --- gaps ----------------------------------------------------------------------------------------


def test_omission_with_three_versions_blames_the_missing_one():
    bead = gap_bead({"de": LONG["de"], "fr": LONG["fr"], "id": None})
    (d,) = compare_gaps(bead, ["de", "fr", "id"], CONFIG.compare.omission, CONFIG.compare.words.min_word_chars)
    assert (d.kind, d.severity, d.divergent, d.reference) == ("omission", "major", ("id",), ("de", "fr"))
    assert "id" in d.message
    assert d.score > 0.8


def test_addition_blames_the_lone_version():
    bead = gap_bead({"de": None, "fr": None, "id": LONG["id"]})
    (d,) = compare_gaps(bead, ["de", "fr", "id"], CONFIG.compare.omission, CONFIG.compare.words.min_word_chars)
    assert (d.kind, d.severity, d.divergent, d.reference) == ("addition", "major", ("id",), ("de", "fr"))


def test_gap_of_a_short_sentence_is_info():
    bead = gap_bead({"de": "Ja, gut.", "fr": "Oui, bien.", "id": None})
    (d,) = compare_gaps(bead, ["de", "fr", "id"], CONFIG.compare.omission, CONFIG.compare.words.min_word_chars)
    assert (d.kind, d.severity) == ("omission", "info")


def test_gap_of_a_heading_is_minor():
    bead = gap_bead({"de": "Neue Regeln für kommende Haushaltsjahre", "fr": "Nouvelles règles budgétaires annuelles", "id": None}, "heading")
    (d,) = compare_gaps(bead, ["de", "fr", "id"], CONFIG.compare.omission, CONFIG.compare.words.min_word_chars)
    assert (d.kind, d.severity) == ("omission", "minor")


def test_two_versions_have_no_vote_so_the_gap_is_minor():
    bead = gap_bead({"de": LONG["de"], "fr": None})
    (d,) = compare_gaps(bead, ["de", "fr"], CONFIG.compare.omission, CONFIG.compare.words.min_word_chars)
    assert (d.kind, d.severity, d.divergent, d.reference) == ("omission", "minor", ("fr",), ("de",))
    assert d.score < 0.9


def test_no_gap_no_finding():
    bead = gap_bead({"de": LONG["de"], "fr": LONG["fr"]})
    assert compare_gaps(bead, ["de", "fr"], CONFIG.compare.omission, CONFIG.compare.words.min_word_chars) == []


# --- sentence similarity ------------------------------------------------------------------------------


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(32)
    return v / np.linalg.norm(v)


def test_sentence_far_from_two_that_agree_is_blamed():
    base = _unit(1)
    vectors = {"de": base, "fr": (base + 0.3 * _unit(2)) / np.linalg.norm(base + 0.3 * _unit(2)), "id": _unit(3)}
    (d,) = compare_sentences(vectors, CONFIG.compare.sentence)
    assert (d.kind, d.divergent, d.reference, d.signal) == ("meaning", ("id",), ("de", "fr"), "similarity")
    assert 0 < d.score <= 1


def test_no_sentence_vote_with_two_versions_or_when_nobody_agrees():
    assert compare_sentences({"de": _unit(1), "fr": _unit(2)}, CONFIG.compare.sentence) == []
    assert compare_sentences({"de": _unit(1), "fr": _unit(2), "id": _unit(3)}, CONFIG.compare.sentence) == []


def test_translations_raise_no_sentence_finding():
    base = _unit(1)
    close = {l: (base + 0.4 * _unit(i)) / np.linalg.norm(base + 0.4 * _unit(i)) for i, l in enumerate(["de", "fr", "id"], 5)}
    assert compare_sentences(close, CONFIG.compare.sentence) == []


# --- NLI ---------------------------------------------------------------------------------------------------

PIVOTS = {
    "de": "The council approved the new budget yesterday.",
    "fr": "Yesterday the council adopted the new budget.",
    "id": "The council rejected the budget last week.",
}


def odd_one_out(word: str):
    """A scorer rule: pairs with `word` on one side contradict, the rest entail."""
    return lambda p, h: CONTRADICTION if (word in p) != (word in h) else None


def no_chrf_skips(pivots) -> dict:
    return {pair: 0.0 for pair in pairwise_chrf(pivots)}


def test_nli_blames_the_odd_one_out():
    nli = FakeNli(rule=odd_one_out("rejected"))
    (d,) = compare_nli(PIVOTS, nli, CONFIG.compare, no_chrf_skips(PIVOTS))
    assert (d.kind, d.severity, d.divergent, d.reference, d.signal) == ("meaning", "major", ("id",), ("de", "fr"), "nli")
    # how sure: the stronger of contradiction and lack of entailment
    assert d.score == pytest.approx(max(CONTRADICTION.contradict, 1 - CONTRADICTION.entail))
    # both directions of every pair with id were asked, and they are in the evidence
    assert set(d.evidence["nli_pairs"]) == {"id->de", "id->fr", "de->id", "fr->id"}
    assert set(d.evidence["nli"]) == {"entail", "contradict"}
    assert len(nli.calls) == 6  # 3 versions, ordered pairs


def test_weak_entailment_without_contradiction_is_minor():
    weak = NliScores(entail=0.2, neutral=0.7, contradict=0.1)
    nli = FakeNli(rule=lambda p, h: weak if ("rejected" in p) != ("rejected" in h) else None)
    (d,) = compare_nli(PIVOTS, nli, CONFIG.compare, no_chrf_skips(PIVOTS))
    assert (d.severity, d.divergent) == ("minor", ("id",))
    assert d.score == pytest.approx(0.8)


def test_nli_has_no_vote_when_the_others_disagree_too():
    nli = FakeNli(default=CONTRADICTION)
    assert compare_nli(PIVOTS, nli, CONFIG.compare, no_chrf_skips(PIVOTS)) == []


def test_nli_with_two_versions_blames_both():
    pivots = {"de": PIVOTS["de"], "id": PIVOTS["id"]}
    (d,) = compare_nli(pivots, FakeNli(default=CONTRADICTION), CONFIG.compare, no_chrf_skips(pivots))
    assert set(d.divergent) == {"de", "id"} and d.reference == ()


def test_near_identical_pivots_skip_nli():
    same = "The council approved the new budget."
    pivots = {"de": same, "fr": same, "id": same}
    chrf_scores = pairwise_chrf(pivots)
    assert min(chrf_scores.values()) >= CONFIG.compare.chrf_skip_nli
    nli = FakeNli(default=CONTRADICTION)  # would blame someone if it were asked
    assert compare_nli(pivots, nli, CONFIG.compare, chrf_scores) == []
    assert nli.calls == []


def test_only_pairs_with_different_pivots_go_to_nli():
    pivots = {"de": PIVOTS["de"], "fr": PIVOTS["de"], "id": PIVOTS["id"]}
    nli = FakeNli(rule=odd_one_out("rejected"))
    (d,) = compare_nli(pivots, nli, CONFIG.compare, pairwise_chrf(pivots))
    assert d.divergent == ("id",)
    assert (PIVOTS["de"], PIVOTS["de"]) not in nli.calls
    assert len(nli.calls) == 4


def test_chrf_is_symmetric_and_bounded():
    a, b = PIVOTS["de"], PIVOTS["id"]
    assert chrf(a, b) == pytest.approx(chrf(b, a))
    assert chrf(a, a) == pytest.approx(100.0)
    assert 0 < chrf(a, b) < 100
    assert chrf(a, "  ") == 0.0


# --- one bead through the comparator ------------------------------------------------------------------------


def context(texts: dict[str, str], pivots: dict[str, str] | None = None, words: bool = True):
    """A version set of one-sentence documents (after a heading line) and the bead of their sentences."""
    embedder = ConceptEmbedder()
    documents, embedded, word_maps, members, pivot_map = {}, {}, {}, {}, {}
    for lang, text in texts.items():
        doc = Document(f"v/{lang}.txt", lang, "Überschrift\n" + text + "\n", "")
        segments = segment_document(doc)
        e = embed_document(doc, segments, embedder)
        documents[lang], embedded[lang] = doc, e
        body = tuple(s for s in e.segments if s.kind == "body")
        members[lang] = body
        if words:
            word_maps[lang] = DocumentWords(e.segments, lang, embedder, CONFIG.compare.words)
        for s in e.segments:
            pivot_map[(lang, s.index)] = (pivots or {}).get(lang, english_of(s.text)) if s.kind == "body" else s.text
    ctx = SetContext(
        documents=documents,
        embedded=embedded,
        words=word_maps if words else None,
        pivots=pivot_map,
        langs=tuple(texts),
        isolated=IsolatedWords(embedder, sample_words(d.text for d in documents.values())),
    )
    return Bead(1, members), ctx


def test_translations_give_no_divergence_and_skip_nli():
    texts = {l: SENTENCES[l][0] for l in ("de", "fr", "id")}
    bead, ctx = context(texts, pivots={l: SENTENCES["en"][0] for l in texts})
    nli = FakeNli(default=CONTRADICTION)
    result = BeadComparator(CONFIG, nli).compare(bead, ctx)
    assert result.divergences == ()
    assert result.chrf is not None and result.chrf >= CONFIG.compare.chrf_skip_nli
    assert nli.calls == []


def test_comparator_runs_nli_on_differing_pivots_and_names_the_signals():
    texts = {l: SENTENCES[l][0] for l in ("de", "fr", "id")}
    bead, ctx = context(texts, pivots=PIVOTS)
    nli = FakeNli(rule=odd_one_out("rejected"))
    result = BeadComparator(CONFIG, nli).compare(bead, ctx)
    (d,) = [d for d in result.divergences if d.signal == "nli"]
    assert d.divergent == ("id",)
    assert "nli" in d.evidence["signals"]
    assert d.evidence["chrf"] == round(result.chrf, 1)
    assert set(result.pair_chrf) == {("de", "fr"), ("de", "id"), ("fr", "id")}


def test_comparator_without_nli_backend_never_scores():
    texts = {l: SENTENCES[l][0] for l in ("de", "fr", "id")}
    bead, ctx = context(texts, pivots=PIVOTS)
    result = BeadComparator(CONFIG, None).compare(bead, ctx)
    assert all(d.signal != "nli" for d in result.divergences)


def test_comparator_on_a_gap_bead_reports_only_the_gap():
    texts = {l: SENTENCES[l][0] for l in ("de", "fr", "id")}
    bead, ctx = context(texts)
    gap = Bead(1, {**bead.members, "id": ()})
    nli = FakeNli(default=CONTRADICTION)
    result = BeadComparator(CONFIG, nli).compare(gap, ctx)
    assert [(d.kind, d.divergent) for d in result.divergences] == [("omission", ("id",))]
    assert nli.calls == []


def test_fact_spans_are_offsets_into_the_files():
    texts = {
        "de": "Der Rat genehmigte 12 neue Gesetze.",
        "fr": "Le conseil a approuvé 12 nouvelles lois.",
        "id": "Dewan menyetujui 15 undang-undang baru.",
    }
    bead, ctx = context(texts)
    result = BeadComparator(CONFIG, None).compare(bead, ctx)
    (d,) = [d for d in result.divergences if d.signal == "facts"]
    assert (d.kind, d.severity, d.divergent) == ("number", "major", ("id",))
    for lang, number in (("de", "12"), ("fr", "12"), ("id", "15")):
        (start, end), = d.spans[lang]
        assert start > len("Überschrift\n")  # offsets in the file, not in the sentence
        assert ctx.documents[lang].text[start:end] == number


# --- merge rules --------------------------------------------------------------------------------------------


def div(signal: str, divergent=("id",), spans=None, kind="term") -> Divergence:
    return Divergence(
        kind=kind,
        severity="minor",
        score=0.5,
        message=signal,
        divergent=divergent,
        reference=tuple(l for l in ("de", "fr", "id") if l not in divergent),
        spans=spans or {},
        signal=signal,
    )


def test_word_finding_on_a_rule_finding_s_words_becomes_its_evidence():
    facts = div("facts", spans={"id": ((10, 12),)}, kind="number")
    words = div("words", divergent=("de",), spans={"id": ((11, 20),)})
    (merged,) = _merge([facts, words], None)
    assert (merged.signal, merged.kind) == ("facts", "number")
    assert merged.evidence["signals"] == ["facts", "words"]
    assert [m["signal"] for m in merged.evidence["merged"]] == ["words"]


def test_checks_blaming_one_version_in_one_row_are_one_finding():
    # issue 13, item 5: a negation and a meaning finding on one sentence were two findings
    facts = div("facts", spans={"id": ((10, 12),)}, kind="number")
    words = div("words", spans={"id": ((12, 20),)})  # other words of the same version
    other_lang = div("words", divergent=("de",), spans={"de": ((30, 32),)})
    kept = _merge([facts, words, other_lang], None)
    assert [(d.signal, d.divergent) for d in kept] == [("facts", ("id",)), ("words", ("de",))]
    assert kept[0].spans == {"id": ((10, 12), (12, 20))}  # the words of both checks
    assert kept[0].evidence["signals"] == ["facts", "words"]
    assert kept[1].evidence["signals"] == ["words"]


def test_sentence_disagreement_absorbs_word_findings_of_the_same_version():
    words_id = div("words", spans={"id": ((0, 5),)})
    words_de = div("words", divergent=("de",), spans={"de": ((0, 5),)})
    for sentence_signal in ("similarity", "nli", "model"):
        sentence = div(sentence_signal, kind="meaning")
        kept = _merge([words_id, sentence, words_de], 55.55)
        assert [(d.signal, d.divergent) for d in kept] == [(sentence_signal, ("id",)), ("words", ("de",))]
        assert all(d.evidence["chrf"] == 55.5 or d.evidence["chrf"] == 55.6 for d in kept)


def test_the_most_severe_check_leads_and_every_rule_stays_in_the_evidence():
    number = div("facts", spans={"id": ((0, 4),)}, kind="number")
    date = replace(div("facts", spans={"id": ((2, 6),)}, kind="date"), severity="major")
    (merged,) = _merge([number, date, div("similarity", kind="meaning")], None)
    assert (merged.kind, merged.severity) == ("date", "major")
    assert sorted(m["kind"] for m in merged.evidence["merged"]) == ["meaning", "number"]


def test_contradicting_polarity_findings_in_one_row_are_one_finding():
    de = div("facts", divergent=("de",), spans={"de": ((0, 5),)}, kind="negation")
    fr = div("facts", divergent=("fr",), spans={"fr": ((8, 12),)}, kind="negation")
    (merged,) = _merge([de, fr], None)
    assert set(merged.divergent) == {"de", "fr"} and "de" not in merged.reference


def test_vector_signals_alone_stay_notes_on_a_short_label():
    # issue 13, item 7: "Zeichenfläche" / "canvas" is no meaning change on vectors' word alone
    (alone,) = _merge([div("words"), div("similarity", kind="meaning")], None, short=True)
    assert alone.severity == "info"
    with_rule = _merge([div("words"), div("facts", kind="number")], None, short=True)
    assert [d.severity for d in with_rule] == ["minor"]
    assert _merge([div("model", kind="meaning")], None, short=True)[0].severity == "minor"


def test_word_signal_names_the_changed_term_with_file_offsets():
    texts = {
        "de": "Der Rat genehmigte den neuen Haushalt.",
        "fr": "Le conseil a approuvé le nouveau budget.",
        "id": "Dewan menyetujui kereta baru.",  # "train" where the others say "budget"
    }
    bead, ctx = context(texts)
    result = BeadComparator(CONFIG, None).compare(bead, ctx)
    (d,) = result.divergences
    assert (d.kind, d.signal, d.severity, d.divergent) == ("term", "words", CONFIG.compare.words.term_severity, ("id",))
    said = {lang: ctx.documents[lang].text[s:e] for lang, ((s, e),) in d.spans.items()}
    assert said == {"de": "Haushalt", "fr": "budget", "id": "kereta"}


def test_sentence_signal_absorbs_the_term_finding_of_a_replaced_sentence():
    texts = {"de": SENTENCES["de"][0], "fr": SENTENCES["fr"][0], "id": SENTENCES["id"][3]}
    bead, ctx = context(texts)
    result = BeadComparator(CONFIG, None).compare(bead, ctx)
    signals = {d.signal for d in result.divergences if d.divergent == ("id",)}
    assert "similarity" in signals
    assert "words" not in signals


def test_two_version_translation_with_stopword_counterparts_has_no_term_finding():
    texts = {"de": SENTENCES["de"][4], "en": SENTENCES["en"][4]}
    bead, ctx = context(texts)
    assert BeadComparator(CONFIG, None).compare(bead, ctx).divergences == ()


# --- gaps checked against the neighbouring beads -------------------------------------------------------------


def _two_sentence_context(id_text: str):
    """de and fr say sentences 0 and 1 in two lines; id says `id_text` on one line."""
    embedder = ConceptEmbedder()
    texts = {
        "de": SENTENCES["de"][0] + "\n" + SENTENCES["de"][1],
        "fr": SENTENCES["fr"][0] + "\n" + SENTENCES["fr"][1],
        "id": id_text,
    }
    documents, embedded, words = {}, {}, {}
    for lang, text in texts.items():
        doc = Document(f"v/{lang}.txt", lang, text + "\n", "")
        e = embed_document(doc, segment_document(doc), embedder)
        documents[lang], embedded[lang] = doc, e
        words[lang] = DocumentWords(e.segments, lang, embedder, CONFIG.compare.words)
    ctx = SetContext(documents, embedded, words, {}, tuple(texts), IsolatedWords(embedder, []))
    return ctx, {lang: e.segments for lang, e in embedded.items()}


def test_gap_whose_words_the_neighbour_holds_is_a_segmentation_difference():
    # id says both sentences in one: the bead of de/fr sentence 1 has no id member,
    # but id's neighbouring sentence holds its words
    ctx, segs = _two_sentence_context(SENTENCES["id"][0].rstrip(".") + " dan " + SENTENCES["id"][1])
    first = Bead(0, {"de": segs["de"][:1], "fr": segs["fr"][:1], "id": segs["id"][:1]})
    second = Bead(1, {"de": segs["de"][1:2], "fr": segs["fr"][1:2], "id": ()})
    result = BeadComparator(CONFIG, None).compare(second, ctx, neighbours=[first])
    assert result.divergences == ()


def test_gap_the_neighbours_do_not_hold_is_an_omission():
    ctx, segs = _two_sentence_context(SENTENCES["id"][0])
    first = Bead(0, {"de": segs["de"][:1], "fr": segs["fr"][:1], "id": segs["id"][:1]})
    second = Bead(1, {"de": segs["de"][1:2], "fr": segs["fr"][1:2], "id": ()})
    result = BeadComparator(CONFIG, None).compare(second, ctx, neighbours=[first])
    (d,) = result.divergences
    assert (d.kind, d.divergent) == ("omission", ("id",))
    assert d.evidence["found_in_neighbours"] < CONFIG.compare.omission.covered_by_neighbours


# --- name swaps that are only spelling -------------------------------------------------------------------------


def test_name_written_differently_is_not_a_swap():
    texts = {
        "de": "Der Rat von Skyblues genehmigte den neuen Haushalt.",
        "fr": "Le conseil de Skyblues a approuvé le nouveau budget.",
        "id": "Dewan Sky Blues menyetujui anggaran baru.",
    }
    bead, ctx = context(texts)
    result = BeadComparator(CONFIG, None).compare(bead, ctx)
    assert [d for d in result.divergences if d.kind == "entity"] == []


def test_a_different_name_is_still_a_swap():
    texts = {
        "de": "Der Rat von Skyblues genehmigte den neuen Haushalt.",
        "fr": "Le conseil de Skyblues a approuvé le nouveau budget.",
        "id": "Dewan Redhawks menyetujui anggaran baru.",
    }
    bead, ctx = context(texts)
    result = BeadComparator(CONFIG, None).compare(bead, ctx)
    (d,) = [d for d in result.divergences if d.kind == "entity"]
    assert d.divergent == ("id",)


# --- the term signal can be switched off ---------------------------------------------------------------------


def test_two_versions_with_unrendered_words_give_a_term_finding_unless_terms_are_off():
    import dataclasses

    texts = {"de": SENTENCES["de"][0], "fr": SENTENCES["fr"][1]}  # different sentences: words unrendered
    bead, ctx = context(texts)
    with_terms = BeadComparator(CONFIG, None).compare(bead, ctx)
    assert any(d.kind == "term" for d in with_terms.divergences)
    words_off = dataclasses.replace(CONFIG.compare.words, terms=False)
    quiet = dataclasses.replace(CONFIG, compare=dataclasses.replace(CONFIG.compare, words=words_off))
    without = BeadComparator(quiet, None).compare(bead, ctx)
    assert not any(d.kind == "term" for d in without.divergences)
