"""The terminal summary."""

from __future__ import annotations

from dataclasses import replace

from report_samples import sample_result

from checker.emit.text import render_text, summary_line
from checker.records import RunResult, Unrelated


def test_plain_summary_lists_findings_per_version_set() -> None:
    out = render_text(sample_result(), color=False)
    assert "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == "docs/refund-policy  (en, de, fr)"
    assert lines[1] == "  major  number    de ≠ en fr  docs/de/refund-policy.md:2"
    assert lines[2].startswith("         The return period differs")
    assert lines[2].endswith('de "14 Tagen" (14 days)')
    assert "  minor  omission  de ≠ en fr  docs/de/refund-policy.md:2" in lines
    assert "unrelated: notes/todo.txt (en): no other language version found" in lines
    assert lines[-1] == "3 findings (1 major, 1 minor, 1 info) in 2 version sets; 2 unrelated files"


def test_an_unrelated_file_without_a_language_shows_no_empty_brackets() -> None:
    # a .pot template or a file that could not be read has no language to show
    result = replace(sample_result(), unrelated=(Unrelated("locale/app.pot", "", "a gettext template"),))
    assert "unrelated: locale/app.pot: a gettext template" in render_text(result, color=False).splitlines()


def test_color_marks_severity_only_when_asked() -> None:
    out = render_text(sample_result(), color=True)
    assert "\x1b[1;31mmajor\x1b[0m" in out
    assert out.rstrip("\n").endswith("unrelated files\x1b[0m")


def test_control_characters_from_input_cannot_drive_the_terminal() -> None:
    result = sample_result()
    evil = replace(result.findings[0], message="erase\x1b[2J\x1b]0;title\x07 done\nnext")
    out = render_text(replace(result, findings=(evil,)), color=False)
    assert "\x1b" not in out and "\x07" not in out
    assert "erase\\x1b[2J\\x1b]0;title\\x07 done next" in out


def test_summary_line_counts_and_plurals() -> None:
    empty = RunResult(tool_version="0", signature="", version_sets=(), unrelated=(), findings=())
    assert summary_line(empty) == "0 findings in 0 version sets"
    one = replace(sample_result(), unrelated=(Unrelated("a.txt", "en", "alone"),))
    one = replace(one, version_sets=one.version_sets[:1], findings=one.findings[:1])
    assert summary_line(one) == "1 finding (1 major) in 1 version set; 1 unrelated file"
