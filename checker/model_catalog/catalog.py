"""The model registry (models/registry.toml, shipped as package data): which weights each
backend and preset uses, where they come from, their licences, revisions and checksums.

Entries are data only; `ModelEntry` is their typed form. `CHECKER_MODEL_REGISTRY` names another
registry file for the presets (a mirror, or the tests' loopback hub); the sha256 of the weights
that ship with checker is always read from the shipped file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..errors import CheckerError

# models/ at the top of the checkout, reached through the checker/shipped_models link so that a
# wheel (which copies what the link points at) ships it as package data.
REGISTRY = Path(__file__).resolve().parent.parent / "shipped_models" / "registry.toml"
REGISTRY_ENV = "CHECKER_MODEL_REGISTRY"
STAGES = ("pivot", "nli")
ANY_LANGUAGE = "*"  # a multilingual translator: any source language without a model of its own
# The shipped divergence models by --divergence name: (folder under models/, registry entry whose
# sha256 is checked before loading). "builtin" is the default.
SHIPPED_DIVERGENCE = {
    "builtin": ("divergence-4", "checker-divergence-4"),  # the split cross-encoder
    "head": ("divergence", "checker-divergence-1"),  # the head over word vectors (the first model)
}
DIVERGENCE_MODEL_ID = SHIPPED_DIVERGENCE["builtin"][1]
BUILTIN_DIVERGENCE_FOLDER = SHIPPED_DIVERGENCE["builtin"][0]  # under models/: what benchmarks and scripts default to


@dataclass(frozen=True)
class ModelEntry:
    id: str  # the hub repository (owner/name) for hub models; a description for the others
    backend: str
    role: str
    source: str
    licence: str
    offline: bool = False
    preset: str = ""  # "full" when a preset uses it
    stage: str = ""  # "pivot" or "nli" for preset models
    languages: tuple[str, ...] = ()  # source languages a translator serves ("*": any)
    revision: str = ""  # a hub commit (40 hex) or, where none could be pinned, a branch
    files: tuple[str, ...] = ()  # exactly the files `checker models pull` fetches
    file_sha256: Mapping[str, str] = field(default_factory=dict)  # recorded hashes, checked after download
    size_bytes: int | None = None
    sha256: str | None = None  # of a shipped weights file (e5, the divergence model)

    @property
    def pinned(self) -> bool:
        return len(self.revision) == 40 and all(c in "0123456789abcdef" for c in self.revision)

    @property
    def label(self) -> str:
        """The id and revision as the report shows them."""
        return f"{self.id}@{self.revision[:12]}" if self.revision else self.id


def active_registry() -> Path:
    override = os.environ.get(REGISTRY_ENV, "").strip()
    return Path(override).expanduser() if override else REGISTRY


def load_registry(path: Path = REGISTRY) -> list[dict[str, Any]]:
    """The registry's [[model]] tables as read (an empty list when the file is missing)."""
    if not path.is_file():
        return []
    try:
        models = tomllib.loads(path.read_text(encoding="utf-8")).get("model", [])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CheckerError(f"{path}: cannot read the model registry ({exc})") from exc
    if not isinstance(models, list) or not all(isinstance(m, dict) for m in models):
        raise CheckerError(f"{path}: the model registry must be a list of [[model]] tables")
    return models


def registry_entries(path: Path | None = None) -> list[ModelEntry]:
    path = path or active_registry()
    return [_entry(m, path, n) for n, m in enumerate(load_registry(path))]


def _entry(m: Mapping[str, Any], path: Path, n: int) -> ModelEntry:
    where = f"{path}: model {n + 1} ({m.get('id', 'no id')})"
    try:
        entry = ModelEntry(
            id=str(m["id"]), backend=str(m["backend"]), role=str(m["role"]), source=str(m["source"]),
            licence=str(m["licence"]), offline=bool(m.get("offline", False)), preset=str(m.get("preset", "")),
            stage=str(m.get("stage", "")), languages=tuple(str(x) for x in m.get("languages", ())),
            revision=str(m.get("revision", "")), files=tuple(str(x) for x in m.get("files", ())),
            file_sha256={str(k): str(v) for k, v in dict(m.get("file_sha256", {})).items()},
            size_bytes=int(m["size_bytes"]) if "size_bytes" in m else None,
            sha256=str(m["sha256"]) if "sha256" in m else None,
        )
    except KeyError as exc:
        raise CheckerError(f"{where}: missing the key {exc.args[0]!r}") from exc
    except (TypeError, ValueError) as exc:
        raise CheckerError(f"{where}: a value has the wrong type ({exc})") from exc
    if entry.preset:
        if entry.stage not in STAGES or not entry.revision or not entry.files:
            raise CheckerError(f"{where}: a preset model needs stage ({' or '.join(STAGES)}), revision and files")
        if entry.stage == "pivot" and not entry.languages:
            raise CheckerError(f"{where}: a translator needs languages (ISO codes, or \"*\" for any)")
    return entry


def recorded_sha256(model_id: str, path: Path = REGISTRY) -> str | None:
    """The sha256 the shipped registry records for `model_id` (None when it records none)."""
    return next((m.get("sha256") for m in load_registry(path) if m.get("id") == model_id), None)


def _size(n: int | None) -> str:
    if n is None:
        return "size unknown"
    return f"{n / 1e9:.2f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"


def describe_models(path: Path | None = None, on_machine: Mapping[str, bool] | None = None) -> str:
    """The registry as `checker models list` prints it: the preset choice table first (language,
    model, size, licence, revision, and whether it is in this machine's cache), then the rest."""
    path = path or active_registry()
    entries = registry_entries(path)
    if not entries:
        return f"no model registry found at {path}"
    on_machine = on_machine or {}
    lines = [f"model registry: {path}", "", "preset full (`checker models pull --models full`; the offline default needs none of these):"]
    for e in (e for e in entries if e.preset):
        langs = ",".join(e.languages) if e.stage == "pivot" else "English pivots"
        here = "on this machine" if on_machine.get(e.id) else "not downloaded"
        pin = e.revision[:12] if e.pinned else f"{e.revision} (not pinned)"
        lines.append(f"  {e.stage:<6} {langs:<16} {e.id}")
        lines.append(f"  {'':<6} {'':<16} {_size(e.size_bytes)}, {e.licence}, revision {pin}, {here}")
    lines += ["", "backends:"]
    for e in (e for e in entries if not e.preset):
        where = "ships offline" if e.offline else "needs a local copy"
        lines.append(f"  {e.backend:<24} {e.id}  [{where}]")
        lines.append(f"  {'':<24} {e.role}")
        lines.append(f"  {'':<24} source: {e.source}")
        lines.append(f"  {'':<24} licence: {e.licence}" + (f"; sha256 {e.sha256[:16]}…" if e.sha256 else ""))
    return "\n".join(lines)
