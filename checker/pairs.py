"""`checker pairs`: score sentence pairs from a TSV with the same comparator as `check`.

Each pair is a two-version bead. Without a vote between versions, the score
combines the signals: rule checks (numbers, dates, names, negation), the worst
word link between the two originals, sentence similarity, and NLI on the
pivots when an NLI model is configured. Where checker's divergence model runs (the default),
its P(differs) is the score, combined with sentence similarity and the word score where the
model ships a combiner (divergence/combiner.py).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .backends.registry import Backends
from .centring import centre_rows
from .compare.learned import sides_of
from .compare.wordlinks import DocumentWords, pair_divergence_score
from .config import Config
from .errors import InputError
from .facts.compare import compare_bead_facts
from .load import decode_text
from .records import Segment


@dataclass(frozen=True)
class SentencePair:
    index: int
    source: str
    target: str


def read_pairs(path: Path) -> list[SentencePair]:
    try:
        text = decode_text(path.read_bytes(), str(path))
    except FileNotFoundError:
        raise InputError(str(path), "no such file")
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["source", "target"]:
        raise InputError(str(path), "first line must be the header `source<TAB>target`")
    pairs = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < 2:
            raise InputError(f"{path}:{number}", "expected two tab-separated columns")
        pairs.append(SentencePair(len(pairs), row[0], row[1]))
    if not pairs:
        raise InputError(str(path), "no sentence pairs after the header")
    return pairs


def _segments(texts: Sequence[str], path: str, lang: str) -> list[Segment]:
    return [Segment(path, lang, i, 0, len(t), t) for i, t in enumerate(texts)]


def score_pairs(
    pairs: Sequence[SentencePair],
    source_lang: str,
    target_lang: str,
    config: Config,
    backends: Backends,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    say = progress or (lambda m: None)
    src = [p.source for p in pairs]
    tgt = [p.target for p in pairs]
    say(f"embedding {len(pairs)} pairs")
    # Each column is centred by its own mean, like a document (see centring.py).
    sv = centre_rows(np.asarray(backends.embedder.sentence_vectors(src), dtype=np.float32))
    tv = centre_rows(np.asarray(backends.embedder.sentence_vectors(tgt), dtype=np.float32))
    src_segs, tgt_segs = _segments(src, "source", source_lang), _segments(tgt, "target", target_lang)
    words_src = words_tgt = None
    if backends.words is not None:
        say("word vectors")
        words_src = DocumentWords(src_segs, source_lang, backends.words, config.compare.words)
        words_tgt = DocumentWords(tgt_segs, target_lang, backends.words, config.compare.words)
    nli_scores = _nli(pairs, source_lang, target_lang, backends) if backends.nli else None
    model_scores = None
    if backends.divergence is not None and words_src is not None and words_tgt is not None:
        say("divergence model")
        model_scores = pair_scores_of(
            [(seg.text, words_src.every_word([seg])) for seg in src_segs],
            [(seg.text, words_tgt.every_word([seg])) for seg in tgt_segs],
            backends.divergence,
        )

    same_lang = source_lang == target_lang
    records = []
    for i, pair in enumerate(pairs):
        sentence_cos = float(sv[i] @ tv[i])
        # 1 - cos of centred vectors: about 0.3-0.6 for translations, near 1 for unrelated sentences
        sentence_score = float(np.clip(1.0 - sentence_cos, 0.0, 1.0))
        word_score = 0.0
        if words_src is not None and words_tgt is not None:
            word_score = pair_divergence_score(
                {"s": words_src.words([src_segs[i]]), "t": words_tgt.words([tgt_segs[i]])},
                {"s": words_src.pool([src_segs[i]]), "t": words_tgt.pool([tgt_segs[i]])},
            )
        keys = ("a", "b") if same_lang else (source_lang, target_lang)
        fact_hits = compare_bead_facts({keys[0]: pair.source, keys[1]: pair.target}) if not same_lang else []
        parts = [sentence_score, word_score]
        score = float(np.mean(parts))
        # log of the mean word count per side: a long sentence has more room for an error
        length = math.log1p((len(pair.source.split()) + len(pair.target.split())) / 2)
        signals = {"sentence": sentence_score, "words": word_score, "length": length}
        if model_scores is not None:
            # where the model runs its P is the score, with the other signals where it has a
            # combiner fitted on held-out training documents (divergence/combiner.py)
            signals["model"] = float(model_scores[i])
            combiner = getattr(backends.divergence, "combiner", None)
            score = combiner.score(signals) if combiner is not None else signals["model"]
        if fact_hits:
            score = max(score, 0.9)
        record: dict[str, Any] = {
            "index": pair.index,
            "score": round(score, 6),
            "signals": {name: round(value, 6) for name, value in signals.items()},
        }
        if fact_hits:
            record["rules"] = [f.rule for f in fact_hits]
        if nli_scores is not None:
            nli = nli_scores[i]
            record["signals"]["nli"] = round(nli, 4)
            score = max(score, nli)
            record["score"] = round(score, 4)
        record["divergent"] = score >= config.compare.pair_threshold
        records.append(record)
    return records


def pair_scores_of(source: Sequence[tuple[str, Sequence]], target: Sequence[tuple[str, Sequence]], scorer) -> list[float]:
    """The divergence model's P(differs) for each (source, target) pair of (text, every word of it)."""
    pairs = []
    for (text_s, words_s), (text_t, words_t) in zip(source, target):
        sides = sides_of({"s": words_s, "t": words_t}, {"s": text_s, "t": text_t}, {"s": 0, "t": 0})
        pairs.append((sides["s"], sides["t"]))
    return [d.probability for d in scorer.score_sides(pairs)]


def _nli(pairs: Sequence[SentencePair], source_lang: str, target_lang: str, backends: Backends) -> list[float]:
    """1 - the weaker entailment of the two pivots (both directions)."""
    def english(texts: list[str], lang: str) -> list[str]:
        if lang == "en" or backends.translator is None:
            return texts
        return backends.translator.translate(texts, lang)

    a = english([p.source for p in pairs], source_lang)
    b = english([p.target for p in pairs], target_lang)
    forward = backends.nli.score(list(zip(a, b)))
    backward = backends.nli.score(list(zip(b, a)))
    return [1.0 - min(f.entail, r.entail) for f, r in zip(forward, backward)]
