"""Small protocols every model backend implements.

Nothing here loads a model. Backends load lazily, once, on first use, and expose
`model_id` (which goes into the report signature and into cache keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Sequence, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from .divergence.scorer import PairDivergence, Side
    from .model_catalog.presets import ModelPlan


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


@runtime_checkable
class DivergenceModel(Protocol):
    """checker's own divergence model (checker/divergence/scorer.py): P(two versions of a bead
    differ in meaning) and a P per word of each side."""

    model_id: str

    def score_sides(self, pairs: "Sequence[tuple[Side, Side]]") -> "list[PairDivergence]": ...


@dataclass(frozen=True, eq=False)
class Backends:
    """The models of one run. Here, beside the protocols, so that the backend registry and the
    cache wrappers (cached_models.py) both read it without importing each other."""

    embedder: Embedder
    words: WordEmbedder | None
    translator: Translator | None
    nli: NliScorer | None
    divergence: DivergenceModel | None = None  # checker's own model (checker/divergence)
    plan: "ModelPlan | None" = None  # the preset's models, when a preset chose them (models/presets.py)
