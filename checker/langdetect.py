"""Language of a document: from its file name when it says so, else detected.

The detector is restricted to the configured languages, because unrestricted
detectors confuse close languages (Indonesian is often taken for Malay).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

# de.txt, fr.md, index.de.md, guide_fr.txt, page-id.md
_NAME_PATTERNS = (
    re.compile(r"^(?P<lang>[a-z]{2})$"),
    re.compile(r"^.+[._-](?P<lang>[a-z]{2})$"),
)


def language_from_name(path: Path, known: tuple[str, ...]) -> str | None:
    """The language a file name states (`de.txt`, `index.fr.md`), if it is a known one."""
    stem = path.name
    # strip every suffix: index.de.md -> index.de -> index
    parts = stem.split(".")
    candidates = [parts[0]] + parts[1:-1] if len(parts) > 1 else [stem]
    for candidate in reversed(candidates):
        for pattern in _NAME_PATTERNS:
            m = pattern.match(candidate.lower())
            if m and m.group("lang") in known:
                return m.group("lang")
    # a folder named after the language: docs/de/page.md
    parent = path.parent.name.lower()
    if parent in known:
        return parent
    # gettext: locale/de/LC_MESSAGES/messages.po
    if parent == "lc_messages" and path.parent.parent.name.lower() in known:
        return path.parent.parent.name.lower()
    return None


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]):
    langs = []
    for code in languages:
        try:
            langs.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except AttributeError:
            continue
    if len(langs) < 2:
        langs.append(Language.ENGLISH if Language.ENGLISH not in langs else Language.GERMAN)
    return LanguageDetectorBuilder.from_languages(*langs).build()


def detect_language(text: str, languages: tuple[str, ...]) -> tuple[str | None, float]:
    """(ISO 639-1 code, confidence 0..1) among `languages`, or (None, 0) when unsure."""
    sample = text[:20000]
    detector = _detector(tuple(languages))
    values = detector.compute_language_confidence_values(sample)
    if not values:
        return None, 0.0
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), float(best.value)
