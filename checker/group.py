"""Stage 2: documents -> version sets of the same content, plus the unrelated rest.

Two documents in different languages are versions of each other when most of
their sentences have a cross-lingual partner (centred cosine, see centring.py).
Documents in the same language are never versions of each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence


from .config import GroupingConfig
from .embed import EmbeddedDocument
from .records import Unrelated, VersionSet


def pair_score(a: EmbeddedDocument, b: EmbeddedDocument, partner_cosine: float) -> float:
    if len(a.segments) == 0 or len(b.segments) == 0:
        return 0.0
    sims = a.centred @ b.centred.T
    share_a = float((sims.max(axis=1) >= partner_cosine).mean())
    share_b = float((sims.max(axis=0) >= partner_cosine).mean())
    return (share_a + share_b) / 2


def set_id(paths: Sequence[str], langs: Sequence[str]) -> str:
    """A readable, stable id: the shared folder when files are named by language (news/de.txt,
    news/fr.txt -> "news"), else the stem of the first file ("000_12b6…")."""
    ps = [Path(p) for p in paths]
    if len({p.parent for p in ps}) == 1 and all(p.stem.lower() == lang for p, lang in zip(ps, langs)):
        return ps[0].parent.name or "versions"
    return sorted(ps)[0].stem


def group_documents(
    docs: Sequence[EmbeddedDocument], config: GroupingConfig
) -> tuple[list[tuple[VersionSet, list[EmbeddedDocument]]], list[Unrelated]]:
    n = len(docs)
    scores: dict[tuple[int, int], float] = {}
    for i in range(n):
        for j in range(i + 1, n):
            if docs[i].document.lang != docs[j].document.lang:
                scores[(i, j)] = pair_score(docs[i], docs[j], config.partner_cosine)

    # Greedy agglomeration, strongest pairs first; a cluster never holds two
    # documents of one language, and every pair inside it must match.
    cluster_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for (i, j), score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if score < config.min_shared:
            break
        ci, cj = cluster_of[i], cluster_of[j]
        if ci == cj:
            continue
        union = members[ci] + members[cj]
        langs = [docs[k].document.lang for k in union]
        if len(set(langs)) != len(langs):
            continue
        if any(scores.get((min(x, y), max(x, y)), 0.0) < config.min_shared for x in members[ci] for y in members[cj]):
            continue
        for k in members[cj]:
            cluster_of[k] = ci
        members[ci] = sorted(union)
        del members[cj]

    sets: list[tuple[VersionSet, list[EmbeddedDocument]]] = []
    unrelated: list[Unrelated] = []
    for root in sorted(members, key=lambda r: docs[members[r][0]].document.path):
        idx = members[root]
        if len(idx) == 1:
            unrelated.append(_unrelated(idx[0], docs, scores, cluster_of, config))
            continue
        group = [docs[k] for k in idx]
        base = set_id([d.document.path for d in group], [d.document.lang for d in group])
        taken = {s.id for s, _ in sets}
        unique_id = base if base not in taken else next(f"{base}-{n}" for n in range(2, len(sets) + 3) if f"{base}-{n}" not in taken)
        vs = VersionSet(id=unique_id, documents=tuple(d.document for d in group))
        sets.append((vs, group))
    return sets, unrelated


def _unrelated(
    i: int,
    docs: Sequence[EmbeddedDocument],
    scores: dict[tuple[int, int], float],
    cluster_of: list[int],
    config: GroupingConfig,
) -> Unrelated:
    doc = docs[i].document
    if not docs[i].segments:
        return Unrelated(doc.path, doc.lang, "no content sentences (only boilerplate, code or front matter)")
    if len(docs) == 1:
        return Unrelated(doc.path, doc.lang, "only one document: nothing to compare it with")
    candidates = [(score, b if a == i else a) for (a, b), score in scores.items() if i in (a, b)]
    if not candidates:
        return Unrelated(
            doc.path, doc.lang, "all other documents are in the same language, so none can be a version of it"
        )
    best_score, best = max(candidates)
    if best_score >= config.min_shared:
        # it matches a set, but that set already has a version in its language
        rival = next(
            (d.document.path for k, d in enumerate(docs) if k != i and d.document.lang == doc.lang and cluster_of[k] == cluster_of[best]),
            None,
        )
        if rival is not None:
            return Unrelated(
                doc.path,
                doc.lang,
                f"matches {Path(docs[best].document.path).name} ({best_score:.0%} of sentences), but that version set "
                f"already has a {doc.lang} version, {rival}; one version per language is compared",
            )
    if best_score == 0:
        return Unrelated(doc.path, doc.lang, "none (0%) of its sentences has a counterpart in a version in another language: other content, not a translation")
    return Unrelated(
        doc.path,
        doc.lang,
        f"no version in another language matches it: at best {best_score:.0%} of sentences correspond "
        f"(with {Path(docs[best].document.path).name}); other content, not a translation",
    )


def group_bundled(
    docs: Sequence[EmbeddedDocument],
) -> tuple[list[tuple[VersionSet, list[EmbeddedDocument]]], list[EmbeddedDocument]]:
    """Files that hold several versions themselves (PO, XLIFF, TMX) are a version set each;
    the other documents are returned for grouping by content."""
    by_path: dict[str, list[EmbeddedDocument]] = {}
    for d in docs:
        by_path.setdefault(d.document.path, []).append(d)
    sets = [
        (VersionSet(id=_bundle_id(path), documents=tuple(d.document for d in group)), group)
        for path, group in sorted(by_path.items())
        if len(group) > 1
    ]
    rest = [d for d in docs if len(by_path[d.document.path]) == 1]
    return sets, rest


def _bundle_id(path: str) -> str:
    p = Path(path)
    # locale/de/LC_MESSAGES/app.po -> "app.po (de)" would hide the folder; keep the path readable
    return str(p.with_suffix("")) if len(p.parts) <= 3 else str(Path(*p.parts[-3:]).with_suffix(""))
