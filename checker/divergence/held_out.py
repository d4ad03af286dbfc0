"""The held-out training pairs (documents the model never saw), scored as `checker pairs` scores
them: what the combiner is fitted on and what benchmarks/divergence_kinds.py reports per kind.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .examples import NTREX_CHECKER_CODES, Corpus, PairExample


@dataclass(frozen=True)
class ScoredPair:
    example: PairExample
    signals: dict[str, float]  # pairs.py's signals: model (a logit), sentence, words, length


def score_held_out(corpus: Corpus, model_folder: Path, progress: bool = True) -> list[ScoredPair]:
    """Every `valid` example of `corpus`, grouped by language pair and scored by checker's own
    `score_pairs` with the divergence model in `model_folder`."""
    from ..backends.registry import build_backends
    from ..config import load_config, with_settings
    from ..pairs import SentencePair, score_pairs

    config = with_settings(load_config(None), {"divergence": str(model_folder)}, "held-out pairs")
    backends = build_backends(config)
    groups: dict[tuple[str, str], list[PairExample]] = {}
    for e in corpus.examples:
        if e.split == "valid":
            la, lb = (NTREX_CHECKER_CODES.get(corpus.texts[x].lang, corpus.texts[x].lang) for x in (e.a, e.b))
            groups.setdefault((la, lb), []).append(e)
    scored: list[ScoredPair] = []
    for n, ((la, lb), examples) in enumerate(sorted(groups.items()), start=1):
        pairs = [SentencePair(k, corpus.texts[e.a].text, corpus.texts[e.b].text) for k, e in enumerate(examples)]
        records = sorted(score_pairs(pairs, la, lb, config, backends), key=lambda r: r["index"])
        scored += [ScoredPair(e, r["signals"]) for e, r in zip(examples, records)]
        if progress:
            print(f"held-out pairs: {n}/{len(groups)} language pairs scored ({len(scored)} pairs)", file=sys.stderr, flush=True)
    return scored
