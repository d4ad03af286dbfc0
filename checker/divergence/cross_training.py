"""Training checker-divergence-4 (and -2, -3) (cross.py) on CPU: lower states once, then the top layers.

Stage 1 (`lower_corpus`): every text of the corpus through e5's frozen lower layers, once,
kept in float16 shards (a killed run carries on at the next shard). Stage 2 (`train_cross`):
the top layers and heads, a fixed number of steps (so a rerun with the same seed and
settings is the same run), a checkpoint every `every` steps that a rerun resumes from, and
the learning curve (AUROC on held-out training documents) printed and kept in the
checkpoint. Nothing here reads ../shared/bench or seeds/.
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

from .cross import CrossConfig, CrossTop, PairInput, collate, join, score
from .examples import Corpus, PairExample, Text
from .features import word_tags
from .training import auroc

SHARD = 1000  # texts per shard of lower states
MQM_PER_DOMAIN = 8000  # every usable MQM segment (build_corpus's cap per language pair and domain)
CROSS_RECIPE = "v3"  # synthetic.RECIPES: checker-divergence-4's mix (v2's kinds + polarity-moved equivalents)
MODEL_VERSIONS = {"v1": "2", "v2": "3", "v3": "4", "v4": "5"}  # checker-divergence-N by the recipe its corpus was made with


@dataclass
class CorpusLowerStates:
    """Every corpus text's lower states (e5.LowerStates, one text's), concatenated: text i is rows offsets[i]:offsets[i+1]
    of `states`; its own tokens start at row `first[i]` and have character spans `spans[i]`."""

    states: np.ndarray  # (all positions, hidden) float16
    offsets: np.ndarray
    first: np.ndarray
    spans: list[np.ndarray]

    def of(self, i: int) -> np.ndarray:
        return self.states[self.offsets[i]:self.offsets[i + 1]]


def lower_corpus(texts: Sequence[Text], lower: Callable[[list[str]], list], folder: Path,
                 say: Callable[[str], None] = lambda m: print(m, file=sys.stderr, flush=True)) -> CorpusLowerStates:
    """`lower(texts)` -> E5Encoder.lower_states-like records (states, spans, first) per text."""
    folder.mkdir(parents=True, exist_ok=True)
    parts, firsts, spans = [], [], []
    started = time.monotonic()
    for number, begin in enumerate(range(0, len(texts), SHARD)):
        path = folder / f"shard-{number:04d}-{SHARD}.npz"
        chunk = [t.text for t in texts[begin:begin + SHARD]]
        if not path.is_file():
            records = lower(chunk)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, states=np.concatenate([r.states for r in records]).astype(np.float16),
                     lengths=np.array([len(r.states) for r in records]), first=np.array([r.first for r in records]),
                     spans=np.concatenate([np.asarray(r.spans, np.int64).reshape(-1, 2) for r in records]),
                     span_lengths=np.array([len(r.spans) for r in records]))
            tmp.replace(path)  # a killed run never leaves half a shard
            say(f"lower states: {min(begin + SHARD, len(texts))}/{len(texts)} texts "
                f"({time.monotonic() - started:.0f} s)")
        with np.load(path) as data:
            if len(data["lengths"]) != len(chunk):
                raise ValueError(f"{path}: {len(data['lengths'])} texts, expected {len(chunk)} (another corpus?)")
            parts.append((data["states"], data["lengths"]))
            firsts.append(data["first"])
            bounds = np.concatenate(([0], np.cumsum(data["span_lengths"])))
            spans += [data["spans"][bounds[k]:bounds[k + 1]] for k in range(len(chunk))]
    lengths = np.concatenate([p[1] for p in parts])
    return CorpusLowerStates(np.concatenate([p[0] for p in parts]), np.concatenate(([0], np.cumsum(lengths))),
                       np.concatenate(firsts), spans)


@dataclass(frozen=True)
class CrossSettings:
    seed: int = 13
    steps: int = 5000
    batch: int = 16
    lr_layers: float = 5e-5  # e5's own layers: small steps
    lr_new: float = 1e-3  # the heads and attention biases start from nothing
    warmup: int = 300
    weight_decay: float = 0.01
    tag_weight: float = 0.5
    every: int = 500  # steps between checkpoints and held-out figures
    valid_pairs: int = 1000
    model: CrossConfig = field(default_factory=CrossConfig)

    def as_dict(self) -> dict:
        return asdict(self)


def pair_input(lowers: CorpusLowerStates, e: PairExample) -> PairInput:
    return join(lowers.of(e.a), lowers.of(e.b))


def _tag_targets(lowers: CorpusLowerStates, e: PairExample) -> tuple[np.ndarray, np.ndarray]:
    """Token targets and loss weights over the joined positions: only a tagged side's own tokens count."""
    parts, weights = [], []
    for text, spans, tagged in ((e.a, e.a_spans, e.a_tagged), (e.b, e.b_spans, e.b_tagged)):
        n, first = len(lowers.of(text)), int(lowers.first[text])
        own = lowers.spans[text]
        target = np.zeros(n, np.float32)
        weight = np.zeros(n, np.float32)
        target[first:first + len(own)] = word_tags(own, spans if e.label else ())
        weight[first:first + len(own)] = 1.0 if tagged else 0.0
        parts.append(target)
        weights.append(weight)
    return np.concatenate(parts), np.concatenate(weights)


def _batches(examples: Sequence[PairExample], lowers: CorpusLowerStates, size: int, rng: random.Random) -> list[list[PairExample]]:
    """Shuffled batches of similar lengths (less padding): sort within pools of 50 batches."""
    order = list(examples)
    rng.shuffle(order)
    out = []
    pool = 50 * size
    for begin in range(0, len(order), pool):
        chunk = sorted(order[begin:begin + pool], key=lambda e: len(lowers.of(e.a)) + len(lowers.of(e.b)))
        out += [chunk[k:k + size] for k in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def evaluate(model: CrossTop, examples: Sequence[PairExample], lowers: CorpusLowerStates) -> dict:
    probs, tags = score(model, [pair_input(lowers, e) for e in examples])
    labels = [e.label for e in examples]
    out = {"auroc": round(auroc(probs, labels), 4)}
    for source in ("ntrex", "mqm"):
        idx = [i for i, e in enumerate(examples) if e.source == source]
        if idx:
            out[f"auroc_{source}"] = round(auroc(probs[idx], [labels[i] for i in idx]), 4)
    clean = [i for i, e in enumerate(examples) if e.label == 0]
    out["equivalents_flagged"] = round(float(np.mean(probs[clean] >= 0.5)), 3) if clean else None
    tp = fp = fn = 0
    for e, t in zip(examples, tags):
        if not e.label:
            continue
        target, weight = _tag_targets(lowers, e)
        keep = weight > 0
        pred = t[keep] >= 0.5
        gold = target[keep] >= 0.5
        tp += int((pred & gold).sum())
        fp += int((pred & ~gold).sum())
        fn += int((~pred & gold).sum())
    out["tag_f1"] = round(2 * tp / max(2 * tp + fp + fn, 1), 4)
    return out


def _schedule(settings: CrossSettings) -> Callable[[int], float]:
    def factor(step: int) -> float:
        if step < settings.warmup:
            return (step + 1) / settings.warmup
        return max(0.0, (settings.steps - step) / max(1, settings.steps - settings.warmup))
    return factor


def new_model(settings: CrossSettings, e5_tensors: dict[str, np.ndarray] | None) -> CrossTop:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(settings.seed)
        model = CrossTop(settings.model)
    if e5_tensors is not None:
        model.load_e5_layers(e5_tensors)
    return model


@dataclass
class CrossState:
    model: CrossTop
    step: int
    curve: list[dict]


def load_checkpoint(folder: Path, settings: CrossSettings) -> CrossState:
    """The model as the last checkpoint in `folder` left it (mid-training or done)."""
    saved = torch.load(folder / "checkpoint.pt", weights_only=False)
    if saved["settings"] != settings.as_dict():
        raise ValueError(f"{folder / 'checkpoint.pt'}: made with other settings")
    model = new_model(settings, None)
    model.load_state_dict(saved["model"])
    return CrossState(model.eval(), saved["step"], saved["curve"])


def train_cross(corpus: Corpus, lowers: CorpusLowerStates, settings: CrossSettings, folder: Path,
                e5_tensors: dict[str, np.ndarray] | None,
                say: Callable[[str], None] = lambda m: print(m, file=sys.stderr, flush=True)) -> CrossState:
    """Train (or resume from `folder/checkpoint.pt`) to `settings.steps` steps."""
    folder.mkdir(parents=True, exist_ok=True)
    train = [e for e in corpus.examples if e.split == "train"]
    valid = [e for e in corpus.examples if e.split == "valid"]
    valid = random.Random(settings.seed).sample(valid, min(settings.valid_pairs, len(valid)))
    model = new_model(settings, e5_tensors)
    new = [p for n, p in model.named_parameters() if not n.startswith("layers.")]
    old = [p for n, p in model.named_parameters() if n.startswith("layers.")]
    optimiser = torch.optim.AdamW([{"params": old, "lr": settings.lr_layers}, {"params": new, "lr": settings.lr_new}],
                                  weight_decay=settings.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, _schedule(settings))
    checkpoint = folder / "checkpoint.pt"
    step, curve = 0, []
    if checkpoint.is_file():
        saved = torch.load(checkpoint, weights_only=False)
        if saved["settings"] != settings.as_dict():
            raise ValueError(f"{checkpoint}: made with other settings; use another folder or delete it")
        model.load_state_dict(saved["model"])
        optimiser.load_state_dict(saved["optimiser"])
        scheduler.load_state_dict(saved["scheduler"])
        step, curve = saved["step"], saved["curve"]
        torch.set_rng_state(saved["torch_rng"])
        say(f"resumed at step {step}")
    else:
        torch.manual_seed(settings.seed)
    model.train()
    epoch_batches = {0: _batches(train, lowers, settings.batch, random.Random(f"{settings.seed}:0"))}
    per_epoch = len(epoch_batches[0])  # the same for every epoch: it depends on the count alone
    started, losses = time.monotonic(), []
    first_step = step
    while step < settings.steps:
        # each epoch's order is drawn from (seed, epoch) alone: a resumed run takes the batches
        # the uninterrupted run would have taken
        epoch = step // per_epoch
        if epoch not in epoch_batches:
            epoch_batches = {epoch: _batches(train, lowers, settings.batch, random.Random(f"{settings.seed}:{epoch}"))}
        batches = epoch_batches[epoch]
        chosen = batches[step % per_epoch]
        x, side = collate([pair_input(lowers, e) for e in chosen])
        targets = [_tag_targets(lowers, e) for e in chosen]
        width = x.shape[1]
        tag_target = torch.zeros(len(chosen), width)
        tag_weight = torch.zeros(len(chosen), width)
        for row, (t, w) in enumerate(targets):
            tag_target[row, :len(t)] = torch.from_numpy(t)
            tag_weight[row, :len(w)] = torch.from_numpy(w)
        logit, token = model(x, side)
        loss = nn.functional.binary_cross_entropy_with_logits(logit, torch.tensor([float(e.label) for e in chosen]))
        if tag_weight.sum() > 0:
            tag_loss = nn.functional.binary_cross_entropy_with_logits(token, tag_target, weight=tag_weight, reduction="sum")
            loss = loss + settings.tag_weight * tag_loss / tag_weight.sum()
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        scheduler.step()
        step += 1
        losses.append(float(loss.detach()))
        if step % 50 == 0:
            rate = (time.monotonic() - started) / (step - first_step)
            say(f"step {step}/{settings.steps} loss {np.mean(losses[-50:]):.4f} ({rate:.2f} s/step, "
                f"{rate * (settings.steps - step) / 60:.0f} min left)")
        if step % settings.every == 0 or step == settings.steps:
            figures = {"step": step, "train_loss": round(float(np.mean(losses[-settings.every:])), 4),
                       **evaluate(model, valid, lowers)}
            curve.append(figures)
            say(json.dumps(figures))
            tmp = checkpoint.with_suffix(".tmp")
            torch.save({"settings": settings.as_dict(), "model": model.state_dict(), "optimiser": optimiser.state_dict(),
                        "scheduler": scheduler.state_dict(), "step": step, "curve": curve,
                        "torch_rng": torch.get_rng_state()}, tmp)
            tmp.replace(checkpoint)
    model.eval()
    return CrossState(model, step, curve)


WEIGHTS = "cross.safetensors"
MODEL_NAME = "checker-divergence"


def export_cross(state: CrossState, settings: CrossSettings, folder: Path, recipe: str = "v1") -> str:
    """The trained top layers and heads (float16 safetensors) and config.json (with the recipe of
    synthetic divergences its corpus was made with, for a rerun, and the model version that
    recipe makes); returns the sha256."""
    from safetensors.torch import save_file

    from ..atomic_write import write_atomic
    from ..backends.model_files import file_sha256

    folder.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().half().contiguous() for k, v in state.model.state_dict().items()}
    tmp = folder / (WEIGHTS + ".tmp")
    save_file(tensors, str(tmp), metadata={"format": "pt"})
    tmp.replace(folder / WEIGHTS)
    config = {"name": MODEL_NAME, "version": MODEL_VERSIONS[recipe], "kind": "cross", "model": settings.model.as_dict(),
              "training": {k: v for k, v in settings.as_dict().items() if k != "model"}, "recipe": recipe, "steps": state.step,
              "curve": state.curve}
    write_atomic(folder / "config.json", json.dumps(config, indent=1, sort_keys=True) + "\n")
    return file_sha256(folder / WEIGHTS)
