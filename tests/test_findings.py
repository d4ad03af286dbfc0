"""Divergence on a bead -> Finding of the report contract: stable ids, offsets and
lines into each file, roles, omissions at their insertion point."""

from __future__ import annotations

from checker.compare.divergence import Divergence
from checker.findings import build_finding
from checker.records import Bead, Document
from checker.segment import segment_document

from fakes import SENTENCES, english_of

LANGS = ("de", "fr", "id")


def version_set(texts: dict[str, list[str]], prefix: dict[str, str] | None = None):
    """Documents of one sentence per line (after an optional prefix) and one bead per sentence number;
    a None sentence is a gap in that version."""
    documents, segments = {}, {}
    for lang, sentences in texts.items():
        body = "\n".join(s for s in sentences if s is not None) + "\n"
        head = (prefix or {}).get(lang, "")
        doc = Document(f"site/{lang}.txt", lang, head + body, "")
        documents[lang] = doc
        segs = [s for s in segment_document(doc) if s.kind == "body" and s.start >= len(head)]
        it = iter(segs)
        segments[lang] = [next(it) if s is not None else None for s in sentences]
    n = len(next(iter(texts.values())))
    beads = [
        Bead(k, {lang: (segments[lang][k],) if segments[lang][k] else () for lang in texts}) for k in range(n)
    ]
    pivots = {(lang, s.index): english_of(s.text) for lang in texts for s in segments[lang] if s}
    return documents, beads, pivots


def sentences(lang: str, k: int = 3) -> list[str]:
    return SENTENCES[lang][:k]


def span_of(doc: Document, word: str, after: int = 0) -> tuple[int, int]:
    start = doc.text.index(word, after)
    return start, start + len(word)


def term(documents, bead, words: dict[str, str]) -> Divergence:
    spans = {}
    for lang, word in words.items():
        seg = bead.members[lang][0]
        spans[lang] = (span_of(documents[lang], word, seg.start),)
    return Divergence(
        kind="term",
        severity="minor",
        score=0.6,
        message="a term differs",
        divergent=("id",),
        reference=("de", "fr"),
        spans=spans,
        signal="words",
    )


def test_finding_versions_roles_offsets_and_pivots():
    documents, beads, pivots = version_set({l: sentences(l) for l in LANGS})
    d = term(documents, beads[1], {"id": "desa", "de": "Dorf", "fr": "village"})
    f = build_finding("site", d, beads[1], beads, documents, pivots)
    assert (f.version_set, f.kind, f.severity, f.score, f.message) == ("site", "term", "minor", 0.6, "a term differs")
    assert [(v.lang, v.role) for v in f.versions] == [("id", "divergent"), ("de", "reference"), ("fr", "reference")]
    for v in f.versions:
        doc = documents[v.lang]
        assert v.path == doc.path
        assert v.text == doc.text[v.start : v.end] == SENTENCES[v.lang][1]
        assert v.line == 2
        assert v.pivot == english_of(v.text)
        (span,) = v.spans
        assert doc.text[span.start : span.end] == span.text
        assert v.start <= span.start < span.end <= v.end


def test_pivot_words_of_spans_come_from_the_finder():
    documents, beads, pivots = version_set({l: sentences(l) for l in LANGS})
    d = term(documents, beads[1], {"id": "desa", "de": "Dorf", "fr": "village"})
    asked = []

    def finder(lang, words, pivot):
        asked.append((lang, words, pivot))
        return "village"

    f = build_finding("site", d, beads[1], beads, documents, pivots, pivot_words=finder)
    assert all(v.spans[0].pivot_text == "village" for v in f.versions)
    assert ("id", "desa", english_of(SENTENCES["id"][1])) in asked


def test_ids_are_stable_across_runs():
    def run():
        documents, beads, pivots = version_set({l: sentences(l) for l in LANGS})
        d = term(documents, beads[1], {"id": "desa", "de": "Dorf", "fr": "village"})
        return build_finding("site", d, beads[1], beads, documents, pivots)

    first, second = run(), run()
    assert first.id == second.id
    assert len(first.id) == 16 and int(first.id, 16) >= 0


def test_id_survives_text_inserted_before_the_bead():
    plain = version_set({l: sentences(l) for l in LANGS})
    shifted = version_set(
        {l: sentences(l) for l in LANGS},
        prefix={"id": "Berita Terbaru\n\nKereta terlambat hari ini.\n", "de": "Neu\n"},
    )
    found = []
    for documents, beads, pivots in (plain, shifted):
        d = term(documents, beads[1], {"id": "desa", "de": "Dorf", "fr": "village"})
        found.append(build_finding("site", d, beads[1], beads, documents, pivots))
    before, after = found
    assert after.id == before.id
    by_lang = {v.lang: v for v in after.versions}
    assert by_lang["id"].line == before.versions[0].line + 3  # the finding moved ...
    assert by_lang["id"].start > before.versions[0].start
    assert by_lang["id"].text == before.versions[0].text  # ... but is the same divergence


def test_id_differs_when_the_divergent_words_differ():
    documents, beads, pivots = version_set({l: sentences(l) for l in LANGS})
    a = term(documents, beads[1], {"id": "desa", "de": "Dorf", "fr": "village"})
    b = term(documents, beads[1], {"id": "lama", "de": "alte", "fr": "vieux"})
    fa = build_finding("site", a, beads[1], beads, documents, pivots)
    fb = build_finding("site", b, beads[1], beads, documents, pivots)
    assert fa.id != fb.id


def test_id_differs_when_the_divergent_sentence_differs():
    texts = {l: sentences(l) for l in LANGS}
    other = dict(texts, id=[*texts["id"][:1], "Sungai besar membanjiri desa lama.", *texts["id"][2:]])
    ids = []
    for t in (texts, other):
        documents, beads, pivots = version_set(t)
        d = term(documents, beads[1], {"id": "desa", "de": "Dorf", "fr": "village"})
        ids.append(build_finding("site", d, beads[1], beads, documents, pivots).id)
    assert ids[0] != ids[1]


def test_id_differs_between_version_sets_and_kinds():
    documents, beads, pivots = version_set({l: sentences(l) for l in LANGS})
    d = term(documents, beads[1], {"id": "desa", "de": "Dorf", "fr": "village"})
    base = build_finding("site", d, beads[1], beads, documents, pivots).id
    assert build_finding("other", d, beads[1], beads, documents, pivots).id != base
    from dataclasses import replace

    assert build_finding("site", replace(d, kind="entity"), beads[1], beads, documents, pivots).id != base


def omission(missing: str = "id") -> Divergence:
    return Divergence(
        kind="omission",
        severity="major",
        score=0.9,
        message="left out",
        divergent=(missing,),
        reference=tuple(l for l in LANGS if l != missing),
        signal="gaps",
    )


def test_omission_has_empty_text_at_the_insertion_point():
    texts = {l: sentences(l) for l in LANGS}
    texts["id"] = [texts["id"][0], None, texts["id"][2]]
    documents, beads, pivots = version_set(texts)
    f = build_finding("site", omission(), beads[1], beads, documents, pivots)
    missing, *refs = f.versions
    assert (missing.lang, missing.role, missing.text, missing.pivot, missing.spans) == ("id", "divergent", "", "", ())
    # right after the sentence before it, on that sentence's line
    previous = beads[0].members["id"][0]
    assert missing.start == missing.end == previous.end
    assert missing.line == previous.line == 1
    assert [(v.lang, v.role, v.text) for v in refs] == [
        ("de", "reference", SENTENCES["de"][1]),
        ("fr", "reference", SENTENCES["fr"][1]),
    ]


def test_omission_of_the_first_sentence_points_at_the_start():
    texts = {l: sentences(l) for l in LANGS}
    texts["de"] = [None, *texts["de"][1:]]
    documents, beads, pivots = version_set(texts)
    f = build_finding("site", omission("de"), beads[0], beads, documents, pivots)
    (missing,) = [v for v in f.versions if v.role == "divergent"]
    assert (missing.lang, missing.start, missing.end, missing.line) == ("de", 0, 0, 1)


def test_omission_id_is_the_references_text_and_stable_across_a_shift():
    def finding(texts, prefix=None):
        documents, beads, pivots = version_set(texts, prefix)
        return build_finding("site", omission(), beads[1], beads, documents, pivots)

    texts = {l: sentences(l) for l in LANGS}
    texts["id"] = [texts["id"][0], None, texts["id"][2]]
    base = finding(texts)
    assert finding(texts, prefix={l: "Kopf\n\n" for l in LANGS}).id == base.id
    # another sentence left out is another finding
    other = {l: sentences(l) for l in LANGS}
    other["id"] = [other["id"][0], other["id"][1], None]
    documents, beads, pivots = version_set(other)
    assert build_finding("site", omission(), beads[2], beads, documents, pivots).id != base.id


def test_a_finding_in_a_merged_bead_points_at_the_sentence_with_the_divergent_words():
    documents, beads, _ = version_set({lang: SENTENCES[lang][:2] for lang in LANGS})
    merged = Bead(0, {lang: beads[0].members[lang] + beads[1].members[lang] for lang in LANGS})
    second = beads[1].members["de"][0]
    word_start = documents["de"].text.index("Fluss")
    d = Divergence(
        kind="term", severity="minor", score=0.5, message="m", divergent=("de",), reference=("fr", "id"),
        spans={"de": ((word_start, word_start + len("Fluss")),)},
    )
    finding = build_finding("s", d, merged, [merged], documents, {})
    de = next(v for v in finding.versions if v.lang == "de")
    assert (de.start, de.end, de.text) == (second.start, second.end, second.text)
    fr = next(v for v in finding.versions if v.lang == "fr")
    assert fr.text == documents["fr"].text[fr.start : fr.end] and SENTENCES["fr"][0] in fr.text  # no spans: whole bead
