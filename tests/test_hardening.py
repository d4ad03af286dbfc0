"""Issue 15's probe: each attack that once worked, as a fast test (the whole file well under
a minute). docs/bad-input.md lists every case with its message and test.

Sections: compiled code (the e5 shim), files that hide themselves, content that once
crashed a run, saved reports in HTML, data loss through output paths and the cache,
unbounded work, smaller cases.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from checker.backends import e5
from checker.errors import ModelUnavailableError

# the fixtures and helpers of the bad-input cases: a private working folder, fake models
from test_bad_input import backends, check, report, workdir, write_site  # noqa: F401

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
