"""Structured localization files -> units of prose (checker.formats): PO, XLIFF, TMX,
JSON/YAML catalogs and HTML, with keys, lines, skipped entries and safe XML/YAML."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.formats import (
    STRUCTURED_SUFFIXES,
    ParsedFile,
    UnitVersion,
    is_structured_path,
    parse_structured,
    placeholders,
)


def parse(name: str, text: str | bytes) -> ParsedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_structured(Path(name), data)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle` (so tests never hard-code line numbers)."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def texts(version: UnitVersion) -> dict[str | None, str]:
    return {u.key: u.text for u in version.units}


# ---------------------------------------------------------------- PO / POT

GERMAN_PO = r"""# German translation of the shop.
msgid ""
msgstr ""
"Project-Id-Version: shop 1.0\n"
"Language: de_DE\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

# Shown on the home page.
#: shop/home.py:10
msgid "Welcome to the shop"
msgstr "Willkommen im Laden"

#, fuzzy
msgid "Free delivery"
msgstr "Kostenloser Versand ab 50 Euro"

msgid "Contact us"
msgstr ""

msgctxt "menu"
msgid "Open"
msgstr "Öffnen"

msgid "One item"
msgid_plural "%d items"
msgstr[0] "Ein Artikel"
msgstr[1] "%d Artikel"

msgid "Returns are free within 30 days."
msgstr ""
"Rücksendungen sind innerhalb von "
"30 Tagen kostenlos."

#~ msgid "Old banner"
#~ msgstr "Altes Banner"
"""


def test_po_source_and_target_skip_fuzzy_obsolete_and_untranslated():
    parsed = parse("shop/de.po", GERMAN_PO)
    assert parsed.format == "po" and parsed.keyed
    source, target = parsed.versions
    assert (source.role, source.lang) == ("source", "en")  # no X-Source-Language header: English
    assert (target.role, target.lang) == ("target", "de")  # "de_DE" -> ISO 639-1
    assert dict(parsed.skipped) == {"fuzzy": 1, "untranslated": 1, "obsolete": 1}

    # the source keeps every live msgid (fuzzy and untranslated included); obsolete ones are gone
    assert "Free delivery" in texts(source) and "Contact us" in texts(source)
    assert "Old banner" not in texts(source)
    assert texts(target) == {
        "Welcome to the shop": "Willkommen im Laden",
        "menu\x04Open": "Öffnen",
        "One item": "Ein Artikel",
        "One item[1]": "%d Artikel",
        "Returns are free within 30 days.": "Rücksendungen sind innerhalb von 30 Tagen kostenlos.",
    }


def test_po_lines_notes_plural_and_context():
    source, target = parse("de.po", GERMAN_PO).versions
    by_key_source, by_key_target = source.by_key(), target.by_key()

    welcome_source, welcome_target = by_key_source["Welcome to the shop"], by_key_target["Welcome to the shop"]
    assert welcome_source.line == line_of(GERMAN_PO, 'msgid "Welcome')
    assert welcome_target.line == line_of(GERMAN_PO, 'msgstr "Willkommen')
    assert welcome_target.note == "Shown on the home page."  # the translator comment

    assert by_key_source["One item[1]"].text == "%d items"
    assert by_key_source["One item[1]"].line == line_of(GERMAN_PO, "msgid_plural")
    assert by_key_target["One item[1]"].line == line_of(GERMAN_PO, "msgstr[1]")
    # context: msgctxt + EOT + msgid, the gettext convention
    assert by_key_target["menu\x04Open"].line == line_of(GERMAN_PO, 'msgstr "Öffnen"')
    # a msgstr wrapped onto continuation lines starts where its text does
    assert by_key_target["Returns are free within 30 days."].line == line_of(GERMAN_PO, '"Rücksendungen')
    assert source.by_key()["Free delivery"].flags == ("fuzzy",)


def test_po_source_language_header_and_latin1_charset():
    po = (
        'msgid ""\nmsgstr ""\n"Language: pt_BR\\n"\n"X-Source-Language: fr\\n"\n'
        '"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
        'msgid "Bienvenue"\nmsgstr "Bem-vindo à loja"\n'
    )
    source, target = parse("pt_BR.po", po.encode("latin-1")).versions
    assert (source.lang, target.lang) == ("fr", "pt")
    assert texts(target) == {"Bienvenue": "Bem-vindo à loja"}


def test_po_syntax_error_names_the_line():
    unescaped_quote = 'msgid "Hello"\nmsgstr "Hallo"\n\nmsgid "Say "hi" now"\nmsgstr "Sag hallo"\n'
    with pytest.raises(InputError) as err:
        parse("broken.po", unescaped_quote)
    assert err.value.problem == "not a valid PO file (line 4: unescaped double quote found)"
    assert "msgfmt --check" in err.value.fix
    # polib itself lets an unterminated string through; it is refused all the same
    with pytest.raises(InputError, match=r"not a valid PO file \(line 2: unterminated string\)"):
        parse("broken.po", 'msgid "Bye"\nmsgstr "Tschüss\n')
    with pytest.raises(InputError, match=r"not a valid PO file \(line 2: syntax error\)"):
        parse("broken.po", 'msgid "Bye"\nthis is not PO\n')


def test_po_content_naming_an_existing_file_is_not_read_as_a_path(tmp_path):
    secret = tmp_path / "secret.po"
    secret.write_text('msgid "secret"\nmsgstr "geheim"\n')
    with pytest.raises(InputError, match="not a valid PO file"):
        parse("x.po", str(secret))  # polib would open a string that names a file


def test_pot_yields_only_the_source_version():
    pot = '#. Tooltip\nmsgid "Save changes"\nmsgstr ""\n\nmsgid "Discard"\nmsgstr ""\n'
    parsed = parse("messages.pot", pot)
    assert len(parsed.versions) == 1
    (source,) = parsed.versions
    assert source.role == "source" and texts(source) == {"Save changes": "Save changes", "Discard": "Discard"}
    assert source.by_key()["Save changes"].note == "Tooltip"  # the extracted comment
    assert source.by_key()["Discard"].line == 5
    assert not parsed.skipped


# ---------------------------------------------------------------- XLIFF

XLIFF_12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="app.html" source-language="en-US" target-language="fr-FR" datatype="html">
    <body>
      <trans-unit id="greet">
        <source>Click <g id="1">here</g> to<x id="2"/> continue</source>
        <target state="translated">Cliquez <g id="1">ici</g> pour<x id="2"/> continuer</target>
        <note>Button label</note>
        <alt-trans><target>Une autre proposition</target></alt-trans>
      </trans-unit>
      <trans-unit id="logo" translate="no"><source>ACME</source><target>ACME</target></trans-unit>
      <group id="prices">
        <trans-unit id="price"><source>Price: <ph id="3">&lt;b&gt;</ph>10 EUR<ph id="4">&lt;/b&gt;</ph></source>
          <target>Prix : <ph id="3">&lt;b&gt;</ph>10 EUR<ph id="4">&lt;/b&gt;</ph></target></trans-unit>
        <trans-unit id="new"><source>Brand new</source></trans-unit>
      </group>
    </body>
  </file>
</xliff>
"""


def test_xliff_12_inline_markup_states_notes_and_skips():
    parsed = parse("app.fr.xlf", XLIFF_12)
    assert parsed.format == "xliff" and parsed.keyed
    source, target = parsed.versions
    assert (source.lang, target.lang) == ("en", "fr")
    assert texts(source) == {"greet": "Click here to continue", "price": "Price: 10 EUR", "new": "Brand new"}
    # <g> keeps its text, <x/> and <ph> (native code) do not; <alt-trans> is not the target
    assert texts(target) == {"greet": "Cliquez ici pour continuer", "price": "Prix : 10 EUR"}
    assert dict(parsed.skipped) == {"translate-no": 1, "untranslated": 1}
    greet = target.by_key()["greet"]
    assert greet.line == line_of(XLIFF_12, "<target state")
    assert source.by_key()["greet"].line == line_of(XLIFF_12, "<source>Click")
    assert greet.flags == ("state:translated",) and greet.note == "Button label"


XLIFF_20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="de-AT">
  <file id="f1">
    <unit id="intro">
      <notes><note>Two sentences in one unit</note></notes>
      <segment id="s1" state="final">
        <source>Hello <pc id="1">world</pc>.</source>
        <target>Hallo <pc id="1">Welt</pc>.</target>
      </segment>
      <ignorable><source> </source></ignorable>
      <segment id="s2">
        <source>See you<ph id="2"/> soon.</source>
        <target>Bis<ph id="2"/> bald.</target>
      </segment>
    </unit>
    <unit id="single"><segment><source>Only one</source><target>Nur eins</target></segment></unit>
  </file>
</xliff>
"""


def test_xliff_20_two_segments_keyed_by_unit_and_segment():
    source, target = parse("intro.xliff", XLIFF_20).versions
    assert (source.lang, target.lang) == ("en", "de")
    assert texts(source) == {"intro/s1": "Hello world.", "intro/s2": "See you soon.", "single": "Only one"}
    assert texts(target) == {"intro/s1": "Hallo Welt.", "intro/s2": "Bis bald.", "single": "Nur eins"}
    s2 = target.by_key()["intro/s2"]
    assert s2.line == line_of(XLIFF_20, "<target>Bis") and s2.note == "Two sentences in one unit"
    assert target.by_key()["intro/s1"].flags == ("state:final",)


def test_xliff_with_several_files_prefixes_keys_with_the_original():
    doc = """<xliff version="1.2"><file original="a.html" source-language="en" target-language="de"><body>
    <trans-unit id="1"><source>Yes</source><target>Ja</target></trans-unit></body></file>
    <file original="b.html" source-language="en" target-language="de"><body>
    <trans-unit id="1"><source>No</source><target>Nein</target></trans-unit></body></file></xliff>"""
    _, target = parse("two.xlf", doc).versions
    assert texts(target) == {"a.html:1": "Ja", "b.html:1": "Nein"}


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xliff [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xliff version="1.2"><file source-language="en" target-language="de"><body>
<trans-unit id="1"><source>&lol9;</source><target>&lol9;</target></trans-unit>
</body></file></xliff>
"""


def test_xliff_entity_bomb_is_refused_fast():
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        parse("bomb.xlf", BILLION_LAUGHS)
    assert time.perf_counter() - started < 1.0
    assert err.value.problem.startswith("refused: the XML declares entities/DTD")
    assert "DOCTYPE" in err.value.fix


def test_xliff_external_entity_is_refused_and_the_file_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    doc = f"""<?xml version="1.0"?>
<!DOCTYPE xliff [ <!ENTITY leak SYSTEM "file://{secret}"> ]>
<xliff version="1.2"><file source-language="en" target-language="de"><body>
<trans-unit id="1"><source>&leak;</source><target>&leak;</target></trans-unit>
</body></file></xliff>"""
    with pytest.raises(InputError) as err:
        parse("xxe.xlf", doc)
    assert "refused" in err.value.problem and "TOP-SECRET-VALUE" not in str(err.value)
    passwd = doc.replace(f"file://{secret}", "file:///etc/passwd")
    with pytest.raises(InputError, match="refused: the XML declares entities/DTD"):
        parse("xxe.xlf", passwd)


def test_broken_xliff_names_line_and_column():
    broken = '<xliff version="1.2">\n<file source-language="en">\n<body>\n<trans-unit id="1"><source>Hi</trans-unit>\n'
    with pytest.raises(InputError) as err:
        parse("broken.xlf", broken)
    assert err.value.problem.startswith("not well-formed XML (line 4, column ")
    assert "mismatched tag" in err.value.problem


def test_wrong_root_element_is_named():
    with pytest.raises(InputError, match=r"expected an <xliff> root element, found <html>"):
        parse("page.xlf", "<html><body/></html>")
    with pytest.raises(InputError, match=r"expected an <tmx> root element, found <xliff>"):
        parse("memory.tmx", XLIFF_12)


# ---------------------------------------------------------------- TMX

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" creationtool="t" creationtoolversion="1"/>
  <body>
    <tu tuid="greeting">
      <note>Front page</note>
      <tuv xml:lang="en-GB"><seg>Good <hi>morning</hi>!</seg></tuv>
      <tuv xml:lang="de-DE"><seg>Guten <hi>Morgen</hi>!</seg></tuv>
      <tuv xml:lang="fr"><seg>Bonjour<ph x="1">&lt;br/&gt;</ph> !</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en"><seg>Thank you</seg></tuv>
      <tuv xml:lang="de"><seg>Danke</seg></tuv>
      <tuv xml:lang="fr"><seg></seg></tuv>
    </tu>
  </body>
</tmx>
"""


def test_tmx_one_version_per_language_keyed_by_tuid_or_ordinal():
    parsed = parse("memory.tmx", TMX)
    assert parsed.format == "tmx" and parsed.keyed
    by_lang = {v.lang: v for v in parsed.versions}
    assert list(by_lang) == ["en", "de", "fr"]
    assert by_lang["en"].role == "source" and by_lang["de"].role == by_lang["fr"].role == "target"
    assert texts(by_lang["en"]) == {"greeting": "Good morning!", "tu-2": "Thank you"}
    assert texts(by_lang["de"]) == {"greeting": "Guten Morgen!", "tu-2": "Danke"}
    assert texts(by_lang["fr"]) == {"greeting": "Bonjour !"}  # <ph> is code; the empty seg is skipped
    assert parsed.skipped == {"empty": 1}
    assert by_lang["de"].by_key()["greeting"].line == line_of(TMX, "Guten")
    assert by_lang["fr"].by_key()["greeting"].note == "Front page"


# ---------------------------------------------------------------- JSON / YAML catalogs

I18NEXT = """{
  "nav": {
    "home": "Startseite",
    "items": ["Erster", "Zweiter", "Dritter"],
    "count": 3
  },
  "welcome": "Hallo {{name}},\\n willkommen!",
  "banner": "Angebot \\/ Sale",
\t"enabled": true,
  "empty": "",
  "nothing": null
}
"""


def test_i18next_nested_json_keys_lines_and_skipped_leaves():
    parsed = parse("locales/de/translation.json", I18NEXT)
    assert parsed.format == "json" and parsed.keyed and len(parsed.versions) == 1
    (version,) = parsed.versions
    assert version.lang is None and version.role == "version"
    assert texts(version) == {
        "nav.home": "Startseite",
        "nav.items[0]": "Erster",
        "nav.items[1]": "Zweiter",
        "nav.items[2]": "Dritter",
        "welcome": "Hallo {{name}}, willkommen!",
        "banner": "Angebot / Sale",
    }
    units = version.by_key()
    assert units["nav.home"].line == line_of(I18NEXT, "Startseite")
    assert units["nav.items[2]"].line == line_of(I18NEXT, "Dritter")
    assert units["banner"].line == line_of(I18NEXT, "banner")
    assert parsed.skipped == {"not-text": 3, "empty": 1}


def test_flat_json_with_locale_root_and_duplicate_keys():
    parsed = parse("fr.json", '{"fr": {\n"a.b": "un",\n"a.b": "deux"}}')
    (version,) = parsed.versions
    assert version.lang == "fr" and texts(version) == {"a.b": "deux"}
    assert version.units[0].line == 3  # the last duplicate wins, as json.loads does


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{\n  "a": "x",\n  "b": \n}', r"not valid JSON \(line 4, column 1: Expecting value\)"),
        ('["a", "b"]', r"the top level is a list, not a mapping"),
        ('"just a string"', r"the top level is a scalar"),
        ('{"version": 2, "debug": false}', r"holds no string values"),
    ],
)
def test_json_that_is_no_catalog_is_refused(text, problem):
    with pytest.raises(InputError, match=problem):
        parse("bad.json", text)


RAILS = """# German strings of the shop
de:
  activerecord:
    models:
      user: Benutzer
  defaults: &defaults
    save: Speichern
    cancel: Abbrechen
  form:
    <<: *defaults
    cancel: Verwerfen
    hint: |
      Zwei Zeilen
      werden eine.
  steps:
    - Erstens
    - Zweitens
  retries: 3
  confirm: yes
"""


def test_rails_yaml_locale_root_merges_lists_and_lines():
    parsed = parse("config/locales/de.yml", RAILS)
    assert parsed.format == "yaml"
    (version,) = parsed.versions
    assert version.lang == "de"
    assert texts(version) == {
        "activerecord.models.user": "Benutzer",
        "defaults.save": "Speichern",
        "defaults.cancel": "Abbrechen",
        "form.cancel": "Verwerfen",  # the explicit key wins over the merged default
        "form.hint": "Zwei Zeilen werden eine.",
        "form.save": "Speichern",
        "steps[0]": "Erstens",
        "steps[1]": "Zweitens",
    }
    units = version.by_key()
    assert units["activerecord.models.user"].line == line_of(RAILS, "Benutzer")
    assert units["form.cancel"].line == line_of(RAILS, "Verwerfen")
    assert units["steps[1]"].line == line_of(RAILS, "Zweitens")
    assert parsed.skipped == {"not-text": 2}  # 3 and yes (a YAML 1.1 boolean, as in Ruby)


def test_yaml_python_object_tag_is_refused_not_executed(tmp_path):
    marker = tmp_path / "executed"
    evil = f'de:\n  title: !!python/object/apply:os.system ["touch {marker}"]\n'
    with pytest.raises(InputError) as err:
        parse("evil.yml", evil)
    assert "refused" in err.value.problem and "python/object" in err.value.problem
    assert not marker.exists()


def test_yaml_alias_bomb_is_refused():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    started = time.perf_counter()
    with pytest.raises(InputError, match="alias bomb"):
        parse("bomb.yaml", "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 5.0


def test_malformed_yaml_names_line_and_column():
    with pytest.raises(InputError, match=r"not valid YAML \(line 4, column 4: expected ',' or '\]'"):
        parse("de.yml", "de:\n  a: Eins\n  b: [Zwei\n  c: Drei\n")


def test_settings_files_are_not_catalogs():
    assert not is_structured_path(Path("web/package.json"))
    assert is_structured_path(Path("locales/de/common.json"))
    with pytest.raises(InputError, match="not a translation catalog"):
        parse("package.json", '{"name": "shop", "description": "A shop"}')


# ---------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html lang="de-CH">
<head>
  <title>Über uns</title>
  <style>p { color: red }</style>
  <script>var greeting = "Hallo";</script>
</head>
<body>
  <h1>Wer wir sind</h1>
  <p>Wir bauen <em>Fahrräder</em>
     seit 1999.<br>In Basel.
  <p>Installieren mit <code>pip install velo</code> geht schnell.</p>
  <pre>Rohtext bleibt draussen</pre>
  <p translate="no">ACME Velo AG</p>
  <ul>
    <li>Erstens
    <li>Zweitens <p>Absatz im Punkt</p></li>
  </ul>
  <noscript><p>Bitte JavaScript einschalten</p></noscript>
  <div>Lose Zeile ohne Block</div>
</body>
</html>
"""


def test_html_blocks_skip_code_script_pre_and_read_lang():
    parsed = parse("about.de.html", PAGE)
    assert parsed.format == "html" and not parsed.keyed
    (version,) = parsed.versions
    assert version.lang == "de"
    assert [u.text for u in version.units] == [
        "Über uns",
        "Wer wir sind",
        "Wir bauen Fahrräder seit 1999. In Basel.",
        "Installieren mit geht schnell.",
        "Erstens",
        "Zweitens",
        "Absatz im Punkt",
    ]
    assert all(u.key is None for u in version.units)
    lines = {u.text: u.line for u in version.units}
    assert lines["Wir bauen Fahrräder seit 1999. In Basel."] == line_of(PAGE, "Wir bauen")
    assert lines["Erstens"] == line_of(PAGE, "Erstens")
    assert lines["Absatz im Punkt"] == line_of(PAGE, "Absatz")


# ---------------------------------------------------------------- dispatch, placeholders

def test_suffixes_and_unknown_suffix():
    assert set(STRUCTURED_SUFFIXES) == {".po", ".pot", ".xlf", ".xliff", ".tmx", ".json", ".yaml", ".yml", ".html", ".htm"}
    with pytest.raises(InputError, match=r"no parser for \.csv"):
        parse("strings.csv", "a,b\n")
    with pytest.raises(InputError, match="file is empty"):
        parse("empty.xlf", b"  \n")


def test_placeholders_are_found_as_written():
    assert placeholders("Hallo {{name}}, du hast %d neue und %(count)s alte <0>Nachrichten</0> {1}") == (
        "{{name}}", "%d", "%(count)s", "<0>", "</0>", "{1}",
    )
    assert placeholders("50% of 100%") == ()
