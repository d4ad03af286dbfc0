"""Inference with the divergence model: the shipped head, checked by sha256, over word vectors.

Inputs are what a check already has (`compare.wordlinks.DocumentWords`: contextual word
vectors, centred by their document's mean and normalised), so a pair costs one pass of a
small head: 2-5 ms of CPU per pair of 40-word sentences on 2 cores (benchmarks/divergence_speed.py:
1.7 ms on a quiet machine, 5 ms on a busy one). Pairs are batched by length.

The folder holds `head.safetensors` (the trained parameters) and `config.json` (the head's
shape, the model's name and version, and how it was trained); `export` writes both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import ModelUnavailableError

WEIGHTS = "head.safetensors"
CONFIG = "config.json"
# models/divergence/ of the checkout, through the checker/shipped_models link (package data in a wheel)
MODEL_DIR = Path(__file__).resolve().parent.parent / "shipped_models" / "divergence"
# Words read per side at inference: a bead is a few sentences; more than this is a paragraph
# and the tail is scored as its own pair by nothing, so keep the limit generous.
MAX_WORDS = 384


@dataclass(frozen=True)
class PairDivergence:
    """P(the two texts differ in meaning) and, per word of each side, P(this word diverges)."""

    probability: float
    tags_a: np.ndarray
    tags_b: np.ndarray


class DivergenceScorer:
    """Loads lazily, once. `model_id` names the weights (name and version from config.json)."""

    def __init__(self, folder: Path = MODEL_DIR, sha256: str | None = None, cache_dir: Path | None = None) -> None:
        self.folder = Path(folder)
        config_path = self.folder / CONFIG
        if not config_path.is_file() or not (self.folder / WEIGHTS).is_file():
            raise ModelUnavailableError(
                f"divergence model not found in {self.folder} (expected {WEIGHTS} and {CONFIG}); it ships in the "
                "checkout's models/divergence/, or train one with scripts/train_divergence.py, or run with "
                "--divergence none"
            )
        try:
            self.config = json.loads(config_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(f"{config_path}: unreadable model configuration ({exc})") from exc
        self.model_id = f"{self.config.get('name', 'checker-divergence')}-{self.config.get('version', '0')}"
        self._sha256 = sha256
        self._cache_dir = cache_dir
        self._model = None

    def _load(self):
        if self._model is not None:
            return self._model
        import torch
        from safetensors.torch import load_file

        from ..backends.model_files import verify_sha256
        from ..cache import default_cache_dir
        from .head import DivergenceHead, HeadConfig

        weights = self.folder / WEIGHTS
        if self._sha256:
            verify_sha256(weights, self._sha256, self._cache_dir or default_cache_dir(),
                          "restore models/divergence/ from the checkout (git checkout models/divergence)")
        model = DivergenceHead(HeadConfig(**self.config["head"]))
        model.load_state_dict({k: v.float() for k, v in load_file(str(weights)).items()})
        model.eval()
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
