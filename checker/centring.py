"""Centred cosine similarity.

Multilingual e5 vectors of any two sentences sit at cosine 0.8-0.95, so raw
cosine hardly separates a translation from a sentence on the same topic.
Subtracting the document's mean vector removes what all its sentences share
(language, topic) and leaves what each says: translations then score 0.4-0.7,
other sentences below 0.2 (measured on seeds/, see README).
"""

from __future__ import annotations

import numpy as np

# A mean over very few sentences is mostly the sentences themselves; centring
# is phased in up to this many rows.
FULL_CENTRING_ROWS = 5


def centre_rows(vectors: np.ndarray, mean: np.ndarray | None = None) -> np.ndarray:
    """Rows minus their (or a given) mean, L2-normalised."""
    if len(vectors) == 0:
        return vectors
    if mean is None:
        weight = min(1.0, (len(vectors) - 1) / (FULL_CENTRING_ROWS - 1))
        mean = vectors.mean(axis=0) * weight
    centred = vectors - mean
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    return centred / np.maximum(norms, 1e-9)


def normalised(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-9)
