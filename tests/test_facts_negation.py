"""Negation: one negation in four languages agrees; a dropped negation is flagged; 'not only' is no negation."""

from __future__ import annotations

import pytest

from checker.facts import compare_bead_facts
from checker.facts.negation import extract_negations

EXCLUDES_NONE = {
    "de": "Russland will eine gemeinsame Sicherheitsstruktur aufbauen und schließt dabei kein Land aus.",
    "fr": "La Russie souhaite construire une structure de sécurité commune et n'exclut aucun pays.",
    "id": "Rusia ingin membangun struktur keamanan bersama dan tidak mengecualikan negara mana pun.",
    "en": "Russia wants to build a common security structure and does not exclude any country.",
}
FLIPPED = {
    "de": ("schließt dabei kein Land aus", "schließt dabei ein Land aus"),
    "fr": ("n'exclut aucun pays", "exclut un pays"),
    "id": ("tidak mengecualikan negara mana pun", "mengecualikan sebuah negara"),
    "en": ("does not exclude any country", "excludes a country"),
}
CUES = {"de": "kein", "fr": "n'exclut aucun", "id": "tidak", "en": "not"}


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_one_negation_in_each_language(lang: str) -> None:
    [cue] = extract_negations(EXCLUDES_NONE[lang], lang)
    assert EXCLUDES_NONE[lang][cue.start : cue.end] == CUES[lang]


def test_the_same_negation_gives_no_divergence() -> None:
    assert compare_bead_facts(EXCLUDES_NONE) == []


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_dropped_negation_marks_that_version(lang: str) -> None:
    old, new = FLIPPED[lang]
    texts = dict(EXCLUDES_NONE, **{lang: EXCLUDES_NONE[lang].replace(old, new)})
    [d] = compare_bead_facts(texts)
    assert (d.kind, d.divergent, d.severity, d.rule) == ("negation", (lang,), "major", "negation.flip")
    assert d.spans[lang] == ()
    for ref in d.reference:
        [cue] = d.spans[ref]
        assert texts[ref][cue.start : cue.end] == CUES[ref]


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_added_negation_marks_that_version(lang: str) -> None:
    flipped = {code: EXCLUDES_NONE[code].replace(*FLIPPED[code]) for code in EXCLUDES_NONE}
    texts = dict(flipped, **{lang: EXCLUDES_NONE[lang]})
    [d] = compare_bead_facts(texts)
    assert d.divergent == (lang,)
    [cue] = d.spans[lang]
    assert texts[lang][cue.start : cue.end] == CUES[lang]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Das betrifft nicht nur Belarus, sondern auch Russland, nicht zuletzt die Wirtschaft.", "de"),
        ("Cela concerne non seulement le Bélarus, mais aussi la Russie.", "fr"),
        ("La Russie ne veut que la paix.", "fr"),
        ("Elle a fait les premiers pas, sans doute.", "fr"),
        ("Hal ini tidak hanya menyangkut Belarus, tetapi juga Rusia.", "id"),
        ("Kedua negara tak terpisahkan.", "id"),
        ("This concerns not only Belarus but also Russia, not least the economy.", "en"),
    ],
)
def test_look_alikes_are_not_negations(text: str, lang: str) -> None:
    assert extract_negations(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang", "count"),
    [
        ("Er kam nie, und niemand wusste nichts.", "de", 3),
        ("Personne n'est venu, il ne l'a jamais vu, sans rien dire.", "fr", 3),
        ("Mereka belum datang dan tidak akan datang tanpa izin.", "id", 3),
        ("They didn't come and won't come without a permit; no one knew.", "en", 4),
    ],
)
def test_each_negation_counts_once(text: str, lang: str, count: int) -> None:
    assert len(extract_negations(text, lang)) == count


def test_double_negation_matches_no_negation() -> None:
    texts = {
        "de": "Das ist nicht unmöglich, aber keine leichte Aufgabe.",  # 2 cues
        "fr": "C'est possible, mais c'est une tâche difficile.",  # 0 cues
        "en": "It is possible but difficult.",  # 0 cues
    }
    assert compare_bead_facts(texts) == []


def test_two_cues_against_one_is_not_a_flip() -> None:
    texts = {
        "de": "Er sagte, er werde nicht zurücktreten, und wies die Vorwürfe als unbegründet zurück.",
        "id": "Ia mengatakan tidak akan mundur dan menolak tuduhan itu sebagai tidak berdasar.",
        "en": "He said he would not resign and dismissed the allegations as unfounded.",
    }
    assert compare_bead_facts(texts) == []
