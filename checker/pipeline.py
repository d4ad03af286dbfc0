"""The whole check, stage by stage: load -> segment -> embed -> group -> align ->
pivot -> compare -> findings. Returns a `RunResult`; writing it is the emitters' job."""

from __future__ import annotations

from dataclasses import dataclass
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
from .records import (
    SEVERITY_RANK,
    AlignedRow,
    AlignedSegment,
    Finding,
    RunResult,
    Unrelated,
    VersionSet,
    VersionSetReport,
)
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


@dataclass(frozen=True, eq=False)
class PreparedRun:
    """Everything decided before any version set is compared: the sets and the files left out."""

    sets: tuple[tuple[VersionSet, tuple[EmbeddedDocument, ...]], ...]
    unrelated: tuple[Unrelated, ...]


@dataclass(frozen=True)
class SetResult:
    """One version set compared: its side-by-side rows and its findings."""

    report: VersionSetReport
    findings: tuple[Finding, ...]


def prepare_run(inputs: Sequence[str], config: Config, backends: Backends, progress: Progress | None = None) -> PreparedRun:
    """Load, segment, embed and group: the version sets to compare."""
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
    return PreparedRun(tuple((vs, tuple(members)) for vs, members in sets), tuple(unrelated))


def check_version_set(
    vs: VersionSet,
    members: Sequence[EmbeddedDocument],
    config: Config,
    backends: Backends,
    cache: TranslationCache | None = None,
    progress: Progress | None = None,
) -> SetResult:
    """Align, pivot and compare one version set. Depends only on its arguments, so sets can
    run in any order or on other machines (see engine.py)."""
    say = progress or (lambda message: None)
    comparator = BeadComparator(config, backends.nli)
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
    findings: list[Finding] = []
    for position, bead in enumerate(beads):
        neighbours = beads[max(0, position - 1) : position] + beads[position + 1 : position + 2]
        result = comparator.compare(bead, ctx, neighbours)
        for divergence in result.divergences:
            if SEVERITY_RANK[divergence.severity] < SEVERITY_RANK[config.min_severity]:
                continue
            findings.append(build_finding(vs.id, divergence, bead, beads, ctx.documents, pivots, find_pivot_word))
        rows.append(
            AlignedRow(
                members={
                    lang: tuple(AlignedSegment(s.start, s.end, s.text, pivots.get((lang, s.index), ""), s.line) for s in segs)
                    for lang, segs in bead.members.items()
                },
                chrf=result.chrf,
            )
        )
    return SetResult(VersionSetReport(vs.id, vs.documents, tuple(rows)), tuple(findings))


def assemble_result(
    prepared: PreparedRun, results: Sequence[SetResult], config: Config, backends: Backends
) -> RunResult:
    """The run's result from the per-set results, in a fixed order whatever order they finished in."""
    findings = [f for r in results for f in r.findings]
    findings.sort(key=lambda f: (f.version_set, -SEVERITY_RANK.get(f.severity, -1), -f.score, f.id))
    return RunResult(
        tool_version=__version__,
        signature=signature(config, backends),
        version_sets=tuple(r.report for r in results),
        unrelated=prepared.unrelated,
        findings=tuple(_unique(findings)),
        config=config.as_dict(),
    )


def run_check(
    inputs: Sequence[str],
    config: Config,
    backends: Backends,
    progress: Progress | None = None,
    cache: TranslationCache | None = None,
) -> RunResult:
    say = progress or (lambda message: None)
    prepared = prepare_run(inputs, config, backends, say)
    results = []
    for number, (vs, members) in enumerate(prepared.sets, start=1):
        say(f"version set {number}/{len(prepared.sets)}: {', '.join(d.document.path for d in members)}")
        results.append(check_version_set(vs, members, config, backends, cache, say))
    return assemble_result(prepared, results, config, backends)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.id not in seen:
            seen.add(f.id)
            out.append(f)
    return out
