"""End-to-end time and memory of `checker check` with the offline default, from 1 document
to the whole ntrex-dev set: cold cache, warm cache, and warm after editing one sentence.

    python benchmarks/scale.py [--bench ../shared/bench/ntrex-dev] [--sizes 1,2,4,8,40] [--keep DIR]

Each size is a fresh folder with the first N documents (4 language versions each) and a fresh
cache folder. Every run is a separate `checker check` process, as in CI; the figures are its
wall time, sentences per second and peak RSS (from wait4, the process alone). Not a test: the
numbers depend on the machine. Prints one table.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Timing:
    wall_s: float
    peak_rss_mib: float
    exit_code: int


def run_checker(folder: Path, cache: Path, report: Path) -> Timing:
    """One `checker check` process; its own peak RSS, not the benchmark's."""
    env = {**os.environ, "CHECKER_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "checker", "check", str(folder), "--json", str(report), "--quiet"]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"checker failed on {folder} (exit {code}): {process.stderr.read().decode()[-2000:]}")
    return Timing(wall, usage.ru_maxrss / 1024, code)


def sentences_in(folder: Path) -> int:
    """Rough sentence count (for sentences per second): lines split at sentence ends."""
    total = 0
    for path in folder.rglob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            total += len([s for s in re.split(r"(?<=[.!?])\s+", line.strip()) if s])
    return total


def edit_one_sentence(folder: Path) -> None:
    """Change one word of the first German sentence: a typical one-line edit."""
    target = sorted(folder.rglob("de.txt"))[0]
    text = target.read_text(encoding="utf-8")
    words = text.split(" ", 3)
    words[1] = words[1] + "e"
    target.write_text(" ".join(words), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench" / "ntrex-dev")
    parser.add_argument("--sizes", default="1,2,4,8,40", help="document counts, comma-separated (40 = all of ntrex-dev)")
    parser.add_argument("--keep", type=Path, help="keep the folders and reports here")
    args = parser.parse_args()

    documents = sorted(p for p in args.bench.iterdir() if p.is_dir())
    work = args.keep or Path(tempfile.mkdtemp(prefix="checker-scale-"))
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        size = min(size, len(documents))
        folder = work / f"docs-{size}"
        shutil.rmtree(folder, ignore_errors=True)
        for doc in documents[:size]:
            shutil.copytree(doc, folder / doc.name, ignore=shutil.ignore_patterns("gold*", "*.json*"))
        cache = work / f"cache-{size}"
        shutil.rmtree(cache, ignore_errors=True)
        sentences = sentences_in(folder)
        cold = run_checker(folder, cache, work / f"cold-{size}.json")
        warm = run_checker(folder, cache, work / f"warm-{size}.json")
        edit_one_sentence(folder)
        edited = run_checker(folder, cache, work / f"edited-{size}.json")
        rows.append((size, sentences, cold, warm, edited))
        print(f"{size} documents done", file=sys.stderr, flush=True)

    print(f"checker check, offline default, {os.cpu_count()} CPUs; folders in {work}")
    print(f"{'docs':>4} {'sentences':>9} | {'cold s':>7} {'sent/s':>6} {'RSS MiB':>7} | {'warm s':>6} {'%cold':>5} | "
          f"{'1 edit s':>8} {'%cold':>5} {'RSS MiB':>7}")
    for size, sentences, cold, warm, edited in rows:
        print(
            f"{size:>4} {sentences:>9} | {cold.wall_s:>7.1f} {sentences / cold.wall_s:>6.1f} {cold.peak_rss_mib:>7.0f} | "
            f"{warm.wall_s:>6.1f} {100 * warm.wall_s / cold.wall_s:>4.1f}% | "
            f"{edited.wall_s:>8.1f} {100 * edited.wall_s / cold.wall_s:>4.1f}% {edited.peak_rss_mib:>7.0f}"
        )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
