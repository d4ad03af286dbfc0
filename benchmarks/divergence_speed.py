"""Speed of the divergence models on CPU: milliseconds per sentence pair, next to the e5 pass
that a check makes anyway, in the same run.

    python benchmarks/divergence_speed.py [--pairs 1000] [--threads 2] [--cross DIR]

Sentences are the seeds' own; pairs are drawn from them at random, so lengths are those of
real prose. For each model the pairs are scored as a check scores them (`score_sides`):

- checker-divergence-1 (the head over word vectors) reads the word vectors of the e5 pass;
- the cross model (checker-divergence-3 and later) reads e5's lower states, which a check keeps from its
  own pass (`E5Encoder.keep_lower_states`): its cost per pair is the top layers over the pair.
  Measured also with the lower states computed for it alone (a warm run's new pairs).

Not a test: the figures depend on the machine. The issue's budget is 40 ms per pair on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.model_catalog.catalog import BUILTIN_DIVERGENCE_FOLDER  # noqa: E402


def _timed(work) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cross", type=Path, default=ROOT / "models" / BUILTIN_DIVERGENCE_FOLDER, help="the cross model's folder (default: the builtin one)")
    args = ap.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from checker.backends.e5 import E5Encoder
    from checker.backends.registry import build_divergence
    from checker.compare.learned import sides_of
    from checker.compare.wordlinks import LocatedWord

    sentences = [
        line.strip()
        for path in sorted((ROOT / "seeds").glob("00[012]_*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line.split()) >= 4
    ]
    encoder = E5Encoder()
    head = build_divergence("head", encoder)
    cross = build_divergence(str(args.cross), encoder)  # asks the encoder to keep lower states
    encoder.word_vectors("Load the engines first.")  # loading is not the per-sentence cost
    e5_cpu, _ = _timed(lambda: encoder.word_vectors_batch(sentences))
    words = encoder.word_vectors_batch(sentences)
    sides = [
        sides_of({"x": [LocatedWord(w.start, w.end, w.text, w.vector / max(np.linalg.norm(w.vector), 1e-9)) for w in ws]},
                 {"x": s}, {"x": 0})["x"]
        for s, ws in zip(sentences, words) if ws
    ]
    rng = random.Random(0)
    pairs = [(rng.choice(sides), rng.choice(sides)) for _ in range(args.pairs)]
    mean_words = np.mean([len(s.words) for s in sides])
    print(f"{len(sentences)} seed sentences, {mean_words:.1f} words on average; {args.threads} torch threads")
    print(f"e5 pass of a check (word vectors, lower states kept): {e5_cpu * 1000 / len(sentences):.1f} ms CPU per sentence")
    for name, scorer in (("checker-divergence-1 (head)", head), (f"{cross.model_id} (cross)", cross)):
        scorer.score_sides(pairs[:8])  # load and warm up
        cpu, wall = _timed(lambda: scorer.score_sides(pairs))
        print(f"{name}: {cpu * 1000 / len(pairs):.1f} ms CPU, {wall * 1000 / len(pairs):.1f} ms wall per pair")
    fresh = E5Encoder()  # it makes no check pass, so nothing is kept: the model computes its lower states
    alone = build_divergence(str(args.cross), fresh)
    alone.score_sides(pairs[:8])
    cpu, wall = _timed(lambda: alone.score_sides(pairs))
    print(f"{cross.model_id} with its own lower pass: {cpu * 1000 / len(pairs):.1f} ms CPU, "
          f"{wall * 1000 / len(pairs):.1f} ms wall per pair")


if __name__ == "__main__":
    main()
