"""The command line end to end, with the model backends replaced by fakes: exit codes,
error messages that name the file, default report paths, `report` and `pairs`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import cli
from checker.backends.registry import Backends

from fakes import OTHER, SENTENCES, FakeNli, FakeTranslator, fake_backends, text_of

LANGS = ("de", "fr", "id")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working folder (no project config above it) and a private translation cache."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def backends(monkeypatch):
    """Fake backends for every command; the instance used is in `made`."""
    made: list[Backends] = []

    def build(config):
        b = fake_backends()
        made.append(b)
        return b

    monkeypatch.setattr("checker.backends.registry.build_backends", build)
    return made


def no_models(monkeypatch):
    def refuse(config):
        raise AssertionError("no backend may be built here")

    monkeypatch.setattr("checker.backends.registry.build_backends", refuse)


def write_site(root: Path, missing: dict[str, int] | None = None, n: int = 5) -> Path:
    """site/{de,fr,id}.txt with sentences 0..n-1; `missing` leaves one sentence out of a version."""
    root.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        keep = [k for k in range(n) if (missing or {}).get(lang) != k]
        (root / f"{lang}.txt").write_text(text_of(lang, keep), encoding="utf-8")
    return root


def report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --- check ------------------------------------------------------------------------------------------


def test_translations_exit_0_with_no_findings(workdir, backends, capsys):
    write_site(workdir / "site")
    code = cli.main(["check", "site", "--json", "out.json", "--no-color"])
    data = report(workdir / "out.json")
    assert code == 0
    assert data["schema"] == "checker-report/1"
    assert data["findings"] == [] and data["summary"] == {"findings": 0, "by_severity": {}}
    assert [sorted(v["lang"] for v in vs["versions"]) for vs in data["version_sets"]] == [sorted(LANGS)]
    assert "fake/concept-embedder" in data["tool"]["signature"]
    out = capsys.readouterr().out
    assert "0 findings" in out and "wrote out.json" in out


def test_a_major_finding_exits_1(workdir, backends):
    write_site(workdir / "site", missing={"id": 2})
    code = cli.main(["check", "site", "--json", "out.json", "--quiet"])
    data = report(workdir / "out.json")
    assert code == 1
    majors = [f for f in data["findings"] if f["severity"] == "major"]
    assert [(f["kind"], [v["lang"] for v in f["versions"] if v["role"] == "divergent"]) for f in majors] == [
        ("omission", ["id"])
    ]
    (missing,) = [v for v in majors[0]["versions"] if v["role"] == "divergent"]
    assert missing["text"] == "" and missing["line"] == 2  # after the sentence before it
    assert data["summary"]["by_severity"]["major"] == 1


def test_fail_on_never_exits_0_and_fail_on_info_counts_everything(workdir, backends):
    write_site(workdir / "site", missing={"id": 2})
    assert cli.main(["check", "site", "--json", "a.json", "--quiet", "--fail-on", "never"]) == 0
    assert report(workdir / "a.json")["findings"]  # the finding is still reported
    assert cli.main(["check", "site", "--json", "b.json", "--quiet", "--fail-on", "info"]) == 1


def test_missing_path_exits_2_naming_it_and_writes_nothing(workdir, backends, capsys):
    write_site(workdir / "site")
    code = cli.main(["check", "site/de.txt", "site/xx.txt"])
    err = capsys.readouterr().err
    assert code == 2
    assert "site/xx.txt" in err and err.startswith("checker: error:")
    assert not (workdir / "reports").exists()


def test_invalid_utf8_exits_2_naming_the_file_and_the_fix(workdir, backends, capsys):
    site = write_site(workdir / "site")
    (site / "fr.txt").write_bytes("Le conseil a approuvé le nouveau budget.\n".encode("latin-1"))
    code = cli.main(["check", "site"])
    err = capsys.readouterr().err
    assert code == 2
    assert str(Path("site") / "fr.txt") in err
    assert "UTF-8" in err and "iconv" in err
    assert "Traceback" not in err
    # the other versions are still checked; the report lists the bad file as not checked
    data = report(workdir / "reports" / "site.json")
    assert [u["path"] for u in data["unrelated"]] == [str(Path("site") / "fr.txt")]


def test_every_bad_file_is_named_at_once(workdir, backends, capsys):
    site = write_site(workdir / "site")
    (site / "fr.txt").write_bytes(b"")
    (site / "id.txt").write_bytes(b"\xff\xfe\x00\x00binary\x00")
    assert cli.main(["check", "site"]) == 2
    err = capsys.readouterr().err
    assert "fr.txt" in err and "id.txt" in err


def test_default_outputs_go_to_reports_dir(workdir, backends):
    write_site(workdir / "site")
    assert cli.main(["check", "site", "--quiet"]) == 0
    assert (workdir / "reports" / "site.json").is_file()
    html = (workdir / "reports" / "site.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")

    assert cli.main(["check", "site/de.txt", "site/fr.txt", "--quiet", "--reports-dir", "out/r"]) == 0
    # the reports, and the manifest that tells later folder scans they are checker's own
    assert sorted(p.name for p in (workdir / "out" / "r").iterdir()) == [".checker-reports.json", "de.html", "de.json"]


def test_only_the_asked_format_is_written(workdir, backends):
    write_site(workdir / "site")
    assert cli.main(["check", "site", "--quiet", "--html", "only.html"]) == 0
    assert (workdir / "only.html").is_file()
    assert not (workdir / "reports").exists()


def test_unrelated_files_are_reported_not_compared(workdir, backends):
    site = write_site(workdir / "site")
    (workdir / "news").mkdir()
    (workdir / "news" / "en.txt").write_text("\n".join(OTHER["en"]) + "\n", encoding="utf-8")
    assert cli.main(["check", "site", "news", "--json", "out.json", "--quiet"]) == 0
    data = report(workdir / "out.json")
    assert [u["path"] for u in data["unrelated"]] == [str(Path("news") / "en.txt")]
    assert data["unrelated"][0]["reason"]
    assert len(data["version_sets"]) == 1 and site.name == data["version_sets"][0]["id"]


def test_translator_and_nli_backends_are_used_and_named(workdir, monkeypatch):
    translator, nli = FakeTranslator(), FakeNli()
    monkeypatch.setattr(
        "checker.backends.registry.build_backends", lambda config: fake_backends(translator=translator, nli=nli)
    )
    write_site(workdir / "site")
    assert cli.main(["check", "site", "--json", "out.json", "--quiet"]) == 0
    data = report(workdir / "out.json")
    assert "pivot:fake/translator" in data["tool"]["signature"]
    assert "nli:fake/nli" in data["tool"]["signature"]
    assert {lang for _, lang in translator.calls} == set(LANGS)
    row = data["version_sets"][0]["alignment"][0]["members"]
    assert row["de"][0]["pivot"] and row["de"][0]["pivot"] != row["de"][0]["text"]
    assert (workdir / "cache" / "translations.sqlite3").is_file()
    # a second run finds every translation in the cache
    translator.calls.clear()
    assert cli.main(["check", "site", "--json", "out.json", "--quiet"]) == 0
    assert translator.calls == []


# --- report -----------------------------------------------------------------------------------------------


def test_report_re_renders_without_models(workdir, backends, monkeypatch, capsys):
    write_site(workdir / "site", missing={"id": 2})
    assert cli.main(["check", "site", "--json", "run.json", "--quiet"]) == 1
    finding = report(workdir / "run.json")["findings"][0]
    no_models(monkeypatch)
    capsys.readouterr()
    assert cli.main(["report", "run.json", "--html", "out.html"]) == 0
    html = (workdir / "out.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert finding["id"] in html
    assert SENTENCES["de"][2] in html  # the side-by-side view comes back from the JSON

    assert cli.main(["report", "run.json", "--text", "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "1 finding (1 major)" in out


def test_report_of_a_file_that_is_not_a_report_exits_2(workdir, capsys):
    (workdir / "x.json").write_text('{"schema": "something-else"}', encoding="utf-8")
    (workdir / "broken.json").write_text("{not json", encoding="utf-8")
    assert cli.main(["report", "x.json"]) == 2
    assert cli.main(["report", "broken.json"]) == 2
    assert cli.main(["report", "missing.json"]) == 2
    err = capsys.readouterr().err
    assert "x.json" in err and "broken.json" in err and "missing.json" in err


# --- pairs -------------------------------------------------------------------------------------------------


def write_tsv(path: Path, rows: list[tuple[str, str]], header: str = "source\ttarget") -> Path:
    path.write_text("\n".join([header, *("\t".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return path


def test_pairs_writes_one_record_per_pair(workdir, backends, capsys):
    rows = [(SENTENCES["de"][k], SENTENCES["en"][k]) for k in (2, 3, 5)]
    rows.append((SENTENCES["de"][4], OTHER["en"][0]))  # not a translation
    rows.append((SENTENCES["de"][3], SENTENCES["en"][3]))
    write_tsv(workdir / "pairs.tsv", rows)
    code = cli.main(["pairs", "pairs.tsv", "--source-lang", "de", "--target-lang", "en", "--jsonl", "out/p.jsonl"])
    assert code == 0
    records = [json.loads(line) for line in (workdir / "out" / "p.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["index"] for r in records] == list(range(5))
    for r in records:
        assert isinstance(r["divergent"], bool)
        assert 0.0 <= r["score"] <= 1.0
    assert [r["divergent"] for r in records] == [False, False, False, True, False]
    assert records[3]["score"] > max(r["score"] for i, r in enumerate(records) if i != 3)
    assert records[4]["score"] == records[1]["score"]  # the same pair twice scores the same
    assert "5 pairs scored, 1 divergent" in capsys.readouterr().out


@pytest.mark.parametrize("k", [1, 4])
def test_pairs_translation_with_a_short_word_is_not_divergent(workdir, backends, k):
    write_tsv(workdir / "pairs.tsv", [(SENTENCES["de"][j], SENTENCES["en"][j]) for j in (k, 2, 3)])
    assert cli.main(["pairs", "pairs.tsv", "--source-lang", "de", "--target-lang", "en", "--jsonl", "p.jsonl", "-q"]) == 0
    first = json.loads((workdir / "p.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["signals"]["sentence"] < 0.2  # the sentence vectors agree: a translation
    assert first["divergent"] is False


def test_pairs_rejects_a_tsv_without_the_header(workdir, backends, capsys):
    write_tsv(workdir / "pairs.tsv", [("Hallo.", "Hello.")], header="Guten Tag.\tGood day.")
    code = cli.main(["pairs", "pairs.tsv", "--source-lang", "de", "--target-lang", "en", "--jsonl", "p.jsonl"])
    err = capsys.readouterr().err
    assert code == 2
    assert "pairs.tsv" in err and "source<TAB>target" in err
    assert not (workdir / "p.jsonl").exists()
    assert backends == []  # refused before any model was built


def test_pairs_names_the_line_of_a_short_row(workdir, backends, capsys):
    (workdir / "pairs.tsv").write_text("source\ttarget\nHallo.\tHello.\nnur eine Spalte\n", encoding="utf-8")
    code = cli.main(["pairs", "pairs.tsv", "--source-lang", "de", "--target-lang", "en", "--jsonl", "p.jsonl"])
    assert code == 2
    assert "pairs.tsv:3" in capsys.readouterr().err


# --- help ----------------------------------------------------------------------------------------------------


def help_text(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*argv, "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_no_command_prints_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert "check" in capsys.readouterr().out


def test_check_help_shows_an_example(capsys):
    text = help_text(capsys, "check")
    assert "example" in text.lower()
    assert "checker check " in text.split("usage:", 1)[1].split("\n", 1)[1]  # beyond the usage line


@pytest.mark.parametrize("command", ["pairs", "report", "models"])
def test_every_subcommand_help_shows_an_example(capsys, command):
    text = help_text(capsys, command)
    body = text.split("usage:", 1)[1].split("\n", 1)[1]  # beyond the usage line
    assert "example" in body.lower()
    assert f"checker {command} " in body


# --- runs that cannot do what was asked ----------------------------------------------------------------


def test_nothing_to_compare_exits_2_and_writes_nothing(workdir, backends, capsys):
    (workdir / "only").mkdir()
    (workdir / "only" / "de.txt").write_text(text_of("de", range(3)), encoding="utf-8")
    code = cli.main(["check", "only", "--json", "out.json"])
    err = capsys.readouterr().err
    assert code == 2
    assert "nothing to compare" in err and "only/de.txt" in err
    assert not (workdir / "out.json").exists()


def test_fail_on_below_min_severity_reports_what_fails_the_run(workdir, backends):
    write_site(workdir / "site", missing={"id": 2})
    code = cli.main(["check", "site", "--json", "out.json", "--quiet", "--fail-on", "info", "--min-severity", "major"])
    data = report(workdir / "out.json")
    assert code == 1
    assert data["config"]["min_severity"] == "info"  # lowered to what --fail-on counts


def test_html_into_a_new_folder_is_created(workdir, backends):
    write_site(workdir / "site")
    code = cli.main(["check", "site", "--html", "new/dir/r.html", "--quiet"])
    assert code == 0
    assert (workdir / "new" / "dir" / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_unwritable_output_exits_2_naming_it(workdir, backends, capsys):
    write_site(workdir / "site")
    (workdir / "taken").mkdir()
    code = cli.main(["check", "site", "--json", "taken", "--quiet"])
    assert code == 2
    assert "taken" in capsys.readouterr().err
