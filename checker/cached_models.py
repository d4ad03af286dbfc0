"""Model backends behind the persistent cache (checker/cache.py).

Each wrapper implements the same protocol as the backend it wraps: it looks every
text up first, sends only the misses to the backend, in one batch and each distinct
text once, and stores what came back. The backend loads its weights lazily, so a run
where every text is a hit never loads a model at all.

Results are float32 on both paths (a hit is decoded from float32 bytes; a miss is
cast the same way), so a cold and a warm run produce identical findings.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np

from .cache import CacheStore
from .protocols import Backends, DivergenceModel, Embedder, NliScorer, NliScores, WordEmbedder, WordVector


def _misses(texts: Sequence, found: dict) -> list:
    """Distinct texts not found, in first-seen order."""
    return [t for t in dict.fromkeys(texts) if t not in found]


class CachedEmbedder:
    """An Embedder whose sentence vectors are cached per model id and text."""

    def __init__(self, inner: Embedder, store: CacheStore) -> None:
        self.inner = inner
        self.store = store
        self.model_id = inner.model_id

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.asarray(self.inner.sentence_vectors([]), dtype=np.float32)
        found = self.store.get_sentence_vectors(self.model_id, texts)
        todo = _misses(texts, found)
        if todo:
            fresh = np.asarray(self.inner.sentence_vectors(todo), dtype=np.float32).reshape(len(todo), -1)
            computed = dict(zip(todo, fresh))
            self.store.put_sentence_vectors(self.model_id, computed.items())
            found.update(computed)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)


class CachedWordEmbedder:
    """A WordEmbedder whose per-text word lists (offsets and vectors) are cached."""

    def __init__(self, inner: WordEmbedder, store: CacheStore) -> None:
        self.inner = inner
        self.store = store
        self.model_id = inner.model_id

    def word_vectors(self, text: str) -> list[WordVector]:
        return self.word_vectors_batch([text])[0]

    def word_vectors_batch(self, texts: Sequence[str]) -> list[list[WordVector]]:
        """word_vectors() of many texts; the misses go to the backend together (one encoder
        pass where the backend has word_vectors_batch)."""
        texts = list(texts)
        found = self.store.get_word_vectors(self.model_id, texts) if texts else {}
        todo = _misses(texts, found)
        if todo:
            batch = getattr(self.inner, "word_vectors_batch", None)
            fresh = batch(todo) if batch else [self.inner.word_vectors(t) for t in todo]
            computed = {t: [replace(w, vector=np.asarray(w.vector, dtype=np.float32)) for w in words] for t, words in zip(todo, fresh)}
            self.store.put_word_vectors(self.model_id, computed.items())
            found.update(computed)
        return [found[t] for t in texts]


class CachedNli:
    """An NliScorer whose scores are cached per model id and (premise, hypothesis)."""

    def __init__(self, inner: NliScorer, store: CacheStore) -> None:
        self.inner = inner
        self.store = store
        self.model_id = inner.model_id

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        pairs = [(p, h) for p, h in pairs]
        found = self.store.get_nli(self.model_id, pairs) if pairs else {}
        todo = _misses(pairs, found)
        if todo:
            scores = self.inner.score(todo)
            computed = {p: NliScores(float(s.entail), float(s.neutral), float(s.contradict)) for p, s in zip(todo, scores)}
            self.store.put_nli(self.model_id, computed.items())
            found.update(computed)
        return [found[p] for p in pairs]


class CachedDivergence:
    """A DivergenceModel whose verdicts are cached per model id and pair of sides (text and
    word offsets). Only the cross model's: the head's inputs are centred by the document's
    mean, so the same two texts in another document get other inputs (its version sets are
    reused whole instead, reuse.py)."""

    def __init__(self, inner: DivergenceModel, store: CacheStore) -> None:
        self.inner = inner
        self.store = store
        self.model_id = inner.model_id
        self.combiner = getattr(inner, "combiner", None)
        self.doubt_negation = getattr(inner, "doubt_negation", None)

    @staticmethod
    def _key(side) -> str:
        return side.text + "\x00" + ",".join(f"{a}:{b}" for a, b in side.words)

    def score_sides(self, pairs):
        from .divergence.scorer import PairDivergence

        keys = [(self._key(a), self._key(b)) for a, b in pairs]
        found = self.store.get_divergence(self.model_id, keys) if keys else {}
        todo = _misses(keys, found)
        if todo:
            pair_of = dict(zip(keys, pairs))
            fresh = self.inner.score_sides([pair_of[k] for k in todo])
            computed = {k: (float(d.probability), np.asarray(d.tags_a, np.float32), np.asarray(d.tags_b, np.float32))
                        for k, d in zip(todo, fresh)}
            self.store.put_divergence(self.model_id, computed.items())
            found.update(computed)
        return [PairDivergence(*found[k]) for k in keys]


def cached_backends(backends: Backends, store: CacheStore) -> Backends:
    """`backends` with the embedder, word embedder, NLI scorer and cross divergence model behind
    `store`. Translations are cached by the pivot stage itself (pivot.py, through `store.translations`)."""
    divergence = backends.divergence
    if divergence is not None and getattr(divergence, "cacheable", False):
        divergence = CachedDivergence(divergence, store)
    return replace(
        backends,
        embedder=CachedEmbedder(backends.embedder, store),
        words=CachedWordEmbedder(backends.words, store) if backends.words is not None else None,
        nli=CachedNli(backends.nli, store) if backends.nli is not None else None,
        divergence=divergence,
    )
