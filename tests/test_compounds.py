"""German compound splits: Plenarsitzung holds Sitzung; the splits are kept in the cache
folder, so a later run does not load CharSplit's tables (about 2 s) for words it has seen."""

from __future__ import annotations

import os
import subprocess
import sys

from checker.compare.compounds import compound_parts

PROBE = (
    "import sys; from checker.compare.compounds import compound_parts; "
    "print(compound_parts('Plenarsitzung', 'de'), 'compound_split.char_split' in sys.modules)"
)


def test_a_compound_is_split_and_a_plain_word_is_not():
    assert "Sitzung" in compound_parts("Plenarsitzung", "de")
    assert compound_parts("Unteilbarkeit", "de") == ()
    assert compound_parts("Plenarsitzung", "fr") == ()


def test_a_later_run_reads_the_split_without_loading_the_tables(tmp_path):
    env = {**os.environ, "CHECKER_CACHE_DIR": str(tmp_path)}
    first = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    assert first.stdout.split("True")[0] == second.stdout.split("False")[0]  # the same parts
    assert first.stdout.strip().endswith("True") and second.stdout.strip().endswith("False")
    (tmp_path / next(p.name for p in tmp_path.iterdir() if p.name.startswith("compound-splits"))).write_text("not json")
    third = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    assert third.stdout.strip().endswith("True")  # a damaged memo is recomputed, not fatal


def test_splitting_german_leaves_the_dutch_tables_unbuilt_until_a_dutch_word_comes(tmp_path):
    probe = (
        "import sys; from checker.compare.compounds import compound_parts; "
        "print(compound_parts('Plenarsitzung', 'de'), compound_parts('Ziekenhuisopname', 'nl'))"
    )
    env = {**os.environ, "CHECKER_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", probe.replace(", compound_parts('Ziekenhuisopname', 'nl')", "")],
                         env=env, capture_output=True, text=True, check=True).stdout
    assert "Sitzung" in out
    assert [p.name.split("-")[1] for p in tmp_path.glob("charsplit-*.sqlite")] == ["de"]
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
    assert "Opname" in out  # Dutch words are split with the Dutch tables
    assert sorted(p.name.split("-")[1] for p in tmp_path.glob("charsplit-*.sqlite")) == ["de", "nl"]


WORDS = ["Plenarsitzung", "Wirtschaftsministerium", "Unteilbarkeit", "Datenträger", "Sicherheitsstruktur",
         "Zeichenfläche", "Tastenkürzel", "Bundesverfassungsgericht", "Donaudampfschifffahrt", "Ab-Werk-Preis"]


def test_the_sqlite_tables_give_the_splits_of_the_shipped_tables(tmp_path, monkeypatch):
    from checker.compare import charsplit_tables
    from checker.compare.compounds import _char_split

    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path))
    char_split = _char_split()
    splits = {}
    for name, tables in (("shipped", charsplit_tables._shipped_module("de")), ("sqlite", charsplit_tables.stand_in("de"))):
        monkeypatch.setattr(char_split, "de_ngram_probs", tables)  # split_compound reads it at each call
        splits[name] = [char_split.split_compound(word) for word in WORDS]
    assert splits["sqlite"] == splits["shipped"]  # every candidate split and its score
    assert list(tmp_path.glob("charsplit-de-*.sqlite"))


def test_an_unwritable_cache_folder_falls_back_to_the_shipped_tables(tmp_path, monkeypatch):
    from checker.compare import charsplit_tables

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(blocker / "cache"))
    tables = charsplit_tables.stand_in("de")
    assert tables.infix.get("sitzung", 1) == charsplit_tables._shipped_module("de").infix.get("sitzung", 1)
