"""Structured files inside the pipeline: units become segments with keys and file lines,
keys align versions (gaps where a key is missing), bilingual files form their own set,
and Markdown markup that is not prose is hidden from the rule checks."""

from __future__ import annotations

import numpy as np

from checker.align import align_by_keys
from checker.clean import prose_view
from checker.config import load_config
from checker.embed import embed_document
from checker.group import group_bundled
from checker.records import Document, UnitSpan
from checker.segment import segment_document
from tests.fakes import ConceptEmbedder

ALIGN = load_config().align


def keyed_document(path: str, lang: str, units: list[tuple[str, str, int]]) -> Document:
    """A Document as units.py builds it: unit texts joined by blank lines."""
    text, spans, offset = [], [], 0
    for key, prose, line in units:
        spans.append(UnitSpan(key, offset, offset + len(prose), line))
        text.append(prose)
        offset += len(prose) + 2
    return Document(path, lang, "\n\n".join(text), "0" * 64, "given", "json", tuple(spans))


DE = keyed_document(
    "de.json",
    "de",
    [
        ("intro", "Der Rat genehmigte den neuen Haushalt. Die Kinder spielen Fußball im Park.", 2),
        ("bakery", "Die Bäckerei verkauft frisches Brot.", 3),
        ("train", "Der Zug ist heute verspätet.", 4),
    ],
)
EN = keyed_document(
    "en.json",
    "en",
    [
        ("train", "The train is late today.", 7),
        ("intro", "The council approved the new budget. The children play football in the park.", 5),
    ],
)


def test_units_become_segments_with_their_key_and_file_line():
    segments = segment_document(DE)
    assert [(s.unit, s.line) for s in segments] == [("intro", 2), ("intro", 2), ("bakery", 3), ("train", 4)]
    for s in segments:
        assert DE.text[s.start : s.end] == s.text
    assert segments[1].text == "Die Kinder spielen Fußball im Park."


def test_keys_align_versions_whatever_their_order_and_a_missing_key_is_a_gap():
    embedder = ConceptEmbedder()
    docs = [embed_document(d, segment_document(d), embedder) for d in (DE, EN)]
    beads = align_by_keys(docs, ALIGN)
    rows = [{lang: [s.text for s in segs] for lang, segs in b.members.items()} for b in beads]
    assert rows == [
        {"de": ["Der Rat genehmigte den neuen Haushalt."], "en": ["The council approved the new budget."]},
        {"de": ["Die Kinder spielen Fußball im Park."], "en": ["The children play football in the park."]},
        {"de": ["Die Bäckerei verkauft frisches Brot."], "en": []},
        {"de": ["Der Zug ist heute verspätet."], "en": ["The train is late today."]},
    ]
    assert [b.index for b in beads] == [0, 1, 2, 3]


def test_a_file_holding_two_versions_is_a_set_of_its_own():
    embedder = ConceptEmbedder()
    source = keyed_document("app.po", "en", [("k", "The train is late today.", 3)])
    target = keyed_document("app.po", "de", [("k", "Der Zug ist heute verspätet.", 3)])
    loose = keyed_document("other.json", "fr", [("k", "Le train est en retard.", 1)])
    docs = [embed_document(d, segment_document(d), embedder) for d in (source, target, loose)]
    sets, rest = group_bundled(docs)
    assert [(vs.id, vs.langs) for vs, _ in sets] == [("app", ("en", "de"))]
    assert [d.document.path for d in rest] == ["other.json"]


def test_markdown_link_targets_and_inline_code_are_not_prose_but_offsets_stay():
    text = "See [the 2024 report](https://example.org/2023.pdf) and `v1.2`.\n[ref]: https://example.org/5\n"
    view = prose_view(text, is_markdown=True)
    assert len(view) == len(text)
    assert "2024" in view and "2023" not in view and "1.2" not in view and "/5" not in view
    assert view.index("report") == text.index("report")
    assert prose_view(text, is_markdown=False) == text


def test_sentences_of_a_long_unit_are_aligned_inside_it():
    embedder = ConceptEmbedder()
    de = keyed_document("de.json", "de", [("p", "Der Zug ist heute verspätet. Die Lehrer streiken morgen.", 1)])
    en = keyed_document("en.json", "en", [("p", "The teachers strike tomorrow.", 1)])
    docs = [embed_document(d, segment_document(d), embedder) for d in (de, en)]
    beads = align_by_keys(docs, ALIGN)
    pairs = [(tuple(s.text for s in b.members["de"]), tuple(s.text for s in b.members["en"])) for b in beads]
    assert (("Die Lehrer streiken morgen.",), ("The teachers strike tomorrow.",)) in pairs
    assert (("Der Zug ist heute verspätet.",), ()) in pairs
    assert np.isfinite([b.score for b in beads]).all()
