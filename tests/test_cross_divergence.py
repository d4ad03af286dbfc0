"""checker-divergence-3 (checker/divergence/cross.py, cross_training.py, scorer.CrossScorer) on a tiny
random model and fake lower states: the same training and inference code the shipped model uses."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from checker.backends.e5 import LowerStates as TextLowerStates
from checker.divergence.cross import CrossConfig, CrossTop, collate, join, score, word_probabilities
from checker.divergence.cross_training import (
    CrossSettings,
    export_cross,
    load_checkpoint,
    lower_corpus,
    train_cross,
)
from checker.divergence.examples import Corpus, PairExample, Text
from checker.divergence.features import word_tags
from checker.divergence.scorer import CrossScorer, Side, open_divergence_model
from checker.errors import ModelUnavailableError

TINY = CrossConfig(base_layers=0, top_layers=2, hidden=16, heads=4, ff=32, dropout=0.1, max_tokens=12)


class FakeLower:
    """Lower states from the words of a text: each word a fixed random vector (by its hash), with
    bos/eos rows around them, as E5Encoder.lower_states lays them out."""

    def __init__(self, dim: int = TINY.hidden) -> None:
        self.dim = dim
        self.calls: list[list[str]] = []

    def _vec(self, word: str) -> np.ndarray:
        return np.random.default_rng(abs(hash(word)) % (1 << 32)).standard_normal(self.dim).astype(np.float32)

    def lower_states(self, texts, layers, max_tokens):
        self.calls.append(list(texts))
        out = []
        for t in texts:
            spans = np.array([m.span() for m in re.finditer(r"\S+", t)][:max_tokens], dtype=np.int64).reshape(-1, 2)
            rows = [self._vec("<s>")] + [self._vec(t[s:e]) for s, e in spans] + [self._vec("</s>")]
            out.append(TextLowerStates(np.stack(rows), spans, 1))
        return out


def _model(seed: int = 0) -> CrossTop:
    torch.manual_seed(seed)
    model = CrossTop(TINY)
    with torch.no_grad():  # biases away from zero: the two sentences are told apart
        model.same_bias.normal_()
        model.cross_bias.normal_()
    return model.eval()


def test_swapping_the_sentences_changes_nothing_but_the_order():
    model = _model()
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((5, 16)).astype(np.float32), rng.standard_normal((7, 16)).astype(np.float32)
    (p_ab,), (t_ab,) = score(model, [join(a, b)])
    (p_ba,), (t_ba,) = score(model, [join(b, a)])
    assert p_ab == pytest.approx(p_ba, abs=1e-5)
    np.testing.assert_allclose(t_ab[:5], t_ba[7:], atol=1e-5)
    assert np.isfinite(t_ab).all()  # torch's eval fast path gave NaN with such masks: not used


def test_a_pairs_score_does_not_depend_on_its_batch():
    model = _model()
    rng = np.random.default_rng(2)
    short = join(rng.standard_normal((3, 16)).astype(np.float32), rng.standard_normal((4, 16)).astype(np.float32))
    long = join(rng.standard_normal((20, 16)).astype(np.float32), rng.standard_normal((18, 16)).astype(np.float32))
    alone, _ = score(model, [short])
    together, _ = score(model, [short, long])
    assert alone[0] == pytest.approx(together[0], abs=1e-5)


def test_collate_marks_sides_and_padding():
    x, side = collate([join(np.ones((2, 4), np.float32), np.ones((1, 4), np.float32)), join(np.ones((1, 4), np.float32), np.ones((1, 4), np.float32))])
    assert x.shape == (2, 3, 4)
    assert side.tolist() == [[0, 0, 1], [0, 1, -1]]


def test_token_targets_and_word_probabilities_use_character_overlap():
    spans = np.array([[0, 3], [3, 8], [9, 12]])
    assert word_tags(spans, [(4, 6)]).tolist() == [0.0, 1.0, 0.0]
    probs = word_probabilities(np.array([0.1, 0.7, 0.2], np.float32), spans, [(0, 8), (9, 12), (20, 25)])
    assert probs.tolist() == pytest.approx([0.7, 0.2, 0.0])  # a word beyond the tokens read gets 0


def _corpus() -> Corpus:
    corpus = Corpus()
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
    rng = np.random.default_rng(3)
    for k in range(24):
        base = " ".join(rng.choice(words, 6))
        other = base.replace(base.split()[2], "omega", 1)
        a = corpus.add(Text(base, "en", "g"))
        b = corpus.add(Text(base + " .", "de", "g"))
        c = corpus.add(Text(other, "de", "g", original=False))
        split = "valid" if k % 4 == 0 else "train"
        start = other.index("omega")
        corpus.examples.append(PairExample(a, b, 0, "equivalent", split, "ntrex", a_tagged=True, b_tagged=True))
        corpus.examples.append(PairExample(a, c, 1, "word", split, "ntrex", b_spans=((start, start + 5),), b_tagged=True))
    return corpus


def _settings(steps: int) -> CrossSettings:
    return CrossSettings(seed=5, steps=steps, batch=4, warmup=2, every=3, valid_pairs=8, model=TINY)


def _lowers(corpus: Corpus, folder: Path):
    return lower_corpus(corpus.texts, lambda texts: FakeLower().lower_states(texts, 0, TINY.max_tokens), folder,
                        say=lambda m: None)


class Killed(Exception):
    pass


def test_training_resumes_where_it_stopped_and_ends_where_an_unbroken_run_ends(tmp_path: Path):
    corpus = _corpus()
    lowers = _lowers(corpus, tmp_path / "low")
    unbroken = train_cross(corpus, lowers, _settings(6), tmp_path / "a", None, say=lambda m: None)
    assert unbroken.step == 6 and [c["step"] for c in unbroken.curve] == [3, 6]
    assert {"auroc", "auroc_ntrex", "tag_f1", "train_loss"} <= set(unbroken.curve[0])
    figures: list[str] = []

    def killed_at_second_figures(message: str) -> None:
        if message.startswith("{"):
            figures.append(message)
            if len(figures) == 2:  # at step 6, before its checkpoint: the one of step 3 is on disk
                raise Killed

    with pytest.raises(Killed):
        train_cross(corpus, lowers, _settings(6), tmp_path / "b", None, say=killed_at_second_figures)
    assert load_checkpoint(tmp_path / "b", _settings(6)).step == 3
    resumed = train_cross(corpus, lowers, _settings(6), tmp_path / "b", None, say=lambda m: None)
    assert resumed.curve == unbroken.curve
    for name, tensor in unbroken.model.state_dict().items():
        torch.testing.assert_close(resumed.model.state_dict()[name], tensor, msg=name)


def test_a_changed_setting_never_resumes_another_runs_checkpoint(tmp_path: Path):
    corpus = _corpus()
    lowers = _lowers(corpus, tmp_path / "low")
    train_cross(corpus, lowers, _settings(3), tmp_path / "run", None, say=lambda m: None)
    with pytest.raises(ValueError, match="other settings"):
        train_cross(corpus, lowers, replace(_settings(3), lr_new=0.5), tmp_path / "run", None, say=lambda m: None)


def test_the_exported_model_scores_sides_with_tags_per_word_and_checks_its_sha256(tmp_path: Path):
    corpus = _corpus()
    lowers = _lowers(corpus, tmp_path / "low")
    state = train_cross(corpus, lowers, _settings(3), tmp_path / "run", None, say=lambda m: None)
    sha = export_cross(state, _settings(3), tmp_path / "model", recipe="v2")
    assert json.loads((tmp_path / "model" / "config.json").read_text())["recipe"] == "v2"  # what a rerun needs
    encoder = FakeLower()
    scorer = open_divergence_model(tmp_path / "model", sha256=sha, cache_dir=tmp_path / "cache", encoder=encoder)
    assert isinstance(scorer, CrossScorer) and scorer.model_id == "checker-divergence-3"
    a = Side("alpha beta gamma", ((0, 5), (6, 10), (11, 16)), np.zeros((3, 1), np.float32))
    b = Side("alpha omega gamma", ((0, 5), (6, 11), (11, 17)), np.zeros((3, 1), np.float32))
    empty = Side("", (), np.zeros((0, 1), np.float32))
    ab, with_empty = scorer.score_sides([(a, b), (a, empty)])
    assert 0.0 < ab.probability < 1.0 and ab.tags_a.shape == (3,) and ab.tags_b.shape == (3,)
    assert with_empty.probability == 0.0  # nothing to compare
    assert encoder.calls == [[a.text, b.text]]  # each text's lower states computed once
    (tmp_path / "model" / "cross.safetensors").write_bytes(b"not the weights")
    with pytest.raises(ModelUnavailableError):
        open_divergence_model(tmp_path / "model", sha256=sha, cache_dir=tmp_path / "cache2", encoder=encoder).score_sides([(a, b)])


def test_a_folder_without_a_model_is_named_in_the_error(tmp_path: Path):
    with pytest.raises(ModelUnavailableError, match=str(tmp_path)):
        open_divergence_model(tmp_path)


def test_lower_states_after_every_layer_are_the_final_token_states():
    """The cross model's per-sentence half is the check's own e5 pass stopped early (real weights)."""
    from checker.backends.e5 import E5Encoder

    encoder = E5Encoder()
    texts = ["Das Prinzip der Unteilbarkeit gilt.", "Prinsip keutuhan berlaku untuk semua."]
    try:
        full = encoder.token_states_batch(texts)
    except ModelUnavailableError as exc:
        pytest.skip(str(exc))
    for lower, final in zip(encoder.lower_states(texts, 12, 128), full):
        own = lower.states[lower.first:lower.first + len(lower.spans)]
        np.testing.assert_array_equal(lower.spans, final.spans)
        np.testing.assert_allclose(own, final.states, atol=1e-4)
    cut = encoder.lower_states(texts, 6, 3)
    assert [len(c.spans) for c in cut] == [3, 3] and all(len(c.states) == c.first + 3 + 1 for c in cut)


def test_cached_verdicts_are_read_back_without_the_model(tmp_path: Path):
    from checker.cache import CacheStore
    from checker.cached_models import CachedDivergence
    from checker.divergence.scorer import PairDivergence

    class Counting:
        model_id = "counting-1"
        cacheable = True

        def __init__(self) -> None:
            self.seen: list[str] = []

        def score_sides(self, pairs):
            self.seen += [a.text + "|" + b.text for a, b in pairs]
            return [PairDivergence(0.25 * len(b.words), np.full(len(a.words), 0.5, np.float32), np.zeros(len(b.words), np.float32))
                    for a, b in pairs]

    a = Side("ein Wort", ((0, 3), (4, 8)), np.zeros((2, 1), np.float32))
    b = Side("one word", ((0, 3), (4, 8)), np.zeros((2, 1), np.float32))
    b_split = Side("one word", ((0, 8),), np.zeros((1, 1), np.float32))  # same text, other words: another key
    inner = Counting()
    cached = CachedDivergence(inner, CacheStore(tmp_path / "cache.sqlite"))
    first = cached.score_sides([(a, b), (a, b_split), (a, b)])
    assert inner.seen == ["ein Wort|one word", "ein Wort|one word"]  # the repeated pair once
    again = CachedDivergence(inner, CacheStore(tmp_path / "cache.sqlite")).score_sides([(a, b_split), (a, b)])
    assert len(inner.seen) == 2  # all hits
    assert [d.probability for d in again] == [first[1].probability, first[0].probability] == [0.25, 0.5]
    np.testing.assert_array_equal(again[1].tags_a, first[0].tags_a)


def test_the_checks_own_e5_pass_keeps_the_lower_states_the_model_reads():
    from checker.backends.e5 import E5Encoder

    texts = ["Das Prinzip der Unteilbarkeit gilt.", "Prinsip keutuhan berlaku untuk semua."]
    fresh = E5Encoder()
    try:
        expected = fresh.lower_states(texts, 6, 128)
    except ModelUnavailableError as exc:
        pytest.skip(str(exc))
    shared = E5Encoder()
    shared.keep_lower_states(6, 128)
    shared.token_states_batch(texts)  # what a check runs for word vectors
    calls = []
    torch_encoder = shared._torch_encoder()
    original = torch_encoder.forward
    torch_encoder.forward = lambda *a, **k: calls.append(k) or original(*a, **k)
    got = shared.lower_states(texts, 6, 128)
    assert calls == []  # read from the pass already made
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g.spans, e.spans)
        np.testing.assert_allclose(g.states, e.states, atol=1e-4)
    shared.lower_states(["Ein anderer Satz."], 6, 128)
    assert len(calls) == 1  # a text the pass did not see is computed


def test_the_combiner_learns_which_signal_separates_and_round_trips():
    from checker.divergence.combiner import Combiner

    rng = np.random.default_rng(7)
    labels = rng.integers(0, 2, 400)
    signals = [{"model": float(np.clip(0.3 + 0.4 * y + rng.normal(0, 0.1), 0.01, 0.99)), "sentence": float(rng.random()),
                "words": float(rng.random()), "length": float(rng.random())} for y in labels]
    combiner = Combiner.fit(signals, labels)
    assert combiner.weights[0] > 1.0 and abs(combiner.weights[1]) < 1.0  # the model's logit carries it, noise does not
    high = combiner.score({"model": 0.9, "sentence": 0.5, "words": 0.5, "length": 0.5})
    low = combiner.score({"model": 0.2, "sentence": 0.5, "words": 0.5, "length": 0.5})
    assert 0.0 < low < 0.5 < high < 1.0
    assert Combiner.from_dict(combiner.as_dict()) == combiner
    # equal weights change nothing; weighing the pairs changes the fit
    assert Combiner.fit(signals, labels, sample_weights=[3.0] * len(labels)) == combiner
    heavy = [5.0 if s["model"] > 0.5 else 1.0 for s in signals]
    assert Combiner.fit(signals, labels, sample_weights=heavy) != combiner
    with pytest.raises(ValueError):
        Combiner.from_dict({**combiner.as_dict(), "features": ["model"]})


def test_held_out_pairs_are_scored_as_checker_pairs_scores_them():
    """score_held_out (the combiner's data, benchmarks/divergence_kinds.py) on the shipped default
    model: only held-out examples, each with pairs.py's signals, in order within a language pair."""
    from checker.divergence.held_out import score_held_out
    from checker.model_catalog.catalog import REGISTRY, SHIPPED_DIVERGENCE

    corpus = Corpus()
    de = corpus.add(Text("Der Vertrag gilt ab Montag für alle Mitglieder.", "deu", "g:de"))
    fr = corpus.add(Text("Le traité s’applique à tous les membres dès lundi.", "fra", "g:fr"))
    fr2 = corpus.add(Text("Le traité s’applique à tous les membres dès vendredi.", "fra", "g:fr", original=False))
    en = corpus.add(Text("The treaty applies to all members from Monday.", "eng", "g:en"))
    corpus.examples = [
        PairExample(de, fr, 0, "equivalent", "valid", "ntrex"),
        PairExample(de, en, 0, "equivalent", "train", "ntrex"),  # trained on: never scored
        PairExample(de, fr2, 1, "name", "valid", "ntrex"),
    ]
    try:
        scored = score_held_out(corpus, REGISTRY.parent / SHIPPED_DIVERGENCE["builtin"][0], progress=False)
    except ModelUnavailableError as exc:
        pytest.skip(str(exc))
    assert [p.example.kind for p in scored] == ["equivalent", "name"]
    assert all({"model", "sentence", "words", "length"} <= set(p.signals) for p in scored)
