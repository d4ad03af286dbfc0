"""Hedging, modality, attribution and plan-vs-done markers, compared across versions.

"The ministry proposed a tax" and "Das Ministerium hat eine Steuer eingeführt" state
different facts with the same words for ministry and tax; so do "only a year ago"
and "a year ago", "allegedly" and nothing. These are nuances more often than
errors, so findings stay at the configured low severity.

Markers come from `modality.tsv` (one per line: language, class, strength, marker).
Classes: plan, possibility, hearsay, restriction, approximation. A `cue` marker can
make a finding; a `weak` one has a second, plainer meaning (English "will",
Indonesian "baru" = new) and only counts as present, so it clears a version but
never accuses one; a `none` phrase looks like a marker and is not ("not only")
and hides the markers it overlaps.

Per class, with three or more versions:
- a version adds the class when it has a cue and no other version has any marker of it;
- a version leaves it out when it has no marker of it and every other version has one,
  at least `min_cue_share` of them a cue.
With two versions, English (else the first) is the reference and only the other
version is checked, the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Mapping, Sequence

from .records import Fact, FactDivergence
from .tokens import is_sentence_initial

CLASSES: Mapping[str, str] = {
    "plan": "a plan or proposal (not done yet)",
    "possibility": "a possibility (may, could)",
    "hearsay": "an attribution or hearsay (reportedly, allegedly)",
    "restriction": "a restriction (only, just)",
    "approximation": "an approximation (almost, about)",
}
STRENGTHS = ("cue", "weak", "none")

RULES: Mapping[str, str] = {
    "modality.added": "A version hedges, restricts or plans where the other versions state plainly.",
    "modality.missing": "A version states plainly what the other versions hedge, restrict or plan.",
}

# Words a "…" in a marker may skip, within one sentence.
_GAP = r"(?:[^\s.;!?:]+\s+){0,5}?"
# What a "#" in a marker stands for: a number in digits ("sekitar 200": about, not "nearby").
_NUMBER = r"\d[\d.,]*(?!\w)"


@dataclass(frozen=True)
class Marker:
    lang: str
    cls: str
    strength: str
    marker: str
    pattern: re.Pattern[str]


def _part(part: str, last: bool) -> str:
    """One word of a marker, with its alternatives and the space after it."""
    alternatives = []
    for alt in part.split("|"):
        body = re.escape(alt.rstrip("*").replace("’", "'")).replace("'", "['’]")
        if alt.endswith("*"):
            body += r"\w*"
        if alt.endswith("'"):
            alternatives.append(body + (r"" if last else r"\s*"))
        else:
            alternatives.append(body + (r"(?!\w)" if last else r"\s+"))
    return "(?:" + "|".join(alternatives) + ")"


def compile_marker(marker: str) -> re.Pattern[str]:
    parts = marker.split()
    out = []
    for k, part in enumerate(parts):
        if part == "…":
            out.append(_GAP)
        elif part == "#":
            out.append(_NUMBER)
        else:
            out.append(_part(part, k == len(parts) - 1))
    flags = re.IGNORECASE if marker.islower() else 0
    return re.compile(r"(?<!\w)" + "".join(out), flags)


def parse_markers(text: str, where: str = "modality.tsv") -> tuple[Marker, ...]:
    markers = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 4 or cols[1] not in CLASSES or cols[2] not in STRENGTHS or not cols[3].strip():
            raise ValueError(f"{where}:{number}: expected lang, class ({', '.join(CLASSES)}), "
                             f"strength ({', '.join(STRENGTHS)}), marker separated by tabs")
        lang, cls, strength, marker = (c.strip() for c in cols)
        markers.append(Marker(lang, cls, strength, marker, compile_marker(marker)))
    return tuple(markers)


@lru_cache(maxsize=1)
def shipped_markers() -> tuple[Marker, ...]:
    text = resources.files("checker.facts").joinpath("modality.tsv").read_text(encoding="utf-8")
    return parse_markers(text)


@lru_cache(maxsize=4096)
def extract_modality(text: str, lang: str) -> tuple[Fact, ...]:
    """The markers in `text`, each a Fact with value (class, strength, marker), by position."""
    markers = [m for m in shipped_markers() if m.lang == lang]
    found: list[tuple[Marker, int, int]] = []
    for m in markers:
        for hit in m.pattern.finditer(text):
            start, end = hit.start(), hit.end()
            matched = text[start:end].rstrip()
            # A lower-case marker capitalised inside a sentence is a name or a noun (May, das Soll).
            if m.marker[0].islower() and matched[:1].isupper() and not is_sentence_initial(text, start):
                continue
            found.append((m, start, start + len(matched)))
    masks = [(m.cls, s, e) for m, s, e in found if m.strength == "none"]
    facts = []
    seen: set[tuple[str, int, int]] = set()
    for m, s, e in found:
        if m.strength == "none" or (m.cls, s, e) in seen:
            continue
        if any(cls == m.cls and s < me and ms < e for cls, ms, me in masks):
            continue
        seen.add((m.cls, s, e))
        facts.append(Fact("modality", (m.cls, m.strength, m.marker), s, e, text[s:e]))
    # A cue wins over a weak marker on the same words of the same class.
    facts.sort(key=lambda f: (f.start, f.value[1] != "cue"))
    kept: list[Fact] = []
    for f in facts:
        if any(k.value[0] == f.value[0] and f.start < k.end and k.start < f.end for k in kept):
            continue
        kept.append(f)
    return tuple(kept)


def _status(facts: Sequence[Fact], cls: str) -> str:
    """'cue', 'weak' or 'absent': the strongest marker of the class in a version."""
    strengths = {f.value[1] for f in facts if f.value[0] == cls}
    return "cue" if "cue" in strengths else "weak" if strengths else "absent"


def _quote(facts: Sequence[Fact]) -> str:
    return ", ".join(f"“{t}”" for t in dict.fromkeys(f.text for f in facts))


def compare_modality(
    texts: Mapping[str, str], severity: str = "minor", min_cue_share: float = 0.5
) -> list[FactDivergence]:
    """Modality divergences between the versions of one bead ({lang: original text})."""
    usable = {lang: t for lang, t in texts.items() if t and t.strip()}
    langs = list(usable)
    if len(langs) < 2:
        return []
    facts = {lang: extract_modality(t, lang.split("-")[0].lower()) for lang, t in usable.items()}
    if len(langs) == 2:
        reference = next((lang for lang in langs if lang.startswith("en")), langs[0])
        candidates = [lang for lang in langs if lang != reference]
    else:
        candidates = langs
    out: list[FactDivergence] = []
    for cls, noun in CLASSES.items():
        status = {lang: _status(facts[lang], cls) for lang in langs}
        of_cls = {lang: tuple(f for f in facts[lang] if f.value[0] == cls) for lang in langs}
        for d in candidates:
            others = [lang for lang in langs if lang != d]
            if status[d] == "cue" and all(status[o] == "absent" for o in others):
                spans = {d: tuple(f for f in of_cls[d] if f.value[1] == "cue"), **{o: () for o in others}}
                message = f"{d} adds {noun}, {_quote(spans[d])}, which the other versions do not state."
                out.append(FactDivergence("modality", severity, (d,), tuple(others), spans, message, "modality.added"))
            elif status[d] == "absent" and all(status[o] != "absent" for o in others):
                cues = sum(status[o] == "cue" for o in others)
                if cues == 0 or cues < min_cue_share * len(others):
                    continue
                spans = {d: (), **{o: of_cls[o] for o in others}}
                said = "; ".join(f"{o} {_quote(of_cls[o])}" for o in others)
                message = f"{d} leaves out {noun} that the other versions state ({said})."
                out.append(FactDivergence("modality", severity, (d,), tuple(others), spans, message, "modality.missing"))
    return out
