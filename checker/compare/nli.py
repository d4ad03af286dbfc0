"""Natural-language inference over the English pivots, in both directions.

Used when an NLI model is configured. A version is blamed when its pivot and
every other version's pivot fail to entail each other (or contradict) while
the others entail each other.
"""

from __future__ import annotations

from itertools import permutations
from typing import Mapping

from ..config import CompareConfig
from ..protocols import NliScorer, NliScores
from .divergence import Divergence


def compare_nli(
    pivots: Mapping[str, str],
    scorer: NliScorer,
    config: CompareConfig,
    chrf_scores: Mapping[tuple[str, str], float],
) -> list[Divergence]:
    langs = [l for l, p in pivots.items() if p.strip()]
    if len(langs) < 2:
        return []
    def near_identical(a: str, b: str) -> bool:
        return chrf_scores.get(tuple(sorted((a, b))), 0.0) >= config.chrf_skip_nli

    ordered = [(a, b) for a, b in permutations(langs, 2) if not near_identical(a, b)]
    scores: dict[tuple[str, str], NliScores] = dict(
        zip(ordered, scorer.score([(pivots[a], pivots[b]) for a, b in ordered]))
    ) if ordered else {}

    def disagree(a: str, b: str) -> bool:
        if near_identical(a, b):
            return False
        ab, ba = scores[(a, b)], scores[(b, a)]
        return (
            min(ab.entail, ba.entail) < config.nli_entail_min
            or max(ab.contradict, ba.contradict) > config.nli_contradict_max
        )

    found = []
    for x in langs:
        refs = [r for r in langs if r != x]
        if not all(disagree(x, r) for r in refs):
            continue
        if len(refs) >= 2 and any(disagree(a, b) for a in refs for b in refs if a < b):
            continue  # the others do not agree either: no vote
        directions = [(a, b) for r in refs for a, b in ((x, r), (r, x)) if (a, b) in scores]
        worst_contra = max(scores[d].contradict for d in directions)
        worst_entail = min(scores[d].entail for d in directions)
        evidence = {
            "signal": "nli",
            # the contract's summary: the weakest entailment and strongest contradiction ...
            "nli": {"entail": round(worst_entail, 3), "contradict": round(worst_contra, 3)},
            # ... and every direction that was scored
            "nli_pairs": {
                f"{a}->{b}": {"entail": round(scores[(a, b)].entail, 3), "contradict": round(scores[(a, b)].contradict, 3)}
                for a, b in directions
            },
        }
        found.append(
            Divergence(
                kind="meaning",
                severity="major" if worst_contra > config.nli_contradict_max else "minor",
                score=max(worst_contra, 1.0 - worst_entail),
                message=(
                    f"The English pivots of {x} and {', '.join(refs)} do not entail each other"
                    + (" (contradiction)." if worst_contra > config.nli_contradict_max else ".")
                ),
                divergent=(x,) if refs and len(refs) >= 2 else (x, *refs),
                reference=tuple(refs) if len(refs) >= 2 else (),
                evidence=evidence,
                signal="nli",
            )
        )
        if len(refs) == 1:
            break  # two versions: one finding blames both
    return found
