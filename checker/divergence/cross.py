"""checker-divergence-4 (and -2, -3 before it): a cross-encoder over two sentences, split where e5's layers stop being shared.

A full cross-encoder runs all of e5's layers over "A </s> B": every pair pays a whole
encoder pass, so a bead of N versions costs N(N-1)/2 passes. Here e5's lower `base_layers`
run once per sentence (frozen; `E5Encoder.lower_states`), and only the top `top_layers`,
initialised from e5's own top layers and trained, read the two sentences' states together.
Attention inside the top layers gets a learned bias per head for "same sentence" and
"other sentence", so the model knows which tokens belong together without a segment
embedding, and swapping A and B changes nothing but the order of the outputs.

Outputs: a logit of P(the two differ in meaning) from both sides' pooled states
(symmetric: sum and absolute difference), and a logit per token of P(this token is where
they differ), the spans in the report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np
import torch
from torch import nn

_MASKED = -1e9  # finite: a padded query row stays a uniform softmax, never NaN


@dataclass(frozen=True)
class CrossConfig:
    base_layers: int = 6  # e5 layers run per sentence, frozen
    top_layers: int = 6  # e5 layers run over the pair, trained
    hidden: int = 384
    heads: int = 12
    ff: int = 1536
    eps: float = 1e-12
    dropout: float = 0.1
    max_tokens: int = 128  # a side's own tokens read (a bead is a sentence or a few)

    def as_dict(self) -> dict:
        return asdict(self)


class CrossTop(nn.Module):
    def __init__(self, config: CrossConfig) -> None:
        super().__init__()
        self.config = config
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(config.hidden, config.heads, config.ff, dropout=config.dropout,
                                       activation="gelu", layer_norm_eps=config.eps, batch_first=True)
            for _ in range(config.top_layers)
        )
        # per layer and head: the bias added to attention logits within a sentence, and across
        self.same_bias = nn.Parameter(torch.zeros(config.top_layers, config.heads))
        self.cross_bias = nn.Parameter(torch.zeros(config.top_layers, config.heads))
        d = config.hidden
        self.pair = nn.Sequential(nn.Linear(4 * d, d), nn.GELU(), nn.Dropout(config.dropout), nn.Linear(d, 1))
        self.tag = nn.Linear(d, 1)

    def load_e5_layers(self, tensors: dict[str, np.ndarray]) -> None:
        """Start the top layers from e5's layers base_layers.. (names as e5_transformers.read_e5_file)."""
        with torch.no_grad():
            for j, layer in enumerate(self.layers):
                i = self.config.base_layers + j

                def t(name: str) -> torch.Tensor:
                    return torch.from_numpy(np.array(tensors[name], dtype=np.float32))

                layer.self_attn.in_proj_weight.copy_(torch.cat([t(f"l{i}.{x}.w") for x in "qkv"]))
                layer.self_attn.in_proj_bias.copy_(torch.cat([t(f"l{i}.{x}.b") for x in "qkv"]))
                for module, name in ((layer.self_attn.out_proj, "ao"), (layer.linear1, "fi"), (layer.linear2, "fo"),
                                     (layer.norm1, "aln"), (layer.norm2, "oln")):
                    module.weight.copy_(t(f"l{i}.{name}.w"))
                    module.bias.copy_(t(f"l{i}.{name}.b"))

    def forward(self, x: torch.Tensor, side: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """`x` (batch, width, hidden): the lower states of A then B, padded; `side` (batch,
        width): 0 for A's positions, 1 for B's, -1 for padding. Returns (pair logit (batch,),
        token logits (batch, width))."""
        batch, width = side.shape
        same = (side[:, :, None] == side[:, None, :]).unsqueeze(1)  # (batch, 1, width, width)
        pad_key = (side < 0)[:, None, None, :]
        for k, layer in enumerate(self.layers):
            bias = torch.where(same, self.same_bias[k][None, :, None, None], self.cross_bias[k][None, :, None, None])
            x = self._layer(layer, x, bias.masked_fill(pad_key, _MASKED))
        a = (side == 0).unsqueeze(-1).to(x.dtype)
        b = (side == 1).unsqueeze(-1).to(x.dtype)
        mean_a = (x * a).sum(1) / a.sum(1).clamp(min=1)
        mean_b = (x * b).sum(1) / b.sum(1).clamp(min=1)
        first_b = (side == 1).to(torch.int64).argmax(1)  # B's bos
        cls_a, cls_b = x[:, 0], x[torch.arange(batch), first_b]
        pooled = torch.cat([mean_a + mean_b, (mean_a - mean_b).abs(), cls_a + cls_b, (cls_a - cls_b).abs()], -1)
        return self.pair(pooled).squeeze(-1), self.tag(x).squeeze(-1)


    def _layer(self, layer: nn.TransformerEncoderLayer, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        """BERT's post-norm layer with the weights of `layer`, attention through
        scaled_dot_product_attention with `bias` (batch, heads, width, width): torch's own
        eval fast path returns NaN with such a float mask (torch 2.13)."""
        batch, width, dim = x.shape
        heads = self.config.heads
        qkv = nn.functional.linear(x, layer.self_attn.in_proj_weight, layer.self_attn.in_proj_bias)
        q, k, v = (t.reshape(batch, width, heads, dim // heads).transpose(1, 2) for t in qkv.chunk(3, dim=-1))
        drop = self.config.dropout if self.training else 0.0
        attended = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=bias, dropout_p=drop)
        attended = layer.self_attn.out_proj(attended.transpose(1, 2).reshape(batch, width, dim))
        x = layer.norm1(x + layer.dropout1(attended))
        return layer.norm2(x + layer._ff_block(x))


@dataclass(frozen=True)
class PairInput:
    """One pair as the top layers read it: both sides' lower states, concatenated."""

    states: np.ndarray  # (len a + len b, hidden)
    len_a: int


def join(a: np.ndarray, b: np.ndarray) -> PairInput:
    return PairInput(np.concatenate([a, b]).astype(np.float32, copy=False), len(a))


def collate(pairs: Sequence[PairInput]) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad pairs into (x, side) for CrossTop.forward."""
    width = max(len(p.states) for p in pairs)
    dim = pairs[0].states.shape[1]
    x = np.zeros((len(pairs), width, dim), dtype=np.float32)
    side = np.full((len(pairs), width), -1, dtype=np.int64)
    for row, p in enumerate(pairs):
        n = len(p.states)
        x[row, :n] = p.states
        side[row, :p.len_a] = 0
        side[row, p.len_a:n] = 1
    return torch.from_numpy(x), torch.from_numpy(side)


def word_probabilities(token_probs: np.ndarray, token_spans: np.ndarray, words: Sequence[tuple[int, int]]) -> np.ndarray:
    """P per word (character span): the highest of its tokens'; 0 for a word past the tokens read."""
    out = np.zeros(len(words), dtype=np.float32)
    for i, (start, end) in enumerate(words):
        hit = (token_spans[:, 0] < end) & (token_spans[:, 1] > start)
        if hit.any():
            out[i] = float(token_probs[hit].max())
    return out


def score(model: CrossTop, inputs: Sequence[PairInput], batch: int = 32) -> tuple[np.ndarray, list[np.ndarray]]:
    """P(differs) per pair and P per joined position, in input order (batched by length)."""
    was_training = model.training
    model.eval()
    probs = np.zeros(len(inputs), np.float32)
    tags: list[np.ndarray] = [np.zeros(0)] * len(inputs)
    order = sorted(range(len(inputs)), key=lambda i: len(inputs[i].states))
    with torch.inference_mode():
        for begin in range(0, len(order), batch):
            chunk = order[begin:begin + batch]
            x, side = collate([inputs[i] for i in chunk])
            logit, token = model(x, side)
            p, t = torch.sigmoid(logit).numpy(), torch.sigmoid(token).numpy()
            for row, i in enumerate(chunk):
                probs[i] = p[row]
                tags[i] = t[row, :len(inputs[i].states)]
    model.train(was_training)
    return probs, tags
