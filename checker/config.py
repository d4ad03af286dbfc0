"""Configuration: the shipped defaults, overridden by a project file, then by the command line.

All thresholds live in `defaults.toml` (documented there); code reads them from
`Config`, never from literals.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from .errors import CheckerError


@dataclass(frozen=True)
class GroupingConfig:
    partner_cosine: float
    min_shared: float


@dataclass(frozen=True)
class AlignConfig:
    skip_cost: float
    min_pair_similarity: float
    merge_penalty: float
    split_below: float
    split_margin: float
    insertion_join: float


@dataclass(frozen=True)
class WordsConfig:
    terms: bool
    linked: float
    unlinked: float
    rendered_ratio: float
    orphan_below: float
    isolated_below: float
    isolated_references_min: float
    isolated_rendered: float
    cognate_ratio: float
    min_word_chars: int
    omitted_words: int


@dataclass(frozen=True)
class OmissionConfig:
    min_content_words: int
    covered_by_neighbours: float


@dataclass(frozen=True)
class SentenceConfig:
    low: float
    margin: float


@dataclass(frozen=True)
class CompareConfig:
    chrf_skip_nli: float
    pair_threshold: float
    nli_entail_min: float
    nli_contradict_max: float
    words: WordsConfig
    omission: OmissionConfig
    sentence: SentenceConfig


@dataclass(frozen=True)
class Config:
    languages: tuple[str, ...]
    pivot: str
    pivot_model: str
    nli: str
    nli_model: str
    embedder: str
    fail_on: str
    min_severity: str
    grouping: GroupingConfig
    align: AlignConfig
    compare: CompareConfig
    source: str = field(default="defaults")  # where the overrides came from, for messages

    def with_overrides(self, **changes: Any) -> "Config":
        changed = replace(self, **{k: v for k, v in changes.items() if v is not None})
        _validate_choices(changed.__dict__, "command line")
        return changed

    def as_dict(self) -> dict[str, Any]:
        def convert(obj: Any) -> Any:
            if hasattr(obj, "__dataclass_fields__"):
                return {f.name: convert(getattr(obj, f.name)) for f in fields(obj) if f.name != "source"}
            if isinstance(obj, tuple):
                return list(obj)
            return obj

        return convert(self)


def _merge(base: dict[str, Any], override: Mapping[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        norm = key.replace("-", "_")
        if norm not in base:
            raise CheckerError(f"{where}: unknown setting '{prefix}{key}' (known: {', '.join(sorted(base))})")
        if isinstance(base[norm], dict):
            if not isinstance(value, Mapping):
                raise CheckerError(f"{where}: '{prefix}{key}' must be a table")
            merged[norm] = _merge(base[norm], value, where, f"{prefix}{key}.")
        else:
            merged[norm] = _checked(base[norm], value, where, f"{prefix}{key}")
    return merged


def _checked(default: Any, value: Any, where: str, name: str) -> Any:
    """The override must have the type of the shipped default (an int may stand for a float)."""
    expected = type(default)
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        ok, value = True, float(value)
    if expected is list:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if not ok:
        raise CheckerError(f"{where}: '{name}' must be {expected.__name__}, not {value!r}")
    return value


_CHOICES = {
    "fail_on": ("major", "minor", "info", "never"),
    "min_severity": ("major", "minor", "info"),
    "embedder": ("e5",),
}


def _validate_choices(data: Mapping[str, Any], where: str) -> None:
    for key, allowed in _CHOICES.items():
        if data[key] not in allowed:
            raise CheckerError(f"{where}: '{key}' must be one of {', '.join(allowed)}, not {data[key]!r}")


def _build(data: Mapping[str, Any], source: str) -> Config:
    _validate_choices(data, source)
    c = data["compare"]
    return Config(
        languages=tuple(data["languages"]),
        pivot=data["pivot"],
        pivot_model=data["pivot_model"],
        nli=data["nli"],
        nli_model=data["nli_model"],
        embedder=data["embedder"],
        fail_on=data["fail_on"],
        min_severity=data["min_severity"],
        grouping=GroupingConfig(**data["grouping"]),
        align=AlignConfig(**data["align"]),
        compare=CompareConfig(
            chrf_skip_nli=c["chrf_skip_nli"],
            pair_threshold=c["pair_threshold"],
            nli_entail_min=c["nli_entail_min"],
            nli_contradict_max=c["nli_contradict_max"],
            words=WordsConfig(**c["words"]),
            omission=OmissionConfig(**c["omission"]),
            sentence=SentenceConfig(**c["sentence"]),
        ),
        source=source,
    )


def default_data() -> dict[str, Any]:
    text = resources.files("checker").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def find_project_config(start: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """checker.toml, or [tool.checker] in pyproject.toml, in `start` or its parents."""
    for folder in [start, *start.parents]:
        candidate = folder / "checker.toml"
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _read_toml(pyproject).get("tool", {}).get("checker")
            if table:
                return pyproject, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CheckerError(f"{path}: not valid TOML ({exc}); fix the syntax or remove the file") from exc


def load_config(config_path: Path | None = None, search_from: Path | None = None) -> Config:
    data = default_data()
    source = "defaults"
    if config_path is not None:
        if not config_path.is_file():
            raise CheckerError(f"{config_path}: config file not found")
        table = _read_toml(config_path)
        if config_path.name == "pyproject.toml":
            table = table.get("tool", {}).get("checker", {})
        data = _merge(data, table, str(config_path))
        source = str(config_path)
    elif search_from is not None:
        found = find_project_config(search_from)
        if found:
            path, table = found
            data = _merge(data, table, str(path))
            source = str(path)
    return _build(data, source)
