"""`checker check` on small repositories in the layouts and formats users keep translations
in: what is paired, what is found, and on which line of which file (fake backends)."""

from __future__ import annotations

import subprocess
from dataclasses import replace
import textwrap
from pathlib import Path

import pytest

from checker.config import load_config
from checker.pipeline import run_check
from tests.fakes import fake_backends

CONFIG = load_config()


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def check(root: Path, changed=None):
    return run_check([str(root)], CONFIG, fake_backends(), changed=changed)


def number_findings(result):
    return [f for f in result.findings if f.kind == "number"]


def test_i18next_catalogues_align_by_key_and_findings_point_at_the_value_line(tmp_path):
    write(tmp_path, "locales/en/common.json", """
        {
          "home": {"title": "The museum opens every morning.", "bakery": "The bakery sells 12 fresh bread."},
          "river": "The river flooded the old village."
        }
    """)
    de = write(tmp_path, "locales/de/common.json", """
        {
          "river": "Der Fluss überflutete das alte Dorf.",
          "home": {
            "bakery": "Die Bäckerei verkauft 15 frisches Brot.",
            "title": "Das Museum öffnet jeden Morgen."
          }
        }
    """)
    result = check(tmp_path)
    assert [sorted(d.lang for d in vs.versions) for vs in result.version_sets] == [["de", "en"]]
    found = number_findings(result)
    assert len(found) == 1
    divergent = {v.role: v for v in found[0].versions}
    assert {v.lang for v in found[0].versions} == {"de", "en"}
    blamed = [v for v in found[0].versions if "15" in v.text][0]
    assert blamed.path.endswith("locales/de/common.json")
    assert blamed.line == line_of(de, "15 frisches")
    assert divergent  # both roles present
    assert result.unrelated == ()


def test_gettext_catalogues_of_two_languages_form_one_set_and_fuzzy_entries_are_not_compared(tmp_path):
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: {lang}\\n"\n\n'
    de = write(tmp_path, "locale/de/LC_MESSAGES/app.po", header.format(lang="de") + textwrap.dedent("""
        msgid "The bakery sells 12 fresh bread."
        msgstr "Die Bäckerei verkauft 15 frisches Brot."

        #, fuzzy
        msgid "The museum opens every morning at 8."
        msgstr "Das Museum öffnet jeden Morgen um 9."

        msgid "The river flooded the old village."
        msgstr "Der Fluss überflutete das alte Dorf."
    """))
    write(tmp_path, "locale/fr/LC_MESSAGES/app.po", header.format(lang="fr") + textwrap.dedent("""
        msgid "The bakery sells 12 fresh bread."
        msgstr "La boulangerie vend 12 pain frais."

        msgid "The river flooded the old village."
        msgstr "La rivière a inondé le vieux village."
    """))
    write(tmp_path, "locale/app.pot", 'msgid ""\nmsgstr ""\n\nmsgid "The bakery sells 12 fresh bread."\nmsgstr ""\n')
    result = check(tmp_path)
    assert [sorted(d.lang for d in vs.versions) for vs in result.version_sets] == [["de", "en", "fr"]]
    found = number_findings(result)
    assert len(found) == 1, [f.message for f in found]  # the fuzzy 8/9 entry is out of date, not compared
    blamed = [v for v in found[0].versions if v.lang == "de"][0]
    assert blamed.role == "divergent" and blamed.line == line_of(de, "15 frisches")
    assert any("template" in u.reason for u in result.unrelated)


def test_xliff_file_is_a_version_set_of_its_own(tmp_path):
    xlf = write(tmp_path, "messages.de.xlf", """
        <?xml version="1.0" encoding="UTF-8"?>
        <xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
          <file source-language="en" target-language="de" datatype="plaintext" original="app">
            <body>
              <trans-unit id="bakery">
                <source>The bakery sells 12 fresh bread.</source>
                <target>Die Bäckerei verkauft 15 frisches Brot.</target>
              </trans-unit>
              <trans-unit id="river">
                <source>The river flooded the old village.</source>
                <target>Der Fluss überflutete das alte Dorf.</target>
              </trans-unit>
            </body>
          </file>
        </xliff>
    """)
    result = check(tmp_path)
    assert [vs.versions[0].path for vs in result.version_sets] == [str(xlf)]
    found = number_findings(result)
    assert len(found) == 1
    blamed = [v for v in found[0].versions if "15" in v.text][0]
    assert blamed.line == line_of(xlf, "15 frisches")


def test_markdown_code_and_link_targets_are_not_compared(tmp_path):
    write(tmp_path, "docs/en/guide.md", """
        # Guide

        The bakery sells fresh bread, see [the 2024 list](https://example.org/list-2023.html).

        ```
        bread = 12
        ```
    """)
    write(tmp_path, "docs/de/guide.md", """
        # Anleitung

        Die Bäckerei verkauft frisches Brot, siehe [die Liste 2024](https://example.org/liste-2021.html).

        ```
        brot = 15
        ```
    """)
    result = check(tmp_path)
    assert [vs.id for vs in result.version_sets] == ["docs/*/guide.md"]
    assert number_findings(result) == []


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_changed_since_checks_only_the_sets_with_a_changed_file(tmp_path):
    write(tmp_path, "docs/en/a.md", "The bakery sells fresh bread.\n")
    write(tmp_path, "docs/de/a.md", "Die Bäckerei verkauft frisches Brot.\n")
    write(tmp_path, "docs/en/b.md", "The river flooded the old village.\n")
    b_de = write(tmp_path, "docs/de/b.md", "Der Fluss überflutete das alte Dorf.\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    _git(tmp_path, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "start")
    from checker.discover import changed_files

    assert check(tmp_path, changed=changed_files("HEAD", tmp_path)).version_sets == ()
    b_de.write_text("Der Fluss überflutete 3 alte Dörfer.\n", encoding="utf-8")
    result = check(tmp_path, changed=changed_files("HEAD", tmp_path))
    assert [vs.id for vs in result.version_sets] == ["docs/*/b.md"]


@pytest.mark.parametrize("name", ["package.json", "tsconfig.json"])
def test_settings_files_in_a_scanned_folder_are_not_taken_for_catalogues(tmp_path, name):
    write(tmp_path, name, '{"name": "x", "description": "The bakery sells fresh bread."}')
    write(tmp_path, "en.txt", "The bakery sells fresh bread.\n")
    write(tmp_path, "de.txt", "Die Bäckerei verkauft frisches Brot.\n")
    result = check(tmp_path)
    assert [sorted(d.path.rsplit("/", 1)[-1] for d in vs.versions) for vs in result.version_sets] == [["de.txt", "en.txt"]]


def test_untranslated_and_fuzzy_po_entries_are_not_taken_for_omissions(tmp_path):
    # A fuzzy or empty msgstr is work in progress the translator knows of (gettext shows the
    # msgid): not compared, so the French version neither lacks it nor votes on who does.
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: {lang}\\n"\n\n'
    entries = [
        ("The bakery on the corner sells fresh bread every morning.", "Die Bäckerei an der Ecke verkauft jeden Morgen frisches Brot.", ""),
        ("The museum in the old town opens its doors every morning.", "Das Museum in der Altstadt öffnet jeden Morgen seine Türen.", "Le musée ferme."),
        ("The river flooded the old village after heavy spring rain.", "Der Fluss überflutete das alte Dorf nach starkem Frühlingsregen.", "La rivière a inondé le vieux village après de fortes pluies de printemps."),
        ("The lake freezes over in January.", "Der See friert im Januar zu.", "Le lac gèle en janvier."),
    ]
    write(tmp_path, "locale/de/LC_MESSAGES/app.po", header.format(lang="de") + "".join(
        f'msgid "{en}"\nmsgstr "{de}"\n\n' for en, de, _ in entries
    ))
    write(tmp_path, "locale/fr/LC_MESSAGES/app.po", header.format(lang="fr") + "".join(
        ("#, fuzzy\n" if fr == "Le musée ferme." else "") + f'msgid "{en}"\nmsgstr "{fr}"\n\n' for en, _, fr in entries
    ))
    result = run_check([str(tmp_path)], replace(CONFIG, min_severity="info"), fake_backends())
    assert [sorted(d.lang for d in vs.versions) for vs in result.version_sets] == [["de", "en", "fr"]]
    gaps = [f for f in result.findings if f.kind in ("omission", "addition")]
    assert gaps == [], [f.message for f in gaps]
    # the untranslated entries are still compared between the versions that translate them
    rows = result.version_sets[0].rows
    assert sum(1 for r in rows if set(r.members) >= {"en", "de"} and r.members["en"] and r.members["de"]) == 4


def test_checkers_own_html_report_in_the_folder_is_not_taken_for_a_version(tmp_path, monkeypatch):
    import json

    from checker.emit.html import write_html
    from checker.own_reports import record_reports
    from checker.records import to_json_dict

    write(tmp_path, "en.txt", "The bakery sells fresh bread.\n")
    write(tmp_path, "de.txt", "Die Bäckerei verkauft frisches Brot.\n")
    first = check(tmp_path)
    write_html(first, tmp_path / "reports" / "site.html")  # what `checker check .` leaves behind
    (tmp_path / "reports" / "de.json").write_text(json.dumps(to_json_dict(first), indent=2), encoding="utf-8")
    record_reports([tmp_path / "reports" / "site.html", tmp_path / "reports" / "de.json"])  # as the CLI does
    monkeypatch.chdir(tmp_path)  # reports/ of the working folder: where a manifest counts by default
    write(tmp_path, "fr/page.html", "<html lang='fr'><body><p>La boulangerie vend du pain frais.</p></body></html>")
    again = check(tmp_path)
    compared = [d.path for vs in again.version_sets for d in vs.versions]
    listed = {Path(u.path).name: u.reason for u in again.unrelated}
    assert not any(p.endswith(("site.html", "de.json")) for p in compared)
    # known by where checker wrote them (the manifest beside them), and listed, never dropped silently
    assert listed["site.html"] == listed["de.json"] == "checker's own report (listed in .checker-reports.json beside it): not a version"
    assert "page.html" in listed  # other HTML is still read
