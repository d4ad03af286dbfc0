"""Stage 1, load: bytes on disk -> Document (decoded text, language), or an InputError
that names the file and says how to fix it."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest

from checker.config import load_config
from checker.errors import CheckerError, InputError
from checker.langdetect import detect_language, language_from_name
from checker.load import collect_paths, decode_text, load_document, load_documents

LANGS = load_config().languages
GERMAN = "Der Rat genehmigte den neuen Haushalt für das kommende Jahr.\nDie Sitzung dauerte bis spät in die Nacht.\n"
INDONESIAN = (
    "Pemerintah Indonesia mengumumkan kebijakan baru untuk meningkatkan kualitas pendidikan di seluruh negeri. "
    "Para guru akan mendapatkan pelatihan tambahan dan sekolah akan menerima lebih banyak buku.\n"
)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- decoding -------------------------------------------------------------------------


def test_utf8_without_bom(tmp_path):
    doc = load_document(write(tmp_path / "de.txt", GERMAN.encode("utf-8")), LANGS)
    assert doc.text == GERMAN
    assert doc.lang == "de"
    assert doc.sha256 == hashlib.sha256(GERMAN.encode("utf-8")).hexdigest()


def test_utf8_bom_is_dropped_from_the_text(tmp_path):
    data = codecs.BOM_UTF8 + GERMAN.encode("utf-8")
    doc = load_document(write(tmp_path / "de.txt", data), LANGS)
    assert doc.text == GERMAN
    assert not doc.text.startswith("\ufeff")
    # the hash is of the bytes on disk, so a re-saved file with a BOM is a different file
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path, encoding):
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    doc = load_document(write(tmp_path / "de.txt", bom + GERMAN.encode(encoding)), LANGS)
    assert doc.text == GERMAN


def test_crlf_and_cr_become_lf():
    assert decode_text(b"eins\r\nzwei\rdrei\n", "x.txt") == "eins\nzwei\ndrei\n"


def test_utf16_crlf_is_normalised_like_utf8():
    crlf = GERMAN.replace("\n", "\r\n")
    from_utf16 = decode_text(codecs.BOM_UTF16_LE + crlf.encode("utf-16-le"), "de.txt")
    from_utf8 = decode_text(crlf.encode("utf-8"), "de.txt")
    assert from_utf16 == from_utf8 == GERMAN


def test_invalid_utf8_names_the_file_and_gives_the_iconv_fix(tmp_path):
    raw = "Le conseil a approuvé le budget.".encode("latin-1")
    path = write(tmp_path / "fr.txt", raw)
    with pytest.raises(InputError) as info:
        load_document(path, LANGS)
    message = str(info.value)
    assert info.value.path == str(path)
    assert message.startswith(str(path))
    assert "UTF-8" in message
    assert "iconv -f latin1 -t utf-8" in message
    # the offset of the first bad byte (é in latin-1)
    assert f"byte {raw.index(0xE9)}" in message


@pytest.mark.parametrize("data", [b"", b"   \n\n\t  \n"])
def test_empty_file(tmp_path, data):
    path = write(tmp_path / "de.txt", data)
    with pytest.raises(InputError) as info:
        load_document(path, LANGS)
    assert str(path) in str(info.value)
    assert "empty" in str(info.value)


def test_binary_file(tmp_path):
    path = write(tmp_path / "de.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(InputError) as info:
        load_document(path, LANGS)
    assert str(path) in str(info.value)
    assert "binary" in str(info.value)


def test_oversized_file_is_refused_without_reading(tmp_path, monkeypatch):
    import checker.load as load

    monkeypatch.setattr(load, "MAX_BYTES", 10)
    path = write(tmp_path / "de.txt", GERMAN.encode())
    with pytest.raises(InputError, match="limit"):
        load_document(path, LANGS)


def test_load_documents_collects_every_problem_and_keeps_good_files(tmp_path):
    good = write(tmp_path / "de.txt", GERMAN.encode())
    empty = write(tmp_path / "fr.txt", b"")
    latin = write(tmp_path / "id.txt", "kualitas pendidikan é".encode("latin-1"))
    docs, problems = load_documents([good, empty, latin], LANGS)
    assert [d.path for d in docs] == [str(good)]
    assert [p.path for p in problems] == [str(empty), str(latin)]
    assert all(p.message.startswith(p.path) for p in problems)


# --- language ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relative, lang",
    [
        ("de.txt", "de"),
        ("FR.md", "fr"),
        ("index.fr.md", "fr"),
        ("guide_id.txt", "id"),
        ("page-en.md", "en"),
        ("docs/de/page.md", "de"),
        ("docs/de/index.fr.md", "fr"),  # the file name wins over the folder
    ],
)
def test_language_from_file_name(relative, lang):
    assert language_from_name(Path(relative), LANGS) == lang


@pytest.mark.parametrize("relative", ["notes.txt", "index.md", "docs/page.md", "ms.txt", "docs/xx/page.md"])
def test_no_language_in_file_name(relative):
    # ms (Malay) is not a configured language, so ms.txt says nothing either
    assert language_from_name(Path(relative), LANGS) is None


def test_file_name_wins_over_detection(tmp_path):
    # German text in a file named fr.txt: the name is what the user told us
    doc = load_document(write(tmp_path / "fr.txt", GERMAN.encode()), LANGS)
    assert (doc.lang, doc.lang_source) == ("fr", "filename")


def test_forced_language(tmp_path):
    doc = load_document(write(tmp_path / "notes.txt", GERMAN.encode()), LANGS, forced_lang="de")
    assert (doc.lang, doc.lang_source) == ("de", "given")


def test_language_detected_when_the_name_says_nothing(tmp_path):
    doc = load_document(write(tmp_path / "notes.txt", GERMAN.encode()), LANGS)
    assert (doc.lang, doc.lang_source) == ("de", "detected")


def test_indonesian_is_detected_as_id_not_malay(tmp_path):
    assert "ms" not in LANGS
    doc = load_document(write(tmp_path / "artikel.txt", INDONESIAN.encode()), LANGS)
    assert (doc.lang, doc.lang_source) == ("id", "detected")


@pytest.mark.parametrize(
    "text",
    [
        INDONESIAN,
        GERMAN,
        "El gobierno anunció nuevas medidas para mejorar la educación en todo el país.",
        "Il governo ha annunciato nuove misure per migliorare l'istruzione.",
    ],
)
def test_detection_only_answers_with_configured_languages(text):
    allowed = ("de", "fr", "id", "en")
    lang, confidence = detect_language(text, allowed)
    assert lang in allowed
    assert 0.0 <= confidence <= 1.0


def test_detection_with_one_configured_language_still_works():
    # a detector needs two candidates; the module adds one rather than failing
    lang, _ = detect_language(INDONESIAN, ("id",))
    assert lang == "id"


def test_unrecognised_language_names_the_file_and_the_fix(tmp_path):
    path = write(tmp_path / "numbers.txt", b"12345 678 90\n")
    with pytest.raises(InputError) as info:
        load_document(path, LANGS)
    assert str(path) in str(info.value)
    assert "de.txt" in str(info.value)  # suggests naming the file after its language


# --- folders -------------------------------------------------------------------------------


def test_folder_collection_skips_hidden_files_and_other_suffixes(tmp_path):
    root = tmp_path / "site"
    for rel in ["de.txt", "fr.md", "sub/id.markdown", "en.TXT"]:
        write(root / rel, b"x")
    for rel in [".hidden.txt", ".git/de.txt", "sub/.cache/fr.md", "image.png", "data.json", "notes.rst"]:
        write(root / rel, b"x")
    found = collect_paths([str(root)])
    assert [p.relative_to(root).as_posix() for p in found] == ["de.txt", "en.TXT", "fr.md", "sub/id.markdown"]


def test_hidden_parent_of_the_named_folder_does_not_hide_its_files(tmp_path):
    # only parts below the folder given count: a checkout under ~/.work/ still works
    root = tmp_path / ".work" / "site"
    write(root / "de.txt", b"x")
    assert collect_paths([str(root)]) == [root / "de.txt"]


def test_files_named_twice_are_collected_once(tmp_path):
    de = write(tmp_path / "de.txt", b"x")
    fr = write(tmp_path / "fr.txt", b"x")
    assert collect_paths([str(de), str(tmp_path), str(fr)]) == [de, fr]


def test_folder_without_text_files(tmp_path):
    write(tmp_path / "empty" / "image.png", b"x")
    with pytest.raises(InputError) as info:
        collect_paths([str(tmp_path / "empty")])
    assert str(tmp_path / "empty") in str(info.value)
    assert ".txt" in str(info.value)


def test_missing_path(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(CheckerError) as info:
        collect_paths([str(missing)])
    assert str(missing) in str(info.value)
