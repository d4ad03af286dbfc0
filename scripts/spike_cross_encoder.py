#!/usr/bin/env python
"""Spike: how far does a cross-encoder fine-tuned from e5-small get in a fixed CPU budget?

Not part of checker (no inference path uses it): it answers whether the next version of the
divergence model should be a cross-encoder (both sentences in one e5 pass) instead of the head
over frozen word vectors. It reads the training corpus that scripts/train_divergence.py built
(`build/divergence/corpus-seed13.json`, from ../shared/train only), trains the top layers of
e5-small (converted by checker/backends/e5_transformers.py) plus a linear head on the pair
"passage: A</s></s>B" for `--minutes`, and prints the AUROC of P(differs) on the held-out
training documents every `--every` steps. With `--measure-mqm-dev` it also prints the AUROC on
../shared/bench/mqm-dev at the end (a measurement, never used for training or choices).

    python scripts/spike_cross_encoder.py --minutes 45 --measure-mqm-dev
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT / "build" / "divergence" / "corpus-seed13.json")
    ap.add_argument("--minutes", type=float, default=45)
    ap.add_argument("--train-layers", type=int, default=4, help="top encoder layers trained (the rest frozen)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--every", type=int, default=300)
    ap.add_argument("--valid", type=int, default=800, help="held-out pairs scored at each report")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--measure-mqm-dev", action="store_true")
    ap.add_argument("--save", type=Path, help="write the trained parameters (top layers + head, float16 safetensors) here")
    ap.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    args = ap.parse_args()

    import torch
    from torch import nn

    from checker.backends.e5_transformers import PREFIX, load_e5_transformers
    from checker.divergence.training import auroc

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    data = json.loads(args.corpus.read_text(encoding="utf-8"))
    texts = [t["text"] for t in data["texts"]]
    train = [e for e in data["examples"] if e["split"] == "train"]
    valid = [e for e in data["examples"] if e["split"] == "valid"]
    valid = rng.sample(valid, min(args.valid, len(valid)))

    encoder, tokenizer = load_e5_transformers()
    for p in encoder.parameters():
        p.requires_grad = False
    for layer in encoder.encoder.layer[-args.train_layers :]:
        for p in layer.parameters():
            p.requires_grad = True
    head = nn.Linear(encoder.config.hidden_size, 1)
    params = [p for p in encoder.parameters() if p.requires_grad] + list(head.parameters())
    optimiser = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)

    def logits(pairs: list[tuple[str, str]]) -> torch.Tensor:
        enc = tokenizer([PREFIX + a for a, _ in pairs], [b for _, b in pairs], padding=True, truncation=True,
                        max_length=args.max_length, return_tensors="pt")
        hidden = encoder(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        return head(pooled).squeeze(-1)

    def score(pairs: list[tuple[str, str]]) -> list[float]:
        encoder.eval()
        out: list[float] = []
        with torch.inference_mode():
            for i in range(0, len(pairs), 32):
                out.extend(torch.sigmoid(logits(pairs[i : i + 32])).tolist())
        encoder.train()
        return out

    def report(step: int, started: float) -> None:
        pairs = [(texts[e["a"]], texts[e["b"]]) for e in valid]
        probs = score(pairs)
        labels = [e["label"] for e in valid]
        figures = {"step": step, "minutes": round((time.monotonic() - started) / 60, 1), "auroc": round(auroc(probs, labels), 4)}
        for source in ("ntrex", "mqm"):
            idx = [i for i, e in enumerate(valid) if e["source"] == source]
            figures[f"auroc_{source}"] = round(auroc([probs[i] for i in idx], [labels[i] for i in idx]), 4)
        print(json.dumps(figures), flush=True)

    started = time.monotonic()
    step = 0
    encoder.train()
    while time.monotonic() - started < args.minutes * 60:
        rng.shuffle(train)
        for first in range(0, len(train), args.batch):
            chosen = train[first : first + args.batch]
            pairs = [(texts[e["a"]], texts[e["b"]]) if rng.random() < 0.5 else (texts[e["b"]], texts[e["a"]]) for e in chosen]
            loss = nn.functional.binary_cross_entropy_with_logits(
                logits(pairs), torch.tensor([float(e["label"]) for e in chosen])
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            step += 1
            if step % 50 == 0:
                print(f"step {step} loss {float(loss.detach()):.4f} ({(time.monotonic() - started) / step:.2f} s/step)", flush=True)
            if step % args.every == 0:
                report(step, started)
            if time.monotonic() - started >= args.minutes * 60:
                break
    report(step, started)
    if args.save:
        from safetensors.torch import save_file

        args.save.mkdir(parents=True, exist_ok=True)
        trained = {f"encoder.{k}": v for k, v in encoder.state_dict().items()
                   if any(k.startswith(f"encoder.layer.{i}.") for i in range(len(encoder.encoder.layer) - args.train_layers, len(encoder.encoder.layer)))}
        trained.update({f"head.{k}": v for k, v in head.state_dict().items()})
        save_file({k: v.detach().half().contiguous() for k, v in trained.items()}, str(args.save / "trained.safetensors"))
        (args.save / "spike.json").write_text(json.dumps({**vars(args), "steps": step}, default=str, indent=1) + "\n", encoding="utf-8")
        print(f"saved {len(trained)} tensors to {args.save}", flush=True)
    if args.measure_mqm_dev:
        folder = args.bench / "mqm-dev"
        with open(folder / "mqm-ted-ende.tsv", encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
        labels = [1 if line.split("\t")[0] == "divergent" else 0
                  for line in (folder / "mqm-ted-ende.labels").read_text(encoding="utf-8").splitlines() if line.strip()]
        t0 = time.process_time()
        probs = score([(r["source"], r["target"]) for r in rows])
        ms = (time.process_time() - t0) * 1000 / len(rows)
        print(json.dumps({"mqm_dev_auroc": round(auroc(probs, labels), 4), "pairs": len(rows), "ms_cpu_per_pair": round(ms, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
