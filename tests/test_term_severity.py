"""Word-alignment term findings carry the configured severity (info by default: word vectors
alone cannot tell a wrong term from a word the encoder does not know)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checker.compare.wordlinks import DocumentWords, compare_words
from checker.config import load_config, with_settings
from checker.errors import CheckerError
from checker.records import Segment

from fakes import ConceptEmbedder

CONFIG = load_config()
TEXTS = {
    "de": "Der Rat genehmigte den neuen Haushalt.",
    "fr": "Le conseil a approuvé le nouveau budget.",
    "id": "Dewan menyetujui kereta baru.",  # "train" where the others say "budget"
}


def words_of(texts: dict[str, str]):
    embedder = ConceptEmbedder()
    words, pools = {}, {}
    for lang, text in texts.items():
        seg = Segment(f"{lang}.txt", lang, 0, 0, len(text), text)
        dw = DocumentWords([seg], lang, embedder, CONFIG.compare.words)
        words[lang], pools[lang] = dw.words([seg]), dw.pool([seg])
    return words, pools


@pytest.mark.parametrize("severity", ["info", "minor", "major"])
def test_term_findings_take_the_configured_severity(severity: str) -> None:
    words, pools = words_of(TEXTS)
    config = replace(CONFIG.compare.words, term_severity=severity)
    [d] = compare_words(words, config, pools)
    assert (d.kind, d.severity, d.divergent) == ("term", severity, ("id",))


def test_two_version_term_findings_too() -> None:
    words, pools = words_of({"de": TEXTS["de"], "id": "Dewan menyetujui guru baru."})
    [d] = compare_words(words, replace(CONFIG.compare.words, term_severity="minor"), pools)
    assert (d.severity, set(d.divergent)) == ("minor", {"de", "id"})


def test_the_default_is_info_and_a_wrong_value_is_refused() -> None:
    assert CONFIG.compare.words.term_severity == "info"
    with pytest.raises(CheckerError, match="term_severity"):
        with_settings(CONFIG, {"compare.words.term_severity": "loud"}, "--set")
