"""Sentence-level disagreement: one version's sentence is far from the others' while they agree.

Catches a sentence replaced by another; word alignment and rules catch the finer changes.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from ..config import SentenceConfig
from .divergence import Divergence


def compare_sentences(vectors: Mapping[str, np.ndarray], config: SentenceConfig) -> list[Divergence]:
    """`vectors`: per present language the bead's centred, normalised sentence vector."""
    langs = list(vectors)
    if len(langs) < 3:
        return []
    found = []
    for x in langs:
        refs = [r for r in langs if r != x]
        to_x = [float(vectors[x] @ vectors[r]) for r in refs]
        among = [float(vectors[a] @ vectors[b]) for i, a in enumerate(refs) for b in refs[i + 1 :]]
        if max(to_x) < config.low and min(among) - max(to_x) >= config.margin:
            score = float(np.clip(min(among) - max(to_x), 0.0, 1.0))
            found.append(
                Divergence(
                    kind="meaning",
                    severity="major",
                    score=score,
                    message=f"The {x} sentence says something else than the {', '.join(refs)} versions, which agree.",
                    divergent=(x,),
                    reference=tuple(refs),
                    evidence={
                        "signal": "sentence-similarity",
                        "similarity_to_others": [round(v, 3) for v in to_x],
                        "similarity_among_others": [round(v, 3) for v in among],
                    },
                    signal="similarity",
                )
            )
    return found
