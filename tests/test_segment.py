"""Stage 3, clean + segment: a Document -> Segments (body, heading, boilerplate) whose
offsets point into the document's original text and whose line numbers are right."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.clean import classify_line
from checker.load import decode_text
from checker.markdown import is_markdown_path, prose_view
from checker.records import Document
from checker.segment import segment_document


def segments(text: str, path: str = "de.txt", lang: str = "de"):
    return segment_document(Document(path, lang, text, ""))


def assert_offsets_and_lines(text: str, segs) -> None:
    previous_end = 0
    for i, s in enumerate(segs):
        assert s.index == i
        # Markdown segments hold the prose view: the file's text with markup blanked out
        assert (prose_view(text) if is_markdown_path(s.path) else text)[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start >= previous_end, "segments overlap or go backwards"
        previous_end = s.end
        assert s.line == text.count("\n", 0, s.start) + 1


# --- offsets --------------------------------------------------------------------------------


def test_several_sentences_on_one_line():
    text = "Kopf\n\nDer Rat tagte am Montag. Er beschloss zwei Gesetze! Wer zahlt? Niemand weiß es.\n"
    segs = segments(text)
    body = [s for s in segs if s.kind == "body"]
    assert [s.text for s in body] == [
        "Der Rat tagte am Montag.",
        "Er beschloss zwei Gesetze!",
        "Wer zahlt?",
        "Niemand weiß es.",
    ]
    assert {s.line for s in body} == {3}
    assert_offsets_and_lines(text, segs)


def test_abbreviations_do_not_end_a_sentence():
    text = "Dr. Müller kam um 10 Uhr. Er sagte z.B. nichts.  Dann ging er.\n"
    segs = segments(text)
    assert [s.text for s in segs] == ["Dr. Müller kam um 10 Uhr.", "Er sagte z.B. nichts.", "Dann ging er."]
    assert_offsets_and_lines(text, segs)


def test_crlf_file_offsets_slice_the_loaded_text():
    raw = "Titel der Seite\r\n\r\nErster Satz steht hier. Zweiter Satz folgt.\r\n  Dritter Satz, eingerückt.\r\n"
    text = decode_text(raw.encode("utf-8"), "de.txt")
    segs = segments(text)
    assert [(s.kind, s.line, s.text) for s in segs] == [
        ("heading", 1, "Titel der Seite"),
        ("body", 3, "Erster Satz steht hier."),
        ("body", 3, "Zweiter Satz folgt."),
        ("body", 4, "Dritter Satz, eingerückt."),
    ]
    assert_offsets_and_lines(text, segs)


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_accented_text_keeps_offsets(form):
    text = unicodedata.normalize(form, "Élève à l'école.\nÇa va très bien. Où êtes-vous?\n")
    segs = segments(text, "fr.txt", "fr")
    assert len(segs) == 3
    assert segs[2].text == unicodedata.normalize(form, "Où êtes-vous?")
    assert_offsets_and_lines(text, segs)


# --- what a line is ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Quelle: https://example.com/artikel/123",
        "www.example.org/news",
        "Kommentar (0)",
        "Comments (12)",
        "12.03.2024 10:15 Uhr",
        "Montag, 3. März 2024",
        "Von Anna Schmidt | 03.03.2024",
        "3 Maret 2024",
        "StartPolitikGesetzgebung",
        "AccueilPolitiqueSociété",
    ],
)
def test_boilerplate_lines(line):
    assert classify_line(line) == "boilerplate"


@pytest.mark.parametrize("line", ["Von Max Mustermann, 3. März 2024", "Par Jean Dupont, le 3 mars 2024"])
def test_byline_with_name_and_month_date_is_boilerplate(line):
    assert classify_line(line) == "boilerplate"


@pytest.mark.parametrize("line", ["Neue Regeln für Radfahrer", "Les enfants et le football", "Tentang kami"])
def test_headings(line):
    assert classify_line(line) == "heading"


@pytest.mark.parametrize(
    "line",
    [
        "Der Rat genehmigte den neuen Haushalt.",
        # a long line without closing punctuation is still content
        "Die Regierung hat am Montag ein umfangreiches Paket mit neuen Regeln für den Verkehr in allen großen Städten des Landes vorgestellt",
        # a sentence that mentions a web address is content, not a source line
        "Weitere Informationen zu den neuen Regeln finden Sie auf der Seite https://example.com/regeln des Ministeriums.",
    ],
)
def test_body_lines(line):
    assert classify_line(line) == "body"


def test_repeated_short_lines_are_boilerplate_but_repeated_sentences_are_not():
    text = "Teilen\nDer Rat genehmigte den neuen Haushalt für das Jahr.\nTeilen\nDer Rat genehmigte den neuen Haushalt für das Jahr.\n"
    kinds = [(s.kind, s.line) for s in segments(text)]
    assert kinds == [("boilerplate", 1), ("body", 2), ("boilerplate", 3), ("body", 4)]


def test_classified_lines_in_a_document():
    text = (
        "StartPolitikGesetzgebung\n"
        "Neue Regeln für Radfahrer\n"
        "12.03.2024 10:15 Uhr\n"
        "Der Rat genehmigte neue Regeln. Sie gelten ab Mai.\n"
        "Kommentar (0)\n"
        "Quelle: https://example.com/artikel/123\n"
    )
    segs = segments(text)
    assert [(s.kind, s.line) for s in segs] == [
        ("boilerplate", 1),
        ("heading", 2),
        ("boilerplate", 3),
        ("body", 4),
        ("body", 4),
        ("boilerplate", 5),
        ("boilerplate", 6),
    ]
    assert_offsets_and_lines(text, segs)


# --- Markdown ------------------------------------------------------------------------------------


MARKDOWN = """---
title: Ein Satz. Noch einer.
lang: de
---
# Überschrift der Seite

Text hier. Noch ein Satz.

```python
print("Code. Kein Satz.")
```

~~~
auch kein Satz.
~~~
## Zweiter Abschnitt
Ende des Textes ist hier.
"""


def test_markdown_front_matter_and_code_are_left_out():
    segs = segments(MARKDOWN, "de.md")
    assert [(s.kind, s.line, s.text) for s in segs] == [
        ("heading", 5, "Überschrift der Seite"),
        ("body", 7, "Text hier."),
        ("body", 7, "Noch ein Satz."),
        ("heading", 16, "Zweiter Abschnitt"),
        ("body", 17, "Ende des Textes ist hier."),
    ]
    assert_offsets_and_lines(MARKDOWN, segs)


def test_markdown_heading_offsets_skip_the_hashes():
    text = "   ## Titel  \n"
    (seg,) = segments(text, "de.md")
    assert (seg.kind, seg.text, seg.start) == ("heading", "Titel", text.index("Titel"))


def test_front_matter_and_fences_are_markdown_only():
    text = "---\nDer Rat tagte lange. Er beschloss nichts.\n---\n"
    segs = segments(text, "de.txt")
    assert [s.text for s in segs if s.kind == "body"] == ["Der Rat tagte lange.", "Er beschloss nichts."]


def test_front_matter_only_at_the_top():
    # "---" under a paragraph underlines it (a setext heading, as CommonMark reads it); it is
    # never front matter below the first line
    text = "Der Rat tagte lange und beschloss nichts.\n---\nEr vertagte sich auf Montag.\n"
    assert [(s.kind, s.text) for s in segments(text, "de.md")] == [
        ("heading", "Der Rat tagte lange und beschloss nichts."),
        ("body", "Er vertagte sich auf Montag."),
    ]


# --- any text ---------------------------------------------------------------------------------------

_PIECES = list("abcXYZ äöüéçÉß.!?:;,\n\t«»\"'()-0123456789#`~\u00a0…") + [
    "e\u0301",
    "\r\n",
    "https://x.de/a ",
    "```",
    "---",
    "# ",
    "Dr. ",
    "z.B. ",
    "Kommentar (3)",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=60),
    lang=st.sampled_from(["de", "fr", "id", "en"]),
    path=st.sampled_from(["page.txt", "page.md"]),
)
def test_offsets_point_into_the_original_text_for_any_text(pieces, lang, path):
    text = decode_text(("x" + "".join(pieces)).encode("utf-8"), path)
    segs = segments(text, path, lang)
    assert_offsets_and_lines(text, segs)
    if path.endswith(".txt"):
        # nothing is lost or repeated: the segments hold every visible character, in order
        covered = "".join(s.text for s in segs)
        assert "".join(covered.split()) == "".join(text.split())


def test_a_german_ordinal_does_not_end_a_sentence():
    text = "Im 19. Jahrhundert war es anders. Am 5. Oktober kam er. Es gab 3 Tore."
    assert [s.text for s in segments(text)] == [
        "Im 19. Jahrhundert war es anders.",
        "Am 5. Oktober kam er.",
        "Es gab 3 Tore.",
    ]
    # Other languages keep the segmenter's own decision: "19." ends nothing there either way.
    assert len(segments("He came 2nd. Then he left.", path="en.txt", lang="en")) == 2


@pytest.mark.parametrize("text, lang, expected", [
    ("« C’est fini », a ajouté M. Mills-Hicks. Il est parti.", "fr",
     ["« C’est fini », a ajouté M. Mills-Hicks.", "Il est parti."]),
    ("Il a vu Mme Roy, Dr. Martin et Mgr. Blanc. Fin.", "fr", ["Il a vu Mme Roy, Dr. Martin et Mgr. Blanc.", "Fin."]),
    ("Er traf Hrn. Müller. Dann ging er.", "de", ["Er traf Hrn. Müller.", "Dann ging er."]),
    ("Il a vu M. Roy. Fin.", "fr-CA", ["Il a vu M. Roy.", "Fin."]),  # a regional code: the language's rules
    ("Ia tinggal di Jl. Sudirman bersama Bpk. Joko. Selesai.", "id",
     ["Ia tinggal di Jl. Sudirman bersama Bpk. Joko.", "Selesai."]),
    # titles are matched case-sensitively: a lower-case letter before a period still ends a sentence
    ("Il a écrit la lettre m. Puis il est parti.", "fr", ["Il a écrit la lettre m.", "Puis il est parti."]),
])
def test_a_title_before_a_name_does_not_end_a_sentence(text, lang, expected):
    assert [s.text for s in segments(text, path=f"{lang}.txt", lang=lang)] == expected
