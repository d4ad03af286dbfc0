"""Configuration: shipped defaults, overridden by checker.toml or [tool.checker] in
pyproject.toml, then by the command line; unknown keys are errors naming the file."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from checker import cli
from checker.config import Config, default_data, find_project_config, load_config, with_settings
from checker.errors import CheckerError

from fakes import fake_backends


def test_defaults_load_and_match_the_shipped_file():
    config = load_config()
    shipped = tomllib.loads(resources.files("checker").joinpath("defaults.toml").read_text(encoding="utf-8"))
    assert config.source == "defaults"
    assert config.languages == tuple(shipped["languages"])
    assert config.fail_on == shipped["fail_on"]
    assert config.grouping.partner_cosine == shipped["grouping"]["partner_cosine"]
    assert config.align.skip_cost == shipped["align"]["skip_cost"]
    assert config.compare.words.min_word_chars == shipped["compare"]["words"]["min_word_chars"]
    assert config.min_severity == shipped["min_severity"]
    assert "ms" not in config.languages  # Malay is left out on purpose


def test_as_dict_round_trips_every_setting():
    config = load_config()
    data = config.as_dict()
    assert "source" not in data
    assert data["languages"] == list(config.languages)
    # every key of the shipped file is in the report's config, at the same place
    def keys(d, prefix=""):
        return {prefix + k for k, v in d.items() if not isinstance(v, dict)} | {
            x for k, v in d.items() if isinstance(v, dict) for x in keys(v, f"{prefix}{k}.")
        }

    assert keys(data) == keys(default_data())


def test_checker_toml_overrides_defaults(tmp_path):
    (tmp_path / "checker.toml").write_text(
        'languages = ["de", "fr"]\nfail_on = "minor"\n[align]\nskip-cost = 0.5\n[compare.words]\nlinked = 0.5\n',
        encoding="utf-8",
    )
    config = load_config(search_from=tmp_path)
    assert config.source == str(tmp_path / "checker.toml")
    assert config.languages == ("de", "fr")
    assert config.fail_on == "minor"
    assert config.align.skip_cost == 0.5  # dashes are accepted for underscores
    assert config.compare.words.linked == 0.5
    # untouched settings keep their defaults
    assert config.align.merge_penalty == load_config().align.merge_penalty
    assert config.compare.words.unlinked == load_config().compare.words.unlinked


def test_project_config_is_found_in_a_parent_folder(tmp_path):
    (tmp_path / "checker.toml").write_text('fail_on = "info"\n', encoding="utf-8")
    deep = tmp_path / "docs" / "de"
    deep.mkdir(parents=True)
    assert load_config(search_from=deep).fail_on == "info"


def test_pyproject_tool_checker_overrides_defaults(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.checker]\nfail_on = "minor"\n[tool.checker.grouping]\nmin_shared = 0.7\n',
        encoding="utf-8",
    )
    config = load_config(search_from=tmp_path)
    assert config.source == str(tmp_path / "pyproject.toml")
    assert (config.fail_on, config.grouping.min_shared) == ("minor", 0.7)


def test_pyproject_without_tool_checker_is_skipped(tmp_path):
    (tmp_path / "checker.toml").write_text('fail_on = "info"\n', encoding="utf-8")
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    path, table = find_project_config(inner)
    assert path == tmp_path / "checker.toml" and table == {"fail_on": "info"}


def test_checker_toml_wins_over_pyproject_in_the_same_folder(tmp_path):
    (tmp_path / "checker.toml").write_text('fail_on = "info"\n', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.checker]\nfail_on = "minor"\n', encoding="utf-8")
    assert load_config(search_from=tmp_path).fail_on == "info"


def test_explicit_config_path_including_pyproject(tmp_path):
    explicit = tmp_path / "custom.toml"
    explicit.write_text('pivot = "marian"\n', encoding="utf-8")
    assert load_config(explicit).pivot == "marian"
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.checker]\nnli = "transformers"\n', encoding="utf-8")
    assert load_config(pyproject).nli == "transformers"


@pytest.mark.parametrize(
    "content, key",
    [
        ('fail_of = "minor"\n', "fail_of"),
        ("[align]\nskip = 0.5\n", "align.skip"),
        ("[compare.words]\nlinkd = 0.5\n", "compare.words.linkd"),
        ("[nonsense]\nx = 1\n", "nonsense"),
    ],
)
def test_unknown_key_names_the_file_and_the_key(tmp_path, content, key):
    path = tmp_path / "checker.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CheckerError) as info:
        load_config(search_from=tmp_path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert f"'{key}'" in message
    assert "known:" in message


def test_unknown_key_in_pyproject_names_pyproject(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.checker]\nfailon = 'minor'\n", encoding="utf-8")
    with pytest.raises(CheckerError, match="pyproject.toml: unknown setting 'failon'"):
        load_config(search_from=tmp_path)


def test_scalar_where_a_table_belongs(tmp_path):
    (tmp_path / "checker.toml").write_text("align = 3\n", encoding="utf-8")
    with pytest.raises(CheckerError, match="'align' must be a table"):
        load_config(search_from=tmp_path)


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "checker.toml"
    path.write_text("fail_on = \n", encoding="utf-8")
    with pytest.raises(CheckerError) as info:
        load_config(search_from=tmp_path)
    assert str(path) in str(info.value) and "TOML" in str(info.value)


def test_missing_explicit_config(tmp_path):
    with pytest.raises(CheckerError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_with_overrides_ignores_unset_values():
    config = load_config()
    changed = config.with_overrides(pivot="nllb", nli=None, fail_on="minor")
    assert (changed.pivot, changed.nli, changed.fail_on) == ("nllb", config.nli, "minor")
    assert isinstance(changed, Config)


# --- through the command line -------------------------------------------------------------------------


def _cli_config(tmp_path, monkeypatch, *argv):
    """The Config the `check` command would run with (backends faked, nothing run)."""
    seen = {}

    def capture(config):
        seen["config"] = config
        raise CheckerError("stop here")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("checker.backends.registry.build_backends", capture)
    (tmp_path / "de.txt").write_text("Der Rat tagte.\n", encoding="utf-8")
    assert cli.main(["check", "de.txt", "--quiet", *argv]) == 2
    return seen["config"]


def test_cli_reads_the_project_config_of_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "checker.toml").write_text('fail_on = "minor"\npivot = "marian"\n', encoding="utf-8")
    config = _cli_config(tmp_path, monkeypatch)
    assert (config.fail_on, config.pivot) == ("minor", "marian")


def test_cli_options_win_over_the_project_config(tmp_path, monkeypatch):
    (tmp_path / "checker.toml").write_text('fail_on = "minor"\npivot = "marian"\nnli = "none"\n', encoding="utf-8")
    config = _cli_config(tmp_path, monkeypatch, "--fail-on", "never", "--pivot", "nllb", "--nli", "transformers")
    assert (config.fail_on, config.pivot, config.nli) == ("never", "nllb", "transformers")


def test_cli_config_option_names_another_file(tmp_path, monkeypatch):
    (tmp_path / "checker.toml").write_text('fail_on = "minor"\n', encoding="utf-8")
    (tmp_path / "ci.toml").write_text('fail_on = "info"\n', encoding="utf-8")
    assert _cli_config(tmp_path, monkeypatch, "--config", "ci.toml").fail_on == "info"


def test_cli_unknown_key_exits_2_naming_the_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("checker.backends.registry.build_backends", lambda config: fake_backends())
    (tmp_path / "checker.toml").write_text('fail-onn = "minor"\n', encoding="utf-8")
    (tmp_path / "de.txt").write_text("Der Rat tagte.\n", encoding="utf-8")
    assert cli.main(["check", "de.txt", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "checker.toml" in err and "fail-onn" in err


def test_invalid_value_in_project_config_exits_2_naming_the_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("checker.backends.registry.build_backends", lambda config: fake_backends())
    (tmp_path / "checker.toml").write_text('fail_on = "sometimes"\n', encoding="utf-8")
    (tmp_path / "de.txt").write_text("Der Rat genehmigte den neuen Haushalt.\n", encoding="utf-8")
    (tmp_path / "fr.txt").write_text("Le conseil a approuvé le nouveau budget.\n", encoding="utf-8")
    try:
        code = cli.main(["check", "de.txt", "fr.txt", "--quiet", "--json", "out.json"])
    except Exception as exc:  # a traceback is what the user would see
        pytest.fail(f"crashed with {type(exc).__name__}: {exc}")
    assert code == 2
    err = capsys.readouterr().err
    assert "checker.toml" in err and "fail_on" in err


def test_wrongly_typed_threshold_is_refused_at_load(tmp_path):
    (tmp_path / "checker.toml").write_text('[grouping]\npartner_cosine = "high"\n', encoding="utf-8")
    with pytest.raises(CheckerError, match="checker.toml"):
        load_config(search_from=tmp_path)


@pytest.mark.parametrize("setting", ["flag = 1.5", "confirm_terms = -0.1", "tag = 2", "doubt_negation = 1.2"])
def test_model_thresholds_are_probabilities(tmp_path, setting):
    (tmp_path / "checker.toml").write_text(f"[compare.model]\n{setting}\n", encoding="utf-8")
    with pytest.raises(CheckerError, match=r"'compare\.model\.\w+' is a probability threshold: between 0 and 1"):
        load_config(search_from=tmp_path)


def test_negation_doubt_takes_the_models_own_threshold_or_a_number(tmp_path):
    assert load_config().compare.model.doubt_negation == "model"  # calibrated with the model (its config.json)
    (tmp_path / "checker.toml").write_text("[compare.model]\ndoubt_negation = 0\n", encoding="utf-8")
    config = load_config(search_from=tmp_path)
    assert config.compare.model.doubt_negation == 0.0  # switched off
    back = with_settings(config, {"compare.model.doubt_negation": "model"}, "--set")
    assert back.compare.model.doubt_negation == "model"
    with pytest.raises(CheckerError, match=r"'compare\.model\.doubt_negation' must be a number or \"model\""):
        with_settings(config, {"compare.model.doubt_negation": "auto"}, "--set")
    (tmp_path / "checker.toml").write_text('[compare.model]\ndoubt-negation = "auto"\n', encoding="utf-8")
    with pytest.raises(CheckerError, match="doubt_negation"):  # a hyphen spells the same setting
        load_config(search_from=tmp_path)
    (tmp_path / "checker.toml").write_text("[compare.model]\ndoubt-negation = 0.3\n", encoding="utf-8")
    assert load_config(search_from=tmp_path).compare.model.doubt_negation == 0.3


def test_the_model_alone_gives_notes_by_default():
    model = load_config().compare.model
    assert model.max_severity == "info" and model.confirm_terms == 1.0  # README, The divergence model
    assert load_config().divergence == "builtin"
