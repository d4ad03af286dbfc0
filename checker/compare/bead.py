"""Stage 6: compare one bead with every signal and keep the divergences worth reporting.

Signals, each independent of the others:
  gaps        a version has no sentence here (omission / addition)
  facts       numbers, dates, relative time, names, negation on the originals
  words       word alignment on the originals (terms, left-out clauses)
  similarity  one sentence far from the others that agree
  nli         entailment between English pivots (when an NLI model is configured)
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
from ..protocols import NliScorer
from ..records import Bead, Document, Segment
from .divergence import Divergence
from .gaps import (
    added_inside, compare_gaps, covered_by_neighbours, left_out_inside, split_share,
)
from .glossary import compare_glossary, load_glossary
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


def _merge(found: Sequence[Divergence], chrf: float | None) -> list[Divergence]:
    """One report per thing: rule findings win over word-alignment ones on the same words,
    and a whole-sentence disagreement absorbs term findings of the same version."""
    facts = [d for d in found if d.signal == "facts"]
    sentence = {d.divergent for d in found if d.signal in ("similarity", "nli")}
    kept = []
    for d in found:
        if d.signal == "words" and (any(_spans_overlap(d, f) for f in facts) or d.divergent in sentence):
            continue
        kept.append(d)
    # several signals blaming the same versions: name them all in each finding's evidence
    by_blame: dict[tuple[str, ...], list[str]] = {}
    for d in kept:
        by_blame.setdefault(d.divergent, []).append(d.signal)
    extra = {} if chrf is None else {"chrf": round(chrf, 1)}
    return [
        replace(d, evidence={**d.evidence, "signals": sorted(set(by_blame[d.divergent])), **extra}) for d in kept
    ]


class BeadComparator:
    def __init__(self, config: Config, nli: NliScorer | None = None) -> None:
        self.config = config
        self.nli = nli
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
        vectors = {l: _bead_vector(ctx.embedded[l], bead.members[l]) for l in present}
        found.extend(compare_sentences(vectors, cfg.sentence))
        found = [_with_similarity(d, vectors) for d in found]
        if self.nli is not None and all(pivots.values()):
            found.extend(compare_nli(pivots, self.nli, cfg, pair_chrf))
        return BeadComparison(tuple(_merge(found, chrf)), chrf, pair_chrf)


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
