"""Required terminology: a glossary says how a term must be translated.

A glossary is a CSV file with the header `source,lang,target` (an optional
`source_lang` column names the source term's language, English by default; several
rows for one term and language list the renderings allowed), or a TBX file
(TBX 2 `martif/termEntry/langSet/tig/term` or TBX 3 `conceptEntry/langSec/termSec/term`;
the source language is the root's `xml:lang`, English when absent; terms marked
forbidden, deprecated, obsolete or superseded are not allowed renderings). TBX is
XML from outside, so it is parsed with defusedxml.

When a bead's source-language version contains a glossary term and another version
holds none of the renderings the glossary allows for its language, that version gets
a `term` finding: "glossary: 'indivisibility' must be 'Unteilbarkeit' in de".

Matching is case-insensitive, on whole words, and allows inflection by a simple prefix
rule, per word of a (multi-word) term: a term word of fewer than four letters must be
matched exactly; a longer one matches a word of the text that starts with it (Unteilbarkeit, Unteilbarkeiten,
Unteilbarkeitsprinzip), or when both share the term word's first letters but its last
two (at least four letters) and the text word is at most three letters longer
(indivisibility / indivisibilities, Kooperation / Kooperationen). Words of a term
must follow each other in the text. Prefixing languages (Indonesian ke-…-an) need their
forms listed as allowed renderings.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

from ..errors import InputError
from .divergence import Divergence

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")  # hyphens join words; apostrophes (l'indivisibilité) do not
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# TBX administrative statuses of terms that must not be used.
_NOT_ALLOWED = ("forbidden", "deprecated", "obsolete", "superseded", "notrecommended")


@dataclass(frozen=True)
class GlossaryEntry:
    source_lang: str
    source: str
    targets: Mapping[str, tuple[str, ...]]  # lang -> allowed renderings


@dataclass(frozen=True)
class Glossary:
    path: str
    entries: tuple[GlossaryEntry, ...]


def _base(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def _merge(rows: Sequence[tuple[str, str, str, str]]) -> tuple[GlossaryEntry, ...]:
    """(source_lang, source, lang, target) rows -> one entry per source term."""
    by_source: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for source_lang, source, lang, target in rows:
        allowed = by_source[(source_lang, source.strip())][lang]
        if target.strip() and target.strip() not in allowed:
            allowed.append(target.strip())
    return tuple(
        GlossaryEntry(sl, s, {lang: tuple(ts) for lang, ts in targets.items() if ts})
        for (sl, s), targets in by_source.items()
    )


def parse_csv(text: str, path: str) -> Glossary:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not {"source", "lang", "target"} <= set(header):
        raise InputError(path, "a glossary CSV needs the header source,lang,target", "add that first line")
    reader.fieldnames = header
    rows = []
    for number, row in enumerate(reader, start=2):
        source, lang, target = (row.get(k) or "" for k in ("source", "lang", "target"))
        if not source.strip() or not lang.strip() or not target.strip():
            raise InputError(f"{path}:{number}", "a glossary row needs source, lang and target",
                             "fill in the three columns or delete the row")
        rows.append((_base(row.get("source_lang") or "en"), source, _base(lang), target))
    return Glossary(path, _merge(rows))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _allowed(term_group) -> bool:
    """False for a term whose administrative status forbids it."""
    for el in term_group.iter():
        if _local(el.tag) in ("termNote", "descrip") and "status" in (el.get("type") or "").lower():
            status = (el.text or "").strip().lower().replace(" ", "").replace("-", "")
            if any(status.startswith(bad) for bad in _NOT_ALLOWED):
                return False
    return True


def parse_tbx(data: bytes, path: str) -> Glossary:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise InputError(path, f"not a readable TBX file ({exc})", "fix the XML or export the glossary as CSV")
    source_lang = _base(root.get(_XML_LANG) or "en")
    rows = []
    for entry in root.iter():
        if _local(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        terms: dict[str, list[str]] = defaultdict(list)
        for lang_set in entry:
            if _local(lang_set.tag) not in ("langSet", "langSec"):
                continue
            lang = _base(lang_set.get(_XML_LANG) or "")
            for group in lang_set:
                if _local(group.tag) not in ("tig", "ntig", "termSec", "termGrp"):
                    continue
                term = next((el for el in group.iter() if _local(el.tag) == "term"), None)
                if term is not None and "".join(term.itertext()).strip() and _allowed(group):
                    terms[lang].append("".join(term.itertext()).strip())
        for source in terms.get(source_lang, [])[:1]:
            rows.extend((source_lang, source, lang, t) for lang, ts in terms.items() if lang != source_lang for t in ts)
    return Glossary(path, _merge(rows))


@lru_cache(maxsize=8)
def load_glossary(path: str) -> Glossary:
    """The glossary at `path` (CSV or TBX, chosen by the suffix)."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read the glossary ({exc.strerror or exc})",
                         "fix `glossary` in the configuration (relative to the config file)")
    if file.suffix.lower() == ".tbx":
        return parse_tbx(data, path)
    if file.suffix.lower() != ".csv":
        raise InputError(path, "a glossary must be a .csv or .tbx file", "convert it or fix `glossary`")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "the glossary is not UTF-8", "save it as UTF-8")
    return parse_csv(text, path)


# --- matching ------------------------------------------------------------------------


def _word_matches(text_word: str, term_word: str) -> bool:
    t, w = text_word.lower(), term_word.lower()
    if len(w) < 4:
        return t == w  # "EU", "Rat": too short for a prefix to mean anything
    if t.startswith(w):
        return True
    stem = w[:-2]
    return len(stem) >= 4 and t.startswith(stem) and len(t) <= len(w) + 3


def find_term(text: str, term: str) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of `term` in `text`, by the rule in the module doc."""
    term_words = _WORD.findall(term)
    if not term_words:
        return []
    words = list(_WORD.finditer(text))
    out = []
    for k in range(len(words) - len(term_words) + 1):
        if all(_word_matches(words[k + i].group(), tw) for i, tw in enumerate(term_words)):
            out.append((words[k].start(), words[k + len(term_words) - 1].end()))
    return out


def compare_glossary(
    texts: Mapping[str, str], offsets: Mapping[str, int], glossary: Glossary, severity: str
) -> list[Divergence]:
    """Glossary findings of one bead: {lang: original text}, {lang: file offset of that text}."""
    by_base = {_base(lang): lang for lang in texts}
    out: list[Divergence] = []
    for entry in glossary.entries:
        source_lang = by_base.get(entry.source_lang)
        if source_lang is None:
            continue
        found = find_term(texts[source_lang], entry.source)
        if not found:
            continue
        for target_base, allowed in entry.targets.items():
            lang = by_base.get(target_base)
            if lang is None or any(find_term(texts[lang], t) for t in allowed):
                continue
            required = " or ".join(f"'{t}'" for t in allowed)
            out.append(
                Divergence(
                    kind="term",
                    severity=severity,
                    score=1.0,
                    message=f"glossary: '{entry.source}' must be {required} in {lang}.",
                    divergent=(lang,),
                    reference=(source_lang,),
                    spans={source_lang: tuple((s + offsets[source_lang], e + offsets[source_lang]) for s, e in found)},
                    evidence={"signal": "glossary", "rule": "term.glossary", "glossary": glossary.path,
                              "source_term": entry.source, "required": list(allowed)},
                    signal="glossary",
                )
            )
    return out
