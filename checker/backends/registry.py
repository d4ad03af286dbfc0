"""Backends by name: which class serves a configured `pivot`, `nli` or `embedder`, or the
models a preset chose (`--models full`, checker/model_catalog/presets.py).

The model ids, sources, licences and revisions behind these names are data, in the model
registry (models/registry.toml, read by checker/model_catalog/catalog.py).
"""

from __future__ import annotations

from pathlib import Path

from ..cache import open_store
from ..cached_models import cached_backends
from ..config import Config
from ..errors import CheckerError, ModelUnavailableError
from ..model_catalog.catalog import DIVERGENCE_MODEL_ID, SHIPPED_DIVERGENCE
from ..protocols import Backends, DivergenceModel, NliScorer, Translator
from .hf_seq2seq import looks_like_path

# Names a user can download elsewhere and pass as a local directory.
DEFAULT_PIVOT_MODELS = {
    "marian": "Helsinki-NLP/opus-mt-{src}-en",
    "nllb": "facebook/nllb-200-distilled-600M",
    "m2m100": "facebook/m2m100_418M",
}
DEFAULT_NLI_MODEL = "MoritzLaurer/DeBERTa-v3-base-mnli-fever-anli"

PIVOTS = ("none", "marian", "nllb", "m2m100", "llama-cpp", "ct2")
NLIS = ("none", "transformers", "onnx")
# Fast backends have no hub default: their folders are made by `checker models convert`.
CONVERTED = {"ct2": "checker models convert SRC_DIR OUT_DIR", "onnx": "checker models convert --nli SRC_DIR OUT_DIR"}
EMBEDDERS = ("e5",)
__all__ = ["Backends", "DIVERGENCE_MODEL_ID", "build_backends", "build_divergence", "build_nli", "build_translator"]


def build_embedder(name: str):
    if name != "e5":
        raise CheckerError(f"unknown embedder {name!r} (known: {', '.join(EMBEDDERS)})")
    from .e5 import E5Encoder

    return E5Encoder()


def build_divergence(name: str, encoder=None) -> "DivergenceModel | None":
    """checker's own divergence model: a shipped one (SHIPPED_DIVERGENCE: "builtin", the default, or
    "head"; weights checked against the sha256 in the model registry, models/registry.toml), "none",
    or the folder of another trained model. `encoder` (the run's E5Encoder) serves the cross model."""
    if name == "none":
        return None
    from ..divergence.scorer import SHIPPED_DIR, open_divergence_model
    from ..model_catalog.catalog import recorded_sha256

    if name in SHIPPED_DIVERGENCE:
        folder, model_id = SHIPPED_DIVERGENCE[name]
        return open_divergence_model(SHIPPED_DIR / folder, sha256=recorded_sha256(model_id), encoder=encoder)
    if not Path(name).expanduser().is_dir():
        raise ModelUnavailableError(
            f"divergence model folder '{name}' does not exist (--divergence takes {', '.join(SHIPPED_DIVERGENCE)}, "
            "none, or a folder written by scripts/train_divergence.py --out DIR)"
        )
    return open_divergence_model(Path(name).expanduser(), encoder=encoder)


def build_translator(name: str, model: str, allow_pickle: bool = False) -> Translator | None:
    if name == "none":
        return None
    if name == "llama-cpp":
        from .llama_pivot import LlamaCppTranslator, assemble_qwen_gguf

        return LlamaCppTranslator(model or str(assemble_qwen_gguf()))
    if name == "ct2":
        from .ct2_pivot import Ct2Translator

        return Ct2Translator(_converted_model(name, model, "--pivot-model"))
    if name in DEFAULT_PIVOT_MODELS or Path(name).is_dir():
        from .hf_seq2seq import Seq2SeqTranslator

        return Seq2SeqTranslator(model or DEFAULT_PIVOT_MODELS.get(name, name), allow_pickle=allow_pickle)
    if looks_like_path(name):
        _check_local_model(name, "--pivot")
    raise CheckerError(f"unknown pivot {name!r} (known: {', '.join(PIVOTS)}, or a local model directory)")


def build_nli(name: str, model: str, allow_pickle: bool = False) -> NliScorer | None:
    if name == "none":
        return None
    if name == "onnx":
        from .nli_fast import OnnxNli

        return OnnxNli(_converted_model(name, model, "--nli-model"))
    if name == "transformers" or Path(name).is_dir():
        from .hf_nli import TransformersNli

        return TransformersNli(model or (name if Path(name).is_dir() else DEFAULT_NLI_MODEL), allow_pickle=allow_pickle)
    if looks_like_path(name):
        _check_local_model(name, "--nli")
    raise CheckerError(f"unknown NLI backend {name!r} (known: {', '.join(NLIS)}, or a local model directory)")


def _converted_model(name: str, model: str, option: str) -> str:
    if not model:
        raise CheckerError(
            f"the {name} backend needs {option} DIR: a folder made with `{CONVERTED[name]}` "
            "from a transformers model folder"
        )
    return model


def _check_local_model(name: str, what: str, backend: str = "") -> None:
    """Fail before any work when a local model directory is missing, not after embedding everything."""
    if not name or "{src}" in name or not looks_like_path(name):
        return
    path = Path(name).expanduser()
    if not path.is_dir():
        if backend in CONVERTED:
            raise ModelUnavailableError(
                f"model directory '{name}' does not exist (given with {what}); make it from a transformers "
                f"model folder with `{CONVERTED[backend].replace('OUT_DIR', name)}`"
            )
        raise ModelUnavailableError(
            f"model directory '{name}' does not exist (given with {what}; download the model elsewhere and "
            "copy it here, or run without it: the offline default needs no model directory)"
        )


def _preset_models(config: Config):
    """The translator, NLI scorer and plan of a hub preset; the CLI has already made sure the
    files are in the cache (models/presets.ensure_available), so this only points at them."""
    from ..model_catalog.hub import hub_settings
    from ..model_catalog.presets import build_preset_models, plan_models

    if config.pivot != "none" or config.nli != "none":
        raise CheckerError(
            f"--models {config.models} chooses the translator and the NLI model itself: leave out pivot and nli "
            f"(now {config.pivot!r} and {config.nli!r}), or keep them with --models offline"
        )
    plan = plan_models(config.models, config.languages)
    translator, nli = build_preset_models(plan, hub_settings(), config.allow_pickle)
    return translator, nli, plan


def build_backends(config: Config) -> Backends:
    if config.models != "offline":
        translator, nli, plan = _preset_models(config)
        embedder = build_embedder(config.embedder)
        backends = Backends(embedder=embedder, words=embedder, translator=translator, nli=nli,
                            divergence=build_divergence(config.divergence, embedder), plan=plan)
    else:
        backends = _named_backends(config)
    # Cached here, not in the CLI, so every caller (check, pairs, the Ray workers) gets it
    # and tests that replace build_backends with fakes never write to a cache.
    store = open_store(config.cache)
    return cached_backends(backends, store) if store is not None else backends


def _named_backends(config: Config) -> Backends:
    """The backends `pivot`, `nli` and `divergence` name (the offline preset)."""
    pivot_dir = config.pivot if config.pivot not in PIVOTS else config.pivot_model
    nli_dir = config.nli if config.nli not in NLIS else config.nli_model
    _check_local_model(pivot_dir, "--pivot", config.pivot)
    _check_local_model(nli_dir, "--nli", config.nli)
    if config.nli != "none" and config.pivot == "none":
        raise CheckerError(
            "NLI compares the English pivots of the versions: set a translator as well "
            "(--pivot marian|nllb|m2m100|llama-cpp or a local model directory), or use --nli none"
        )
    embedder = build_embedder(config.embedder)
    backends = Backends(
        embedder=embedder,
        words=embedder,
        # pickle weights only when the user allowed them (backends/model_files.py)
        translator=build_translator(config.pivot, config.pivot_model, config.allow_pickle),
        nli=build_nli(config.nli, config.nli_model, config.allow_pickle),
        divergence=build_divergence(config.divergence, embedder),
    )
    return backends
