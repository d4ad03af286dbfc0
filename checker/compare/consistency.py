"""Term consistency across one document: the same source term rendered by different words
in different places of one version.

The word alignment of `wordlinks.py` links, in every bead all versions share, each
content word of the source version (English, else the first) to its mutual best
partner in each other version, kept when the link is confident (cosine >=
`min_link`). Across the beads of a version set a source term (case-folded, a final
plural "s" ignored) then has one or more renderings per version. Renderings that are
forms of one word count as one: one holds the other's stem (Abkommen, Abkommens;
Buch, Kinderbuch), they share a root of half the shorter word near both starts (ditangkap,
menangkap), a part of a hyphenated word (anak, anak-anak), a cognate spelling
(`compare.words.cognate_ratio`), or German compound parts. A term found in at least `min_places` beads that a version still renders in two
or more ways gives one finding listing every place, the source version's places as
reference.

Word alignment is noisy and translators vary words on purpose (a pronoun, a synonym to
avoid repetition), so these findings are notes for terminology review; their severity
is configured (`compare.consistency`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz

from ..config import ConsistencyConfig, WordsConfig
from ..records import Bead, Document, Finding, FindingVersion, Span
from .compounds import compound_parts
from .wordlinks import DocumentWords, LocatedWord

@dataclass(frozen=True)
class Place:
    """One occurrence of the source term and what one version renders it by there."""

    bead: int
    source: LocatedWord
    rendering: LocatedWord
    link: float


def term_key(word: str) -> str:
    """The source term a word stands for: case-folded, a final plural "s" dropped."""
    low = word.lower()
    return low[:-1] if len(low) > 4 and low.endswith("s") and not low.endswith("ss") else low


def _longest_common_start(a: str, b: str) -> int:
    """Length of the longest substring of both that starts within the first four letters of each
    (a root under different affixes: menangkap / ditangkap, Wahl / wählen)."""
    best = 0
    for i in range(min(4, len(a))):
        for j in range(min(4, len(b))):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            best = max(best, k)
    return best


def same_word(a: str, b: str, lang: str, cognate_ratio: float) -> bool:
    """Forms of one word: inflections, affixes, spellings, reduplication, or a compound holding
    the other (Abkommen / Abkommens, ditangkap / menangkap, anak / anak-anak, Buch / Kinderbuch)."""
    la, lb = anyascii(a).lower(), anyascii(b).lower()
    if la == lb or set(la.split("-")) & set(lb.split("-")):
        return True
    short, long = sorted((la.replace("-", ""), lb.replace("-", "")), key=len)
    if len(short) >= 4 and short[: max(4, len(short) - 2)] in long:
        return True
    if len(short) >= 4 and _longest_common_start(short, long) >= max(4, (len(short) + 1) // 2):
        return True
    if fuzz.ratio(la, lb) >= cognate_ratio:
        return True
    parts_a = {anyascii(p).lower() for p in compound_parts(a, lang)} | {la}
    parts_b = {anyascii(p).lower() for p in compound_parts(b, lang)} | {lb}
    return bool(parts_a & parts_b)  # Katastrophenhilfe / Naturkatastrophen share Katastrophen


def _variants(places: Sequence[Place], lang: str, cognate_ratio: float) -> list[list[Place]]:
    """Places grouped by rendering, forms of one word together (first seen first)."""
    groups: list[list[Place]] = []
    for p in places:
        for g in groups:
            if same_word(g[0].rendering.text, p.rendering.text, lang, cognate_ratio):
                g.append(p)
                break
        else:
            groups.append([p])
    return groups


def _mutual_links(src: list[LocatedWord], tgt: list[LocatedWord], floor: float) -> list[tuple[int, int, float]]:
    if not src or not tgt:
        return []
    sims = np.stack([w.vector for w in src]) @ np.stack([w.vector for w in tgt]).T
    forward, backward = sims.argmax(axis=1), sims.argmax(axis=0)
    return [(i, int(j), float(sims[i, j])) for i, j in enumerate(forward) if backward[j] == i and sims[i, j] >= floor]


def collect_renderings(
    beads: Sequence[Bead], words: Mapping[str, DocumentWords], source: str, config: ConsistencyConfig
) -> dict[tuple[str, str], list[Place]]:
    """(version, source term) -> every place where the version renders the term by a confident link."""
    langs = [l for l in words if l != source]
    out: dict[tuple[str, str], list[Place]] = defaultdict(list)
    for bead in beads:
        if not all(bead.members.get(l) for l in [source, *langs]):
            continue
        src = words[source].words(bead.members[source])
        for lang in langs:
            tgt = words[lang].words(bead.members[lang])
            for i, j, link in _mutual_links(src, tgt, config.min_link):
                out[(lang, term_key(src[i].text))].append(Place(bead.index, src[i], tgt[j], link))
    return out


def compare_consistency(
    beads: Sequence[Bead],
    words: Mapping[str, DocumentWords],
    langs: Sequence[str],
    config: ConsistencyConfig,
    words_config: WordsConfig,
) -> list[tuple[str, str, list[list[Place]]]]:
    """(version, source term, places grouped by rendering) for every term a version renders in several ways."""
    if len(langs) < 2 or not config.enabled:
        return []
    source = next((l for l in langs if l.split("-")[0] == "en"), langs[0])
    out = []
    for (lang, term), places in sorted(collect_renderings(beads, words, source, config).items()):
        if len({p.bead for p in places}) < config.min_places:
            continue
        variants = _variants(places, lang, words_config.cognate_ratio)
        if len(variants) >= 2:
            out.append((lang, term, variants))
    return out


def consistency_findings(
    set_id: str,
    beads: Sequence[Bead],
    words: Mapping[str, DocumentWords],
    documents: Mapping[str, Document],
    config: ConsistencyConfig,
    words_config: WordsConfig,
) -> list[Finding]:
    """One finding per (version, source term) rendered in several ways, listing every place."""
    langs = list(documents)
    source = next((l for l in langs if l.split("-")[0] == "en"), langs[0])
    by_index = {b.index: b for b in beads}
    findings = []
    for lang, term, variants in compare_consistency(beads, words, langs, config, words_config):
        versions: list[FindingVersion] = []
        for role, which in (("divergent", lang), ("reference", source)):
            doc = documents[which]
            for group in variants:
                for p in group:
                    segs = by_index[p.bead].members[which]
                    word = p.rendering if which == lang else p.source
                    versions.append(
                        FindingVersion(
                            which, doc.path, segs[0].line, segs[0].start, segs[-1].end,
                            doc.text[segs[0].start : segs[-1].end], "", role,
                            (Span(word.start, word.end, doc.text[word.start : word.end]),),
                        )
                    )
        said = "; ".join(
            f"“{g[0].rendering.text}” (line{'s' if len(g) > 1 else ''} "
            f"{', '.join(str(by_index[p.bead].members[lang][0].line) for p in g)})"
            for g in variants
        )
        source_word = variants[0][0].source.text
        renderings = sorted({p.rendering.text for g in variants for p in g})
        key = "\x1f".join([set_id, "term.consistency", lang, term, ",".join(renderings)])
        findings.append(
            Finding(
                id=hashlib.sha256(key.encode("utf-8")).hexdigest()[:16],
                version_set=set_id,
                kind="term",
                severity=config.severity,
                score=round(float(np.mean([p.link for g in variants for p in g])), 4),
                message=f"The {lang} version renders the {source} term “{source_word}” in {len(variants)} ways: {said}.",
                versions=tuple(versions),
                evidence={
                    "signal": "word-alignment",
                    "rule": "term.consistency",
                    "source_term": source_word,
                    "renderings": {g[0].rendering.text: len(g) for g in variants},
                },
            )
        )
    return findings
