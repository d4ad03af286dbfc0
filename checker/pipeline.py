"""The whole check, stage by stage: load -> segment -> embed -> group -> align ->
pivot -> compare -> findings. Returns a `RunResult`; writing it is the emitters' job."""

from __future__ import annotations

from typing import Callable, Sequence

from . import __version__
from .align import align_versions
from .backends.registry import Backends
from .cache import TranslationCache
from .compare.bead import BeadComparator, SetContext
from .compare.lexicon import IsolatedWords, pivot_word_finder, sample_words
from .compare.wordlinks import DocumentWords
from .config import Config
from .embed import EmbeddedDocument, embed_document
from .errors import CheckerError
from .findings import build_finding
from .group import group_documents
from .load import collect_paths, load_documents
from .pivot import pivot_documents
from .records import SEVERITY_RANK, AlignedRow, AlignedSegment, Finding, RunResult, VersionSetReport
from .segment import segment_document

Progress = Callable[[str], None]



def signature(config: Config, backends: Backends) -> str:
    signals = ["gaps", "facts", "similarity"] + (["words"] if backends.words else []) + (["nli"] if backends.nli else [])
    parts = [
        f"checker:{__version__}",
        f"embed:{backends.embedder.model_id}",
        f"pivot:{backends.translator.model_id if backends.translator else 'none'}",
        f"nli:{backends.nli.model_id if backends.nli else 'none'}",
        f"align:dp-centred(skip={config.align.skip_cost},merge={config.align.merge_penalty})",
        f"signals:{'+'.join(signals)}",
    ]
    return "|".join(parts)


def run_check(
    inputs: Sequence[str],
    config: Config,
    backends: Backends,
    progress: Progress | None = None,
    cache: TranslationCache | None = None,
) -> RunResult:
    say = progress or (lambda message: None)
    paths = collect_paths(inputs)
    documents, problems = load_documents(paths, config.languages)
    if problems:
        raise CheckerError("\n".join(p.message for p in problems))
    say(f"loaded {len(documents)} documents")

    embedded: list[EmbeddedDocument] = []
    for doc in documents:
        embedded.append(embed_document(doc, segment_document(doc), backends.embedder))
    say(f"embedded {sum(len(e.segments) for e in embedded)} sentences")

    sets, unrelated = group_documents(embedded, config.grouping)
    if not sets:
        # Nothing was compared: a green CI run here would hide a wrong path or a missing version.
        raise CheckerError(
            "nothing to compare: no two files are versions of the same content in different languages\n"
            + "\n".join(f"  {u.path} ({u.lang}): {u.reason}" for u in unrelated)
        )
    comparator = BeadComparator(config, backends.nli)
    reports: list[VersionSetReport] = []
    findings: list[Finding] = []
    for number, (vs, members) in enumerate(sets, start=1):
        say(f"version set {number}/{len(sets)}: {', '.join(d.document.path for d in members)}")
        beads = align_versions(members, config.align)
        pivots = pivot_documents(members, backends.translator, cache, say)
        words = (
            {d.document.lang: DocumentWords(d.segments, d.document.lang, backends.words, config.compare.words) for d in members}
            if backends.words
            else None
        )
        ctx = SetContext(
            documents={d.lang: d for d in vs.documents},
            embedded={d.document.lang: d for d in members},
            words=words,
            pivots=pivots,
            langs=vs.langs,
            isolated=IsolatedWords(
                backends.embedder,
                sample_words([*(d.text for d in vs.documents), " ".join(p for p in pivots.values() if p)]),
            ),
        )
        find_pivot_word = pivot_word_finder(ctx.isolated, config.compare.words.isolated_rendered) if backends.translator else None
        rows = []
        for position, bead in enumerate(beads):
            neighbours = beads[max(0, position - 1) : position] + beads[position + 1 : position + 2]
            result = comparator.compare(bead, ctx, neighbours)
            for divergence in result.divergences:
                if SEVERITY_RANK[divergence.severity] < SEVERITY_RANK[config.min_severity]:
                    continue
                findings.append(
                    build_finding(vs.id, divergence, bead, beads, ctx.documents, pivots, find_pivot_word)
                )
            rows.append(
                AlignedRow(
                    members={
                        lang: tuple(
                            AlignedSegment(s.start, s.end, s.text, pivots.get((lang, s.index), ""), s.line) for s in segs
                        )
                        for lang, segs in bead.members.items()
                    },
                    chrf=result.chrf,
                )
            )
        reports.append(VersionSetReport(vs.id, vs.documents, tuple(rows)))

    findings.sort(key=lambda f: (f.version_set, -SEVERITY_RANK.get(f.severity, -1), -f.score, f.id))
    return RunResult(
        tool_version=__version__,
        signature=signature(config, backends),
        version_sets=tuple(reports),
        unrelated=tuple(unrelated),
        findings=tuple(_unique(findings)),
        config=config.as_dict(),
    )


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.id not in seen:
            seen.add(f.id)
            out.append(f)
    return out
