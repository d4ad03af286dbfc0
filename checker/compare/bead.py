"""Stage 6: compare one bead with every signal and keep the divergences worth reporting.

Signals, each independent of the others:
  gaps        a version has no sentence here (omission / addition)
  facts       numbers, dates, relative time, names, negation on the originals
  words       word alignment on the originals (terms, left-out clauses)
  similarity  one sentence far from the others that agree
  nli         entailment between English pivots (when an NLI model is configured)
  model       checker's own divergence model over the word vectors (learned.py)
chrF between the pivots is computed for every bead as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Sequence

import numpy as np

from ..centring import normalised
from ..config import CompareConfig, Config
from ..embed import EmbeddedDocument
from ..facts.compare import compare_bead_facts
from ..facts.modality import compare_modality
from ..protocols import DivergenceModel, NliScorer
from ..records import SEVERITY_RANK, Bead, Document, Segment
from .divergence import Divergence
from .gaps import (
    added_inside, compare_gaps, compare_key_gaps, covered_by_neighbours, left_out_inside, split_share,
)
from .glossary import compare_glossary, load_glossary
from .learned import compare_learned, confirm_terms, doubt_negation, doubt_threshold, pair_scores, sides_of
from .lexicon import IsolatedWords
from .nli import compare_nli
from .similarity import compare_sentences
from ..clean import prose_view
from ..markdown import is_markdown_path
from .surface import pairwise_chrf
from .wordlinks import DocumentWords, compare_words, rendered_elsewise


@dataclass(frozen=True, eq=False)
class SetContext:
    """Everything about one version set that the bead comparison reads."""

    documents: Mapping[str, Document]
    embedded: Mapping[str, EmbeddedDocument]
    words: Mapping[str, DocumentWords] | None
    pivots: Mapping[tuple[str, int], str]
    langs: tuple[str, ...]
    isolated: IsolatedWords | None = None

    def prose(self, lang: str) -> str:
        """The version's text with Markdown link targets, inline code and tags blanked out."""
        views = self.__dict__.setdefault("_prose", {})
        if lang not in views:
            doc = self.documents[lang]
            views[lang] = prose_view(doc.text, is_markdown_path(doc.path))
        return views[lang]

    def lengths(self) -> Mapping[str, int]:
        """Each version's length in characters (its content sentences)."""
        if "_lengths" not in self.__dict__:
            self.__dict__["_lengths"] = {l: sum(len(s.text) for s in e.segments) for l, e in self.embedded.items()}
        return self.__dict__["_lengths"]


@dataclass(frozen=True)
class BeadComparison:
    divergences: tuple[Divergence, ...]
    chrf: float | None
    pair_chrf: Mapping[tuple[str, str], float]


def _spans_overlap(a: Divergence, b: Divergence) -> bool:
    for lang, spans in a.spans.items():
        for s, e in spans:
            if any(s < e2 and s2 < e for s2, e2 in b.spans.get(lang, ())):
                return True
    return False


# Signals that compare word or sentence vectors: on a short label they lack the context to judge alone.
VECTOR_SIGNALS = ("words", "similarity")
# Which divergence leads a merged finding when severities tie: a rule names the exact
# difference, a gap is certain, a sentence-level signal (the trained model, NLI, similarity)
# judges the sentence, words come last.
_LEAD = {"facts": 0, "glossary": 0, "gaps": 1, "model": 2, "nli": 3, "similarity": 4, "words": 5}


def is_short(segments: Sequence[Segment], short_words: int) -> bool:
    """A catalogue unit of at most `short_words` words (a UI label): too little context for
    word alignment or sentence similarity to judge alone."""
    return bool(segments) and all(s.unit is not None for s in segments) and sum(
        len(s.text.split()) for s in segments
    ) <= short_words


def _together(a: Divergence, b: Divergence) -> bool:
    """One divergence seen by two checks: they blame a common version; or they are of one kind on
    the same words (or both about polarity); or a word-alignment term sits on a rule's words."""
    if set(a.divergent) & set(b.divergent):
        return True
    if a.kind == b.kind and (a.kind == "negation" or _spans_overlap(a, b)):
        return True
    return "words" in (a.signal, b.signal) and "facts" in (a.signal, b.signal) and _spans_overlap(a, b)


def _merge(found: Sequence[Divergence], chrf: float | None, short: bool = False) -> list[Divergence]:
    """One finding per divergence per row: the checks that fire on one place become one
    divergence, led by the most severe (then the most exact signal), with every blamed
    version, the words of all and each other check's evidence. On a short label (`short`),
    what only vector signals saw stays a note (info)."""
    groups: list[list[Divergence]] = []
    for d in found:
        joined = [g for g in groups if any(_together(d, o) for o in g)]
        groups = [g for g in groups if g not in joined] + [[x for g in joined for x in g] + [d]]
    groups.sort(key=lambda g: min(found.index(d) for d in g))  # in the order the checks found them
    extra = {} if chrf is None else {"chrf": round(chrf, 1)}
    return [_merged(group, extra, short) for group in groups]


def _merged(group: list[Divergence], extra: Mapping[str, object], short: bool) -> Divergence:
    lead = min(group, key=lambda d: (-SEVERITY_RANK[d.severity], _LEAD.get(d.signal, 9), -d.score))
    others = [d for d in group if d is not lead]
    divergent = tuple(dict.fromkeys(l for d in (lead, *others) for l in d.divergent))
    reference = tuple(dict.fromkeys(l for d in (lead, *others) for l in d.reference if l not in divergent))
    spans: dict[str, tuple[tuple[int, int], ...]] = {}
    for d in (lead, *others):
        for lang, found in d.spans.items():
            spans[lang] = tuple(dict.fromkeys((*spans.get(lang, ()), *found)))
    signals = sorted({d.signal for d in group})
    evidence = {**lead.evidence, "signals": signals, **extra}
    if others:
        evidence["merged"] = [
            {"kind": d.kind, "signal": d.signal, "severity": d.severity, "message": d.message, **dict(d.evidence)}
            for d in others
        ]
    severity = lead.severity
    if short and set(signals) <= set(VECTOR_SIGNALS):
        severity = "info"  # a label pair is too short for vectors alone (issue 13, item 7)
    return replace(
        lead,
        severity=severity,
        score=max(d.score for d in group),
        divergent=divergent,
        reference=reference,
        spans=spans,
        evidence=evidence,
    )


class BeadComparator:
    def __init__(self, config: Config, nli: NliScorer | None = None, divergence: DivergenceModel | None = None) -> None:
        self.config = config
        self.nli = nli
        self.divergence = divergence  # checker's own model (checker/divergence), None when switched off
        # below this P a negation finding is doubted: the project's number, else the model's own
        self.doubt = doubt_threshold(config.compare.model.doubt_negation, divergence)
        self.glossary = load_glossary(config.glossary) if config.glossary else None

    def _same_name_after_all(self, d: Divergence, ctx: SetContext) -> bool:
        """A name "swap" whose names are cognates, transliterations or words that mean the same
        out of context (Écosse / Scotland) is a translated name, not a divergence."""
        if d.kind != "entity":
            return False
        def text(lang: str, start: int, end: int) -> str:
            return ctx.documents[lang].text[start:end]

        blamed = [text(l, s, e) for l in d.divergent for s, e in d.spans.get(l, ())]
        others = [text(l, s, e) for l in d.reference for s, e in d.spans.get(l, ())]
        if not blamed or not others:
            return False
        return rendered_elsewise(others, blamed, ctx.isolated, self.config.compare.words)

    def compare(self, bead: Bead, ctx: SetContext, neighbours: Sequence[Bead] = ()) -> BeadComparison:
        present = [l for l in ctx.langs if bead.members.get(l)]
        pivots = {l: " ".join(ctx.pivots.get((l, s.index), "") for s in bead.members[l]).strip() for l in present}
        pair_chrf = pairwise_chrf({l: p for l, p in pivots.items() if p})
        chrf = sum(pair_chrf.values()) / len(pair_chrf) if pair_chrf else None
        cfg = self.config.compare

        key = next((seg.unit for l in present for seg in bead.members[l] if seg.unit is not None), None)
        if len(present) < len(ctx.langs) and key is not None:
            empty = [l for l in ctx.langs if key in ctx.documents[l].empty]
            found = compare_key_gaps(bead, ctx.langs, key, empty, self.config.discovery.default_language, cfg.keys)
            return BeadComparison(tuple(_merge(found, chrf)), chrf, pair_chrf)
        if len(present) < len(ctx.langs):
            missing = [l for l in ctx.langs if l not in present]
            covered = (
                covered_by_neighbours(bead, neighbours, present, missing, ctx.words, cfg.words.linked)
                if ctx.words is not None
                else 0.0
            )
            split = split_share(bead, neighbours, present, missing, ctx.lengths())
            found = compare_gaps(bead, ctx.langs, cfg.omission, cfg.words.min_word_chars, covered, split)
            return BeadComparison(tuple(_merge(found, chrf)), chrf, pair_chrf)

        originals, offsets = _originals(bead, ctx, present)
        found = [d for d in _fact_divergences(originals, offsets, cfg) if not self._same_name_after_all(d, ctx)]
        if self.glossary is not None:
            found.extend(compare_glossary(originals, offsets, self.glossary, self.config.glossary_severity))
        if ctx.words is not None:
            words = {l: ctx.words[l].words(bead.members[l]) for l in present}
            pools = {l: ctx.words[l].pool(bead.members[l]) for l in present}
            found.extend(compare_words(words, cfg.words, pools, ctx.isolated))
            found.extend(added_inside(bead, neighbours, present, ctx.words, cfg.omission, cfg.words.linked))
            found.extend(left_out_inside(bead, neighbours, present, ctx.words, cfg.omission, cfg.words.linked))
        if self.divergence is not None and ctx.words is not None:
            every = {l: ctx.words[l].every_word(bead.members[l]) for l in present}
            if sum(1 for ws in every.values() if ws) >= 2:
                scores = pair_scores(sides_of(every, originals, offsets), self.divergence)
                found = doubt_negation(confirm_terms(found, scores, cfg.model), scores, self.doubt)
                found.extend(compare_learned(every, self.divergence, cfg.model, scores))
        if all(ctx.embedded[l].has_vectors(bead.members[l]) for l in present):  # not a short label (embed.py)
            vectors = {l: _bead_vector(ctx.embedded[l], bead.members[l]) for l in present}
            found.extend(compare_sentences(vectors, cfg.sentence))
            found = [_with_similarity(d, vectors) for d in found]
        if self.nli is not None and all(pivots.values()):
            found.extend(compare_nli(pivots, self.nli, cfg, pair_chrf))
        short = is_short([seg for l in present for seg in bead.members[l]], cfg.keys.short_words)
        return BeadComparison(tuple(_merge(found, chrf, short)), chrf, pair_chrf)


def _originals(bead: Bead, ctx: SetContext, present: Sequence[str]) -> tuple[dict[str, str], dict[str, int]]:
    """Each version's original text of the bead, and the file offset it starts at."""
    originals, offsets = {}, {}
    for lang in present:
        segs = bead.members[lang]
        originals[lang] = ctx.prose(lang)[segs[0].start : segs[-1].end]
        offsets[lang] = segs[0].start
    return originals, offsets


def _fact_divergences(originals: Mapping[str, str], offsets: Mapping[str, int], cfg: CompareConfig) -> list[Divergence]:
    """Rule checks on the original sentences (facts, then modality), with spans moved to file offsets."""
    modality = cfg.modality
    facts = compare_bead_facts(originals)
    if modality.enabled:
        facts += compare_modality(originals, modality.severity, modality.min_cue_share)
    return [
        Divergence(
            kind=fd.kind if fd.kind != "relative_time" else "date",
            severity=fd.severity,
            score=0.95,
            message=fd.message,
            divergent=tuple(fd.divergent),
            reference=tuple(fd.reference),
            spans={
                lang: tuple((f.start + offsets[lang], f.end + offsets[lang]) for f in facts)
                for lang, facts in fd.spans.items()
            },
            evidence={"signal": "rule", "rule": fd.rule},
            signal="facts",
        )
        for fd in facts
    ]


def _with_similarity(d: Divergence, vectors: Mapping[str, np.ndarray]) -> Divergence:
    """Records how close the blamed sentence stays to the others (centred cosine, mean)."""
    sims = [float(vectors[x] @ vectors[r]) for x in d.divergent for r in d.reference if x in vectors and r in vectors]
    if not sims:
        return d
    return replace(d, evidence={**d.evidence, "sentence_similarity": round(float(np.mean(sims)), 3)})


def _bead_vector(doc: EmbeddedDocument, segments: Sequence[Segment]) -> np.ndarray:
    rows = [doc.row_of(s) for s in segments]
    return normalised(doc.centred[rows].sum(axis=0))
