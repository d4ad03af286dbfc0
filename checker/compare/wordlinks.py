"""Word alignment between the ORIGINAL texts of a bead's versions.

Contextual word vectors (centred by the document's mean word vector, so that
what all words of a text share does not count) link words that mean the same
across languages: Unteilbarkeit, indivisibilité and indivisibility link, while
Indonesian keutuhan ("wholeness") has no counterpart. This signal does not
depend on a machine translation, so a weak pivot cannot create findings here.

Votes across versions decide who differs: a version is blamed when the other
versions share words with each other that it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz

from ..centring import normalised
from ..config import WordsConfig
from ..protocols import WordEmbedder, WordVector
from ..records import Segment
from .compounds import compound_parts
from .divergence import Divergence
from .lexicon import IsolatedWords


@dataclass(frozen=True, eq=False)
class LocatedWord:
    """A word (or two adjacent words) with offsets into its file and its centred, normalised vector."""

    start: int
    end: int
    text: str
    vector: np.ndarray
    content: bool = True


@lru_cache(maxsize=16)
def stopwords(lang: str) -> frozenset[str]:
    import stopwordsiso

    return frozenset(w.lower() for w in stopwordsiso.stopwords(lang))


def is_content_word(text: str, lang: str, min_chars: int) -> bool:
    if len(text) < min_chars or not any(ch.isalpha() for ch in text):
        return False
    return text.lower() not in stopwords(lang)


class DocumentWords:
    """Word vectors of every content segment of one document, centred by the document's mean.

    `words()` gives the content words (what can be reported); `pool()` gives every
    word plus every pair of adjacent words, the partners a term may be rendered by
    (a German compound is often two words in French or Indonesian: kerja sama).
    """

    def __init__(self, segments: Sequence[Segment], lang: str, embedder: WordEmbedder, config: WordsConfig) -> None:
        texts = [s.text for s in segments]
        batch = getattr(embedder, "word_vectors_batch", None)  # one encoder pass is much cheaper
        per_segment: list[list[WordVector]] = batch(texts) if batch else [embedder.word_vectors(t) for t in texts]
        all_vectors = [w.vector for words in per_segment for w in words]
        mean = np.mean(all_vectors, axis=0) if all_vectors else 0.0
        self._words: dict[int, list[LocatedWord]] = {}
        self._all: dict[int, list[LocatedWord]] = {}
        self._pool: dict[int, list[LocatedWord]] = {}
        for seg, words in zip(segments, per_segment):
            located = [
                LocatedWord(
                    seg.start + w.start,
                    seg.start + w.end,
                    w.text,
                    normalised(w.vector - mean),
                    is_content_word(w.text, lang, config.min_word_chars),
                )
                for w in words
            ]
            bigrams = [
                LocatedWord(a.start, b.end, f"{a.text} {b.text}", normalised(a.vector + b.vector), False)
                for a, b in zip(located, located[1:])
            ]
            self._words[seg.index] = [w for w in located if w.content]
            self._all[seg.index] = located
            self._pool[seg.index] = located + bigrams

    def words(self, segments: Sequence[Segment]) -> list[LocatedWord]:
        return [w for s in segments for w in self._words.get(s.index, [])]

    def every_word(self, segments: Sequence[Segment]) -> list[LocatedWord]:
        """Every word, function words included, in text order: what the divergence model reads."""
        return [w for s in segments for w in self._all.get(s.index, [])]

    def pool(self, segments: Sequence[Segment]) -> list[LocatedWord]:
        return [w for s in segments for w in self._pool.get(s.index, [])]


@dataclass(frozen=True)
class _Links:
    """best[l][m][i]: best cosine of word i of version l to any word of version m;
    mutual[l][m][i]: index of the word of m that word i links to (each the other's best
    partner, at or above the floor), or -1."""

    best: Mapping[str, Mapping[str, np.ndarray]]
    mutual: Mapping[str, Mapping[str, np.ndarray]]
    sims: Mapping[tuple[str, str], np.ndarray]


def _links(words: Mapping[str, list[LocatedWord]], floor: float = 0.0) -> _Links:
    best: dict[str, dict[str, np.ndarray]] = {l: {} for l in words}
    mutual: dict[str, dict[str, np.ndarray]] = {l: {} for l in words}
    sims_by_pair: dict[tuple[str, str], np.ndarray] = {}
    for l, wl in words.items():
        for m, wm in words.items():
            if l == m:
                continue
            if not wl or not wm:
                best[l][m] = np.full(len(wl), -1.0)
                mutual[l][m] = np.full(len(wl), -1)
                continue
            sims = np.stack([w.vector for w in wl]) @ np.stack([w.vector for w in wm]).T
            sims_by_pair[(l, m)] = sims
            best[l][m] = sims.max(axis=1)
            forward = sims.argmax(axis=1)
            backward = sims.argmax(axis=0)
            mutual[l][m] = np.array(
                [j if backward[j] == i and sims[i, j] >= floor else -1 for i, j in enumerate(forward)], dtype=int
            )
    return _Links(best, mutual, sims_by_pair)


@dataclass(frozen=True)
class _TermGroup:
    """Words, one per reference version, that link each other and have no counterpart in x."""

    members: Mapping[str, int]
    strength: float  # mean cosine among the members


def _term_groups(words, links: _Links, x: str, refs: list[str], config: WordsConfig) -> list[_TermGroup]:
    """Cliques of mutually linked content words, one per reference version."""
    first, rest = refs[0], refs[1:]
    groups = []
    for i in range(len(words[first])):
        members = {first: i}
        for r in rest:
            j = int(links.mutual[first][r][i])
            if j < 0:
                break
            members[r] = j
        if len(members) != len(refs):
            continue
        pairs = [(a, b) for ai, a in enumerate(refs) for b in refs[ai + 1 :]]
        if any(links.mutual[a][b][members[a]] != members[b] for a, b in pairs):
            continue
        strength = float(np.mean([links.sims[(a, b)][members[a], members[b]] for a, b in pairs]))
        if strength >= config.linked:
            groups.append(_TermGroup(members, strength))
    return groups


def best_partner(vectors: list[np.ndarray], pool: list[LocatedWord]) -> np.ndarray:
    """Best cosine of each vector to anything in the pool."""
    if not pool or not vectors:
        return np.full(len(vectors), -1.0)
    return (np.stack(vectors) @ np.stack([p.vector for p in pool]).T).max(axis=1)


def compare_words(
    words: Mapping[str, list[LocatedWord]],
    config: WordsConfig,
    pools: Mapping[str, list[LocatedWord]] | None = None,
    isolated: IsolatedWords | None = None,
) -> list[Divergence]:
    """Term and partial-omission divergences of one bead, by vote of the other versions.

    A term is reported for version x when the other versions render it by words that
    link each other, and nothing in x (no word, no pair of adjacent words) comes close
    to it: its best partner in x stays below `rendered_ratio` of the others' link.
    With `isolated`, the words are also compared out of context, and the term is
    kept only when that view agrees (see lexicon.py).
    """
    pools = pools or words
    langs = [l for l, w in words.items() if w]
    if len(langs) < 3:
        return compare_word_pair(words, config, pools) if len(langs) == 2 else []
    links = _links({l: words[l] for l in langs}, floor=config.unlinked)
    found: list[Divergence] = []
    for x in langs:
        refs = [r for r in langs if r != x]
        missing = []
        for group in _term_groups(words, links, x, refs, config):
            in_x = best_partner([words[r][group.members[r]].vector for r in refs], pools[x])
            if float(in_x.max()) >= max(config.unlinked, config.rendered_ratio * group.strength):
                continue
            terms = [words[r][group.members[r]].text for r in refs]
            if rendered_elsewise(terms, [w.text for w in words[x]], isolated, config):
                continue
            # then the parts of x's compounds: splitting loads CharSplit's tables (2 s), so
            # only where the whole words did not render the term
            parts = [p for w in words[x] for p in compound_parts(w.text, x)]
            if parts and rendered_elsewise(terms, parts, isolated, config):
                continue
            missing.append(group)
        if not missing:
            continue
        # content words of x that nothing in any other version renders
        best_elsewhere = np.max(
            np.stack([best_partner([w.vector for w in words[x]], pools[r]) for r in refs]), axis=0
        )
        orphans = [i for i in range(len(words[x])) if best_elsewhere[i] < config.orphan_below]
        if orphans and not config.terms:
            continue
        if orphans:
            by_orphan: dict[int, list[tuple[_TermGroup, float, dict | None]]] = {}
            for group in missing:
                closeness = [float(np.mean([links.sims[(x, r)][o, group.members[r]] for r in refs])) for o in orphans]
                k = int(np.argmax(closeness))
                lexical = _lexical_evidence(words, x, refs, group, orphans[k], isolated)
                if lexical is not None and not (
                    lexical["divergent_to_references"] < config.isolated_below
                    and lexical["among_references"] >= config.isolated_references_min
                ):
                    continue
                by_orphan.setdefault(orphans[k], []).append((group, closeness[k], lexical))
            # one finding per word of x, naming every term of the others it stands against
            for orphan, matches in by_orphan.items():
                group, closeness, lexical = max(matches, key=lambda m: m[0].strength - m[1])
                found.append(
                    _term_divergence(
                        words, x, refs, group, orphan, closeness, lexical, [m[0] for m in matches], config.term_severity
                    )
                )
        elif len(missing) >= config.omitted_words:
            found.append(_clause_omission(words, x, refs, missing))
    return found


def rendered_elsewise(terms: list[str], candidates: list[str], isolated: IsolatedWords | None, config: WordsConfig) -> bool:
    """The term is in x after all: as a cognate or transliteration (Lavrov/Lawrow,
    continent/Kontinent), or as a word that means the same out of context."""
    # spaces and hyphens do not make another name: Sky Blues / Skyblues
    folded = [anyascii(t).lower().replace(" ", "").replace("-", "") for t in terms]
    for c in candidates:
        fc = anyascii(c).lower().replace(" ", "").replace("-", "")
        if any(fuzz.ratio(fc, t) >= config.cognate_ratio for t in folded):
            return True
    if isolated is not None:
        return any(isolated.similarity(t, c) >= config.isolated_rendered for t in terms for c in candidates)
    return False


def _lexical_evidence(words, x, refs, group: _TermGroup, orphan: int, isolated: IsolatedWords | None):
    """Out-of-context similarity of x's word to the others' term, and among the others' terms."""
    if isolated is None:
        return None
    said = words[x][orphan].text
    terms = [words[r][group.members[r]].text for r in refs]
    to_refs = max(isolated.similarity(said, t) for t in terms)
    among = float(np.mean([isolated.similarity(a, b) for i, a in enumerate(terms) for b in terms[i + 1 :]]))
    return {"divergent_to_references": round(to_refs, 3), "among_references": round(among, 3)}


def _term_divergence(
    words,
    x,
    refs,
    group: _TermGroup,
    orphan: int,
    closeness: float,
    lexical: dict | None = None,
    all_groups: list[_TermGroup] | None = None,
    severity: str = "info",
) -> Divergence:
    groups = all_groups or [group]
    score = float(np.clip(group.strength - closeness, 0.0, 1.0))
    ref_terms = {r: " / ".join(words[r][g.members[r]].text for g in groups) for r in refs}
    said = words[x][orphan].text
    quoted = ", ".join(f"{r} “{t}”" for r, t in ref_terms.items())
    spans = {
        r: tuple(sorted((words[r][g.members[r]].start, words[r][g.members[r]].end) for g in groups)) for r in refs
    }
    spans[x] = ((words[x][orphan].start, words[x][orphan].end),)
    return Divergence(
        kind="term",
        # Word vectors alone cannot tell a wrong term from a rare word the encoder does not
        # know (measured on ntrex-dev: see README), so the severity is configured, info by default.
        severity=severity,
        score=score,
        message=f"The {x} version says “{said}” where the others agree on a different term ({quoted}).",
        divergent=(x,),
        reference=tuple(refs),
        spans=spans,
        evidence={
            "signal": "word-alignment",
            "divergent_term": said,
            "reference_terms": ref_terms,
            "reference_link": round(group.strength, 3),
            "divergent_link": round(closeness, 3),
            **({"isolated_words": lexical} if lexical else {}),
        },
        signal="words",
    )


def _clause_omission(words, x, refs, groups: list[_TermGroup]) -> Divergence:
    ref_terms = {r: [words[r][g.members[r]].text for g in groups] for r in refs}
    quoted = ", ".join(f"{r} “{' '.join(t)}”" for r, t in ref_terms.items())
    return Divergence(
        kind="omission",
        severity="major",
        score=float(np.mean([g.strength for g in groups])),
        message=f"The {x} version leaves out words the others share ({quoted}).",
        divergent=(x,),
        reference=tuple(refs),
        spans={r: tuple((words[r][g.members[r]].start, words[r][g.members[r]].end) for g in groups) for r in refs},
        evidence={"signal": "word-alignment", "reference_terms": ref_terms},
        signal="words",
    )


def _unrendered(words: list[LocatedWord], pool: list[LocatedWord], config: WordsConfig) -> tuple[list[int], np.ndarray]:
    """Content words with no partner (word or adjacent pair) at or above `unlinked` in the other pool."""
    best = best_partner([w.vector for w in words], pool)
    return [i for i in range(len(words)) if best[i] < config.unlinked], best


def compare_word_pair(
    words: Mapping[str, list[LocatedWord]],
    config: WordsConfig,
    pools: Mapping[str, list[LocatedWord]] | None = None,
) -> list[Divergence]:
    """Two versions: no vote is possible, so both are blamed and the finding stays minor."""
    pools = pools or words
    if not config.terms:
        return []
    a, b = [l for l, w in words.items() if w]
    orphan_a, best_a = _unrendered(words[a], pools[b], config)
    orphan_b, best_b = _unrendered(words[b], pools[a], config)
    if not orphan_a or not orphan_b:
        return []
    lowest = float(min(best_a.min(), best_b.min()))
    score = float(np.clip((config.unlinked - lowest) / max(config.unlinked, 1e-9) + 0.5, 0.0, 1.0))
    terms_a = [words[a][i].text for i in orphan_a]
    terms_b = [words[b][i].text for i in orphan_b]
    return [
        Divergence(
            kind="term",
            severity=config.term_severity,
            score=score,
            message=f"Words without counterpart: {a} “{' '.join(terms_a)}”, {b} “{' '.join(terms_b)}”.",
            divergent=(a, b),
            reference=(),
            spans={
                a: tuple((words[a][i].start, words[a][i].end) for i in orphan_a),
                b: tuple((words[b][i].start, words[b][i].end) for i in orphan_b),
            },
            evidence={"signal": "word-alignment", "unlinked": {a: terms_a, b: terms_b}, "lowest_link": round(lowest, 3)},
            signal="words",
        )
    ]


def pair_divergence_score(
    words: Mapping[str, list[LocatedWord]], pools: Mapping[str, list[LocatedWord]] | None = None
) -> float:
    """A continuous score for two versions: how badly the worst-rendered content word is rendered (0..1)."""
    pools = pools or words
    langs = [l for l, w in words.items() if w]
    if len(langs) != 2:
        return 0.0
    a, b = langs
    best_a = best_partner([w.vector for w in words[a]], pools[b])
    best_b = best_partner([w.vector for w in words[b]], pools[a])
    lowest = float(min(best_a.min(), best_b.min()))
    return float(np.clip(1.0 - lowest, 0.0, 1.0))
