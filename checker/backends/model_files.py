"""Model files on disk: which weights a backend may load, and whether they are the ones recorded.

- Pickle-based weights (`pytorch_model.bin`, `*.pt`, `*.pth`, `*.ckpt`, `*.pkl`) can run any
  code hidden in them when they are loaded, so a local model directory must hold
  safetensors weights unless the user trusts its source and says so (`allow_pickle = true`
  in checker.toml, or `--allow-pickle-weights`).
- `verify_sha256` checks a weights file against the sha256 recorded for it (see
  models/registry.toml). Hashing 70 MB on every run would cost a fraction of a second each
  time, so a verified file is remembered by its path, size, inode, mtime and ctime in the
  cache folder; any change to the file (ctime cannot be set back) hashes it again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from checker.atomic_write import write_atomic
from checker.errors import ModelUnavailableError

PICKLE_WEIGHT_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
SAFE_WEIGHT_SUFFIX = ".safetensors"
ALLOW_PICKLE_HOW = "pass --allow-pickle-weights (or set allow_pickle = true in checker.toml)"
VERIFIED_FILE = "verified-weights.json"


def pickle_weights(directory: Path) -> list[str]:
    """Names of the pickle-based weight files in a model directory."""
    return sorted(
        p.name
        for p in directory.iterdir()
        if p.is_file() and p.suffix.lower() in PICKLE_WEIGHT_SUFFIXES and p.name != "training_args.bin"
    )


def safetensors_choice(name: str, directory: Path | None, allow_pickle: bool) -> bool | None:
    """The `use_safetensors` argument for `from_pretrained`: True (only safetensors) unless
    pickle is allowed, then None (safetensors first, pickle as a fallback).

    A model folder (local, or a hub model's copy in the local cache) that holds only pickle
    weights is refused here with the reason and both ways out, before transformers opens
    anything.
    """
    if allow_pickle:
        return None
    if directory is not None and directory.is_dir() and not any(directory.glob(f"*{SAFE_WEIGHT_SUFFIX}")):
        found = pickle_weights(directory)
        if found:
            raise ModelUnavailableError(
                f"model '{name}' holds only pickle weights ({', '.join(found)}): loading a pickle "
                "file can run any code hidden in it, so checker loads safetensors only. Convert it on a "
                "machine you trust (load it with transformers and save_pretrained(DIR) writes "
                f"model.safetensors), or, if you trust where it came from, {ALLOW_PICKLE_HOW}"
            )
    return True


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _identity(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "inode": st.st_ino, "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns}


def _read_verified(memo: Path) -> dict[str, dict]:
    try:
        data = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or damaged: hash again
    return data if isinstance(data, dict) else {}


def _remember(memo: Path, key: str, entry: dict) -> None:
    """Best effort: a cache folder that cannot be written only means hashing again next time."""
    try:
        verified = _read_verified(memo)
        verified[key] = entry
        write_atomic(memo, json.dumps(verified, indent=1, sort_keys=True))
    except OSError:
        pass


def verify_sha256(path: Path, expected: str, cache_dir: Path, reinstall: str) -> None:
    """Raise `ModelUnavailableError` unless `path` has the sha256 `expected`.

    `reinstall` says how to get the right file back (it ends the error message).
    """
    key = str(path.resolve())
    memo = cache_dir / VERIFIED_FILE
    try:
        identity = _identity(path)
        if _read_verified(memo).get(key) == {**identity, "sha256": expected}:
            return
        actual = file_sha256(path)
    except OSError as exc:
        raise ModelUnavailableError(f"{path}: cannot read the model weights ({exc.strerror or exc}); {reinstall}") from exc
    if actual != expected:
        raise ModelUnavailableError(
            f"{path}: sha256 {actual[:16]}… differs from the recorded {expected[:16]}… "
            f"(models/registry.toml): the weights were changed or damaged, so checker will not load them; {reinstall}"
        )
    _remember(memo, key, {**identity, "sha256": expected})
