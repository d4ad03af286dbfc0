"""The divergence model: a small cross-attention head over two sentences' word vectors.

Per side, each word is compared with the other sentence (an attention-weighted counterpart
in a learnt space, and its best raw cosine partner, as word alignment does), then read in
the context of its own sentence by one self-attention layer. That gives a divergence tag
per word, and the pooled words of both sides give P(the two sentences differ in meaning).
The two sides share every weight and are pooled symmetrically, so score(a, b) == score(b, a).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn

NEG = -1e4  # "minus infinity" that stays finite in float16 and after subtraction


@dataclass(frozen=True)
class HeadConfig:
    dim_in: int = 384  # multilingual-e5-small's width
    hidden: int = 128
    heads: int = 4
    layers: int = 1
    dropout: float = 0.1

    def as_dict(self) -> dict:
        return asdict(self)


class DivergenceHead(nn.Module):
    SCALARS = 4

    def __init__(self, config: HeadConfig) -> None:
        super().__init__()
        self.config = config
        h = config.hidden
        self.project = nn.Sequential(nn.Linear(config.dim_in, h), nn.LayerNorm(h))
        self.compare = nn.Sequential(nn.Linear(4 * h + 3, h), nn.GELU(), nn.Dropout(config.dropout), nn.Linear(h, h))
        layer = nn.TransformerEncoderLayer(h, config.heads, 2 * h, config.dropout, batch_first=True, norm_first=True)
        self.context = nn.TransformerEncoder(layer, config.layers, enable_nested_tensor=False)
        self.tag = nn.Linear(h, 1)
        self.pair = nn.Sequential(
            nn.Linear(6 * h + self.SCALARS, h), nn.GELU(), nn.Dropout(config.dropout), nn.Linear(h, 1)
        )

    def _side(self, xa, ma, xb, mb):
        """Word states of side a read against side b: (tag logits [B,n], pooled [B,2h], best cosine [B,n])."""
        pair_mask = ma.unsqueeze(2) & mb.unsqueeze(1)  # [B, n, m]
        cos = torch.where(pair_mask, xa @ xb.transpose(1, 2), torch.full_like(pair_mask, -1.0, dtype=xa.dtype))
        top = cos.topk(min(2, cos.shape[2]), dim=2).values
        best, top2 = top[..., 0], top.mean(dim=2)
        a, b = self.project(xa), self.project(xb)
        scores = (a @ b.transpose(1, 2)) / math.sqrt(a.shape[-1])
        weights = torch.softmax(scores.masked_fill(~mb.unsqueeze(1), NEG), dim=2)
        aligned = weights @ b
        soft_cos = (weights * cos.clamp(min=-1.0)).sum(dim=2)
        features = torch.cat([a, aligned, a - aligned, a * aligned, best.unsqueeze(-1), top2.unsqueeze(-1), soft_cos.unsqueeze(-1)], dim=-1)
        states = self.compare(features)
        states = self.context(states, src_key_padding_mask=~ma)
        tags = self.tag(states).squeeze(-1)
        m = ma.unsqueeze(-1).to(states.dtype)
        mean = (states * m).sum(1) / m.sum(1).clamp(min=1.0)
        peak = states.masked_fill(~ma.unsqueeze(-1), NEG).max(dim=1).values
        return tags, torch.cat([peak, mean], dim=-1), best

    def forward(self, xa: torch.Tensor, ma: torch.Tensor, xb: torch.Tensor, mb: torch.Tensor):
        """xa [B,n,dim_in] word vectors (centred, normalised), ma [B,n] bool mask; likewise b.
        Returns (pair logit [B], tag logits of a [B,n], tag logits of b [B,m])."""
        tags_a, pooled_a, best_a = self._side(xa, ma, xb, mb)
        tags_b, pooled_b, best_b = self._side(xb, mb, xa, ma)
        fa, fb = ma.to(xa.dtype), mb.to(xb.dtype)
        na, nb = fa.sum(1).clamp(min=1.0), fb.sum(1).clamp(min=1.0)
        mean_a = nn.functional.normalize((xa * fa.unsqueeze(-1)).sum(1), dim=-1)
        mean_b = nn.functional.normalize((xb * fb.unsqueeze(-1)).sum(1), dim=-1)
        cover_a, cover_b = (best_a * fa).sum(1) / na, (best_b * fb).sum(1) / nb
        scalars = torch.stack(
            [(mean_a * mean_b).sum(-1), (na.log() - nb.log()).abs(), torch.minimum(cover_a, cover_b), torch.maximum(cover_a, cover_b)],
            dim=-1,
        )
        joined = torch.cat([pooled_a + pooled_b, (pooled_a - pooled_b).abs(), torch.maximum(pooled_a, pooled_b), scalars], dim=-1)
        return self.pair(joined).squeeze(-1), tags_a, tags_b
