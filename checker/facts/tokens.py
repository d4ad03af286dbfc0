"""Word tokens with character offsets, and where a sentence starts.

Every check needs the same two things from raw text: the words with their
offsets (so findings can point at `text[start:end]`), and whether a
capitalised word is capitalised only because it opens a sentence.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Letters only: digits and punctuation split words, so "Russland-ASEAN-Gipfel"
# gives three words and "n'excluait" gives "n" and "excluait".
_WORD_RE = re.compile(r"[^\W\d_]+")

# Abbreviations whose full stop does not end a sentence ("M. Lavrov", "Dr. Weber").
_NON_FINAL_ABBREVIATIONS = frozenset(
    {"m", "mm", "mme", "mlle", "dr", "prof", "hr", "st", "mr", "mrs", "ms", "nr", "no", "bzw", "vgl", "ca", "jr", "sr"}
)
_OPENERS = "\"'„“”«‹‘’‚([{–—-*•·"


class Word(NamedTuple):
    text: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    return [Word(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]


def is_sentence_initial(text: str, start: int) -> bool:
    """True when the word at `start` opens the text, a sentence, a quote or a line."""
    i = start - 1
    while i >= 0 and text[i] in " \t\u00a0\u202f":
        i -= 1
    if i < 0 or text[i] == "\n":
        return True
    if text[i] in _OPENERS:
        # "(AS)" is a parenthesis inside a sentence; a quote or bullet opens one.
        return text[i] != "("
    if text[i] in "!?:;":
        return True
    if text[i] == ".":
        m = re.search(r"([^\W\d_]+)\.$", text[: i + 1])
        # "M. Lavrov" and "Dr. Weber" continue the sentence; "1." in "28. Oktober" is handled by dates.
        return not (m and m.group(1).lower() in _NON_FINAL_ABBREVIATIONS)
    return False
