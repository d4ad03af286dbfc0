"""GitHub Actions output: workflow-command annotations and a Markdown step summary.

Each finding becomes one line on stdout that the runner turns into an annotation on the
file (and on the pull request's diff):

    ::error file=docs/de/a.md,line=2,endLine=2,col=43,endColumn=50,title=number (major)%3A de ≠ en%2C fr::The return period differs…

major → `error`, minor → `warning`, info → `notice`. Data is escaped as the runner
expects (`%` `\\r` `\\n`; in properties also `:` and `,`), so no input text can end a line
and smuggle in a command of its own.

GitHub shows at most 10 annotations of each level per step (50 per job), so the most severe
findings come first, at most 10 per level, then one notice says how many were left out and
where the full report is. `write_step_summary` appends a Markdown summary to the file named
by `$GITHUB_STEP_SUMMARY` (counts by severity and kind, the top findings with file:line).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

from checker.emit.files import document_texts, finding_place, missing_sentence, other_versions, primary_version, report_path
from checker.emit.order import severity_rank
from checker.emit.visible import show_controls
from checker.records import SEVERITIES, Finding, RunResult

COMMANDS = {"major": "error", "minor": "warning", "info": "notice"}
# GitHub's own limit: annotations beyond 10 of one level in a step are dropped silently.
ANNOTATIONS_PER_LEVEL = 10
# Rows of the step summary's findings table; the full list is in the report files.
SUMMARY_TOP_FINDINGS = 20


def render_github(result: RunResult, *, full_report: str | None = None, base: Path | None = None) -> str:
    """One workflow command per shown finding, then a notice for the rest (if any)."""
    texts = document_texts(result)
    shown, left_out = _shown_findings(result)
    lines = [_annotation(f, texts, base) for f in shown]
    if left_out:
        where = f"see {full_report}" if full_report else "write the full report with --format html:PATH or json:PATH"
        lines.append(
            "::notice::"
            + escape_data(
                f"{left_out} more checker finding{'s' if left_out != 1 else ''} not shown as annotations "
                f"(GitHub shows at most {ANNOTATIONS_PER_LEVEL} per level and step): {where}"
            )
        )
    return "".join(line + "\n" for line in lines)


def escape_data(text: str) -> str:
    """The message after `::` (GitHub's escapeData); other control characters (an escape byte
    in a file name) shown as codes, never passed to the log (visible.py)."""
    return show_controls(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """A `key=value` property value (GitHub's escapeProperty)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _shown_findings(result: RunResult) -> tuple[list[Finding], int]:
    """The findings to annotate (most severe first, capped per level) and how many are left out."""
    ordered = sorted(result.findings, key=_order)
    per_level: Counter[str] = Counter()
    shown = []
    for f in ordered:
        command = COMMANDS.get(f.severity, "warning")
        if per_level[command] < ANNOTATIONS_PER_LEVEL:
            per_level[command] += 1
            shown.append(f)
    left_out = len(ordered) - len(shown)
    if left_out and per_level["notice"] == ANNOTATIONS_PER_LEVEL:
        # The closing notice needs a notice slot of its own, or GitHub drops it.
        last_notice = max(i for i, f in enumerate(shown) if COMMANDS.get(f.severity, "warning") == "notice")
        del shown[last_notice]
        left_out += 1
    return shown, left_out


def _order(f: Finding) -> tuple[int, str, int, str]:
    where = primary_version(f)
    return severity_rank(f.severity), where.path if where else "", where.line if where else 0, f.id


def _annotation(f: Finding, texts: dict[str, str], base: Path | None) -> str:
    command = COMMANDS.get(f.severity, "warning")
    props: list[tuple[str, str]] = []
    primary = primary_version(f)
    if primary is not None:
        place = finding_place(primary, texts, base)
        props += [("file", place.path), ("line", str(place.start_line)), ("endLine", str(place.end_line))]
        # GitHub takes columns only for a one-line annotation; its endColumn is the last character.
        if place.has_columns and place.start_line == place.end_line and place.end_column > place.start_column:
            props += [("col", str(place.start_column)), ("endColumn", str(place.end_column - 1))]
    props.append(("title", _title(f)))
    head = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{command} {head}::{escape_data(_message(f, base))}"


def _title(f: Finding) -> str:
    divergent = list(dict.fromkeys(v.lang for v in f.versions if v.role == "divergent"))
    reference = list(dict.fromkeys(v.lang for v in f.versions if v.role != "divergent"))
    langs = " ".join(divergent) + (" ≠ " + ", ".join(reference) if reference else "")
    return f"{f.kind} ({f.severity}): {langs}".strip().rstrip(":")


def _message(f: Finding, base: Path | None) -> str:
    lines = [f.message or f"Versions differ ({f.kind})."]
    primary = primary_version(f)
    words = "; ".join(f"“{s.text}”" + (f" ({s.pivot_text})" if s.pivot_text and s.pivot_text != s.text else "")
                      for s in (primary.spans if primary else ()))
    if words:
        lines.append(f"{primary.lang}: {words}")
    missing = missing_sentence(f)
    if missing is not None:
        lines.append(f"Missing here: {missing.lang} “{missing.text}”")
    others = [f"{v.lang} {report_path(v.path, base)}:{v.line}" for v in other_versions(f)]
    if others:
        lines.append("Other versions: " + ", ".join(others))
    lines.append(f"checker finding {f.id}")
    return "\n".join(lines)


# --- step summary -----------------------------------------------------------------------


def render_step_summary(result: RunResult, *, full_report: str | None = None, base: Path | None = None) -> str:
    """The Markdown the job's summary page shows: counts by severity and kind, the top findings."""
    findings = sorted(result.findings, key=_order)
    by_severity = Counter(f.severity for f in findings)
    severities = [s for s in SEVERITIES if by_severity[s]] + sorted(s for s in by_severity if s not in SEVERITIES)
    counts = ", ".join(f"{by_severity[s]} {s}" for s in severities)
    n = len(findings)
    out = [f"## Translation consistency: {n} finding{'s' if n != 1 else ''}" + (f" ({_md(counts)})" if counts else ""), ""]
    out.append(f"{len(result.version_sets)} version set{'s' if len(result.version_sets) != 1 else ''} compared"
               + (f", {len(result.unrelated)} unrelated file{'s' if len(result.unrelated) != 1 else ''} not compared"
                  if result.unrelated else "") + ".")
    out.append("")
    if findings:
        out += ["| severity | findings |", "|---|---:|"]
        out += [f"| {_md(s)} | {by_severity[s]} |" for s in severities]
        out.append("")
        by_kind = Counter((f.kind, f.severity) for f in findings)
        kinds = sorted({f.kind for f in findings})
        out.append("| kind | " + " | ".join(_md(s) for s in severities) + " | total |")
        out.append("|---|" + "---:|" * (len(severities) + 1))
        for kind in kinds:
            cells = [str(by_kind[(kind, s)]) for s in severities]
            out.append(f"| {_md(kind)} | " + " | ".join(cells) + f" | {sum(by_kind[(kind, s)] for s in severities)} |")
        out.append("")
        top = findings[:SUMMARY_TOP_FINDINGS]
        out += [f"### Top findings ({len(top)} of {n})" if len(top) < n else "### Findings", ""]
        out += ["| severity | kind | where | message |", "|---|---|---|---|"]
        for f in top:
            primary = primary_version(f)
            where = f"{primary.lang} {report_path(primary.path, base)}:{primary.line}" if primary else ""
            out.append(f"| {_md(f.severity)} | {_md(f.kind)} | {_md(where)} | {_md(f.message)} |")
        out.append("")
        if len(top) < n:
            out += [f"{n - len(top)} more in the full report" + (f": {_md(full_report)}" if full_report else "") + ".", ""]
    out += [f"<sub>checker {_md(result.tool_version)} · {_md(result.signature)}</sub>", ""]
    return "\n".join(out) + "\n"


def write_step_summary(
    result: RunResult, path: str | Path, *, full_report: str | None = None, base: Path | None = None
) -> None:
    """Append the summary to `path` ($GITHUB_STEP_SUMMARY is shared by every tool of the step)."""
    with open(path, "a", encoding="utf-8", newline="\n") as fh:
        fh.write(render_step_summary(result, full_report=full_report, base=base))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#!{}])")


def _md(text: str) -> str:
    """Input text shown literally in a Markdown table cell (no markup, no HTML, one line)."""
    text = " ".join(text.split())
    return html.escape(_MD_SPECIAL.sub(r"\\\1", text), quote=False)
