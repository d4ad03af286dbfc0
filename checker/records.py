"""The typed records passed between pipeline stages.

Every stage takes and returns these frozen dataclasses, so a stage can be run,
tested and cached on its own. `RunResult` is the one thing every emitter reads;
`to_json_dict` / `run_result_from_json` round-trip it through the JSON report
contract ("checker-report/1") so any format can be re-rendered without models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

SEVERITIES = ("major", "minor", "info")
# higher = more serious: info 0, minor 1, major 2
SEVERITY_RANK = {s: rank for rank, s in enumerate(reversed(SEVERITIES))}
FINDING_KINDS = ("meaning", "number", "date", "entity", "negation", "omission", "addition", "term", "modality")
SEGMENT_KINDS = ("body", "boilerplate", "heading")


@dataclass(frozen=True)
class Document:
    """One input file: its language, full text and content hash."""

    path: str
    lang: str
    text: str
    sha256: str
    lang_source: str = "detected"  # "filename" | "detected" | "given"
    # Structured files (PO, XLIFF, JSON…): `text` is the units' prose joined by blank
    # lines and `units` says where each unit lies in it and on which line of the file.
    format: str = "text"
    units: tuple["UnitSpan", ...] = ()
    # Keys the file holds but this version does not translate (a fuzzy or empty PO entry, an
    # XLIFF unit without target): a gap there is work in progress, not an omission.
    untranslated: frozenset[str] = frozenset()
    # Keys the file holds with an empty value ("" in a JSON catalogue): shown to users as nothing.
    empty: frozenset[str] = frozenset()
    # "source" for the source text a bilingual file (PO msgids, XLIFF <source>) holds beside its
    # translation: the file's path then names the translation, not this version.
    role: str = "version"

    @property
    def label(self) -> str:
        """How reports name the version: the file, or the source text inside a bilingual file."""
        if self.role != "source":
            return self.path
        return f"{self.path} ({'msgid' if self.format == 'po' else 'source'})"

    @property
    def keyed(self) -> bool:
        return any(u.key is not None for u in self.units)


@dataclass(frozen=True)
class UnitSpan:
    """One unit of a structured file: its key (None for free text), where its prose lies
    in `Document.text`, and the line of the original file it comes from."""

    key: str | None
    start: int
    end: int
    line: int
    note: str = ""


@dataclass(frozen=True)
class Unrelated:
    """A document that belongs to no version set, and why."""

    path: str
    lang: str
    reason: str


@dataclass(frozen=True)
class VersionSet:
    """Language versions of the same content, one document per language."""

    id: str
    documents: tuple[Document, ...]

    def document(self, lang: str) -> Document:
        return next(d for d in self.documents if d.lang == lang)

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(d.lang for d in self.documents)


@dataclass(frozen=True)
class Segment:
    """A sentence (or heading / boilerplate line) with offsets into its file's text."""

    path: str
    lang: str
    index: int
    start: int
    end: int
    text: str
    kind: str = "body"
    line: int = 1  # 1-based line of `start`
    unit: str | None = None  # key of the structured-file unit it belongs to


@dataclass(frozen=True)
class Translation:
    segment: Segment
    english: str
    model_id: str


@dataclass(frozen=True)
class Bead:
    """Segments of every version that say the same thing (m:n, possibly empty on a side)."""

    index: int
    members: Mapping[str, tuple[Segment, ...]]  # lang -> segments (empty tuple = gap)
    score: float = 0.0  # mean cross-version similarity of the bead

    def text(self, lang: str) -> str:
        return " ".join(s.text for s in self.members.get(lang, ()))

    def present_langs(self) -> tuple[str, ...]:
        return tuple(lang for lang, segs in self.members.items() if segs)


@dataclass(frozen=True)
class Span:
    """Characters of the original file that carry a divergence, with their English pivot."""

    start: int
    end: int
    text: str
    pivot_text: str | None = None


@dataclass(frozen=True)
class FindingVersion:
    lang: str
    path: str
    line: int
    start: int
    end: int
    text: str
    pivot: str
    role: str  # "divergent" | "reference"
    spans: tuple[Span, ...] = ()
    # The unit's key in a structured file (JSON path, msgctxt\x04msgid, XLIFF unit id): what a
    # translator searches for. None for free text.
    key: str | None = None


def shown_key(key: str) -> str:
    """A unit key as people write it: a PO entry's msgctxt and msgid joined by " | "."""
    return key.replace("\x04", " | ")


@dataclass(frozen=True)
class Finding:
    id: str
    version_set: str
    kind: str
    severity: str
    score: float
    message: str
    versions: tuple[FindingVersion, ...]
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AlignedSegment:
    """What the report shows of one segment in the side-by-side view."""

    start: int
    end: int
    text: str
    pivot: str
    line: int


@dataclass(frozen=True)
class AlignedRow:
    """One bead as the report shows it: per language the segments (empty = gap)."""

    members: Mapping[str, tuple[AlignedSegment, ...]]
    chrf: float | None = None  # surface agreement of the pivots, 0..100


@dataclass(frozen=True)
class VersionSetReport:
    id: str
    versions: tuple[Document, ...]
    rows: tuple[AlignedRow, ...] = ()


@dataclass(frozen=True)
class RunResult:
    tool_version: str
    signature: str
    version_sets: tuple[VersionSetReport, ...]
    unrelated: tuple[Unrelated, ...]
    findings: tuple[Finding, ...]
    config: Mapping[str, Any] = field(default_factory=dict)
    # Divergences below `min_severity`: not findings (no exit code, no CI annotation), but
    # shown in the editors' HTML report as notes, where a person can judge them.
    notes: tuple[Finding, ...] = ()
    # The model preset, every model with its revision, and which stages ran (models/presets.run_models).
    models: Mapping[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        by_severity: dict[str, int] = {}
        for f in self.findings:
            by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
        ordered = {s: by_severity[s] for s in SEVERITIES if s in by_severity}
        summary: dict[str, Any] = {"findings": len(self.findings), "by_severity": ordered}
        if self.notes:
            summary["notes"] = len(self.notes)
        return summary


# --- JSON contract --------------------------------------------------------------

SCHEMA = "checker-report/1"


def _span_dict(s: Span) -> dict[str, Any]:
    return {"start": s.start, "end": s.end, "text": s.text, "pivot_text": s.pivot_text}


def finding_to_dict(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "version_set": f.version_set,
        "kind": f.kind,
        "severity": f.severity,
        "score": round(float(f.score), 4),
        "message": f.message,
        "versions": [
            {
                "lang": v.lang,
                "path": v.path,
                "line": v.line,
                "start": v.start,
                "end": v.end,
                "text": v.text,
                "pivot": v.pivot,
                "role": v.role,
                "spans": [_span_dict(s) for s in v.spans],
                **({"key": v.key} if v.key is not None else {}),
            }
            for v in f.versions
        ],
        "evidence": dict(f.evidence),
    }


def to_json_dict(result: RunResult) -> dict[str, Any]:
    """The report as the JSON contract of DESIGN.md (plus the aligned rows for re-rendering)."""
    return {
        "schema": SCHEMA,
        "tool": {"name": "checker", "version": result.tool_version, "signature": result.signature, **dict(result.models)},
        "version_sets": [
            {
                "id": vs.id,
                "versions": [
                    {"lang": d.lang, "path": d.path, "sha256": d.sha256, **({"role": d.role, "format": d.format} if d.role != "version" else {})}
                    for d in vs.versions
                ],
                # Not required by the contract; lets `checker report` redraw the side-by-side view.
                "alignment": [row_to_dict(row) for row in vs.rows],
            }
            for vs in result.version_sets
        ],
        "unrelated": [{"path": u.path, "lang": u.lang, "reason": u.reason} for u in result.unrelated],
        "findings": [finding_to_dict(f) for f in result.findings],
        # Not required by the contract: what fell below min_severity, for the HTML report.
        "notes": [finding_to_dict(f) for f in result.notes],
        "summary": result.summary(),
        "config": dict(result.config),
    }


def run_result_from_json(data: Mapping[str, Any]) -> RunResult:
    """Inverse of `to_json_dict`; raises ValueError on a document of another schema."""
    if data.get("schema") != SCHEMA:
        raise ValueError(f"not a checker report (schema {data.get('schema')!r}, expected {SCHEMA!r})")
    version_sets = []
    for vs in data.get("version_sets", []):
        docs = tuple(
            Document(
                path=v["path"], lang=v["lang"], text="", sha256=v.get("sha256", ""),
                format=v.get("format", "text"), role=v.get("role", "version"),
            )
            for v in vs["versions"]
        )
        rows = tuple(row_from_dict(row) for row in vs.get("alignment", []))
        version_sets.append(VersionSetReport(id=vs["id"], versions=docs, rows=rows))
    findings = tuple(finding_from_dict(f) for f in data.get("findings", []))
    notes = tuple(finding_from_dict(f) for f in data.get("notes", []))
    return RunResult(
        tool_version=data["tool"]["version"],
        signature=data["tool"]["signature"],
        version_sets=tuple(version_sets),
        unrelated=tuple(Unrelated(u["path"], u["lang"], u["reason"]) for u in data.get("unrelated", [])),
        findings=findings,
        config=data.get("config", {}),
        notes=notes,
        models={k: data["tool"][k] for k in ("preset", "models", "stages") if k in data["tool"]},
    )


def finding_from_dict(f: Mapping[str, Any]) -> Finding:
    return Finding(
        id=f["id"],
        version_set=f["version_set"],
        kind=f["kind"],
        severity=f["severity"],
        score=float(f["score"]),
        message=f["message"],
        versions=tuple(
            FindingVersion(
                lang=v["lang"],
                path=v["path"],
                line=v["line"],
                start=v["start"],
                end=v["end"],
                text=v["text"],
                pivot=v.get("pivot", ""),
                role=v["role"],
                spans=tuple(
                    Span(s["start"], s["end"], s["text"], s.get("pivot_text")) for s in v.get("spans", [])
                ),
                key=v.get("key"),
            )
            for v in f["versions"]
        ),
        evidence=f.get("evidence", {}),
    )


def row_to_dict(row: AlignedRow) -> dict[str, Any]:
    return {
        "chrf": None if row.chrf is None else round(row.chrf, 1),
        "members": {
            lang: [{"start": s.start, "end": s.end, "line": s.line, "text": s.text, "pivot": s.pivot} for s in segs]
            for lang, segs in row.members.items()
        },
    }


def row_from_dict(row: Mapping[str, Any]) -> AlignedRow:
    return AlignedRow(
        members={
            lang: tuple(
                AlignedSegment(s["start"], s["end"], s["text"], s.get("pivot", ""), s.get("line", 1)) for s in segs
            )
            for lang, segs in row["members"].items()
        },
        chrf=row.get("chrf"),
    )
