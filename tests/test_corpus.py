"""The regression corpus (issue 13): realistic layouts in tests/corpus/, written for these tests.

- docs/: a docs site with one folder per language (en, de, fr): hard-wrapped Markdown, fenced
  code, inline code, emphasis, HTML comments, front matter, and MDX with imports and JSX tabs.
  Code, comments and front matter differ between the versions on purpose (never findings).
- app/: an i18next app in four locales: a key missing and a key empty in id, an extra key in de,
  one-word labels, "ohne"/"sans"/"tanpa" and "Pas encore de compte ?" in UI strings.
- po/: gettext files with plurals, a fuzzy and an untranslated entry, msgctxt, and a .pot.

tests/corpus/expected.json lists, by hand, every finding at minor or above each part must give;
no other finding at minor or above may appear. The whole check runs with the shipped offline
models (slow); the rule and key findings of app/ and po/ also with fake backends (fast).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checker.config import load_config
from checker.pipeline import run_check
from checker.records import SEVERITY_RANK, finding_to_dict
from tests.fakes import fake_backends

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def _matches(finding: dict[str, Any], want: dict[str, Any]) -> bool:
    divergent = [v for v in finding["versions"] if v["role"] == "divergent"]
    others = [v for v in finding["versions"] if v["role"] != "divergent"]
    if (finding["kind"], finding["severity"]) != (want["kind"], want["severity"]):
        return False
    if sorted(v["lang"] for v in divergent) != want["divergent"]:
        return False
    if "file" in want and not all(v["path"].endswith(want["file"]) for v in divergent):
        return False
    if "key" in want and not all(v.get("key", "").replace("\x04", " | ") == want["key"] for v in finding["versions"]):
        return False
    said = " ".join(s["text"] for v in divergent for s in v["spans"]) + " " + " ".join(v["text"] for v in divergent)
    if "words" in want and want["words"] not in said:
        return False
    return "others_say" not in want or any(want["others_say"] in v["text"] for v in others)


def assert_corpus(part: str, findings: list[dict[str, Any]]) -> None:
    gating = [f for f in findings if SEVERITY_RANK[f["severity"]] >= SEVERITY_RANK["minor"]]
    described = "\n".join(f"  {f['severity']} {f['kind']} {f['message']}" for f in gating)
    for want in EXPECTED[part]:
        assert any(_matches(f, want) for f in gating), f"{part}: expected {want}, found:\n{described}"
    unexpected = [f for f in gating if not any(_matches(f, want) for want in EXPECTED[part])]
    assert not unexpected, f"{part}: findings nobody expected:\n" + "\n".join(f"  {f['message']}" for f in unexpected)


@pytest.mark.parametrize("part", ["app", "po"])
def test_rule_and_key_findings_with_fake_backends(part):
    result = run_check([str(CORPUS / part)], load_config(), fake_backends())
    found = [finding_to_dict(f) for f in (*result.findings, *result.notes)]
    for want in EXPECTED[part]:
        assert any(_matches(f, want) for f in found), f"{part}: expected {want}"


def test_the_corpus_lists_what_it_passes_over():
    result = run_check([str(CORPUS / "po")], load_config(), fake_backends())
    assert [(Path(u.path).name, u.reason.startswith("a gettext template")) for u in result.unrelated] == [("app.pot", True)]
    result = run_check([str(CORPUS / "docs")], load_config(), fake_backends())
    assert [Path(u.path).name for u in result.unrelated] == ["logo.png"]


@pytest.mark.slow
@pytest.mark.parametrize("part", ["docs", "app", "po"])
def test_the_corpus_gives_exactly_the_expected_findings(part, tmp_path):
    report = tmp_path / f"{part}.json"
    env = {**os.environ, "CHECKER_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "checker", "check", str(CORPUS / part), "--json", str(report),
         "--min-severity", "info", "--fail-on", "never", "--quiet"],
        env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    assert_corpus(part, json.loads(report.read_text(encoding="utf-8"))["findings"])
