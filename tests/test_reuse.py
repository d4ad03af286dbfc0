"""Unchanged version sets are read back from the cache store, not compared again; any change
to a set's documents or to the configuration compares it again, with the same report."""

from __future__ import annotations

from checker import engine as engine_module
from checker.cache import CacheStore
from checker.config import load_config
from checker.engine import LocalEngine, run_check_with
from checker.records import to_json_dict
from fakes import SENTENCES, fake_backends


def write_sets(root, names=("a", "b", "c")):
    for n, name in enumerate(names):
        for lang in ("en", "de", "fr"):
            path = root / name / f"{lang}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(" ".join(SENTENCES[lang][n : n + 3]) + "\n", encoding="utf-8")


def counting(monkeypatch):
    compared = []
    real = engine_module.check_version_set

    def spy(vs, *args, **kwargs):
        compared.append(vs.id)
        return real(vs, *args, **kwargs)

    monkeypatch.setattr(engine_module, "check_version_set", spy)
    return compared


def run(root, store, config=None):
    return run_check_with(LocalEngine(), [str(root)], config or load_config(), fake_backends(), store=store)


def test_a_rerun_reads_every_set_back_and_gives_the_same_report(tmp_path, monkeypatch):
    write_sets(tmp_path / "site")
    store = CacheStore(tmp_path / "cache.sqlite3")
    compared = counting(monkeypatch)
    first = run(tmp_path / "site", store)
    assert sorted(compared) == ["a", "b", "c"]
    compared.clear()
    second = run(tmp_path / "site", store)
    assert compared == []
    assert to_json_dict(second) == to_json_dict(first)


def test_editing_one_file_compares_only_its_set_again(tmp_path, monkeypatch):
    write_sets(tmp_path / "site")
    store = CacheStore(tmp_path / "cache.sqlite3")
    run(tmp_path / "site", store)
    compared = counting(monkeypatch)
    edited = tmp_path / "site" / "b" / "de.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Der", "Der große", 1), encoding="utf-8")
    result = run(tmp_path / "site", store)
    assert compared == ["b"]
    without_store = run_check_with(LocalEngine(), [str(tmp_path / "site")], load_config(), fake_backends())
    assert to_json_dict(result) == to_json_dict(without_store)


def test_another_configuration_is_not_served_from_a_result_made_with_the_first(tmp_path, monkeypatch):
    write_sets(tmp_path / "site", names=("a",))
    store = CacheStore(tmp_path / "cache.sqlite3")
    run(tmp_path / "site", store)
    compared = counting(monkeypatch)
    run(tmp_path / "site", store, load_config().with_overrides(min_severity="info"))
    assert compared == ["a"]
