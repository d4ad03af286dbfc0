"""Review decisions (checker/decisions.py) and `--decisions FILE` on the command line, with fake
backends: dismissed findings leave the reports and the exit code, and are counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_samples import HOSTILE_ID, NUMBER_ID, OMISSION_ID, sample_result

from checker import cli
from checker.decisions import SCHEMA, Decision, apply_decisions, dismissed_summary, load_decisions, parse_decisions
from checker.emit.html import render_html
from checker.emit.text import render_text, summary_line
from checker.errors import CheckerError, InputError
from checker.records import run_result_from_json, to_json_dict

from fakes import fake_backends, text_of

LANGS = ("de", "fr", "id")


def write_decisions(path: Path, decisions: list[dict], schema: str = SCHEMA) -> Path:
    path.write_text(json.dumps({"schema": schema, "decisions": decisions}), encoding="utf-8")
    return path


# --- reading -------------------------------------------------------------------------------


def test_a_valid_file_is_read_in_order(tmp_path) -> None:
    path = write_decisions(
        tmp_path / "d.json",
        [
            {"id": "a", "status": "dismissed", "comment": "false alarm"},
            {"id": "b", "status": "accepted"},
            {"id": "c", "status": "unsure", "comment": None},
        ],
    )
    decisions = load_decisions(path)
    assert decisions.path == str(path)
    assert decisions.items == (
        Decision("a", "dismissed", "false alarm"),
        Decision("b", "accepted", ""),
        Decision("c", "unsure", ""),
    )


def test_the_html_export_shape_with_extra_keys_is_accepted(tmp_path) -> None:
    doc = {
        "schema": SCHEMA,
        "report": {"key": "abc", "signature": "pivot:x", "findings": 3},
        "exported": "2025-01-01T00:00:00Z",
        "decisions": [{"id": "a", "status": "dismissed", "comment": ""}],
    }
    path = tmp_path / "d.json"
    path.write_text("\ufeff" + json.dumps(doc), encoding="utf-8")  # a BOM is fine
    assert load_decisions(path).items == (Decision("a", "dismissed", ""),)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "not valid JSON (line 1"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (b"[]", "a JSON list, not an object"),
        (b'{"decisions": []}', "no schema"),
        (b'{"schema": "checker-report/1", "decisions": []}', "schema 'checker-report/1'"),
        (b'{"schema": "checker-decisions/1"}', '"decisions" must be a list'),
        (b'{"schema": "checker-decisions/1", "decisions": ["x"]}', "decision 1 is a JSON string"),
        (b'{"schema": "checker-decisions/1", "decisions": [{"status": "dismissed"}]}', "decision 1 has no finding id"),
        (b'{"schema": "checker-decisions/1", "decisions": [{"id": "a", "status": "wontfix"}]}', "'wontfix'"),
        (b'{"schema": "checker-decisions/1", "decisions": [{"id": "a", "status": "accepted", "comment": 3}]}', "comment"),
        (
            b'{"schema": "checker-decisions/1", "decisions": [{"id": "a", "status": "accepted"}, {"id": "a", "status": "dismissed"}]}',
            "decision 2 repeats the id 'a' of decision 1",
        ),
    ],
)
def test_a_bad_file_is_an_input_error_naming_it(tmp_path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad-decisions.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_decisions(path)
    message = str(info.value)
    assert message.startswith(str(path) + ": ")
    assert expected in message


def test_a_missing_file_or_a_folder_is_an_input_error(tmp_path) -> None:
    with pytest.raises(CheckerError, match="missing.json: no such decisions file"):
        load_decisions(tmp_path / "missing.json")
    with pytest.raises(CheckerError, match="is a folder"):
        load_decisions(tmp_path)


def test_a_bad_status_names_the_allowed_ones() -> None:
    with pytest.raises(InputError) as info:
        parse_decisions({"schema": SCHEMA, "decisions": [{"id": "x", "status": "Dismissed"}]}, "d.json")
    assert "'accepted', 'dismissed', 'unsure'" in str(info.value)


# --- applying --------------------------------------------------------------------------------


def _decisions(tmp_path, entries) -> object:
    return load_decisions(write_decisions(tmp_path / "review.json", entries))


def test_dismissed_findings_leave_the_run_and_are_recorded(tmp_path) -> None:
    result = sample_result()
    decisions = _decisions(
        tmp_path,
        [
            {"id": NUMBER_ID, "status": "dismissed", "comment": "14 days is right in DE"},
            {"id": OMISSION_ID, "status": "accepted", "comment": "fix it"},
            {"id": "gone", "status": "dismissed", "comment": "old"},
        ],
    )
    applied = apply_decisions(result, decisions)
    assert [f.id for f in applied.findings] == [OMISSION_ID, HOSTILE_ID]
    assert applied.summary() == {"findings": 2, "by_severity": {"minor": 1, "info": 1}}
    record = applied.config["decisions"]
    assert record["files"] == [str(tmp_path / "review.json")]
    assert [(d["id"], d["comment"], d["severity"], d["kind"]) for d in record["dismissed"]] == [
        (NUMBER_ID, "14 days is right in DE", "major", "number")
    ]
    assert record["applied"] == [{"id": OMISSION_ID, "status": "accepted", "comment": "fix it"}]
    assert record["unmatched"] == [{"id": "gone", "status": "dismissed", "comment": "old"}]
    # What was applied survives the JSON report, so `checker report` can say it again.
    again = run_result_from_json(json.loads(json.dumps(to_json_dict(applied))))
    assert again.config["decisions"] == record
    assert dismissed_summary(again) == (
        f"1 dismissed by decisions {tmp_path / 'review.json'} (1 decision matching no finding of this run)"
    )


def test_no_decisions_change_nothing(tmp_path) -> None:
    result = sample_result()
    assert dismissed_summary(result) == ""
    applied = apply_decisions(result, _decisions(tmp_path, []))
    assert applied.findings == result.findings
    assert dismissed_summary(applied) == f"0 dismissed by decisions {tmp_path / 'review.json'}"


def test_the_terminal_summary_counts_the_dismissed(tmp_path) -> None:
    applied = apply_decisions(sample_result(), _decisions(tmp_path, [{"id": HOSTILE_ID, "status": "dismissed"}]))
    line = summary_line(applied)
    assert line.startswith("2 findings (1 major, 1 minor) in 2 version sets")
    assert line.endswith(f"1 dismissed by decisions {tmp_path / 'review.json'}")
    assert HOSTILE_ID not in render_text(applied, color=False)


def test_the_html_report_leaves_dismissed_findings_out_and_says_so(tmp_path) -> None:
    hostile_comment = '<img src=x onerror="window.__pwned=1"> not a problem'
    applied = apply_decisions(
        sample_result(),
        _decisions(
            tmp_path,
            [
                {"id": NUMBER_ID, "status": "dismissed", "comment": hostile_comment},
                {"id": OMISSION_ID, "status": "unsure", "comment": "ask legal"},
            ],
        ),
    )
    page = render_html(applied)
    assert f'<li class="finding" id="finding-{NUMBER_ID}"' not in page
    assert "1 finding dismissed by decisions" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt; not a problem" in page
    # The dismissed decision travels on (for the next export); the unsure one starts the page's state.
    assert f'data-decision-id="{NUMBER_ID}" data-status="dismissed"' in page
    assert 'data-status="unsure" data-comment="ask legal"' in page


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture
def built(monkeypatch) -> list:
    """Fake backends for every command (as tests/test_cli.py); one entry per backends built."""
    made: list = []

    def build(config):
        made.append(config)
        return fake_backends()

    monkeypatch.setattr("checker.backends.registry.build_backends", build)
    return made


@pytest.fixture
def site(tmp_path, monkeypatch, built) -> Path:
    """site/{de,fr,id}.txt where id leaves out sentence 2: one major omission."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "site"
    root.mkdir()
    for lang in LANGS:
        keep = [k for k in range(5) if not (lang == "id" and k == 2)]
        (root / f"{lang}.txt").write_text(text_of(lang, keep), encoding="utf-8")
    return root


def test_check_with_decisions_leaves_the_dismissed_finding_out_and_exits_0(site, tmp_path, capsys) -> None:
    assert cli.main(["check", "site", "--json", "run.json", "--quiet"]) == 1
    (finding,) = json.loads(Path("run.json").read_text(encoding="utf-8"))["findings"]
    assert finding["severity"] == "major"
    write_decisions(Path("review.json"), [{"id": finding["id"], "status": "dismissed", "comment": "cut on purpose"}])
    capsys.readouterr()

    code = cli.main(["check", "site", "--json", "after.json", "--html", "after.html", "--no-color", "--decisions", "review.json"])
    out = capsys.readouterr().out
    assert code == 0
    after = json.loads(Path("after.json").read_text(encoding="utf-8"))
    assert after["findings"] == [] and after["summary"] == {"findings": 0, "by_severity": {}}
    assert [d["id"] for d in after["config"]["decisions"]["dismissed"]] == [finding["id"]]
    assert "0 findings in 1 version set; 1 dismissed by decisions review.json" in out
    html = Path("after.html").read_text(encoding="utf-8")
    assert f'data-finding-id="{finding["id"]}"' not in html and "cut on purpose" in html


def test_accepted_and_unsure_decisions_keep_the_exit_code(site, capsys) -> None:
    assert cli.main(["check", "site", "--json", "run.json", "--quiet"]) == 1
    (finding,) = json.loads(Path("run.json").read_text(encoding="utf-8"))["findings"]
    for status in ("accepted", "unsure"):
        write_decisions(Path("review.json"), [{"id": finding["id"], "status": status}])
        assert cli.main(["check", "site", "--json", "after.json", "--quiet", "--decisions", "review.json"]) == 1
        assert [f["id"] for f in json.loads(Path("after.json").read_text(encoding="utf-8"))["findings"]] == [finding["id"]]


def test_a_bad_decisions_file_exits_2_before_any_model_loads(site, built, capsys) -> None:
    Path("review.json").write_text('{"schema": "checker-decisions/1", "decisions": [{"id": "x"}]}', encoding="utf-8")
    code = cli.main(["check", "site", "--json", "run.json", "--decisions", "review.json"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("checker: error: review.json: decision 1 (x) has status None")
    assert not Path("run.json").exists()
    assert built == []
    assert cli.main(["check", "site", "--decisions", "nowhere.json"]) == 2
    assert "nowhere.json: no such decisions file" in capsys.readouterr().err


def test_report_applies_decisions_too(site, capsys) -> None:
    assert cli.main(["check", "site", "--json", "run.json", "--quiet"]) == 1
    (finding,) = json.loads(Path("run.json").read_text(encoding="utf-8"))["findings"]
    write_decisions(Path("review.json"), [{"id": finding["id"], "status": "dismissed"}])
    capsys.readouterr()
    assert cli.main(["report", "run.json", "--decisions", "review.json", "--html", "out.html", "--text", "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "1 dismissed by decisions review.json" in out
    assert f'data-finding-id="{finding["id"]}"' not in Path("out.html").read_text(encoding="utf-8")
    assert cli.main(["report", "run.json", "--decisions", "run.json"]) == 2  # a report is not a decisions file
    assert "run.json: is not a decisions file (schema 'checker-report/1'" in capsys.readouterr().err


def test_check_help_mentions_decisions(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["check", "--help"])
    assert "--decisions FILE" in capsys.readouterr().out
