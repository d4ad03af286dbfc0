"""Proper names across languages: transliterations and exonyms agree; a swapped name is flagged."""

from __future__ import annotations

import pytest

from checker.facts import compare_bead_facts
from checker.facts.entities import extract_entities, is_strong, same_entity, skeleton

TALKS = {
    "de": "Außenminister Sergej Lawrow sprach in Moskau mit Präsident Wladimir Putin über Weißrussland und die USA.",
    "fr": "Le ministre des Affaires étrangères Sergueï Lavrov s'est entretenu à Moscou avec le président Vladimir "
          "Poutine de la Biélorussie et des États-Unis.",
    "id": "Menteri Luar Negeri Sergey Lavrov berbicara di Moskow dengan Presiden Vladimir Putin tentang Belarusia "
          "dan AS.",
    "en": "Foreign Minister Sergey Lavrov spoke in Moscow with President Vladimir Putin about Belarus and the "
          "United States.",
}
SWAPPED_PERSON = {"de": ("Lawrow", "Schoigu"), "fr": ("Lavrov", "Choïgou"), "id": ("Lavrov", "Shoigu"),
                  "en": ("Lavrov", "Shoigu")}
SWAPPED_PLACE = {"de": ("Moskau", "Kiew"), "fr": ("Moscou", "Kiev"), "id": ("Moskow", "Kyiv"), "en": ("Moscow", "Kyiv")}


def names(text: str, lang: str) -> list[str]:
    return [f.text for f in extract_entities(text, lang) if is_strong(f)]


def test_transliterations_share_a_skeleton() -> None:
    assert skeleton("Lawrow") == skeleton("Lavrov")
    assert skeleton("Sergej") == skeleton("Sergueï") == skeleton("Sergey")


def test_names_written_differently_give_no_divergence() -> None:
    assert compare_bead_facts(TALKS) == []
    for a in ("de", "fr", "id", "en"):
        for b in ("de", "fr", "id", "en"):
            if a != b:
                assert compare_bead_facts({a: TALKS[a], b: TALKS[b]}) == []


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_known_places_and_people_are_found(lang: str) -> None:
    found = names(TALKS[lang], lang)
    assert any(n.endswith(SWAPPED_PERSON[lang][0]) for n in found)
    assert SWAPPED_PLACE[lang][0] in found
    assert not any(n in ("Außenminister", "Präsident", "Menteri", "Presiden", "President") for n in found)


@pytest.mark.parametrize("swaps", [SWAPPED_PERSON, SWAPPED_PLACE])
@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_swapped_name_marks_that_version(lang: str, swaps: dict[str, tuple[str, str]]) -> None:
    old, new = swaps[lang]
    texts = dict(TALKS, **{lang: TALKS[lang].replace(old, new)})
    [d] = compare_bead_facts(texts)
    assert (d.kind, d.divergent, d.severity, d.rule) == ("entity", (lang,), "major", "entity.mismatch")
    assert set(d.reference) == set(TALKS) - {lang}
    [span] = d.spans[lang]
    assert texts[lang][span.start : span.end].endswith(new)
    assert all(d.spans[r] for r in d.reference)


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_an_omitted_name_is_at_most_info(lang: str) -> None:
    old = SWAPPED_PLACE[lang][0]
    texts = dict(TALKS, **{lang: TALKS[lang].replace(old, "der Hauptstadt" if lang == "de" else "ibukota")})
    found = compare_bead_facts(texts)
    assert all(d.severity == "info" and d.rule == "entity.missing" for d in found)


def test_german_nouns_are_not_names() -> None:
    de = "Die Regierung betonte die Bedeutung der Zusammenarbeit für die Sicherheit der Region."
    assert names(de, "de") == []
    texts = {
        "de": de,
        "fr": "Le gouvernement a souligné l'importance de la coopération pour la sécurité de la région.",
        "id": "Pemerintah menekankan pentingnya kerja sama bagi keamanan kawasan.",
        "en": "The government stressed the importance of cooperation for the security of the region.",
    }
    assert compare_bead_facts(texts) == []


def test_a_german_name_after_a_title_or_in_full_is_a_name() -> None:
    assert names("Das sagte Präsident Putin am Montag.", "de") == ["Putin"]
    assert names("Das sagte Sergej Lawrow am Montag.", "de") == ["Sergej Lawrow"]
    assert names("Er sprach über Eurasische Sicherheit und Schritte.", "de") == []


@pytest.mark.parametrize(
    ("a", "la", "b", "lb"),
    [
        ("USA", "de", "États-Unis", "fr"), ("Vereinigte Staaten", "de", "AS", "id"), ("Russland", "de", "Russia", "en"),
        ("Weißrussland", "de", "Belarusia", "id"), ("Putin", "de", "Poutine", "fr"), ("Moskaus", "de", "Moscow", "en"),
        ("VNA", "fr", "Vietnam News Agency", "en"),
    ],
)
def test_same_entity_across_languages(a: str, la: str, b: str, lb: str) -> None:
    [fa] = [f for f in extract_entities(f"Es war {a} dort.", la) if f.text == a]
    [fb] = [f for f in extract_entities(f"It was {b} there.", lb) if f.text == b]
    assert same_entity(fa, fb)


def test_different_people_with_the_same_first_name_differ() -> None:
    [a] = [f for f in extract_entities("Es sprach Sergej Lawrow.", "de") if is_strong(f)]
    [b] = [f for f in extract_entities("It was Sergei Shoigu.", "en") if is_strong(f)]
    assert not same_entity(a, b)


def test_adjectives_and_acronyms_count_as_mentions() -> None:
    texts = {
        "de": "Der Korrespondent der Vietnam News Agency berichtete aus Minsk, Belarus.",
        "fr": "Le correspondant de VNA a rapporté depuis la capitale biélorusse Minsk.",
        "id": "Koresponden VNA melaporkan dari ibu kota Belarusia, Minsk.",
        "en": "The VNA correspondent reported from Minsk, Belarus.",
    }
    assert compare_bead_facts(texts) == []
