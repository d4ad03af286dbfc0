"""Stage 4: the English pivot of every content segment (English passes through).

Translations are cached by model id, language and text, so a rerun translates
only sentences that changed.
"""

from __future__ import annotations

from typing import Callable, Sequence

from .cache import TranslationCache
from .embed import EmbeddedDocument
from .protocols import Translator

Progress = Callable[[str], None]


def pivot_documents(
    docs: Sequence[EmbeddedDocument],
    translator: Translator | None,
    cache: TranslationCache | None = None,
    progress: Progress | None = None,
) -> dict[tuple[str, int], str]:
    """(lang, segment index) -> English text; empty strings when no translator is configured."""
    pivots: dict[tuple[str, int], str] = {}
    for doc in docs:
        lang = doc.document.lang
        texts = [s.text for s in doc.segments]
        if lang == "en":
            english = texts
        elif translator is None:
            english = [""] * len(texts)
        else:
            english = _translate(texts, lang, translator, cache, progress)
        for seg, en in zip(doc.segments, english):
            pivots[(lang, seg.index)] = en
    return pivots


def _translate(
    texts: list[str], lang: str, translator: Translator, cache: TranslationCache | None, progress: Progress | None
) -> list[str]:
    known = cache.get_many(translator.model_id, lang, texts) if cache else {}
    todo = [t for t in dict.fromkeys(texts) if t not in known]  # each distinct sentence once
    if todo:
        if progress:
            progress(f"translating {len(todo)} {lang} sentences with {translator.model_id}")
        fresh = translator.translate(todo, lang)
        known.update(zip(todo, fresh))
        if cache:
            cache.put_many(translator.model_id, lang, zip(todo, fresh))
    return [known[t] for t in texts]
