"""Issue 15's probe: each attack that once worked, as a fast test (the whole file well under
a minute). docs/bad-input.md lists every case with its message and test.

Sections: compiled code (the e5 shim), files that hide themselves, content that once
crashed a run, saved reports in HTML, data loss through output paths and the cache,
unbounded work, smaller cases.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from checker.backends import e5
from checker.errors import ModelUnavailableError

# the fixtures and helpers of the bad-input cases: a private working folder, fake models
from test_bad_input import backends, browser_test, check, report, workdir, write_site  # noqa: F401

HAS_GCC = shutil.which("gcc") is not None
# The shim's symbols (backends/e5_states.c), as stubs.
_STUBS = (
    "void *e5s_load(const char *p) { return 0; } void e5s_free(void *h) {} void e5s_info(void *h, int *i) {}\n"
    "int e5s_tokenize(void *h, const char *t, int *a, int *b, int *c, int n) { return 0; }\n"
    "int e5s_forward(void *h, int *a, int *b, int n, float *o) { return 0; }\n"
)


# --- compiled code ------------------------------------------------------------------------------------------

def _library(tmp_path: Path, name: str, body: str) -> Path:
    source = tmp_path / f"{name}.c"
    source.write_text(body, encoding="utf-8")
    out = tmp_path / f"{name}.so"
    subprocess.run(["gcc", "-shared", "-fPIC", str(source), "-o", str(out)], check=True)
    return out


@pytest.fixture
def planted(tmp_path, monkeypatch):
    """A library with a constructor that leaves a mark (what an attacker plants), a harmless
    compiler in CHECKER_CC, and the cache folder where CI examples keep CHECKER_CACHE_DIR."""
    if not HAS_GCC:
        pytest.skip("needs gcc")
    marker = tmp_path / "constructor-ran"
    evil = _library(tmp_path, "evil", (
        "#include <stdio.h>\n"
        f'__attribute__((constructor)) static void planted(void) {{ FILE *f = fopen("{marker}", "w"); if (f) fclose(f); }}\n'
        "int e5s_abi(void) { return 1; }\n" + _STUBS
    ))
    harmless = _library(tmp_path, "harmless", "int e5s_abi(void) { return 0; }\n" + _STUBS)
    cc = tmp_path / "cc"
    cc.write_text(f'#!/bin/sh\nwhile [ "$1" != "-o" ]; do shift; done\ncp "{harmless}" "$2"\n', encoding="utf-8")
    cc.chmod(0o755)
    monkeypatch.setenv("CHECKER_CC", str(cc))
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "checkout" / ".checker-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.delenv("CHECKER_NATIVE_DIR", raising=False)
    return marker, evil


def _load(path: Path) -> None:
    """What the e5 backend does with the library build_shim returns."""
    with pytest.raises(ModelUnavailableError, match="stale e5 shim"):
        e5._Shim(path, Path("/nonexistent/weights.bin"))


def test_a_shim_planted_in_the_cache_folder_is_never_loaded(planted):
    marker, evil = planted
    name = e5._shim_plan(None)[3]
    cache = Path(os.environ["CHECKER_CACHE_DIR"])
    cache.mkdir(parents=True)
    shutil.copy(evil, cache / name)
    path = e5.build_shim()
    assert not path.is_relative_to(cache)
    _load(path)
    assert not marker.exists()


@pytest.mark.parametrize("how", ["no record", "forged record, writable by others", "tampered after the build", "another owner"])
def test_a_shim_that_fails_a_check_is_rebuilt_not_loaded(planted, how):
    marker, evil = planted
    if how == "another owner" and os.geteuid() != 0:
        pytest.skip("chown needs root")
    path = e5.build_shim()  # a good build, with its record
    import hashlib

    shutil.copy(evil, path)
    if how == "no record":
        path.with_name(path.name + ".sha256").unlink()
    elif how == "forged record, writable by others":
        path.with_name(path.name + ".sha256").write_text(hashlib.sha256(evil.read_bytes()).hexdigest())
        path.chmod(0o777)
    elif how == "another owner":
        path.with_name(path.name + ".sha256").write_text(hashlib.sha256(evil.read_bytes()).hexdigest())
        os.chown(path, 65534, 65534)
    with pytest.raises(ModelUnavailableError, match="not a library checker built"):
        _load_strict(path)
    assert e5.build_shim() == path  # rebuilt in place
    _load(path)
    assert not marker.exists()


def _load_strict(path: Path) -> None:
    e5._Shim(path, Path("/nonexistent/weights.bin"))


def test_a_folder_others_may_write_is_refused_for_compiled_code(planted, tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("CHECKER_NATIVE_DIR", str(shared))
    with pytest.raises(ModelUnavailableError, match="no one else may write"):
        e5.build_shim()


def test_a_compiler_failing_on_a_full_disk_shows_its_own_error(planted, tmp_path, monkeypatch):
    cc = tmp_path / "full-cc"
    cc.write_text('#!/bin/sh\nwhile [ "$1" != "-o" ]; do shift; done\nrm -f "$2"\necho "fatal error: No space left on device" >&2\nexit 1\n')
    cc.chmod(0o755)
    monkeypatch.setenv("CHECKER_CC", str(cc))
    with pytest.raises(ModelUnavailableError, match="No space left on device"):
        e5.build_shim()


def test_ci_examples_never_cache_compiled_code():
    """Both examples keep CHECKER_CACHE_DIR (data) in their CI cache; the shim's folder is neither."""
    import yaml

    from conftest import ROOT

    github = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text(encoding="utf-8"))
    gitlab = yaml.safe_load((ROOT / "examples" / "gitlab-ci.yml").read_text(encoding="utf-8"))
    cached = [str(step["with"]["path"]) for job in github["jobs"].values() for step in job["steps"] if "cache@" in str(step.get("uses"))]
    cached += [str(p) for p in gitlab["translations"]["cache"]["paths"]]
    native = e5.native_dir()
    assert cached and not any("native" in p for p in cached)
    assert "CHECKER_NATIVE_DIR" not in str(github) + str(gitlab)
    assert native.name == "checker-native" and native != e5.default_cache_dir()


# --- files that hide themselves -------------------------------------------------------------------------------

CATALOGUE = {
    "en": {"bakery": "The bakery sells 12 fresh bread.", "river": "The river flooded the old village."},
    "de": {"bakery": "Die Bäckerei verkauft 12 frisches Brot.", "river": "Der Fluss überflutete das alte Dorf."},
    "fr": {"bakery": "La boulangerie vend 15 pain frais.", "river": "La rivière a inondé le vieux village."},
}


def test_a_catalogue_with_checkers_report_marks_is_still_compared(workdir, backends, capsys):
    import json

    for lang, units in CATALOGUE.items():
        body = {"schema": "checker-report/1", **units} if lang == "fr" else units  # the marks a report carries
        (workdir / "locales" / lang).mkdir(parents=True)
        (workdir / "locales" / lang / "common.json").write_text(json.dumps(body, indent=2), encoding="utf-8")
    code, err, _ = check(capsys, "locales", "--json", "out.json", "--html", "out.html")
    data = report(workdir / "out.json")
    compared = sorted(v["lang"] for vs in data["version_sets"] for v in vs["versions"])
    assert compared == ["de", "en", "fr"]
    assert [f["kind"] for f in data["findings"]] == ["number"] and code == 1


def test_a_page_with_checkers_html_marks_is_still_compared(workdir, backends, capsys):
    mark = '<!-- <meta name="generator" content="checker 0.1.0"> -->'
    for lang, units in CATALOGUE.items():
        (workdir / "site" / lang).mkdir(parents=True)
        paragraphs = "".join(f"<p>{text}</p>" for text in units.values())
        head = mark if lang == "fr" else ""
        (workdir / "site" / lang / "index.html").write_text(f"<html lang='{lang}'><head>{head}</head><body>{paragraphs}</body></html>", encoding="utf-8")
    code, _, _ = check(capsys, "site", "--json", "out.json")
    data = report(workdir / "out.json")
    assert sorted(v["lang"] for vs in data["version_sets"] for v in vs["versions"]) == ["de", "en", "fr"]
    assert code == 1


def test_a_rerun_lists_its_own_reports_as_skipped_with_the_reason(workdir, backends, capsys):
    write_site(workdir / "site")
    reports = workdir / "site" / "reports"
    assert check(capsys, "site", "--reports-dir", str(reports))[0] == 0
    code, err, _ = check(capsys, "site", "--reports-dir", str(reports))
    assert (code, err) == (0, [])
    listed = {Path(u["path"]).name: u["reason"] for u in report(reports / "site.json")["unrelated"]}
    assert listed["site.html"] == "written or read by this run as a report, decisions or baseline file: not a version"


# --- data loss through output paths and the cache --------------------------------------------------------------


@pytest.mark.parametrize("argv, message", [
    (["site/de.txt", "site/fr.txt", "site/id.txt", "--json", "site/fr.txt"], "site/fr.txt: is an input of this run"),
    (["site", "--html", "site/fr.txt"], "site/fr.txt: a file in the folder checked that checker did not write"),
    (["site", "--format", "json:review.json", "--decisions", "review.json"], "review.json: is the decisions file of this run"),
    (["site", "--json", "base.json", "--baseline", "base.json"], "base.json: is the baseline file of this run"),
    (["site", "--json", "site"], "site: is a folder"),
    (["site", "--json", "site/de.txt/out.json"], "site/de.txt/out.json: site/de.txt is a file, not a folder"),
], ids=["input named", "input in the folder", "decisions", "baseline", "a folder", "under a file"])
def test_a_report_path_that_would_overwrite_what_the_run_reads_is_refused_before_any_work(workdir, backends, capsys, argv, message):
    site = write_site(workdir / "site")
    (workdir / "review.json").write_text('{"schema": "checker-decisions/1", "decisions": []}', encoding="utf-8")
    before = {p: p.read_bytes() for p in site.iterdir()}
    code, err, _ = check(capsys, *argv)
    assert code == 2 and len(err) == 1 and err[0].startswith(f"checker: error: {message}"), err
    assert backends == []  # refused before any model was built
    assert {p: p.read_bytes() for p in site.iterdir()} == before
    assert (workdir / "review.json").read_text(encoding="utf-8").startswith('{"schema": "checker-decisions/1"')


def test_reports_of_one_run_are_replaced_together_or_not_at_all(workdir, backends, capsys, monkeypatch):
    import errno
    import tempfile

    write_site(workdir / "site")
    assert check(capsys, "site", "--json", "r.json", "--html", "r.html")[0] == 0
    old = {name: (workdir / name).read_bytes() for name in ("r.json", "r.html")}
    write_site(workdir / "site", missing={"fr": 1})  # a finding: both reports would change
    real = tempfile.mkstemp
    calls = []

    def full_disk(*args, **kwargs):
        calls.append(kwargs.get("prefix"))
        if len(calls) == 2:  # the second report finds the disk full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", full_disk)
    code, err, _ = check(capsys, "site", "--json", "r.json", "--html", "r.html")
    assert code == 2 and "No space left on device" in err[-1]
    assert {name: (workdir / name).read_bytes() for name in old} == old
    assert not [p for p in workdir.iterdir() if p.name.endswith(".tmp")]


def _cache_rows(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM sentence_vector").fetchone()[0]


def test_a_cache_size_of_zero_disables_the_cache_instead_of_wiping_it(workdir, backends, capsys):
    import numpy as np

    from checker.cache import CacheStore, default_store_path

    store = CacheStore(default_store_path(), max_bytes=10 * 1024 * 1024)
    store.put_sentence_vectors("m", [(f"sentence {i}", np.ones(8, dtype=np.float32)) for i in range(50)])
    store.close()
    write_site(workdir / "site")
    (workdir / "checker.toml").write_text("[cache]\nmax_mb = 0\n", encoding="utf-8")
    assert check(capsys, "site")[0] == 0
    assert _cache_rows(default_store_path()) == 50


def test_a_negative_cache_size_is_refused(workdir, backends, capsys):
    write_site(workdir / "site")
    (workdir / "checker.toml").write_text("[cache]\nmax_mb = -1\n", encoding="utf-8")
    code, err, _ = check(capsys, "site")
    assert code == 2 and err == [f"checker: error: {workdir / 'checker.toml'}: 'cache.max_mb' must be at least 0 (0 turns the cache off), not -1"]


def test_cache_info_with_a_cache_size_of_zero_keeps_the_entries(workdir, capsys):
    import numpy as np

    from checker import cli
    from checker.cache import CacheStore, default_store_path

    store = CacheStore(default_store_path(), max_bytes=10 * 1024 * 1024)
    store.put_sentence_vectors("m", [(f"sentence {i}", np.ones(8, dtype=np.float32)) for i in range(50)])
    store.close()
    (workdir / "checker.toml").write_text("[cache]\nmax_mb = 0\n", encoding="utf-8")
    assert cli.main(["cache", "info"]) == 0
    assert _cache_rows(default_store_path()) == 50


# --- content that once crashed a run ---------------------------------------------------------------------------

PO_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n"Language: fr\\n"\n\n'
PO_ENTRIES = 'msgid "The council approved the new budget."\nmsgstr "Le conseil a approuvé le nouveau budget."\n'
DEEP = "[" * 100_000 + "]" * 100_000
LONG_INT = "1" * 5000


def _bad_catalogue(site: Path, name: str, body: str | bytes) -> Path:
    path = site / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return path


CRASHING_FILES = {
    "json lone surrogate": ("es.json", '{"a": "El consejo \\ud800 aprobó."}', "a string holds the lone surrogate \\ud800"),
    "yaml lone surrogate": ("es.yaml", 'a: "El consejo \\ud800 aprobó."\n', "line 1 holds the lone surrogate \\ud800"),
    "json integer over the digit limit": ("es.json", '{"a": "El consejo.", "n": ' + LONG_INT + "}", "holds a number checker will not read"),
    "json 100k deep": ("es.json", '{"a": ' + DEEP + "}", "is nested too deeply to read"),
    "po charset=rot13": ("es.po", PO_HEADER.format(charset="rot13") + PO_ENTRIES, "declares charset=rot13, which is not a character set"),
    "po charset=base64": ("es.po", PO_HEADER.format(charset="base64") + PO_ENTRIES, "declares charset=base64, which is not a character set"),
    "po charset=hex": ("es.po", PO_HEADER.format(charset="hex") + PO_ENTRIES, "declares charset=hex, which is not a character set"),
    "po charset=zlib": ("es.po", PO_HEADER.format(charset="zlib") + PO_ENTRIES, "declares charset=zlib, which is not a character set"),
    "po charset=undefined": ("es.po", PO_HEADER.format(charset="undefined") + PO_ENTRIES, "declares charset=undefined, which is not a character set"),
    "po duplicate msgid": ("es.po", PO_HEADER.format(charset="UTF-8") + PO_ENTRIES + "\n" + PO_ENTRIES,
                           "the msgid 'The council approved the new budget.' is defined twice (lines 6 and 9)"),
}


@pytest.mark.parametrize("case", list(CRASHING_FILES))
def test_content_that_crashed_the_run_is_named_and_the_rest_checked(workdir, backends, capsys, case):
    name, body, message = CRASHING_FILES[case]
    site = write_site(workdir / "site")
    _bad_catalogue(site, name, body)
    code, err, _ = check(capsys, "site")
    assert code == 2, err
    assert err[0].startswith(f"checker: error: {Path('site') / name}: {message}"), err
    assert err[-1] == "checker: 1 file could not be checked (named above); the reports cover the rest"
    data = report(workdir / "reports" / "site.json")
    assert sorted(v["lang"] for vs in data["version_sets"] for v in vs["versions"]) == ["de", "fr", "id"]


def test_a_duplicate_xliff_unit_id_is_named(workdir, backends, capsys):
    unit = '<trans-unit id="budget"><source>The council approved the new budget.</source><target>Le conseil a approuvé le nouveau budget.</target></trans-unit>\n'
    xliff = ('<?xml version="1.0"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
             '<file source-language="en" target-language="fr" datatype="plaintext" original="x"><body>\n'
             + unit + unit + "</body></file></xliff>\n")
    site = write_site(workdir / "site")
    _bad_catalogue(site, "messages.fr.xlf", xliff)
    code, err, _ = check(capsys, "site")
    assert code == 2
    assert err[0] == f"checker: error: {Path('site') / 'messages.fr.xlf'}: the unit id 'budget' is defined twice (lines 4 and 5) (keep one entry per key)"


def test_a_file_name_that_is_not_utf8_is_named_and_the_rest_checked(workdir, backends, capsys):
    site = write_site(workdir / "site")
    os.rename(site / "fr.txt", os.fsencode(site) + b"/fr\xff.txt")
    code, err, _ = check(capsys, "site")
    assert code == 2
    assert err[0] == f"checker: error: {Path('site') / 'fr'}\\xff.txt: the file name is not valid UTF-8: not read (rename the file (e.g. with convmv))"
    data = report(workdir / "reports" / "site.json")
    assert sorted(v["lang"] for vs in data["version_sets"] for v in vs["versions"]) == ["de", "id"]


JSON_FILE_CASES = {
    "integer over the digit limit": (LONG_INT, "holds a number checker will not read"),
    "100k deep": (DEEP, "is nested too deeply to read"),
    "lone surrogate": ('"\\udc00"', "a string holds the lone surrogate \\udc00"),
}


@pytest.mark.parametrize("case", list(JSON_FILE_CASES))
@pytest.mark.parametrize("role", ["baseline", "decisions", "saved report"])
def test_a_hostile_baseline_decisions_file_or_saved_report_is_named(workdir, backends, capsys, case, role):
    value, message = JSON_FILE_CASES[case]
    write_site(workdir / "site")
    bad = workdir / "bad.json"
    schema = {"baseline": "checker-baseline/1", "decisions": "checker-decisions/1", "saved report": "checker-report/1"}[role]
    bad.write_text(f'{{"schema": "{schema}", "x": {value}}}', encoding="utf-8")
    from checker import cli

    argv = {
        "baseline": ["check", "site", "--baseline", str(bad)],
        "decisions": ["check", "site", "--decisions", str(bad)],
        "saved report": ["report", str(bad)],
    }[role]
    code = cli.main(argv)
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith(f"checker: error: {bad}: {message}"), err


# --- saved reports rendered as HTML ----------------------------------------------------------------------------


@pytest.fixture
def saved_report(workdir, backends, capsys) -> dict:
    """A real report with findings (an omission in fr), as `checker check --json` saves it."""
    import json

    write_site(workdir / "site", missing={"fr": 1})
    code, _, _ = check(capsys, "site", "--json", "saved.json", "--fail-on", "never")
    assert code == 0
    data = json.loads((workdir / "saved.json").read_text(encoding="utf-8"))
    assert data["findings"] and data["version_sets"][0]["alignment"]
    return data


def _report_cli(workdir: Path, capsys, data: dict, *extra: str) -> tuple[int, list[str]]:
    import json

    from checker import cli

    (workdir / "crafted.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code = cli.main(["report", "crafted.json", "--html", "crafted.html", *extra])
    return code, capsys.readouterr().err.splitlines()


MALFORMED = {
    "segment line as markup": (("version_sets", 0, "alignment", 0, "members", "de", 0, "line"), '1"><meta http-equiv="refresh" content="0;url=https://evil.example/">',
                               'version_sets[0].alignment[0].members.de[0].line is a string, not int'),
    "finding line as markup": (("findings", 0, "versions", 0, "line"), "<form action=https://evil.example><button>ok</button></form>",
                               "findings[0].versions[0].line is a string, not int"),
    "chrf as a string": (("version_sets", 0, "alignment", 0, "chrf"), "high", "version_sets[0].alignment[0].chrf is a string, not int or number or null"),
    "id as a number": (("findings", 0, "id"), 12, "findings[0].id is a number, not str"),
    "evidence as a list": (("findings", 0, "evidence"), ["a"], "findings[0].evidence is a list, not dict"),
    "severity as an object": (("findings", 0, "severity"), {"x": 1}, "findings[0].severity is an object, not str"),
    "unknown severity": (("findings", 0, "severity"), "catastrophic", "findings[0].severity is 'catastrophic', not one of major, minor, info"),
    "text null": (("findings", 0, "versions", 0, "text"), None, "findings[0].versions[0].text is null, not str"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_saved_report_with_malformed_fields_is_named_not_a_traceback(saved_report, workdir, capsys, case):
    where, value, message = MALFORMED[case]
    target = saved_report
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    code, err = _report_cli(workdir, capsys, saved_report)
    assert code == 2 and err == [
        f"checker: error: crafted.json: not a valid checker report: {message} (pass a JSON report written by `checker check --json`)"
    ]
    assert not (workdir / "crafted.html").exists()


BIDI = "Der Preis ist \u202e0102\u202c Euro."


def test_a_bidi_override_is_shown_not_obeyed_in_the_report(saved_report, workdir, capsys):
    saved_report["findings"][0]["message"] = BIDI
    saved_report["findings"][0]["versions"][0]["text"] = BIDI
    assert _report_cli(workdir, capsys, saved_report)[0] == 0
    html = (workdir / "crafted.html").read_text(encoding="utf-8")
    assert "\u202e" not in html and "Der Preis ist \\u202e0102\\u202c Euro." in html


def test_github_annotations_show_an_escape_byte_in_a_file_name(saved_report, workdir, capsys):
    from checker.emit.github import render_github
    from checker.records import run_result_from_json

    saved_report["findings"][0]["versions"][0]["path"] = "site/\x1b]8;;https://evil.example\x07fr.txt"
    out = render_github(run_result_from_json(saved_report))
    assert "\x1b" not in out and "\x07" not in out and "\\x1b]8;;https" in out


HOSTILE_STRINGS = [
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "<form action=https://evil.example><input name=q><button>go</button></form>",
    '<a href="https://evil.example/">click</a>', "<img src=x onerror=alert(1)>", "<script>alert(2)</script>",
    '"><svg onload=alert(3)>', "'><iframe srcdoc='<script>parent.__pwned=1</script>'>", "</title><base href=//evil.example/>",
    "<style>body{display:none}</style>", '<link rel=stylesheet href="https://evil.example/x.css">', "\u202e<b>rtl</b>",
    "javascript:alert(4)", "<!--", "]]>", "&lt;script&gt;",
]


def _hostile_everywhere(data, draw_string):
    """Every string value of the report replaced (but its schema and the severities, which must stay valid)."""
    if isinstance(data, dict):
        return {k: v if k in ("schema", "severity") else _hostile_everywhere(v, draw_string) for k, v in data.items()}
    if isinstance(data, list):
        return [_hostile_everywhere(v, draw_string) for v in data]
    return draw_string() if isinstance(data, str) else data




# What of the page chromium built could act: elements that load, submit, redirect, run or
# style (with their targets), any event-handler or style attribute; then scripts, stylesheets,
# a bidi override left in the shown text, and where the page is.
_DOM_SIGNATURE = """() => {
    // (the report's own buttons and inputs follow the kinds and languages it lists; outside a form they send nothing)
    const acting = ['a', 'area', 'base', 'embed', 'form', 'frame', 'iframe', 'img', 'link',
                    'meta', 'object', 'script', 'style', 'svg', 'video', 'audio', 'source'];
    const elements = [];
    for (const el of document.querySelectorAll('*')) {
        const tag = el.tagName.toLowerCase();
        const risky = Array.from(el.attributes, a => a.name).filter(n => n.startsWith('on') || n === 'style');
        if (!acting.includes(tag) && !risky.length) continue;
        const target = el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action')
            || el.getAttribute('http-equiv') || '';
        elements.push(tag + '[' + risky.sort().join(' ') + ']' + target);
    }
    return {elements: elements.sort(), scripts: document.scripts.length, sheets: document.styleSheets.length,
            bidi: document.body.innerText.includes('\\u202e'), url: location.href};
}"""


@browser_test
def test_a_saved_report_with_hostile_strings_in_every_field_injects_nothing(saved_report, workdir, capsys, browser):
    """hypothesis: any mix of hostile strings in every string field of a saved report; the page
    chromium builds from `checker report --html` has exactly the acting elements (links, forms,
    frames, meta, scripts, styles, with their targets) and event/style attributes of the same
    report with plain strings: nothing injected, no redirect, no bidi override obeyed."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    uri = (workdir / "crafted.html").as_uri()

    def rendered(data) -> dict:
        code, err = _report_cli(workdir, capsys, data)
        assert code == 0, err
        requests.clear()
        page.goto(uri)
        # report.js sets --toolbar-h on <html> from a ResizeObserver (asynchronously): wait for it,
        # so every page is compared in the same state
        page.wait_for_function("() => document.documentElement.style.getPropertyValue('--toolbar-h') !== ''", timeout=5000)
        return page.evaluate(_DOM_SIGNATURE)

    plain = rendered(_hostile_everywhere(saved_report, lambda: "plain text"))
    assert plain["scripts"] == 1 and plain["sheets"] == 1 and plain["url"] == uri
    strings = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=12),
                        st.tuples(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=6)).map("".join))

    @settings(max_examples=10, deadline=None, derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def render(data):
        from collections import Counter

        shown = rendered(_hostile_everywhere(saved_report, lambda: data.draw(strings)))
        extra, missing = Counter(shown["elements"]) - Counter(plain["elements"]), Counter(plain["elements"]) - Counter(shown["elements"])
        assert (extra, missing) == (Counter(), Counter())
        assert {**shown, "elements": []} == {**plain, "elements": [], "bidi": False}
        assert all(url.startswith(("file:", "data:")) for url in requests), requests

    render()
    page.close()


# --- unbounded work --------------------------------------------------------------------------------------------


def test_one_huge_sentence_is_refused_before_any_model_sees_it(workdir, backends, capsys):
    site = write_site(workdir / "site")
    sentence = " ".join(["der Rat genehmigte den neuen Haushalt"] * 3200) + ".\n"  # 121,600 characters
    (site / "es.txt").write_text(sentence, encoding="utf-8")
    code, err, _ = check(capsys, "site")
    assert code == 2
    assert err[0] == (
        f"checker: error: {Path('site') / 'es.txt'}: the sentence on line 1 has {len(sentence) - 1:,} characters, over the "
        "limit of 5,000 (break it into sentences, or raise limits.max_sentence_chars in checker.toml)"
    )
    assert sorted(v["lang"] for vs in report(workdir / "reports" / "site.json")["version_sets"] for v in vs["versions"]) == ["de", "fr", "id"]


def test_a_keyed_file_over_the_unit_limit_is_refused(workdir, backends, capsys):
    import json

    site = write_site(workdir / "site")
    (site / "es.json").write_text(json.dumps({f"k{i}": f"Frase número {i}." for i in range(20_001)}), encoding="utf-8")
    code, err, _ = check(capsys, "site")
    assert code == 2
    assert err[0] == f"checker: error: {Path('site') / 'es.json'}: 20001 units, over the limit of 5000 per file (split it, or raise limits.max_units in checker.toml)"


def test_too_many_files_stop_the_run_before_any_is_read(workdir, backends, capsys, monkeypatch):
    site = write_site(workdir / "site")
    for i in range(30):
        (site / f"page-{i}.txt").write_text("The bakery sells fresh bread.\n", encoding="utf-8")
    (workdir / "checker.toml").write_text("[limits]\nmax_files = 20\n", encoding="utf-8")
    read: list[Path] = []
    monkeypatch.setattr("checker.load._read_bytes", lambda path: read.append(path) or b"")
    code, err, _ = check(capsys, "site")
    assert (code, err, read) == (2, [
        "checker: error: 33 files to read, over the limit of 20 per run; narrow the inputs or [discovery] include/exclude, "
        "or raise limits.max_files in checker.toml"
    ], [])


def test_files_that_cannot_pair_are_never_embedded(workdir, backends, capsys, monkeypatch):
    site = workdir / "site"
    site.mkdir()
    for i in range(40):  # one language, paired by content only: no two can be versions of each other
        (site / f"page-{i}.txt").write_text(f"The bakery sells {i} fresh bread. The river flooded the old village.\n", encoding="utf-8")
    embedded: list[str] = []
    real = __import__("checker.pipeline", fromlist=["embed_document"]).embed_document
    monkeypatch.setattr("checker.pipeline.embed_document", lambda doc, *a, **k: embedded.append(doc.path) or real(doc, *a, **k))
    code, err, _ = check(capsys, "site")
    assert code == 2 and embedded == []
    assert err[0] == "checker: error: nothing to compare: no two files are versions of the same content in different languages"
    assert err[1] == f"  {Path('site') / 'page-0.txt'} (en): no file in another language to pair it with (paired by content): not embedded"


def test_a_large_yaml_without_aliases_is_not_called_an_alias_bomb(monkeypatch):
    from checker.errors import InputError
    from checker.formats import tree_leaves

    monkeypatch.setattr(tree_leaves, "MAX_NODES", 50)
    plain = "".join(f"k{i}: Wert {i}\n" for i in range(60))
    with pytest.raises(InputError, match="holds more than 50 values, more than checker reads from one catalogue"):
        tree_leaves.yaml_leaves("de.yaml", plain)
    bomb = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b]\n"
    with pytest.raises(InputError, match="alias bomb"):
        tree_leaves.yaml_leaves("de.yaml", bomb)
    monkeypatch.setattr(tree_leaves, "MAX_YAML_BYTES", 1000)
    with pytest.raises(InputError, match=r"a YAML file of 0\.0 MB, over the 0 MB"):
        tree_leaves.yaml_leaves("de.yaml", plain * 3)


# --- smaller cases ---------------------------------------------------------------------------------------------


@pytest.mark.enable_socket
def test_a_ray_address_with_nothing_listening_fails_at_once():
    import socket
    import time

    from checker.engine import _refuse_unreachable
    from checker.errors import CheckerError

    with socket.socket() as s:  # a port that was free a moment ago: nothing listens on it now
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(CheckerError, match=f"cannot reach the Ray cluster at 127.0.0.1:{port} \\(Connection refused\\)"):
        _refuse_unreachable(f"127.0.0.1:{port}")
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("setting, message", [
    ("languages = []", "'languages' is empty"),
    ('languages = ["xx"]', "'languages' has 'xx', not a two-letter ISO 639-1 code checker knows"),
    ("[limits]\nmax_sentences = -5", "'limits.max_sentences' must be at least 1, not -5"),
    ("[limits]\nmax_units = 0", "'limits.max_units' must be at least 1, not 0"),
])
def test_config_values_out_of_bounds_are_refused(workdir, backends, capsys, setting, message):
    write_site(workdir / "site")
    (workdir / "checker.toml").write_text(setting + "\n", encoding="utf-8")
    code, err, _ = check(capsys, "site")
    assert code == 2 and len(err) == 1 and err[0].startswith(f"checker: error: {workdir / 'checker.toml'}: {message}"), err
    assert backends == []


def test_report_and_baseline_outputs_never_overwrite_what_they_read(saved_report, workdir, capsys):
    from checker import cli

    before = (workdir / "saved.json").read_bytes()
    assert cli.main(["report", "saved.json", "--format", "json:saved.json"]) == 2
    assert cli.main(["baseline", "create", "site/de.txt", "site/fr.txt", "--output", "site/fr.txt"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "checker: error: saved.json: is the saved report file of this run; writing the report there would overwrite it (give the report another path)",
        "checker: error: site/fr.txt: is an input of this run; writing the report there would overwrite it (give the report another path)",
    ]
    assert (workdir / "saved.json").read_bytes() == before and (workdir / "site" / "fr.txt").read_text(encoding="utf-8")


# --- any shape: the validation layer, never a traceback --------------------------------------------------------

def _json_values():
    from hypothesis import strategies as st

    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


def test_any_json_catalogue_is_parsed_or_refused_by_name():
    """hypothesis: any JSON value (lone surrogates included, as \\u escapes) as de.json gives
    units or an InputError; nothing else escapes the parser."""
    import json

    from hypothesis import given, settings

    from checker.errors import InputError
    from checker.formats import parse_structured

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(_json_values())
    def parse(value):
        data = json.dumps(value).encode("ascii")
        try:
            parse_structured(Path("de.json"), data)
        except InputError as exc:
            assert exc.path == "de.json"

    parse()


def test_any_change_to_a_saved_report_renders_or_is_refused(saved_report, workdir, capsys):
    """hypothesis: any one field of a saved report replaced by any JSON value: `checker report`
    exits 0 with a report or 2 with one line naming the file, never a traceback."""
    import copy

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    places: list[tuple] = []

    def walk(node, where):
        places.append(where)
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            walk(child, (*where, key))

    walk(saved_report, ())

    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(places[1:]), _json_values())
    def render(where, value):
        crafted = copy.deepcopy(saved_report)
        target = crafted
        for step in where[:-1]:
            target = target[step]
        target[where[-1]] = value
        code, err = _report_cli(workdir, capsys, crafted, "--format", "sarif:crafted.sarif", "--format", "junit:crafted.xml")
        assert code == 0 or (code == 2 and len(err) == 1 and err[0].startswith("checker: error: crafted.json: ")), (where, value, err)

    render()


def test_a_manifest_written_beside_a_translation_hides_nothing(workdir, backends, capsys):
    """Only a reports folder of the run (--reports-dir, the outputs' folders) has a manifest
    that counts: one a translator adds beside fr.json is ignored and fr.json is compared."""
    import json

    from checker.own_reports import record_reports

    for lang, units in CATALOGUE.items():
        (workdir / "locales" / lang).mkdir(parents=True)
        (workdir / "locales" / lang / "common.json").write_text(json.dumps(units), encoding="utf-8")
    record_reports([workdir / "locales" / "fr" / "common.json"])  # a forged manifest listing the translation
    code, _, _ = check(capsys, "locales", "--json", "out.json")
    data = report(workdir / "out.json")
    assert sorted(v["lang"] for vs in data["version_sets"] for v in vs["versions"]) == ["de", "en", "fr"]
    assert code == 1
