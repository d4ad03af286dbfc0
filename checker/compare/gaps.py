"""Omission and addition: beads where some versions have no sentence at all (1:0, 0:1).

Before blaming, the gap is checked against the neighbouring beads: a version that
split or merged sentences differently still says the same thing, only one bead
over. When most content words of the lone sentence(s) find a partner in the
neighbouring sentences of the other side, the gap is a segmentation difference,
not a divergence.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from ..config import OmissionConfig
from ..records import Bead
from .divergence import Divergence
from .wordlinks import DocumentWords, LocatedWord, best_partner, is_content_word


def _content_words(bead: Bead, lang: str, min_chars: int) -> int:
    return sum(1 for w in bead.text(lang).split() if is_content_word(w.strip(".,;:!?«»“”\"'()"), lang, min_chars))


def coverage(words: Sequence[LocatedWord], pool: Sequence[LocatedWord], linked: float) -> float:
    """Share of `words` with a partner in `pool` (contextual cosine >= linked)."""
    if not words or not pool:
        return 0.0
    return float((best_partner([w.vector for w in words], list(pool)) >= linked).mean())


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


def compare_gaps(
    bead: Bead,
    all_langs: Sequence[str],
    config: OmissionConfig,
    min_word_chars: int,
    neighbour_coverage: float = 0.0,
) -> list[Divergence]:
    present = [l for l in all_langs if bead.members.get(l)]
    missing = [l for l in all_langs if not bead.members.get(l)]
    if not present or not missing:
        return []
    if neighbour_coverage >= config.covered_by_neighbours:
        return []  # said one bead over: sentences split or merged differently
    only_headings = all(s.kind == "heading" for l in present for s in bead.members[l])
    substantial = min(_content_words(bead, l, min_word_chars) for l in present) >= config.min_content_words
    if len(present) > len(missing):
        kind, blamed, refs = "omission", missing, present
        message = f"The {', '.join(missing)} version leaves out a sentence that {', '.join(present)} have."
    elif len(present) < len(missing):
        kind, blamed, refs = "addition", present, missing
        message = f"The {', '.join(present)} version adds a sentence that {', '.join(missing)} do not have."
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
            },
            signal="gaps",
        )
    ]
