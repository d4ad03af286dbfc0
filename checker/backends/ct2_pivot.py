"""Translation into English with CTranslate2: int8 on CPU, batched, several times faster
than transformers `generate` on the same model.

A CTranslate2 model directory is made once from a transformers MarianMT, M2M100 or NLLB
folder with `checker models convert SRC_DIR OUT_DIR` (`convert_translator` below); the
transformers tokenizer is saved beside the weights and does all tokenising, so language
codes, `{src}` templates and long-input splitting work exactly as in `hf_seq2seq`.

ctranslate2 is an optional dependency (`pip install 'checker[fast]'`), imported inside
functions: importing this module loads nothing.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from checker.backends.hf_seq2seq import (
    from_pretrained_offline,
    iso_language,
    model_for_language,
    model_input_limit,
    translate_in_pieces,
    set_source_language,
    tokenizer_kind,
)
from checker.errors import CheckerError, InputError, ModelUnavailableError

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

log = logging.getLogger(__name__)

# Written next to a converted model: what it was made from and the limits of the original.
CONVERT_INFO = "checker-convert.json"
QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")
INSTALL_HINT = "pip install 'checker[fast]'"


def convert_command(out_dir: str, nli: bool = False) -> str:
    """The command that creates `out_dir`, for error messages."""
    return f"checker models convert {'--nli ' if nli else ''}SRC_DIR {out_dir}"


def import_ctranslate2() -> Any:
    try:
        import ctranslate2
    except ImportError as exc:
        raise ModelUnavailableError(f"the ct2 pivot needs the ctranslate2 package: {INSTALL_HINT}") from exc
    return ctranslate2


def prepare_output(out_dir: Path, force: bool) -> None:
    """Refuse to mix a new model into a folder that already holds files, unless forced."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(str(out_dir), "exists and is not a folder", "pass a new folder as OUT_DIR")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise InputError(str(out_dir), "is not empty", "pass a new folder, or --force to overwrite it")
    out_dir.mkdir(parents=True, exist_ok=True)


def check_source_model(source: Path) -> None:
    if not source.is_dir():
        raise InputError(
            str(source), "no such model folder", "pass a folder written by save_pretrained (config.json, weights, tokenizer)"
        )
    if not (source / "config.json").is_file():
        raise InputError(str(source), "has no config.json", "pass a folder written by transformers' save_pretrained")


# --------------------------------------------------------------------------- conversion


class _FullVocabulary:
    """A tokenizer whose `get_vocab()` names every id the model has.

    transformers 5 no longer lists the M2M100/NLLB language codes (`__en__`,
    `eng_Latn`) in `get_vocab()` nor in `additional_special_tokens`, so ctranslate2's
    converter builds a vocabulary 100+ tokens short and refuses the model ("Source
    vocabulary 0 has size 109 but the model expected a vocabulary of size 209"). Here
    the vocabulary comes from `convert_ids_to_tokens` over every id of the model;
    ids without a token of their own (M2M100's padding "made-up words") get unique names.
    """

    def __init__(self, tokenizer: PreTrainedTokenizerBase, vocab_size: int) -> None:
        self._tokenizer = tokenizer
        self._vocab_size = vocab_size
        self.num_madeup_words = 0  # already named below; the converter must not append more

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)

    def get_vocab(self) -> dict[str, int]:
        vocab: dict[str, int] = {}
        for index in range(self._vocab_size):
            token = self._tokenizer.convert_ids_to_tokens(index)
            if token is None or token in vocab:
                token = f"madeupword{index}"
            vocab[token] = index
        return vocab


def _converter(source: Path, allow_pickle: bool) -> Any:
    import_ctranslate2()
    from ctranslate2.converters import TransformersConverter
    from transformers import AutoConfig

    from checker.backends.model_files import safetensors_choice

    vocab_size = int(AutoConfig.from_pretrained(source, local_files_only=True).vocab_size)
    # The same rule as every other backend: safetensors only unless pickle is allowed.
    use_safetensors = safetensors_choice(str(source), source, allow_pickle)

    class Converter(TransformersConverter):  # type: ignore[misc]
        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            kwargs.setdefault("use_safetensors", use_safetensors)
            return super().load_model(model_class, model_name_or_path, local_files_only=True, **kwargs)

        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            if tokenizer_kind(tokenizer) in {"m2m100", "nllb"}:
                return _FullVocabulary(tokenizer, vocab_size)
            return tokenizer

    return Converter(str(source))


def convert_translator(
    source: str | Path, out_dir: str | Path, quantization: str = "int8", *, force: bool = False, allow_pickle: bool = False
) -> Path:
    """Converts a transformers translation model folder into a CTranslate2 model folder
    (weights in `quantization`), with the tokenizer and `checker-convert.json` beside it.
    Reads safetensors weights only unless `allow_pickle`."""
    from transformers import AutoConfig, AutoTokenizer

    source, out = Path(source).expanduser(), Path(out_dir).expanduser()
    if quantization not in QUANTIZATIONS:
        raise CheckerError(f"unknown quantization {quantization!r} (known: {', '.join(QUANTIZATIONS)})")
    check_source_model(source)
    tokenizer = from_pretrained_offline(AutoTokenizer, str(source))
    config = AutoConfig.from_pretrained(source, local_files_only=True)
    converter = _converter(source, allow_pickle)
    prepare_output(out, force)
    try:
        converter.convert(str(out), quantization=quantization, force=True)
    except (ValueError, NotImplementedError) as exc:  # an architecture or layout ctranslate2 cannot take
        raise CheckerError(f"{source}: ctranslate2 cannot convert this model ({exc})") from exc
    tokenizer.save_pretrained(out)
    info = {
        "format": "ctranslate2",
        "source": str(source),
        "quantization": quantization,
        "kind": tokenizer_kind(tokenizer),
        "max_position_embeddings": getattr(config, "max_position_embeddings", None),
    }
    (out / CONVERT_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return out


# --------------------------------------------------------------------------- translator

# One ctranslate2.Translator per (folder, device, compute type, threads) in a process:
# every Ct2Translator built for the same model shares the loaded weights.
_LOADED_MODELS: dict[tuple[str, str, str, int, int], Any] = {}
_LOAD_LOCK = threading.Lock()


def _shared_translator(path: Path, device: str, compute_type: str, inter_threads: int, intra_threads: int) -> Any:
    ctranslate2 = import_ctranslate2()
    key = (str(path.resolve()), device, compute_type, inter_threads, intra_threads)
    with _LOAD_LOCK:
        if key not in _LOADED_MODELS:
            _LOADED_MODELS[key] = ctranslate2.Translator(
                str(path), device=device, compute_type=compute_type,
                inter_threads=inter_threads, intra_threads=intra_threads,
            )
        return _LOADED_MODELS[key]


@dataclass(frozen=True)
class _Loaded:
    name: str
    translator: Any  # ctranslate2.Translator
    tokenizer: PreTrainedTokenizerBase
    kind: str
    input_limit: int
    decoding_limit: int


class Ct2Translator:
    """Translator over a CTranslate2 model folder made by `checker models convert`.

    `model` may contain `{src}` (`/models/opus-mt-{src}-en-ct2`), as for the seq2seq
    backend. Pieces are translated in batches of similar length (input order restored);
    a sentence longer than the model's input limit is split at sentence/clause punctuation
    and the pieces' translations rejoined with spaces, never truncated. Threads: one
    batch at a time (`inter_threads`) using every core (`intra_threads`, default
    `os.cpu_count() // inter_threads`).
    """

    def __init__(
        self,
        model: str,
        *,
        compute_type: str = "int8",
        device: str = "cpu",
        batch_size: int = 32,
        max_new_tokens: int = 256,
        num_beams: int = 1,
        max_input_tokens: int | None = None,
        inter_threads: int = 1,
        intra_threads: int | None = None,
    ) -> None:
        self.model = model
        self.compute_type = compute_type
        self.device = device
        self.batch_size = batch_size
        self.max_new_tokens = max_new_tokens
        self.num_beams = num_beams
        self.max_input_tokens = max_input_tokens
        self.inter_threads = max(1, inter_threads)
        self.intra_threads = intra_threads or max(1, (os.cpu_count() or 1) // self.inter_threads)
        # Quantisation and beam search change the output, so both key the caches.
        self.model_id = f"ct2:{model}?compute={compute_type}" + (f"&beams={num_beams}" if num_beams > 1 else "")
        self._loaded: dict[str, _Loaded] = {}

    def translate(self, texts: Sequence[str], source_lang: str) -> list[str]:
        texts = list(texts)
        if iso_language(source_lang) == "en":
            return texts
        loaded = self._load(source_lang)
        english_start = set_source_language(loaded.tokenizer, loaded.kind, loaded.name, source_lang)
        return translate_in_pieces(
            loaded.tokenizer, texts, loaded.input_limit, lambda unique: self._translate_pieces(loaded, unique, english_start)
        )

    # -- internals

    def _load(self, source_lang: str) -> _Loaded:
        name = model_for_language(self.model, source_lang)
        if name in self._loaded:
            return self._loaded[name]
        from transformers import AutoTokenizer

        path = Path(name).expanduser()
        if not path.is_dir():
            raise ModelUnavailableError(
                f"CTranslate2 model directory '{name}' does not exist; make it from a transformers "
                f"model folder with `{convert_command(name)}`"
            )
        if not (path / "model.bin").is_file():
            raise ModelUnavailableError(
                f"'{name}' is not a CTranslate2 model directory (no model.bin); make one with `{convert_command(name)}`"
            )
        if not (path / "tokenizer_config.json").is_file():
            raise ModelUnavailableError(
                f"'{name}' has no transformers tokenizer beside the model; convert it with "
                f"`{convert_command(name)}`, which saves the tokenizer there"
            )
        translator = _shared_translator(path, self.device, self.compute_type, self.inter_threads, self.intra_threads)
        tokenizer = from_pretrained_offline(AutoTokenizer, str(path))
        info_path = path / CONVERT_INFO
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
        positions = info.get("max_position_embeddings")
        limits = _Positions(max_position_embeddings=positions)
        loaded = _Loaded(
            name=name,
            translator=translator,
            tokenizer=tokenizer,
            kind=tokenizer_kind(tokenizer),
            input_limit=model_input_limit(tokenizer, limits, self.max_input_tokens),
            # The decoder's positions bound the output too: one is taken by the start token.
            decoding_limit=min(self.max_new_tokens, positions - 1) if positions else self.max_new_tokens,
        )
        self._loaded[name] = loaded
        return loaded

    def _translate_pieces(self, loaded: _Loaded, pieces: list[str], english_start: int | None) -> list[str]:
        """Translates pieces that fit the model, longest first in batches; input order out."""
        if not pieces:
            return []
        tok = loaded.tokenizer
        sources = [tok.convert_ids_to_tokens(ids) for ids in tok(pieces, verbose=False)["input_ids"]]
        order = sorted(range(len(pieces)), key=lambda i: -len(sources[i]))  # similar lengths pad less
        prefix = [] if english_start is None else [tok.convert_ids_to_tokens(english_start)]
        results = loaded.translator.translate_batch(
            [sources[i] for i in order],
            target_prefix=[prefix] * len(order) if prefix else None,
            max_batch_size=self.batch_size,
            beam_size=self.num_beams,
            max_decoding_length=loaded.decoding_limit + len(prefix),
            max_input_length=0,  # no silent truncation: pieces were split to fit already
        )
        out: list[str] = [""] * len(pieces)
        capped = 0
        for i, result in zip(order, results):
            tokens = result.hypotheses[0][len(prefix):]
            capped += len(tokens) >= loaded.decoding_limit
            out[i] = tok.decode(tok.convert_tokens_to_ids(tokens), skip_special_tokens=True).strip()
        if capped:
            log.warning(
                "%s: %d translation(s) reached max_new_tokens=%d and may be incomplete",
                loaded.name, capped, loaded.decoding_limit,
            )
        return out


@dataclass(frozen=True)
class _Positions:
    """The one config field `model_input_limit` needs, read from checker-convert.json."""

    max_position_embeddings: int | None
    model_type: str = ""
