"""Catalogues and docs sites as a new user runs them (issue 13): every file a folder scan passes
over is listed with its reason; a key missing, empty or extra in a locale is one finding of a
fixed severity, named by its key in every output; short labels are never judged by word
vectors alone (fake backends)."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft4Validator

from checker.config import load_config
from checker.emit.html import render_html
from checker.emit.sarif import sarif_log
from checker.emit.text import render_text
from checker.load import collect_paths
from checker.pipeline import run_check
from checker.records import finding_from_dict, finding_to_dict
from tests.fakes import fake_backends
from tests.test_repository_layouts import write

CONFIG = load_config()
SARIF_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def catalogue(tmp_path: Path):
    write(tmp_path, "locales/en/app.json", """
        {"nav": {"home": "Home", "settings": "Settings"},
         "river": "The river flooded the old village.",
         "museum": "The museum opens every morning.",
         "bakery": "The bakery sells fresh bread."}
    """)
    write(tmp_path, "locales/de/app.json", """
        {"nav": {"home": "Startseite", "settings": "Einstellungen"},
         "river": "Der Fluss überflutete das alte Dorf.",
         "museum": "Das Museum öffnet jeden Morgen.",
         "bakery": "Die Bäckerei verkauft frisches Brot."}
    """)
    write(tmp_path, "locales/id/app.json", """
        {"nav": {"home": "", "settings": "Pengaturan"},
         "river": "Sungai membanjiri desa lama.",
         "bakery": "Toko roti menjual roti segar.",
         "legacy": "Museum buka setiap pagi."}
    """)
    return run_check([str(tmp_path)], CONFIG, fake_backends())


def _gaps(result):
    return sorted(
        (f.kind, f.severity, tuple(v.lang for v in f.versions if v.role == "divergent"), f.evidence.get("key"))
        for f in (*result.findings, *result.notes)
        if f.evidence.get("signal") == "key-gap"
    )


def test_missing_empty_and_extra_keys_are_one_finding_each_with_a_fixed_severity(tmp_path):
    result = catalogue(tmp_path)
    assert _gaps(result) == [
        ("addition", "info", ("id",), "legacy"),
        ("omission", "major", ("id",), "nav.home"),
        ("omission", "minor", ("id",), "museum"),
    ]
    messages = {f.evidence["key"]: f.message for f in (*result.findings, *result.notes)}
    assert messages["nav.home"] == "The id version leaves the key nav.home empty; de and en have a string there."
    assert messages["museum"] == "The id version has no key museum; de and en have it."
    assert messages["legacy"] == "The id version has a key legacy that de and en do not have."


def test_findings_carry_the_key_in_json_sarif_terminal_and_html(tmp_path):
    result = catalogue(tmp_path)
    finding = next(f for f in result.findings if f.evidence.get("key") == "museum")
    assert {v.key for v in finding.versions} == {"museum"}  # the lacking version too
    as_json = finding_to_dict(finding)
    assert {v["key"] for v in as_json["versions"]} == {"museum"}
    assert finding_from_dict(json.loads(json.dumps(as_json))) == finding
    sarif = sarif_log(result)
    assert not list(Draft4Validator(SARIF_SCHEMA).iter_errors(sarif))
    logical = [loc["logicalLocations"][0]["name"] for r in sarif["runs"][0]["results"] for loc in r["locations"]]
    assert "museum" in logical
    assert "key museum" in render_text(result, color=False)
    assert '<span class="key" title="key">museum</span>' in render_html(result)


def test_short_labels_get_no_vectors(tmp_path):
    # the costliest model steps, and no vector signal may judge a label alone (issue 13, item 7)
    backends = fake_backends()
    write(tmp_path, "locales/en/app.json", '{"a": "Canvas", "b": "The river flooded the old village."}')
    write(tmp_path, "locales/de/app.json", '{"a": "Zeichenfläche", "b": "Der Fluss überflutete das alte Dorf."}')
    result = run_check([str(tmp_path)], CONFIG, backends)
    assert backends.words.word_calls and not any(t in ("Canvas", "Zeichenfläche") for t in backends.words.word_calls)
    embedded = [t for call in backends.embedder.sentence_calls for t in call]
    assert "Der Fluss überflutete das alte Dorf." in embedded
    assert not {"Canvas", "Zeichenfläche"} & set(embedded)
    assert not [f for f in result.findings if "Zeichenfläche" in " ".join(v.text for v in f.versions)]


def test_a_folder_scan_lists_every_file_it_passes_over_with_the_reason(tmp_path):
    write(tmp_path, "docs/de/intro.mdx", "# Einführung\n\nDas Museum öffnet jeden Morgen.\n")
    write(tmp_path, "docs/en/intro.mdx", "# Introduction\n\nThe museum opens every morning.\n")
    write(tmp_path, "docs/en/api.rst", "API\n===\n")
    write(tmp_path, "static/logo.svg", "<svg/>")
    write(tmp_path, "package.json", "{}")
    write(tmp_path, "data/colors.json", '{"red": "#f00"}')
    write(tmp_path, ".github/workflow.yml", "on: push\n")
    passed_over = []
    found = collect_paths([str(tmp_path)], passed_over=passed_over)
    assert sorted(p.name for p in found) == ["intro.mdx", "intro.mdx"]
    reasons = {Path(p.path).name: p.message for p in passed_over}
    assert set(reasons) == {"api.rst", "logo.svg", "package.json", "colors.json", ".github"}
    assert "reStructuredText" in reasons["api.rst"]
    assert "settings file" in reasons["package.json"]
    assert "no language" in reasons["colors.json"]
    result = run_check([str(tmp_path)], CONFIG, fake_backends())
    assert [sorted(d.lang for d in vs.versions) for vs in result.version_sets] == [["de", "en"]]
    listed = {Path(u.path).name: u.reason for u in result.unrelated}
    assert listed["logo.svg"] == "skipped: not a format checker reads (.svg)"
    assert "logo.svg" in render_text(result, color=False)
    html = render_html(result)
    assert "logo.svg" in html and '<span class="lang"></span>' not in html


def test_messages_agree_in_number():
    from checker.compare.gaps import have, versions

    assert versions(["id"]) == "The id version" and versions(["de", "fr"]) == "The de and fr versions"
    assert have(["en"], negated=True) == "en does not have"
    assert have(["de", "en", "fr"]) == "de, en and fr have"


def test_a_po_only_run_names_the_msgid_column_after_the_msgids(tmp_path):
    # issue 13, item 9: the English column was labelled with the German PO file's path
    for lang, hello, river in (
        ("de", "Das Museum öffnet jeden Morgen.", "Der Fluss überflutete das alte Dorf."),
        ("fr", "Le musée ouvre chaque matin.", "La rivière a inondé le vieux village."),
    ):
        write(tmp_path, f"locale/{lang}/LC_MESSAGES/app.po", f"""
            msgid ""
            msgstr ""
            "Language: {lang}\\n"
            "Content-Type: text/plain; charset=UTF-8\\n"

            msgid "The museum opens every morning."
            msgstr "{hello}"

            msgid "The river flooded the old village."
            msgstr "{river}"
        """)
    result = run_check([str(tmp_path)], CONFIG, fake_backends())
    (vs,) = result.version_sets
    source = next(d for d in vs.versions if d.lang == "en")
    assert source.label.endswith("app.po (msgid)")
    html = render_html(result)
    assert "app.po (msgid)" in html
    from checker.records import run_result_from_json, to_json_dict

    again = run_result_from_json(json.loads(json.dumps(to_json_dict(result))))
    assert next(d for d in again.version_sets[0].versions if d.lang == "en").label == source.label
