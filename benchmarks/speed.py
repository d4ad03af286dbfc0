"""Speed of checker's fast CPU paths against the naive transformers baseline.

    python benchmarks/speed.py                 # 500 sentences from ../shared/bench/ntrex-dev
    python benchmarks/speed.py --sentences 100 # a quicker look

Builds random-weight models in a temp folder (no hub): a MarianMT translator and a BERT
NLI classifier, d_model 256, 4 layers, sentencepiece / word vocabularies of several
thousand entries trained on the input sentences, so compute, not Python overhead,
dominates. Then, on the same inputs and the same weights, it times

  pivot  naive:  transformers `model.generate`, one sentence at a time
         fast:   checker's `--pivot ct2` (CTranslate2, int8, length-sorted batches)
  NLI    naive:  `transformers.pipeline("text-classification")`, one pair at a time
         fast:   checker's `--nli onnx` (ONNX Runtime, int8 and float32, length-sorted batches)

and prints sentences (pairs) per second, the speed-up and how far the outputs are from
the baseline's: the share of identical translations, the largest |Δp| of the NLI
probabilities. Random weights make greedy decoding and int8 rounding far touchier than
a trained model would: treat the agreement columns as a lower bound.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # tiny_models: sentencepiece training helpers

from tiny_models import spm_pieces, train_spm  # noqa: E402

NTREX = ROOT.parent / "shared" / "bench" / "ntrex-dev"
# Wider than transformers' 0.02, so that the translation depends on the sentence.
INIT_STD = 0.1
LABELS = {0: "entailment", 1: "neutral", 2: "contradiction"}


@dataclass(frozen=True)
class Row:
    task: str
    path: str
    items: int
    seconds: float
    agreement: str

    @property
    def per_second(self) -> float:
        return self.items / self.seconds


# --------------------------------------------------------------------------- inputs


def read_sentences(folder: Path, lang: str, limit: int) -> list[str]:
    """Sentences of every document's `lang` version (or of seeds/*.txt), in order."""
    import sentencex

    files = sorted(folder.glob(f"*/{lang}.txt")) or sorted(folder.glob("*.txt"))
    out: list[str] = []
    for file in files:
        for paragraph in file.read_text(encoding="utf-8").splitlines():
            out += [s.strip() for s in sentencex.segment(lang, paragraph) if len(s.strip()) > 15]
            if len(out) >= limit:
                return out[:limit]
    return out


# --------------------------------------------------------------------------- models


def build_translator(folder: Path, corpus: list[str], d_model: int, layers: int, vocab: int) -> Path:
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    model = train_spm(vocab, corpus)
    (folder / "source.spm").write_bytes(model)
    (folder / "target.spm").write_bytes(model)
    pieces = {"</s>": 0, "<unk>": 1}
    for piece in spm_pieces(model):
        pieces.setdefault(piece, len(pieces))
    pieces["<pad>"] = len(pieces)
    (folder / "vocab.json").write_text(json.dumps(pieces))
    MarianTokenizer(str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"),
                    model_max_length=512).save_pretrained(folder)
    config = MarianConfig(
        vocab_size=len(pieces), d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=4 * d_model, decoder_ffn_dim=4 * d_model,
        max_position_embeddings=512, pad_token_id=len(pieces) - 1, decoder_start_token_id=len(pieces) - 1,
        eos_token_id=0, forced_eos_token_id=None,  # a capped output ends the same way in both engines
        init_std=INIT_STD,
    )
    torch.manual_seed(0)
    MarianMTModel(config).save_pretrained(folder)
    return folder


def build_classifier(folder: Path, corpus: list[str], hidden: int, layers: int, vocab: int) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for line in corpus:
        for word in re.findall(r"\w+|[^\w\s]", line.lower()):
            counts[word] = counts.get(word, 0) + 1
    words = sorted(counts, key=lambda w: -counts[w])[: vocab - 5]
    tokens = {t: i for i, t in enumerate(dict.fromkeys(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]))}
    BertTokenizer(vocab=tokens, model_max_length=512).save_pretrained(folder)
    config = BertConfig(
        vocab_size=len(tokens), hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=4,
        intermediate_size=4 * hidden, max_position_embeddings=512, num_labels=3,
        initializer_range=0.1,  # wide enough that the three probabilities differ between pairs
        id2label=LABELS, label2id={v: k for k, v in LABELS.items()},
    )
    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(folder)
    return folder


# --------------------------------------------------------------------------- runs


def timed(run: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = run()
    return out, time.perf_counter() - start


def naive_translator(model_dir: Path, max_new_tokens: int) -> Callable[[list[str]], list[str]]:
    """The loaded model, translating one sentence per `generate` call."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()

    def translate(sentences: list[str]) -> list[str]:
        out = []
        with torch.no_grad():
            for sentence in sentences:
                generated = model.generate(**tokenizer([sentence], return_tensors="pt"), max_new_tokens=max_new_tokens,
                                           num_beams=1, do_sample=False)
                out.append(tokenizer.decode(generated[0], skip_special_tokens=True).strip())
        return out

    return translate


def naive_classifier(model_dir: Path) -> Callable[[list[tuple[str, str]]], list[tuple[float, float, float]]]:
    """The loaded text-classification pipeline, one pair per call."""
    from transformers import pipeline

    classify = pipeline("text-classification", model=str(model_dir), tokenizer=str(model_dir), top_k=None, device="cpu")

    def score(pairs: list[tuple[str, str]]) -> list[tuple[float, float, float]]:
        out = []
        for premise, hypothesis in pairs:
            scores = {d["label"]: d["score"] for d in classify({"text": premise, "text_pair": hypothesis})}
            out.append((scores["entailment"], scores["neutral"], scores["contradiction"]))
        return out

    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=500, help="how many sentences (and NLI pairs), default 500")
    parser.add_argument("--inputs", type=Path, default=NTREX if NTREX.is_dir() else ROOT / "seeds",
                        help="ntrex-dev (DOC/de.txt, DOC/en.txt) or a folder of .txt files")
    parser.add_argument("--max-new-tokens", type=int, default=48,
                        help="random decoders never choose </s>: every translation is this long (default 48, "
                        "about the German sentences' average)")
    parser.add_argument("--naive-sentences", type=int, metavar="N",
                        help="time the naive baselines on the first N inputs only (default: all); the fast paths "
                        "always run on all, agreement is measured on the first N")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="threads for torch, CTranslate2 and ONNX Runtime alike (default: all cores)")
    parser.add_argument("--d-model", type=int, default=256)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--vocab", type=int, default=8000)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    # Random decoders never stop before the cap; the backend's warning about it is expected here.
    logging.getLogger("checker.backends.ct2_pivot").setLevel(logging.ERROR)
    from checker.backends.ct2_pivot import Ct2Translator, convert_translator
    from checker.backends.nli_fast import OnnxNli, export_nli

    torch.set_num_threads(args.threads)
    german = read_sentences(args.inputs, "de", args.sentences)
    english = read_sentences(args.inputs, "en", args.sentences + 1)
    pairs = list(zip(english[:-1], english[1:]))[: args.sentences]
    naive = args.naive_sentences or len(german)
    print(f"{len(german)} German sentences and {len(pairs)} English pairs from {args.inputs} "
          f"(naive baselines on the first {naive}); {os.cpu_count()} CPU cores, {args.threads} threads for every engine, "
          f"torch {torch.__version__}", flush=True)

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="checker-speed-") as tmp:
        work = Path(tmp)
        print("building models …", flush=True)
        mt_dir = build_translator(work / "marian", german + english, args.d_model, args.layers, args.vocab)
        nli_dir = build_classifier(work / "bert", english, args.d_model, args.layers, args.vocab)
        ct2_dir = convert_translator(mt_dir, work / "marian-ct2", "int8")
        onnx_int8 = export_nli(nli_dir, work / "bert-onnx-int8", "int8")
        onnx_float = export_nli(nli_dir, work / "bert-onnx-float32", "float32")

        print("pivot: transformers generate, one sentence at a time …", flush=True)
        naive_translate = naive_translator(mt_dir, args.max_new_tokens)
        naive_translate(german[:1])  # every engine is timed loaded and warm
        reference, seconds = timed(lambda: naive_translate(german[:naive]))
        rows.append(Row("pivot", "naive: transformers generate, 1 sentence per call", naive, seconds, "reference"))
        for compute_type in ("int8", "float32"):
            translator = Ct2Translator(str(ct2_dir), compute_type=compute_type, max_new_tokens=args.max_new_tokens,
                                       intra_threads=args.threads)
            translator.translate(german[:2], "de")  # load outside the timing, as a long run would
            out, seconds = timed(lambda: translator.translate(german, "de"))
            same = sum(a == b for a, b in zip(out, reference)) / len(reference)
            rows.append(Row("pivot", f"fast: --pivot ct2, {compute_type}, batches of 32", len(german), seconds,
                            f"{same:.0%} identical"))

        print("NLI: transformers pipeline, one pair at a time …", flush=True)
        naive_score = naive_classifier(nli_dir)
        naive_score(pairs[:1])
        probabilities, seconds = timed(lambda: naive_score(pairs[:naive]))
        rows.append(Row("NLI", "naive: pipeline(text-classification), 1 pair per call", naive, seconds, "reference"))
        for name, folder in (("int8", onnx_int8), ("float32", onnx_float)):
            scorer = OnnxNli(str(folder), threads=args.threads)
            scorer.score(pairs[:2])
            scores, seconds = timed(lambda: scorer.score(pairs))
            delta = max(abs(a - b) for s, p in zip(scores, probabilities)
                        for a, b in zip((s.entail, s.neutral, s.contradict), p))
            rows.append(Row("NLI", f"fast: --nli onnx, {name}, batches of 32", len(pairs), seconds, f"max |Δp| {delta:.4f}"))

    print()
    print("| task | path | items/s | speed-up | agreement with naive |")
    print("|---|---|---:|---:|---|")
    base = {r.task: r for r in rows if r.path.startswith("naive")}
    for r in rows:
        print(f"| {r.task} | {r.path} | {r.per_second:.1f} | {r.per_second / base[r.task].per_second:.1f}× | {r.agreement} |")
    # What a sentence costs the model stage of a check: one pivot translation and NLI in both
    # directions against a partner (from the rates above; int8 rows for the fast path).
    if "pivot" in base and "NLI" in base:
        def stage(pivot_rate: float, nli_rate: float) -> float:
            return 1 / (1 / pivot_rate + 2 / nli_rate)

        fast = {r.task: r for r in rows if "int8" in r.path}
        naive_rate = stage(base["pivot"].per_second, base["NLI"].per_second)
        fast_rate = stage(fast["pivot"].per_second, fast["NLI"].per_second)
        print(f"| pivot + NLI both ways | naive | {naive_rate:.1f} sentences/s | 1.0× | |")
        print(f"| pivot + NLI both ways | fast (int8) | {fast_rate:.1f} sentences/s | {fast_rate / naive_rate:.1f}× | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
