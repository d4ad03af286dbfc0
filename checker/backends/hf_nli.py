"""Natural-language inference with any MNLI-style transformers sequence classifier.

Long inputs: when premise + hypothesis exceed the model's limit, the premise is split
into chunks (sentences, then clauses, then words; SummaC style) that each fit next to
the hypothesis, every chunk is scored against the hypothesis, and the pair gets

    entail     = max over chunks   (some part of the premise supports the hypothesis)
    contradict = min over chunks   (every part of the premise conflicts with it)
    neutral    = 1 - entail - contradict

which still sums to 1 (the chunk with the highest entailment has a contradiction at
least as high as the minimum). A hypothesis longer than half the limit is split too,
and the premise must then support every part: entail = min over parts, contradict =
max over parts. Nothing is silently truncated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from checker.backends.hf_seq2seq import (
    from_pretrained_offline,
    halve_by_tokens,
    load_weights_offline,
    model_input_limit,
    split_to_fit,
)
from checker.errors import CheckerError
from checker.protocols import NliScores

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

_NEGATED = re.compile(r"^(not|non)[\s_-]?")


def label_order(id2label: Mapping[Any, str], model: str = "model") -> tuple[int, int, int]:
    """Output indices of (entailment, neutral, contradiction), found by label name."""
    found: dict[str, int] = {}
    for index, label in id2label.items():
        name = str(label).strip().lower()
        if _NEGATED.match(name):  # "not_entailment" of two-way models is no entailment label
            continue
        key = next((k for k in ("entail", "neutral", "contradict") if k in name), None)
        if key is None:
            continue
        if key in found:
            raise CheckerError(f"{model}: config.id2label {dict(id2label)} names '{key}' twice")
        found[key] = int(index)
    missing = [k for k in ("entail", "neutral", "contradict") if k not in found]
    if missing:
        raise CheckerError(
            f"{model}: cannot tell which output is entailment / neutral / contradiction from "
            f"config.id2label {dict(id2label)} (missing {', '.join(missing)}); use a three-way "
            "MNLI-style model whose labels are named entailment, neutral and contradiction"
        )
    return found["entail"], found["neutral"], found["contradict"]


@dataclass
class LoadedClassifier:
    """What scoring needs: `model(**encoded).logits` is any callable giving logits (nli_fast wraps ONNX Runtime)."""

    tokenizer: PreTrainedTokenizerBase
    model: PreTrainedModel
    limit: int
    labels: tuple[int, int, int]


class TransformersNli:
    """NliScorer for sequence-classification checkpoints fine-tuned on MNLI/XNLI."""

    def __init__(
        self,
        model: str,
        *,
        batch_size: int = 16,
        device: str = "cpu",
        max_input_tokens: int | None = None,
        allow_pickle: bool = False,
        model_id: str | None = None,  # a folder's hub name and revision, for the report and cache keys
    ) -> None:
        self.model = model
        self.model_id = model_id or model
        self.batch_size = batch_size
        self.device = device
        self.max_input_tokens = max_input_tokens
        self.allow_pickle = allow_pickle  # pickle weights can run code when loaded
        self._state: LoadedClassifier | None = None

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        state = self._load()
        # Each pair becomes a grid of (premise chunk, hypothesis part) units.
        grids = [self._units(state, premise, hypothesis) for premise, hypothesis in pairs]
        unique = list(dict.fromkeys(u for grid in grids for row in grid for u in row))
        probs = dict(zip(unique, self._classify(state, unique)))
        return [self._combine([[probs[u] for u in row] for row in grid]) for grid in grids]

    # -- internals

    def _load(self) -> LoadedClassifier:
        if self._state is None:
            from transformers import AutoModelForSequenceClassification, AutoTokenizer

            tokenizer = from_pretrained_offline(AutoTokenizer, self.model)
            model = load_weights_offline(AutoModelForSequenceClassification, self.model, self.allow_pickle)
            model.to(self.device).eval()
            self._state = LoadedClassifier(
                tokenizer=tokenizer,
                model=model,
                limit=model_input_limit(tokenizer, model.config, self.max_input_tokens),
                labels=label_order(model.config.id2label, self.model),
            )
        return self._state

    def _units(self, state: LoadedClassifier, premise: str, hypothesis: str) -> list[list[tuple[str, str]]]:
        """Rows: one per hypothesis part; columns: the premise chunks scored against it."""
        tok = state.tokenizer

        def n_tokens(p: str, h: str) -> int:
            return len(tok(p, h, verbose=False)["input_ids"])

        if n_tokens(premise, hypothesis) <= state.limit:
            return [[(premise, hypothesis)]]
        halve = halve_by_tokens(tok)
        if n_tokens("", hypothesis) > state.limit // 2:
            # Keep at least half of the input for the premise.
            parts = split_to_fit(hypothesis, lambda h: n_tokens("", h) <= state.limit // 2, halve)
        else:
            parts = [hypothesis]
        return [
            [(chunk, h) for chunk in split_to_fit(premise, lambda p, h=h: n_tokens(p, h) <= state.limit, halve) or [""]]
            for h in parts
        ]

    def _classify(self, state: LoadedClassifier, units: list[tuple[str, str]]) -> list[tuple[float, float, float]]:
        """(entail, neutral, contradict) softmax probabilities per unit, in input order."""
        import torch

        if not units:
            return []
        tok = state.tokenizer
        lengths = [len(ids) for ids in tok([p for p, _ in units], [h for _, h in units], verbose=False)["input_ids"]]
        order = sorted(range(len(units)), key=lambda i: -lengths[i])  # similar lengths pad less
        e, n, c = state.labels
        out: list[tuple[float, float, float]] = [(0.0, 0.0, 0.0)] * len(units)
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                enc = tok(
                    [units[i][0] for i in idx], [units[i][1] for i in idx], return_tensors="pt", padding=True
                ).to(self.device)
                probs = torch.softmax(state.model(**enc).logits.float(), dim=-1).cpu()
                for i, row in zip(idx, probs.tolist()):
                    out[i] = (row[e], row[n], row[c])
        return out

    @staticmethod
    def _combine(grid: list[list[tuple[float, float, float]]]) -> NliScores:
        if len(grid) == 1 and len(grid[0]) == 1:
            e, n, c = grid[0][0]
            return NliScores(entail=e, neutral=n, contradict=c)
        # Per hypothesis part: best support and weakest conflict over premise chunks;
        # then the hypothesis holds only as well as its least supported part.
        entail = min(max(u[0] for u in row) for row in grid)
        contradict = max(min(u[2] for u in row) for row in grid)
        return NliScores(entail=entail, neutral=max(0.0, 1.0 - entail - contradict), contradict=contradict)
