"""Synthetic divergences: change one version of a sentence so it no longer means the same.

Each perturbation works on the words of the sentence (`backends.e5.split_words`, the same
word boundaries the model reads) and returns the new text with the character spans that
now differ, so the model learns word tags as well as the pair label. The recipes follow
Divergent mBERT (Briakou & Carpuat, 2020): a phrase replaced, a span deleted, a span
added, a word substituted; plus what translators' errors look like in our benchmarks'
kinds: a number changed, a name swapped. Language independent by design: replacements
come from other sentences of the same language, never from a word list of one language.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Sequence

from ..backends.e5 import split_words

KINDS = ("number", "name", "word", "doc_word", "delete", "insert", "replace_phrase")

_NUMBER = re.compile(r"\d+(?:[.,\u00a0]\d+)*")


@dataclass(frozen=True)
class Perturbed:
    """A changed sentence; `spans` are the character spans of the new text that differ from the
    original (empty for a deletion: what differs is on the other side)."""

    text: str
    spans: tuple[tuple[int, int], ...]
    kind: str


@dataclass(frozen=True)
class WordPools:
    """Words of one language to draw replacements from: all content words of the corpus,
    those of the sentence's own document (topically related), and capitalised words that
    are not sentence-initial (names, mostly)."""

    corpus: Sequence[str]
    document: Sequence[str]
    names: Sequence[str]
    phrases: Sequence[str]  # runs of 3-8 words from other sentences


def _words(text: str) -> list[tuple[int, int]]:
    return split_words(text)


def _is_content(word: str) -> bool:
    return len(word) >= 4 and word.isalpha() and not word.isupper()


def _replace(text: str, start: int, end: int, new: str, kind: str) -> Perturbed:
    return Perturbed(text[:start] + new + text[end:], ((start, start + len(new)),), kind)


def change_number(text: str, rng: random.Random) -> Perturbed | None:
    found = list(_NUMBER.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    digits = [i for i, ch in enumerate(m.group()) if ch.isdigit()]
    value = list(m.group())
    pos = rng.choice(digits)
    old = value[pos]
    value[pos] = rng.choice([d for d in "0123456789" if d != old and not (pos == 0 and d == "0" and len(digits) > 1)])
    return _replace(text, m.start(), m.end(), "".join(value), "number")


def swap_name(text: str, pools: WordPools, rng: random.Random) -> Perturbed | None:
    words = _words(text)
    names = [(s, e) for i, (s, e) in enumerate(words) if i > 0 and text[s].isupper() and len(text[s:e]) > 2]
    if not names or not pools.names:
        return None
    s, e = rng.choice(names)
    new = rng.choice(pools.names)
    if new == text[s:e]:
        return None
    return _replace(text, s, e, new, "name")


def substitute_word(text: str, pool: Sequence[str], rng: random.Random, kind: str) -> Perturbed | None:
    words = [(s, e) for s, e in _words(text) if _is_content(text[s:e])]
    if not words or not pool:
        return None
    s, e = rng.choice(words)
    old = text[s:e]
    for _ in range(5):
        new = rng.choice(pool)
        if new.lower() != old.lower() and new.lower()[:4] != old.lower()[:4]:
            if old[0].isupper() and not new[0].isupper():
                new = new[0].upper() + new[1:]
            return _replace(text, s, e, new, kind)
    return None


def delete_span(text: str, rng: random.Random) -> Perturbed | None:
    words = _words(text)
    if len(words) < 8:
        return None
    length = rng.randint(3, min(8, len(words) // 2))
    first = rng.randint(0, len(words) - length)
    start = words[first][0]
    end = words[first + length][0] if first + length < len(words) else words[-1][1]
    new = (text[:start] + text[end:]).strip()
    if len(new) < 10:
        return None
    return Perturbed(re.sub(r"\s{2,}", " ", new), (), "delete")


def insert_span(text: str, pools: WordPools, rng: random.Random) -> Perturbed | None:
    words = _words(text)
    if len(words) < 3 or not pools.phrases:
        return None
    phrase = rng.choice(pools.phrases)
    at = words[rng.randint(1, len(words) - 1)][0]
    new = text[:at] + phrase + " " + text[at:]
    return Perturbed(new, ((at, at + len(phrase)),), "insert")


def replace_phrase(text: str, pools: WordPools, rng: random.Random) -> Perturbed | None:
    words = _words(text)
    if len(words) < 6 or not pools.phrases:
        return None
    length = rng.randint(2, min(5, len(words) // 2))
    first = rng.randint(0, len(words) - length)
    start, end = words[first][0], words[first + length - 1][1]
    return _replace(text, start, end, rng.choice(pools.phrases), "replace_phrase")


def perturb(text: str, pools: WordPools, rng: random.Random, kind: str | None = None) -> Perturbed | None:
    """One perturbation of `text` (of `kind`, else one drawn at random); None when the
    sentence offers nothing to change of that kind."""
    kind = kind or rng.choices(KINDS, weights=(2, 2, 3, 3, 3, 3, 2))[0]
    if kind == "number":
        return change_number(text, rng)
    if kind == "name":
        return swap_name(text, pools, rng)
    if kind == "word":
        return substitute_word(text, pools.corpus, rng, "word")
    if kind == "doc_word":
        return substitute_word(text, pools.document, rng, "doc_word")
    if kind == "delete":
        return delete_span(text, rng)
    if kind == "insert":
        return insert_span(text, pools, rng)
    if kind == "replace_phrase":
        return replace_phrase(text, pools, rng)
    raise ValueError(f"unknown perturbation {kind!r}")


def pools_for(texts_by_doc: dict[str, list[str]], rng: random.Random) -> dict[str, WordPools]:
    """Replacement pools of one language, per document (the corpus-wide lists are shared)."""
    corpus: list[str] = []
    names: list[str] = []
    phrases: list[str] = []
    per_doc: dict[str, list[str]] = {}
    for doc, texts in texts_by_doc.items():
        doc_words = []
        for text in texts:
            spans = _words(text)
            for i, (s, e) in enumerate(spans):
                w = text[s:e]
                if i > 0 and w[:1].isupper() and len(w) > 2:
                    names.append(w)
                elif _is_content(w):
                    doc_words.append(w)
            if len(spans) >= 6:
                n = rng.randint(3, 8)
                first = rng.randint(0, max(0, len(spans) - n))
                chunk = spans[first : first + n]
                phrases.append(text[chunk[0][0] : chunk[-1][1]])
        per_doc[doc] = doc_words
        corpus.extend(doc_words)
    return {doc: WordPools(corpus, words or corpus, names, phrases) for doc, words in per_doc.items()}
