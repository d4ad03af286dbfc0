"""Engines (checker/engine.py): the local engine is run_check; the Ray engine gives the
same JSON report, with each worker building its backends once. The Ray tests start a
two-CPU Ray instance on fake backends and are skipped when ray is not installed."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from checker import cli
from checker.config import load_config
from checker.engine import LocalEngine, make_engine, run_check_with
from checker.errors import CheckerError
from checker.pipeline import run_check
from checker.records import to_json_dict

from fakes import fake_backends, text_of

TESTS = Path(__file__).resolve().parent


def write_sets(root: Path) -> Path:
    """Three folders of de/fr/id versions, each with one sentence left out somewhere."""
    for number, (lang, missing) in enumerate([("de", 1), ("fr", 3), ("id", 0)]):
        folder = root / f"set{number}"
        folder.mkdir(parents=True)
        for version in ("de", "fr", "id"):
            keep = [k for k in range(6) if not (version == lang and k == missing)]
            (folder / f"{version}.txt").write_text(text_of(version, keep), encoding="utf-8")
    return root


def report(result) -> dict:
    return json.loads(json.dumps(to_json_dict(result), ensure_ascii=False))


def test_local_engine_is_run_check(tmp_path):
    root = write_sets(tmp_path / "site")
    config = load_config()
    expected = report(run_check([str(root)], config, fake_backends()))
    said: list[str] = []
    got = report(run_check_with(LocalEngine(), [str(root)], config, fake_backends(), said.append))
    assert got == expected
    assert len(got["version_sets"]) == 3 and got["findings"]
    assert [m for m in said if m.startswith("version set")][0].startswith("version set 1/3: ")


def test_engine_names_and_a_missing_ray_are_user_errors(monkeypatch):
    assert isinstance(make_engine("local"), LocalEngine)
    with pytest.raises(CheckerError, match="--ray-address goes with --engine ray"):
        make_engine("local", "10.0.0.1:6379")
    with pytest.raises(CheckerError, match="unknown engine"):
        make_engine("spark")
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    with pytest.raises(CheckerError, match=r"pip install 'checker\[ray\]'"):
        make_engine("ray")


# --- Ray ------------------------------------------------------------------------------------------------------


def counting_factory(log_dir: str):
    """Fake backends that write one file per build, named by the building process."""

    def build(config):
        Path(log_dir, f"built-{os.getpid()}-{len(os.listdir(log_dir))}").write_text("")
        return fake_backends()

    return build


@pytest.fixture(scope="module")
def ray_instance():
    ray = pytest.importorskip("ray")
    # the workers import the fakes of this folder, as the test does
    path = os.pathsep.join([str(TESTS), str(TESTS.parent), os.environ.get("PYTHONPATH", "")])
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        runtime_env={"env_vars": {"PYTHONPATH": path}},
    )
    yield ray
    ray.shutdown()


def test_ray_engine_gives_the_local_report_and_builds_backends_once_per_worker(ray_instance, tmp_path):
    from checker.engine import RayEngine

    root = write_sets(tmp_path / "site")
    config = load_config()
    local = report(run_check([str(root)], config, fake_backends()))
    builds = tmp_path / "builds"
    builds.mkdir()
    said: list[str] = []
    engine = RayEngine(backends_factory=counting_factory(str(builds)))
    remote = report(run_check_with(engine, [str(root)], config, fake_backends(), said.append))
    assert remote == local
    built = os.listdir(builds)
    assert 1 <= len(built) <= 2  # two workers for three sets: each built its backends once
    assert all(f"-{os.getpid()}-" not in name for name in built)  # in the workers, not here
    assert "checking 3 version sets on 2 Ray workers" in said
    assert ray_instance.is_initialized()  # a Ray the caller started is left running


def test_cli_check_with_the_ray_engine(ray_instance, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("checker.backends.registry.build_backends", lambda config: fake_backends())
    write_sets(tmp_path / "site")
    assert cli.main(["check", "site", "--json", "local.json", "--quiet"]) == 1
    assert cli.main(["check", "site", "--json", "ray.json", "--quiet", "--engine", "ray"]) == 1
    local = json.loads((tmp_path / "local.json").read_text(encoding="utf-8"))
    remote = json.loads((tmp_path / "ray.json").read_text(encoding="utf-8"))
    assert remote["findings"] == local["findings"] and remote["findings"]
    assert remote["version_sets"] == local["version_sets"]
