"""The whole fact comparison on a real article in German, French and Indonesian (seeds 000-002)."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from checker.facts import FACT_KINDS, RULES, compare_bead_facts, extract_facts

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# An English version of the same article, one entry per non-blank line (written for these tests).
ENGLISH = [
    "On October 28, Russian Foreign Minister Sergey Lavrov stressed that Russia wants to build a common security "
    "structure for the entire Eurasian region and does not exclude any country on the continent.",
    "According to the Vietnam News Agency correspondent in Russia, speaking after the plenary session of the "
    "International Conference on Eurasian Security in Minsk, Belarus, the head of Russian diplomacy affirmed that "
    "Russia always keeps its doors open to cooperation with all countries of the world.",
    "He stressed that the most important thing in international relations is cooperation based on fairness and "
    "honesty, and not on the calculations or unilateral interests of any party.",
    "Foreign Minister Lavrov argued that, given the interdependence of all nations, their economies and their "
    "overall stability, the world needs a new philosophy of interstate cooperation and should aim to build a new "
    "multipolar Eurasian space – something towards which Russia took the first steps long ago.",
    "To illustrate Moscow's cooperative orientation, Foreign Minister Lavrov recalled that at the Russia-ASEAN "
    "summit in 2015 Russian President Vladimir Putin proposed developing a broader Eurasian partnership.",
    "Just a year ago, the Russian leader launched an initiative to build a Eurasian security architecture based on "
    "the principle of indivisibility, which Moscow sees as \"a constructive alternative to the old institutions of "
    "the Euro-Atlantic model\".",
    "On Russia-US relations, Foreign Minister Lavrov said Moscow also needed assurances that the meeting between "
    "President Putin and his US counterpart Donald Trump in August this year in Anchorage, Alaska, would bring "
    "concrete results.",
    "According to Lavrov, at this meeting the Russian side confirmed its understanding of and support for the "
    "proposals that US Special Envoy Steven Witkoff had made in Moscow a week earlier. However, Russia is still "
    "waiting for the United States to confirm these proposals.",
    "The statement came after President Trump said a US-Russia summit could take place if he received "
    "\"assurances\" that a deal on the Ukraine issue could be reached.",
]


def seed_lines() -> list[dict[str, str]]:
    files = {lang: next(SEEDS.glob(f"{n}_*.txt")) for lang, n in (("de", "000"), ("fr", "001"), ("id", "002"))}
    lines = {lang: path.read_text(encoding="utf-8").splitlines() for lang, path in files.items()}
    assert len({len(v) for v in lines.values()}) == 1
    return [{lang: lines[lang][i] for lang in lines} for i in range(len(lines["de"])) if lines["de"][i].strip()]


def test_seed_triples_agree_line_by_line() -> None:
    beads = seed_lines()
    assert len(beads) >= 10
    for bead in beads:
        assert compare_bead_facts(bead) == [], bead


def test_seed_facts_are_found_in_all_three_versions() -> None:
    beads = seed_lines()

    def kinds(i: int, lang: str) -> list[tuple[str, object]]:
        return [(f.kind, f.value) for f in extract_facts(beads[i][lang], lang) if f.kind in ("date", "relative_time")]

    # "Am 28. Oktober" / "Le 28 octobre" / "Pada tanggal 28 Oktober"
    assert kinds(0, "de") == kinds(0, "fr") == kinds(0, "id") == [("date", (None, 10, 28))]
    # "Erst vor einem Jahr" / "Il y a tout juste un an" / "Setahun yang lalu"
    assert {v[:2] for lang in ("de", "fr", "id") for _, v in kinds(5, lang)} == {("-1", "year")}
    # "eine Woche zuvor" / "la semaine précédente" / "seminggu sebelumnya"
    assert {v for lang in ("de", "fr", "id") for _, v in kinds(7, lang)} == {("-1", "week", "event")}


def test_seed_article_with_english_agrees_in_every_combination() -> None:
    for bead, en in zip(seed_lines(), ENGLISH):
        versions = dict(bead, en=en)
        for size in range(2, len(versions) + 1):
            for langs in itertools.combinations(versions, size):
                assert compare_bead_facts({lang: versions[lang] for lang in langs}) == [], langs


def test_genuine_changes_in_the_seed_article_are_found() -> None:
    beads = seed_lines()
    changed = dict(beads[5], id=beads[5]["id"].replace("Setahun yang lalu", "Bertahun-tahun yang lalu"))
    [d] = compare_bead_facts(changed)
    assert d.divergent == ("id",) and d.rule == "relative_time.mismatch"
    assert "id has \"Bertahun-tahun yang lalu\"" in d.message

    changed = dict(beads[4], fr=beads[4]["fr"].replace("2015", "2016"))
    [d] = compare_bead_facts(changed)
    assert d.message == "The number differs: fr has 2016, de and id have 2015."


def test_every_fact_points_at_its_text() -> None:
    for bead in seed_lines():
        for lang, text in bead.items():
            for fact in extract_facts(text, lang):
                assert fact.kind in FACT_KINDS
                assert text[fact.start : fact.end] == fact.text


def test_rules_are_documented_and_divergences_well_formed() -> None:
    bead = seed_lines()[0]
    changed = dict(bead, de=bead["de"].replace("28. Oktober", "18. Oktober").replace("kein Land", "ein Land"))
    found = compare_bead_facts(changed)
    assert {d.rule for d in found} == {"date.mismatch", "negation.flip"}
    for d in found:
        assert d.rule in RULES
        assert d.divergent == ("de",) and set(d.reference) == {"fr", "id"}
        assert set(d.spans) == {"de", "fr", "id"}
        assert d.message.endswith(".")


@pytest.mark.parametrize("lang", ["pt", "xx"])
def test_unsupported_languages_give_only_numbers_in_digits(lang: str) -> None:
    # numbers in digits are language-neutral enough to vote on (issue 13, item 8); names,
    # dates and negation need the language's rules
    assert [(f.kind, f.text) for f in extract_facts("Não em Lisboa, mas em 2016 ou três vezes.", lang)] == [("number", "2016")]
    assert compare_bead_facts({"de": "Das Museum in Berlin ist heute offen.", lang: "O museu não está aberto."}) == []


def test_region_tags_use_their_language_rules() -> None:
    bead = seed_lines()[4]
    [d] = compare_bead_facts({"de-AT": bead["de"], "fr-BE": bead["fr"].replace("2015", "2016")})
    assert d.divergent == ("fr-BE",)


def test_empty_versions_are_gaps_not_facts() -> None:
    bead = seed_lines()[4]
    assert compare_bead_facts({"de": bead["de"], "fr": "", "id": bead["id"]}) == []


def test_fast_enough_for_every_bead() -> None:
    beads = seed_lines() * 20
    started = time.perf_counter()
    for i, bead in enumerate(beads):
        compare_bead_facts({lang: f"{text} ({i})" for lang, text in bead.items()})  # defeat the cache
    assert time.perf_counter() - started < 5.0


def test_a_version_in_a_language_without_rules_still_votes_on_numbers_in_digits():
    # issue 13, item 8: fr says 14.x, id and pt say 20.x; pt has no rules, and id was blamed
    texts = {
        "en": "You need Node.js 20.x or later to build the site.",
        "fr": "Vous avez besoin de Node.js 14.x ou plus récent pour construire le site.",
        "id": "Anda memerlukan Node.js 20.x atau lebih baru untuk membangun situs.",
        "pt": "Você precisa do Node.js 20.x ou superior para compilar o site.",
    }
    (d,) = compare_bead_facts(texts)
    assert (d.kind, d.divergent, set(d.reference)) == ("number", ("fr",), {"en", "id", "pt"})
    del texts["en"]
    (d,) = compare_bead_facts(texts)
    assert d.divergent == ("fr",)


def test_a_language_without_rules_votes_on_nothing_but_numbers():
    texts = {
        "de": "Das Museum ist am Montag nicht geöffnet.",
        "fr": "Le musée n'est pas ouvert le lundi.",
        "pt": "O museu abre na segunda-feira.",  # no rules for pt: its polarity is not judged
    }
    assert compare_bead_facts(texts) == []
