"""Small protocols every model backend implements.

Nothing here loads a model. Backends load lazily, once, on first use, and expose
`model_id` (which goes into the report signature and into cache keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable

import numpy as np


@runtime_checkable
class Translator(Protocol):
    """Translates sentences of one source language into English."""

    model_id: str

    def translate(self, texts: Sequence[str], source_lang: str) -> list[str]: ...


@runtime_checkable
class Embedder(Protocol):
    """Multilingual sentence vectors, L2-normalised, one row per text."""

    model_id: str

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class WordVector:
    """A word of a text with its character offsets and a contextual vector."""

    start: int
    end: int
    text: str
    vector: np.ndarray


@runtime_checkable
class WordEmbedder(Protocol):
    """Contextual vectors per word (mean of the word's sub-word pieces)."""

    model_id: str

    def word_vectors(self, text: str) -> list[WordVector]: ...


@dataclass(frozen=True)
class NliScores:
    """Probabilities that the premise entails / is neutral to / contradicts the hypothesis."""

    entail: float
    neutral: float
    contradict: float


@runtime_checkable
class NliScorer(Protocol):
    model_id: str

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        """Scores (premise, hypothesis) pairs."""
        ...
