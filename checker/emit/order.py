"""How every emitter groups and orders findings, so the text and HTML reports agree."""

from __future__ import annotations

from collections import defaultdict

from checker.records import SEVERITIES, Finding, RunResult, VersionSetReport


def severity_rank(severity: str) -> int:
    """0 for the most severe; unknown severities sort last."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def findings_by_version_set(result: RunResult) -> list[tuple[VersionSetReport, list[Finding]]]:
    """Each version set with its findings, in report order.

    Findings naming a version set the report does not list get an (empty) set of their own,
    so no finding is ever dropped from a report.
    """
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        grouped[f.version_set].append(f)
    known = {vs.id for vs in result.version_sets}
    out = [(vs, grouped.get(vs.id, [])) for vs in result.version_sets]
    out += [(VersionSetReport(id=vs_id, versions=()), fs) for vs_id, fs in grouped.items() if vs_id not in known]
    return out
