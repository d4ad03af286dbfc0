"""Negation cues in German, French, Indonesian and English.

Each cue is one negation: French "ne ... pas" is one cue spanning both words.
Versions are compared by the parity of their cue counts (two negations in one
version and none in another usually say the same thing; one against none
usually does not).

Phrases that look negative but are not are skipped: "nicht nur ... sondern
auch", "non seulement", "tidak hanya", "not only" (= "also"); "ne ... que"
(= "only"); "nicht zuletzt", "not least"; "ohne Zweifel", "sans doute",
"tanpa ragu", "no doubt" (= "certainly"); Indonesian "tidak ter-" adjectives
("tak terpisahkan" = "inseparable"), which other languages write as one word
with a prefix.
"""

from __future__ import annotations

import re

from .records import Fact
from .tokens import Word, words

LANGS = ("de", "fr", "id", "en")

_CUES: dict[str, frozenset[str]] = {
    "de": frozenset({
        "nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "keins", "nie", "niemals", "nichts",
        "niemand", "niemandem", "niemanden", "ohne", "weder", "nirgends", "nirgendwo", "keineswegs", "keinesfalls",
    }),
    # "ne" is handled with its partner word; a lone "pas" is as often a step ("les premiers pas").
    "fr": frozenset({"sans", "non"}),
    "id": frozenset({
        "tidak", "tak", "bukan", "belum", "tanpa", "jangan", "tiada", "bukanlah", "tidaklah", "takkan", "enggak",
        "nggak", "gak",
    }),
    "en": frozenset({"not", "no", "never", "without", "none", "nothing", "nobody", "neither", "nowhere", "cannot"}),
}

# Multi-word phrases that start with a cue but do not negate (matched on lowercase words).
_NOT_NEGATIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    "de": (("nicht", "nur"), ("nicht", "bloß"), ("nicht", "allein"), ("nicht", "zuletzt"), ("ohne", "zweifel"),
           ("ohne", "jeden", "zweifel"), ("ohne", "jeglichen", "zweifel")),
    "fr": (("non", "seulement"), ("non", "plus"), ("pas", "seulement"), ("pas", "uniquement"), ("pas", "que"),
           ("sans", "doute"), ("sans", "aucun", "doute"), ("sans", "précédent"), ("non", "loin")),
    "id": (("tidak", "hanya"), ("tidak", "saja"), ("tidak", "cuma"), ("tidak", "sekadar"), ("bukan", "hanya"),
           ("bukan", "saja"), ("bukan", "cuma"), ("bukan", "sekadar"), ("tak", "hanya"), ("tak", "saja"),
           ("tanpa", "ragu"), ("tidak", "diragukan"), ("mau", "tidak", "mau"), ("suka", "tidak", "suka")),
    "en": (("not", "only"), ("not", "just"), ("not", "merely"), ("not", "least"), ("no", "doubt"),
           ("without", "doubt"), ("without", "a", "doubt"), ("without", "any", "doubt"), ("none", "other")),
}

# French: the second half of "ne ... pas"; a "ne" without one (expletive "ne", "ne ... que") does not negate.
_FR_PARTNERS = frozenset({"pas", "plus", "jamais", "rien", "personne", "aucun", "aucune", "guère", "point",
                          "nullement", "ni", "nulle", "nul"})
_FR_SUBJECT_PARTNERS = frozenset({"rien", "personne", "aucun", "aucune", "nul", "nulle"})  # "Personne n'est venu"
_FR_STANDALONE = frozenset({"aucun", "aucune", "jamais", "rien"})


def _starts_phrase(low: list[str], k: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
    for p in phrases:
        # A phrase may start one or two words before the cue ("mau tidak mau").
        for offset in range(len(p)):
            if p[offset] == low[k] and tuple(low[k - offset : k - offset + len(p)]) == p:
                return True
    return False


def _fact(text: str, first: Word, last: Word, cue: str) -> Fact:
    return Fact("negation", cue, first.start, last.end, text[first.start : last.end])


def extract_negations(text: str, lang: str) -> list[Fact]:
    """The negation cues of `text`, each a Fact spanning the cue word(s)."""
    if lang not in LANGS:
        return []
    ws = words(text)
    low = [w.text.lower() for w in ws]
    facts: list[Fact] = []
    used: set[int] = set()
    if lang == "fr":
        facts.extend(_french_ne(text, ws, low, used))
    for k, w in enumerate(ws):
        lk = low[k]
        if k in used:
            continue
        cue = lk in _CUES[lang] or (lang == "en" and lk.endswith("n") and text[w.end : w.end + 2] in ("'t", "’t"))
        if lang == "fr" and lk in _FR_STANDALONE:
            # "Aucune réponse." negates; "plus que jamais", "à jamais", "sans rien" do not.
            prev = low[k - 1] if k else ""
            cue = prev not in ("que", "qu", "à", "sans") and not any(low[j] == "sans" for j in range(max(0, k - 2), k))
        if not cue or _starts_phrase(low, k, _NOT_NEGATIONS[lang]):
            continue
        if text[w.end : w.end + 1] == "-" and lk in ("nicht", "non", "no"):
            continue  # "Nicht-Mitglied", "non-alignés", "no-fly": a prefix, not a negation
        if lang == "en" and lk == "no" and re.match(r"\.\s*\d", text[w.end :]):
            continue  # "No. 5"
        if lang == "id" and lk in ("tidak", "tak") and k + 1 < len(ws) and low[k + 1].startswith("ter"):
            continue  # "tak terpisahkan" = inseparable, written un-/in- elsewhere
        if lang == "en" and lk.endswith("n") and lk not in _CUES["en"]:
            end = w.end + 2
            facts.append(Fact("negation", "n't", w.start, end, text[w.start : end]))
            continue
        facts.append(_fact(text, w, w, lk))
    return sorted(facts, key=lambda f: f.start)


def _french_ne(text: str, ws: list[Word], low: list[str], used: set[int]) -> list[Fact]:
    """'ne/n' with its partner ('pas', 'jamais', 'aucun', ...) as one cue; 'ne ... que' is 'only'."""
    facts: list[Fact] = []
    for k, lk in enumerate(low):
        if lk not in ("ne", "n"):
            continue
        if lk == "n" and text[ws[k].end : ws[k].end + 1] not in ("'", "’"):
            continue
        partner = None
        for j in range(k + 1, min(len(ws), k + 7)):
            if low[j] in ("que", "qu") or re.search(r"[.;!?]", text[ws[k].end : ws[j].start]):
                break  # "ne ... que" is restrictive ("only"); a sentence end ends the search
            if low[j] in _FR_PARTNERS and j not in used:
                partner = j
                break
        if partner is None:
            for j in range(k - 1, max(-1, k - 5), -1):
                if low[j] in _FR_SUBJECT_PARTNERS and j not in used:
                    partner = j
                    break
        if partner is None:
            continue  # expletive "ne" ("avant qu'il ne parte")
        nxt = low[partner + 1] if partner + 1 < len(low) else ""
        if low[partner] == "pas" and nxt in ("seulement", "uniquement", "que"):
            used.update({k, partner})  # "ne ... pas seulement" = "not only"
            continue
        used.update({k, partner})
        first, last = (ws[k], ws[partner]) if partner > k else (ws[partner], ws[k])
        facts.append(_fact(text, first, last, f"ne…{low[partner]}"))
    return facts
