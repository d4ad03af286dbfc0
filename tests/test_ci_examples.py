"""The CI examples users copy (examples/, .pre-commit-hooks.yaml) use options that exist,
and the pre-commit hook's command does what it says in a real git repository."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from checker.cli import _parser, main
from checker.emit.formats import parse_output_specs
from fakes import SENTENCES, fake_backends

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [ROOT / "examples" / "github-actions.yml", ROOT / "examples" / "gitlab-ci.yml", ROOT / ".pre-commit-hooks.yaml"]


def _commands(node) -> list[str]:
    """Every `checker …` command line in a YAML document (run:, script:, entry:)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "entry") and isinstance(value, str):
                found += [line for line in value.splitlines() if line.strip().startswith("checker ")]
            elif key == "script" and isinstance(value, list):
                found += [line for line in value if isinstance(line, str) and line.strip().startswith("checker ")]
            else:
                found += _commands(value)
    elif isinstance(node, list):
        for item in node:
            found += _commands(item)
    return found


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_commands_parse_with_the_real_command_line(path):
    commands = _commands(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert commands, f"{path.name} has no checker command"
    for command in commands:
        # CI variables stand for values: give them one, then parse as the shell would
        argv = shlex.split(command.replace("${{ github.base_ref || 'main' }}", "main").replace("$CI_DEFAULT_BRANCH", "main"))
        args = _parser().parse_args(argv[1:])
        assert args.command == "check" or (args.command, args.action) == ("models", "pull")
        if args.command == "check":
            parse_output_specs(args.formats or [])


@pytest.mark.parametrize("path", EXAMPLES[:2], ids=lambda p: p.name)
def test_the_full_model_job_pulls_into_a_cached_hf_cache_before_checking(path):
    """Each CI example has a job that fetches the full preset's models, caches the Hugging Face
    cache between runs (where that job's HF_HOME puts it), then checks with --models full."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    jobs = doc["jobs"].values() if "jobs" in doc else [v for v in doc.values() if isinstance(v, dict)]
    full = [job for job in jobs if any("--models full" in c and c.startswith("checker check") for c in _commands(job))]
    assert len(full) == 1, f"{path.name}: one job runs checker check --models full"
    (job,) = full
    commands = _commands(job)
    pull = next(i for i, c in enumerate(commands) if c.startswith("checker models pull --models full"))
    check = next(i for i, c in enumerate(commands) if c.startswith("checker check"))
    assert pull < check
    if "jobs" in doc:  # GitHub: actions/cache over the default HF cache
        cached = [step["with"]["path"] for step in job["steps"] if str(step.get("uses", "")).startswith("actions/cache")]
        assert any("~/.cache/huggingface/hub" in p for p in cached)
    else:  # GitLab caches paths inside the project: HF_HOME points there
        hf_home = job["variables"]["HF_HOME"].replace("$CI_PROJECT_DIR/", "")
        assert any(p.rstrip("/") == hf_home for p in job["cache"]["paths"])


def test_pre_commit_hook_checks_the_changed_version_set(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("checker.backends.registry.build_backends", lambda config: fake_backends())
    for lang in ("en", "de"):
        (tmp_path / "docs" / lang).mkdir(parents=True)
        (tmp_path / "docs" / lang / "a.md").write_text(SENTENCES[lang][5] + "\n", encoding="utf-8")
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(git + ["add", "."], cwd=tmp_path, check=True)
    subprocess.run(git + ["commit", "-qm", "start"], cwd=tmp_path, check=True)

    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    argv = shlex.split(hook["entry"])[1:]
    assert main(argv) == 0  # nothing changed: nothing to check, and that passes
    (tmp_path / "docs" / "de" / "a.md").write_text("Die Bäckerei verkauft 15 frisches Brot.\n", encoding="utf-8")
    (tmp_path / "docs" / "en" / "a.md").write_text("The bakery sells 12 fresh bread.\n", encoding="utf-8")
    assert main(argv) == 1
    assert "number" in capsys.readouterr().out
