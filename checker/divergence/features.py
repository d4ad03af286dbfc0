"""Word vectors of every text of a training corpus: embedded once, kept in shards, centred per group.

The model reads what `compare.wordlinks.DocumentWords` gives a check: each word's contextual
vector minus the mean word vector of its document, normalised. Here a "document" is the
text's `group` (an NTREX document in one language, one side of an MQM domain), and the mean
is taken over the group's original texts, so a perturbed sentence is centred like the
sentence it replaced. Embedding is the slow part (tens of ms per sentence on 2 cores), so
it is written in shards of `SHARD` texts and a restarted run carries on where it stopped.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..centring import centre_rows
from ..protocols import WordEmbedder
from .examples import Text

SHARD = 400


@dataclass(frozen=True)
class WordMatrix:
    """One text's words: character spans and centred, normalised vectors (float16 at rest)."""

    spans: np.ndarray  # int32 [n, 2]
    vectors: np.ndarray  # [n, dim]


def word_tags(spans: np.ndarray, divergent: Sequence[tuple[int, int]]) -> np.ndarray:
    """1.0 for each word overlapping a divergent character span, else 0.0."""
    tags = np.zeros(len(spans), dtype=np.float32)
    for s, e in divergent:
        tags[(spans[:, 0] < e) & (spans[:, 1] > s)] = 1.0
    return tags


def _embed_shard(embedder: WordEmbedder, texts: Sequence[str]) -> dict[str, np.ndarray]:
    batch = getattr(embedder, "word_vectors_batch", None)
    per_text = batch(list(texts)) if batch else [embedder.word_vectors(t) for t in texts]
    counts = np.array([len(words) for words in per_text], dtype=np.int64)
    dim = next((len(w.vector) for words in per_text for w in words), 0)
    vectors = np.zeros((int(counts.sum()), dim), dtype=np.float32)
    spans = np.zeros((int(counts.sum()), 2), dtype=np.int32)
    row = 0
    for words in per_text:
        for w in words:
            vectors[row] = w.vector
            spans[row] = (w.start, w.end)
            row += 1
    return {"counts": counts, "vectors": vectors, "spans": spans}


def embed_corpus(texts: Sequence[Text], embedder: WordEmbedder, folder: Path,
                 progress: Callable[[str], None] | None = None) -> list[WordMatrix]:
    """Raw word vectors of `texts` (shards in `folder`, reused when present), then centred per group."""
    say = progress or (lambda m: print(m, file=sys.stderr, flush=True))
    folder.mkdir(parents=True, exist_ok=True)
    shards = []
    started = time.monotonic()
    total = (len(texts) + SHARD - 1) // SHARD
    for number, first in enumerate(range(0, len(texts), SHARD)):
        path = folder / f"shard-{number:04d}-{SHARD}.npz"
        if not path.is_file():
            data = _embed_shard(embedder, [t.text for t in texts[first : first + SHARD]])
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, **data)
            tmp.replace(path)  # a killed run never leaves half a shard
            done = number + 1
            say(f"embedded shard {done}/{total} ({(time.monotonic() - started) / 60:.1f} min)")
        with np.load(path) as data:
            shards.append({k: data[k] for k in ("counts", "vectors", "spans")})
    raw: list[tuple[np.ndarray, np.ndarray]] = []
    for shard in shards:
        row = 0
        for count in shard["counts"]:
            raw.append((shard["spans"][row : row + count], shard["vectors"][row : row + count]))
            row += int(count)
    return centre_by_group(texts, raw)


def centre_by_group(texts: Sequence[Text], raw: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[WordMatrix]:
    sums: dict[str, np.ndarray] = {}
    counts: dict[str, int] = {}
    for text, (_, vectors) in zip(texts, raw):
        if text.original and len(vectors):
            sums[text.group] = sums.get(text.group, 0) + vectors.sum(axis=0)
            counts[text.group] = counts.get(text.group, 0) + len(vectors)
    out = []
    for text, (spans, vectors) in zip(texts, raw):
        mean = sums[text.group] / counts[text.group] if text.group in sums else 0.0
        # the same centring and normalisation as DocumentWords (wordlinks.py)
        centred = centre_rows(np.asarray(vectors, dtype=np.float32), np.asarray(mean, dtype=np.float32))
        out.append(WordMatrix(spans.astype(np.int32), centred.astype(np.float16)))
    return out
