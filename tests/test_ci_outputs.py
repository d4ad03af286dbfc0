"""The CI formats (SARIF, GitHub Actions, GitLab Code Quality, JUnit), the format registry
and `--format` on the command line, on a hand-made RunResult (no models)."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pytest
from jsonschema import Draft4Validator
from junitparser import Failure, JUnitXml

from checker import cli
from checker.atomic_write import write_atomic
from checker.emit.files import finding_place, report_path
from checker.emit.formats import OUTPUT_FORMATS, RenderContext, parse_output_spec, parse_output_specs, write_outputs
from checker.emit.github import ANNOTATIONS_PER_LEVEL, render_github, render_step_summary
from checker.emit.gitlab import code_quality_issues
from checker.emit.junit import render_junit
from checker.emit.sarif import FINGERPRINT_KEY, sarif_log
from checker.errors import CheckerError
from checker.records import Document, Finding, FindingVersion, RunResult, Span, Unrelated, VersionSetReport, run_result_from_json, to_json_dict

from fakes import fake_backends, text_of
from report_samples import NUMBER_ID, OMISSION_ID, sample_result

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

# A file name with a space, a comma and a colon; a message with newlines, CR and `%`.
ODD_DE = "guides/de/set up, part: 1.md"
ODD_EN = "guides/en/set up, part: 1.md"
ODD_MESSAGE = "Rates differ: 100% in English,\nbut 50% in German.\r\nSee %0A and ::error:: here."
ODD_ID = "f-odd-rate"
DE_TEXT = "Anleitung\nDie Gebühr beträgt 50% des Preises.\nEnde."
EN_TEXT = "Guide\nThe fee is 100% of the price.\nEnd."
CONTROL_ID = "f-control"


def _version(lang: str, path: str, text: str, sentence: str, words: str, role: str) -> FindingVersion:
    start = text.index(sentence)
    w = text.index(words)
    return FindingVersion(
        lang, path, text.count("\n", 0, start) + 1, start, start + len(sentence), sentence, sentence, role,
        (Span(w, w + len(words), words, words),),
    )


def ci_result() -> RunResult:
    """The report samples plus a version set with odd file names, and one set without findings."""
    base = sample_result()
    odd_vs = VersionSetReport(
        id="guides/set up, part: 1",
        versions=(Document(ODD_EN, "en", EN_TEXT, "sha-en"), Document(ODD_DE, "de", DE_TEXT, "sha-de")),
    )
    odd = Finding(
        id=ODD_ID,
        version_set=odd_vs.id,
        kind="number",
        severity="major",
        score=0.9,
        message=ODD_MESSAGE,
        versions=(
            _version("de", ODD_DE, DE_TEXT, "Die Gebühr beträgt 50% des Preises.", "50%", "divergent"),
            _version("en", ODD_EN, EN_TEXT, "The fee is 100% of the price.", "100%", "reference"),
        ),
    )
    control = Finding(
        id=CONTROL_ID,
        version_set=odd_vs.id,
        kind="term",
        severity="minor",
        score=0.5,
        message="Control \x01 and \x1b[31m characters",
        versions=(
            _version("de", ODD_DE, DE_TEXT, "Ende.", "Ende", "divergent"),
            _version("en", ODD_EN, EN_TEXT, "End.", "End", "reference"),
        ),
    )
    quiet_vs = VersionSetReport(id="about", versions=(Document("about/en.md", "en", "Hi.", "s"),
                                                       Document("about/fr.md", "fr", "Salut.", "s")))
    return replace(
        base,
        version_sets=base.version_sets + (odd_vs, quiet_vs),
        findings=base.findings + (odd, control),
    )


def many_findings(major: int, minor: int, info: int) -> RunResult:
    base = ci_result()
    template = next(f for f in base.findings if f.id == ODD_ID)
    findings = [
        replace(template, id=f"f-{sev}-{i}", severity=sev)
        for sev, n in (("info", info), ("minor", minor), ("major", major))
        for i in range(n)
    ]
    return replace(base, findings=tuple(findings))


# --- shared places -------------------------------------------------------------------------------


def test_report_path_is_relative_with_forward_slashes(tmp_path):
    assert report_path(str(tmp_path / "a b" / "c.md"), base=tmp_path) == "a b/c.md"
    assert report_path("./docs/x.md", base=tmp_path) == "docs/x.md"
    assert report_path("/elsewhere/x.md", base=tmp_path) == "/elsewhere/x.md"


def test_place_has_columns_when_the_text_is_known_and_lines_otherwise():
    result = ci_result()
    odd = next(f for f in result.findings if f.id == ODD_ID)
    de = odd.versions[0]
    place = finding_place(de, {ODD_DE: DE_TEXT})
    line_text = DE_TEXT.split("\n")[1]
    assert (place.start_line, place.end_line) == (2, 2)
    assert line_text[place.start_column - 1 : place.end_column - 1] == "50%"
    assert DE_TEXT[place.char_offset : place.char_offset + place.char_length] == "50%"
    without = finding_place(de, {})
    assert (without.start_line, without.end_line, without.start_column) == (2, 2, None)


def test_write_atomic_leaves_no_temporary_file_and_names_a_folder_target(tmp_path):
    write_atomic(tmp_path / "new" / "r.txt", "one\n")
    write_atomic(tmp_path / "new" / "r.txt", "two\n")
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["r.txt"]
    assert (tmp_path / "new" / "r.txt").read_text(encoding="utf-8") == "two\n"
    with pytest.raises(IsADirectoryError) as err:
        write_atomic(tmp_path / "new", "x")
    assert err.value.filename == str(tmp_path / "new")


# --- SARIF -------------------------------------------------------------------------------------


def _sarif(result: RunResult) -> dict:
    return json.loads(OUTPUT_FORMATS["sarif"].render(result, RenderContext()))


def test_the_shipped_schema_is_the_unedited_official_one():
    raw = (Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")


def test_sarif_validates_against_the_official_schema():
    validator = Draft4Validator(SCHEMA)
    for result in (ci_result(), run_result_from_json(to_json_dict(ci_result())), replace(ci_result(), findings=())):
        errors = sorted(validator.iter_errors(_sarif(result)), key=str)
        assert errors == [], [e.message for e in errors[:3]]


def test_sarif_results_rules_levels_and_fingerprints():
    result = ci_result()
    log = _sarif(result)
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "checker"
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    assert all(r["shortDescription"]["text"] and r["fullDescription"]["text"] for r in rules)
    assert run["properties"]["signature"] == result.signature
    by_id = {r["partialFingerprints"][FINGERPRINT_KEY]: r for r in run["results"]}
    assert set(by_id) == {f.id for f in result.findings}
    for f in result.findings:
        r = by_id[f.id]
        assert r["level"] == {"major": "error", "minor": "warning", "info": "note"}[f.severity]
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"] == f.kind
        assert r["message"]["text"].startswith(f.message)
        assert len(r["relatedLocations"]) == len(f.versions) - 1
    # most severe first
    levels = [r["level"] for r in run["results"]]
    assert levels == sorted(levels, key=["error", "warning", "note"].index)


def test_a_gap_quotes_the_missing_sentence_in_every_one_line_format():
    # Code scanning, annotations and merge-request widgets show only the message: for an
    # omission it must say which sentence is missing (English first), not only where.
    result = ci_result()
    omission = next(f for f in result.findings if f.id == OMISSION_ID)
    english = next(v for v in omission.versions if v.lang == "en")
    quote = f"Missing here: en “{english.text}”"
    sarif = {r["partialFingerprints"][FINGERPRINT_KEY]: r for r in _sarif(result)["runs"][0]["results"]}
    assert sarif[OMISSION_ID]["message"]["text"] == f"{omission.message}\n{quote}"
    assert sarif[NUMBER_ID]["message"]["text"] == next(f for f in result.findings if f.id == NUMBER_ID).message
    annotation = next(line for line in render_github(result).splitlines() if OMISSION_ID in line)
    assert "%0A" + quote + "%0A" in annotation
    assert not any("Missing here" in line for line in render_github(result).splitlines() if NUMBER_ID in line)
    issues = [i for i in code_quality_issues(result) if i["check_name"] == "checker/omission"]
    assert [i["description"].endswith(quote) for i in issues] == [True]


def test_sarif_fingerprints_are_stable_across_runs_and_order():
    result = ci_result()
    first = _sarif(result)["runs"][0]["results"]
    again = _sarif(replace(result, findings=tuple(reversed(result.findings))))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in again]
    # a line shift does not change the fingerprint
    odd = next(f for f in result.findings if f.id == ODD_ID)
    shifted = replace(odd, versions=tuple(replace(v, line=v.line + 7) for v in odd.versions))
    r = _sarif(replace(result, findings=(shifted,)))["runs"][0]["results"][0]
    assert r["partialFingerprints"] == {FINGERPRINT_KEY: ODD_ID}


def test_sarif_location_is_the_divergent_words_with_an_encoded_relative_uri():
    run = _sarif(ci_result())["runs"][0]
    odd = next(r for r in run["results"] if r["partialFingerprints"][FINGERPRINT_KEY] == ODD_ID)
    loc = odd["locations"][0]["physicalLocation"]
    uri = loc["artifactLocation"]["uri"]
    assert " " not in uri and ":" not in uri and "," not in uri
    assert unquote(uri) == ODD_DE
    region = loc["region"]
    assert region["startLine"] == 2 and region["snippet"]["text"] == "50%"
    assert DE_TEXT[region["charOffset"] : region["charOffset"] + region["charLength"]] == "50%"
    assert DE_TEXT.split("\n")[1][region["startColumn"] - 1 : region["endColumn"] - 1] == "50%"
    assert loc["contextRegion"]["snippet"]["text"] == "Die Gebühr beträgt 50% des Preises."
    related = odd["relatedLocations"][0]["physicalLocation"]
    assert unquote(related["artifactLocation"]["uri"]) == ODD_EN and related["region"]["snippet"]["text"] == "100%"


def test_sarif_from_a_saved_report_gives_lines_only():
    saved = run_result_from_json(to_json_dict(ci_result()))
    run = _sarif(saved)["runs"][0]
    number = next(r for r in run["results"] if r["partialFingerprints"][FINGERPRINT_KEY] == NUMBER_ID)
    region = number["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 2 and "startColumn" not in region and "charOffset" not in region


def test_sarif_paths_are_relative_to_the_base(tmp_path):
    result = ci_result()
    odd = next(f for f in result.findings if f.id == ODD_ID)
    absolute = replace(odd, versions=tuple(replace(v, path=str(tmp_path / v.path)) for v in odd.versions))
    run = sarif_log(replace(result, findings=(absolute,)), base=tmp_path)["runs"][0]
    assert unquote(run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) == ODD_DE


# --- GitHub Actions ---------------------------------------------------------------------------------

# ::level key=value,key=value::message — values without raw `,` `:` or newlines, message without newlines.
_COMMAND = re.compile(r"^::(error|warning|notice)(?: ([A-Za-z]+=[^,:\r\n]*(?:,[A-Za-z]+=[^,:\r\n]*)*))?::([^\r\n]*)$")


def _unescape(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def _commands(text: str) -> list[tuple[str, dict[str, str], str]]:
    out = []
    for line in text.splitlines():
        m = _COMMAND.match(line)
        assert m, f"not a workflow command: {line!r}"
        props = dict(p.split("=", 1) for p in m.group(2).split(",")) if m.group(2) else {}
        out.append((m.group(1), {k: _unescape(v) for k, v in props.items()}, _unescape(m.group(3))))
    return out


def test_github_lines_follow_the_workflow_command_syntax_and_escape_everything():
    result = ci_result()
    commands = _commands(render_github(result))
    assert len(commands) == len(result.findings)
    assert Counter(level for level, _, _ in commands) == {"error": 2, "warning": 2, "notice": 1}
    level, props, message = next(c for c in commands if ODD_ID in c[2])
    assert level == "error"
    assert props["file"] == ODD_DE and props["line"] == "2" and props["endLine"] == "2"
    assert DE_TEXT.split("\n")[1][int(props["col"]) - 1 : int(props["endColumn"])] == "50%"
    assert props["title"] == "number (major): de ≠ en"
    assert message.startswith(ODD_MESSAGE)
    # the most severe come first
    order = [c[0] for c in commands]
    assert order == sorted(order, key=["error", "warning", "notice"].index)


def test_github_caps_annotations_per_level_and_says_how_many_are_left_out():
    commands = _commands(render_github(many_findings(major=25, minor=3, info=12), full_report="reports/x.html"))
    levels = Counter(level for level, _, _ in commands)
    assert levels["error"] == ANNOTATIONS_PER_LEVEL and levels["warning"] == 3
    assert levels["notice"] == ANNOTATIONS_PER_LEVEL  # 9 findings + the closing notice
    assert all(level == "error" for level, _, _ in commands[:ANNOTATIONS_PER_LEVEL])
    level, props, message = commands[-1]
    assert level == "notice" and props == {}
    assert message.startswith("18 more checker findings not shown") and "reports/x.html" in message


def test_github_within_the_cap_has_no_closing_notice():
    commands = _commands(render_github(many_findings(major=10, minor=10, info=10)))
    assert len(commands) == 30 and all(ODD_MESSAGE in m for _, _, m in commands)


def test_step_summary_counts_and_top_findings_in_markdown():
    md = render_step_summary(ci_result())
    assert md.startswith("## Translation consistency: 5 findings (2 major, 2 minor, 1 info)")
    assert "| major | 2 |" in md and "| number | 2 | 0 | 0 | 2 |" in md
    assert f"de {ODD_DE}:2" in md
    assert "<script>" not in md and "&lt;script&gt;" in md  # input text is shown, never rendered
    table_rows = [line for line in md.splitlines() if line.startswith("| ") and "docs/de/refund-policy.md:2" in line]
    assert all(line.count(" | ") == 3 for line in table_rows)


def test_write_outputs_writes_the_step_summary_only_for_github(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step output\n", encoding="utf-8")
    out = io.StringIO()
    written = write_outputs(ci_result(), ["github", f"sarif:{tmp_path / 'r.sarif'}"], out,
                            environ={"GITHUB_STEP_SUMMARY": str(summary)})
    assert written == [str(tmp_path / "r.sarif")]
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step output\n## Translation consistency")  # appended, not replaced
    assert len(_commands(out.getvalue())) == 5
    summary.unlink()
    write_outputs(ci_result(), [f"junit:{tmp_path / 'r.xml'}"], io.StringIO(), environ={"GITHUB_STEP_SUMMARY": str(summary)})
    assert not summary.exists()


# --- GitLab -----------------------------------------------------------------------------------------


def test_gitlab_code_quality_has_the_required_keys_and_unique_fingerprints():
    result = ci_result()
    issues = json.loads(OUTPUT_FORMATS["gitlab"].render(result, RenderContext()))
    assert len(issues) == len(result.findings)
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["path"], str) and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    odd = next(i for i in issues if i["location"]["path"] == ODD_DE and i["severity"] == "major")
    assert ODD_MESSAGE in odd["description"] and odd["location"]["lines"]["begin"] == 2
    # same findings, same fingerprints; a duplicated id still gets its own
    assert [i["fingerprint"] for i in code_quality_issues(result)] == [i["fingerprint"] for i in issues]
    doubled = code_quality_issues(replace(result, findings=result.findings + result.findings[:1]))
    assert len({i["fingerprint"] for i in doubled}) == len(doubled)


# --- JUnit ----------------------------------------------------------------------------------------------


def test_junit_parses_and_failures_equal_findings(tmp_path):
    result = ci_result()
    path = tmp_path / "junit.xml"
    path.write_text(render_junit(result), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    suites = {suite.name: suite for suite in xml}
    failures = [case for suite in xml for case in suite if any(isinstance(r, Failure) for r in case.result)]
    assert len(failures) == len(result.findings)
    assert sum(s.failures for s in suites.values()) == len(result.findings)
    for vs in result.version_sets:
        n = sum(1 for f in result.findings if f.version_set == vs.id)
        assert suites[vs.id].failures == n
        assert suites[vs.id].tests == max(n, 1)
    quiet = list(suites["about"])
    assert len(quiet) == 1 and quiet[0].is_passed
    assert suites["unrelated files"].skipped == len(result.unrelated)
    nameless = render_junit(replace(result, unrelated=(Unrelated("locale/app.pot", "", "a template"),)))
    assert 'name="locale/app.pot"' in nameless  # no empty "()" where the file has no language
    # hostile and odd text survives as text
    odd = next(case for case in failures if ODD_ID in case.name)
    assert odd.result[0].message == ODD_MESSAGE  # newlines and CR survive as character references
    assert ODD_DE in odd.result[0].text
    hostile = next(case for case in failures if "f-hostile-entity" in case.name)
    assert "<script>alert(3)</script>" in hostile.result[0].message
    control = next(case for case in failures if CONTROL_ID in case.name)
    assert control.result[0].message == "Control \\x01 and \\x1b[31m characters"


# --- the registry and the command line ------------------------------------------------------------


def test_format_specs_parse_and_explain_mistakes():
    assert parse_output_spec("sarif").path is None
    assert parse_output_spec("sarif:out dir/r.sarif").path == Path("out dir/r.sarif")
    assert parse_output_spec("JUnit=r.xml").format == "junit"
    assert set(OUTPUT_FORMATS) == {"text", "json", "html", "sarif", "github", "gitlab", "junit"}
    for bad, says in (("sarf", "unknown format 'sarf'"), ("html", "html needs a file"), ("sarif:", "no path")):
        with pytest.raises(CheckerError, match=re.escape(says)):
            parse_output_spec(bad)
    with pytest.raises(CheckerError, match="standard output"):
        parse_output_specs(["json", "sarif"])
    with pytest.raises(CheckerError, match="same file"):
        parse_output_specs(["json:r.out", "sarif=./r.out"])


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return tmp_path


def test_report_writes_sarif_end_to_end(workdir, capsys, monkeypatch):
    monkeypatch.setattr("checker.backends.registry.build_backends", lambda config: pytest.fail("no models here"))
    (workdir / "run.json").write_text(json.dumps(to_json_dict(ci_result()), ensure_ascii=False), encoding="utf-8")
    assert cli.main(["report", "run.json", "--format", "sarif:out/r.sarif"]) == 0
    log = json.loads((workdir / "out" / "r.sarif").read_text(encoding="utf-8"))
    assert list(Draft4Validator(SCHEMA).iter_errors(log)) == []
    assert {r["partialFingerprints"][FINGERPRINT_KEY] for r in log["runs"][0]["results"]} == {
        f.id for f in ci_result().findings
    }
    assert capsys.readouterr().out.strip() == "wrote out/r.sarif"


def test_report_to_stdout_keeps_stdout_to_the_format(workdir, capsys):
    (workdir / "run.json").write_text(json.dumps(to_json_dict(ci_result())), encoding="utf-8")
    assert cli.main(["report", "run.json", "--format", "gitlab", "--format", "junit:r.xml"]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)) == 5 and "wrote r.xml" in captured.err
    assert cli.main(["report", "run.json", "--format", "github", "--text"]) == 2
    assert "--text and --format github" in capsys.readouterr().err
    assert cli.main(["report", "run.json", "--format", "html"]) == 2
    assert "html needs a file" in capsys.readouterr().err


def test_check_with_format_writes_only_what_was_asked(workdir, monkeypatch, capsys):
    monkeypatch.setattr("checker.backends.registry.build_backends", lambda config: fake_backends())
    site = workdir / "site"
    site.mkdir()
    for lang, keep in (("de", [0, 1, 2, 3, 4]), ("fr", [0, 1, 2, 3, 4]), ("id", [0, 1, 3, 4])):
        (site / f"{lang}.txt").write_text(text_of(lang, keep), encoding="utf-8")
    summary = workdir / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code = cli.main(["check", "site", "--format", "github", "--format", "junit:ci/checker.xml"])
    assert code == 1
    assert not (workdir / "reports").exists()
    captured = capsys.readouterr()
    commands = _commands(captured.out)
    assert commands and commands[0][0] == "error" and commands[0][1]["file"].startswith("site/")
    assert "wrote ci/checker.xml" in captured.err
    assert JUnitXml.fromfile(str(workdir / "ci" / "checker.xml")).failures == len(commands)
    assert summary.read_text(encoding="utf-8").startswith("## Translation consistency")
    assert cli.main(["check", "site", "--format", "nope"]) == 2
    assert "unknown format 'nope'" in capsys.readouterr().err


def test_help_teaches_the_formats(capsys):
    with pytest.raises(SystemExit):
        cli.main(["check", "--help"])
    out = capsys.readouterr().out
    assert "--format FORMAT[:PATH]" in out and "upload-sarif" in out
    assert all(name in out for name in OUTPUT_FORMATS)
