"""Inference with a divergence model, checked by sha256: `open_divergence_model(folder)`.

Two kinds, named by the folder's config.json (`kind`):

- `cross` (checker-divergence-4, models/divergence-4/): e5's lower layers per sentence, its
  trained top layers over the two sentences together (cross.py). Reads each side's text.
- `head` (checker-divergence-1, models/divergence/): a small head over the word vectors a
  check already has (`compare.wordlinks.DocumentWords`: contextual word vectors, centred by
  their document's mean and normalised): 2-5 ms of CPU per pair of 40-word sentences on 2
  cores (benchmarks/divergence_speed.py).

Both take pairs of `Side`s (a version's text of a bead, its words and their vectors) and give
a `PairDivergence` per pair: P(differs) and a P per word of each side. Pairs are batched by length.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..errors import ModelUnavailableError
from .combiner import Combiner

WEIGHTS = "head.safetensors"
CONFIG = "config.json"
# models/ of the checkout, through the checker/shipped_models link (package data in a wheel)
SHIPPED_DIR = Path(__file__).resolve().parent.parent / "shipped_models"
# Words read per side at inference: a bead is a few sentences; more than this is a paragraph
# and the tail is scored as its own pair by nothing, so keep the limit generous.
MAX_WORDS = 384
_CROSS_CHUNK = 256  # pairs whose texts' lower states are held at once


@dataclass(frozen=True)
class Side:
    """One version of a pair as the models read it: its text (the version's original text of
    the bead, compare/learned.sides_of), its words as (start, end) offsets into that text, and
    their word vectors."""

    text: str
    words: tuple[tuple[int, int], ...]
    vectors: np.ndarray  # (len(words), dim): the head reads these, the cross model the text

    @classmethod
    def of_text(cls, text: str) -> "Side":
        """A side for a cross model alone: the text and its words, no word vectors (the head
        needs a check's centred vectors, compare/learned.sides_of)."""
        from ..backends.e5 import split_words

        words = tuple(split_words(text))
        return cls(text, words, np.zeros((len(words), 1), np.float32))


@dataclass(frozen=True)
class PairDivergence:
    """P(the two texts differ in meaning) and, per word of each side, P(this word diverges)."""

    probability: float
    tags_a: np.ndarray
    tags_b: np.ndarray


def _read_config(folder: Path) -> dict:
    config_path = folder / CONFIG
    if not config_path.is_file():
        raise ModelUnavailableError(
            f"divergence model not found in {folder} (expected {CONFIG} and its weights); it ships in the "
            "checkout's models/, or train one with scripts/train_divergence.py, or run with --divergence none"
        )
    try:
        return json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"{config_path}: unreadable model configuration ({exc})") from exc


def open_divergence_model(folder: Path, sha256: str | None = None, cache_dir: Path | None = None,
                          encoder: Any = None) -> "DivergenceScorer | CrossScorer":
    """The scorer for the model in `folder`, by its config's kind. `encoder` (an E5Encoder)
    computes the cross model's lower states; the head needs none."""
    folder = Path(folder)
    if _read_config(folder).get("kind", "head") == "cross":
        return CrossScorer(folder, sha256, cache_dir, encoder)
    return DivergenceScorer(folder, sha256, cache_dir)


def _doubt_threshold(stored: Any, path: Path) -> float | None:
    """config.json's "doubt_negation" (negation_doubt.py's calibration, or a bare number written
    by hand) as a threshold; None when the model has none."""
    if stored is None:
        return None
    value = stored.get("threshold") if isinstance(stored, dict) else stored
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ModelUnavailableError(
            f"{path}: \"doubt_negation\" must be a probability threshold between 0 and 1 (or "
            f"{{\"threshold\": ...}} as the training script writes it), not {stored!r}"
        )
    return float(value)


class _Weights:
    """A model folder's config and weights file, the weights checked by sha256 before loading."""

    weights_name = WEIGHTS

    def __init__(self, folder: Path, sha256: str | None = None, cache_dir: Path | None = None) -> None:
        self.folder = Path(folder)
        self.config = _read_config(self.folder)
        if not (self.folder / self.weights_name).is_file():
            raise ModelUnavailableError(
                f"divergence model not found in {self.folder} (expected {self.weights_name} and {CONFIG}); it ships "
                "in the checkout's models/, or train one with scripts/train_divergence.py, or run with --divergence none"
            )
        self.model_id = f"{self.config.get('name', 'checker-divergence')}-{self.config.get('version', '0')}"
        if sha256 is None:
            # a folder of one's own (a checkpoint, a retrained model): its name says too little for
            # cache keys and run signatures, so the weights' hash goes into the id
            from ..backends.model_files import file_sha256

            self.model_id += f"@{file_sha256(self.folder / self.weights_name)[:12]}"
        # the pair score of `checker pairs`: the model's P with the sentence and word signals (combiner.py)
        self.combiner = Combiner.from_dict(self.config["combiner"]) if "combiner" in self.config else None
        # below this P a negation finding is doubted (compare/learned.py; calibrated by negation_doubt.py)
        self.doubt_negation = _doubt_threshold(self.config.get("doubt_negation"), self.folder / CONFIG)
        self._sha256 = sha256
        self._cache_dir = cache_dir
        self._model = None

    def _loaded(self, model: Any) -> Any:
        """`model` with the folder's weights (sha256 checked), float32, in eval mode."""
        from safetensors.torch import load_file

        model.load_state_dict({k: v.float() for k, v in load_file(str(self._checked_weights())).items()})
        return model.eval()

    def _checked_weights(self) -> Path:
        from ..backends.model_files import verify_sha256
        from ..cache import default_cache_dir

        weights = self.folder / self.weights_name
        if self._sha256:
            verify_sha256(weights, self._sha256, self._cache_dir or default_cache_dir(),
                          f"restore {self.folder.name}/ from the checkout (git checkout models/{self.folder.name})")
        return weights


class DivergenceScorer(_Weights):
    """checker-divergence-1: the head over word vectors. Loads lazily, once. `model_id` names
    the weights (name and version from config.json)."""

    def score_sides(self, pairs: Sequence[tuple[Side, Side]]) -> list[PairDivergence]:
        return self.score([(a.vectors, b.vectors) for a, b in pairs])

    def _load(self):
        if self._model is not None:
            return self._model
        import torch

        from .head import DivergenceHead, HeadConfig

        model = self._loaded(DivergenceHead(HeadConfig(**self.config["head"])))
        self._torch = torch
        self._model = model
        return model

    def score(self, pairs: Sequence[tuple[np.ndarray, np.ndarray]], batch: int = 64) -> list[PairDivergence]:
        """`pairs`: (word vectors of a [n, dim], word vectors of b [m, dim]). A side without
        words scores 0 (nothing to compare)."""
        model = self._load()
        torch = self._torch
        out: list[PairDivergence | None] = [None] * len(pairs)
        todo = [i for i, (a, b) in enumerate(pairs) if len(a) and len(b)]
        for i, (a, b) in enumerate(pairs):
            if i not in set(todo):
                out[i] = PairDivergence(0.0, np.zeros(len(a), np.float32), np.zeros(len(b), np.float32))
        todo.sort(key=lambda i: max(len(pairs[i][0]), len(pairs[i][1])))  # similar lengths pad less
        with torch.inference_mode():
            for first in range(0, len(todo), batch):
                chunk = todo[first : first + batch]
                xa, ma = _pad([pairs[i][0][:MAX_WORDS] for i in chunk])
                xb, mb = _pad([pairs[i][1][:MAX_WORDS] for i in chunk])
                logit, tags_a, tags_b = model(torch.from_numpy(xa), torch.from_numpy(ma), torch.from_numpy(xb), torch.from_numpy(mb))
                p = torch.sigmoid(logit).numpy()
                ta, tb = torch.sigmoid(tags_a).numpy(), torch.sigmoid(tags_b).numpy()
                for row, i in enumerate(chunk):
                    na, nb = min(len(pairs[i][0]), MAX_WORDS), min(len(pairs[i][1]), MAX_WORDS)
                    out[i] = PairDivergence(
                        float(p[row]),
                        _full(ta[row, :na], len(pairs[i][0])),
                        _full(tb[row, :nb], len(pairs[i][1])),
                    )
        return out  # type: ignore[return-value]


class CrossScorer(_Weights):
    """checker-divergence-2 to -4: e5's lower layers once per text (through `encoder`) and the
    trained top layers over each pair."""

    weights_name = "cross.safetensors"
    cacheable = True  # a pair's verdict depends on the two sides alone (cached_models.CachedDivergence)

    def __init__(self, folder: Path, sha256: str | None = None, cache_dir: Path | None = None, encoder: Any = None) -> None:
        super().__init__(folder, sha256, cache_dir)
        self._encoder = encoder
        model = self.config.get("model", {})
        if encoder is not None and hasattr(encoder, "keep_lower_states") and "base_layers" in model:
            # the check's own e5 pass keeps the lower states this model reads (no second pass)
            encoder.keep_lower_states(model["base_layers"], model.get("max_tokens", 128))

    def _load(self):
        if self._model is not None:
            return self._model
        from .cross import CrossConfig, CrossTop

        self._model = self._loaded(CrossTop(CrossConfig(**self.config["model"])))
        if self._encoder is None:
            from ..backends.e5 import E5Encoder

            self._encoder = E5Encoder()
        return self._model

    def score_sides(self, pairs: Sequence[tuple[Side, Side]]) -> list[PairDivergence]:
        """A side without words scores 0 against anything (nothing to compare)."""
        from .cross import join, score, word_probabilities

        model = self._load()
        cfg = model.config
        out: list[PairDivergence] = [
            PairDivergence(0.0, np.zeros(len(a.words), np.float32), np.zeros(len(b.words), np.float32)) for a, b in pairs
        ]
        todo = [i for i, (a, b) in enumerate(pairs) if a.words and b.words]
        for first in range(0, len(todo), _CROSS_CHUNK):  # lower states of a chunk's texts only: memory
            chunk = todo[first:first + _CROSS_CHUNK]
            texts = list(dict.fromkeys(t for i in chunk for t in (pairs[i][0].text, pairs[i][1].text)))
            lower = dict(zip(texts, self._encoder.lower_states(texts, cfg.base_layers, cfg.max_tokens)))
            inputs = [join(lower[pairs[i][0].text].states, lower[pairs[i][1].text].states) for i in chunk]
            probs, tags = score(model, inputs)
            for i, p, t in zip(chunk, probs, tags):
                a, b = pairs[i]
                la, lb = lower[a.text], lower[b.text]
                ta = t[la.first:la.first + len(la.spans)]
                tb = t[len(la.states) + lb.first:len(la.states) + lb.first + len(lb.spans)]
                out[i] = PairDivergence(float(p), word_probabilities(ta, la.spans, a.words),
                                        word_probabilities(tb, lb.spans, b.words))
        return out


def _pad(mats: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    n = max(len(m) for m in mats)
    dim = mats[0].shape[1]
    x = np.zeros((len(mats), n, dim), dtype=np.float32)
    mask = np.zeros((len(mats), n), dtype=bool)
    for i, m in enumerate(mats):
        x[i, : len(m)] = m
        mask[i, : len(m)] = True
    return x, mask


def _full(tags: np.ndarray, n: int) -> np.ndarray:
    """Tags for every word; words past MAX_WORDS get 0 (not read)."""
    out = np.zeros(n, dtype=np.float32)
    out[: len(tags)] = tags
    return out


def export(model, config: dict, folder: Path) -> str:
    """Write the head's parameters (float16 safetensors) and config.json; returns the weights' sha256."""
    from safetensors.torch import save_file

    from ..atomic_write import write_atomic
    from ..backends.model_files import file_sha256

    folder.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().to("cpu").half().contiguous() for k, v in model.state_dict().items()}
    tmp = folder / (WEIGHTS + ".tmp")
    save_file(tensors, str(tmp), metadata={"format": "pt"})
    tmp.replace(folder / WEIGHTS)
    write_atomic(folder / CONFIG, json.dumps(config, indent=1, sort_keys=True) + "\n")
    return file_sha256(folder / WEIGHTS)
