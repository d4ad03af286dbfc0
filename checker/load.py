"""Stage 1: files on disk -> `Document`s (text decoded, language known).

Bad input raises `InputError` naming the file and the fix; the CLI turns that
into exit code 2.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from lingua import Language

from .errors import InputError
from .langdetect import detect_language, language_from_name
from .formats import STRUCTURED_SUFFIXES, is_structured_path, parse_structured
from .formats.decoding import decode_text
from .markdown import MARKDOWN_SUFFIXES
from .own_reports import OwnReports
from .records import Document
from .validate import has_surrogate, printable_path
from .units import documents_from_parsed

TEXT_SUFFIXES = (".txt", *MARKDOWN_SUFFIXES)
CATALOG_SUFFIXES = (".json", ".yaml", ".yml")
# Prose formats a scan names as unread, rather than misread their markup as text.
NO_PARSER_SUFFIXES = {".rst": "reStructuredText", ".adoc": "AsciiDoc", ".asciidoc": "AsciiDoc", ".org": "Org"}

# Every language the detector knows: a folder scan keeps de.json whatever languages are configured.
_ANY_LANGUAGE = tuple(sorted(lang.iso_code_639_1.name.lower() for lang in Language.all()))
# Larger files are refused rather than read whole into memory.
MAX_BYTES = 20 * 1024 * 1024
MIN_DETECT_CONFIDENCE = 0.5
# A language only suffixed to a name (guide_fr, user-id) yields to a detector this sure.
OVERRULE_NAME_CONFIDENCE = 0.9


@dataclass(frozen=True)
class LoadProblem:
    path: str
    message: str


def collect_paths(
    inputs: Iterable[str],
    refused: list[LoadProblem] | None = None,
    own: OwnReports | None = None,
    passed_over: list[LoadProblem] | None = None,
) -> list[Path]:
    """Files named directly, plus the text files inside named folders (sorted, no hidden ones).

    A file of a folder that is a symbolic link to a place outside the folder is not read (see
    `_inside`): it goes to `refused`, or raises InputError when `refused` is not given.
    Symbolic links to folders are not followed. checker's own reports are known by where
    they were written (own_reports.py, never by their content) and listed in `own.skipped`.
    Every other file a folder scan does not read goes to `passed_over` with the reason.
    """
    paths: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            found = []
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                hidden = next((i for i, part in enumerate(rel) if part.startswith(".")), None)
                if hidden is not None:
                    if hidden == len(rel) - 1 and passed_over is not None:  # a hidden folder once, not its files
                        passed_over.append(LoadProblem(printable_path(f), "hidden, not scanned"))
                    continue
                if not f.is_file():
                    continue
                reason = _not_scanned_because(f)
                if reason is None:
                    found.append(f)
                elif passed_over is not None:
                    passed_over.append(LoadProblem(printable_path(f), reason))
            if not found:
                raise InputError(
                    raw,
                    "folder holds no file checker reads (.txt, .md, .html, .po, .xlf, .tmx, or .json/.yaml named by language)",
                    "point checker at the folder with the versions",
                )
            inside = _inside(p, found, refused)
            paths.extend(f for f in inside if own is None or own.keep(f))
        elif p.is_file() and has_surrogate(raw):
            raise _undecodable_name(p)
        elif p.is_file():
            paths.append(p)
        else:
            # a pipe or device would block or never end: name what it is instead of reading it
            raise InputError(raw, "not a regular file (a device, pipe or socket)" if p.exists() else "no such file or folder")
    unique: dict[Path, None] = {}
    for p in paths:
        unique.setdefault(p, None)
    return list(unique)


def _inside(folder: Path, files: list[Path], refused: list[LoadProblem] | None) -> list[Path]:
    """The files of a folder scan that really lie inside the folder. A link out of it (a pull
    request can add `fr.txt -> ~/.ssh/id_rsa`) would copy another file's text into the reports."""
    root = folder.resolve()
    kept: list[Path] = []
    for f in files:
        target = f.resolve()
        if has_surrogate(str(f)):  # its name could be neither printed nor written into a report
            error = _undecodable_name(f)
        elif target.is_relative_to(root):
            kept.append(f)
            continue
        else:
            error = InputError(
                str(f),
                f"a symbolic link to {target}, outside the folder checked: not read",
                "copy the file into the folder, or name it on the command line if you trust it",
            )
        if refused is None:
            raise error
        refused.append(LoadProblem(error.path, str(error)))
    return kept


def _undecodable_name(path: Path) -> InputError:
    return InputError(printable_path(path), "the file name is not valid UTF-8: not read", "rename the file (e.g. with convmv)")


def _not_scanned_because(path: Path) -> str | None:
    """Why a folder scan does not read a file; None when it does. JSON and YAML only where the
    name or folder states a language (de.json, locales/fr/common.json): a repository holds
    many other JSON files."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix in STRUCTURED_SUFFIXES and suffix not in CATALOG_SUFFIXES:
        return None
    if suffix in CATALOG_SUFFIXES:
        if not is_structured_path(path):
            return "a project settings file, not a translation catalogue"
        if language_from_name(path, _ANY_LANGUAGE) is None:
            return f"a {suffix} file whose name and folder state no language: not taken for a catalogue"
        return None
    if suffix in NO_PARSER_SUFFIXES:
        return f"{NO_PARSER_SUFFIXES[suffix]} markup, which checker has no parser for: not read"
    return f"not a format checker reads ({suffix or 'no suffix'})"


def _read_bytes(path: Path) -> bytes:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(name, f"file is {size // (1024 * 1024)} MB, over the {MAX_BYTES // (1024 * 1024)} MB limit", "split it into smaller documents")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror})") from exc


def _loosely_named(path: Path, lang: str) -> bool:
    """True unless the name is exactly the language (de.txt), a dotted suffix (index.de.md) or the folder (de/)."""
    parts = path.name.lower().split(".")
    return not (parts[0] == lang or lang in parts[1:-1] or path.parent.name.lower() == lang)


def load_document(path: Path, languages: tuple[str, ...], forced_lang: str | None = None) -> Document:
    name = str(path)
    data = _read_bytes(path)
    text = decode_text(data, name)
    sha = hashlib.sha256(data).hexdigest()
    if forced_lang:
        return Document(name, forced_lang, text, sha, lang_source="given")
    lang = language_from_name(path, languages)
    if lang and not _loosely_named(path, lang):
        return Document(name, lang, text, sha, lang_source="filename")
    if lang:
        # "guide_fr.txt" says French, but "user-id.md" need not be Indonesian: the detector may overrule
        detected, confidence = detect_language(text, languages)
        if detected is None or detected == lang or confidence < OVERRULE_NAME_CONFIDENCE:
            return Document(name, lang, text, sha, lang_source="filename")
        return Document(name, detected, text, sha, lang_source="detected")
    detected, confidence = detect_language(text, languages)
    if detected is None or confidence < MIN_DETECT_CONFIDENCE:
        raise InputError(
            name,
            "language could not be recognised among " + ", ".join(languages),
            "name the file after its language (de.txt) or add the language to `languages` in checker.toml",
        )
    return Document(name, detected, text, sha, lang_source="detected")


def load_structured(path: Path, languages: tuple[str, ...]) -> list[Document]:
    """A PO/XLIFF/TMX/JSON/YAML/HTML file: one Document per language version inside it."""
    name = str(path)
    data = _read_bytes(path)
    if not data.strip():
        raise InputError(name, "file is empty", "remove it or add the text")
    return documents_from_parsed(parse_structured(path, data), data, languages, MIN_DETECT_CONFIDENCE)


def load_documents(
    paths: Iterable[Path], languages: tuple[str, ...]
) -> tuple[list[Document], list[LoadProblem]]:
    """Loads every file it can; problems are collected so one bad file does not hide the others."""
    documents: list[Document] = []
    problems: list[LoadProblem] = []
    for path in paths:
        try:
            if path.suffix.lower() in STRUCTURED_SUFFIXES:
                documents.extend(load_structured(path, languages))
                continue
            documents.append(load_document(path, languages))
        except InputError as exc:
            problems.append(LoadProblem(exc.path, str(exc)))
    return documents, problems
