"""A CI gate with memory: a baseline of known findings, so a run fails only on new ones.

    checker baseline create docs/ --output checker-baseline.json
    checker check docs/ --baseline checker-baseline.json     # exit 1 only for new findings

The file (sorted, so it diffs well in review):

    {"schema": "checker-baseline/1",
     "tool": {"version": "0.1.0", "signature": "…"}, "created_at": "2025-01-01T12:00:00Z",
     "findings": [{"id": …, "fingerprint": …, "kind": "number", "path": "docs/de.md",
                   "line": 4, "message": "…"}]}

Only `fingerprint` is matched; kind, path, line and message are there for people reading it.

The fingerprint is the finding's id (`findings.finding_id`): a hash of the version set's id,
the kind, the divergent language(s), the normalised divergent sentence(s) (for an omission,
what the others say) and the words of the spans. No line number or offset goes in, and the
set id (`group.set_id`) is built from the files' paths and languages, not their content, so
moving a sentence or editing another sentence of the file keeps it. What changes it: editing
the divergent sentence itself, renaming or moving the files, or a run with another version
set id (a "-2" suffix when two sets would share one name).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .atomic_write import write_atomic
from .errors import InputError
from .validate import read_json_file
from .records import Finding, RunResult
from .suppress import SuppressionReport

SCHEMA = "checker-baseline/1"
DEFAULT_PATH = Path("checker-baseline.json")
GATE_KEY = "gate"  # where the run records what the gate did, in `RunResult.config`
_CREATE = "create it with `checker baseline create PATH... --output FILE`"


def fingerprint(finding: Finding) -> str:
    """What identifies a finding across runs and edits: its id (see the module docstring)."""
    return finding.id


@dataclass(frozen=True)
class BaselineEntry:
    fingerprint: str
    id: str
    kind: str
    path: str
    line: int
    message: str

    @classmethod
    def of(cls, finding: Finding) -> "BaselineEntry":
        divergent = [v for v in finding.versions if v.role == "divergent"] or list(finding.versions)
        where = divergent[0] if divergent else None
        return cls(
            fingerprint(finding), finding.id, finding.kind, where.path if where else "", where.line if where else 0, finding.message
        )

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "fingerprint": self.fingerprint, "kind": self.kind, "path": self.path,
                "line": self.line, "message": self.message}


@dataclass(frozen=True)
class Baseline:
    entries: tuple[BaselineEntry, ...]
    signature: str = ""
    tool_version: str = ""
    created_at: str = ""
    path: str = ""  # where it was read from, for messages

    @classmethod
    def from_result(cls, result: RunResult, created_at: str | None = None) -> "Baseline":
        entries = {e.fingerprint: e for e in map(BaselineEntry.of, result.findings)}
        stamp = created_at or datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        return cls(_sorted(entries.values()), result.signature, result.tool_version, stamp)

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(e.fingerprint for e in self.entries)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "tool": {"name": "checker", "version": self.tool_version, "signature": self.signature},
            "created_at": self.created_at,
            "findings": [e.as_dict() for e in _sorted(self.entries)],
        }


def _sorted(entries) -> tuple[BaselineEntry, ...]:
    return tuple(sorted(entries, key=lambda e: (e.path, e.line, e.kind, e.fingerprint)))


def save_baseline(baseline: Baseline, path: str | Path) -> None:
    """Written atomically: a CI job killed half-way never leaves half a baseline."""
    write_atomic(Path(path), json.dumps(baseline.to_json_dict(), ensure_ascii=False, indent=2) + "\n")


def load_baseline(path: str | Path) -> Baseline:
    """Read and check a baseline file; any problem is an InputError naming it (exit 2)."""
    where = str(path)
    data = read_json_file(path, "baseline", _CREATE, _CREATE)
    if not isinstance(data, Mapping) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, Mapping) else None
        raise InputError(where, f"is not a checker baseline (schema {found!r}, expected {SCHEMA!r})", _CREATE)
    items = data.get("findings")
    if not isinstance(items, list):
        raise InputError(where, '"findings" must be a list', _CREATE)
    entries = []
    for n, item in enumerate(items, start=1):
        key = item.get("fingerprint") or item.get("id") if isinstance(item, Mapping) else None
        if not isinstance(key, str) or not key:
            raise InputError(where, f"finding {n} has no fingerprint", _CREATE)
        line = item.get("line", 0)
        entries.append(BaselineEntry(
            key, str(item.get("id", key)), str(item.get("kind", "")), str(item.get("path", "")),
            line if isinstance(line, int) else 0, str(item.get("message", "")),
        ))
    tool = data.get("tool") if isinstance(data.get("tool"), Mapping) else {}
    return Baseline(tuple(entries), str(tool.get("signature", "")), str(tool.get("version", "")),
                    str(data.get("created_at", "")), where)


@dataclass(frozen=True)
class BaselineStats:
    matched: int  # findings of this run already in the baseline (left out)
    new: int  # findings of this run not in it (kept)
    fixed: tuple[BaselineEntry, ...]  # baseline entries of the checked files this run no longer finds
    path: str = ""

    def summary(self) -> str:
        return f"{self.new} new, {self.matched} in baseline, {len(self.fixed)} fixed"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.path, "new": self.new, "matched": self.matched, "fixed": [e.as_dict() for e in self.fixed]}


def filter_new(result: RunResult, baseline: Baseline) -> tuple[RunResult, BaselineStats]:
    """The run with only the findings the baseline does not know, and the counts.

    An entry counts as fixed only when its file was checked in this run: a baseline of a
    whole site stays valid for a run over one folder.
    """
    known = baseline.fingerprints
    new = tuple(f for f in result.findings if fingerprint(f) not in known)
    present = {fingerprint(f) for f in result.findings}
    checked = {d.path for vs in result.version_sets for d in vs.versions}
    fixed = tuple(e for e in baseline.entries if e.fingerprint not in present and (not checked or e.path in checked))
    stats = BaselineStats(len(result.findings) - len(new), len(new), fixed, baseline.path)
    return replace(result, findings=new), stats


# --- what the gate did, recorded in the run -----------------------------------------------


def record_gate(
    result: RunResult, suppression: SuppressionReport | None = None, stats: BaselineStats | None = None
) -> RunResult:
    """The run with `config["gate"]` saying what was suppressed, unused and matched by the baseline
    (plain dicts, so it survives the JSON report and `checker report`)."""
    record = dict(gate_record(result))
    if suppression is not None and (suppression.suppressed or suppression.unused):
        record.update(suppression.as_dict())
    if stats is not None:
        record["baseline"] = stats.as_dict()
    if not record:  # nothing suppressed, no baseline: the report stays as it was
        return result
    return replace(result, config={**dict(result.config), GATE_KEY: record})


def gate_record(result: RunResult) -> Mapping[str, Any]:
    record = result.config.get(GATE_KEY) if isinstance(result.config, Mapping) else None
    return record if isinstance(record, Mapping) else {}


def gate_lines(result: RunResult) -> list[str]:
    """Terminal lines for the gate: the baseline counts, what was suppressed, unused suppressions."""
    record = gate_record(result)
    lines = []
    base = record.get("baseline")
    if isinstance(base, Mapping):
        lines.append(
            f"baseline {base.get('file', '')}: {base.get('new', 0)} new, {base.get('matched', 0)} in baseline, "
            f"{len(base.get('fixed', []))} fixed"
        )
    suppressed = record.get("suppressed") or []
    if suppressed:
        by: dict[str, int] = {}
        for s in suppressed:
            by[s.get("by", "?")] = by.get(s.get("by", "?"), 0) + 1
        n = len(suppressed)
        lines.append(f"{n} finding{'s' if n != 1 else ''} suppressed (" + ", ".join(f"{k} {v}" for k, v in sorted(by.items())) + ")")
    for u in record.get("unused_suppressions") or []:
        note = f" ({u['note']})" if u.get("note") else ""
        lines.append(f"warning: {u.get('where', '?')}: unused suppression {u.get('what', '')}: matches no finding of this run{note}")
    return lines
