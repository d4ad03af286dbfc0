"""Omission and addition: beads where some versions have no sentence at all (1:0, 0:1).

Before blaming, the gap is checked against the neighbouring beads: a version that
split or merged sentences differently still says the same thing, only one bead
over. When most content words of the lone sentence(s) find a partner in the
neighbouring sentences of the other side, the gap is a segmentation difference,
not a divergence. Lengths say the same independently of word vectors (as in
Gale & Church's aligner): when the lone sentence's version is that much shorter
than expected in a neighbouring bead (or the version lacking it that much longer),
the sentence was split off or merged in, not added or left out.
"""

from __future__ import annotations

from typing import Collection, Mapping, Sequence

from ..config import KeysConfig, OmissionConfig
from ..records import Bead, shown_key
from .divergence import Divergence
from .wordlinks import DocumentWords, LocatedWord, best_partner, is_content_word


def _content_words(bead: Bead, lang: str, min_chars: int) -> int:
    return sum(1 for w in bead.text(lang).split() if is_content_word(w.strip(".,;:!?«»“”\"'()"), lang, min_chars))


def coverage(words: Sequence[LocatedWord], pool: Sequence[LocatedWord], linked: float) -> float:
    """Share of `words` with a partner in `pool` (contextual cosine >= linked)."""
    if not words or not pool:
        return 0.0
    return float((best_partner([w.vector for w in words], list(pool)) >= linked).mean())


def length_ratios(lengths: Mapping[str, int]) -> dict[str, float]:
    """Each version's length relative to the mean of the others' (whole documents, in characters)."""
    out = {}
    for lang, n in lengths.items():
        others = [m for l, m in lengths.items() if l != lang]
        out[lang] = n / (sum(others) / len(others)) if others and sum(others) else 1.0
    return out


def split_share(
    bead: Bead, neighbours: Sequence[Bead], present: Sequence[str], missing: Sequence[str], totals: Mapping[str, int]
) -> float:
    """How much of the gap the neighbouring beads' lengths account for (0 = none, 1 = all of it).

    For an added sentence (few versions have it): how much shorter than expected each of those
    versions is in a neighbouring bead, as a share of the sentence's length. For a left-out
    sentence: how much longer than expected each version lacking it is in a neighbouring bead,
    as a share of the sentence's expected length there. The lowest over the blamed versions,
    the best neighbour for each. Expected lengths come from the versions' length ratio over the
    rest of the document (`totals`: characters per version, this row's own text left out, so
    that the gap itself does not skew the ratio of a short document).
    """
    ratios = length_ratios({l: n - len(bead.text(l)) for l, n in totals.items()})
    langs = [*present, *missing]
    full = [n for n in neighbours if all(n.members.get(l) for l in langs)]
    if not full:
        return 0.0

    def size(b: Bead, lang: str) -> int:
        return len(b.text(lang))

    def expected(b: Bead, lang: str) -> float:
        return ratios.get(lang, 1.0) * sum(size(b, o) for o in langs if o != lang) / (len(langs) - 1)

    shares = []
    if len(present) < len(missing):  # added: the versions having it fall short in a neighbour
        for p in present:
            shares.append(max((expected(n, p) - size(n, p)) / max(size(bead, p), 1) for n in full))
    else:  # left out: the versions lacking it run long in a neighbour
        lone = sum(size(bead, p) for p in present) / len(present)
        for m in missing:
            shares.append(max((size(n, m) - expected(n, m)) / max(ratios.get(m, 1.0) * lone, 1) for n in full))
    return min(shares)


def covered_by_neighbours(
    bead: Bead,
    neighbours: Sequence[Bead],
    present: Sequence[str],
    missing: Sequence[str],
    words: Mapping[str, DocumentWords],
    linked: float,
) -> float:
    """Lowest, over (present, missing) pairs, share of the gap's words found in the missing side's neighbours."""
    shares = []
    for p in present:
        gap_words = words[p].words(bead.members[p])
        for m in missing:
            pool = [w for n in neighbours for w in words[m].pool(n.members.get(m, ()))]
            shares.append(coverage(gap_words, pool, linked))
    return min(shares) if shares else 0.0


def _names(langs: Sequence[str]) -> str:
    """en; en and fr; de, en and fr."""
    return langs[0] if len(langs) == 1 else f"{', '.join(langs[:-1])} and {langs[-1]}"


def _agree(langs: Sequence[str], singular: str, plural: str) -> str:
    return singular if len(langs) == 1 else plural


def versions(langs: Sequence[str]) -> str:
    """The de version; the de and fr versions."""
    return f"The {_names(langs)} " + _agree(langs, "version", "versions")


def have(langs: Sequence[str], negated: bool = False) -> str:
    """en has / en and fr have / en does not have / en and fr do not have."""
    verb = _agree(langs, "does not have", "do not have") if negated else _agree(langs, "has", "have")
    return f"{_names(langs)} {verb}"


def compare_key_gaps(
    bead: Bead, langs: Sequence[str], key: str, empty: Collection[str], source: str | None, config: KeysConfig
) -> list[Divergence]:
    """A unit of a catalogue that some versions lack: by key, not by neighbouring sentences
    (neighbouring keys are other strings, not a sentence split differently), and one severity
    per kind of gap. The source-language version decides whether a key is missing (it has it)
    or extra (it lacks it); without one, the majority does, and a tie blames the side lacking it.
    `empty`: the versions that hold the key with an empty value."""
    present = [l for l in langs if bead.members.get(l)]
    missing = [l for l in langs if not bead.members.get(l)]
    if not present or not missing:
        return []
    shown = shown_key(key)
    evidence = {"signal": "key-gap", "key": shown, "present": present, "missing": missing}
    if source in missing or (source not in langs and len(present) < len(missing)):
        return [
            Divergence(
                kind="addition",
                severity=config.extra_severity,
                score=0.9,
                message=f"{versions(present)} {_agree(present, 'has', 'have')} a key {shown} that {have(missing, negated=True)}.",
                divergent=tuple(present),
                reference=tuple(missing),
                evidence=evidence,
                signal="gaps",
            )
        ]
    blanks = [l for l in missing if l in empty]
    absent = [l for l in missing if l not in empty]
    kinds = (
        (blanks, config.empty_severity, f"{_agree(blanks, 'leaves', 'leave')} the key {shown} empty; {have(present)} a string there"),
        (absent, config.missing_severity, f"{_agree(absent, 'has', 'have')} no key {shown}; {have(present)} it"),
    )
    return [
        Divergence(
            kind="omission",
            severity=severity,
            score=0.9,
            message=f"{versions(blamed)} {says}.",
            divergent=tuple(blamed),
            reference=tuple(present),
            evidence={**evidence, "empty": blamed is blanks},
            signal="gaps",
        )
        for blamed, severity, says in kinds
        if blamed
    ]


def compare_gaps(
    bead: Bead,
    all_langs: Sequence[str],
    config: OmissionConfig,
    min_word_chars: int,
    neighbour_coverage: float = 0.0,
    length_share: float = 0.0,
) -> list[Divergence]:
    present = [l for l in all_langs if bead.members.get(l)]
    missing = [l for l in all_langs if not bead.members.get(l)]
    if not present or not missing:
        return []
    if neighbour_coverage >= config.covered_by_neighbours or length_share >= config.split_length_share:
        return []  # said one bead over: sentences split or merged differently
    only_headings = all(s.kind == "heading" for l in present for s in bead.members[l])
    substantial = min(_content_words(bead, l, min_word_chars) for l in present) >= config.min_content_words
    if len(present) > len(missing):
        kind, blamed, refs = "omission", missing, present
        message = f"{versions(missing)} {_agree(missing, 'leaves', 'leave')} out a sentence that {have(present)}."
    elif len(present) < len(missing):
        kind, blamed, refs = "addition", present, missing
        message = f"{versions(present)} {_agree(present, 'adds', 'add')} a sentence that {have(missing, negated=True)}."
    else:
        # A tie (e.g. two versions): the side lacking the sentence is blamed, without a vote.
        kind, blamed, refs = "omission", missing, present
        message = f"A sentence of {', '.join(present)} has no counterpart in {', '.join(missing)}."
    voted = len(present) != len(missing)
    severity = "major" if substantial and voted and not only_headings else "minor" if substantial else "info"
    return [
        Divergence(
            kind=kind,
            severity=severity,
            score=0.9 if voted else 0.6,
            message=message,
            divergent=tuple(blamed),
            reference=tuple(refs),
            spans={},
            evidence={
                "signal": "alignment-gap",
                "present": present,
                "missing": missing,
                "found_in_neighbours": round(neighbour_coverage, 3),
                "split_length_share": round(length_share, 3),
            },
            signal="gaps",
        )
    ]


def added_inside(
    bead: Bead,
    neighbours: Sequence[Bead],
    langs: Sequence[str],
    words: Mapping[str, DocumentWords],
    config: OmissionConfig,
    linked: float,
) -> list[Divergence]:
    """Sentences a version adds inside a row the aligner merged (2:1): a sentence of a version
    with several sentences here whose content words link to nothing in the other versions,
    in this row or the neighbouring ones (share below `covered_by_neighbours`)."""
    out = []
    for x in langs:
        segments = bead.members.get(x, ())
        if len(segments) < 2 or not all(bead.members.get(o) for o in langs):
            continue
        others = [o for o in langs if o != x]
        pools = {o: [w for b in (bead, *neighbours) for w in words[o].pool(b.members.get(o, ()))] for o in others}
        for seg in segments:
            own = words[x].words([seg])
            if len(own) < config.min_content_words:
                continue
            share = max(coverage(own, pools[o], linked) for o in others)
            if share >= config.covered_by_neighbours:
                continue
            out.append(
                Divergence(
                    kind="addition",
                    severity="major" if len(others) >= 2 else "minor",
                    score=0.85,
                    message=f"{versions([x])} adds a sentence that {have(others, negated=True)}.",
                    divergent=(x,),
                    reference=tuple(others),
                    spans={x: ((seg.start, seg.end),)},
                    evidence={"signal": "alignment-gap", "inside_row": True, "linked_share": round(share, 3)},
                    signal="gaps",
                )
            )
    return out


def left_out_inside(
    bead: Bead,
    neighbours: Sequence[Bead],
    langs: Sequence[str],
    words: Mapping[str, DocumentWords],
    config: OmissionConfig,
    linked: float,
) -> list[Divergence]:
    """A sentence one version leaves out inside a row the aligner merged (1:2): every other
    version has more sentences here, and most of them one whose content words (two or more)
    link to nothing in that version, in this row or the neighbouring ones (share below
    `covered_by_neighbours`), but do link to another version's sentences here."""
    if len(langs) < 3 or not all(bead.members.get(l) for l in langs):
        return []
    out = []
    for x in langs:
        others = [o for o in langs if o != x]
        if any(len(bead.members[o]) <= len(bead.members[x]) for o in others):
            continue
        pool_x = [w for b in (bead, *neighbours) for w in words[x].pool(b.members.get(x, ()))]
        lost: dict[str, tuple[int, int]] = {}
        for o in others:
            for seg in bead.members[o]:
                own = words[o].words([seg])
                # short sentences count ("It was a losing battle."): the vote of the others decides
                if len(own) < 2 or coverage(own, pool_x, linked) >= config.covered_by_neighbours:
                    continue
                # said by the other versions too: it links to another version's sentences here
                shared = max(coverage(own, words[r].pool(bead.members[r]), linked) for r in others if r != o)
                if shared < config.covered_by_neighbours:
                    continue
                lost[o] = (seg.start, seg.end)
                break
        if len(lost) < 2 or len(lost) * 2 <= len(others):
            continue
        out.append(
            Divergence(
                kind="omission",
                severity="major",
                score=0.85,
                message=f"{versions([x])} leaves out a sentence that {have(others)}.",
                divergent=(x,),
                reference=tuple(others),
                spans={o: (span,) for o, span in lost.items()},
                evidence={"signal": "alignment-gap", "inside_row": True},
                signal="gaps",
            )
        )
    return out
