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
        ("Personne n'est venu, il ne l'a jamais vu, sans rien dire.", "fr", 2),
        ("Mereka belum datang dan tidak akan datang tanpa izin.", "id", 2),
        ("They didn't come and won't come without a permit; no one knew.", "en", 3),  # "without" is lexical
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


# --- negation moved into the lexicon, fixed expressions, double negation -----------------------


@pytest.mark.parametrize(
    "texts",
    [
        {   # "unusual" / "ungewöhnlich" / "peu habituelle" / "tidak lazim"
            "en": "He defended his unusual approach to relations with Kim.",
            "de": "Er verteidigte seine ungewöhnliche Art, über die Beziehung zu Kim zu sprechen.",
            "fr": "Il justifia son approche peu habituelle quant aux relations avec Kim.",
            "id": "Dia membela pendekatannya yang tidak lazim tentang hubungan dengan Kim.",
        },
        {   # "lack of remorse" / "mangelnder Reue" / "absence de remords" / "tidak menunjukkan penyesalan"
            "en": "Saipov demonstrated a lack of remorse, according to court documents.",
            "de": "Saipov zeugte laut Gerichtsunterlagen von mangelnder Reue.",
            "fr": "Saipov a démontré une absence de remords, selon des pièces judiciaires.",
            "id": "Menurut dokumen pengadilan, Saipov tidak menunjukkan rasa penyesalan.",
        },
        {   # "never knew" / "nie erfahren" / "ignorait" / "tidak pernah mengetahui"
            "en": "He was killed four days later and never knew he had won the medal.",
            "de": "Er wurde vier Tage später getötet und hat nie erfahren, dass er die Medaille gewonnen hatte.",
            "fr": "Il a été tué quatre jours plus tard et ignorait qu'il avait obtenu la médaille.",
            "id": "Dia dibunuh empat hari kemudian dan tidak pernah mengetahui bahwa ia memenangkan medali itu.",
        },
        {   # "was unable to" / "schaffte es nicht" / "n'a pas été capable" / "tidak mampu"
            "en": "He was unable to increase his pace in the last eight laps.",
            "de": "Er schaffte es nicht, in den letzten acht Runden zuzulegen.",
            "fr": "Il n'a pas été capable d'accélérer dans les huit derniers tours.",
            "id": "Dia tidak mampu meningkatkan kecepatannya di delapan lap terakhir.",
        },
        {   # "without" / "ohne" / "privés de" / "tanpa"
            "en": "Gerrard's side remain without an away win this season.",
            "de": "Gerrards Mannschaft bleibt in dieser Saison ohne Auswärtssieg.",
            "fr": "Les hommes de Gerrard sont privés de victoire à l'extérieur cette saison.",
            "id": "Tim Gerrard tetap tanpa kemenangan tandang musim ini.",
        },
        {   # "has yet to be determined" / "steht noch nicht fest" / "ne sait pas encore" / "belum ditentukan"
            "en": "But just how many minutes he'll play has yet to be determined.",
            "de": "Wie viele Minuten er spielen wird, steht jedoch noch nicht fest.",
            "fr": "Mais on ne sait pas encore combien de minutes il jouera.",
            "id": "Namun, belum ditentukan berapa menit dia akan bermain.",
        },
        {   # "non-profit" / "Non-Profit" / "à but non lucratif" / "nirlaba"
            "en": "The Consumer Energy Alliance is a non-profit group.",
            "de": "Die Consumer Energy Alliance ist eine Non-Profit-Gruppe.",
            "fr": "La Consumer Energy Alliance est un organisme à but non lucratif.",
            "id": "Consumer Energy Alliance adalah sebuah kelompok nirlaba.",
        },
    ],
)
def test_negation_moved_into_the_lexicon_is_no_flip(texts: dict[str, str]) -> None:
    assert [d for d in compare_bead_facts(texts) if d.kind == "negation"] == []


def test_a_real_flip_next_to_lexical_words_is_still_found() -> None:
    texts = {
        "en": "I am hoping I can really contribute and help guide the sport in Scotland.",
        "de": "Ich hoffe, dass ich einen wirklichen Beitrag leisten und den Sport in Schottland anleiten kann.",
        "fr": "Je souhaite pouvoir vraiment apporter ma contribution et guider ce sport en Écosse.",
        "id": "Saya berharap tidak dapat benar-benar berkontribusi dan membantu memimpin olahraga di Skotlandia.",
    }
    [d] = [d for d in compare_bead_facts(texts) if d.kind == "negation"]
    assert d.divergent == ("id",)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Tidak lama kemudian, ia tiba. Itu tidak lain adalah presiden. Tidak sedikit orang datang.", "id"),
        ("Er schrieb den Namen mit oder ohne Bindestrich, ob er wollte oder nicht.", "de"),
        ("He wrote it with or without a hyphen, whether or not he wanted to. Not long after, he left.", "en"),
        ("Il n'y a pas que le football. Avec ou sans trait d'union.", "fr"),
        ("Il n'y en a à peine plus de 200.", "fr"),
        ("Un organisme à but non lucratif.", "fr"),
    ],
)
def test_fixed_expressions_are_not_negations(text: str, lang: str) -> None:
    assert extract_negations(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang", "cue"),
    [
        ("Je ne crois pas que ce soit rare.", "fr", "ne crois pas"),
        ("Dia tidak terlalu memikirkannya.", "id", "tidak"),
        ("Vestry tidak terlibat dalam perekrutan.", "id", "tidak"),
    ],
)
def test_negations_that_look_like_fixed_expressions_still_count(text: str, lang: str, cue: str) -> None:
    [fact] = extract_negations(text, lang)
    assert fact.text == cue


def test_two_cues_in_a_row_cancel_out() -> None:
    texts = {
        "en": "It is not the first time charges have been filed against Palin.",
        "fr": "Ce n'est pas la première fois que des accusations sont portées contre Palin.",
        "id": "Ini bukan kali pertama tuntutan diajukan terhadap Palin.",
        "de": "Es ist nicht nicht das erste Mal, dass gegen Palin Anzeige erhoben wurde.",
    }
    [d] = [d for d in compare_bead_facts(texts) if d.kind == "negation"]
    assert d.divergent == ("de",)


# --- issue 13, item 4: polarity false alarms in docs sites and catalogues -----------------------------


@pytest.mark.parametrize(
    "texts",
    [
        # French UI style: "Pas de …" without "ne"
        {"en": "No account yet? Create one in two minutes.", "fr": "Pas encore de compte ? Créez-en un en deux minutes.",
         "de": "Noch kein Konto? Erstelle eines in zwei Minuten."},
        {"en": "No results found.", "fr": "Pas de résultat.", "de": "Keine Ergebnisse gefunden."},
        # "but not limited to" in a list, which the translations say without a cue
        {"en": "We store data such as, but not limited to, your name and email address.",
         "id": "Kami menyimpan data seperti, namun tidak terbatas pada, nama dan alamat email Anda.",
         "de": "Wir speichern Daten wie unter anderem Ihren Namen und Ihre E-Mail-Adresse."},
        # privative prepositions in UI labels
        {"en": "Wireless printing", "fr": "Impression sans fil", "id": "Pencetakan nirkabel"},
        {"en": "Wireless printing", "de": "Drucken ohne Kabel"},
        {"en": "Continue as guest", "id": "Lanjutkan tanpa akun", "fr": "Continuer en tant qu'invité"},
    ],
)
def test_ui_and_list_idioms_are_no_polarity_change(texts):
    assert [d for d in compare_bead_facts(texts) if d.kind == "negation"] == []


def test_a_step_is_still_not_a_negation_and_a_real_flip_is_still_found():
    assert extract_negations("Les premiers pas du projet.", "fr") == []
    assert [f.text for f in extract_negations("Pas de résultat, pas encore.", "fr")] == ["Pas", "pas"]
    found = compare_bead_facts({
        "en": "Access is not limited to administrators.",
        "de": "Der Zugang ist auf Administratoren beschränkt.",
        "fr": "L'accès n'est pas limité aux administrateurs.",
    })
    assert [(d.kind, d.divergent) for d in found] == [("negation", ("de",))]


def test_emphasis_around_a_negation_is_read_as_the_word():
    from checker.clean import prose_view

    texts = {
        "en": prose_view("Do **not** delete this file.", True),
        "fr": prose_view("Ne supprimez *pas* ce fichier.", True),
        "de": prose_view("Diese Datei __nicht__ löschen.", True),
    }
    assert compare_bead_facts(texts) == []
    assert [f.text for f in extract_negations(texts["de"], "de")] == ["nicht"]
