"""Tiny random-weight transformers models the tests build themselves (no hub, no network).

Each builder writes a folder as `save_pretrained` does (config, weights, tokenizer
files), so the backends load it exactly like a downloaded model. Weights are seeded:
the same call builds the same model.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Sequence

import pytest

CORPUS = [
    "Der Hund läuft schnell über die Straße, und die Katze schläft.",
    "Le chat dort sur le canapé; le chien aboie.",
    "Die Regierung hat das Prinzip der Unteilbarkeit der Sicherheit betont.",
    "Il y a un an, le ministre a dit non.",
    "Setahun yang lalu, menteri itu berkata tidak.",
    "Minsk, Belarus, ist die Hauptstadt.",
]
MAX_POSITIONS = 64
NLI_LABELS = {0: "entailment", 1: "neutral", 2: "contradiction"}
NLI_MAX = 32


def train_spm(vocab_size: int, corpus: Sequence[str] = CORPUS, **extra: Any) -> bytes:
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(corpus) * 3),
        model_writer=buf,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        minloglevel=2,
        **extra,
    )
    return buf.getvalue()


def spm_pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def build_marian(folder: Path, corpus: Sequence[str] = CORPUS, max_positions: int = MAX_POSITIONS) -> Path:
    """A MarianMT model (one shared sentencepiece vocabulary) with d_model 16."""
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    model = train_spm(120, corpus)
    (folder / "source.spm").write_bytes(model)
    (folder / "target.spm").write_bytes(model)
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in spm_pieces(model):
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab))
    MarianTokenizer(
        str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"),
        model_max_length=max_positions,
    ).save_pretrained(folder)
    pad = len(vocab) - 1
    config = MarianConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        max_position_embeddings=max_positions, pad_token_id=pad, decoder_start_token_id=pad,
        eos_token_id=0, forced_eos_token_id=0,
        init_std=0.3,  # large enough that the output depends on the input
    )
    torch.manual_seed(0)
    MarianMTModel(config).save_pretrained(folder)
    return folder


def build_m2m(folder: Path, corpus: Sequence[str] = CORPUS, max_positions: int = MAX_POSITIONS) -> Path:
    """An M2M100 model with its language tokens, d_model 16."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    model = train_spm(100, corpus, model_type="bpe")
    (folder / "sentencepiece.bpe.model").write_bytes(model)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in spm_pieces(model):
        vocab.setdefault(piece, len(vocab))
    (folder / "vocab.json").write_text(json.dumps(vocab))
    tokenizer = M2M100Tokenizer(str(folder / "vocab.json"), str(folder / "sentencepiece.bpe.model"))
    tokenizer.save_pretrained(folder)
    config = M2M100Config(
        # Language tokens and made-up words come after the sentencepiece vocabulary.
        vocab_size=max(tokenizer.lang_code_to_id.values()) + 1 + tokenizer.num_madeup_words,
        d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        max_position_embeddings=max_positions, pad_token_id=1, bos_token_id=0, eos_token_id=2,
        decoder_start_token_id=2,
    )
    torch.manual_seed(0)
    M2M100ForConditionalGeneration(config).save_pretrained(folder)
    return folder


def nli_vocab(corpus: Sequence[str] = CORPUS, extra: Sequence[str] = ()) -> dict[str, int]:
    words = sorted(
        {w.strip(".,;").lower() for line in corpus for w in line.split()} | {"the", "a", "is", "not"} | set(extra)
    )
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", ";", "##e", "##s", "##n"]
    return {t: i for i, t in enumerate(dict.fromkeys([*specials, *words]))}


def build_nli(
    folder: Path,
    id2label: dict[int, str] = NLI_LABELS,
    perm: list[int] | None = None,
    corpus: Sequence[str] = CORPUS,
    max_positions: int = NLI_MAX,
) -> Path:
    """Tiny BERT classifier; `perm` reorders the output rows (row i = old row perm[i])."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    vocab = nli_vocab(corpus)
    BertTokenizer(vocab=vocab, model_max_length=max_positions).save_pretrained(folder)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=max_positions, num_labels=3, initializer_range=0.5,
        id2label=id2label, label2id={v: k for k, v in id2label.items()},
    )
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    if perm is not None:
        with torch.no_grad():
            model.classifier.weight.copy_(model.classifier.weight[perm])
            model.classifier.bias.copy_(model.classifier.bias[perm])
    model.save_pretrained(folder)
    return folder


def build_keyword_nli(folder: Path, keyword: str = "not", words: Sequence[str] = ()) -> Path:
    """A BERT "NLI model" with hand-set weights: contradiction (p > 0.99) for any pair in
    which `keyword` occurs as a word, on either side; entailment (p ~ 0.9) otherwise.

    How: every token embeds to zero except `keyword`; attention is uniform (zero
    queries and keys), so the [CLS] state after the attention LayerNorm is a fixed
    unit pattern when the keyword is anywhere in the input and exactly zero when it is
    not; the feed-forward block adds nothing, the pooler passes the sign pattern on and
    the classifier reads it. Known words are `keyword`, `words` and the specials;
    everything else (the tiny translator's output included) is [UNK].
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ","]
    vocab = {t: i for i, t in enumerate(dict.fromkeys([*specials, keyword.lower(), *(w.lower() for w in words)]))}
    BertTokenizer(vocab=vocab, model_max_length=NLI_MAX).save_pretrained(folder)
    hidden = 16
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=NLI_MAX, num_labels=3,
        id2label=NLI_LABELS, label2id={v: k for k, v in NLI_LABELS.items()},
    )
    model = BertForSequenceClassification(config)
    pattern = torch.tensor([1.0 if i % 2 == 0 else -1.0 for i in range(hidden)])  # zero mean: LayerNorm keeps it
    eye = torch.eye(hidden)
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        for name, module in model.named_modules():
            if isinstance(module, torch.nn.LayerNorm):
                module.weight.fill_(1.0)
        bert = model.bert
        bert.embeddings.word_embeddings.weight[vocab[keyword.lower()]] = 5.0 * pattern
        layer = bert.encoder.layer[0]
        layer.attention.self.value.weight.copy_(eye)
        layer.attention.output.dense.weight.copy_(eye)
        bert.pooler.dense.weight.copy_(eye)
        entail, _, contradict = 0, 1, 2
        model.classifier.bias[entail] = 3.0
        model.classifier.weight[contradict] = pattern  # tanh(pattern) . pattern = 16 * 0.76
    model.save_pretrained(folder)
    return folder


# Inputs of every language the backends see in the tests: short, long, no full stop.
TEXTS = [
    "Der Hund läuft.",
    "Le chat dort sur le canapé; le chien aboie.",
    "Setahun yang lalu.",
    "Il y a un an, le ministre a dit non.",
    "Die Regierung",
]


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread() -> Any:
    """Tiny models are overhead-bound: one thread is many times faster on a busy 2-core box."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
