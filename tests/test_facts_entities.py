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


# --- countries with their people and adjectives, inflections, translated names ---------------------


@pytest.mark.parametrize(
    "forms",
    [
        (("Scotland", "en"), ("Scottish", "en"), ("Schottland", "de"), ("Schottlands", "de"), ("Écosse", "fr"),
         ("Ecosse", "fr"), ("Écossais", "fr"), ("Skotlandia", "id")),
        (("Wales", "en"), ("Welsh", "en"), ("Waliser", "de"), ("Pays de Galles", "fr"), ("Gallois", "fr")),
        (("Denmark", "en"), ("Dane", "en"), ("Däne", "de"), ("Danois", "fr"), ("Danemark", "fr")),
        (("Latin America", "en"), ("Lateinamerika", "de"), ("Lateinamerikas", "de"), ("Amérique latine", "fr"),
         ("Amerika Latin", "id")),
        (("Catalonia", "en"), ("Catalan", "en"), ("Katalonien", "de"), ("Catalogne", "fr"), ("Katalonia", "id")),
        (("Bible", "en"), ("Bibel", "de"), ("Bible", "fr"), ("Alkitab", "id")),
        (("Aids", "en"), ("AIDS", "de"), ("Sida", "fr"), ("AIDS", "id")),
        (("Bolivia", "en"), ("Boliviens", "de"), ("Bolivie", "fr"), ("Bolivia", "id")),
        (("Chile", "en"), ("Chile", "de"), ("Chili", "fr"), ("Chili", "id")),
        (("New York", "en"), ("New Yorks", "de"), ("New York", "fr")),
        (("White House", "en"), ("Weiße Haus", "de"), ("Maison-Blanche", "fr"), ("Gedung Putih", "id")),
        (("Germany", "en"), ("German", "en"), ("Deutschland", "de"), ("Allemand", "fr"), ("Jerman", "id")),
    ],
)
def test_countries_people_and_translated_names_are_one_entity(forms: tuple[tuple[str, str], ...]) -> None:
    facts = []
    for name, lang in forms:
        found = [f for f in extract_entities(f"Sie sprachen über {name} und mehr.", lang) if f.text == name]
        assert found and found[0].value[1] == "known", (name, lang)
        facts.append(found[0])
    assert all(same_entity(facts[0], f) for f in facts[1:])


def test_different_countries_stay_different() -> None:
    [chile] = [f for f in extract_entities("au bénéfice du Chili", "fr") if f.text == "Chili"]
    [bolivia] = [f for f in extract_entities("in Bolivia's favour", "en") if f.text == "Bolivia"]
    assert not same_entity(chile, bolivia)


BOLIVIA = {
    "en": "Some analysts believe that the court is unlikely to decide in Bolivia's favour.",
    "de": "Einige Analysten halten es für unwahrscheinlich, dass das Gericht zugunsten Boliviens entscheidet.",
    "fr": "Certains analystes pensent que le tribunal se prononcera peu probablement en faveur de la Bolivie.",
    "id": "Beberapa analis yakin bahwa pengadilan tidak mungkin memutuskan untuk kepentingan Bolivia.",
}


def test_german_genitives_match_and_a_swapped_country_is_still_found() -> None:
    assert [d for d in compare_bead_facts(BOLIVIA) if d.kind == "entity"] == []
    swapped = dict(BOLIVIA, fr=BOLIVIA["fr"].replace("de la Bolivie", "du Chili"))
    [d] = [d for d in compare_bead_facts(swapped) if d.kind == "entity"]
    assert (d.divergent, d.rule) == (("fr",), "entity.mismatch")


def test_a_name_translated_word_by_word_is_not_a_swap() -> None:
    texts = {
        "en": "It was funded by the National Natural Science Foundation, the Department of Defense and the "
              "White House, said the Select Committee.",
        "de": "Es wurde von der National Natural Science Foundation, dem Verteidigungsministerium und dem Weißen "
              "Haus finanziert, sagte der Sonderausschuss.",
        "fr": "Il a été financé par la National Natural Science Foundation, le Pentagone et la Maison-Blanche, "
              "selon le Select Committee.",
        "id": "Ini didanai oleh Yayasan Ilmu Alam Nasional, Departemen Pertahanan, dan Gedung Putih, kata "
              "Komite Seleksi.",
    }
    assert [d for d in compare_bead_facts(texts) if d.severity == "major"] == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "Also sind Batman und Robin, die im Geheimdienst Ihrer Majestät alles falsch machen, wieder da."),
        ("fr", "Batman et Robin, qui ratent tout au service secret de Sa Majesté, sont de retour."),
        ("id", "Jadi Batman dan Robin yang salah pada Agen Rahasia Yang Mulia kembali beraksi."),
    ],
)
def test_a_translated_title_is_not_a_swap(lang: str, text: str) -> None:
    en = "So the Batman and Robin of getting things wrong on Her Majesty's Secret Service are back in action."
    others = {"en": en, "de": "Also sind Batman und Robin vom Geheimdienst Ihrer Majestät wieder da.",
              "fr": "Batman et Robin, du service secret de Sa Majesté, sont de retour.",
              "id": "Batman dan Robin dari Dinas Rahasia Yang Mulia kembali."}
    texts = dict(others, **{lang: text})
    assert [d for d in compare_bead_facts(texts) if d.kind == "entity" and d.severity == "major"] == []


def test_a_french_institution_name_with_a_common_first_word_is_not_a_swap() -> None:
    texts = {
        "en": "Anyone with information should contact Crimestoppers anonymously on 0800 555 111.",
        "de": "Hinweise nimmt Crimestoppers anonym unter 0800 555 111 entgegen.",
        "fr": "Toute personne disposant d'informations peut contacter l'organisme Échec au crime au 0800 555 111.",
        "id": "Siapa pun yang memiliki informasi dapat menghubungi Crimestoppers secara anonim di 0800 555 111.",
    }
    assert [d for d in compare_bead_facts(texts) if d.kind == "entity" and d.severity == "major"] == []


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_names_match_without_their_spaces_and_hyphens(lang: str) -> None:
    texts = {
        "en": "The Sky Blues won again at home.",
        "de": "Die Sky Blues gewannen wieder zu Hause.",
        "fr": "Les Sky Blues ont encore gagné à domicile.",
        "id": "Sky Blues kembali menang di kandang.",
    }
    texts[lang] = texts[lang].replace("Sky Blues", "Skyblues")
    assert [d for d in compare_bead_facts(texts) if d.kind == "entity"] == []


def test_an_adjective_with_a_hyphen_mentions_its_country() -> None:
    texts = {
        "en": "He joked about being so positive about the North Korean leader.",
        "de": "Er scherzte über seine positiven Äußerungen über den Führer Nordkoreas.",
        "fr": "Trump a plaisanté sur son attitude si positive à l'égard du leader nord-coréen.",
        "id": "Dia bercanda tentang sikapnya yang sangat positif terhadap pemimpin Korea Utara.",
    }
    assert [d for d in compare_bead_facts(texts) if d.kind == "entity"] == []


def test_saint_and_st_are_one_name() -> None:
    texts = {
        "en": "The Rev. David Johnson, his successor at St. Martin's, called them the bells of the poor.",
        "de": "Reverend David Johnson, sein Nachfolger in St. Martin's, nannte sie die Glocken der Armen.",
        "fr": "Son successeur à Saint Martin, le Révérend David Johnson, les appelait les cloches des pauvres Noirs.",
        "id": "Pendeta David Johnson, Anak dan penggantinya di St. Martin, menyebutnya lonceng kaum miskin.",
    }
    assert [d for d in compare_bead_facts(texts) if d.kind == "entity"] == []
