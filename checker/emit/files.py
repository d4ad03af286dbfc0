"""Files the CI formats write, and the places in input files they point at.

- `report_path`: an input path as CI platforms want it, relative to the working folder
  (the repository root in a CI job) with forward slashes.
- `finding_place` / `primary_version`: where a finding sits in a version's file (lines,
  and columns when the file's text is known), shared by SARIF, GitHub and GitLab output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Mapping

from checker.records import Finding, FindingVersion, RunResult


def report_path(path: str, base: Path | None = None) -> str:
    """`path` relative to `base` (default: the working folder) with forward slashes.

    A relative path is taken as relative to `base` already; an absolute path outside `base`
    stays absolute (no `../` chains a CI platform could not resolve either).
    """
    base = (base or Path.cwd()).resolve()
    p = Path(path)
    if p.is_absolute():
        try:
            return p.resolve().relative_to(base).as_posix()
        except ValueError:
            return p.as_posix()
    posix = PurePath(path).as_posix()
    while posix.startswith("./"):
        posix = posix[2:]
    return posix


@dataclass(frozen=True)
class Place:
    """A region of an input file: 1-based lines, and 1-based columns when the text is known.

    Columns count Unicode code points; `end_column` is the column just after the region
    (SARIF's convention), equal to `start_column` for an empty region (a gap).
    """

    path: str
    start_line: int
    end_line: int
    start_column: int | None = None
    end_column: int | None = None
    char_offset: int | None = None
    char_length: int | None = None

    @property
    def has_columns(self) -> bool:
        return self.start_column is not None and self.end_column is not None


def primary_version(finding: Finding) -> FindingVersion | None:
    """The version a CI annotation points at: the first divergent one, else the first."""
    divergent = [v for v in finding.versions if v.role == "divergent"]
    return (divergent or list(finding.versions) or [None])[0]


def other_versions(finding: Finding) -> list[FindingVersion]:
    primary = primary_version(finding)
    return [v for v in finding.versions if v is not primary]


def missing_sentence(finding: Finding) -> FindingVersion | None:
    """For a gap (the divergent version has no sentence there), the sentence it lacks as the
    reference versions have it, English first: what a one-line CI message should quote."""
    primary = primary_version(finding)
    if primary is None or primary.text or primary.role != "divergent":
        return None
    with_text = [v for v in other_versions(finding) if v.text]
    return next((v for v in with_text if v.lang == "en"), with_text[0] if with_text else None)


def document_texts(result: RunResult) -> dict[str, str]:
    """Full text of each input file the run still has (a report re-read from JSON has none)."""
    return {d.path: d.text for vs in result.version_sets for d in vs.versions if d.text}


def finding_place(version: FindingVersion, texts: Mapping[str, str], base: Path | None = None) -> Place:
    """Where `version`'s divergent words are (its spans), else its sentence.

    With the file's text: exact lines and columns. Without it (a re-read JSON report): the
    lines, counted from the sentence's own text.
    """
    path = report_path(version.path, base)
    start, end = _extent(version)
    text = texts.get(version.path)
    if text is not None and _consistent(text, version, end):
        start_line, start_column = _line_column(text, start)
        end_line, end_column = _line_column(text, end)
        return Place(path, start_line, end_line, start_column, end_column, start, end - start)
    return Place(path, _line_in_sentence(version, start), _line_in_sentence(version, end))


def _extent(version: FindingVersion) -> tuple[int, int]:
    if version.spans:
        return min(s.start for s in version.spans), max(s.end for s in version.spans)
    return version.start, version.end


def _consistent(text: str, version: FindingVersion, end: int) -> bool:
    """The file text is the one the offsets were taken from (same line for the sentence)."""
    return 0 <= version.start <= end <= len(text) and text.count("\n", 0, version.start) + 1 == version.line


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _line_in_sentence(version: FindingVersion, offset: int) -> int:
    """The line of `offset`, counted from the sentence start (its line is known)."""
    if version.end - version.start != len(version.text) or not version.start <= offset <= version.end:
        return version.line
    return version.line + version.text.count("\n", 0, offset - version.start)
