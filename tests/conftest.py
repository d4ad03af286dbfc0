"""Fixtures shared by several test modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

# Property tests: bounded and reproducible in CI (CI=true), more examples at a desk, and a
# long run on request: HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py
# (tests that set max_examples themselves keep their own number).
_SLOW_BOX = [HealthCheck.too_slow]
settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True, suppress_health_check=_SLOW_BOX)
settings.register_profile("dev", max_examples=100, deadline=None, suppress_health_check=_SLOW_BOX)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=_SLOW_BOX)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() in ("true", "1", "yes") else "dev")
)


@dataclass(frozen=True)
class SeedsRun:
    """One `checker check seeds/ --json … --html …` run, as a user would start it."""

    code: int
    stdout: str
    stderr: str
    json_path: Path
    html_path: Path
    report: dict[str, Any]
    seconds: float


def checker_command() -> list[str]:
    script = Path(sys.executable).with_name("checker")
    return [str(script)] if script.exists() else [sys.executable, "-m", "checker.cli"]


@pytest.fixture(scope="session")
def seeds_run(tmp_path_factory: pytest.TempPathFactory) -> SeedsRun:
    """The seeds/ folder checked once per session with the offline default configuration
    (shared by the end-to-end and browser tests; about a minute on two busy cores)."""
    out = tmp_path_factory.mktemp("seeds-report")
    json_path, html_path = out / "seeds.json", out / "seeds.html"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKER_")}
    env["CHECKER_CACHE_DIR"] = str(out / "cache")
    env["NO_COLOR"] = "1"
    start = time.monotonic()
    proc = subprocess.run(
        [*checker_command(), "check", "seeds/", "--json", str(json_path), "--html", str(html_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    seconds = time.monotonic() - start
    if proc.returncode not in (0, 1):
        pytest.fail(f"checker check seeds/ exited {proc.returncode}:\n{proc.stderr}\n{proc.stdout}")
    report = json.loads(json_path.read_text(encoding="utf-8"))
    return SeedsRun(proc.returncode, proc.stdout, proc.stderr, json_path, html_path, report, seconds)


# --- Debian chromium for the browser tests ------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per test module."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install -e .[test])")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
