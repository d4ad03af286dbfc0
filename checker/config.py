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
from .suppress import SuppressRule, parse_ignore, parse_suppress_rules


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
    term_severity: str
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
    split_length_share: float


@dataclass(frozen=True)
class SentenceConfig:
    low: float
    margin: float


@dataclass(frozen=True)
class ModalityConfig:
    enabled: bool
    severity: str
    min_cue_share: float


@dataclass(frozen=True)
class ConsistencyConfig:
    enabled: bool
    severity: str
    min_link: float
    min_places: int


@dataclass(frozen=True)
class KeysConfig:
    """Catalogues (keyed units): gaps by key, and what short strings are judged by."""

    empty_severity: str
    missing_severity: str
    extra_severity: str
    short_words: int


@dataclass(frozen=True)
class ModelConfig:
    """Thresholds of the divergence model's verdicts (compare/learned.py), on its calibrated P(differs)."""

    flag: float
    agree: float
    minor: float
    major: float
    tag: float
    confirm_terms: float
    max_severity: str  # the most a verdict of the model alone may be (its spans still show)
    # a negation finding the model sees no difference behind (P below this) is a note; "model":
    # the threshold the divergence model was calibrated with (its config.json), none if it has none
    doubt_negation: float | str


@dataclass(frozen=True)
class CompareConfig:
    chrf_skip_nli: float
    pair_threshold: float
    nli_entail_min: float
    nli_contradict_max: float
    words: WordsConfig
    omission: OmissionConfig
    sentence: SentenceConfig
    modality: ModalityConfig
    consistency: ConsistencyConfig
    model: ModelConfig
    keys: KeysConfig


@dataclass(frozen=True)
class DiscoveryConfig:
    patterns: tuple[str, ...]
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    default_language: str


@dataclass(frozen=True)
class CacheConfig:
    enabled: bool
    max_mb: int


@dataclass(frozen=True)
class LimitsConfig:
    max_sentences: int
    max_sentence_chars: int
    max_units: int
    max_files: int


@dataclass(frozen=True)
class Config:
    languages: tuple[str, ...]
    pivot: str
    pivot_model: str
    nli: str
    nli_model: str
    embedder: str
    divergence: str  # "builtin" (models/divergence-4), "head" (models/divergence), "none", or a trained model's folder
    fail_on: str
    min_severity: str
    grouping: GroupingConfig
    align: AlignConfig
    compare: CompareConfig
    discovery: DiscoveryConfig
    cache: CacheConfig
    limits: LimitsConfig
    allow_pickle: bool  # load pickle-based model weights (they can run code): backends/model_files.py
    models: str = "offline"  # the model preset (checker/model_catalog/presets.py): offline | full
    allow_download: bool = False  # may a run fetch the preset's missing models from the hub
    source: str = field(default="defaults")  # where the overrides came from, for messages
    suppress: tuple[SuppressRule, ...] = ()  # [[suppress]] entries (checker/suppress.py)
    ignore: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # [ignore] lang = [kinds]
    glossary: str = ""  # CSV or TBX of required renderings, resolved against the config file's folder
    glossary_severity: str = "minor"

    def with_overrides(self, **changes: Any) -> "Config":
        changed = replace(self, **{k: v for k, v in changes.items() if v is not None})
        _validate_choices(changed.__dict__, "command line")
        return changed

    def as_dict(self) -> dict[str, Any]:
        def convert(obj: Any) -> Any:
            if hasattr(obj, "__dataclass_fields__"):
                return {f.name: convert(getattr(obj, f.name)) for f in fields(obj) if f.name != "source"}
            if isinstance(obj, tuple):
                return [convert(v) for v in obj]
            if isinstance(obj, Mapping):
                return {k: convert(v) for k, v in obj.items()}
            return obj

        return convert(self)


def _merge(base: dict[str, Any], override: Mapping[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        norm = key.replace("-", "_")
        if norm not in base:
            raise CheckerError(f"{where}: unknown setting '{prefix}{key}' (known: {', '.join(sorted(base))})")
        if not prefix and norm in _FREE_FORM:  # no default shape to check against: _build validates them
            merged[norm] = value
        elif isinstance(base[norm], dict):
            if not isinstance(value, Mapping):
                raise CheckerError(f"{where}: '{prefix}{key}' must be a table")
            merged[norm] = _merge(base[norm], value, where, f"{prefix}{norm}.")
        else:
            merged[norm] = _checked(base[norm], value, where, f"{prefix}{norm}")
    return merged


# Top-level settings whose entries have no default to copy a shape from: a list of
# [[suppress]] tables and [ignore] keyed by language.
_FREE_FORM = ("suppress", "ignore")


# Settings that take a number or "model": the value the divergence model ships, calibrated with it.
_NUMBER_OR_MODEL = ("compare.model.doubt_negation",)


def _checked(default: Any, value: Any, where: str, name: str) -> Any:
    """The override must have the type of the shipped default (an int may stand for a float)."""
    if name in _NUMBER_OR_MODEL:
        if value == "model":
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise CheckerError(f"{where}: '{name}' must be a number or \"model\" (the divergence model's own), not {value!r}")
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
    "models": ("offline", "full"),
}


# Severities of the checks that let a project choose how loud they are.
_SEVERITY_CHOICES = (
    "compare.words.term_severity", "compare.modality.severity", "compare.consistency.severity", "glossary_severity",
    "compare.keys.empty_severity", "compare.keys.missing_severity", "compare.keys.extra_severity",
    "compare.model.max_severity",
)


# Numbers with a floor: (least allowed, what it means), checked wherever a value comes from.
_BOUNDS = {
    "cache.max_mb": (0, " (0 turns the cache off)"),
    "limits.max_sentences": (1, ""),
    "limits.max_sentence_chars": (1, ""),
    "limits.max_units": (1, ""),
    "limits.max_files": (1, ""),
}


def _dotted(data: Mapping[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        value = value.get(part, {}) if isinstance(value, Mapping) else {}
    return value


# Thresholds on a probability: between 0 and 1.
_PROBABILITIES = tuple(
    f"compare.model.{k}" for k in ("flag", "agree", "minor", "major", "tag", "confirm_terms", "doubt_negation")
)


def _validate_values(data: Mapping[str, Any], where: str) -> None:
    """Bounds and languages: a value of the right type can still make no sense."""
    for dotted, (least, meaning) in _BOUNDS.items():
        value = _dotted(data, dotted)
        if isinstance(value, (int, float)) and value < least:
            raise CheckerError(f"{where}: '{dotted}' must be at least {least}{meaning}, not {value!r}")
    for dotted in _PROBABILITIES:
        value = _dotted(data, dotted)
        if isinstance(value, (int, float)) and not 0.0 <= value <= 1.0:
            raise CheckerError(f"{where}: '{dotted}' is a probability threshold: between 0 and 1, not {value!r}")
    languages = data.get("languages", ())
    if not languages:
        raise CheckerError(f"{where}: 'languages' is empty; name the languages of the versions, e.g. [\"de\", \"fr\", \"en\"]")
    unknown = [code for code in languages if not _known_language(code)]
    if unknown:
        raise CheckerError(
            f"{where}: 'languages' has {', '.join(repr(c) for c in unknown)}, not a two-letter ISO 639-1 code "
            "checker knows (e.g. \"de\", \"fr\", \"id\", \"en\")"
        )


def _known_language(code: str) -> bool:
    from lingua import IsoCode639_1

    return isinstance(code, str) and code.isalpha() and code.isascii() and hasattr(IsoCode639_1, code.upper())


def _validate_choices(data: Mapping[str, Any], where: str) -> None:
    _validate_values(data, where)
    for key, allowed in _CHOICES.items():
        if data[key] not in allowed:
            raise CheckerError(f"{where}: '{key}' must be one of {', '.join(allowed)}, not {data[key]!r}")
    for dotted in _SEVERITY_CHOICES:
        value = _dotted(data, dotted)
        if value != {} and value not in ("major", "minor", "info"):
            raise CheckerError(f"{where}: '{dotted}' must be one of major, minor, info, not {value!r}")


def _relative_to(source: str, path: str) -> str:
    """A path from a config file, resolved against that file's folder (as written when absolute or empty)."""
    if not path or Path(path).is_absolute() or source in ("defaults", "command line"):
        return path
    source_path = Path(source)
    return str((source_path.parent / path).resolve()) if source_path.suffix == ".toml" else path


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
        divergence=data["divergence"],
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
            modality=ModalityConfig(**c["modality"]),
            consistency=ConsistencyConfig(**c["consistency"]),
            model=ModelConfig(**c["model"]),
            keys=KeysConfig(**c["keys"]),
        ),
        discovery=DiscoveryConfig(
            patterns=tuple(data["discovery"]["patterns"]),
            include=tuple(data["discovery"]["include"]),
            exclude=tuple(data["discovery"]["exclude"]),
            default_language=data["discovery"]["default_language"],
        ),
        cache=CacheConfig(**data["cache"]),
        limits=LimitsConfig(**data["limits"]),
        allow_pickle=data["allow_pickle"],
        models=data["models"],
        allow_download=data["allow_download"],
        source=source,
        suppress=parse_suppress_rules(data["suppress"], source),
        ignore=parse_ignore(data["ignore"], source),
        glossary=_relative_to(source, data["glossary"]),
        glossary_severity=data["glossary_severity"],
    )


def with_settings(config: Config, settings: Mapping[str, Any], where: str) -> Config:
    """`config` with dotted overrides ({"compare.words.terms": False}), checked like a config file."""
    nested: dict[str, Any] = {}
    for dotted, value in settings.items():
        *tables, key = dotted.split(".")
        target = nested
        for table in tables:
            target = target.setdefault(table, {})
        target[key] = value
    merged = _merge(config.as_dict(), nested, where)
    _validate_choices(merged, where)
    return _build(merged, config.source)


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
