"""Modality: hedging, attribution, restriction and plan-vs-done markers in de, fr, id, en,
compared by vote across versions; weak markers clear a version but never accuse one."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checker.compare.bead import BeadComparator, SetContext
from checker.config import load_config
from checker.facts.modality import CLASSES, compare_modality, extract_modality, parse_markers, shipped_markers
from checker.embed import embed_document
from checker.records import Bead, Document
from checker.segment import segment_document

from fakes import ConceptEmbedder

CONFIG = load_config()

# "The ministry proposed a new tax." in four languages
PROPOSED = {
    "en": "The ministry proposed a new tax last week.",
    "de": "Das Ministerium hat letzte Woche eine neue Steuer vorgeschlagen.",
    "fr": "Le ministère a proposé un nouvel impôt la semaine dernière.",
    "id": "Kementerian mengusulkan pajak baru pekan lalu.",
}
# ... and the same sentence saying the tax was introduced (done, not planned)
INTRODUCED = {
    "en": ("proposed", "introduced"),
    "de": ("vorgeschlagen", "eingeführt"),
    "fr": ("proposé", "instauré"),
    "id": ("mengusulkan", "memberlakukan"),
}
# "He left a year ago." and the same with "only"
A_YEAR_AGO = {
    "en": "He left the company a year ago.",
    "de": "Er hat die Firma vor einem Jahr verlassen.",
    "fr": "Il a quitté l'entreprise il y a un an.",
    "id": "Dia meninggalkan perusahaan itu setahun lalu.",
}
ONLY_A_YEAR_AGO = {
    "en": "He left the company only a year ago.",
    "de": "Er hat die Firma vor nur einem Jahr verlassen.",
    "fr": "Il n'a quitté l'entreprise qu'il y a un an.",
    "id": "Dia meninggalkan perusahaan itu hanya setahun lalu.",
}


def markers(text: str, lang: str) -> list[tuple[str, str, str]]:
    return [(f.text, f.value[0], f.value[1]) for f in extract_modality(text, lang)]


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        ("en", "The man allegedly fled and may return.", [("allegedly", "hearsay", "cue"), ("may", "possibility", "cue")]),
        ("de", "Der Plan soll angeblich fast fertig sein.", [("Plan", "plan", "weak"), ("soll", "plan", "weak"),
                                                            ("soll", "hearsay", "weak"), ("angeblich", "hearsay", "cue"),
                                                            ("fast", "approximation", "cue")]),
        ("fr", "Il aurait presque fini, selon la police.", [("aurait", "hearsay", "weak"), ("presque", "approximation", "cue"),
                                                           ("selon", "hearsay", "weak")]),
        ("id", "Proyek itu konon hampir selesai.", [("konon", "hearsay", "cue"), ("hampir", "approximation", "cue")]),
    ],
)
def test_markers_in_each_language(lang: str, text: str, expected: list) -> None:
    assert sorted(markers(text, lang)) == sorted(expected)


@pytest.mark.parametrize(
    "lang, text",
    [
        ("en", "Not only the mayor but the council came."),
        ("de", "Nicht nur der Bürgermeister, auch der Rat kam."),
        ("fr", "Non seulement le maire, mais aussi le conseil est venu."),
        ("fr", "Il n'y a pas que le maire."),
        ("id", "Tidak hanya wali kota, dewan juga datang."),
    ],
)
def test_not_only_is_no_restriction(lang: str, text: str) -> None:
    assert [m for m in markers(text, lang) if m[1] == "restriction"] == []


def test_french_ne_que_is_a_restriction_across_the_words_between() -> None:
    [(text, cls, strength)] = markers("Il ne reste que deux jours.", "fr")
    assert (text, cls, strength) == ("ne reste que", "restriction", "cue")
    assert markers("Il n’y a qu’un seul candidat.", "fr")[0][:2] == ("n’y a qu’", "restriction")
    # a negation between "ne" and "que" makes it "not ... that"
    assert markers("Il n’a pas dit qu’il partait.", "fr") == []


def test_a_number_after_a_marker_makes_it_an_approximation() -> None:
    assert markers("Sekitar 200 orang datang.", "id") == [("Sekitar 200", "approximation", "cue")]
    assert markers("Warga sekitar datang.", "id") == [("sekitar", "approximation", "weak")]


def test_a_capitalised_word_inside_a_sentence_is_a_name_not_a_marker() -> None:
    assert markers("The vote was held in May.", "en") == []
    assert markers("May we come in?", "en") == [("May", "possibility", "cue")]
    assert markers("Das Soll wurde erfüllt.", "de") == []


def test_the_shipped_list_has_a_cue_for_every_class_in_every_language() -> None:
    have = {(m.lang, m.cls) for m in shipped_markers() if m.strength == "cue"}
    assert have == {(lang, cls) for lang in ("de", "fr", "id", "en") for cls in CLASSES}


def test_a_malformed_marker_line_is_refused_with_its_number() -> None:
    with pytest.raises(ValueError, match="list.tsv:2"):
        parse_markers("en\tplan\tcue\tproposed\nen\tplans\tcue\tplanned\n", "list.tsv")


def test_the_same_modality_in_every_version_gives_nothing() -> None:
    assert compare_modality(PROPOSED) == []
    assert compare_modality(ONLY_A_YEAR_AGO) == []
    assert compare_modality(A_YEAR_AGO) == []


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_done_where_the_others_only_proposed(lang: str) -> None:
    old, new = INTRODUCED[lang]
    texts = dict(PROPOSED, **{lang: PROPOSED[lang].replace(old, new)})
    [d] = compare_modality(texts)
    assert (d.kind, d.rule, d.divergent, d.severity) == ("modality", "modality.missing", (lang,), "minor")
    assert set(d.reference) == set(PROPOSED) - {lang}
    assert d.spans[lang] == ()
    assert all(d.spans[o] for o in d.reference)  # the others' markers are what the finding shows
    assert "plan" in d.message


@pytest.mark.parametrize("lang", ["de", "fr", "id", "en"])
def test_only_a_year_ago_where_the_others_say_a_year_ago(lang: str) -> None:
    texts = dict(A_YEAR_AGO, **{lang: ONLY_A_YEAR_AGO[lang]})
    [d] = compare_modality(texts, severity="info")
    assert (d.rule, d.divergent, d.severity) == ("modality.added", (lang,), "info")
    [marker] = d.spans[lang]
    assert marker.value[0] == "restriction"
    assert marker.text in ONLY_A_YEAR_AGO[lang]


def test_a_weak_marker_clears_a_version_but_never_accuses_one() -> None:
    planned = {
        "en": "The city planned a new bridge.",
        "de": "Die Stadt hat eine neue Brücke geplant.",
        "fr": "La ville a prévu un nouveau pont.",
        "id": "Kota itu akan membangun jembatan baru.",  # "akan" (will): weak, but present
    }
    assert compare_modality(planned) == []
    will = {
        "en": "The city will build a new bridge.",
        "de": "Die Stadt baut eine neue Brücke.",
        "fr": "La ville construit un nouveau pont.",
        "id": "Kota itu membangun jembatan baru.",
    }
    assert compare_modality(will) == []


def test_a_version_is_only_blamed_when_the_others_agree() -> None:
    # two say "only", two do not: no majority for either side
    texts = dict(A_YEAR_AGO, en=ONLY_A_YEAR_AGO["en"], de=ONLY_A_YEAR_AGO["de"])
    assert compare_modality(texts) == []


def test_two_versions_take_english_as_the_reference() -> None:
    [d] = compare_modality({"en": A_YEAR_AGO["en"], "de": ONLY_A_YEAR_AGO["de"]})
    assert (d.divergent, d.reference, d.rule) == (("de",), ("en",), "modality.added")
    # English is never blamed: it is the reference
    assert compare_modality({"en": ONLY_A_YEAR_AGO["en"], "de": A_YEAR_AGO["de"]})[0].divergent == ("de",)


# --- through the bead comparator ------------------------------------------------------------


def _context(texts: dict[str, str]) -> tuple[Bead, SetContext]:
    embedder = ConceptEmbedder()
    documents, embedded, members = {}, {}, {}
    for lang, text in texts.items():
        documents[lang] = Document(f"v/{lang}.txt", lang, "Titel\n" + text + "\n", "")
        embedded[lang] = embed_document(documents[lang], segment_document(documents[lang]), embedder)
        members[lang] = tuple(s for s in embedded[lang].segments if "Titel" not in s.text)
    return Bead(1, members), SetContext(documents, embedded, None, {}, tuple(texts))


def _modality(severity: str = "minor", enabled: bool = True):
    return replace(CONFIG, compare=replace(CONFIG.compare, modality=replace(CONFIG.compare.modality, severity=severity, enabled=enabled)))


def test_the_comparator_reports_modality_at_the_configured_severity_with_file_offsets() -> None:
    bead, ctx = _context(dict(A_YEAR_AGO, id=ONLY_A_YEAR_AGO["id"]))
    [d] = [d for d in BeadComparator(_modality("info")).compare(bead, ctx).divergences if d.kind == "modality"]
    assert (d.severity, d.divergent, d.signal, d.evidence["rule"]) == ("info", ("id",), "facts", "modality.added")
    [(start, end)] = d.spans["id"]
    assert ctx.documents["id"].text[start:end] == "hanya"
    off = BeadComparator(_modality(enabled=False)).compare(bead, ctx)
    assert [d for d in off.divergences if d.kind == "modality"] == []


def test_the_html_report_filters_modality_findings() -> None:
    from report_samples import sample_result

    from checker.emit.html import render_html

    result = sample_result()
    first = replace(result.findings[0], kind="modality", severity="info")
    page = render_html(replace(result, findings=(first, *result.findings[1:])))
    assert '<option value="modality">modality (1)</option>' in page
    assert 'data-kind="modality"' in page

