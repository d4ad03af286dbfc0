"""Compare the facts stated by the versions of one bead and say which version differs.

`compare_bead_facts({"de": ..., "fr": ..., "id": ...})` extracts numbers,
dates, relative times, names and negations from each original text and
reports the versions that state a fact differently. Precision comes first: a
finding needs the other versions to agree on a fact the divergent one lacks.

Who is divergent:

- three or more versions: a version is divergent when every other version
  states a fact it does not even mention (the others agree), and it states
  one that no other version has in any form ("<kind>.mismatch", major).
  When it only lacks the agreed fact, that is an omission ("<kind>.missing",
  info), and when it only adds one, an addition ("<kind>.added", info, numbers
  and dates only); both only for facts that are clearly facts: numbers in
  digits, dates with a day, known or clearly capitalised names.
- two versions: there is no majority, so the English version (else the first
  one given) is the reference and the other is checked against it. A name
  left out is not reported there: a pronoun for a name is too common.

Relative times ("a year ago") are only compared when both sides have one;
leaving one out is paraphrase more often than not.

A name counts as changed only when the two names look like different names:
both known and different (Chile, Bolivia), or each with a word that is not a
common word and that the other side does not mention (Shoigu, Lavrov); a name
translated word by word ("Yayasan Ilmu Alam" for "Natural Science Foundation")
is not a swap. A relative time naming the current period ("this month") is not
compared with a shorter distance ("a few days earlier").

Negations are compared by parity: a version whose count of negation cues is
odd where all others' are even (or the reverse) is flipped, provided one side
has no cue at all (two cues against one is mostly a negated adjective that
another language writes with a prefix), two cues in a row cancel ("nicht
nicht"), and the counts plus lexical negatives ("unlikely", "lack", "ignorait",
"kurang") flip the same way, since translators move negation into the lexicon.

Versions in languages other than de/fr/id/en (and empty ones) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Mapping, Sequence

from .dates import (
    comparable_relative_times, date_has_day, extract_dates, extract_relative_times, same_date, same_relative_time,
)
from .entities import (
    extract_entities, is_strong, loosely_mentioned, mentioned, omission_matters, plausible_swap, same_entity,
)
from .modality import RULES as MODALITY_RULES
from .negation import extract_negations, lexical_negatives
from .numbers import extract_numbers, has_digits, is_count, same_number
from .records import Fact, FactDivergence

SUPPORTED_LANGS = ("de", "fr", "id", "en")

# Stable rule codes and what each means.
RULES: Mapping[str, str] = {
    "number.mismatch": "A number or quantity differs from the one the other versions agree on.",
    "number.missing": "A number in digits that the other versions give is left out.",
    "number.added": "A number in digits appears that the other versions do not give.",
    "date.mismatch": "A date differs from the one the other versions agree on.",
    "date.missing": "A date with a day that the other versions give is left out.",
    "date.added": "A date with a day appears that the other versions do not give.",
    "relative_time.mismatch": "A relative time ('a year ago', 'years ago') differs from the other versions'.",
    "entity.mismatch": "A name stands where the other versions agree on a different one.",
    "entity.missing": "A name the other versions agree on is left out.",
    "negation.flip": "The sentence is negated where the other versions are not, or the reverse.",
    **MODALITY_RULES,  # compared by checker/facts/modality.py, at the severity of [compare.modality]
}


def rule_lang(lang: str) -> str | None:
    """The language whose rules apply to a version tag ("de-AT" -> "de"), None if unsupported."""
    base = lang.replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED_LANGS else None


def _overlaps(f: Fact, spans: Sequence[tuple[int, int]]) -> bool:
    return any(f.start < e and s < f.end for s, e in spans)


@lru_cache(maxsize=4096)
def _extract(text: str, lang: str) -> tuple[Fact, ...]:
    rl = rule_lang(lang)
    if rl is None:
        return _numbers_in_digits(text)
    dates = extract_dates(text, rl)
    times = [t for t in extract_relative_times(text, rl) if not _overlaps(t, [(d.start, d.end) for d in dates])]
    temporal = [(f.start, f.end) for f in dates + times]
    # Digits inside a date are the date, except its year, which is also a number ("2015" vs "Oktober 2015").
    numbers = [
        n for n in extract_numbers(text, rl)
        if not _overlaps(n, temporal) or (n.text.isdigit() and len(n.text) == 4 and 1900 <= int(n.text) <= 2100)
    ]
    facts = numbers + dates + times + extract_entities(text, rl) + extract_negations(text, rl)
    return tuple(sorted(facts, key=lambda f: (f.start, f.kind)))


def _numbers_in_digits(text: str) -> tuple[Fact, ...]:
    """A language without rules still votes on numbers in digits ("Node.js 20.x"): read with
    either separator convention (1.000 / 1,000), a number matches what either reading says."""
    by_span: dict[tuple[int, int], Fact] = {}
    for style in ("en", "de"):
        for f in extract_numbers(text, style):
            if not has_digits(f):
                continue
            seen = by_span.get((f.start, f.end))
            if seen is None:
                by_span[(f.start, f.end)] = f
            elif seen.value[1] == f.value[1]:
                readings = tuple(dict.fromkeys((*seen.value[0], *f.value[0])))
                by_span[(f.start, f.end)] = Fact(f.kind, (readings, f.value[1]), f.start, f.end, f.text)
    return tuple(sorted(by_span.values(), key=lambda f: f.start))


def extract_facts(text: str, lang: str) -> list[Fact]:
    """All facts of one text: numbers, dates, relative times, entities and negations, by position."""
    return list(_extract(text, lang))


# --- comparing one kind of fact ------------------------------------------------------


@dataclass(frozen=True)
class _KindRules:
    noun: str
    same: Callable[[Fact, Fact], bool]
    # Lenient presence in another version's text beyond an equal fact ("biélorusse" for Belarus).
    mentioned: Callable[[Fact, str], bool]
    # May this fact stand as the changed value? (A German noun may not stand as a name.)
    may_diverge: Callable[[Fact], bool]
    # Is leaving this fact out worth an info finding?
    omission_matters: Callable[[Fact], bool]
    report_added: bool
    # Looser presence, checked before calling a fact left out (None: same as `mentioned`).
    loosely_mentioned: Callable[[Fact, str], bool] | None = None
    # May the changed facts of a version (its language, the agreed facts per other version, the texts)
    # stand for the agreed ones at all? None: always. When not, the difference is a paraphrase or a
    # translation, and no finding is made.
    plausible: Callable[[Sequence[Fact], str, Mapping[str, Sequence[Fact]], Mapping[str, str]], bool] | None = None


def _never(*_: object) -> bool:
    return False


def _always(*_: object) -> bool:
    return True


_KINDS: dict[str, _KindRules] = {
    "number": _KindRules("number", same_number, _never, is_count, has_digits, report_added=True),
    "date": _KindRules("date", same_date, _never, _always, date_has_day, report_added=True),
    # Relative times are paraphrased away too often for an omission or addition to mean anything.
    "relative_time": _KindRules(
        "time reference", same_relative_time, _never, _always, _never, report_added=False,
        plausible=lambda changed, _lang, refs, _texts: any(
            comparable_relative_times(c, a) for c in changed for facts in refs.values() for a in facts
        ),
    ),
    "entity": _KindRules(
        "name", same_entity, mentioned, is_strong, omission_matters, False, loosely_mentioned, plausible=plausible_swap
    ),
}


def _join(langs: Sequence[str]) -> str:
    return langs[0] if len(langs) == 1 else ", ".join(langs[:-1]) + " and " + langs[-1]


def _show(facts: Sequence[Fact]) -> str:
    texts = list(dict.fromkeys(f.text.strip() for f in facts))
    return " and ".join(f'"{t}"' if " " in t else t for t in texts)


def _refs_phrase(spans: Mapping[str, tuple[Fact, ...]], refs: Sequence[str]) -> str:
    """'fr and id have 1.300' or 'fr has 1 300, id has 1.300'."""
    by_text: dict[str, list[str]] = {}
    for lang in refs:
        if spans.get(lang):
            by_text.setdefault(_show(spans[lang]), []).append(lang)
    parts = [f"{_join(langs)} {'has' if len(langs) == 1 else 'have'} {shown}" for shown, langs in by_text.items()]
    return ", ".join(parts)


def _compare_kind(
    kind: str, facts: Mapping[str, Sequence[Fact]], texts: Mapping[str, str], candidates: Sequence[str]
) -> list[FactDivergence]:
    rules = _KINDS[kind]
    of_kind = {lang: [f for f in fs if f.kind == kind] for lang, fs in facts.items()}
    langs = list(of_kind)

    def stated(f: Fact, lang: str) -> bool:
        return any(rules.same(f, g) for g in of_kind[lang])

    def present(f: Fact, lang: str) -> bool:
        return stated(f, lang) or rules.mentioned(f, texts[lang])

    out: list[FactDivergence] = []
    for d in candidates:
        others = [lang for lang in langs if lang != d]
        # Facts of the divergent version that no other version has in any form.
        changed = tuple(f for f in of_kind[d] if rules.may_diverge(f) and not any(present(f, o) for o in others))
        # Facts every other version states and the divergent one does not even mention. Agreement
        # needs a stated fact: a passing mention ("russe") is too little to accuse a version with,
        # but enough to clear it.
        agreed = [
            f for o in others for f in of_kind[o]
            if rules.may_diverge(f) and all(stated(f, p) for p in others if p != o) and not present(f, d)
        ]
        ref_spans = {o: tuple(g for g in of_kind[o] if any(g is f or rules.same(g, f) for f in agreed)) for o in others}
        if agreed and changed and rules.plausible is not None:
            if not rules.plausible(changed, d, ref_spans, texts):
                continue  # a paraphrase or a translated name, and not a clear omission either
        if agreed and changed:
            spans = {d: changed, **ref_spans}
            message = f"The {rules.noun} differs: {d} has {_show(changed)}, {_refs_phrase(spans, others)}."
            out.append(FactDivergence(kind, "major", (d,), tuple(others), spans, message, f"{kind}.mismatch"))
        elif agreed:
            if kind == "entity" and len(langs) < 3:
                continue  # with two versions a pronoun for a name is too common to mention
            loose = rules.loosely_mentioned
            lost = [f for f in agreed if rules.omission_matters(f) and not (loose and loose(f, texts[d]))]
            if lost:
                spans = {d: (), **{o: tuple(g for g in ref_spans[o] if any(g is f or rules.same(g, f) for f in lost))
                                   for o in others}}
                verb = "gives" if len(others) == 1 else "give"
                message = f"{d} leaves out the {rules.noun} {_show(lost)} that {_join(others)} {verb}."
                out.append(FactDivergence(kind, "info", (d,), tuple(others), spans, message, f"{kind}.missing"))
        elif changed and rules.report_added:
            added = tuple(f for f in changed if rules.omission_matters(f))
            if added:
                spans = {d: added, **{o: () for o in others}}
                verb = "does" if len(others) == 1 else "do"
                message = f"{d} adds the {rules.noun} {_show(added)}, which {_join(others)} {verb} not give."
                out.append(FactDivergence(kind, "info", (d,), tuple(others), spans, message, f"{kind}.added"))
    return out


# --- negation ---------------------------------------------------------------------------


def _count_phrase(facts: Sequence[Fact]) -> str:
    if not facts:
        return "no negation"
    cues = ", ".join(f'"{f.text}"' for f in facts)
    return f"{'a negation' if len(facts) == 1 else f'{len(facts)} negations'} ({cues})"


def _effective(cues: Sequence[Fact], text: str) -> int:
    """Cues that count: two in a row ("nicht nicht", "not not") cancel each other out."""
    n, k = len(cues), 0
    while k + 1 < len(cues):
        a, b = cues[k], cues[k + 1]
        if a.value == b.value and not text[a.end : b.start].strip():
            n -= 2
            k += 2
        else:
            k += 1
    return n


@lru_cache(maxsize=4096)
def _lexical_count(text: str, lang: str) -> int:
    rl = rule_lang(lang)
    return len(lexical_negatives(text, rl)) if rl else 0


def _compare_negation(
    facts: Mapping[str, Sequence[Fact]], texts: Mapping[str, str], candidates: Sequence[str]
) -> list[FactDivergence]:
    cues = {lang: tuple(f for f in fs if f.kind == "negation") for lang, fs in facts.items()}
    counts = {lang: _effective(cues[lang], texts[lang]) for lang in cues}
    # Cues plus words that negate by their meaning ("unlikely", "lack", "ignorait", "kurang").
    totals = {lang: counts[lang] + _lexical_count(texts[lang], lang) for lang in cues}
    out: list[FactDivergence] = []
    for d in candidates:
        others = [lang for lang in cues if lang != d]
        parities = {counts[o] % 2 for o in others}
        if len(parities) != 1 or counts[d] % 2 in parities:
            continue
        # One side must have no negation at all: two cues against one is mostly a negated
        # adjective written with a prefix elsewhere ("tidak berdasar" = "unfounded").
        if counts[d] and any(counts[o] for o in others):
            continue
        # The negation may have moved into the lexicon ("tidak lazim" = "unusual"): the counts with
        # lexical negatives must flip the same way.
        total_parities = {totals[o] % 2 for o in others}
        if len(total_parities) != 1 or totals[d] % 2 in total_parities:
            continue
        spans = {d: cues[d], **{o: cues[o] for o in others}}
        groups: dict[str, list[str]] = {}
        for o in others:
            groups.setdefault(_count_phrase(cues[o]), []).append(o)
        refs = ", ".join(f"{_join(ls)} {'has' if len(ls) == 1 else 'have'} {p}" for p, ls in groups.items())
        message = f"The polarity differs: {d} has {_count_phrase(cues[d])}, {refs}."
        out.append(FactDivergence("negation", "major", (d,), tuple(others), spans, message, "negation.flip"))
    return out


# --- one bead -----------------------------------------------------------------------------


def compare_bead_facts(texts: Mapping[str, str]) -> list[FactDivergence]:
    """Divergences between the versions of one bead ({lang: text}), most important kinds first."""
    out: list[FactDivergence] = []
    # Numbers in digits are compared in every language (a version in a language without rules
    # still votes on who changed one); the other kinds only where rules exist.
    for kind in _KINDS:
        out.extend(_compare_kind(kind, *_voters(texts, every_language=kind == "number")))
    out.extend(_compare_negation(*_voters(texts, every_language=False)))
    return out


def _voters(
    texts: Mapping[str, str], every_language: bool
) -> tuple[dict[str, list[Fact]], dict[str, str], list[str]]:
    """(facts, texts, candidates to blame) of the versions that take part: with two, the English
    version (else the first) is the reference and only the other is a candidate."""
    usable = {lang: t for lang, t in texts.items() if t and t.strip() and (every_language or rule_lang(lang))}
    if len(usable) < 2:
        return {}, {}, []
    langs = list(usable)
    if len(langs) == 2:
        reference = next((lang for lang in langs if rule_lang(lang) == "en"), langs[0])
        candidates = [lang for lang in langs if lang != reference]
    else:
        candidates = langs
    return {lang: extract_facts(t, lang) for lang, t in usable.items()}, usable, candidates
