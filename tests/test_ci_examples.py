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
        assert args.command == "check"
        parse_output_specs(args.formats or [])


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
