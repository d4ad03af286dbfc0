"""The divergence model's training and inference code, run on a tiny head over fake word vectors.

CI never trains the real model; these tests run the same corpus, embedding, training,
checkpoint, export and scoring code on the fake parallel sentences of tests/fakes.py.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from checker.divergence import synthetic  # noqa: E402
from checker.divergence.examples import Corpus, PairExample, Text, add_ntrex, says_not  # noqa: E402
from checker.divergence.features import embed_corpus, word_tags  # noqa: E402
from checker.divergence.head import DivergenceHead, HeadConfig  # noqa: E402
from checker.divergence.scorer import DivergenceScorer, export  # noqa: E402
from checker.divergence.training import TrainSettings, auroc, train  # noqa: E402
from checker.errors import ModelUnavailableError  # noqa: E402
from tests.fakes import DIM, OTHER, SENTENCES, ConceptEmbedder  # noqa: E402

LANGS = {"en": "eng", "de": "deu", "fr": "fra", "id": "ind"}
TINY = HeadConfig(dim_in=DIM, hidden=16, heads=2, layers=1, dropout=0.0)


def _ntrex(folder: Path) -> Path:
    """A miniature NTREX: the fake parallel sentences, two documents per language."""
    folder.mkdir(parents=True, exist_ok=True)
    for lang, code in LANGS.items():
        rows = [*SENTENCES[lang], *OTHER[lang]]
        lines = ["doc\tidx\ttext"] + [f"{'doc.a' if i < 4 else 'doc.b'}\t{i}\t{t}" for i, t in enumerate(rows)]
        (folder / f"{code}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path) -> Corpus:
    c = Corpus()
    add_ntrex(c, _ntrex(tmp_path / "ntrex"), random.Random(3), tuple(LANGS.values()), equivalents_per_line=4,
              perturbed_share=1.0, partners=2, valid_every=2)
    return c


def test_perturbations_mark_what_they_changed():
    rng = random.Random(0)
    text = "In 2016 the council in Berlin approved 40 new schools for the children of the city."
    number = synthetic.change_number(text, rng)
    (s, e), = number.spans
    assert number.text != text and number.text[s:e].isdigit()
    pools = synthetic.WordPools(["village", "bakery"], ["morning"], ["Jakarta"], ["fresh bread every day"])
    name = synthetic.swap_name(text, pools, rng)
    assert "Jakarta" in name.text and name.text[slice(*name.spans[0])] == "Jakarta"
    deleted = synthetic.delete_span(text, rng)
    assert len(deleted.text) < len(text) and deleted.spans == ()
    inserted = synthetic.insert_span(text, pools, rng)
    assert inserted.text[slice(*inserted.spans[0])] == "fresh bread every day"


def test_negation_and_modality_edits_flip_what_the_sentence_says():
    rng = random.Random(0)
    # an insertion marks the new words; a cue already there is not doubled ("has not not")
    for _ in range(20):
        flipped = synthetic.apply_edit("The minister has not approved the plan, which will cost 30 euros.", "eng", "negation", rng)
        assert "not not" not in flipped.text and flipped.text != "The minister has not approved the plan, which will cost 30 euros."
        if flipped.spans:
            assert flipped.text[slice(*flipped.spans[0])] in ("will not", "has")
    removed = synthetic.apply_edit("Der Plan wurde nicht genehmigt.", "deu", "negation", random.Random(1))
    assert "nicht" not in removed.text and "  " not in removed.text
    hedged = synthetic.apply_edit("Le plan coûte 30 euros.", "fra", "modality", random.Random(2))
    assert hedged.text != "Le plan coûte 30 euros." and "30" in hedged.text[slice(*hedged.spans[0])]
    capital = synthetic.apply_edit("Is it ready?", "eng", "negation", random.Random(0))
    assert capital.text == "Is not it ready?"  # ungrammatical but flipped, and still capitalised
    assert synthetic.apply_edit("Das ist gut.", "zzz", "negation", rng) is None  # no rules: nothing to do


def test_related_words_are_near_but_not_the_same_word():
    words = ["unity", "unities", "wholeness", "bakery"]
    vectors = np.array([[1.0, 0.0], [1.0, 0.01], [0.9, 0.1], [0.0, 1.0]])
    related = synthetic.related_words(words, vectors, k=2)
    assert related["unity"] == ("wholeness", "bakery")  # "unities" shares its start: the same word inflected
    pools = synthetic.WordPools(["x"], ["x"], [], [], "eng", related)
    changed = synthetic.perturb("The principle of unity matters.", pools, random.Random(0), "related_word")
    assert changed.text[slice(*changed.spans[0])] in ("wholeness", "bakery") and changed.kind == "related_word"


def test_recipe_v1_draws_as_before_and_v2_adds_kinds(tmp_path):
    # v1 is what checker-divergence-1 and -2 were trained on: its draws must not change
    pools = synthetic.WordPools(["village", "bakery"], ["morning"], ["Jakarta"], ["fresh bread every day"], "eng")
    text = "In 2016 the council in Berlin has approved 40 new schools for the children."
    for seed in range(20):  # one draw of a kind with v1's weights, then that kind: nothing else
        rng_a, rng_b = random.Random(seed), random.Random(seed)
        kind = rng_b.choices(synthetic.KINDS, weights=(2, 2, 3, 3, 3, 3, 2))[0]
        assert synthetic.perturb(text, pools, rng_a) == synthetic.perturb(text, pools, rng_b, kind)
    c = Corpus()
    add_ntrex(c, _ntrex(tmp_path / "ntrex"), random.Random(3), tuple(LANGS.values()), equivalents_per_line=1,
              perturbed_share=1.0, partners=1, valid_every=2, recipe="v2",
              word_vectors=lambda ws: np.array([[len(w), 1.0] for w in ws], dtype=np.float32))
    assert {"related_word", "negation"} <= {e.kind for e in c.examples}


def test_recipe_v3_is_v2_plus_polarity_moved_equivalents(tmp_path):
    folder = _ntrex(tmp_path / "ntrex")
    moved = {"eng": "The plan is not cheap.", "deu": "Der Plan ist teuer.", "fra": "Le plan n’est pas bon marché.",
             "ind": "Rencana itu mahal."}
    for code, text in moved.items():  # one more line whose polarity moved between translations
        with open(folder / f"{code}.tsv", "a", encoding="utf-8") as fh:
            fh.write(f"doc.b\t99\t{text}\n")
    vectors = lambda ws: np.array([[len(w), 1.0] for w in ws], dtype=np.float32)  # noqa: E731
    corpora = {}
    for recipe in ("v2", "v3"):
        corpora[recipe] = Corpus()
        add_ntrex(corpora[recipe], folder, random.Random(3), tuple(LANGS.values()), equivalents_per_line=1,
                  perturbed_share=1.0, partners=1, valid_every=2, recipe=recipe, word_vectors=vectors)
    v2, v3 = corpora["v2"], corpora["v3"]
    # every v2 draw unchanged; the extra pairs are equivalents of the line whose cues differ in parity
    assert v3.texts == v2.texts and v3.examples[:len(v2.examples)] == v2.examples
    extra = v3.examples[len(v2.examples):]
    assert {e.kind for e in extra} == {"polarity_moved"} and {e.label for e in extra} == {0}
    pairs = {(v3.texts[e.a].lang, v3.texts[e.b].lang) for e in extra}
    assert pairs == {(a, b) for a in ("deu", "ind") for b in ("eng", "fra")} | {(b, a) for a in ("deu", "ind") for b in ("eng", "fra")}
    assert {v3.texts[e.a].text for e in extra} == set(moved.values())


def test_recipe_v4_is_v3_plus_equivalents_where_one_language_says_not_and_the_other_does_not(tmp_path):
    folder = _ntrex(tmp_path / "ntrex")
    moved = {"eng": "The plan is cheap.", "deu": "Der Plan ist billig.", "fra": "Le plan est bon marché.",
             "ind": "Rencana itu murah.", "spa": "El plan no es caro."}  # Spanish: "not expensive"
    # a fifth language, outside the rule's: the English lines stand in for its earlier lines
    (folder / "spa.tsv").write_text((folder / "eng.tsv").read_text(encoding="utf-8"), encoding="utf-8")
    for code, text in moved.items():
        with open(folder / f"{code}.tsv", "a", encoding="utf-8") as fh:
            fh.write(f"doc.b\t99\t{text}\n")
    corpora = {}
    for recipe in ("v3", "v4"):
        corpora[recipe] = Corpus()
        add_ntrex(corpora[recipe], folder, random.Random(3), (*LANGS.values(), "spa"), equivalents_per_line=1,
                  perturbed_share=1.0, partners=1, valid_every=2, recipe=recipe,
                  word_vectors=lambda ws: np.array([[len(w), 1.0] for w in ws], dtype=np.float32))
    v3, v4 = corpora["v3"], corpora["v4"]
    assert v4.texts == v3.texts and v4.examples[:len(v3.examples)] == v3.examples  # the lower states are shared
    extra = v4.examples[len(v3.examples):]
    assert {e.kind for e in extra} == {"polarity_moved"} and {e.label for e in extra} == {0}
    pairs = {(v4.texts[e.a].text, v4.texts[e.b].text) for e in extra}
    assert pairs == {(moved["spa"], t) for l, t in moved.items() if l != "spa"} | {
        (t, moved["spa"]) for l, t in moved.items() if l != "spa"}


def test_says_not_reads_the_rule_or_the_mining_words_and_knows_what_it_cannot_read():
    assert says_not("Le plan n’est pas cher.", "fra") is True and says_not("Le plan est cher.", "fra") is False
    assert says_not("Он не знает.", "rus") is True and says_not("Он знает.", "rus") is False
    assert says_not("Hän ei tiedä.", "fin") is None  # Finnish negates with a verb: no word list


def test_word_tags_mark_overlapping_words():
    spans = np.array([[0, 3], [4, 9], [10, 15]])
    assert word_tags(spans, [(5, 7)]).tolist() == [0.0, 1.0, 0.0]
    assert word_tags(spans, []).tolist() == [0.0, 0.0, 0.0]


def test_corpus_has_both_labels_and_held_apart_documents(corpus, tmp_path):
    labels = {e.label for e in corpus.examples}
    assert labels == {0, 1}
    assert {e.split for e in corpus.examples} == {"train", "valid"}
    # whole documents are held apart: no text of a valid pair appears in a train pair
    train_texts = {i for e in corpus.examples if e.split == "train" for i in (e.a, e.b)}
    valid_texts = {i for e in corpus.examples if e.split == "valid" for i in (e.a, e.b)}
    assert not train_texts & valid_texts
    corpus.save(tmp_path / "c.json")
    again = Corpus.load(tmp_path / "c.json")
    assert again.texts == corpus.texts and again.examples == corpus.examples


def test_auroc_matches_definition():
    assert auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]) == 1.0
    assert auroc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]) == 0.0
    assert auroc([0.5, 0.5], [0, 1]) == 0.5


def test_head_is_symmetric():
    torch.manual_seed(0)
    model = DivergenceHead(TINY).eval()
    xa, xb = torch.randn(2, 5, DIM), torch.randn(2, 7, DIM)
    ma, mb = torch.ones(2, 5, dtype=torch.bool), torch.ones(2, 7, dtype=torch.bool)
    mb[1, 4:] = False
    ab, ta, tb = model(xa, ma, xb, mb)
    ba, tb2, ta2 = model(xb, mb, xa, ma)
    assert torch.allclose(ab, ba, atol=1e-5)
    assert torch.allclose(ta, ta2, atol=1e-5) and torch.allclose(tb, tb2, atol=1e-5)


def _train(corpus, folder, epochs, tmp_shards, stop_after=None):
    features = embed_corpus(corpus.texts, ConceptEmbedder(), tmp_shards, progress=lambda m: None)
    settings = TrainSettings(seed=5, epochs=epochs, batch=8, lr=3e-3, head=TINY)
    return train(corpus, features, settings, folder, say=lambda m: None, stop_after=stop_after), settings


def test_training_learns_is_seeded_and_resumes(corpus, tmp_path):
    full, _ = _train(corpus, tmp_path / "run-a", 6, tmp_path / "shards")
    curve = full.curve
    assert len(curve) == 6 and curve[-1]["train_loss"] < curve[0]["train_loss"]
    # the same seed gives the same weights
    again, _ = _train(corpus, tmp_path / "run-b", 6, tmp_path / "shards")
    for k, v in full.model.state_dict().items():
        assert torch.equal(v, again.model.state_dict()[k]), k
    # stopped after 3 epochs and started again: the same model as one run of 6
    stopped, _ = _train(corpus, tmp_path / "run-c", 6, tmp_path / "shards", stop_after=3)
    assert stopped.epoch == 3
    resumed, _ = _train(corpus, tmp_path / "run-c", 6, tmp_path / "shards")
    assert [c["epoch"] for c in resumed.curve] == [1, 2, 3, 4, 5, 6]
    for k, v in full.model.state_dict().items():
        assert torch.allclose(v, resumed.model.state_dict()[k], atol=1e-6), k


def test_export_and_score_with_checksum(corpus, tmp_path):
    state, settings = _train(corpus, tmp_path / "run", 2, tmp_path / "shards")
    folder = tmp_path / "model"
    sha = export(state.model, {"name": "tiny", "version": "0", "head": settings.head.as_dict()}, folder)
    scorer = DivergenceScorer(folder, sha256=sha, cache_dir=tmp_path / "cache")
    assert scorer.model_id == "tiny-0"
    emb = ConceptEmbedder()
    a = np.stack([w.vector for w in emb.word_vectors(SENTENCES["de"][0])])
    b = np.stack([w.vector for w in emb.word_vectors(SENTENCES["fr"][0])])
    (ab, ba, empty) = scorer.score([(a, b), (b, a), (a, np.zeros((0, DIM), np.float32))])
    assert 0.0 <= ab.probability <= 1.0 and abs(ab.probability - ba.probability) < 1e-5
    assert len(ab.tags_a) == len(a) and len(ab.tags_b) == len(b)
    assert empty.probability == 0.0
    # a changed weights file is refused
    with open(folder / "head.safetensors", "r+b") as fh:
        fh.seek(-4, 2)
        fh.write(b"\x00\x01\x02\x03")
    with pytest.raises(ModelUnavailableError, match="sha256"):
        DivergenceScorer(folder, sha256=sha, cache_dir=tmp_path / "cache2").score([(a, b)])


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailableError, match="divergence model not found"):
        DivergenceScorer(tmp_path / "nothing")


def test_examples_keep_text_offsets_in_range(corpus):
    for e in corpus.examples:
        for index, spans in ((e.a, e.a_spans), (e.b, e.b_spans)):
            text = corpus.texts[index].text
            assert all(0 <= s < t <= len(text) for s, t in spans)
    assert all(isinstance(t, Text) for t in corpus.texts)
    assert all(isinstance(e, PairExample) for e in corpus.examples)
