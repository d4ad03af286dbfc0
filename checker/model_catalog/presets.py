"""Model presets: which weights a run uses, chosen by one name.

- `offline` (the default): only what installs with checker: e5 vectors, the rules, word
  alignment, and checker's own divergence model when `divergence` names one.
- `full`: the same plus, per source language, the translator the registry lists for it
  (opus-mt-{src}-en where published, else the multilingual fallback, NLLB-200) and an NLI
  model on the English pivots, both from the model hub through the local cache.

`plan_models` turns a preset and languages into a `ModelPlan`; `ensure_available` makes sure
its files are in the cache and intact (downloading only when allowed); `PresetTranslator`
routes each language to its model; `run_models` is what the report says ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, TextIO

from ..errors import ModelUnavailableError
from ..protocols import Backends
from .catalog import ANY_LANGUAGE, ModelEntry, registry_entries
from .hub import (
    HubSettings,
    refuse_pickle,
    describe_missing,
    missing_files,
    pull,
    snapshot_dir,
    verify_cached,
)

PRESETS = ("offline", "full")


def _iso(lang: str) -> str:
    from ..backends.hf_seq2seq import iso_language

    return iso_language(lang)


@dataclass(frozen=True)
class ModelPlan:
    preset: str
    pivots: Mapping[str, ModelEntry] = field(default_factory=dict)  # source language -> translator
    nli: ModelEntry | None = None
    unserved: tuple[str, ...] = ()  # languages no registry translator serves

    def entries(self) -> list[ModelEntry]:
        """Each model once, translators first."""
        seen: dict[str, ModelEntry] = {}
        for e in [*self.pivots.values(), *([self.nli] if self.nli else [])]:
            seen.setdefault(e.id, e)
        return list(seen.values())


def plan_models(preset: str, languages: Sequence[str], entries: Sequence[ModelEntry] | None = None) -> ModelPlan:
    if preset == "offline":
        return ModelPlan("offline")
    if preset not in PRESETS:
        raise ModelUnavailableError(f"unknown model preset {preset!r} (known: {', '.join(PRESETS)})")
    listed = [e for e in (registry_entries() if entries is None else entries) if e.preset == preset]
    pivots: dict[str, ModelEntry] = {}
    unserved: list[str] = []
    for lang in dict.fromkeys(_iso(lang) for lang in languages):
        if lang == "en":
            continue  # English passes through the pivot as it is
        own = [e for e in listed if e.stage == "pivot" and lang in e.languages]
        fallback = [e for e in listed if e.stage == "pivot" and ANY_LANGUAGE in e.languages]
        if own or fallback:
            pivots[lang] = (own or fallback)[0]
        else:
            unserved.append(lang)
    nli = next((e for e in listed if e.stage == "nli"), None)
    if nli is None:
        raise ModelUnavailableError(f"the model registry lists no NLI model for the preset {preset!r}")
    return ModelPlan(preset, pivots, nli, tuple(unserved))


def ensure_available(
    plan: ModelPlan,
    settings: HubSettings,
    memo_dir: Path,
    *,
    allow_download: bool,
    allow_pickle: bool = False,
    out: TextIO | None = None,
) -> None:
    """Every file of the plan in the cache and intact; missing ones fetched only when allowed,
    else one ModelUnavailableError naming each missing model and the command that fetches it."""
    entries = plan.entries()
    refuse_pickle(entries, allow_pickle)
    missing = [(e, files) for e in entries if (files := missing_files(e, settings))]
    if missing and not allow_download:
        raise ModelUnavailableError(describe_missing(missing, sorted(plan.pivots)))
    if missing:
        pull([e for e, _ in missing], settings, memo_dir, allow_pickle, out)
    for e in entries:
        verify_cached(e, settings, memo_dir)


class PresetTranslator:
    """A Translator that sends each source language to the model its plan chose, each model
    loaded once from its cache folder on first use (English passes through)."""

    def __init__(self, plan: ModelPlan, settings: HubSettings, allow_pickle: bool = False,
                 make: Callable[[str], Any] | None = None) -> None:
        self.plan = plan
        self.settings = settings
        self.allow_pickle = allow_pickle
        self._make = make or self._seq2seq
        self._loaded: dict[str, Any] = {}
        # Keys the translation cache: a new revision of any chosen model is a new translator.
        self.model_id = f"{plan.preset}:" + ",".join(f"{lang}={e.label}" for lang, e in sorted(plan.pivots.items()))

    def _seq2seq(self, folder: str) -> Any:
        from ..backends.hf_seq2seq import Seq2SeqTranslator

        return Seq2SeqTranslator(folder, allow_pickle=self.allow_pickle)

    def translate(self, texts: Sequence[str], source_lang: str) -> list[str]:
        lang = _iso(source_lang)
        if lang == "en":
            return list(texts)
        entry = self.plan.pivots.get(lang)
        if entry is None:
            raise ModelUnavailableError(
                f"the model registry lists no translator for '{source_lang}' in the preset {self.plan.preset!r} "
                "(add one to the registry, or leave those files out of the run)"
            )
        if entry.id not in self._loaded:
            self._loaded[entry.id] = self._make(str(snapshot_dir(entry, self.settings)))
        return self._loaded[entry.id].translate(texts, source_lang)


def build_preset_models(plan: ModelPlan, settings: HubSettings, allow_pickle: bool) -> tuple[Any, Any]:
    """The translator and NLI scorer of a hub preset, loading lazily from the cache."""
    from ..backends.hf_nli import TransformersNli

    assert plan.nli is not None
    translator = PresetTranslator(plan, settings, allow_pickle)
    nli = TransformersNli(str(snapshot_dir(plan.nli, settings)), allow_pickle=allow_pickle, model_id=plan.nli.label)
    return translator, nli


def run_models(preset: str, backends: Backends) -> dict[str, Any]:
    """What the report's tool block says about the models: the preset, every model with its
    revision, and which stages ran."""
    models: list[dict[str, Any]] = [{"stage": "embed", "id": backends.embedder.model_id}]
    plan = backends.plan
    if plan is not None and backends.translator is not None:
        models += [{"stage": "pivot", "lang": lang, "id": e.id, "revision": e.revision} for lang, e in sorted(plan.pivots.items())]
    elif backends.translator is not None:
        models.append({"stage": "pivot", "id": backends.translator.model_id})
    if plan is not None and plan.nli is not None and backends.nli is not None:
        models.append({"stage": "nli", "id": plan.nli.id, "revision": plan.nli.revision})
    elif backends.nli is not None:
        models.append({"stage": "nli", "id": backends.nli.model_id})
    own_model = backends.divergence is not None and backends.words is not None  # as pipeline.signature counts it
    if own_model:
        models.append({"stage": "own model", "id": backends.divergence.model_id})  # type: ignore[union-attr]
    stages = {"rules": True, "pivot": backends.translator is not None, "nli": backends.nli is not None, "own model": own_model}
    return {"preset": plan.preset if plan is not None else preset, "models": models, "stages": stages}
