"""benchmarks/quality.py: settings from the command line, span overlap, and scoring through
a scorer module loaded from the bench folder (a stand-in here, with the same functions)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import quality  # noqa: E402

FAKE_SCORER = '''
def norm_lang(code):
    return (code or "").lower()[:2]

def hits(f, g):
    return any(v["lang"] == g["lang"] and v.get("role") != "reference" and g["perturbed"] in v["text"]
               for v in f["versions"])
'''


def finding(lang: str, text: str, spans: list[str], role: str = "divergent") -> dict:
    return {"kind": "number", "severity": "major",
            "versions": [{"lang": lang, "role": role, "text": text, "spans": [{"text": s} for s in spans]}]}


def test_settings_are_toml_values_by_dotted_key() -> None:
    assert quality.parse_settings(["compare.words.terms=false", "compare.omission.split_length_share=0.5",
                                   "glossary=terms.csv"]) == {
        "compare.words.terms": False, "compare.omission.split_length_share": 0.5, "glossary": "terms.csv"}
    with pytest.raises(SystemExit, match="KEY=VALUE"):
        quality.parse_settings(["terms"])


def test_changed_words_are_the_ones_the_perturbation_put_in() -> None:
    assert quality.changed_words("He paid 30 euros.", "He paid 45 euros.") == {"45"}
    assert quality.changed_words("It is open.", "It is not open.") == {"not"}
    assert quality.changed_words("A long clause, cut here.", "A long clause.") == set()


def test_span_overlap_counts_a_highlight_on_the_changed_word(tmp_path: Path) -> None:
    (tmp_path / "score_ntrex.py").write_text(FAKE_SCORER, encoding="utf-8")
    scorer = quality.load_scorer(tmp_path, "score_ntrex")
    gold = [
        {"doc": "d", "type": "number", "lang": "de", "original": "Er zahlte 30 Euro.", "perturbed": "Er zahlte 45 Euro."},
        {"doc": "d", "type": "negation", "lang": "fr", "original": "Il vient.", "perturbed": "Il ne vient pas."},
    ]
    report = {"findings": [
        finding("de", "Er zahlte 45 Euro.", ["45"]),  # hit, highlights the change
        finding("fr", "Il ne vient pas.", ["vient"]),  # hit, highlights something else
        finding("id", "Dia datang.", ["datang"]),  # a false alarm
    ]}
    s = quality.score_document(report, gold, tmp_path, scorer)
    assert (s.found["number"], s.found["negation"], s.missed.total()) == (1, 1, 0)
    assert (s.overlap["number"], s.overlap_of["number"], s.overlap["negation"], s.overlap_of["negation"]) == (1, 1, 0, 1)
    assert len(s.false_alarms) == 1 and s.clean_sentences == 0


def test_a_missing_scorer_says_which_folder_to_give(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="--bench"):
        quality.load_scorer(tmp_path, "score_ntrex")
