"""Editors' review decisions: read a decisions file and apply it to a run.

The HTML report lets an editor mark each finding accepted (a real problem),
dismissed (a false alarm) or unsure, with a comment, and exports the marks as

    {"schema": "checker-decisions/1",
     "decisions": [{"id": "FINDING_ID", "status": "dismissed", "comment": "…"}]}

`checker check --decisions FILE` (and `checker report --decisions FILE`) leaves
the dismissed findings out of every report and of the exit code. What was
applied is recorded in the run's `config["decisions"]`, so the JSON report says
which findings were dismissed, the terminal and HTML summaries can count them,
and the HTML report can carry every decision of the file forward into its own
export (the dismissed findings are no longer in it to be marked again).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import InputError
from .validate import read_json_file
from .records import RunResult

SCHEMA = "checker-decisions/1"
STATUSES = ("accepted", "dismissed", "unsure")
CONFIG_KEY = "decisions"
_FIX = 'expected {"schema": "checker-decisions/1", "decisions": [{"id": …, "status": "dismissed", "comment": …}]}'


@dataclass(frozen=True)
class Decision:
    id: str
    status: str  # one of STATUSES
    comment: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "status": self.status, "comment": self.comment}


@dataclass(frozen=True)
class Decisions:
    """The decisions of one file, in file order, keyed by finding id."""

    path: str
    items: tuple[Decision, ...]

    def by_id(self) -> dict[str, Decision]:
        return {d.id: d for d in self.items}


def load_decisions(path: str | Path) -> Decisions:
    """Read and validate a decisions file; any problem is an InputError naming the file (exit 2)."""
    where = str(path)
    data = read_json_file(path, "decisions", _FIX, "export one with the HTML report's “Export decisions” button")
    return parse_decisions(data, where)


def parse_decisions(data: Any, where: str) -> Decisions:
    if not isinstance(data, Mapping):
        raise InputError(where, f"is not a decisions file (a JSON {_json_type(data)}, not an object)", _FIX)
    if data.get("schema") != SCHEMA:
        found = "no schema" if "schema" not in data else f"schema {data.get('schema')!r}"
        raise InputError(where, f"is not a decisions file ({found}, expected {SCHEMA!r})", _FIX)
    entries = data.get("decisions")
    if not isinstance(entries, list):
        raise InputError(where, '"decisions" must be a list', _FIX)
    items: list[Decision] = []
    first_at: dict[str, int] = {}
    for n, entry in enumerate(entries, start=1):
        items.append(_decision(entry, n, where))
        fid = items[-1].id
        if fid in first_at:
            raise InputError(
                where, f"decision {n} repeats the id {fid!r} of decision {first_at[fid]}", "keep one decision per finding"
            )
        first_at[fid] = n
    return Decisions(path=where, items=tuple(items))


def _decision(entry: Any, n: int, where: str) -> Decision:
    if not isinstance(entry, Mapping):
        raise InputError(where, f"decision {n} is a JSON {_json_type(entry)}, not an object", _FIX)
    fid = entry.get("id")
    if not isinstance(fid, str) or not fid.strip():
        raise InputError(where, f"decision {n} has no finding id (\"id\" must be a non-empty string)", _FIX)
    status = entry.get("status")
    if status not in STATUSES:
        raise InputError(
            where,
            f"decision {n} ({fid}) has status {status!r}",
            "use one of " + ", ".join(repr(s) for s in STATUSES),
        )
    comment = entry.get("comment", "")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise InputError(where, f"decision {n} ({fid}) has a comment that is not a string")
    return Decision(id=fid, status=status, comment=comment)


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


# --- applying -------------------------------------------------------------------------


def apply_decisions(result: RunResult, decisions: Decisions) -> RunResult:
    """The run without the findings `decisions` dismisses; what was applied goes to config["decisions"].

    Recorded there (all lists of plain dicts, so it round-trips through the JSON report):
    `files` (every decisions file applied), `dismissed` (the findings left out: id, comment,
    severity, kind, message, version_set), `applied` (accepted/unsure decisions of findings
    still in the run) and `unmatched` (decisions naming no finding of this run).
    """
    by_id = decisions.by_id()
    present = {f.id for f in (*result.findings, *result.notes)}
    kept, dismissed = [], []
    notes = tuple(f for f in result.notes if not (f.id in by_id and by_id[f.id].status == "dismissed"))
    for f in result.findings:
        d = by_id.get(f.id)
        if d is not None and d.status == "dismissed":
            dismissed.append(
                {
                    "id": f.id,
                    "comment": d.comment,
                    "severity": f.severity,
                    "kind": f.kind,
                    "message": f.message,
                    "version_set": f.version_set,
                }
            )
        else:
            kept.append(f)
    applied = [by_id[f.id].as_dict() for f in kept if f.id in by_id]
    unmatched = [d.as_dict() for d in decisions.items if d.id not in present]

    previous = applied_decisions(result)
    record = {
        "files": previous.get("files", []) + [decisions.path],
        "dismissed": previous.get("dismissed", []) + dismissed,
        "applied": [a for a in previous.get("applied", []) if a["id"] not in by_id] + applied,
        "unmatched": _merge_unmatched(previous.get("unmatched", []), unmatched, present),
    }
    return replace(result, findings=tuple(kept), notes=notes, config={**dict(result.config), CONFIG_KEY: record})


def _merge_unmatched(old: list[dict], new: list[dict], present: set[str]) -> list[dict]:
    ids = {d["id"] for d in new}
    return [d for d in old if d["id"] not in ids and d["id"] not in present] + new


def applied_decisions(result: RunResult) -> dict[str, Any]:
    """What `apply_decisions` recorded in the run (an empty dict when nothing was applied)."""
    record = result.config.get(CONFIG_KEY) if isinstance(result.config, Mapping) else None
    return dict(record) if isinstance(record, Mapping) else {}


def dismissed_summary(result: RunResult) -> str:
    """`2 dismissed by decisions review.json` (or "" when no decisions were applied)."""
    record = applied_decisions(result)
    if not record.get("files"):
        return ""
    n = len(record.get("dismissed", []))
    line = f"{n} dismissed by decisions {', '.join(record['files'])}"
    unmatched = len(record.get("unmatched", []))
    if unmatched:
        line += f" ({unmatched} decision{'s' if unmatched != 1 else ''} matching no finding of this run)"
    return line
