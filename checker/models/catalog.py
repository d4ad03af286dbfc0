"""Reads the model registry (models/registry.toml at the project root) for `checker models list`."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

REGISTRY = Path(__file__).resolve().parent.parent / "models" / "registry.toml"


def load_registry(path: Path = REGISTRY) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return tomllib.loads(path.read_text(encoding="utf-8")).get("model", [])


def recorded_sha256(model_id: str, path: Path = REGISTRY) -> str | None:
    """The sha256 the registry records for `model_id` (None when it records none)."""
    return next((m.get("sha256") for m in load_registry(path) if m.get("id") == model_id), None)


def describe_models(path: Path = REGISTRY) -> str:
    models = load_registry(path)
    if not models:
        return f"no model registry found at {path} (it ships with the source checkout)"
    lines = []
    for m in models:
        where = "ships offline" if m.get("offline") else "needs a local copy"
        lines.append(f"{m['backend']:<24} {m['id']}  [{where}]")
        lines.append(f"{'':<24} {m['role']}")
        lines.append(f"{'':<24} source: {m['source']}")
        lines.append(f"{'':<24} licence: {m['licence']}" + (f"; sha256 {m['sha256'][:16]}…" if m.get("sha256") else ""))
    return "\n".join(lines)
