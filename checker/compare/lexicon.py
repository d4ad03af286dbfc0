"""Context-free word similarity: each word embedded on its own, centred by the mean of
many words of the same texts.

A second, independent view on a term: contextual token states say what a word
means here; the word alone says what it usually means. A term divergence from
word alignment is kept only when this view agrees that the words differ.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from ..protocols import Embedder

# Words sampled per document to estimate the mean vector that centring removes.
MEAN_SAMPLE = 150


class IsolatedWords:
    def __init__(self, embedder: Embedder, sample_words: Iterable[str]) -> None:
        self._embedder = embedder
        self._sample = sorted(set(sample_words))
        self._mean: np.ndarray | None = None
        self._memo: dict[str, np.ndarray] = {}

    def _vectors(self, words: list[str]) -> list[np.ndarray]:
        todo = [w for w in dict.fromkeys(words) if w not in self._memo]
        if todo:
            for w, v in zip(todo, np.asarray(self._embedder.sentence_vectors(todo), dtype=np.float32)):
                self._memo[w] = v
        return [self._memo[w] for w in words]

    def _centre(self) -> np.ndarray:
        if self._mean is None:
            sample = self._sample or ["the"]
            self._mean = np.mean(self._vectors(sample), axis=0)
        return self._mean

    def similarity(self, a: str, b: str) -> float:
        mean = self._centre()
        va, vb = (v - mean for v in self._vectors([a, b]))
        return float(va @ vb / max(float(np.linalg.norm(va) * np.linalg.norm(vb)), 1e-9))


def sample_words(texts: Iterable[str], limit: int = MEAN_SAMPLE) -> list[str]:
    """Up to `limit` distinct words of 4+ letters per text, deterministic."""
    out: list[str] = []
    for text in texts:
        words = sorted({w.strip(".,;:!?«»“”\"'()[]") for w in text.split()})
        out.extend([w for w in words if len(w) >= 4 and w.isalpha()][:limit])
    return out


def pivot_word_finder(isolated: IsolatedWords, min_similarity: float):
    """For a span of an original, the word of its English pivot that means the same out of context."""

    def find(lang: str, span_text: str, pivot: str) -> str | None:
        candidates = [w.strip(".,;:!?«»“”\"'()[]") for w in pivot.split()]
        candidates = [w for w in candidates if len(w) >= 3]
        if not candidates:
            return None
        scored = [(isolated.similarity(span_text, w), w) for w in candidates]
        best, word = max(scored)
        return word if best >= min_similarity else None

    return find
