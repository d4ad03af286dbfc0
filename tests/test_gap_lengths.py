"""Gaps beyond 1:0 rows: lengths telling a split sentence from an added one, and sentences
added or left out inside rows the aligner merged. Fake concept embedder."""

from __future__ import annotations

from checker.compare.gaps import added_inside, compare_gaps, left_out_inside, length_ratios, split_share
from checker.compare.wordlinks import DocumentWords
from checker.config import load_config
from checker.records import Bead, Segment

from fakes import SENTENCES, ConceptEmbedder

CONFIG = load_config()
OMISSION = CONFIG.compare.omission
LANGS = ("de", "en", "fr", "id")


def build(rows: list[dict[str, list[str]]]):
    """Beads from rows of {lang: [sentences]} (one line per sentence in each version's file),
    and every version's words."""
    segments: dict[str, list[Segment]] = {l: [] for l in LANGS}
    offsets = {l: 0 for l in LANGS}
    beads = []
    for k, row in enumerate(rows):
        members = {}
        for lang in LANGS:
            segs = []
            for text in row.get(lang, []):
                index = len(segments[lang])
                seg = Segment(f"{lang}.txt", lang, index, offsets[lang], offsets[lang] + len(text), text, line=index + 1)
                offsets[lang] += len(text) + 1
                segments[lang].append(seg)
                segs.append(seg)
            members[lang] = tuple(segs)
        beads.append(Bead(k, members))
    embedder = ConceptEmbedder()
    words = {l: DocumentWords(segments[l], l, embedder, CONFIG.compare.words) for l in LANGS}
    return beads, words


def totals(beads: list[Bead]) -> dict[str, int]:
    return {l: sum(len(b.text(l)) for b in beads) for l in LANGS}


def row(*indices: int, **overrides: list[str]) -> dict[str, list[str]]:
    return {l: overrides.get(l, [SENTENCES[l][i] for i in indices]) for l in LANGS}


# more rows that every version says alike: the length ratios come from the rest of the document
REST = [row(i) for i in (1, 2, 3, 5) * 4]


def test_length_ratios_compare_each_version_with_the_others() -> None:
    ratios = length_ratios({"de": 120, "en": 100, "fr": 100})
    assert round(ratios["de"], 2) == 1.2 and round(ratios["en"], 2) == round(100 / 110, 2)


def test_an_added_sentence_leaves_the_neighbours_balanced() -> None:
    beads, _ = build([row(0), {"de": [SENTENCES["de"][3]]}, row(1)])
    share = split_share(beads[1], [beads[0], beads[2]], ["de"], ["en", "fr", "id"], totals(beads))
    assert abs(share) < 0.3
    [d] = compare_gaps(beads[1], LANGS, OMISSION, CONFIG.compare.words.min_word_chars, 0.0, share)
    assert (d.kind, d.divergent) == ("addition", ("de",))


def test_a_sentence_split_off_shows_in_the_neighbours_lengths() -> None:
    # de says the others' first sentence in two; its first row is then much shorter than theirs
    long = {l: [SENTENCES[l][0] + " " + SENTENCES[l][3]] for l in ("en", "fr", "id")}
    beads, _ = build([{"de": [SENTENCES["de"][0]], **long}, {"de": [SENTENCES["de"][3]]}, row(1), *REST])
    share = split_share(beads[1], [beads[0], beads[2]], ["de"], ["en", "fr", "id"], totals(beads))
    assert share >= OMISSION.split_length_share
    assert compare_gaps(beads[1], LANGS, OMISSION, CONFIG.compare.words.min_word_chars, 0.0, share) == []


def test_a_sentence_merged_into_a_neighbour_is_not_left_out() -> None:
    # id says sentences 0 and 3 in one; the others have 3 on a row of its own
    beads, _ = build([
        {**{l: [SENTENCES[l][0]] for l in ("de", "en", "fr")}, "id": [SENTENCES["id"][0] + " " + SENTENCES["id"][3]]},
        {l: [SENTENCES[l][3]] for l in ("de", "en", "fr")},
        *REST,
    ])
    share = split_share(beads[1], [beads[0]], ["de", "en", "fr"], ["id"], totals(beads))
    assert share >= OMISSION.split_length_share


def test_a_sentence_added_inside_a_merged_row() -> None:
    added = SENTENCES["de"][3]
    beads, words = build([row(1), row(0, de=[SENTENCES["de"][0], added]), row(2)])
    [d] = added_inside(beads[1], [beads[0], beads[2]], LANGS, words, OMISSION, CONFIG.compare.words.linked)
    assert (d.kind, d.severity, d.divergent, d.signal) == ("addition", "major", ("de",), "gaps")
    [seg] = [s for s in beads[1].members["de"] if s.text == added]
    assert d.spans == {"de": ((seg.start, seg.end),)}


def test_a_sentence_split_in_two_is_no_addition() -> None:
    # de writes sentence 0 as two sentences whose words the others have
    beads, words = build([row(1), row(0, de=["Der Rat genehmigte.", "Den neuen Haushalt genehmigte der Rat."]), row(2)])
    assert added_inside(beads[1], [beads[0], beads[2]], LANGS, words, OMISSION, CONFIG.compare.words.linked) == []


def test_a_sentence_left_out_inside_a_merged_row() -> None:
    beads, words = build([
        row(1),
        {**{l: [SENTENCES[l][0], SENTENCES[l][3]] for l in ("en", "fr", "id")}, "de": [SENTENCES["de"][0]]},
        row(2),
    ])
    [d] = left_out_inside(beads[1], [beads[0], beads[2]], LANGS, words, OMISSION, CONFIG.compare.words.linked)
    assert (d.kind, d.divergent, d.reference) == ("omission", ("de",), ("en", "fr", "id"))
    for lang in ("en", "fr", "id"):
        [(start, end)] = d.spans[lang]
        assert (start, end) == (beads[1].members[lang][1].start, beads[1].members[lang][1].end)


def test_nothing_is_left_out_when_the_version_says_it_one_row_over() -> None:
    beads, words = build([
        row(1),
        {**{l: [SENTENCES[l][0], SENTENCES[l][3]] for l in ("en", "fr", "id")}, "de": [SENTENCES["de"][0]]},
        row(2, de=[SENTENCES["de"][3], SENTENCES["de"][2]]),
    ])
    assert left_out_inside(beads[1], [beads[0], beads[2]], LANGS, words, OMISSION, CONFIG.compare.words.linked) == []
