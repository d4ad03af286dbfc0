"""A small calibrated combiner of the pair signals: the model's P, sentence distance, word score, length.

The cross model reads both sentences token by token; the sentence vectors' distance and the
worst word link (compare/wordlinks.py) see the whole sentence moving away and a word left
without partner; a long sentence has more room for an error (the log of its mean word count
per side). A logistic regression over the four (the model's P as a logit) is fitted on
the held-out documents of the training corpus (never on the dev sets) and stored in the
model's config.json (`combiner`); `checker pairs` scores with it where the model has one.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

FEATURES = ("model", "sentence", "words", "length")


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class Combiner:
    weights: tuple[float, ...]  # in FEATURES order
    bias: float

    def features(self, signals: dict[str, float]) -> list[float]:
        return [_logit(signals["model"]), signals["sentence"], signals["words"], signals["length"]]

    def score(self, signals: dict[str, float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, self.features(signals)))
        return 1.0 / (1.0 + math.exp(-z))

    def as_dict(self) -> dict:
        return {"features": list(FEATURES), **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict) -> "Combiner":
        if list(data.get("features", [])) != list(FEATURES):
            raise ValueError(f"combiner features {data.get('features')} are not {list(FEATURES)}")
        return cls(tuple(float(w) for w in data["weights"]), float(data["bias"]))

    @classmethod
    def fit(cls, signals: Sequence[dict[str, float]], labels: Sequence[int], l2: float = 1e-2, steps: int = 50,
            sample_weights: Sequence[float] | None = None) -> "Combiner":
        """Logistic regression by Newton's method (4 features: no library needed), L2 on the weights;
        `sample_weights` (mean 1 or not: they are normalised) weigh the pairs' losses."""
        probe = cls((0.0,) * len(FEATURES), 0.0)
        x = np.array([probe.features(s) + [1.0] for s in signals], dtype=np.float64)
        y = np.asarray(labels, dtype=np.float64)
        r = np.ones(len(y)) if sample_weights is None else np.asarray(sample_weights, dtype=np.float64)
        r = r / r.mean()
        w = np.zeros(x.shape[1])
        penalty = np.diag([l2] * len(FEATURES) + [0.0])
        for _ in range(steps):
            p = 1.0 / (1.0 + np.exp(-(x @ w)))
            gradient = x.T @ (r * (p - y)) / len(y) + penalty @ w
            hessian = (x * (r * p * (1 - p))[:, None]).T @ x / len(y) + penalty
            step = np.linalg.solve(hessian, gradient)
            w -= step
            if np.abs(step).max() < 1e-8:
                break
        return cls(tuple(float(v) for v in w[:-1]), float(w[-1]))
