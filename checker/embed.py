"""Sentence vectors for the segments that carry content (body and headings)."""

from __future__ import annotations

from dataclasses import dataclass

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

    def row_of(self, segment: Segment) -> int:
        """Row of a content segment in `vectors` / `centred`."""
        rows = self.__dict__.get("_rows")
        if rows is None:
            rows = {s.index: i for i, s in enumerate(self.segments)}
            object.__setattr__(self, "_rows", rows)
        return rows[segment.index]


def embed_document(document: Document, segments: list[Segment], embedder: Embedder) -> EmbeddedDocument:
    content = tuple(s for s in segments if s.kind != "boilerplate")
    boilerplate = tuple(s for s in segments if s.kind == "boilerplate")
    if content:
        vectors = np.asarray(embedder.sentence_vectors([s.text for s in content]), dtype=np.float32)
    else:
        vectors = np.zeros((0, 1), dtype=np.float32)
    return EmbeddedDocument(document, content, boilerplate, vectors, centre_rows(vectors))
