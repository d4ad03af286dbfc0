"""The divergence model's verdict on one bead (checker/divergence): which version means something else.

Every pair of versions is scored (P that the two differ in meaning, and per word P that
the word diverges). With three or more versions the vote names the odd one out: a version
whose P against every other version reaches `flag` while the others agree among themselves.
With two versions no vote is possible: both are named. Spans are the words the model tags
in the blamed version; the words it tags in the references are marked as references.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations
from typing import Mapping, Sequence

import numpy as np

from ..config import ModelConfig
from ..records import SEVERITY_RANK
from ..divergence.scorer import PairDivergence, Side
from ..protocols import DivergenceModel
from .divergence import Divergence
from .wordlinks import LocatedWord


def sides_of(
    words: Mapping[str, Sequence[LocatedWord]],
    originals: Mapping[str, str] | None = None,
    offsets: Mapping[str, int] | None = None,
) -> dict[str, Side]:
    """Each version's Side: its original text of the bead (`originals`, starting at file offset
    `offsets[lang]`) with its words' offsets moved into that text. Without originals, the text
    is rebuilt from the words at their offsets (what a fake scorer needs)."""
    out = {}
    for lang, ws in words.items():
        if originals is not None and offsets is not None and lang in originals:
            text, base = originals[lang], offsets[lang]
        else:
            base = ws[0].start if ws else 0
            chars = [" "] * ((ws[-1].end - base) if ws else 0)
            for w in ws:
                chars[w.start - base:w.end - base] = w.text[:w.end - w.start].ljust(w.end - w.start)
            text = "".join(chars)
        vectors = np.stack([w.vector for w in ws]).astype(np.float32) if ws else np.zeros((0, 1), np.float32)
        out[lang] = Side(text, tuple((w.start - base, w.end - base) for w in ws), vectors)
    return out


def pair_scores(sides: Mapping[str, Side], scorer: DivergenceModel) -> dict[tuple[str, str], PairDivergence]:
    """Each unordered pair of versions (in the order of `sides`) scored once."""
    langs = [l for l, side in sides.items() if side.words]
    pairs = list(combinations(langs, 2))
    scored = scorer.score_sides([(sides[a], sides[b]) for a, b in pairs])
    return dict(zip(pairs, scored))


def _p(scores: Mapping[tuple[str, str], PairDivergence], a: str, b: str) -> float:
    return (scores.get((a, b)) or scores[(b, a)]).probability


def _tags(scores: Mapping[tuple[str, str], PairDivergence], of: str, against: str) -> np.ndarray:
    if (of, against) in scores:
        return scores[(of, against)].tags_a
    return scores[(against, of)].tags_b


def _spans(words: Sequence[LocatedWord], tags: np.ndarray, threshold: float) -> tuple[tuple[int, int], ...]:
    """Marked words, adjacent ones joined into one span."""
    spans: list[list[int]] = []
    for i, (w, t) in enumerate(zip(words, tags)):
        if t < threshold:
            continue
        if spans and i > 0 and tags[i - 1] >= threshold:
            spans[-1][1] = w.end
        else:
            spans.append([w.start, w.end])
    return tuple((s, e) for s, e in spans)


def _quoted(words: Sequence[LocatedWord], tags: np.ndarray, threshold: float, most: int = 3) -> str:
    """The most divergent marked words, for the message: ' ("keutuhan")'."""
    marked = sorted((i for i, t in enumerate(tags) if t >= threshold), key=lambda i: -tags[i])[:most]
    return f" ({', '.join(f'“{words[i].text}”' for i in sorted(marked))})" if marked else ""


def _severity(p: float, cfg: ModelConfig) -> str:
    found = "major" if p >= cfg.major else "minor" if p >= cfg.minor else "info"
    return min(found, cfg.max_severity, key=SEVERITY_RANK.__getitem__)


def compare_learned(
    words: Mapping[str, Sequence[LocatedWord]],
    scorer: DivergenceModel,
    cfg: ModelConfig,
    scores: Mapping[tuple[str, str], PairDivergence] | None = None,
) -> list[Divergence]:
    """`words`: per present version, every word of the bead (DocumentWords.every_word);
    `scores`: pair_scores of their sides, when the caller has them already."""
    langs = [l for l, ws in words.items() if ws]
    if len(langs) < 2:
        return []
    scores = scores if scores is not None else pair_scores(sides_of(words), scorer)
    evidence_pairs = {f"{a}~{b}": round(s.probability, 3) for (a, b), s in scores.items()}
    found = []
    if len(langs) == 2:
        a, b = langs
        p = _p(scores, a, b)
        if p >= cfg.flag:
            found.append(Divergence(
                kind="meaning",
                severity=min(_severity(p, cfg), "minor", key=SEVERITY_RANK.__getitem__),  # no vote: never major
                score=p,
                message=f"The {a} and {b} versions differ in meaning (divergence model, P={p:.2f}).",
                divergent=(a, b),
                reference=(),
                spans={l: _spans(words[l], _tags(scores, l, o), cfg.tag) for l, o in ((a, b), (b, a))},
                evidence={"signal": "model", "model": scorer.model_id, "p_differs": evidence_pairs},
                signal="model",
            ))
        return found
    for x in langs:
        refs = [r for r in langs if r != x]
        to_x = [_p(scores, x, r) for r in refs]
        among = [_p(scores, a, b) for a, b in combinations(refs, 2)]
        if min(to_x) < cfg.flag or max(among) > cfg.agree:
            continue
        p = min(to_x)
        tags = np.mean([_tags(scores, x, r) for r in refs], axis=0)
        spans = {x: _spans(words[x], tags, cfg.tag)}
        for r in refs:
            marked = _spans(words[r], _tags(scores, r, x), cfg.tag)
            if marked:
                spans[r] = marked
        found.append(Divergence(
            kind="meaning",
            severity=_severity(p, cfg),
            score=p,
            message=(
                f"The {x} version says something else{_quoted(words[x], tags, cfg.tag)} than the "
                f"{', '.join(refs)} versions, which agree (divergence model, P={p:.2f})."
            ),
            divergent=(x,),
            reference=tuple(refs),
            spans=spans,
            evidence={"signal": "model", "model": scorer.model_id, "p_differs": evidence_pairs},
            signal="model",
        ))
    return found


def confirm_terms(
    found: Sequence[Divergence], scores: Mapping[tuple[str, str], PairDivergence], cfg: ModelConfig, severity: str = "minor"
) -> list[Divergence]:
    """A word-alignment term note (below `severity`) becomes a finding at `severity` when the
    model agrees: P(the blamed version differs) reaches `confirm_terms` against every reference
    while the references agree among themselves (P at most `agree`). Word vectors alone cannot
    tell a wrong term from a word e5-small does not know; the model reads the whole sentence.
    `confirm_terms` 1.0 switches this off."""
    if cfg.confirm_terms >= 1.0:
        return list(found)
    out = []
    for d in found:
        if d.kind != "term" or d.signal != "words" or d.severity != "info" or len(d.divergent) != 1:
            out.append(d)
            continue
        x, refs = d.divergent[0], list(d.reference)
        try:
            to_x = [_p(scores, x, r) for r in refs]
            among = [_p(scores, a, b) for a, b in combinations(refs, 2)]
        except KeyError:  # a version without words: the model has no say
            out.append(d)
            continue
        if refs and min(to_x) >= cfg.confirm_terms and (not among or max(among) <= cfg.agree):
            d = replace(d, severity=severity, evidence={**d.evidence, "model_confirms": round(min(to_x), 3)})
        out.append(d)
    return out


def doubt_threshold(setting: float | str, model: object) -> float:
    """`compare.model.doubt_negation` as a number: "model" reads the threshold the divergence
    model was calibrated with (scorer.py, from its config.json); a model without one doubts nothing."""
    if setting != "model":
        return float(setting)
    return getattr(model, "doubt_negation", None) or 0.0


def doubt_negation(
    found: Sequence[Divergence], scores: Mapping[tuple[str, str], PairDivergence], threshold: float
) -> list[Divergence]:
    """A negation finding becomes an info note when the model sees no difference behind it: its
    P stays below `threshold` (doubt_threshold) for every pair of a blamed version and a
    reference. The rule sees polarity words; a translator who moves polarity keeps the meaning,
    and the model reads the whole sentence. A threshold of 0.0 switches this off."""
    if threshold <= 0.0:
        return list(found)
    out = []
    for d in found:
        if d.kind != "negation" or d.severity == "info" or not d.divergent or not d.reference:
            out.append(d)
            continue
        try:
            p = max(_p(scores, x, r) for x in d.divergent for r in d.reference)
        except KeyError:  # a version without words: the model has no say
            out.append(d)
            continue
        if p < threshold:
            # the editor reads why a polarity difference is only a note
            d = replace(d, severity="info", evidence={**d.evidence, "model_doubts": round(p, 3)},
                        message=f"{d.message} The divergence model sees no difference in meaning (P={p:.2f}): "
                                "probably the same statement worded with the polarity moved.")
        out.append(d)
    return out
