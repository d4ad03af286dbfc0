"""Interrupted runs, in a real subprocess: Ctrl-C (SIGINT) and a hard kill (SIGKILL).

- SIGINT while modules are imported, while sentences are embedded and while they are
  translated stops the run with exit code 130, "checker: interrupted" and no traceback;
  also with the real e5 model busy in its C engine (slow test).
- SIGKILL while a model works, after a report's temporary file is written but before it
  replaces the old report, and inside an open SQLite write transaction of the cache:
  the previous reports stay byte for byte as they were, and the cache opens, passes
  SQLite's integrity check and still reads what earlier runs committed.

The subprocess runs `_DRIVER`: `checker.cli.main` with the fake backends of fakes.py,
made to announce "PAUSED <where>" on stderr and sleep at the place named by
$CHECKER_TEST_PAUSE, so the signal lands exactly there. Nothing in the package reads that
variable: the hooks live in the driver only.
"""

from __future__ import annotations

import json
import os
import pty
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from checker.cache import STORE_FILE, CacheStore
from checker.own_reports import MANIFEST
from conftest import ROOT, checker_command
from fakes import SENTENCES, english_of, text_of

TESTS = Path(__file__).resolve().parent
LANGS = ("de", "fr", "en")
PAUSE_ENV = "CHECKER_TEST_PAUSE"
SIGNAL_WAIT_S = 60  # how long the child may take to reach the pause (imports on a busy machine)

_DRIVER = r"""
import os, sys, time
sys.path.insert(0, sys.argv[1])
pause = os.environ.get("CHECKER_TEST_PAUSE", "")

def paused(where):
    print(f"PAUSED {where}", file=sys.stderr, flush=True)
    time.sleep(300)

if pause.startswith("import:"):
    wanted = pause.split(":", 1)[1]

    class SlowImport:
        def find_spec(self, name, path=None, target=None):
            if name == wanted:
                sys.meta_path.remove(self)
                paused(pause)
            return None  # the normal finders import it

    sys.meta_path.insert(0, SlowImport())

if pause == "sqlite-insert":  # inside the cache's write transaction, before its commit
    import sqlite3

    class SlowConnection(sqlite3.Connection):
        def executemany(self, sql, rows):
            cursor = super().executemany(sql, rows)
            if sql.lstrip().upper().startswith("INSERT") and " translation " in sql:
                paused(pause)
            return cursor

    connect = sqlite3.connect
    sqlite3.connect = lambda *a, **k: connect(*a, factory=SlowConnection, **k)

if pause == "replace":  # the new report is complete in its temporary file, not yet renamed
    replace = os.replace

    def slow_replace(src, dst, *a, **k):
        if str(dst).endswith(".json"):
            paused(pause)
        return replace(src, dst, *a, **k)

    os.replace = slow_replace

import fakes
import checker.backends.registry as registry
from checker import cli

class SlowEmbedder(fakes.ConceptEmbedder):
    def sentence_vectors(self, texts):
        if pause == "embed":
            paused(pause)
        return super().sentence_vectors(texts)

class SlowTranslator(fakes.FakeTranslator):
    def translate(self, texts, lang):
        if pause == "translate:" + lang:
            paused(pause)
        return super().translate(texts, lang)

def fake_backends(config):
    embedder = SlowEmbedder()
    return registry.Backends(embedder=embedder, words=embedder, translator=SlowTranslator(), nli=None)

registry.build_backends = fake_backends
sys.exit(cli.main(sys.argv[2:]))
"""


def _default_sigint() -> None:
    """In the child, before exec: Ctrl-C as a terminal delivers it. A test run started in the
    background by a non-interactive shell (`cmd &`, nohup) inherits SIGINT ignored, and Python
    then installs no KeyboardInterrupt handler: the child would never see the signal sent."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Child:
    """The driver in a subprocess; stderr is collected by a thread so a pause can be awaited."""

    def __init__(self, workdir: Path, pause: str, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKER_")}
        env.update({"CHECKER_CACHE_DIR": str(workdir / "cache"), PAUSE_ENV: pause, "NO_COLOR": "1"})
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _DRIVER, str(TESTS), "check", *args],
            cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=_default_sigint,
        )
        self.err_lines: list[str] = []
        self._paused = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.err_lines.append(line)
            if line.startswith("PAUSED "):
                self._paused.set()

    def wait_for_pause(self) -> None:
        if not self._paused.wait(SIGNAL_WAIT_S):
            self.proc.kill()
            pytest.fail("the run never reached its pause:\n" + "".join(self.err_lines))

    def finish(self, sig: int | None = None) -> tuple[int, str, str]:
        if sig is not None:
            self.proc.send_signal(sig)
        assert self.proc.stdout is not None
        watchdog = threading.Timer(120, self.proc.kill)  # a child that ignores the signal fails, not hangs
        watchdog.start()
        try:
            out = self.proc.stdout.read()  # stderr is the reader thread's
            self.proc.wait()
        finally:
            watchdog.cancel()
        self._reader.join(10)
        return self.proc.returncode, out, "".join(self.err_lines)


def write_site(root: Path, extra: bool = False) -> Path:
    """site/{de,fr,en}.txt; `extra` adds a sentence to every version (new translations, another report)."""
    root.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        (root / f"{lang}.txt").write_text(text_of(lang, [0, 1, 2, 3] + ([4] if extra else [])), encoding="utf-8")
    return root


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    write_site(tmp_path / "site")
    return tmp_path


# --- Ctrl-C -------------------------------------------------------------------------------------------------


def assert_clean_interrupt(code: int, err: str) -> None:
    assert code == 130, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    lines = [line for line in err.splitlines() if not line.startswith("PAUSED ")]
    assert lines == ["checker: interrupted"], err


@pytest.mark.parametrize("pause", ["import:checker.pipeline", "embed", "translate:fr"])
def test_ctrl_c_stops_cleanly_with_130(workdir, pause):
    child = Child(workdir, pause, "site", "--json", "out.json")
    child.wait_for_pause()
    code, out, err = child.finish(signal.SIGINT)
    assert_clean_interrupt(code, err)
    assert not (workdir / "out.json").exists()
    assert [p.name for p in workdir.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.slow
def test_ctrl_c_during_real_e5_embedding_in_a_terminal(tmp_path):
    """The console script on the shipped model, stderr on a pseudo-terminal (so progress is
    shown): Ctrl-C while e5 embeds in its C engine stops the run at once (the engine call
    runs on a helper thread, see e5._interruptible), with 130 and no traceback."""
    site = tmp_path / "big"
    site.mkdir()
    for lang in ("de", "fr"):
        lines = [f"{s} ({k})" for k in range(60) for s in SENTENCES[lang]]
        (site / f"{lang}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKER_")}
    env["CHECKER_CACHE_DIR"] = str(tmp_path / "cache")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [*checker_command(), "check", "big", "--json", "out.json"],
        cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
        preexec_fn=_default_sigint,
    )
    os.close(slave)
    err = b""
    deadline = time.monotonic() + 300
    while b"loaded " not in err and time.monotonic() < deadline:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        err += chunk
    assert b"loaded " in err, err.decode(errors="replace")
    time.sleep(3)  # past loading the model (a fraction of a second): e5 is inside its C engine
    assert proc.poll() is None
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=300)
    latency = time.monotonic() - sent
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    text = err.decode(errors="replace").replace("\r\n", "\n")
    assert proc.returncode == 130, text
    assert "Traceback" not in text and text.rstrip().endswith("checker: interrupted"), text
    assert not (tmp_path / "out.json").exists()
    # The engine's batch of 360 sentences takes 3-15 s; the run must not wait for it.
    assert latency < 5, f"stopped {latency:.1f} s after Ctrl-C"


# --- SIGKILL ------------------------------------------------------------------------------------------------


def first_run(workdir: Path) -> dict[str, bytes]:
    """A complete run; returns the bytes of its two reports."""
    code, out, err = Child(workdir, "", "site", "--json", "out.json", "--html", "out.html", "--quiet").finish()
    assert code == 0, err
    return {name: (workdir / name).read_bytes() for name in ("out.json", "out.html")}


def assert_cache_intact(workdir: Path, committed: dict[str, list[str]], uncommitted: dict[str, list[str]] | None = None) -> None:
    path = workdir / "cache" / STORE_FILE
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = CacheStore(path)
    try:
        cache = store.translations
        for lang, texts in committed.items():
            assert cache.get_many("fake/translator", lang, texts) == {t: english_of(t) for t in texts}, lang
        for lang, texts in (uncommitted or {}).items():
            assert cache.get_many("fake/translator", lang, texts) == {}, lang
    finally:
        store.close()


FIRST_RUN_SENTENCES = {lang: SENTENCES[lang][:4] for lang in ("de", "fr")}


@pytest.mark.parametrize("pause", ["translate:fr", "replace", "sqlite-insert"])
def test_sigkill_leaves_the_old_reports_and_a_readable_cache(workdir, pause):
    before = first_run(workdir)
    write_site(workdir / "site", extra=True)  # the next run would write other reports
    child = Child(workdir, pause, "site", "--json", "out.json", "--html", "out.html", "--quiet")
    child.wait_for_pause()
    code, _, err = child.finish(signal.SIGKILL)
    assert code == -signal.SIGKILL, err
    after = {name: (workdir / name).read_bytes() for name in before}
    assert after == before  # the previous reports, byte for byte
    json.loads(after["out.json"])
    # What a kill can leave is a temporary file beside each report (all are written before any
    # is renamed), never a report cut short; the manifest is the first run's.
    leftovers = sorted(p.name for p in workdir.iterdir() if p.is_file() and p.name not in before and p.name != MANIFEST)
    assert all(name.startswith((".out.json.", ".out.html.")) and name.endswith(".tmp") for name in leftovers), leftovers
    assert bool(leftovers) == (pause == "replace")
    new_sentence = {lang: [SENTENCES[lang][4]] for lang in ("de", "fr")}
    assert_cache_intact(workdir, FIRST_RUN_SENTENCES, new_sentence if pause == "sqlite-insert" else None)
    # and the next run works as if nothing had happened
    code, _, err = Child(workdir, "", "site", "--json", "out.json", "--html", "out.html", "--quiet").finish()
    assert code == 0, err
    assert json.loads((workdir / "out.json").read_bytes()) != json.loads(before["out.json"])
    assert_cache_intact(workdir, {lang: SENTENCES[lang][:5] for lang in ("de", "fr")})


def test_driver_hooks_are_test_only():
    """The pause variable belongs to this test's driver; the package never reads it."""
    package = ROOT / "checker"
    assert not [p for p in package.rglob("*.py") if PAUSE_ENV in p.read_text(encoding="utf-8")]
