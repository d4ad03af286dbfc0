"""Translation into English with transformers seq2seq models (MarianMT, NLLB, M2M100).

Also holds the helpers the other backends share: offline-first loading that turns
missing weights into `ModelUnavailableError`, and splitting of text that is too long
for a model at sentence/clause punctuation (never silent truncation).

torch and transformers are imported inside functions, so importing this module is cheap
and loads nothing.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from checker.errors import CheckerError, ModelUnavailableError

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

log = logging.getLogger(__name__)

ALLOW_DOWNLOAD_ENV = "CHECKER_ALLOW_DOWNLOAD"


# --------------------------------------------------------------------------- loading


def downloads_allowed() -> bool:
    """Hub downloads happen only when the user opted in; the default is offline."""
    return os.environ.get(ALLOW_DOWNLOAD_ENV, "").strip() == "1"


def looks_like_path(name: str) -> bool:
    """A local directory, not a hub name (hub names are `owner/model`: one slash, no such folder)."""
    if name.startswith(("/", "./", "../", "~", ".\\", "..\\")) or Path(name).expanduser().exists():
        return True
    return name.count("/") > 1


def _hub_cache_dir() -> str:
    try:
        from huggingface_hub.constants import HF_HUB_CACHE

        return str(HF_HUB_CACHE)
    except Exception:  # only used in a message
        return "the Hugging Face cache"


def unavailable_message(name: str, problem: str) -> str:
    return (
        f"model '{name}' {problem}. Download it on a machine with network access "
        f"(for example `hf download {name} --local-dir DIR`), copy DIR here and pass the "
        f"directory instead of the name, or use the offline default; "
        f"set {ALLOW_DOWNLOAD_ENV}=1 to let checker download it from the hub."
    )


def load_weights_offline(loader: Any, name: str, allow_pickle: bool = False) -> Any:
    """`from_pretrained_offline` for model weights: safetensors only, unless the user allowed
    pickle weights (which can run code when loaded; see backends/model_files.py)."""
    from checker.backends.model_files import safetensors_choice

    if not downloads_allowed():
        _hub_offline()  # before the cache lookup below, which would otherwise ask the hub too
    directory = Path(name).expanduser() if looks_like_path(name) else _cached_snapshot(name)
    return from_pretrained_offline(loader, name, use_safetensors=safetensors_choice(name, directory, allow_pickle))


def _cached_snapshot(name: str) -> Path | None:
    """The local Hugging Face cache's copy of a hub model, if it has one (never downloads)."""
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # not cached or not a repo id: from_pretrained_offline explains it
        return None


def from_pretrained_offline(loader: Any, name: str, **kwargs: Any) -> Any:
    """`loader.from_pretrained(name)` without touching the network unless allowed.

    A local directory is used as is. A hub name must already be in the local HF cache
    (`local_files_only=True`) unless CHECKER_ALLOW_DOWNLOAD=1. Anything missing becomes a
    `ModelUnavailableError` naming the model and the fix.
    """
    from huggingface_hub.errors import HFValidationError

    is_path = looks_like_path(name)
    path = os.path.expanduser(name) if is_path else name
    if is_path and not os.path.isdir(path):
        raise ModelUnavailableError(
            f"model directory '{name}' does not exist or is not a directory; pass the folder "
            "that holds config.json and the weights (as written by save_pretrained)"
        )
    if is_path and not os.path.isfile(os.path.join(path, "config.json")):
        raise ModelUnavailableError(
            f"model directory '{name}' is incomplete (no config.json); pass a folder written by "
            "save_pretrained (config.json, weights and tokenizer files)"
        )
    offline = is_path or not downloads_allowed()
    if not downloads_allowed():
        _hub_offline()
    try:
        return loader.from_pretrained(path, local_files_only=offline, **kwargs)
    except (OSError, ValueError) as exc:
        # A local folder missing tokenizer files raises ValueError; a hub name that is not
        # a valid repo id raises HFValidationError (a ValueError). Other ValueErrors are bugs.
        if not (is_path or isinstance(exc, (OSError, HFValidationError))):
            raise
        if is_path:
            raise ModelUnavailableError(
                f"model directory '{name}' is incomplete or unreadable ({exc}); pass a folder "
                "written by save_pretrained (config.json, weights and tokenizer files)"
            ) from exc
        if offline:
            problem = (
                "could not be found offline: it is not a local directory and not in the "
                f"local Hugging Face cache ({_hub_cache_dir()})"
            )
        else:
            problem = f"could not be downloaded ({type(exc).__name__}: {exc})"
        raise ModelUnavailableError(unavailable_message(name, problem)) from exc


def _hub_offline() -> None:
    """huggingface_hub refuses every request from now on. `local_files_only` alone is not
    enough: building request headers fetches an "agent" list from the hub, and pickle
    weights of a hub model start a thread that asks the hub for a safetensors conversion."""
    import huggingface_hub.constants as hub_constants

    hub_constants.HF_HUB_OFFLINE = True


def model_input_limit(tokenizer: PreTrainedTokenizerBase, config: Any, override: int | None) -> int:
    """The most tokens (special tokens included) one model input may have."""
    if override is not None:
        return override
    limits: list[int] = []
    # Tokenizers without a configured limit report a huge sentinel (1e30).
    if tokenizer.model_max_length and tokenizer.model_max_length < 100_000:
        limits.append(int(tokenizer.model_max_length))
    positions = getattr(config, "max_position_embeddings", None)
    if positions:
        # RoBERTa-style models start their learned positions after the padding index.
        if getattr(config, "model_type", "") in {"roberta", "xlm-roberta", "camembert", "xlm-roberta-xl"}:
            positions -= (getattr(config, "pad_token_id", 1) or 1) + 1
        limits.append(int(positions))
    return min(limits) if limits else 512


# --------------------------------------------------------------------------- splitting

# Strongest boundary first: after sentence/clause punctuation, then commas and dashes,
# then between words. Each cut lies inside whitespace, so pieces rejoin exactly.
_BOUNDARIES = (
    re.compile(r"(?<=[.!?;:…。！？；：])\s+"),
    re.compile(r"(?<=[,،，、])\s+|\s+(?=[–—(])"),
    re.compile(r"\s+"),
)


def _cut(text: str, boundary: re.Pattern[str]) -> list[str]:
    parts, start = [], 0
    for m in boundary.finditer(text):
        if m.start() > start:
            parts.append(text[start : m.end()])
            start = m.end()
    if start < len(text):
        parts.append(text[start:])
    return parts


def split_to_fit(
    text: str,
    fits: Callable[[str], bool],
    halve: Callable[[str], list[str]],
) -> list[str]:
    """Splits `text` into consecutive pieces for which `fits(piece)` holds.

    Cuts at sentence/clause punctuation first, then between words, and packs adjacent
    parts back together greedily so pieces stay as long as the model allows. A single
    word that still does not fit is cut by `halve` (by tokens). Nothing is dropped:
    the pieces, joined with spaces, hold every word of the text.
    """
    text = text.strip()
    if not text or fits(text):
        return [text] if text else []
    for boundary in _BOUNDARIES:
        parts = _cut(text, boundary)
        if len(parts) > 1:
            return _pack(parts, fits, halve)
    halves = [h for h in halve(text) if h.strip()]
    if len(halves) < 2 or any(h.strip() == text for h in halves):
        raise CheckerError(
            f"cannot split {text[:40]!r} into pieces short enough for the model; "
            "the rest of its input (prompt or hypothesis) leaves no room"
        )
    return [p for h in halves for p in split_to_fit(h, fits, halve)]


def _pack(parts: list[str], fits: Callable[[str], bool], halve: Callable[[str], list[str]]) -> list[str]:
    pieces: list[str] = []
    current = ""
    for part in parts:
        if current and not fits((current + part).strip()):
            # `current` is one part that may itself be too long: split it at weaker boundaries.
            pieces.extend(split_to_fit(current, fits, halve))
            current = part
        else:
            current += part
    pieces.extend(split_to_fit(current, fits, halve))
    return pieces


def halve_by_tokens(tokenizer: PreTrainedTokenizerBase) -> Callable[[str], list[str]]:
    """Last resort for a word too long for the model: cut its sub-word tokens in two."""

    def halve(text: str) -> list[str]:
        if getattr(tokenizer, "is_fast", False):
            # Fast tokenizers give character offsets: cut the original text at a token start.
            enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
            starts = [start for start, end in enc["offset_mapping"] if end > start]
            if len(starts) >= 2:
                cut = starts[len(starts) // 2]
                return [text[:cut], text[cut:]]
        tokens = tokenizer.tokenize(text)
        if len(tokens) < 2:
            mid = len(text) // 2
            return [text[:mid], text[mid:]]
        mid = len(tokens) // 2
        return [
            tokenizer.convert_tokens_to_string(tokens[:mid]).strip(),
            tokenizer.convert_tokens_to_string(tokens[mid:]).strip(),
        ]

    return halve


# --------------------------------------------------------------------------- languages

# ISO 639-1 -> NLLB-200 (FLORES-200) codes. M2M100 uses the ISO 639-1 codes themselves.
NLLB_CODES: dict[str, str] = {
    "ar": "arb_Arab", "bg": "bul_Cyrl", "bn": "ben_Beng", "ca": "cat_Latn", "cs": "ces_Latn",
    "cy": "cym_Latn", "da": "dan_Latn", "de": "deu_Latn", "el": "ell_Grek", "en": "eng_Latn",
    "es": "spa_Latn", "et": "est_Latn", "eu": "eus_Latn", "fa": "pes_Arab", "fi": "fin_Latn",
    "fr": "fra_Latn", "ga": "gle_Latn", "gl": "glg_Latn", "he": "heb_Hebr", "hi": "hin_Deva",
    "hr": "hrv_Latn", "hu": "hun_Latn", "hy": "hye_Armn", "id": "ind_Latn", "is": "isl_Latn",
    "it": "ita_Latn", "ja": "jpn_Jpan", "ka": "kat_Geor", "kk": "kaz_Cyrl", "ko": "kor_Hang",
    "lt": "lit_Latn", "lv": "lvs_Latn", "mk": "mkd_Cyrl", "ms": "zsm_Latn", "mt": "mlt_Latn",
    "nb": "nob_Latn", "nl": "nld_Latn", "nn": "nno_Latn", "no": "nob_Latn", "pl": "pol_Latn",
    "pt": "por_Latn", "ro": "ron_Latn", "ru": "rus_Cyrl", "sk": "slk_Latn", "sl": "slv_Latn",
    "sq": "als_Latn", "sr": "srp_Cyrl", "sv": "swe_Latn", "sw": "swh_Latn", "ta": "tam_Taml",
    "th": "tha_Thai", "tl": "tgl_Latn", "tr": "tur_Latn", "uk": "ukr_Cyrl", "ur": "urd_Arab",
    "vi": "vie_Latn", "zh": "zho_Hans",
}
_NLLB_FORM = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")


def iso_language(lang: str) -> str:
    """'de', 'DE', 'de-AT', 'pt_BR' -> 'de' / 'pt'."""
    return re.split(r"[-_]", lang.strip())[0].lower()


def nllb_code(lang: str) -> str | None:
    lang = lang.strip()
    if _NLLB_FORM.match(lang):
        return lang
    base = iso_language(lang)
    if base == "zh" and re.search(r"hant|tw|hk|mo", lang, re.I):
        return "zho_Hant"
    return NLLB_CODES.get(base)


def model_for_language(model: str, source_lang: str) -> str:
    """`model` with `{src}` replaced by the source language ('opus-mt-{src}-en' -> 'opus-mt-de-en')."""
    return model.replace("{src}", iso_language(source_lang))


def tokenizer_kind(tokenizer: PreTrainedTokenizerBase) -> str:
    """The model family, from the tokenizer class: "marian" (no language tokens), "nllb" or "m2m100"."""
    tok_class = type(tokenizer).__name__
    return "nllb" if "Nllb" in tok_class else "m2m100" if "M2M100" in tok_class else "marian"


def _no_language_code(model: str, lang: str) -> str:
    return (
        f"model '{model}' has no language code for '{lang}', so it cannot translate that version "
        f"(use a --pivot model that covers '{lang}', or leave the '{lang}' files out of the run)"
    )


def set_source_language(tokenizer: PreTrainedTokenizerBase, kind: str, model: str, source_lang: str) -> int | None:
    """Sets the tokenizer's source language; returns the id of the English token the
    decoder must start with (None for Marian, which has one model per language pair)."""
    tok: Any = tokenizer
    if kind == "nllb":
        code = nllb_code(source_lang)
        if code is None or tok.convert_tokens_to_ids(code) == tok.unk_token_id:
            raise CheckerError(_no_language_code(model, source_lang))
        tok.src_lang = code
        return int(tok.convert_tokens_to_ids("eng_Latn"))
    if kind == "m2m100":
        code = iso_language(source_lang)
        if code not in tok.lang_code_to_id:
            raise CheckerError(_no_language_code(model, source_lang))
        tok.src_lang = code
        return int(tok.get_lang_id("en"))
    return None


def translate_in_pieces(
    tokenizer, texts: Sequence[str], input_limit: int, run: Callable[[list[str]], list[str]]
) -> list[str]:
    """Each text split into pieces the model takes whole, each distinct piece translated once
    by `run`, and the English pieces joined again per text (never truncated)."""
    pieces_per_text = pieces_that_fit(tokenizer, texts, input_limit)
    unique = list(dict.fromkeys(p for pieces in pieces_per_text for p in pieces))
    english = dict(zip(unique, run(unique)))
    return [" ".join(english[p] for p in pieces) for pieces in pieces_per_text]


def pieces_that_fit(tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], input_limit: int) -> list[list[str]]:
    """Per text, the stripped pieces to translate: the text itself when it fits the
    model, else its split at sentence/clause punctuation (never truncated)."""

    def fits(text: str) -> bool:
        return len(tokenizer(text, verbose=False)["input_ids"]) <= input_limit

    halve = halve_by_tokens(tokenizer)
    # verbose=False: measuring a long text is fine, it is split before the model sees it.
    lengths = [len(ids) for ids in tokenizer(list(texts), verbose=False)["input_ids"]] if texts else []
    return [
        split_to_fit(t, fits, halve) if n > input_limit else ([t.strip()] if t.strip() else [])
        for t, n in zip(texts, lengths)
    ]


# --------------------------------------------------------------------------- translator


@dataclass
class _Loaded:
    name: str
    tokenizer: PreTrainedTokenizerBase
    model: PreTrainedModel
    input_limit: int
    new_token_limit: int
    kind: str  # "marian" (no language tokens), "nllb" or "m2m100"


class Seq2SeqTranslator:
    """Any transformers encoder-decoder that translates into English.

    `model` is a hub name or a local directory; it may contain `{src}`
    (`Helsinki-NLP/opus-mt-{src}-en`) to pick one model per source language.
    English input passes through unchanged. Decoding is greedy unless `num_beams > 1`.
    A sentence longer than the model's input limit is split at sentence/clause
    punctuation (then words, then tokens), translated piecewise and rejoined with spaces.
    """

    def __init__(
        self,
        model: str,
        *,
        device: str = "cpu",
        batch_size: int = 16,
        max_new_tokens: int = 256,
        num_beams: int = 1,
        max_input_tokens: int | None = None,
        allow_pickle: bool = False,
    ) -> None:
        self.model = model
        self.device = device
        self.batch_size = batch_size
        self.max_new_tokens = max_new_tokens
        self.num_beams = num_beams
        self.max_input_tokens = max_input_tokens
        self.allow_pickle = allow_pickle  # pickle weights can run code when loaded
        # Beam search changes the output, so it is part of the id that keys caches.
        self.model_id = model if num_beams == 1 else f"{model}?beams={num_beams}"
        self._loaded: dict[str, _Loaded] = {}

    def translate(self, texts: Sequence[str], source_lang: str) -> list[str]:
        texts = list(texts)
        if iso_language(source_lang) == "en":
            return texts
        loaded = self._load(source_lang)
        forced_bos = set_source_language(loaded.tokenizer, loaded.kind, loaded.name, source_lang)
        return translate_in_pieces(loaded.tokenizer, texts, loaded.input_limit, lambda unique: self._generate(loaded, unique, forced_bos))

    # -- internals

    def _model_name(self, source_lang: str) -> str:
        return model_for_language(self.model, source_lang)

    def _load(self, source_lang: str) -> _Loaded:
        name = self._model_name(source_lang)
        if name in self._loaded:
            return self._loaded[name]
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        tokenizer = from_pretrained_offline(AutoTokenizer, name)
        model = load_weights_offline(AutoModelForSeq2SeqLM, name, self.allow_pickle)
        model.to(self.device).eval()
        kind = tokenizer_kind(tokenizer)
        # The decoder has learned/fixed positions too: generating past them fails.
        decoder_positions = getattr(model.config, "max_position_embeddings", None) or 10**9
        loaded = _Loaded(
            name=name,
            tokenizer=tokenizer,
            model=model,
            input_limit=model_input_limit(tokenizer, model.config, self.max_input_tokens),
            new_token_limit=min(self.max_new_tokens, decoder_positions - 1),
            kind=kind,
        )
        self._loaded[name] = loaded
        return loaded

    def _generate(self, loaded: _Loaded, pieces: list[str], forced_bos: int | None) -> list[str]:
        """Translates pieces that fit the model, in length-sorted batches; input order out."""
        import torch

        if not pieces:
            return []
        tok = loaded.tokenizer
        lengths = [len(ids) for ids in tok(pieces, verbose=False)["input_ids"]]
        order = sorted(range(len(pieces)), key=lambda i: -lengths[i])  # similar lengths pad less
        out: list[str] = [""] * len(pieces)
        extra: dict[str, Any] = {} if forced_bos is None else {"forced_bos_token_id": forced_bos}
        capped = 0
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                enc = tok([pieces[i] for i in idx], return_tensors="pt", padding=True).to(self.device)
                generated = loaded.model.generate(
                    **enc,
                    max_new_tokens=loaded.new_token_limit,
                    num_beams=self.num_beams,
                    do_sample=False,
                    **extra,
                )
                pad = loaded.model.generation_config.pad_token_id
                # Rows that used every allowed new token (beyond the decoder start) may be cut short.
                used = (generated[:, 1:] != pad).sum(dim=1) if pad is not None else None
                if used is not None:
                    capped += int((used >= loaded.new_token_limit).sum())
                for i, text in zip(idx, tok.batch_decode(generated, skip_special_tokens=True)):
                    out[i] = text.strip()
        if capped:
            log.warning(
                "%s: %d translation(s) reached max_new_tokens=%d and may be incomplete",
                loaded.name, capped, loaded.new_token_limit,
            )
        return out
