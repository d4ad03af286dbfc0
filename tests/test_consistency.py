"""Term consistency: one version rendering the same source term by different words in
different sentences gives one finding with every place; inflected forms are one word."""

from __future__ import annotations

import re
import zlib
from dataclasses import replace

import numpy as np

from checker.compare.consistency import consistency_findings, same_word, term_key
from checker.compare.wordlinks import DocumentWords
from checker.config import load_config
from checker.protocols import WordVector
from checker.records import Bead, Document, Segment

CONFIG = load_config()
CONSISTENCY = replace(CONFIG.compare.consistency, enabled=True, severity="info", min_places=2)

# word -> concept; words of one concept get the same vector (a perfect aligner)
CONCEPTS = {
    "agreement": "agreement", "agreements": "agreement", "abkommen": "agreement", "abkommens": "agreement",
    "vereinbarung": "agreement", "accord": "agreement",
    "signed": "sign", "unterzeichnet": "sign", "signé": "sign",
    "ministers": "minister", "minister": "minister", "ministres": "minister",
    "parliament": "parliament", "parlament": "parliament", "parlement": "parliament",
    "approved": "approve", "billigte": "approve", "approuvé": "approve",
    "critics": "critic", "kritiker": "critic", "critiques": "critic",
    "attacked": "attack", "griffen": "attack", "attaqué": "attack",
}
_AXES = {c: i for i, c in enumerate(sorted(set(CONCEPTS.values())))}
DIM = 64


class AlignedWords:
    """A word embedder whose vectors are one axis per concept (other words: a hashed axis)."""

    model_id = "fake-aligned"

    def word_vectors(self, text: str) -> list[WordVector]:
        out = []
        for m in re.finditer(r"[^\W\d_]+", text):
            v = np.zeros(DIM, dtype=np.float32)
            concept = CONCEPTS.get(m.group().lower())
            v[_AXES[concept] if concept else len(_AXES) + zlib.crc32(m.group().lower().encode()) % (DIM - len(_AXES))] = 1.0
            out.append(WordVector(m.start(), m.end(), m.group(), v))
        return out


def version_set(sentences: dict[str, list[str | None]]):
    """Documents of one sentence per line, the beads joining line k of every version, and their words."""
    documents, segments, words = {}, {}, {}
    for lang, lines in sentences.items():
        text = "\n".join(line or "" for line in lines) + "\n"
        documents[lang] = Document(f"v/{lang}.txt", lang, text, "")
        segs, offset = [], 0
        for k, line in enumerate(lines):
            if line:
                segs.append(Segment(f"v/{lang}.txt", lang, k, offset, offset + len(line), line, line=k + 1))
            offset += len(line or "") + 1
        segments[lang] = segs
        words[lang] = DocumentWords(segs, lang, AlignedWords(), CONFIG.compare.words)
    beads = [
        Bead(k, {lang: tuple(s for s in segments[lang] if s.index == k) for lang in sentences})
        for k in range(max(len(v) for v in sentences.values()))
    ]
    return beads, words, documents


def findings(sentences, config=CONSISTENCY):
    beads, words, documents = version_set(sentences)
    return consistency_findings("set", beads, words, documents, config, CONFIG.compare.words)


EN = ["Ministers signed the agreement.", "Parliament approved the agreement.", "Critics attacked the agreement."]
FR = ["Les ministres ont signé l'accord.", "Le parlement a approuvé l'accord.", "Les critiques ont attaqué l'accord."]


def test_a_term_rendered_two_ways_gives_one_finding_with_every_place() -> None:
    de = ["Minister unterzeichnet das Abkommen.", "Parlament billigte die Vereinbarung.", "Kritiker griffen das Abkommen."]
    [f] = findings({"en": EN, "de": de, "fr": FR})
    assert (f.kind, f.severity, f.evidence["rule"]) == ("term", "info", "term.consistency")
    assert f.evidence["renderings"] == {"Abkommen": 2, "Vereinbarung": 1}
    assert "“agreement”" in f.message and "“Abkommen” (lines 1, 3)" in f.message and "“Vereinbarung” (line 2)" in f.message
    divergent = [v for v in f.versions if v.role == "divergent"]
    reference = [v for v in f.versions if v.role == "reference"]
    assert sorted(v.line for v in divergent) == [1, 2, 3] and {v.lang for v in divergent} == {"de"}
    assert sorted(v.line for v in reference) == [1, 2, 3] and {v.lang for v in reference} == {"en"}
    for v in f.versions:
        [span] = v.spans
        text = {"de": v.text, "en": v.text}[v.lang]
        assert span.text in text and span.text in ("Abkommen", "Vereinbarung", "agreement")


def test_the_same_id_across_runs() -> None:
    de = ["Minister unterzeichnet das Abkommen.", "Parlament billigte die Vereinbarung.", "Kritiker griffen das Abkommen."]
    assert findings({"en": EN, "de": de, "fr": FR})[0].id == findings({"en": EN, "de": de, "fr": FR})[0].id


def test_inflected_forms_are_one_rendering() -> None:
    de = ["Minister unterzeichnet das Abkommen.", "Parlament billigte des Abkommens.", "Kritiker griffen das Abkommen."]
    assert findings({"en": EN, "de": de, "fr": FR}) == []


def test_a_consistent_document_and_a_term_seen_once_give_nothing() -> None:
    de = ["Minister unterzeichnet das Abkommen.", "Parlament billigte das Abkommen.", "Kritiker griffen das Abkommen."]
    assert findings({"en": EN, "de": de, "fr": FR}) == []
    one = findings({"en": EN[:1] + ["Parliament approved it."], "de": de[:1] + ["Parlament billigte es."]})
    assert one == []


def test_sentences_a_version_lacks_are_left_out() -> None:
    de = ["Minister unterzeichnet das Abkommen.", None, "Kritiker griffen das Abkommen."]
    fr_gap = [FR[0], FR[1], None]
    assert findings({"en": EN, "de": de, "fr": fr_gap}) == []


def test_switched_off_or_too_few_places() -> None:
    de = ["Minister unterzeichnet das Abkommen.", "Parlament billigte die Vereinbarung.", "Kritiker griffen das Abkommen."]
    assert findings({"en": EN, "de": de, "fr": FR}, replace(CONSISTENCY, enabled=False)) == []
    assert findings({"en": EN, "de": de, "fr": FR}, replace(CONSISTENCY, min_places=4)) == []


def test_forms_of_one_word() -> None:
    assert term_key("Agreements") == term_key("agreement") == "agreement"
    assert term_key("process") == "process"
    assert same_word("Abkommen", "Abkommens", "de", 75)
    assert same_word("Plenarsitzung", "Sitzung", "de", 75)  # a compound holding the other
    assert same_word("ditangkap", "menangkap", "id", 75)  # one root, other affixes
    assert same_word("anak", "anak-anak", "id", 75)  # reduplication
    assert same_word("Buches", "Kinderbuch", "de", 75)
    assert same_word("wählen", "Wahlbeteiligung", "de", 75)
    assert not same_word("Abkommen", "Vereinbarung", "de", 75)
    assert not same_word("Spezies", "Arten", "de", 75)
    assert not same_word("option", "solution", "fr", 75)  # a shared ending is no shared root


def test_a_finding_with_many_places_renders_in_every_format() -> None:
    from checker.emit.html import render_html
    from checker.emit.sarif import render_sarif
    from checker.emit.text import render_text
    from checker.records import AlignedRow, AlignedSegment, RunResult, VersionSetReport, to_json_dict

    de = ["Minister unterzeichnet das Abkommen.", "Parlament billigte die Vereinbarung.", "Kritiker griffen das Abkommen."]
    beads, words, documents = version_set({"en": EN, "de": de, "fr": FR})
    [f] = consistency_findings("set", beads, words, documents, CONSISTENCY, CONFIG.compare.words)
    rows = tuple(
        AlignedRow({l: tuple(AlignedSegment(s.start, s.end, s.text, "", s.line) for s in b.members[l]) for l in b.members})
        for b in beads
    )
    result = RunResult("0", "sig", (VersionSetReport("set", tuple(documents.values()), rows),), (), (f,))
    page = render_html(result)
    assert page.count(f'data-finding-id="{f.id}"') >= 1 and "Vereinbarung" in page
    assert "Abkommen" in render_text(result, color=False)
    assert f.id in render_sarif(result)
    assert len(to_json_dict(result)["findings"][0]["versions"]) == 6

