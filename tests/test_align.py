"""Stage 5, align: centred sentence vectors of N versions -> m:n beads, gaps included.

Vectors are synthetic: each meaning is a random unit vector; a version's sentence is
that vector plus noise (centred cosine about 0.6 between translations, as measured
for real encoders), a split sentence carries half of its meaning in each part.
"""

from __future__ import annotations

import hashlib

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.align import PairBead, align_pair, align_versions, choose_pivot
from checker.config import load_config
from checker.embed import EmbeddedDocument
from checker.records import Document, Segment

ALIGN = load_config().align
DIM = 64


def unit(name: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    v = np.random.default_rng(seed).standard_normal(DIM)
    return v / np.linalg.norm(v)


def rendering(meaning: np.ndarray, lang: str, key: str, noise: float = 0.8) -> np.ndarray:
    v = meaning + noise * unit(f"noise:{lang}:{key}")
    return v / np.linalg.norm(v)


def sentence(k: int, lang: str) -> np.ndarray:
    """Version `lang` of sentence k."""
    return rendering(unit(f"meaning:{k}"), lang, str(k))


def halves(k: int, lang: str) -> list[np.ndarray]:
    """Sentence k split in two by `lang`: each part carries part of the meaning."""
    u, v = unit(f"meaning:{k}:a"), unit(f"meaning:{k}:b")
    return [rendering(u, lang, f"{k}a", 0.5), rendering(v, lang, f"{k}b", 0.5)]


def split_meaning(k: int) -> np.ndarray:
    w = unit(f"meaning:{k}:a") + unit(f"meaning:{k}:b")
    return w / np.linalg.norm(w)


def document(lang: str, rows: list[np.ndarray]) -> EmbeddedDocument:
    segs = tuple(Segment(f"{lang}.txt", lang, i, 10 * i, 10 * i + 5, f"{lang}{i}") for i in range(len(rows)))
    matrix = np.stack(rows).astype(np.float32) if rows else np.zeros((0, DIM), dtype=np.float32)
    return EmbeddedDocument(Document(f"{lang}.txt", lang, "", ""), segs, (), matrix, matrix)


def layout(beads) -> list[dict[str, list[int]]]:
    """Each bead as lang -> segment indices."""
    return [{lang: [s.index for s in segs] for lang, segs in b.members.items()} for b in beads]


def assert_complete_and_ordered(docs: list[EmbeddedDocument], beads) -> None:
    """Every segment of every version is in exactly one bead, and beads keep each version's order."""
    assert [b.index for b in beads] == list(range(len(beads)))
    for d in docs:
        lang = d.document.lang
        seen = [s.index for b in beads for s in b.members.get(lang, ())]
        assert sorted(seen) == list(range(len(d.segments))), f"{lang}: {seen}"
        assert seen == sorted(seen), f"{lang} out of order: {seen}"
    for b in beads:
        assert set(b.members) == {d.document.lang for d in docs}
        assert b.present_langs(), "a bead with no segment at all"


# --- pairs ------------------------------------------------------------------------------------


def test_synthetic_vectors_look_like_centred_encoder_output():
    sims = [float(sentence(k, "de") @ sentence(k, "fr")) for k in range(10)]
    others = [float(sentence(k, "de") @ sentence(k + 1, "fr")) for k in range(10)]
    assert 0.4 < np.mean(sims) < 0.75
    assert max(abs(x) for x in others) < 0.4


def test_pair_identity_is_one_to_one():
    a = np.stack([sentence(k, "de") for k in range(6)])
    b = np.stack([sentence(k, "fr") for k in range(6)])
    assert align_pair(a, b, ALIGN) == [PairBead((k,), (k,)) for k in range(6)]


def test_pair_two_to_one_split_merges():
    a = np.stack([sentence(0, "de"), rendering(split_meaning(1), "de", "1"), sentence(2, "de")])
    b = np.stack([sentence(0, "fr"), *halves(1, "fr"), sentence(2, "fr")])
    assert align_pair(a, b, ALIGN) == [PairBead((0,), (0,)), PairBead((1,), (1, 2)), PairBead((2,), (3,))]


def test_pair_added_sentence_is_a_gap_not_a_merge():
    a = np.stack([sentence(k, "de") for k in range(4)])
    b = np.stack([sentence(0, "fr"), sentence(1, "fr"), unit("added"), sentence(2, "fr"), sentence(3, "fr")])
    beads = align_pair(a, b, ALIGN)
    assert PairBead((), (2,)) in beads
    assert [bd for bd in beads if bd.pivot and bd.other] == [PairBead((k,), (k + (k >= 2),)) for k in range(4)]


def test_pair_empty_sides():
    a = np.stack([sentence(k, "de") for k in range(2)])
    empty = np.zeros((0, DIM))
    assert align_pair(a, empty, ALIGN) == [PairBead((0,), ()), PairBead((1,), ())]
    assert align_pair(empty, a, ALIGN) == [PairBead((), (0,)), PairBead((), (1,))]
    assert align_pair(empty, empty, ALIGN) == []


# --- N versions ----------------------------------------------------------------------------------


def test_identity_three_versions():
    docs = [document(l, [sentence(k, l) for k in range(5)]) for l in ("de", "fr", "id")]
    beads = align_versions(docs, ALIGN)
    assert layout(beads) == [{"de": [k], "fr": [k], "id": [k]} for k in range(5)]
    assert all(0.4 < b.score < 0.8 for b in beads)  # the bead score is the mean cross-version similarity
    assert_complete_and_ordered(docs, beads)


def test_split_sentence_becomes_one_bead():
    de = document("de", [sentence(0, "de"), rendering(split_meaning(1), "de", "1"), sentence(2, "de"), sentence(3, "de")])
    fr = document("fr", [sentence(0, "fr"), *halves(1, "fr"), sentence(2, "fr"), sentence(3, "fr")])
    id_ = document("id", [sentence(0, "id"), rendering(split_meaning(1), "id", "1"), sentence(2, "id"), sentence(3, "id")])
    docs = [de, fr, id_]
    assert choose_pivot(docs) == 1  # the version with the most sentences
    beads = align_versions(docs, ALIGN)
    assert layout(beads) == [
        {"de": [0], "fr": [0], "id": [0]},
        {"de": [1], "fr": [1, 2], "id": [1]},
        {"de": [2], "fr": [3], "id": [2]},
        {"de": [3], "fr": [4], "id": [3]},
    ]
    assert_complete_and_ordered(docs, beads)


def test_added_unrelated_sentence_is_a_zero_to_one_gap():
    de = document("de", [sentence(k, "de") for k in range(4)])
    fr = document("fr", [sentence(0, "fr"), sentence(1, "fr"), unit("added"), sentence(2, "fr"), sentence(3, "fr")])
    id_ = document("id", [sentence(k, "id") for k in range(4)])
    beads = align_versions([de, fr, id_], ALIGN)
    assert layout(beads) == [
        {"de": [0], "fr": [0], "id": [0]},
        {"de": [1], "fr": [1], "id": [1]},
        {"de": [], "fr": [2], "id": []},
        {"de": [2], "fr": [3], "id": [2]},
        {"de": [3], "fr": [4], "id": [3]},
    ]
    assert beads[2].present_langs() == ("fr",)
    assert beads[2].score == 0.0


def test_omitted_sentence_is_a_one_to_zero_gap_in_two_versions():
    de = document("de", [sentence(k, "de") for k in range(4)])
    fr = document("fr", [sentence(k, "fr") for k in (0, 1, 3)])
    beads = align_versions([de, fr], ALIGN)
    assert layout(beads) == [
        {"de": [0], "fr": [0]},
        {"de": [1], "fr": [1]},
        {"de": [2], "fr": []},
        {"de": [3], "fr": [2]},
    ]


def test_three_versions_where_one_lacks_a_sentence():
    de = document("de", [sentence(k, "de") for k in range(5)])
    fr = document("fr", [sentence(k, "fr") for k in range(5)])
    id_ = document("id", [sentence(k, "id") for k in (0, 1, 3, 4)])
    docs = [id_, de, fr]  # the incomplete version first: the pivot must not be it
    assert docs[choose_pivot(docs)].document.lang != "id"
    beads = align_versions(docs, ALIGN)
    assert layout(beads) == [
        {"id": [0], "de": [0], "fr": [0]},
        {"id": [1], "de": [1], "fr": [1]},
        {"id": [], "de": [2], "fr": [2]},
        {"id": [2], "de": [3], "fr": [3]},
        {"id": [3], "de": [4], "fr": [4]},
    ]


def test_sentences_two_versions_add_at_one_place_share_a_bead():
    # id is the pivot (listed first, as many sentences as the others) and lacks sentence 9,
    # which de and fr both add after sentence 1; they lack sentence 6 instead
    id_ = document("id", [sentence(k, "id") for k in range(7)])
    de = document("de", [sentence(k, "de") for k in (0, 1, 9, 2, 3, 4, 5)])
    fr = document("fr", [sentence(k, "fr") for k in (0, 1, 9, 2, 3, 4, 5)])
    docs = [id_, de, fr]
    assert choose_pivot(docs) == 0
    beads = align_versions(docs, ALIGN)
    assert layout(beads) == [
        {"id": [0], "de": [0], "fr": [0]},
        {"id": [1], "de": [1], "fr": [1]},
        {"id": [], "de": [2], "fr": [2]},
        {"id": [2], "de": [3], "fr": [3]},
        {"id": [3], "de": [4], "fr": [4]},
        {"id": [4], "de": [5], "fr": [5]},
        {"id": [5], "de": [6], "fr": [6]},
        {"id": [6], "de": [], "fr": []},
    ]


def test_different_sentences_added_at_one_place_stay_apart():
    de = document("de", [sentence(k, "de") for k in range(4)])
    fr = document("fr", [sentence(0, "fr"), sentence(1, "fr"), unit("fr-extra"), sentence(2, "fr"), sentence(3, "fr")])
    id_ = document("id", [sentence(0, "id"), sentence(1, "id"), unit("id-extra"), sentence(2, "id"), sentence(3, "id")])
    beads = align_versions([de, fr, id_], ALIGN)
    assert {"de": [], "fr": [2], "id": []} in layout(beads)
    assert {"de": [], "fr": [], "id": [2]} in layout(beads)
    assert_complete_and_ordered([de, fr, id_], beads)


def test_insertion_inside_a_merged_pivot_group_keeps_order():
    # fr (pivot) and id split sentence 2 in two; de keeps it whole (2:1 against fr);
    # id inserts an unrelated sentence between its two halves
    fr = document("fr", [sentence(0, "fr"), sentence(1, "fr"), *halves(2, "fr"), *(sentence(k, "fr") for k in (3, 4, 5))])
    de = document("de", [sentence(0, "de"), sentence(1, "de"), rendering(split_meaning(2), "de", "2"),
                         *(sentence(k, "de") for k in (3, 4, 5))])
    first, second = halves(2, "id")
    id_ = document("id", [sentence(0, "id"), sentence(1, "id"), first, unit("inserted"), second, sentence(3, "id")])
    docs = [fr, de, id_]
    assert choose_pivot(docs) == 0
    assert_complete_and_ordered(docs, align_versions(docs, ALIGN))


def test_gaps_at_two_places_do_not_shift_a_true_pair():
    # fr adds sentence 9 after sentence 1 and lacks sentences 3 and 4 at the end
    a = np.stack([sentence(k, "id") for k in range(5)])
    b = np.stack([sentence(k, "fr") for k in (0, 1, 9, 2)])
    assert float(a[2] @ b[3]) > 0.45  # the true pair is a clear translation
    beads = align_pair(a, b, ALIGN)
    assert PairBead((2,), (3,)) in beads
    assert PairBead((), (2,)) in beads


def test_english_is_the_pivot_on_a_tie():
    docs = [document(l, [sentence(k, l) for k in range(3)]) for l in ("de", "en", "fr")]
    assert choose_pivot(docs) == 1


# --- any input ----------------------------------------------------------------------------------------

# What a version does with each sentence of the source: keep it, leave it out, split it, or add one after it.
_OPS = st.sampled_from(["keep", "keep", "keep", "omit", "split", "add"])


@st.composite
def version_specs(draw):
    """(number of source sentences, {lang: (ops, extra noise rows)})."""
    n = draw(st.integers(min_value=0, max_value=7))
    langs = draw(st.lists(st.sampled_from(["de", "fr", "id", "en"]), min_size=2, max_size=3, unique=True))
    return n, {lang: (draw(st.lists(_OPS, min_size=n, max_size=n)), draw(st.integers(0, 2))) for lang in langs}


def build(n: int, spec: dict[str, tuple[list[str], int]]) -> list[EmbeddedDocument]:
    docs = []
    for lang, (ops, noise_rows) in spec.items():
        rows: list[np.ndarray] = []
        for k, op in zip(range(n), ops):
            if op == "keep":
                rows.append(sentence(k, lang))
            elif op == "split":
                rows.extend(halves(k, lang))
            elif op == "add":
                rows.extend([sentence(k, lang), unit(f"added:{lang}:{k}")])
        # now and then plain noise at the end: the alignment must still be complete
        rows.extend(unit(f"noise:{lang}:{i}") for i in range(noise_rows))
        docs.append(document(lang, rows))
    return docs


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(version_specs())
def test_every_segment_lands_in_exactly_one_bead(spec):
    docs = build(*spec)
    beads = align_versions(docs, ALIGN) if any(d.segments for d in docs) else []
    if len(docs) == 2:
        assert_complete_and_ordered(docs, beads)
    # With three versions, order can break (see the xfail test above); completeness must hold.
    for d in docs:
        lang = d.document.lang
        seen = sorted(s.index for b in beads for s in b.members.get(lang, ()))
        assert seen == list(range(len(d.segments))), f"{lang}: {seen}"
    assert all(b.present_langs() for b in beads)


def test_order_kept_when_one_version_merges_and_another_inserts():
    docs = build(2, {"fr": (["keep", "omit"], 0), "de": (["keep", "add"], 0), "id": (["add", "keep"], 0)})
    assert_complete_and_ordered(docs, align_versions(docs, ALIGN))
