"""The whole check, stage by stage: load -> segment -> embed -> group -> align ->
pivot -> compare -> findings. Returns a `RunResult`; writing it is the emitters' job."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Collection, Sequence

from . import __version__
from .align import align_by_keys, align_versions
from .protocols import Backends
from .cache import TranslationCache
from .compare.bead import BeadComparator, SetContext, is_short
from .compare.consistency import consistency_findings
from .compare.learned import doubt_threshold
from .compare.lexicon import IsolatedWords, pivot_word_finder, sample_words
from .compare.wordlinks import DocumentWords
from .config import Config, LimitsConfig
from .embed import EmbeddedDocument, embed_document
from .discover import DiscoveredSet, any_changed, discover, select_paths, sets_touching
from .errors import CheckerError, InputError
from .findings import build_finding
from .group import group_bundled, group_documents
from .formats import STRUCTURED_SUFFIXES
from .load import LoadProblem, collect_paths, load_document, load_documents, load_structured
from .model_catalog.presets import run_models
from .own_reports import OwnReports
from .pivot import pivot_documents
from .records import (
    SEVERITY_RANK,
    AlignedRow,
    AlignedSegment,
    Bead,
    Document,
    Finding,
    RunResult,
    Segment,
    Unrelated,
    VersionSet,
    VersionSetReport,
)
from .segment import segment_document

Progress = Callable[[str], None]


def signature(config: Config, backends: Backends) -> str:
    signals = ["gaps", "facts", "similarity"] + (["words"] if backends.words else []) + (["nli"] if backends.nli else [])
    signals += ["model"] if backends.divergence and backends.words else []
    parts = [
        f"checker:{__version__}",
        f"embed:{backends.embedder.model_id}",
        f"pivot:{backends.translator.model_id if backends.translator else 'none'}",
        f"nli:{backends.nli.model_id if backends.nli else 'none'}",
        f"divergence:{backends.divergence.model_id if backends.divergence else 'none'}",
        *_doubt_part(config, backends),
        f"align:dp-centred(skip={config.align.skip_cost},merge={config.align.merge_penalty})",
        f"signals:{'+'.join(signals)}",
    ]
    return "|".join(parts)


def _doubt_part(config: Config, backends: Backends) -> list[str]:
    """The negation doubt's threshold in force: by default it comes from the model's config.json,
    which neither the configuration nor the model id covers (reuse.py keys results by both)."""
    if not (backends.divergence and backends.words):
        return []
    threshold = doubt_threshold(config.compare.model.doubt_negation, backends.divergence)
    return [f"doubt_negation:{threshold:g}" if threshold > 0 else "doubt_negation:off"]


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
    notes: tuple[Finding, ...] = ()  # below min_severity: for the HTML report only


def prepare_run(
    inputs: Sequence[str],
    config: Config,
    backends: Backends,
    progress: Progress | None = None,
    changed: Collection[Path] | None = None,
    on_problem: Callable[[LoadProblem], None] | None = None,
    own: OwnReports | None = None,
) -> PreparedRun:
    """Load, segment, embed and group: the version sets to compare. Paths that follow a
    repository convention (docs/de/…, index.fr.md, locales/de.json) are paired by path;
    the rest by content. With `changed` (resolved paths), only sets with a changed file.

    A file that cannot be checked (unreadable, empty, binary, a link out of its folder, over
    limits.max_sentences) ends the run with a CheckerError naming every such file, unless
    `on_problem` is given: then each goes there, the report lists it as not checked, and
    the other files are checked."""
    say = progress or (lambda message: None)
    root = input_root(inputs)
    problems: list[LoadProblem] = []
    own = own or OwnReports()
    passed_over: list[LoadProblem] = []  # files a folder scan does not read, each with its reason
    paths = select_paths(
        collect_paths(inputs, problems, own, passed_over), root, config.discovery.include, config.discovery.exclude
    )
    if not paths:
        raise CheckerError("no file left to check after the include/exclude globs of [discovery] in the configuration")
    if len(paths) > config.limits.max_files:  # before any file is read
        raise CheckerError(
            f"{len(paths):,} files to read, over the limit of {config.limits.max_files:,} per run; narrow the inputs "
            "or [discovery] include/exclude, or raise limits.max_files in checker.toml"
        )
    discovery = discover(paths, root, config.languages, config.discovery.patterns, config.discovery.default_language or None)
    if changed is not None:
        discovery = sets_touching(discovery, changed)
    for note in discovery.notes:
        say(note)

    planned: list[list[Document]] = []
    for found in discovery.sets:
        docs, found_problems = _load_discovered(found, config.languages)
        problems.extend(found_problems)
        planned.append(docs)
    loose_docs, loose_problems = load_documents(discovery.loose, config.languages)
    problems.extend(loose_problems)
    documents = [*(d for docs in planned for d in docs), *loose_docs]
    segmented = _segment_within_limits(documents, config.limits, problems)
    if problems:
        if on_problem is None:
            raise CheckerError("\n".join(p.message for p in problems))
        for problem in problems:
            on_problem(problem)
    if len(segmented) < 2 and changed is None:
        # One version is nothing to compare: say so rather than pass a CI gate.
        kept = [d.path for d in documents if id(d) in segmented]
        raise CheckerError(
            f"nothing to compare: {'only one version, ' + kept[0] if kept else 'no file left to check'}; "
            "give two or more language versions of the same content"
        )
    say(f"loaded {len(segmented)} documents")

    def embedded(doc: Document, labels: bool = False) -> EmbeddedDocument:
        skip = _label_skipper(segmented[id(doc)], config) if labels else None
        return embed_document(doc, segmented[id(doc)], backends.embedder, skip)

    # sets placed by their paths are never grouped by content: their short labels need no vector
    by_path = [
        (found, [embedded(d, labels=True) for d in docs if id(d) in segmented])
        for found, docs in zip(discovery.sets, planned)
    ]
    loose_docs, lonely = _unpairable(loose_docs)
    loose = [embedded(d) for d in loose_docs if id(d) in segmented]
    say(f"embedded {sum(len(e.segments) for _, group in by_path for e in group) + sum(len(e.segments) for e in loose)} sentences")

    path_sets = [
        (VersionSet(id=_path_set_id(found), documents=tuple(d.document for d in group)), group)
        for found, group in by_path
        if len({d.document.lang for d in group}) > 1
    ]
    bundled, loose = group_bundled(loose)
    grouped, unrelated = group_documents(loose, config.grouping)
    unrelated += [
        Unrelated(d.path, d.lang, "no file in another language to pair it with (paired by content): not embedded")
        for d in lonely if id(d) in segmented
    ]
    sets = path_sets + bundled + grouped
    unrelated += [Unrelated(str(p), "", "a gettext template (.pot): not a version; the .po files are compared") for p in discovery.skipped]
    unrelated += [Unrelated(path, "", reason) for path, reason in own.skipped]
    unrelated += [Unrelated(p.path, "", "not checked: " + p.message.removeprefix(f"{p.path}: ")) for p in problems]
    unrelated += [Unrelated(p.path, "", "skipped: " + p.message) for p in passed_over]
    if changed is not None:
        sets = [(vs, members) for vs, members in sets if any_changed([Path(d.path) for d in vs.documents], changed)]
        return PreparedRun(tuple((vs, tuple(members)) for vs, members in _unique_ids(sets)), tuple(unrelated))
    if not sets:
        # Nothing was compared: a green CI run here would hide a wrong path or a missing version.
        raise CheckerError(
            "nothing to compare: no two files are versions of the same content in different languages\n"
            + "\n".join(f"  {u.path}{f' ({u.lang})' if u.lang else ''}: {u.reason}" for u in unrelated)
        )
    return PreparedRun(tuple((vs, tuple(members)) for vs, members in _unique_ids(sets)), tuple(unrelated))


def _segment_within_limits(docs: Sequence[Document], limits: LimitsConfig, problems: list[LoadProblem]) -> dict[int, list[Segment]]:
    """Each document's segments, by id(document). A document over a limit becomes a problem
    instead, before any model sees it: more than `max_sentences` sentences (aligned by
    similarity: time and memory grow with the product of two versions' counts), more than
    `max_units` units (a keyed file), or one sentence longer than `max_sentence_chars` (the
    word checks grow with its length squared). One huge file must not take the machine."""
    segmented: dict[int, list[Segment]] = {}
    for doc in docs:
        segments = segment_document(doc)
        count = sum(1 for s in segments if s.kind != "boilerplate")
        units = len({s.unit for s in segments if s.unit is not None})
        longest = max(segments, key=lambda s: s.end - s.start, default=None)
        if count > limits.max_sentences and not doc.keyed:
            problem = f"{count} sentences, over the limit of {limits.max_sentences} per document", "split it, or raise limits.max_sentences in checker.toml"
        elif units > limits.max_units:
            problem = f"{units} units, over the limit of {limits.max_units} per file", "split it, or raise limits.max_units in checker.toml"
        elif longest is not None and longest.end - longest.start > limits.max_sentence_chars:
            problem = (
                f"the sentence on line {longest.line} has {longest.end - longest.start:,} characters, over the limit of "
                f"{limits.max_sentence_chars:,}", "break it into sentences, or raise limits.max_sentence_chars in checker.toml",
            )
        else:
            segmented[id(doc)] = segments
            continue
        error = InputError(doc.path, *problem)
        problems.append(LoadProblem(error.path, str(error)))
    return segmented


def _unpairable(docs: Sequence[Document]) -> tuple[list[Document], list[Document]]:
    """(documents to embed, documents no other can pair with). Content pairs only files of
    different languages, so when the single-version files all share one language none can
    pair: they are listed, never embedded (a folder of 10,000 English pages costs no model
    time). Files that hold several versions themselves (PO, XLIFF, TMX) are always kept."""
    per_file: dict[str, int] = {}
    for d in docs:
        per_file[d.path] = per_file.get(d.path, 0) + 1
    single = [d for d in docs if per_file[d.path] == 1]
    if len({d.lang for d in single}) > 1:
        return list(docs), []
    return [d for d in docs if per_file[d.path] > 1], single


def input_root(inputs: Sequence[str]) -> Path:
    """The folder that discovery keys and [discovery] globs are relative to: the folder
    checked, or the deepest folder holding every input."""
    folders = [Path(i).resolve() if Path(i).is_dir() else Path(i).resolve().parent for i in inputs]
    return Path(os.path.commonpath(folders)) if folders else Path.cwd()


def input_languages(inputs: Sequence[str], config: Config) -> tuple[str, ...]:
    """The languages of the files a run would check, found the cheap way (paths, then reading
    and detecting the loose files; no vectors), so that a preset's missing models are named
    before any work. A file that cannot be read is left to the run to report."""
    paths = select_paths(collect_paths(inputs, [], OwnReports(), []), input_root(inputs),
                         config.discovery.include, config.discovery.exclude)
    discovery = discover(paths, input_root(inputs), config.languages, config.discovery.patterns,
                         config.discovery.default_language or None)
    found = [lang for s in discovery.sets for lang in s.files]
    found += [d.lang for d in load_documents(discovery.loose, config.languages)[0]]
    return tuple(sorted(set(found)))


def _path_set_id(found: DiscoveredSet) -> str:
    """Readable and stable across runs: "news" for news/de.txt + news/fr.txt, else the key
    with a star for the language ("docs/*/guide.md")."""
    if Path(found.key).stem == "{lang}":
        return next(iter(found.files.values())).resolve().parent.name or "versions"
    return found.key.replace("{lang}", "*")


def _load_discovered(found: DiscoveredSet, languages: tuple[str, ...]) -> tuple[list[Document], list[LoadProblem]]:
    """The files of a set placed by their paths, each in the language its path states. A PO or
    XLIFF file also holds the source text: the first one's source joins the set (keys match)."""
    docs: list[Document] = []
    sources: list[Document] = []
    problems: list[LoadProblem] = []
    for lang, path in found.files.items():
        try:
            if path.suffix.lower() in STRUCTURED_SUFFIXES:
                loaded = load_structured(path, languages)
                target = [d for d in loaded if d.lang == lang] or [d for d in loaded if d.lang_source != "given"][-1:]
                docs.extend(replace(d, lang=lang) for d in target)
                sources.extend(d for d in loaded if d not in target)
            else:
                docs.append(load_document(path, languages, forced_lang=lang))
        except InputError as exc:
            problems.append(LoadProblem(exc.path, str(exc)))
    present = {d.lang for d in docs}
    source = next((d for d in sources if d.lang not in present), None)
    return ([source] if source else []) + docs, problems


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
    comparator = BeadComparator(config, backends.nli, backends.divergence)
    # Structured files align by key; free text by sentence similarity.
    beads = align_by_keys(members, config.align) if all(d.document.keyed for d in members) else align_versions(members, config.align)
    pivots = pivot_documents(members, backends.translator, cache, say)
    words = (
        {d.document.lang: DocumentWords(_worded(d.segments, config), d.document.lang, backends.words, config.compare.words) for d in members}
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
        result = comparator.compare(bead, _without_untranslated(ctx, bead), neighbours)
        for divergence in result.divergences:
            findings.append(build_finding(vs.id, divergence, bead, beads, ctx.documents, pivots, find_pivot_word))
        rows.append(
            AlignedRow(
                # the file's own text: a Markdown segment's text has its markup blanked out
                members={
                    lang: tuple(
                        AlignedSegment(s.start, s.end, ctx.documents[lang].text[s.start : s.end], pivots.get((lang, s.index), ""), s.line)
                        for s in segs
                    )
                    for lang, segs in bead.members.items()
                },
                chrf=result.chrf,
            )
        )
    if words is not None and config.compare.consistency.enabled:
        findings += consistency_findings(vs.id, beads, words, ctx.documents, config.compare.consistency, config.compare.words)
    reported = [f for f in findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[config.min_severity]]
    notes = [f for f in findings if SEVERITY_RANK[f.severity] < SEVERITY_RANK[config.min_severity]]
    return SetResult(VersionSetReport(vs.id, vs.documents, tuple(rows)), tuple(reported), tuple(notes))


def _label_skipper(segments: Sequence[Segment], config: Config) -> Callable[[Segment], bool]:
    """Which segments of a catalogue are short labels, units of one short segment: keys align them
    and no vector signal may judge them alone (compare/bead.py `is_short`), so they get no vector."""
    per_unit = Counter(s.unit for s in segments if s.unit is not None)
    return lambda s: per_unit[s.unit] == 1 and is_short([s], config.compare.keys.short_words)


def _worded(segments: Sequence[Segment], config: Config) -> list[Segment]:
    """The segments word alignment reads: not a catalogue's short labels (their word vectors,
    the costliest model step, are not computed)."""
    label = _label_skipper(segments, config)
    return [s for s in segments if not label(s)]


def _without_untranslated(ctx: SetContext, bead: Bead) -> SetContext:
    """The bead's context without the versions that hold its unit untranslated (a fuzzy or empty
    PO entry, an XLIFF unit without target): those are not compared, so they neither lack the
    sentence nor vote on who does."""
    key = next((s.unit for segments in bead.members.values() for s in segments if s.unit is not None), None)
    if key is None:
        return ctx
    withheld = {lang for lang in ctx.langs if not bead.members.get(lang) and key in ctx.documents[lang].untranslated}
    return replace(ctx, langs=tuple(lang for lang in ctx.langs if lang not in withheld)) if withheld else ctx


def assemble_result(
    prepared: PreparedRun, results: Sequence[SetResult], config: Config, backends: Backends
) -> RunResult:
    """The run's result from the per-set results, in a fixed order whatever order they finished in."""
    def ordered(found: list[Finding]) -> list[Finding]:
        return _unique(sorted(found, key=lambda f: (f.version_set, -SEVERITY_RANK.get(f.severity, -1), -f.score, f.id)))

    findings = ordered([f for r in results for f in r.findings])
    reported = {f.id for f in findings}
    notes = [f for f in ordered([f for r in results for f in r.notes]) if f.id not in reported]
    return RunResult(
        tool_version=__version__,
        signature=signature(config, backends),
        version_sets=tuple(r.report for r in results),
        unrelated=prepared.unrelated,
        findings=tuple(findings),
        config=config.as_dict(),
        notes=tuple(notes),
        models=run_models(config.models, backends),
    )


def run_check(
    inputs: Sequence[str],
    config: Config,
    backends: Backends,
    progress: Progress | None = None,
    cache: TranslationCache | None = None,
    changed: Collection[Path] | None = None,
    on_problem: Callable[[LoadProblem], None] | None = None,
) -> RunResult:
    say = progress or (lambda message: None)
    prepared = prepare_run(inputs, config, backends, say, changed, on_problem)
    results = []
    for number, (vs, members) in enumerate(prepared.sets, start=1):
        say(f"version set {number}/{len(prepared.sets)}: {', '.join(d.document.path for d in members)}")
        results.append(check_version_set(vs, members, config, backends, cache, say))
    return assemble_result(prepared, results, config, backends)


def _unique_ids(sets: list[tuple[VersionSet, list[EmbeddedDocument]]]) -> list[tuple[VersionSet, list[EmbeddedDocument]]]:
    """Set ids name findings and reports, so two sets never share one: the later gets -2, -3…"""
    taken: set[str] = set()
    out = []
    for vs, members in sets:
        new_id, n = vs.id, 2
        while new_id in taken:
            new_id, n = f"{vs.id}-{n}", n + 1
        taken.add(new_id)
        out.append((replace(vs, id=new_id) if new_id != vs.id else vs, members))
    return out


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.id not in seen:
            seen.add(f.id)
            out.append(f)
    return out
