"""Numbers and quantities: same value in any locale's notation, changed value flagged on its words."""

from __future__ import annotations

import pytest

from checker.facts import compare_bead_facts, extract_facts
from checker.facts.numbers import canonical, digit_readings, extract_numbers, same_number

SOLDIERS = {
    "de": "Die Regierung schickte 1.200 Soldaten, fünf Panzer und 2,5 Millionen Euro, 3,5 Prozent des Haushalts.",
    "fr": "Le gouvernement a envoyé 1 200 soldats, cinq chars et 2,5 millions d'euros, soit 3,5 % du budget.",
    "id": "Pemerintah mengirim 1.200 tentara, lima tank, dan 2,5 juta euro, 3,5 persen dari anggaran.",
    "en": "The government sent 1,200 soldiers, five tanks and 2.5 million euros, 3.5 percent of the budget.",
}
CHANGED_DIGITS = {
    "de": ("1.200", "1.300"), "fr": ("1 200", "1 300"), "id": ("1.200", "1.300"), "en": ("1,200", "1,300")
}
CHANGED_WORDS = {"de": ("fünf", "sechs"), "fr": ("cinq", "six"), "id": ("lima", "enam"), "en": ("five", "six")}
CHANGED_PERCENT = {"de": ("3,5 Prozent", "4,5 Prozent"), "fr": ("3,5 %", "4,5 %"), "id": ("3,5 persen", "4,5 persen"),
                   "en": ("3.5 percent", "4.5 percent")}


def values(text: str, lang: str) -> list[tuple[tuple[str, ...], str]]:
    return [f.value for f in extract_numbers(text, lang)]


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_same_quantities_in_every_notation(lang: str) -> None:
    assert [v[0][0] for v in values(SOLDIERS[lang], lang)] == ["1200", "5", "2500000", "3.5"]
    assert values(SOLDIERS[lang], lang)[-1][1] == "%"


def test_equal_numbers_written_differently_give_no_divergence() -> None:
    assert compare_bead_facts(SOLDIERS) == []


@pytest.mark.parametrize("changes", [CHANGED_DIGITS, CHANGED_WORDS, CHANGED_PERCENT])
@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_changed_number_marks_that_version_with_a_span_on_it(lang: str, changes: dict[str, tuple[str, str]]) -> None:
    old, new = changes[lang]
    texts = dict(SOLDIERS, **{lang: SOLDIERS[lang].replace(old, new)})
    found = [d for d in compare_bead_facts(texts) if d.kind == "number"]
    assert len(found) == 1
    d = found[0]
    assert (d.divergent, d.severity, d.rule) == ((lang,), "major", "number.mismatch")
    assert set(d.reference) == set(SOLDIERS) - {lang}
    [span] = d.spans[lang]
    assert texts[lang][span.start : span.end] == new
    assert new in d.message and lang in d.message


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("1.000", "de", ("1000",)),  # German thousands separator
        ("1,000", "en", ("1000",)),
        ("1,000", "de", ("1", "1000")),  # German decimal comma, or a thousand in English style
        ("1,000", "fr", ("1", "1000")),
        ("1.000", "fr", ("1000", "1")),
        ("3,5", "de", ("3.5",)),
        ("3.5", "en", ("3.5",)),
        ("1.000.000", "id", ("1000000",)),
        ("1,234.5", "de", ("1234.5",)),
        ("0,125", "fr", ("0.125",)),
    ],
)
def test_digit_groups_are_read_in_the_languages_convention(text: str, lang: str, expected: tuple[str, ...]) -> None:
    assert tuple(canonical(d) for d in digit_readings(text, lang)) == expected


def test_ambiguous_groups_match_either_reading() -> None:
    [de] = extract_numbers("1.500 Menschen", "de")
    [en] = extract_numbers("1,500 people", "en")
    [en_decimal] = extract_numbers("1.5 people", "en")
    [de_english_style] = extract_numbers("1,500 Menschen", "de")
    assert same_number(de, en)
    assert not same_number(de, en_decimal)
    assert same_number(de_english_style, en) and same_number(de_english_style, en_decimal)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ein Land und eine Frage, einem Freund", "de"),
        ("Un pays, une question, un bâtiment neuf.", "fr"),
        ("Salah satu negara, sebuah pertanyaan, Lima adalah ibu kota Peru.", "id"),
        ("A country, an issue, no one else, one of them.", "en"),
    ],
)
def test_articles_and_pronouns_are_not_the_number_one(text: str, lang: str) -> None:
    assert extract_numbers(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("eine Million Menschen", "de", "1000000"),
        ("zweihundertfünfundzwanzig", "de", "225"),
        ("1,2 Mio. Euro", "de", "1200000"),
        ("un million de personnes", "fr", "1000000"),
        ("quatre-vingt-dix-sept", "fr", "97"),
        ("vingt et un", "fr", "21"),
        ("dua ratus lima puluh orang", "id", "250"),
        ("dua belas", "id", "12"),
        ("sejuta orang", "id", "1000000"),
        ("a million people", "en", "1000000"),
        ("two hundred and five", "en", "205"),
        ("twenty-five", "en", "25"),
    ],
)
def test_spelled_out_numbers(text: str, lang: str, value: str) -> None:
    [fact] = extract_numbers(text, lang)
    assert fact.value[0][0] == value


@pytest.mark.parametrize(
    ("text", "lang"),
    [("fünf Prozent", "de"), ("5 %", "fr"), ("lima persen", "id"), ("5%", "en"), ("5 per cent", "en")],
)
def test_percentages_agree_across_languages(text: str, lang: str) -> None:
    [fact] = extract_numbers(text, lang)
    assert fact.value == (("5",), "%")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("der 3. Versuch", "de"), ("le 3e essai", "fr"), ("percobaan ke-3", "id"), ("the 3rd attempt", "en"),
        ("der dritte Versuch", "de"), ("le troisième essai", "fr"), ("percobaan ketiga", "id"),
        ("the third attempt", "en"),
    ],
)
def test_ordinals_read_as_their_number(text: str, lang: str) -> None:
    assert [f.value[0][0] for f in extract_numbers(text, lang)] == ["3"]


def test_numbers_in_urls_and_names_are_not_numbers() -> None:
    text = "Quelle: https://example.org/post1073489.vnp zu COVID-19"
    assert extract_numbers(text, "de") == []


def test_years_are_numbers_and_dates_keep_their_day() -> None:
    facts = extract_facts("Am 28. Oktober 2015 in Minsk", "de")
    assert [(f.kind, f.text) for f in facts if f.kind in ("number", "date")] == [
        ("date", "28. Oktober 2015"), ("number", "2015")
    ]


def test_a_number_left_out_is_only_info() -> None:
    texts = dict(SOLDIERS, fr=SOLDIERS["fr"].replace("1 200 soldats", "des soldats"))
    [d] = compare_bead_facts(texts)
    assert (d.divergent, d.severity, d.rule) == (("fr",), "info", "number.missing")


def test_two_versions_check_the_second_against_the_english_or_first() -> None:
    changed = SOLDIERS["de"].replace("1.200", "1.300")
    [d] = compare_bead_facts({"en": SOLDIERS["en"], "de": changed})
    assert (d.divergent, d.reference) == (("de",), ("en",))
    [d] = compare_bead_facts({"de": changed, "en": SOLDIERS["en"]})
    assert (d.divergent, d.reference) == (("de",), ("en",))
    [d] = compare_bead_facts({"fr": SOLDIERS["fr"], "de": changed})
    assert (d.divergent, d.reference) == (("de",), ("fr",))


# --- decades, abbreviations, clock times, spaces between numbers --------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("in the 1980s", "en"), ("in the 1980's", "en"), ("in the mid-1980s", "en"), ("in den 1980er Jahren", "de"),
     ("dans les années 1980", "fr"), ("pada tahun 1980-an", "id")],
)
def test_decades_read_as_their_first_year(text: str, lang: str) -> None:
    assert [f.value[0][0] for f in extract_numbers(text, lang)] == ["1980"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [("in the '30s", "en"), ("in den 30er Jahren", "de"), ("dans les années 30", "fr"), ("pada tahun 30-an", "id")],
)
def test_two_digit_decades_may_be_the_1930s(text: str, lang: str) -> None:
    [fact] = extract_numbers(text, lang)
    assert "1930" in fact.value[0] and "30" in fact.value[0]


def test_a_decade_agrees_across_languages_and_a_changed_one_does_not() -> None:
    texts = {
        "en": "Sainsbury's tested a joint venture with Boots in the early 2000s.",
        "de": "Sainsbury's testete Anfang der 2000er Jahre ein Joint Venture mit Boots.",
        "fr": "Sainsbury's a testé une coentreprise avec Boots au début des années 2000.",
        "id": "Sainsbury's menguji usaha patungan dengan Boots pada awal tahun 2000-an.",
    }
    assert [d for d in compare_bead_facts(texts) if d.kind == "number"] == []
    changed = dict(texts, en=texts["en"].replace("2000s", "1990s"))
    [d] = [d for d in compare_bead_facts(changed) if d.kind == "number"]
    assert d.divergent == ("en",) and "1990s" in d.message


@pytest.mark.parametrize(
    ("text", "value"),
    [("$125m", "125000000"), ("£125m", "125000000"), ("2.8bn", "2800000000"), ("$2.8bn", "2800000000"),
     ("€5bn", "5000000000"), ("US$3m", "3000000")],
)
def test_english_money_abbreviations(text: str, value: str) -> None:
    [fact] = extract_numbers(f"It cost {text} last year.", "en")
    assert fact.value[0] == (value,)


def test_bare_m_and_k_keep_their_plain_reading() -> None:
    [sprint] = extract_numbers("She won the 100m sprint.", "en")
    [run] = extract_numbers("He ran a 5k race.", "en")
    assert set(sprint.value[0]) == {"100000000", "100"}
    assert set(run.value[0]) == {"5000", "5"}


def test_abbreviated_amounts_agree_with_spelled_scales() -> None:
    texts = {
        "en": "It bought Lloyds Pharmacy for £125m and eyes the £2.8bn beauty market.",
        "de": "Es kaufte Lloyds Pharmacy für 125 Millionen Pfund und zielt auf den 2,8 Milliarden Pfund "
              "schweren Markt.",
        "fr": "Il a acheté Lloyds Pharmacy pour 125 millions de livres et vise le marché de 2,8 milliards de livres.",
        "id": "Perusahaan itu membeli Lloyds Pharmacy senilai £125 juta dan mengincar pasar senilai £2.8 miliar.",
    }
    assert [d for d in compare_bead_facts(texts) if d.kind == "number"] == []
    changed = dict(texts, en=texts["en"].replace("£125m", "£150m"))
    [d] = [d for d in compare_bead_facts(changed) if d.kind == "number"]
    assert d.divergent == ("en",) and "150m" in d.message


@pytest.mark.parametrize(
    ("text", "lang", "clock"),
    [
        ("at 7.55am", "en", "07:55"), ("at 7:55 a.m.", "en", "07:55"), ("at 3 p.m.", "en", "15:00"),
        ("at 2pm", "en", "14:00"), ("at 10 AM", "en", "10:00"), ("at 7 o'clock", "en", "07:00"),
        ("um 7:55 Uhr", "de", "07:55"), ("um 19.30 Uhr", "de", "19:30"), ("um 15 Uhr", "de", "15:00"),
        ("à 07h55", "fr", "07:55"), ("à 15 h", "fr", "15:00"), ("à 15h", "fr", "15:00"),
        ("pukul 7.55 pagi", "id", "07:55"), ("pukul 3 sore", "id", "15:00"), ("pukul 2 siang", "id", "14:00"),
        ("pukul 7 malam", "id", "19:00"), ("14.05 WIB", "id", "14:05"),
    ],
)
def test_clock_times(text: str, lang: str, clock: str) -> None:
    [fact] = extract_numbers(text, lang)
    assert fact.value == ((clock,), "time")


def test_the_same_time_on_any_dial_agrees_and_a_changed_time_does_not() -> None:
    texts = {
        "en": "The woman was found at 7.55am and the police arrived at 3 p.m.",
        "de": "Die Frau wurde um 7:55 Uhr gefunden, die Polizei kam um 15 Uhr.",
        "fr": "La femme a été découverte à 07h55 et la police est arrivée à 15 h.",
        "id": "Wanita itu ditemukan pada pukul 7.55 pagi dan polisi tiba pukul 3 sore.",
    }
    assert [d for d in compare_bead_facts(texts) if d.kind == "number"] == []
    changed = dict(texts, fr=texts["fr"].replace("07h55", "08h55"))
    [d] = [d for d in compare_bead_facts(changed) if d.kind == "number"]
    assert d.divergent == ("fr",) and "08h55" in d.message


def test_a_time_written_as_a_bare_number_matches_but_decimals_stay_decimals() -> None:
    [time] = extract_numbers("um 7:55 Uhr", "de")
    [bare] = extract_numbers("at 7.55 that morning", "en")
    [other] = extract_numbers("at 8.55 that morning", "en")
    assert bare.value == (("7.55",), "")  # no clock word: a decimal
    assert same_number(time, bare) and not same_number(time, other)
    [metres] = extract_numbers("7.55 meter", "id")
    assert metres.value == (("7.55",), "")


def test_french_space_between_two_numbers_keeps_both_readings() -> None:
    [fr] = extract_numbers("Appelez les Samaritans au 116\u00a0123.", "fr")
    assert fr.value[0] == ("116123", "116", "123")
    texts = {
        "en": "You can call Samaritans free on 116 123.",
        "de": "Sie erreichen die Samariter kostenlos unter 116 123.",
        "fr": "Vous pouvez appeler Samaritans gratuitement au 116 123.",
        "id": "Anda dapat menghubungi Samaritans secara gratis di nomor 116 123.",
    }
    assert [d for d in compare_bead_facts(texts) if d.kind == "number"] == []
    [grouped] = extract_numbers("1 200 soldats", "fr")
    assert grouped.value[0][0] == "1200"


@pytest.mark.parametrize(("text", "lang"), [("au 44è tour", "fr"), ("au 44e tour", "fr"), ("on the 44th lap", "en")])
def test_french_and_english_ordinal_endings(text: str, lang: str) -> None:
    assert [f.value[0][0] for f in extract_numbers(text, lang)] == ["44"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [("au XIXe siècle", "fr"), ("pada abad XIX", "id"), ("im 19. Jahrhundert", "de"), ("in the 19th century", "en")],
)
def test_centuries_in_roman_numerals(text: str, lang: str) -> None:
    assert [f.value[0][0] for f in extract_numbers(text, lang)] == ["19"]


def test_units_glued_to_the_number_keep_its_value():
    # issue 13: "Dernières 24h" changed to "48h" in a PO file was not caught
    assert [f.value[0] for f in extract_numbers("Last 24h, every 5min, 16px wide, 2x faster", "en")] == [
        ("24",), ("5",), ("16",), ("2",)
    ]
    (d,) = compare_bead_facts({"en": "Last 24h", "de": "Letzte 24 Std.", "fr": "Dernières 48h"})
    assert (d.kind, d.divergent) == ("number", ("fr",))
