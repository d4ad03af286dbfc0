"""The divergence model's vote on a bead (compare/learned.py), with a scorer that returns set figures."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np

from checker.compare.divergence import Divergence
from checker.compare.learned import (
    compare_learned, confirm_terms, doubt_negation, doubt_threshold, pair_scores, sides_of,
)
from checker.config import ModelConfig
from checker.divergence.scorer import PairDivergence
from checker.compare.wordlinks import LocatedWord

CFG = ModelConfig(flag=0.5, agree=0.5, minor=0.6, major=0.9, tag=0.5, confirm_terms=0.4, max_severity="major",
                  doubt_negation=0.3)


def _words(text: str, lang_seed: int) -> list[LocatedWord]:
    out, pos = [], 0
    for i, word in enumerate(text.split()):
        start = text.index(word, pos)
        pos = start + len(word)
        v = np.zeros(8, np.float32)
        v[(i + lang_seed) % 8] = 1.0
        out.append(LocatedWord(start, pos, word, v))
    return out


class SetScorer:
    """P by the pair of first words (the language's marker); tags: 0.9 for words listed in `hot`."""

    model_id = "set-scorer-1"

    def __init__(self, probs: dict[frozenset, float], hot: Sequence[str] = ()) -> None:
        self.probs, self.hot = probs, set(hot)
        self.calls = 0

    def score_sides(self, pairs):
        self.calls += len(pairs)
        out = []
        for side_a, side_b in pairs:
            a, b = side_a.vectors, side_b.vectors
            key = frozenset((int(np.argmax(a[0])), int(np.argmax(b[0]))))
            out.append(PairDivergence(self.probs[key], self._tags(a), self._tags(b)))
        return out

    def _tags(self, m):
        return np.array([0.9 if int(np.argmax(row)) in self.hot else 0.1 for row in m], np.float32)


TEXTS = {
    "de": ("Das Prinzip der Unteilbarkeit gilt", 0),
    "fr": ("Le principe d'indivisibilité vaut", 1),
    "id": ("Prinsip keutuhan berlaku", 2),
}


def _bead():
    return {lang: _words(text, seed) for lang, (text, seed) in TEXTS.items()}


def test_the_odd_one_out_is_blamed_with_its_tagged_words():
    # the first words of de/fr/id have vectors e0/e1/e2; id differs from both, de and fr agree
    probs = {frozenset((0, 1)): 0.1, frozenset((0, 2)): 0.95, frozenset((1, 2)): 0.92}
    scorer = SetScorer(probs, hot={3})  # id's second word ("keutuhan") has vector e3
    found = compare_learned(_bead(), scorer, CFG)
    assert len(found) == 1
    d = found[0]
    assert d.divergent == ("id",) and set(d.reference) == {"de", "fr"}
    assert d.severity == "major" and d.score == 0.92  # the weaker of the two disagreements
    text = TEXTS["id"][0]
    assert [text[s:e] for s, e in d.spans["id"]] == ["keutuhan"]
    assert "keutuhan" in d.message and d.evidence["model"] == "set-scorer-1"
    assert scorer.calls == 3  # each pair of versions scored once


def test_no_vote_when_the_others_disagree_too():
    probs = {frozenset((0, 1)): 0.7, frozenset((0, 2)): 0.95, frozenset((1, 2)): 0.92}
    assert compare_learned(_bead(), SetScorer(probs), CFG) == []


def test_below_minor_is_a_note_and_below_flag_nothing():
    probs = {frozenset((0, 1)): 0.1, frozenset((0, 2)): 0.55, frozenset((1, 2)): 0.58}
    (d,) = compare_learned(_bead(), SetScorer(probs), CFG)
    assert d.severity == "info"
    probs = {frozenset((0, 1)): 0.1, frozenset((0, 2)): 0.45, frozenset((1, 2)): 0.9}
    assert compare_learned(_bead(), SetScorer(probs), CFG) == []


def test_two_versions_name_both_and_stay_minor():
    bead = {k: v for k, v in _bead().items() if k != "fr"}
    (d,) = compare_learned(bead, SetScorer({frozenset((0, 2)): 0.97}), CFG)
    assert set(d.divergent) == {"de", "id"} and d.reference == () and d.severity == "minor"


def _term(severity: str = "info", kind: str = "term", signal: str = "words") -> Divergence:
    return Divergence(kind=kind, severity=severity, score=0.4, message="term", divergent=("id",),
                      reference=("de", "fr"), spans={"id": ((8, 16),)}, evidence={"signal": signal}, signal=signal)


def test_a_term_note_becomes_a_finding_when_the_model_agrees():
    probs = {frozenset((0, 1)): 0.1, frozenset((0, 2)): 0.45, frozenset((1, 2)): 0.5}
    scores = pair_scores(sides_of(_bead()), SetScorer(probs))
    (d,) = confirm_terms([_term()], scores, CFG)  # both >= confirm_terms (0.4), de~fr agree
    assert d.severity == "minor" and d.evidence["model_confirms"] == 0.45
    assert d.spans == _term().spans  # the words stay the word alignment's


def test_a_term_note_stays_a_note_when_the_model_does_not_agree():
    for probs in (
        {frozenset((0, 1)): 0.1, frozenset((0, 2)): 0.45, frozenset((1, 2)): 0.2},  # fr~id agree
        {frozenset((0, 1)): 0.7, frozenset((0, 2)): 0.9, frozenset((1, 2)): 0.9},  # de~fr differ too
    ):
        (d,) = confirm_terms([_term()], pair_scores(sides_of(_bead()), SetScorer(probs)), CFG)
        assert d.severity == "info" and "model_confirms" not in d.evidence


def test_only_word_alignment_term_notes_are_confirmed():
    probs = {frozenset((0, 1)): 0.1, frozenset((0, 2)): 0.95, frozenset((1, 2)): 0.95}
    scores = pair_scores(sides_of(_bead()), SetScorer(probs))
    others = [_term(kind="modality", signal="facts"), _term(severity="minor")]
    assert confirm_terms(others, scores, CFG) == others


def test_max_severity_caps_what_the_model_alone_says():
    from dataclasses import replace

    probs = {frozenset((0, 1)): 0.1, frozenset((0, 2)): 0.95, frozenset((1, 2)): 0.92}
    (d,) = compare_learned(_bead(), SetScorer(probs), replace(CFG, max_severity="info"))
    assert d.severity == "info" and d.divergent == ("id",)


def test_a_negation_finding_the_model_sees_no_difference_behind_becomes_a_note():
    negation = _term(severity="major", kind="negation", signal="facts")
    quiet = {frozenset((0, 1)): 0.1, frozenset((0, 2)): 0.2, frozenset((1, 2)): 0.25}  # id against de, fr: < 0.3
    (d,) = doubt_negation([negation], pair_scores(sides_of(_bead()), SetScorer(quiet)), 0.3)
    assert d.severity == "info" and d.evidence["model_doubts"] == 0.25
    assert d.message.startswith(negation.message) and "no difference in meaning (P=0.25)" in d.message
    loud = {**quiet, frozenset((1, 2)): 0.35}  # id against fr reaches 0.3: the finding stands
    (d,) = doubt_negation([negation], pair_scores(sides_of(_bead()), SetScorer(loud)), 0.3)
    assert d == negation
    assert doubt_negation([negation], pair_scores(sides_of(_bead()), SetScorer(quiet)), 0.0) == [negation]  # off
    other = _term(severity="major", kind="number", signal="facts")
    assert doubt_negation([other], pair_scores(sides_of(_bead()), SetScorer(quiet)), 0.3) == [other]


def test_the_doubt_threshold_is_the_models_own_unless_a_number_is_set():
    class Calibrated:
        doubt_negation = 0.56

    class Uncalibrated:  # an older model folder, or a fake: its config.json names no threshold
        doubt_negation = None

    assert doubt_threshold("model", Calibrated()) == 0.56
    assert doubt_threshold("model", Uncalibrated()) == 0.0  # it doubts nothing
    assert doubt_threshold("model", object()) == 0.0
    assert doubt_threshold(0.3, Calibrated()) == 0.3  # a project's number wins
    assert doubt_threshold(0.0, Calibrated()) == 0.0


def test_sides_carry_the_beads_text_with_word_offsets_moved_into_it():
    words = _bead()["id"]
    shifted = [replace(w, start=w.start + 100, end=w.end + 100) for w in words]
    side = sides_of({"id": shifted}, {"id": "Prinsip keutuhan berlaku"}, {"id": 100})["id"]
    assert side.text == "Prinsip keutuhan berlaku"
    assert [side.text[a:b] for a, b in side.words] == ["Prinsip", "keutuhan", "berlaku"]
    rebuilt = sides_of({"id": shifted})["id"]  # no originals: the text is rebuilt from the words
    assert [rebuilt.text[a:b] for a, b in rebuilt.words] == ["Prinsip", "keutuhan", "berlaku"]
