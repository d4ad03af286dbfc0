"""Synthetic divergences: change one version of a sentence so it no longer means the same.

Each perturbation works on the words of the sentence (`backends.e5.split_words`, the same
word boundaries the model reads) and returns the new text with the character spans that
now differ, so the model learns word tags as well as the pair label. The recipes follow
Divergent mBERT (Briakou & Carpuat, 2020): a phrase replaced, a span deleted, a span
added, a word substituted; plus what translators' errors look like in our benchmarks'
kinds: a number changed, a name swapped. Replacements come from other sentences of the
same language, never from a word list of one language.

Recipe "v2" (checker-divergence-3) adds three kinds the benchmarks' errors have and "v1" lacked:
a word replaced by a *related* one (the nearest other word of the language in e5's space:
"indivisibility" -> "integrity", the translator's near miss), and a negation flipped or a
hedge, restriction or plan added by the per-language rules of edits.tsv (the languages it
covers; the others fall back to the other kinds).
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from ..backends.e5 import split_words

# Each recipe: the kinds of perturbation and how often each is drawn. "v1" is what
# checker-divergence-1 and -2 were trained on (kept as it was, draw for draw, so they reproduce).
RECIPES: dict[str, dict[str, int]] = {
    "v1": {"number": 2, "name": 2, "word": 3, "doc_word": 3, "delete": 3, "insert": 3, "replace_phrase": 2},
    "v2": {"number": 2, "name": 2, "word": 1, "doc_word": 2, "delete": 3, "insert": 2, "replace_phrase": 2,
           "related_word": 5, "negation": 4, "modality": 3},
}
# v3 draws exactly as v2; its corpus adds natural equivalents whose polarity moved
# (examples.add_polarity_moved), the counterweight to v2's negation flips.
RECIPES["v3"] = dict(RECIPES["v2"])
# v4 draws exactly as v3; its corpus adds polarity-moved equivalents between more languages
# (examples.add_polarity_present)
RECIPES["v4"] = dict(RECIPES["v3"])
KINDS = tuple(RECIPES["v1"])
EDITS_FILE = Path(__file__).with_name("edits.tsv")

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
    lang: str = ""  # NTREX's code: which rules of edits.tsv apply
    related: Mapping[str, Sequence[str]] = field(default_factory=dict)  # lower-case word -> nearest other words


def _words(text: str) -> list[tuple[int, int]]:
    return split_words(text)


def _is_content(word: str) -> bool:
    return len(word) >= 4 and word.isalpha() and not word.isupper()


def _cased_like(old: str, new: str) -> str:
    """`new` capitalised where the word it replaces was (a sentence start, a noun)."""
    return new[0].upper() + new[1:] if old[:1].isupper() and new[:1] and not new[0].isupper() else new


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
            return _replace(text, s, e, _cased_like(old, new), kind)
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


@dataclass(frozen=True)
class EditRule:
    lang: str
    kind: str  # negation | modality
    pattern: re.Pattern[str]
    replacement: str


@functools.lru_cache(maxsize=1)
def edit_rules(path: Path = EDITS_FILE) -> dict[tuple[str, str], tuple[EditRule, ...]]:
    """edits.tsv by (language, kind)."""
    rules: dict[tuple[str, str], list[EditRule]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) not in (3, 4) or cols[1] not in ("negation", "modality"):
            raise ValueError(f"{path}:{number}: expected lang, negation|modality, pattern, replacement")
        lang, kind, pattern = cols[:3]
        compiled = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)
        rules.setdefault((lang, kind), []).append(EditRule(lang, kind, compiled, cols[3] if len(cols) == 4 else ""))
    return {key: tuple(value) for key, value in rules.items()}


def apply_edit(text: str, lang: str, kind: str, rng: random.Random) -> Perturbed | None:
    """One match of one rule of edits.tsv for `lang` and `kind` (negation or modality) replaced."""
    rules = edit_rules().get((lang, kind), ())
    guard = _guard_words(lang, kind)
    choices = [
        (rule, m) for rule in rules for m in rule.pattern.finditer(text)
        if not guard & {w.lower() for w in _neighbour_words(text, m.start(), m.end())}
    ]
    if not choices:
        return None
    rule, m = rng.choice(choices)
    new = _cased_like(m.group(), m.expand(rule.replacement))
    start = m.start()
    if not new:  # a deletion: nothing on this side differs; keep one space between the neighbours
        changed = re.sub(r"\s{2,}", " ", text[:start] + text[m.end():]).strip()
        return Perturbed(changed, (), kind) if changed and changed != text else None
    changed = text[:start] + new + text[m.end():]
    return Perturbed(changed, ((start, start + len(new)),), kind)


@functools.lru_cache(maxsize=None)
def _guard_words(lang: str, kind: str) -> frozenset[str]:
    """Words the rules of (lang, kind) write: a match next to one of them already carries the
    cue ("has not", "n'a pas", "about 30"), and editing it again would not flip it."""
    words = {w.lower() for rule in edit_rules().get((lang, kind), ()) for w in re.findall(r"[^\W\d_]+", rule.replacement)}
    return frozenset(words | ({"n"} if kind == "negation" else set()))


def _neighbour_words(text: str, start: int, end: int) -> list[str]:
    before = re.findall(r"[^\W\d_]+", text[max(0, start - 30) : start])
    after = re.findall(r"[^\W\d_]+", text[end : end + 30])
    return before[-1:] + after[:1]


def related_words(words: Sequence[str], vectors: np.ndarray, k: int = 3) -> dict[str, tuple[str, ...]]:
    """For each word (lower case), the k nearest *other* words of the list by cosine of their
    e5 vectors: related in meaning but not the same word (no shared 4-letter start, which
    would mostly be the same word inflected)."""
    vecs = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    lower = [w.lower() for w in words]
    out: dict[str, tuple[str, ...]] = {}
    for start in range(0, len(words), 512):
        sims = vecs[start : start + 512] @ vecs.T
        for row, i in enumerate(range(start, min(start + 512, len(words)))):
            found: list[str] = []
            for j in np.argsort(-sims[row], kind="stable"):
                if lower[j][:4] != lower[i][:4]:
                    found.append(words[j])
                    if len(found) == k:
                        break
            out[lower[i]] = tuple(found)
    return out


def substitute_related(text: str, related: Mapping[str, Sequence[str]], rng: random.Random) -> Perturbed | None:
    words = [(s, e) for s, e in _words(text) if _is_content(text[s:e]) and related.get(text[s:e].lower())]
    if not words:
        return None
    s, e = rng.choice(words)
    old = text[s:e]
    return _replace(text, s, e, _cased_like(old, rng.choice(list(related[old.lower()]))), "related_word")


def perturb(text: str, pools: WordPools, rng: random.Random, kind: str | None = None,
            recipe: str = "v1") -> Perturbed | None:
    """One perturbation of `text` (of `kind`, else one drawn from `recipe`); None when the
    sentence offers nothing to change of that kind. Recipe v1 draws once (as it always did);
    later recipes draw again, up to three times, when a kind does not apply."""
    if kind is not None:
        return _perturb_kind(text, pools, rng, kind)
    weights = RECIPES[recipe]
    for _ in range(1 if recipe == "v1" else 3):
        drawn = rng.choices(tuple(weights), weights=tuple(weights.values()))[0]
        changed = _perturb_kind(text, pools, rng, drawn)
        if changed is not None:
            return changed
    return None


def _perturb_kind(text: str, pools: WordPools, rng: random.Random, kind: str) -> Perturbed | None:
    if kind == "related_word":
        return substitute_related(text, pools.related, rng)
    if kind in ("negation", "modality"):
        return apply_edit(text, pools.lang, kind, rng)
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


def content_words(texts: Sequence[str]) -> list[str]:
    """The distinct content words of some texts (first spelling of each lower-case form), in
    first-seen order: what related_words searches."""
    seen: dict[str, str] = {}
    for text in texts:
        for s, e in _words(text):
            word = text[s:e]
            if _is_content(word) and word[:1].islower():
                seen.setdefault(word.lower(), word)
    return list(seen.values())


def pools_for(texts_by_doc: dict[str, list[str]], rng: random.Random, lang: str = "",
              word_vectors: Callable[[list[str]], np.ndarray] | None = None) -> dict[str, WordPools]:
    """Replacement pools of one language, per document (the corpus-wide lists are shared).
    With `word_vectors` (texts -> e5 vectors), each content word also gets its related words."""
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
    related: dict[str, tuple[str, ...]] = {}
    if word_vectors is not None:
        words = content_words([t for texts in texts_by_doc.values() for t in texts])
        if len(words) > 1:
            related = related_words(words, word_vectors(words))
    return {doc: WordPools(corpus, words or corpus, names, phrases, lang, related) for doc, words in per_doc.items()}
