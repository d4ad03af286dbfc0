"""Dates and relative times: one date in four notations agrees; a changed day or time reference is flagged."""

from __future__ import annotations

import pytest

from checker.facts import compare_bead_facts
from checker.facts.dates import extract_dates, extract_relative_times, same_date

MEETING = {
    "de": "Am 28. Oktober 2024 trafen sich die Minister in Minsk.",
    "fr": "Le 28 octobre 2024, les ministres se sont réunis à Minsk.",
    "id": "Pada 28 Oktober 2024, para menteri bertemu di Minsk.",
    "en": "On October 28, 2024, the ministers met in Minsk.",
}
CHANGED_DAY = {"de": ("28. Oktober", "18. Oktober"), "fr": ("28 octobre", "18 octobre"),
               "id": ("28 Oktober", "18 Oktober"), "en": ("October 28", "October 18")}

A_YEAR_AGO = {
    "de": "Erst vor einem Jahr schlug der Präsident eine Initiative vor.",
    "fr": "Il y a tout juste un an, le président proposait une initiative.",
    "id": "Setahun yang lalu, presiden mengusulkan sebuah inisiatif.",
    "en": "Just a year ago, the president proposed an initiative.",
}
YEARS_AGO = {"de": ("vor einem Jahr", "vor Jahren"), "fr": ("Il y a tout juste un an", "Il y a des années"),
             "id": ("Setahun yang lalu", "Bertahun-tahun yang lalu"), "en": ("a year ago", "years ago")}

A_WEEK_EARLIER = {
    "de": "Die Vorschläge wurden eine Woche zuvor in Moskau gemacht.",
    "fr": "Les propositions ont été formulées à Moscou la semaine précédente.",
    "id": "Proposal itu diajukan di Moskow seminggu sebelumnya.",
    "en": "The proposals were made in Moscow a week earlier.",
}
A_WEEK_LATER = {"de": ("eine Woche zuvor", "eine Woche später"), "fr": ("la semaine précédente", "la semaine suivante"),
                "id": ("seminggu sebelumnya", "seminggu kemudian"), "en": ("a week earlier", "a week later")}


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_the_same_date_in_each_language(lang: str) -> None:
    [date] = extract_dates(MEETING[lang], lang)
    assert date.value == (2024, 10, 28)
    assert MEETING[lang][date.start : date.end] == date.text


def test_same_date_written_differently_is_no_divergence() -> None:
    assert compare_bead_facts(MEETING) == []


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_changed_day_marks_that_version(lang: str) -> None:
    old, new = CHANGED_DAY[lang]
    texts = dict(MEETING, **{lang: MEETING[lang].replace(old, new)})
    [d] = compare_bead_facts(texts)
    assert (d.kind, d.divergent, d.severity, d.rule) == ("date", (lang,), "major", "date.mismatch")
    [span] = d.spans[lang]
    assert new in texts[lang][span.start : span.end]


def test_partial_dates_agree_with_full_ones() -> None:
    [full] = extract_dates("am 28. Oktober 2024", "de")
    [day] = extract_dates("le 28 octobre", "fr")
    [month] = extract_dates("pada bulan Oktober", "id")
    [other] = extract_dates("on October 29", "en")
    assert same_date(full, day) and same_date(full, month) and not same_date(full, other)


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("am 1. Mai", "de", (None, 5, 1)), ("28.10.2025", "de", (2025, 10, 28)), ("25 Juni 2024", "de", (2024, 6, 25)),
        ("le 1er mai", "fr", (None, 5, 1)), ("28/10/2025", "fr", (2025, 10, 28)), ("en août", "fr", (None, 8, None)),
        ("tanggal 17 Agustus 1945", "id", (1945, 8, 17)), ("bulan Mei", "id", (None, 5, None)),
        ("the 28th of October", "en", (None, 10, 28)), ("10/28/2025", "en", (2025, 10, 28)),
        ("2025-10-28", "en", (2025, 10, 28)),
    ],
)
def test_date_forms(text: str, lang: str, value: tuple[int | None, ...]) -> None:
    assert [d.value for d in extract_dates(text, lang)] == [value]


@pytest.mark.parametrize(
    ("text", "lang"),
    [("You may go in march.", "en"), ("03/04/2025", "en"), ("Der Wert stieg auf 3,5.", "de")],
)
def test_no_date_where_none_is_certain(text: str, lang: str) -> None:
    assert extract_dates(text, lang) == []


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_a_year_ago_reads_alike_in_each_language(lang: str) -> None:
    [rel] = extract_relative_times(A_YEAR_AGO[lang], lang)
    assert rel.value[:2] == ("-1", "year")


def test_a_year_ago_agrees_across_languages() -> None:
    assert compare_bead_facts(A_YEAR_AGO) == []


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_years_ago_is_not_a_year_ago(lang: str) -> None:
    old, new = YEARS_AGO[lang]
    texts = dict(A_YEAR_AGO, **{lang: A_YEAR_AGO[lang].replace(old, new)})
    [d] = compare_bead_facts(texts)
    assert (d.kind, d.divergent, d.severity, d.rule) == ("relative_time", (lang,), "major", "relative_time.mismatch")
    [span] = d.spans[lang]
    assert texts[lang][span.start : span.end] == new


def test_a_week_earlier_agrees_across_languages() -> None:
    for lang, text in A_WEEK_EARLIER.items():
        [rel] = extract_relative_times(text, lang)
        assert rel.value == ("-1", "week", "event")
    assert compare_bead_facts(A_WEEK_EARLIER) == []


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_a_week_later_is_not_a_week_earlier(lang: str) -> None:
    old, new = A_WEEK_LATER[lang]
    texts = dict(A_WEEK_EARLIER, **{lang: A_WEEK_EARLIER[lang].replace(old, new)})
    [d] = compare_bead_facts(texts)
    assert d.divergent == (lang,) and d.rule == "relative_time.mismatch"


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("letztes Jahr", "de", ("-1", "year", "now")), ("vor zwei Tagen", "de", ("-2", "day", "now")),
        ("l'an dernier", "fr", ("-1", "year", "now")), ("le lendemain", "fr", ("+1", "day", "event")),
        ("tahun lalu", "id", ("-1", "year", "now")), ("dua hari yang lalu", "id", ("-2", "day", "now")),
        ("last year", "en", ("-1", "year", "now")), ("a few years ago", "en", ("-several", "year", "now")),
    ],
)
def test_relative_time_forms(text: str, lang: str, value: tuple[str, str, str]) -> None:
    assert [r.value for r in extract_relative_times(text, lang)] == [value]


@pytest.mark.parametrize(
    ("text", "lang"),
    [("in den letzten Jahren", "de"), ("heute Morgen", "de"), ("il y a deux pays", "fr"), ("over the last year", "en")],
)
def test_no_relative_time_in_look_alikes(text: str, lang: str) -> None:
    assert extract_relative_times(text, lang) == []


def test_a_time_reference_left_out_is_not_reported() -> None:
    texts = dict(A_YEAR_AGO, fr="Le président proposait une initiative.")
    assert compare_bead_facts(texts) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [("ein Jahrzehnt später", "de"), ("une décennie plus tard", "fr"), ("10 ans plus tard", "fr"),
     ("satu dekade kemudian", "id"), ("a decade later", "en"), ("ten years later", "en")],
)
def test_a_decade_is_ten_years(text: str, lang: str) -> None:
    [fact] = extract_relative_times(text, lang)
    assert fact.value[:2] == ("+10", "year")


def test_decade_and_ten_years_agree_across_versions() -> None:
    texts = {
        "en": "St. Martin's was built a decade later.",
        "de": "St. Martin's wurde ein Jahrzehnt später errichtet.",
        "fr": "Saint Martin a été bâtie 10 ans plus tard.",
        "id": "St. Martin dibangun satu dekade kemudian.",
    }
    assert compare_bead_facts(texts) == []


def test_the_current_period_and_a_shorter_distance_are_not_compared() -> None:
    texts = {
        "en": "The Asian Games wrapped up earlier this month in Indonesia.",
        "de": "Die Asienspiele gingen Anfang dieses Monats in Indonesien zu Ende.",
        "fr": "Les Jeux d'Asie se sont déroulés quelques jours plus tôt en Indonésie.",
        "id": "Asian Games berakhir pada awal bulan ini di Indonesia.",
    }
    assert [d for d in compare_bead_facts(texts) if d.rule == "relative_time.mismatch"] == []
    # Like with like is still compared: "last month" is not "this month".
    changed = dict(texts, fr="Les Jeux d'Asie se sont terminés le mois dernier en Indonésie.")
    [d] = [d for d in compare_bead_facts(changed) if d.rule == "relative_time.mismatch"]
    assert d.divergent == ("fr",)
