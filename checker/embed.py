"""Sentence vectors for the segments that carry content (body and headings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .centring import centre_rows
from .protocols import Embedder
from .records import Document, Segment


@dataclass(frozen=True, eq=False)
class EmbeddedDocument:
    """A document's content segments with raw and centred sentence vectors (row i = segment i)."""

    document: Document
    segments: tuple[Segment, ...]  # content segments only, in order
    boilerplate: tuple[Segment, ...]
    vectors: np.ndarray
    centred: np.ndarray
    unembedded: frozenset[int] = frozenset()  # indexes of content segments left without a vector (zero rows)

    def has_vectors(self, segments: Sequence[Segment]) -> bool:
        return not any(s.index in self.unembedded for s in segments)

    def row_of(self, segment: Segment) -> int:
        """Row of a content segment in `vectors` / `centred`."""
        rows = self.__dict__.get("_rows")
        if rows is None:
            rows = {s.index: i for i, s in enumerate(self.segments)}
            object.__setattr__(self, "_rows", rows)
        return rows[segment.index]


def embed_document(
    document: Document, segments: list[Segment], embedder: Embedder, skip: Callable[[Segment], bool] | None = None
) -> EmbeddedDocument:
    """`skip`: segments that get no vector (a zero row, left out of the centring mean): a
    catalogue's short labels, which keys align and no vector signal may judge alone."""
    content = tuple(s for s in segments if s.kind != "boilerplate")
    boilerplate = tuple(s for s in segments if s.kind == "boilerplate")
    if not content:
        return EmbeddedDocument(document, content, boilerplate, np.zeros((0, 1), np.float32), np.zeros((0, 1), np.float32))
    wanted = [i for i, s in enumerate(content) if skip is None or not skip(s)]
    found = np.asarray(embedder.sentence_vectors([content[i].text for i in wanted]), dtype=np.float32)
    vectors = np.zeros((len(content), found.shape[1] if found.ndim == 2 else 1), dtype=np.float32)
    centred = vectors.copy()
    if wanted:
        vectors[wanted] = found
        centred[wanted] = centre_rows(found)
    kept = set(wanted)
    unembedded = frozenset(s.index for i, s in enumerate(content) if i not in kept)
    return EmbeddedDocument(document, content, boilerplate, vectors, centred, unembedded)
