"""Speed of the divergence model on CPU: milliseconds per sentence pair, next to the e5 pass
that gives its inputs (the cost a check pays anyway), in the same run.

    python benchmarks/divergence_speed.py [--pairs 2000] [--threads 2]

Sentences are the seeds' own (their word vectors computed once by e5, as a check does); pairs
are drawn from them at random, so lengths are those of real prose. Not a test: the figures
depend on the machine. The issue's budget is 40 ms per pair on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from checker.backends.registry import build_divergence
    from checker.backends.e5 import E5Encoder

    sentences = [
        line.strip()
        for path in sorted((ROOT / "seeds").glob("00[012]_*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line.split()) >= 4
    ]
    encoder = E5Encoder()
    encoder.word_vectors("Load the engines first.")  # loading is not the per-sentence cost
    started = time.process_time()
    words = [encoder.word_vectors(s) for s in sentences]
    e5_ms = (time.process_time() - started) * 1000 / len(sentences)
    matrices = [np.stack([w.vector for w in ws]).astype(np.float32) for ws in words if ws]
    rng = random.Random(0)
    pairs = [(rng.choice(matrices), rng.choice(matrices)) for _ in range(args.pairs)]
    scorer = build_divergence("builtin")
    scorer.score(pairs[:8])  # load and warm up
    started = time.process_time()
    wall = time.perf_counter()
    scorer.score(pairs)
    head_ms = (time.process_time() - started) * 1000 / len(pairs)
    head_wall_ms = (time.perf_counter() - wall) * 1000 / len(pairs)
    mean_words = np.mean([len(m) for m in matrices])
    print(f"{len(sentences)} seed sentences, {mean_words:.1f} words on average; {args.threads} torch threads")
    print(f"e5 word vectors (the input, computed once per sentence by a check): {e5_ms:.1f} ms CPU per sentence")
    print(f"divergence head: {head_ms:.2f} ms CPU, {head_wall_ms:.2f} ms wall per pair ({len(pairs)} pairs, batched by length)")


if __name__ == "__main__":
    main()
