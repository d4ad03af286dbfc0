"""The output formats by name, and `--format FORMAT[:PATH]` specs written out.

    OUTPUT_FORMATS["sarif"].render(result, context) -> str

A spec is `FORMAT` (to standard output) or `FORMAT:PATH` / `FORMAT=PATH` (to a file, written
atomically). `html` always needs a path. At most one format goes to standard output, so
what a CI step reads from it stays one well-formed document.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence, TextIO

from checker.errors import CheckerError
from checker.records import RunResult, to_json_dict

from ..atomic_write import write_all_atomic


@dataclass(frozen=True)
class RenderContext:
    color: bool = False  # ANSI colours in the text format (only for a terminal)
    full_report: str | None = None  # where the complete report is, for formats that must cut it short
    base: Path | None = None  # paths are written relative to this folder (default: the working folder)


@dataclass(frozen=True)
class OutputFormat:
    name: str
    description: str
    render: Callable[[RunResult, RenderContext], str]
    to_stdout: bool = True  # html is a whole page: only ever a file


@dataclass(frozen=True)
class OutputSpec:
    format: str
    path: Path | None  # None: standard output

    def __str__(self) -> str:
        return self.format if self.path is None else f"{self.format}:{self.path}"


def _text(result: RunResult, ctx: RenderContext) -> str:
    from .text import render_text

    return render_text(result, color=ctx.color)


def _json(result: RunResult, ctx: RenderContext) -> str:
    return json.dumps(to_json_dict(result), ensure_ascii=False, indent=2) + "\n"


def _html(result: RunResult, ctx: RenderContext) -> str:
    from .html import render_html

    return render_html(result)


def _sarif(result: RunResult, ctx: RenderContext) -> str:
    from .sarif import render_sarif

    return render_sarif(result, base=ctx.base)


def _github(result: RunResult, ctx: RenderContext) -> str:
    from .github import render_github

    return render_github(result, full_report=ctx.full_report, base=ctx.base)


def _gitlab(result: RunResult, ctx: RenderContext) -> str:
    from .gitlab import render_gitlab

    return render_gitlab(result, base=ctx.base)


def _junit(result: RunResult, ctx: RenderContext) -> str:
    from .junit import render_junit

    return render_junit(result, base=ctx.base)


OUTPUT_FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat("text", "the terminal summary", _text),
        OutputFormat("json", "the full JSON report (checker-report/1; `checker report` re-renders it)", _json),
        OutputFormat("html", "the self-contained HTML report for editors (needs a path)", _html, to_stdout=False),
        OutputFormat("sarif", "SARIF 2.1.0 for GitHub code scanning and IDEs", _sarif),
        OutputFormat("github", "GitHub Actions annotations (+ job summary when $GITHUB_STEP_SUMMARY is set)", _github),
        OutputFormat("gitlab", "GitLab Code Quality JSON (artifacts:reports:codequality)", _gitlab),
        OutputFormat("junit", "JUnit XML for CI test views (GitLab, Jenkins, Azure DevOps)", _junit),
    )
}
# When a format cuts the findings short (github), it points at the first of these written to a file.
_FULL_REPORT_PREFERENCE = ("html", "json", "sarif", "junit", "gitlab")


def parse_output_spec(spec: str) -> OutputSpec:
    """`sarif`, `sarif:out.sarif` or `sarif=out.sarif`; a CheckerError (exit 2) names the fix."""
    name, path = spec, None
    cut = min((i for i in (spec.find(":"), spec.find("=")) if i >= 0), default=-1)
    if cut >= 0:
        name, path = spec[:cut], spec[cut + 1 :]
    name = name.strip().lower()
    if name not in OUTPUT_FORMATS:
        raise CheckerError(
            f"--format {spec}: unknown format {name!r} (use FORMAT or FORMAT:PATH, FORMAT one of "
            f"{', '.join(OUTPUT_FORMATS)})"
        )
    if path is not None and not path.strip():
        raise CheckerError(f"--format {spec}: no path after {name!r} (use {name}:PATH, or {name} for standard output)")
    if path is None and not OUTPUT_FORMATS[name].to_stdout:
        raise CheckerError(f"--format {spec}: {name} needs a file (use {name}:PATH, e.g. {name}:reports/report.{name})")
    return OutputSpec(name, Path(path) if path is not None else None)


def parse_output_specs(specs: Sequence[str | OutputSpec]) -> list[OutputSpec]:
    """Parse and cross-check: one format at most on standard output, no file named twice."""
    parsed = [s if isinstance(s, OutputSpec) else parse_output_spec(s) for s in specs]
    to_stdout = [s for s in parsed if s.path is None]
    if len(to_stdout) > 1:
        names = ", ".join(s.format for s in to_stdout)
        raise CheckerError(
            f"--format: {names} would all go to standard output; give all but one a path (FORMAT:PATH)"
        )
    seen: dict[Path, OutputSpec] = {}
    for s in parsed:
        if s.path is None:
            continue
        key = Path(os.path.abspath(s.path))
        if key in seen:
            raise CheckerError(f"--format {seen[key]} and --format {s} write the same file; give each its own path")
        seen[key] = s
    return parsed


def writes_to_stdout(specs: Sequence[OutputSpec]) -> bool:
    return any(s.path is None for s in specs)


def write_outputs(
    result: RunResult,
    specs: Sequence[str | OutputSpec],
    stdout: TextIO,
    *,
    color: bool = False,
    full_report: str | None = None,
    base: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """Render every spec, write the files atomically and together, and the stdout one to `stdout`.

    Returns the files written, in spec order. With a `github` spec and `$GITHUB_STEP_SUMMARY`
    set (in `environ`, default the process environment), the job summary is appended too.
    `full_report`: a report file written elsewhere (e.g. `--html`), named when a format must
    cut the findings short; by default the first complete report among the specs' files.
    """
    parsed = parse_output_specs(specs)
    environ = os.environ if environ is None else environ
    full_report = full_report or _full_report(parsed)
    rendered: list[tuple[OutputSpec, str]] = []
    for spec in parsed:
        ctx = RenderContext(color=color and spec.path is None and spec.format == "text", full_report=full_report, base=base)
        rendered.append((spec, OUTPUT_FORMATS[spec.format].render(result, ctx)))
    # the files of one run are replaced together or not at all
    files = [(spec.path, text) for spec, text in rendered if spec.path is not None]
    write_all_atomic(files)
    for spec, text in rendered:
        if spec.path is None:
            stdout.write(text)
            stdout.flush()
    written = [str(path) for path, _ in files]
    summary_path = environ.get("GITHUB_STEP_SUMMARY")
    if summary_path and any(s.format == "github" for s in parsed):
        from .github import write_step_summary

        write_step_summary(result, summary_path, full_report=full_report, base=base)
    return written


def _full_report(specs: Sequence[OutputSpec]) -> str | None:
    for name in _FULL_REPORT_PREFERENCE:
        for s in specs:
            if s.format == name and s.path is not None:
                return str(s.path)
    return None


def formats_help() -> str:
    """One line per format, for `--help`."""
    width = max(len(n) for n in OUTPUT_FORMATS)
    return "\n".join(f"  {f.name.ljust(width)}  {f.description}" for f in OUTPUT_FORMATS.values())
