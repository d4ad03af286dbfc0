"""Stage 5: align the content segments of N versions into m:n beads.

Each version is aligned to a pivot version (the one with the most segments) by
dynamic programming over centred sentence similarity (vecalign/bertalign
style: 1:1, 2:1, 1:2, 1:0 and 0:1 moves). The pairwise alignments are then
joined through the pivot's sentences into N-way beads; sentences the pivot
lacks become beads of their own, merged across versions when they match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .centring import normalised
from .config import AlignConfig
from .embed import EmbeddedDocument
from .records import Bead

# (pivot sentences, other sentences) a move consumes
_MOVES = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))


@dataclass(frozen=True)
class PairBead:
    """Indices of pivot and other sentences aligned together (either side may be empty)."""

    pivot: tuple[int, ...]
    other: tuple[int, ...]


def _side_vector(centred: np.ndarray, start: int, count: int) -> np.ndarray:
    return normalised(centred[start : start + count].sum(axis=0))


def align_pair(a: np.ndarray, b: np.ndarray, config: AlignConfig) -> list[PairBead]:
    """Monotone alignment of two sequences of centred sentence vectors."""
    n, m = len(a), len(b)
    inf = float("inf")
    cost = np.full((n + 1, m + 1), inf)
    back: dict[tuple[int, int], tuple[int, int]] = {}
    cost[0, 0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, move = inf, None
            for di, dj in _MOVES:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or cost[pi, pj] == inf:
                    continue
                if di == 0 or dj == 0:
                    step = config.skip_cost * (di + dj)
                else:
                    sim = float(_side_vector(a, pi, di) @ _side_vector(b, pj, dj))
                    # weighted by sentences consumed, so a merge is not cheaper than two 1:1 pairs
                    step = (1.0 - sim) * (di + dj) / 2 + (config.merge_penalty if di + dj > 2 else 0.0)
                    if sim < config.min_pair_similarity:
                        # unrelated sentences are not a pair: leaving both out must be cheaper
                        step += 2 * config.skip_cost
                total = cost[pi, pj] + step
                if total < best:
                    best, move = total, (di, dj)
            cost[i, j] = best
            if move is not None:
                back[(i, j)] = move
    beads: list[PairBead] = []
    i, j = n, m
    while i > 0 or j > 0:
        di, dj = back[(i, j)]
        beads.append(PairBead(tuple(range(i - di, i)), tuple(range(j - dj, j))))
        i, j = i - di, j - dj
    beads.reverse()
    return _split_unmatched(beads, a, b, config)


def _split_unmatched(beads: list[PairBead], a: np.ndarray, b: np.ndarray, config: AlignConfig) -> list[PairBead]:
    """A merge can hide an added sentence inside a 2:1 bead; take such a sentence out as a gap."""
    out: list[PairBead] = []
    for bead in beads:
        if not bead.pivot or not bead.other or len(bead.pivot) + len(bead.other) <= 2:
            out.append(bead)
            continue
        split = None
        # (the merged side, its vectors, the other side, its vectors, is the merged side `other`)
        for side, vectors, facing, facing_vectors, other_side in (
            (bead.other, b, bead.pivot, a, True),
            (bead.pivot, a, bead.other, b, False),
        ):
            if len(side) < 2:
                continue
            target = normalised(facing_vectors[list(facing)].sum(axis=0))
            keep = [k for k in side if not _adds_nothing(k, side, vectors, target, config)]
            if keep and len(keep) < len(side):
                split = _regroup(bead.pivot, bead.other, keep, other_side=other_side)
                break
        if split:
            out.extend(split)
            continue
        out.append(bead)
    return out


def _adds_nothing(k: int, side: tuple[int, ...], vectors: np.ndarray, target: np.ndarray, config: AlignConfig) -> bool:
    """Sentence k of a merged side matches nothing on the other side: on its own it is
    dissimilar, and leaving it out does not make the merged side less similar."""
    if float(vectors[k] @ target) >= config.split_below:
        return False
    with_k = float(normalised(vectors[list(side)].sum(axis=0)) @ target)
    without_k = float(normalised(vectors[[x for x in side if x != k]].sum(axis=0)) @ target)
    return without_k >= with_k - config.split_margin


def _regroup(pivot: tuple[int, ...], other: tuple[int, ...], keep: list[int], other_side: bool) -> list[PairBead]:
    """The matched sentences stay one bead (at the place of the first); each unmatched one becomes a gap."""
    multi = other if other_side else pivot
    out: list[PairBead] = []
    placed = False
    for k in multi:
        if k in keep:
            if not placed:
                out.append(PairBead(pivot, tuple(keep)) if other_side else PairBead(tuple(keep), other))
                placed = True
        else:
            out.append(PairBead((), (k,)) if other_side else PairBead((k,), ()))
    return out


def choose_pivot(docs: Sequence[EmbeddedDocument]) -> int:
    """The version with the most content segments (English first on ties): most likely complete."""
    return max(range(len(docs)), key=lambda k: (len(docs[k].segments), docs[k].document.lang == "en", -k))


def align_versions(docs: Sequence[EmbeddedDocument], config: AlignConfig) -> list[Bead]:
    langs = [d.document.lang for d in docs]
    p = choose_pivot(docs)
    pivot = docs[p]
    n = len(pivot.segments)

    pair: dict[int, list[PairBead]] = {
        k: align_pair(pivot.centred, d.centred, config) for k, d in enumerate(docs) if k != p
    }

    # Pivot sentences that any version aligns together belong to one bead.
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for beads in pair.values():
        for bead in beads:
            for x in bead.pivot[1:]:
                parent[find(x)] = find(bead.pivot[0])
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    ordered = sorted(groups.values(), key=lambda g: g[0])
    group_of = {i: gi for gi, g in enumerate(ordered) for i in g}

    # slot 2*g+1 holds the group g; slot 2*g+2 what versions insert after it (slot 0: before all)
    slots: dict[int, dict[int, list[int]]] = {}
    for gi, g in enumerate(ordered):
        slots.setdefault(2 * gi + 1, {})[p] = g
    insertions: dict[int, list[tuple[int, list[int]]]] = {}
    for k, beads in pair.items():
        last_group = -1
        for position, bead in enumerate(beads):
            if bead.pivot:
                last_group = group_of[bead.pivot[0]]
                slots[2 * last_group + 1].setdefault(k, []).extend(bead.other)
            elif bead.other:
                following = next((b for b in beads[position + 1 :] if b.pivot), None)
                if following is not None and group_of[following.pivot[0]] == last_group:
                    # inside a group another version merged: the sentence belongs to that row
                    slots[2 * last_group + 1].setdefault(k, []).extend(bead.other)
                else:
                    insertions.setdefault(2 * last_group + 2, []).append((k, list(bead.other)))

    rows: list[dict[int, list[int]]] = []
    for slot in sorted(set(slots) | set(insertions)):
        if slot in slots:
            rows.append(slots[slot])
        rows.extend(_cluster_insertions(insertions.get(slot, []), docs, config))
    rows = _absorb_fragments(rows, docs, config)
    return [_bead(i, docs, langs, row) for i, row in enumerate(rows)]


def _mean_agreement(row: dict[int, list[int]], docs: Sequence[EmbeddedDocument], k: int, extra: list[int]) -> float:
    """Mean similarity of version k's sentences (plus `extra`) to every other version in the row."""
    mine = normalised(docs[k].centred[sorted(row[k] + extra)].sum(axis=0))
    others = [normalised(docs[o].centred[idx].sum(axis=0)) for o, idx in row.items() if o != k and idx]
    return float(np.mean([mine @ v for v in others])) if others else 0.0


def _absorb_fragments(
    rows: list[dict[int, list[int]]], docs: Sequence[EmbeddedDocument], config: AlignConfig
) -> list[dict[int, list[int]]]:
    """A gap row whose sentences only complete a neighbour row (a sentence split differently in one
    version) is merged into that neighbour. An added or omitted sentence lowers the neighbour's
    agreement and stays a gap."""
    rows = [dict(r) for r in rows]
    i = 0
    while i < len(rows):
        row = rows[i]
        present = [k for k, idx in row.items() if idx]
        if len(present) == len(docs) or not present:
            i += 1
            continue
        merged = False
        for j in (i - 1, i + 1):
            if not 0 <= j < len(rows):
                continue
            neighbour = rows[j]
            if any(not neighbour.get(k) for k in present):
                continue
            if all(
                _mean_agreement(neighbour, docs, k, row[k])
                >= _mean_agreement(neighbour, docs, k, []) - config.split_margin
                for k in present
            ):
                for k in present:
                    neighbour[k] = sorted(neighbour[k] + row[k])
                del rows[i]
                merged = True
                break
        if not merged:
            i += 1
    return rows


def _cluster_insertions(
    items: list[tuple[int, list[int]]], docs: Sequence[EmbeddedDocument], config: AlignConfig
) -> list[dict[int, list[int]]]:
    """Sentences several versions add at the same place (i.e. the pivot lacks) form one bead when they match."""
    clusters: list[dict[int, list[int]]] = []
    for k, idx in items:
        vec = normalised(docs[k].centred[idx].sum(axis=0))
        placed = False
        for cluster in clusters:
            if k in cluster:
                continue
            sims = [float(vec @ normalised(docs[o].centred[oi].sum(axis=0))) for o, oi in cluster.items()]
            if min(sims) >= config.insertion_join:
                cluster[k] = idx
                placed = True
                break
        if not placed:
            clusters.append({k: idx})
    return clusters


def _bead(index: int, docs: Sequence[EmbeddedDocument], langs: list[str], by_doc: dict[int, list[int]]) -> Bead:
    members = {
        langs[k]: tuple(docs[k].segments[i] for i in sorted(by_doc.get(k, []))) for k in range(len(docs))
    }
    present = [k for k in range(len(docs)) if by_doc.get(k)]
    vecs = [normalised(docs[k].centred[sorted(by_doc[k])].sum(axis=0)) for k in present]
    sims = [float(vecs[x] @ vecs[y]) for x in range(len(vecs)) for y in range(x + 1, len(vecs))]
    return Bead(index=index, members=members, score=float(np.mean(sims)) if sims else 0.0)


def align_by_keys(docs: Sequence[EmbeddedDocument], config: AlignConfig) -> list[Bead]:
    """Structured files: units with the same key say the same thing, so keys align them; a key a
    version lacks is a gap. Inside a unit of several sentences, the sentences are aligned as prose."""
    langs = [d.document.lang for d in docs]
    rows_by_key: list[dict[str, list[int]]] = [{} for _ in docs]
    for k, doc in enumerate(docs):
        for row, segment in enumerate(doc.segments):
            rows_by_key[k].setdefault(segment.unit or "", []).append(row)
    order = _merged_key_order([list(keys) for keys in rows_by_key], choose_pivot(docs))

    beads: list[Bead] = []
    for key in order:
        by_doc = {k: rows_by_key[k][key] for k in range(len(docs)) if key in rows_by_key[k]}
        if len(by_doc) > 1 and max(len(rows) for rows in by_doc.values()) > 1:
            present = sorted(by_doc)
            sub_docs = [_rows_of(docs[k], by_doc[k]) for k in present]
            for sub in align_versions(sub_docs, config):
                members = {lang: () for lang in langs}
                members.update(sub.members)
                beads.append(Bead(index=len(beads), members=members, score=sub.score))
        else:
            beads.append(_bead(len(beads), docs, langs, by_doc))
    return beads


def _rows_of(doc: EmbeddedDocument, rows: list[int]) -> EmbeddedDocument:
    """The sentences of one unit as a document of their own (for aligning inside the unit)."""
    return EmbeddedDocument(doc.document, tuple(doc.segments[r] for r in rows), (), doc.vectors[rows], doc.centred[rows])


def _merged_key_order(key_lists: list[list[str]], first: int) -> list[str]:
    """The keys of the most complete version in its order; another version's extra keys go
    right after the key they follow there."""
    order = list(key_lists[first])
    placed = set(order)
    for k, keys in enumerate(key_lists):
        if k == first:
            continue
        position = 0
        for key in keys:
            if key in placed:
                position = order.index(key) + 1
                continue
            order.insert(position, key)
            placed.add(key)
            position += 1
    return order
