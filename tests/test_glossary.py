"""Glossary: required renderings from CSV or TBX, matched case-insensitively with inflection,
reported as `term` findings; bad files fail with the path and a fix; TBX goes through defusedxml."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from checker.compare.bead import BeadComparator, SetContext
from checker.compare.glossary import compare_glossary, find_term, load_glossary, parse_csv, parse_tbx
from checker.config import load_config
from checker.embed import embed_document
from checker.errors import InputError
from checker.records import Bead, Document
from checker.segment import segment_document

from fakes import ConceptEmbedder

CONFIG = load_config()

CSV = """source,lang,target
indivisibility,de,Unteilbarkeit
indivisibility,fr,indivisibilité
indivisibility,id,ketidakterpisahan
indivisibility,id,ketidakterbagian
security council,de,Sicherheitsrat
"""

TBX = """<?xml version="1.0" encoding="utf-8"?>
<martif type="TBX" xml:lang="en">
  <text><body>
    <termEntry>
      <langSet xml:lang="en"><tig><term>indivisibility</term></tig></langSet>
      <langSet xml:lang="de"><tig><term>Unteilbarkeit</term></tig></langSet>
      <langSet xml:lang="fr">
        <tig><term>indivisibilité</term></tig>
        <tig><term>insécabilité</term><termNote type="administrativeStatus">forbidden</termNote></tig>
      </langSet>
    </termEntry>
  </body></text>
</martif>
"""

TEXTS = {
    "en": "The Charter affirms the indivisibility of human rights.",
    "de": "Die Charta bekräftigt die Unteilbarkeit der Menschenrechte.",
    "fr": "La Charte affirme l'indivisibilité des droits de l'homme.",
    "id": "Piagam itu menegaskan keutuhan hak asasi manusia.",
}
OFFSETS = {lang: 0 for lang in TEXTS}


def test_csv_entries_group_the_allowed_renderings_per_language() -> None:
    glossary = parse_csv(CSV, "terms.csv")
    entry = next(e for e in glossary.entries if e.source == "indivisibility")
    assert entry.source_lang == "en"
    assert entry.targets["id"] == ("ketidakterpisahan", "ketidakterbagian")
    assert entry.targets["de"] == ("Unteilbarkeit",)


def test_a_missing_required_rendering_is_a_term_finding() -> None:
    [d] = compare_glossary(TEXTS, OFFSETS, parse_csv(CSV, "terms.csv"), "minor")
    assert (d.kind, d.severity, d.divergent, d.reference, d.signal) == ("term", "minor", ("id",), ("en",), "glossary")
    assert d.message == "glossary: 'indivisibility' must be 'ketidakterpisahan' or 'ketidakterbagian' in id."
    [(start, end)] = d.spans["en"]
    assert TEXTS["en"][start:end] == "indivisibility"


def test_spans_are_moved_to_file_offsets() -> None:
    [d] = compare_glossary(TEXTS, {**OFFSETS, "en": 100}, parse_csv(CSV, "terms.csv"), "major")
    assert d.spans["en"] == ((124, 138),) and d.severity == "major"


def test_case_and_inflection_are_allowed() -> None:
    texts = {
        "en": "Indivisibilities were debated.",
        "de": "Die UNTEILBARKEITEN wurden debattiert.",  # case and a plural ending
        "fr": "Les indivisibilités furent débattues.",
        "id": "Ketidakterbagiannya diperdebatkan.",  # suffixed form
    }
    assert compare_glossary(texts, {l: 0 for l in texts}, parse_csv(CSV, "terms.csv"), "minor") == []


def test_term_matching_rules() -> None:
    assert find_term("the Security Council met", "security council") == [(4, 20)]
    assert find_term("the security of the council", "security council") == []
    assert find_term("Unteilbarkeitsprinzip", "Unteilbarkeit") == [(0, 21)]  # a compound holding the term
    assert find_term("Kooperationen", "Kooperation") == [(0, 13)]
    assert find_term("Ratgeber", "Rat") == []  # short words match exactly only
    assert find_term("divisibility", "indivisibility") == []


def test_no_finding_without_the_source_term_or_the_target_language() -> None:
    glossary = parse_csv(CSV, "terms.csv")
    texts = {lang: t.replace("indivisibility", "unity") for lang, t in TEXTS.items()}
    assert compare_glossary(texts, OFFSETS, glossary, "minor") == []
    assert compare_glossary({"en": TEXTS["en"], "de": TEXTS["de"]}, OFFSETS, glossary, "minor") == []


def test_tbx_terms_and_forbidden_renderings() -> None:
    glossary = parse_tbx(TBX.encode("utf-8"), "terms.tbx")
    [entry] = glossary.entries
    assert (entry.source_lang, entry.source) == ("en", "indivisibility")
    assert entry.targets == {"de": ("Unteilbarkeit",), "fr": ("indivisibilité",)}
    texts = dict(TEXTS, fr="La Charte affirme l'insécabilité des droits de l'homme.")
    [d] = compare_glossary(texts, OFFSETS, glossary, "minor")
    assert d.divergent == ("fr",)  # the forbidden term does not count as the rendering


def test_tbx_3_concept_entries() -> None:
    tbx3 = """<tbx xmlns="urn:iso:std:iso:30042:ed-2" xml:lang="en"><text><body>
      <conceptEntry id="c1">
        <langSec xml:lang="en"><termSec><term>indivisibility</term></termSec></langSec>
        <langSec xml:lang="de"><termSec><term>Unteilbarkeit</term></termSec></langSec>
      </conceptEntry></body></text></tbx>"""
    [entry] = parse_tbx(tbx3.encode("utf-8"), "terms.tbx").entries
    assert entry.targets == {"de": ("Unteilbarkeit",)}


def test_tbx_with_an_entity_expansion_is_refused() -> None:
    bomb = """<?xml version="1.0"?>
<!DOCTYPE martif [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<martif xml:lang="en"><text><body><termEntry><langSet xml:lang="en"><tig><term>&b;</term></tig></langSet>
</termEntry></body></text></martif>"""
    with pytest.raises(InputError, match="terms.tbx: not a readable TBX file"):
        parse_tbx(bomb.encode("utf-8"), "terms.tbx")


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("g.csv", "term,translation\na,b\n", "needs the header source,lang,target"),
        ("g.csv", "source,lang,target\nindivisibility,de,\n", "g.csv:2: a glossary row needs"),
        ("g.txt", "x", "must be a .csv or .tbx file"),
        ("g.tbx", "<martif><unclosed></martif>", "not a readable TBX file"),
    ],
)
def test_bad_glossaries_name_the_file_and_the_fix(tmp_path: Path, name: str, content: str, problem: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        load_glossary(str(path))


def test_a_missing_glossary_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the glossary"):
        load_glossary(str(tmp_path / "nope.csv"))


def test_the_config_path_is_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "terms").mkdir()
    (tmp_path / "terms" / "g.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "checker.toml").write_text('glossary = "terms/g.csv"\nglossary_severity = "major"\n', encoding="utf-8")
    config = load_config(tmp_path / "checker.toml")
    assert Path(config.glossary) == (tmp_path / "terms" / "g.csv").resolve()
    assert config.glossary_severity == "major"
    assert load_config().glossary == ""


def test_the_comparator_reports_glossary_findings_with_file_offsets(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text(CSV, encoding="utf-8")
    config = replace(CONFIG, glossary=str(path), glossary_severity="minor")
    embedder = ConceptEmbedder()
    documents, embedded, members = {}, {}, {}
    for lang, text in TEXTS.items():
        documents[lang] = Document(f"v/{lang}.txt", lang, "Titel\n" + text + "\n", "")
        embedded[lang] = embed_document(documents[lang], segment_document(documents[lang]), embedder)
        members[lang] = tuple(s for s in embedded[lang].segments if "Titel" not in s.text)
    ctx = SetContext(documents, embedded, None, {}, tuple(TEXTS))
    result = BeadComparator(config).compare(Bead(1, members), ctx)
    [d] = [d for d in result.divergences if d.signal == "glossary"]
    assert (d.kind, d.divergent) == ("term", ("id",))
    # a rule note on the same row is merged into it (one finding per row): its words come along
    assert "indivisibility" in [documents["en"].text[start:end] for start, end in d.spans["en"]]
    # without a glossary, nothing from this signal
    assert not [d for d in BeadComparator(CONFIG).compare(Bead(1, members), ctx).divergences if d.signal == "glossary"]
