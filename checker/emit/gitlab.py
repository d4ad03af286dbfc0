"""GitLab Code Quality report (`artifacts:reports:codequality`).

A JSON list, one object per finding, with the keys GitLab requires: `description`,
`check_name`, `fingerprint`, `severity` and `location.path` / `location.lines.begin`.
GitLab's severities are info, minor, major, critical and blocker; checker's major, minor
and info map onto the names they share. The fingerprint is derived from the finding's id
(a hash of what differs, not of line numbers), so a merge request shows a finding as new
only when it is new; it is made unique within the report, as GitLab requires.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from checker.emit.files import document_texts, finding_place, missing_sentence, primary_version
from checker.emit.order import severity_rank
from checker.records import Finding, RunResult

SEVERITIES = {"major": "major", "minor": "minor", "info": "info"}
CHECK_PREFIX = "checker"


def render_gitlab(result: RunResult, *, base: Path | None = None) -> str:
    """The Code Quality report as JSON text."""
    return json.dumps(code_quality_issues(result, base=base), ensure_ascii=False, indent=2) + "\n"


def code_quality_issues(result: RunResult, *, base: Path | None = None) -> list[dict[str, Any]]:
    texts = document_texts(result)
    seen: set[str] = set()
    issues = []
    for f in sorted(result.findings, key=lambda f: (severity_rank(f.severity), f.version_set, f.id)):
        issue = _issue(f, texts, base)
        issue["fingerprint"] = _unique(_fingerprint(f.id), seen)
        issues.append(issue)
    return issues


def _issue(f: Finding, texts: dict[str, str], base: Path | None) -> dict[str, Any]:
    primary = primary_version(f)
    if primary is not None:
        place = finding_place(primary, texts, base)
        location = {"path": place.path, "lines": {"begin": place.start_line, "end": place.end_line}}
    else:  # a finding with no version: GitLab still needs a location
        location = {"path": f.version_set, "lines": {"begin": 1, "end": 1}}
    divergent = [v.lang for v in f.versions if v.role == "divergent"]
    reference = [v.lang for v in f.versions if v.role != "divergent"]
    langs = " ".join(divergent) + (" ≠ " + " ".join(reference) if reference else "")
    missing = missing_sentence(f)  # a merge request shows only the description: quote the gap
    message = f.message + (f" Missing here: {missing.lang} “{missing.text}”" if missing is not None else "")
    return {
        "type": "issue",
        "engine_name": CHECK_PREFIX,
        "check_name": f"{CHECK_PREFIX}/{f.kind}",
        "description": f"[{langs}] {message}" if langs else message,
        "categories": ["Bug Risk"],
        "severity": SEVERITIES.get(f.severity, "minor"),
        "location": location,
    }


def _fingerprint(finding_id: str) -> str:
    return hashlib.md5(f"checker/v1:{finding_id}".encode("utf-8"), usedforsecurity=False).hexdigest()


def _unique(fingerprint: str, seen: set[str]) -> str:
    """Two findings with one id (a report merged by hand) still get two fingerprints."""
    candidate, n = fingerprint, 1
    while candidate in seen:
        n += 1
        candidate = hashlib.md5(f"{fingerprint}#{n}".encode("ascii"), usedforsecurity=False).hexdigest()
    seen.add(candidate)
    return candidate
