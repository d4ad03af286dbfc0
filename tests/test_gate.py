"""The CI gate with memory: baseline fingerprints and files (checker/baseline.py), inline and
configured suppressions and ignored kinds (checker/suppress.py), their configuration, and
`checker check --baseline` / `checker baseline create` end to end with fake backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_samples import HOSTILE_ID, NUMBER_ID, OMISSION_ID, PATHS, sample_result

from checker import cli
from checker.baseline import (
    SCHEMA,
    Baseline,
    BaselineEntry,
    filter_new,
    fingerprint,
    gate_lines,
    load_baseline,
    record_gate,
    save_baseline,
)
from checker.config import load_config
from checker.errors import CheckerError, InputError
from checker.records import Document, Finding, FindingVersion, RunResult, VersionSetReport
from checker.suppress import SuppressRule, apply_suppressions, find_markers

from fakes import fake_backends

# Two versions of a short text; the English one is the reference for rule findings.
EN = [
    "The council approved the new budget.",
    "The river flooded the old village in 2019.",
    "Children play football in the park.",
    "The museum opens every morning at 9.",
    "The bakery sells fresh bread.",
]
DE = [
    "Der Rat genehmigte den neuen Haushalt.",
    "Der Fluss überflutete das alte Dorf im Jahr 2019.",
    "Kinder spielen Fußball im Park.",
    "Das Museum öffnet jeden Morgen um 9.",
    "Die Bäckerei verkauft frisches Brot.",
]


def write_pair(root: Path, en: list[str], de: list[str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "en.txt").write_text("\n".join(en) + "\n", encoding="utf-8")
    (root / "de.txt").write_text("\n".join(de) + "\n", encoding="utf-8")
    return root


def changed(sentences: list[str], index: int, old: str, new: str) -> list[str]:
    out = list(sentences)
    assert old in out[index]
    out[index] = out[index].replace(old, new)
    return out


def findings_of(root: Path) -> list[Finding]:
    from checker.pipeline import run_check

    return list(run_check([str(root)], load_config(), fake_backends()).findings)


# --- fingerprints -------------------------------------------------------------------------


def test_fingerprint_survives_shifted_lines_and_edits_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    de = changed(DE, 3, "um 9", "um 10")
    (before,) = findings_of(write_pair(tmp_path / "site", EN, de))
    assert before.kind == "number"
    assert fingerprint(before) == before.id  # the finding id is the fingerprint

    # a sentence added at the top of both versions: the finding moves down a line
    (shifted,) = findings_of(write_pair(tmp_path / "site", ["The bakery sells fresh bread.", *EN],
                                        ["Die Bäckerei verkauft frisches Brot.", *de]))
    divergent = next(v for v in shifted.versions if v.role == "divergent")
    assert divergent.line == 5 and next(v for v in before.versions if v.role == "divergent").line == 4
    assert fingerprint(shifted) == fingerprint(before)

    # another sentence of the divergent file edited
    (edited,) = findings_of(write_pair(tmp_path / "site", EN, changed(de, 2, "im Park", "im schönen Park")))
    assert fingerprint(edited) == fingerprint(before)

    # the divergent sentence itself edited: another finding
    (other,) = findings_of(write_pair(tmp_path / "site", EN, changed(DE, 3, "um 9", "um 11")))
    assert fingerprint(other) != fingerprint(before)


# --- baseline file ------------------------------------------------------------------------


def test_baseline_round_trips_sorted_and_atomically(tmp_path):
    result = sample_result()
    baseline = Baseline.from_result(result, created_at="2025-01-01T00:00:00Z")
    path = tmp_path / "ci" / "checker-baseline.json"
    save_baseline(baseline, path)
    assert [p.name for p in path.parent.iterdir()] == ["checker-baseline.json"]  # no temp file left

    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == SCHEMA == "checker-baseline/1"
    assert data["tool"]["signature"] == result.signature and data["created_at"] == "2025-01-01T00:00:00Z"
    rows = data["findings"]
    assert {r["id"] for r in rows} == {NUMBER_ID, OMISSION_ID, HOSTILE_ID}
    assert all(r["fingerprint"] == r["id"] for r in rows)
    assert rows == sorted(rows, key=lambda r: (r["path"], r["line"], r["kind"], r["fingerprint"]))
    number = next(r for r in rows if r["id"] == NUMBER_ID)
    assert (number["kind"], number["path"], number["line"]) == ("number", PATHS["de"], 2)  # the divergent version
    assert number["message"].startswith("The return period differs")

    loaded = load_baseline(path)
    assert loaded.entries == baseline.entries and loaded.path == str(path)
    assert (loaded.signature, loaded.created_at) == (baseline.signature, baseline.created_at)
    save_baseline(loaded, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content, problem",
    [
        (None, "no such baseline file"),
        ("{not json", "not valid JSON"),
        ('{"schema": "checker-report/1", "findings": []}', "not a checker baseline"),
        ('{"schema": "checker-baseline/1", "findings": {}}', '"findings" must be a list'),
        ('{"schema": "checker-baseline/1", "findings": [{"kind": "number"}]}', "finding 1 has no fingerprint"),
    ],
)
def test_a_bad_baseline_is_an_input_error_naming_the_file_and_the_fix(tmp_path, content, problem):
    path = tmp_path / "base.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_baseline(path)
    message = str(info.value)
    assert message.startswith(str(path)) and problem in message
    assert "checker baseline create" in message


def test_filter_new_keeps_only_new_findings_and_counts(tmp_path):
    result = sample_result()
    known = [BaselineEntry.of(f) for f in result.findings if f.id != HOSTILE_ID]
    gone_here = BaselineEntry("gone-1", "gone-1", "date", PATHS["fr"], 3, "fixed since")
    elsewhere = BaselineEntry("gone-2", "gone-2", "date", "other/site/de.md", 3, "a file not checked in this run")
    baseline = Baseline((*known, gone_here, elsewhere), path="base.json")

    filtered, stats = filter_new(result, baseline)
    assert [f.id for f in filtered.findings] == [HOSTILE_ID]
    assert (stats.matched, stats.new) == (2, 1)
    assert [e.fingerprint for e in stats.fixed] == ["gone-1"]  # not the entry of an unchecked file
    assert stats.summary() == "1 new, 2 in baseline, 1 fixed"
    assert filtered.version_sets == result.version_sets and filtered.unrelated == result.unrelated

    recorded = record_gate(filtered, stats=stats)
    assert recorded.config["gate"]["baseline"]["matched"] == 2
    assert gate_lines(recorded) == ["baseline base.json: 1 new, 2 in baseline, 1 fixed"]


# --- inline markers -----------------------------------------------------------------------


def version(path: Path, line: int, role: str = "divergent", lang: str = "de", text: str = "Ein Satz.") -> FindingVersion:
    return FindingVersion(lang, str(path), line, 0, len(text), text, "", role, ())


def finding(fid: str, kind: str, *versions: FindingVersion) -> Finding:
    return Finding(fid, "site", kind, "major", 0.9, f"{kind} differs", tuple(versions))


def run_of(*findings: Finding, files: tuple[Path, ...] = ()) -> RunResult:
    docs = tuple(Document(str(p), p.stem, "", "") for p in files)
    return RunResult("0.1.0", "sig", (VersionSetReport("site", docs),), (), tuple(findings))


def lines_file(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_marker_on_the_same_line_or_the_line_before_suppresses(tmp_path):
    de = lines_file(
        tmp_path / "de.md",
        "Erster Satz.",
        "Zweiter Satz mit 14 Tagen. <!-- checker: ignore[number] -->",
        "<!-- checker: ignore[number, date] -->",
        "Vierter Satz am 3. Mai.",
        "Fünfter Satz.",
    )
    same_line = finding("same", "number", version(de, 2), version(tmp_path / "en.md", 2, "reference", "en"))
    line_after = finding("after", "date", version(de, 4))
    untouched = finding("later", "number", version(de, 5))  # two lines below the marker
    kept, report = apply_suppressions(run_of(same_line, line_after, untouched, files=(de,)), (), {})
    assert [f.id for f in kept.findings] == ["later"]
    assert [(s.finding.id, s.by, s.where) for s in report.suppressed] == [
        ("same", "inline", f"{de}:2"),
        ("after", "inline", f"{de}:3"),
    ]
    assert report.unused == ()


def test_marker_for_another_kind_does_not_suppress_and_is_reported_unused(tmp_path):
    de = lines_file(tmp_path / "de.txt", "# checker: ignore[date]", "Zweiter Satz mit 14 Tagen.", "# checker: ignore[nmber]", "x")
    number = finding("n", "number", version(de, 2))
    kept, report = apply_suppressions(run_of(number, files=(de,)), (), {})
    assert [f.id for f in kept.findings] == ["n"]
    assert [(u.where, u.what, u.note) for u in report.unused] == [
        (f"{de}:1", "checker: ignore[date]", ""),
        (f"{de}:3", "checker: ignore[nmber]", "unknown kind nmber"),
    ]
    lines = gate_lines(record_gate(kept, report))
    assert lines[0] == f"warning: {de}:1: unused suppression checker: ignore[date]: matches no finding of this run"
    assert "unknown kind nmber" in lines[1]


def test_a_bare_marker_covers_every_kind_but_only_divergent_versions(tmp_path):
    de = lines_file(tmp_path / "de.md", "<!-- checker: ignore -->", "Satz eins.", "Satz zwei.")
    en = lines_file(tmp_path / "en.md", "Sentence one.", "Sentence two. <!-- checker: ignore -->")
    term = finding("t", "term", version(de, 2))
    # a marker on a reference version's sentence says nothing about a number finding
    number = finding("n", "number", version(de, 3), version(en, 2, "reference", "en"))
    kept, report = apply_suppressions(run_of(term, number, files=(de, en)), (), {})
    assert [f.id for f in kept.findings] == ["n"]
    assert [s.finding.id for s in report.suppressed] == ["t"]
    assert [u.where for u in report.unused] == [f"{en}:2"]


@pytest.mark.parametrize("in_english", [False, True])
def test_omission_marker_at_the_gap_or_in_the_reference(tmp_path, in_english):
    marker = ["<!-- checker: ignore[omission] -->"] if in_english else []
    en = lines_file(tmp_path / "en.md", "First.", *marker, "Only in English.", "Last.")
    de = lines_file(tmp_path / "de.md", "Erster.", "<!-- checker: ignore[omission] -->", "Letzter.")
    fr = lines_file(tmp_path / "fr.md", "Premier.", "Dernier.")
    only = 3 if in_english else 2
    # de and fr lack "Only in English."; their gap sits after their line 1
    missing_de = finding("de-gap", "omission", version(de, 1, text=""), version(en, only, "reference", "en"))
    missing_fr = finding("fr-gap", "omission", version(fr, 1, lang="fr", text=""), version(en, only, "reference", "en"))
    # an addition is not an omission: a marker on the reference's sentence does not cover it
    added = finding("added", "addition", version(fr, 2, lang="fr", text="Dernier."), version(en, only, "reference", "en"))
    kept, report = apply_suppressions(run_of(missing_de, missing_fr, added, files=(de, en, fr)), (), {})
    suppressed = {(s.finding.id, s.where) for s in report.suppressed}
    if in_english:  # "the others may leave this out": every version's gap
        assert [f.id for f in kept.findings] == ["added"]
        assert suppressed == {("de-gap", f"{de}:2"), ("fr-gap", f"{en}:2")}
    else:
        assert [f.id for f in kept.findings] == ["fr-gap", "added"]
        assert suppressed == {("de-gap", f"{de}:2")}
    assert report.unused == ()


def test_a_trailing_marker_covers_its_own_line_only(tmp_path):
    de = lines_file(tmp_path / "de.md", "Satz eins. <!-- checker: ignore -->", "Satz zwei.", "key: x  # checker: ignore", "y")
    one, two = finding("1", "term", version(de, 1)), finding("2", "term", version(de, 2))
    three, four = finding("3", "term", version(de, 3)), finding("4", "term", version(de, 4))
    kept, _ = apply_suppressions(run_of(one, two, three, four, files=(de,)), (), {})
    assert [f.id for f in kept.findings] == ["2", "4"]


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("<!-- checker: ignore[number] -->", ("number",)),
        ("# checker: ignore[date, term]", ("date", "term")),
        ("#. checker: ignore", ()),
        ("<note>checker: ignore[entity]</note>", ("entity",)),
        ("key: value  # Checker: Ignore[NUMBER]", ("number",)),
    ],
)
def test_markers_in_every_comment_form(text, kinds):
    (marker,) = find_markers("f", "first line\n" + text + "\n")
    assert (marker.line, marker.kinds) == (2, kinds)


def test_no_marker_inside_longer_words_and_unit_notes_take_the_units_line():
    assert find_markers("f", "mychecker: ignore\nchecker: ignored\n") == []
    (marker,) = find_markers("f.po", "checker: ignore[term]", at_line=40)
    assert marker.line == 40


def test_extra_markers_replace_reading_their_file(tmp_path):
    po = lines_file(tmp_path / "de.po", "# checker: ignore[term]", 'msgid "x"')
    term = finding("t", "term", version(po, 12))
    (note,) = find_markers(str(po), "checker: ignore[term]", at_line=12)
    kept, report = apply_suppressions(run_of(term, files=(po,)), (), {}, extra_markers=[note])
    assert kept.findings == () and report.unused == ()  # the file's own line 1 marker was not read


def test_a_unit_note_seen_by_source_and_target_is_one_suppression(tmp_path):
    # A PO comment reaches the msgid (source version) and the msgstr (target version) of its
    # entry, in the same file at two lines: used through either copy, unused only once.
    po = lines_file(tmp_path / "de.po", "# checker: ignore[number]", 'msgid "15 minutes"', 'msgstr "20 Minuten"')
    notes = [
        *find_markers(str(po), "checker: ignore[number]", at_line=2, unit="15 minutes"),
        *find_markers(str(po), "checker: ignore[number]", at_line=3, unit="15 minutes"),
    ]
    number = finding("n", "number", version(po, 3), version(po, 2, "reference", "en"))
    kept, report = apply_suppressions(run_of(number, files=(po,)), (), {}, extra_markers=notes)
    assert kept.findings == () and report.unused == ()
    _, report = apply_suppressions(run_of(files=(po,)), (), {}, extra_markers=notes)
    assert [u.where for u in report.unused] == [f"{po}:2"]
    # the same comment text on another entry is another suppression
    other = find_markers(str(po), "checker: ignore[number]", at_line=9, unit="Bye")
    _, report = apply_suppressions(run_of(number, files=(po,)), (), {}, extra_markers=notes + other)
    assert [u.where for u in report.unused] == [f"{po}:9"]


def test_missing_files_are_skipped_and_inline_can_be_switched_off(tmp_path):
    de = lines_file(tmp_path / "de.md", "Satz. <!-- checker: ignore -->")
    result = run_of(finding("a", "term", version(de, 1)), finding("b", "term", version(tmp_path / "gone.md", 1)))
    assert [f.id for f in apply_suppressions(result, (), {})[0].findings] == ["b"]
    assert [f.id for f in apply_suppressions(result, (), {}, inline=False)[0].findings] == ["a", "b"]


# --- configured suppressions and ignored kinds --------------------------------------------


def sample_findings() -> RunResult:
    return sample_result()  # number (de divergent), omission (de gap), entity (hostile de)


def test_configured_suppressions_by_kind_path_lang_and_id():
    result = sample_findings()
    rules = (
        SuppressRule(kind="omission", reason="rewritten", source="checker.toml:3"),
        SuppressRule(path="ui/*", lang="de", reason="markup", source="checker.toml:7"),
        SuppressRule(id=NUMBER_ID, lang="fr", source="checker.toml:11"),  # fr is not the divergent version
        SuppressRule(path="*.txt", kind="number", source="checker.toml:15"),  # the number finding is in a .md
    )
    kept, report = apply_suppressions(result, rules, {}, inline=False)
    assert [f.id for f in kept.findings] == [NUMBER_ID]
    assert [(s.finding.id, s.by, s.where, s.reason) for s in report.suppressed] == [
        (OMISSION_ID, "config", "checker.toml:3", "rewritten"),
        (HOSTILE_ID, "config", "checker.toml:7", "markup"),
    ]
    assert [u.where for u in report.unused] == ["checker.toml:11", "checker.toml:15"]
    assert "id = " in report.unused[0].what and "lang = 'fr'" in report.unused[0].what


def test_path_glob_without_a_slash_matches_the_file_name():
    rule = SuppressRule(path="refund-*.md")
    number = next(f for f in sample_findings().findings if f.id == NUMBER_ID)
    assert rule.matches(number)
    assert SuppressRule(path="docs/de/*").matches(number)
    assert not SuppressRule(path="docs/fr/*").matches(number)  # fr is a reference version


def test_ignored_kinds_per_language_of_the_divergent_version():
    result = sample_findings()
    kept, report = apply_suppressions(result, (), {"de": ("number",), "en": ("omission",)}, inline=False)
    assert [f.id for f in kept.findings] == [OMISSION_ID, HOSTILE_ID]  # en is only a reference of the omission
    assert [(s.finding.id, s.by, s.where) for s in report.suppressed] == [(NUMBER_ID, "ignore", "[ignore] de")]
    assert report.unused == ()  # ignored kinds are a policy, not entries to use up


# --- configuration ------------------------------------------------------------------------


def test_suppress_and_ignore_are_read_from_checker_toml(tmp_path):
    (tmp_path / "checker.toml").write_text(
        'fail_on = "major"\n\n[[suppress]]\nkind = "term"\npath = "docs/*"\nreason = "noisy"\n\n'
        '[[suppress]]\nid = "abc"\n\n[ignore]\nid = ["term"]\nde = ["date", "number"]\n',
        encoding="utf-8",
    )
    config = load_config(search_from=tmp_path)
    where = str(tmp_path / "checker.toml")
    assert config.suppress == (
        SuppressRule(kind="term", path="docs/*", reason="noisy", source=f"{where}:3"),
        SuppressRule(id="abc", source=f"{where}:8"),
    )
    assert config.ignore == {"id": ("term",), "de": ("date", "number")}
    data = config.as_dict()
    assert data["ignore"] == {"id": ["term"], "de": ["date", "number"]}
    assert data["suppress"][0] == {"id": None, "kind": "term", "path": "docs/*", "lang": None, "reason": "noisy"}
    json.dumps(data)  # goes into the JSON report


def test_defaults_suppress_nothing_and_pyproject_works(tmp_path):
    assert (load_config().suppress, load_config().ignore) == ((), {})
    (tmp_path / "pyproject.toml").write_text(
        '[tool.checker]\nfail_on = "minor"\n[[tool.checker.suppress]]\nlang = "id"\n[tool.checker.ignore]\nfr = ["term"]\n',
        encoding="utf-8",
    )
    config = load_config(search_from=tmp_path)
    assert config.suppress == (SuppressRule(lang="id", source=f"{tmp_path / 'pyproject.toml'}:3"),)
    assert config.ignore == {"fr": ("term",)}


@pytest.mark.parametrize(
    "content, expected",
    [
        ('suppress = "term"\n', "'suppress' must be a list of tables"),
        ("suppress = [1]\n", "[[suppress]] entry 1 must be a table"),
        ('[[suppress]]\nkind = "term"\nwhy = "x"\n', "unknown setting 'suppress.why' (known: id, kind, path, lang, reason)"),
        ('[[suppress]]\nkind = "nmber"\n', "'suppress.kind' must be one of meaning, number"),
        ("[[suppress]]\nlang = 3\n", "'suppress.lang' must be a non-empty string, not 3"),
        ('[[suppress]]\nreason = "all of it"\n', "names none of id, kind, path, lang and would hide every finding"),
        ('ignore = ["term"]\n', "'ignore' must be a table of language = [kinds]"),
        ('[ignore]\nde = "term"\n', "'ignore.de' must be a list of finding kinds"),
        ('[ignore]\nde = ["terms"]\n', "'ignore.de' names unknown kind 'terms'"),
    ],
)
def test_config_errors_name_the_file_and_the_problem(tmp_path, content, expected):
    path = tmp_path / "checker.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CheckerError) as info:
        load_config(search_from=tmp_path)
    message = str(info.value)
    assert message.startswith(str(path)) and expected in message


def test_a_bad_suppress_entry_names_its_line(tmp_path):
    path = tmp_path / "checker.toml"
    path.write_text('[[suppress]]\nkind = "term"\n\n[[suppress]]\nkind = "bogus"\n', encoding="utf-8")
    with pytest.raises(CheckerError, match=f"^{path}:4: 'suppress.kind'"):
        load_config(search_from=tmp_path)


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working folder with fake backends (as in test_cli.py) and a private cache."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("checker.backends.registry.build_backends", lambda config: fake_backends())
    return tmp_path


def report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_baseline_gate_end_to_end(workdir, capsys):
    # one known divergence: the flood year
    write_pair(workdir / "site", EN, changed(DE, 1, "2019", "2018"))
    assert cli.main(["check", "site", "--json", "first.json", "--quiet"]) == 1
    (known,) = report(workdir / "first.json")["findings"]

    assert cli.main(["baseline", "create", "site", "--output", "ci/base.json"]) == 0
    assert "wrote ci/base.json: 1 finding in the baseline" in capsys.readouterr().out
    assert [e["fingerprint"] for e in report(workdir / "ci" / "base.json")["findings"]] == [known["id"]]

    # rerun against the baseline: nothing new, exit 0
    assert cli.main(["check", "site", "--baseline", "ci/base.json", "--json", "again.json", "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "baseline ci/base.json: 0 new, 1 in baseline, 0 fixed" in out
    data = report(workdir / "again.json")
    assert data["findings"] == [] and data["config"]["gate"]["baseline"]["matched"] == 1

    # one number changed in one version: exactly one new finding, exit 1
    write_pair(workdir / "site", EN, changed(changed(DE, 1, "2019", "2018"), 3, "um 9", "um 10"))
    assert cli.main(["check", "site", "--baseline", "ci/base.json", "--json", "new.json", "--no-color"]) == 1
    assert "baseline ci/base.json: 1 new, 1 in baseline, 0 fixed" in capsys.readouterr().out
    (new,) = report(workdir / "new.json")["findings"]
    assert new["kind"] == "number" and new["id"] != known["id"]
    assert [v["text"] for v in new["versions"] if v["role"] == "divergent"] == ["Das Museum öffnet jeden Morgen um 10."]

    # the known divergence fixed: counted as fixed, still exit 0 without new ones
    write_pair(workdir / "site", EN, DE)
    assert cli.main(["check", "site", "--baseline", "ci/base.json", "--json", "fixed.json", "--no-color"]) == 0
    assert "baseline ci/base.json: 0 new, 0 in baseline, 1 fixed" in capsys.readouterr().out


def test_baseline_from_a_saved_report_needs_no_models(workdir, monkeypatch, capsys):
    write_pair(workdir / "site", EN, changed(DE, 1, "2019", "2018"))
    assert cli.main(["check", "site", "--json", "run.json", "--quiet"]) == 1

    def refuse(config):
        raise AssertionError("no backend may be built here")

    monkeypatch.setattr("checker.backends.registry.build_backends", refuse)
    assert cli.main(["baseline", "create", "--from-report", "run.json", "--quiet"]) == 0
    saved = report(workdir / "checker-baseline.json")
    assert [e["id"] for e in saved["findings"]] == [f["id"] for f in report(workdir / "run.json")["findings"]]


@pytest.mark.parametrize("argv", [["baseline", "create"], ["baseline", "create", "site", "--from-report", "run.json"]])
def test_baseline_create_needs_paths_or_a_report_not_both(workdir, capsys, argv):
    assert cli.main(argv) == 2
    assert "either PATH... to check or --from-report" in capsys.readouterr().err


def test_a_missing_baseline_exits_2_before_any_model_loads(workdir, monkeypatch, capsys):
    write_pair(workdir / "site", EN, DE)
    monkeypatch.setattr("checker.backends.registry.build_backends", lambda config: pytest.fail("models loaded"))
    assert cli.main(["check", "site", "--baseline", "nope.json", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "nope.json: no such baseline file" in err and "checker baseline create" in err


def test_inline_and_unused_suppressions_through_check(workdir, capsys):
    de = changed(DE, 1, "2019", "2018")
    de[1] += " <!-- checker: ignore[number] -->"
    de[3] += " <!-- checker: ignore[date] -->"  # nothing to suppress there
    write_pair(workdir / "site", EN, de)
    assert cli.main(["check", "site", "--json", "out.json", "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "1 finding suppressed (inline 1)" in out
    assert "warning: site/de.txt:4: unused suppression checker: ignore[date]" in out
    gate = report(workdir / "out.json")["config"]["gate"]
    assert [(s["by"], s["where"], s["kind"]) for s in gate["suppressed"]] == [("inline", "site/de.txt:2", "number")]
    assert [u["where"] for u in gate["unused_suppressions"]] == ["site/de.txt:4"]

    assert cli.main(["check", "site", "--json", "out.json", "--quiet", "--strict-suppressions"]) == 1


def test_a_po_translator_comment_suppresses_through_check_without_an_unused_warning(workdir, capsys):
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: de\\n"\n\n'
    po = workdir / "locale" / "de" / "LC_MESSAGES" / "app.po"
    po.parent.mkdir(parents=True)
    po.write_text(header + (
        '# checker: ignore[number]\n'
        'msgid "Sessions expire after 15 minutes of inactivity."\n'
        'msgstr "Sitzungen laufen nach 20 Minuten Inaktivität ab."\n\n'
        'msgid "The river flooded the old village."\n'
        'msgstr "Der Fluss überflutete das alte Dorf."\n'
    ), encoding="utf-8")
    assert cli.main(["check", "locale", "--json", "out.json", "--no-color"]) in (0, 1)
    out = capsys.readouterr().out
    assert "1 finding suppressed (inline 1)" in out and "unused suppression" not in out
    assert not [f for f in report(workdir / "out.json")["findings"] if f["kind"] == "number"]
    assert report(workdir / "out.json")["config"]["gate"]["unused_suppressions"] == []


def test_configured_suppression_and_ignore_through_check(workdir, capsys):
    write_pair(workdir / "site", EN, changed(changed(DE, 1, "2019", "2018"), 3, "um 9", "um 10"))
    (workdir / "checker.toml").write_text(
        '[[suppress]]\nkind = "number"\npath = "site/de.txt"\nreason = "known"\n\n[[suppress]]\nlang = "fr"\n\n'
        '[ignore]\nen = ["number"]\n',  # en is the reference, not the version that differs
        encoding="utf-8",
    )
    code = cli.main(["check", "site", "--json", "out.json", "--no-color"])
    data = report(workdir / "out.json")
    gate = data["config"]["gate"]
    assert code == 0 and data["findings"] == []
    assert [(s["by"], s["kind"], s["reason"]) for s in gate["suppressed"]] == [("config", "number", "known")] * 2
    assert [u["where"] for u in gate["unused_suppressions"]] == [f"{workdir / 'checker.toml'}:6"]
    out = capsys.readouterr().out
    assert "2 findings suppressed (config 2)" in out
    assert f"warning: {workdir / 'checker.toml'}:6: unused suppression [[suppress]] lang = 'fr'" in out

    (workdir / "checker.toml").write_text('[ignore]\nde = ["number"]\n', encoding="utf-8")
    assert cli.main(["check", "site", "--json", "out.json", "--quiet"]) == 0
    assert [s["by"] for s in report(workdir / "out.json")["config"]["gate"]["suppressed"]] == ["ignore"] * 2


def test_baseline_help_shows_an_example(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["baseline", "create", "--help"])
    assert exit_info.value.code == 0
    assert "checker baseline create " in capsys.readouterr().out.split("usage:", 1)[1].split("\n", 1)[1]
