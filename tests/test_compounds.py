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


def test_splitting_german_leaves_the_dutch_tables_unloaded_until_a_dutch_word_comes(tmp_path):
    probe = (
        "import sys; from checker.compare.compounds import compound_parts; "
        "de = compound_parts('Plenarsitzung', 'de'); "
        "loaded = type(sys.modules['compound_split.nl_ngram_probs']).__name__ == 'module'; "
        "nl = compound_parts('Ziekenhuisopname', 'nl'); "
        "print(de, loaded, nl)"
    )
    env = {**os.environ, "CHECKER_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
    # the lazy module is of a private subclass until first read, a plain module after
    assert "Sitzung" in out and " False " in out and "Opname" in out, out
