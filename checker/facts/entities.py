"""Proper names, compared across languages and scripts.

A name is either a known place or organisation from `exonyms.tsv` (one concept
per line, so "Moskau", "Moscou", "Moskow" and "Moscow" are the same), or a run
of capitalised words that is not a title ("Außenminister", "Menteri Luar
Negeri"), a month or a weekday. Runs are compared through a phonetic skeleton
(anyascii, lowercase, w->v, j/y->i, ou->u, ...) with rapidfuzz, so "Lawrow",
"Lavrov" and "Sergueï"/"Sergej"/"Sergey" match.

Each entity's value is `(key, strength)`. `key` is "@Concept" for a known name
or the skeleton of the run. `strength` says how sure we are the words are a
name at all:

- "known": in the exonym table;
- "name": capitalised mid-sentence in a language that capitalises only names
  (not German); in German, words right after a title ("Präsident Putin") or
  two capitalised words in a row not opened by an inflected adjective
  ("Sergej Lawrow", not "Eurasische Sicherheit");
- "weak": other German nouns (German capitalises every noun), sentence-initial
  words, and acronyms not in the table (they are translated: VNA, KTT, OTAN).

Only "known" and "name" entities may stand as a changed name; a weak one can
still be matched.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib import resources
from typing import Callable, Mapping, Sequence

from anyascii import anyascii
from rapidfuzz import fuzz

from .dates import MONTHS, WEEKDAYS
from .records import Fact
from .tokens import Word, is_sentence_initial, words

LANGS = ("de", "fr", "id", "en")

# How alike two transliterated name tokens must be (rapidfuzz ratio, 0..100).
FUZZY_MIN_RATIO = 80
# Tokens shorter than this must match exactly ("Kim" is not "Kin").
FUZZY_MIN_LENGTH = 5

# Words of office and address, which precede names but are not names. German
# compounds are caught by their endings ("Außenminister", "US-Präsidenten").
_TITLES: dict[str, frozenset[str]] = {
    "de": frozenset({
        "herr", "herrn", "frau", "dr", "prof", "papst", "general", "senator", "senatorin", "gouverneur",
        "bürgermeister", "bürgermeisterin", "abgeordnete", "abgeordneten", "abgeordneter", "korrespondent",
        "korrespondenten", "korrespondentin", "leiter", "leiterin", "premier", "majestät", "hoheit", "exzellenz",
        "pfarrer", "pastor", "reverend", "vater", "bischof", "kardinal", "imam", "rabbi", "scheich", "kommissar",
        "inspektor", "detektiv", "trainer", "richter", "richterin", "professor", "professorin", "doktor",
    }),
    "fr": frozenset({
        "m", "mm", "mme", "mlle", "monsieur", "madame", "président", "présidente", "ministre", "premier",
        "première", "chancelier", "chancelière", "roi", "reine", "pape", "dr", "général", "affaires", "étrangères",
        "secrétaire", "ambassadeur", "ambassadrice", "chef", "état", "états", "etat", "gouvernement", "ministère",
        "conseil", "assemblée", "parlement", "porte", "parole", "sénateur", "maire", "gouverneur", "envoyé",
        "directeur", "majesté", "altesse", "excellence", "révérend", "père", "abbé", "évêque", "cardinal", "imam",
        "rabbin", "cheikh", "inspecteur", "commissaire", "capitaine", "entraîneur", "juge", "professeur", "docteur",
    }),
    "id": frozenset({
        "presiden", "wakil", "menteri", "luar", "negeri", "dalam", "perdana", "kanselir", "bapak", "ibu", "pak", "bu",
        "tuan", "nyonya", "raja", "ratu", "paus", "dr", "prof", "jenderal", "sekretaris", "utusan", "khusus", "duta",
        "besar", "gubernur", "kepala", "ketua", "juru", "bicara", "dewan", "kementerian", "pemerintah", "walikota",
        "wali", "kota", "direktur", "koresponden", "mitra", "sang", "anda", "yang", "mulia", "pendeta", "pastor",
        "uskup", "kardinal", "imam", "rabi", "syekh", "inspektur", "detektif", "kapten", "pelatih", "hakim",
        "profesor", "dokter", "romo",
    }),
    "en": frozenset({
        "mr", "mrs", "ms", "dr", "prof", "president", "minister", "ministers", "foreign", "prime", "chancellor", "king",
        "queen", "pope", "general", "secretary", "ambassador", "senator", "governor", "envoy", "special", "vice",
        "deputy", "sir", "lord", "lady", "spokesman", "spokeswoman", "spokesperson", "chairman", "chair", "director",
        "ministry", "department", "state", "affairs", "office", "mayor", "leader", "chief", "correspondent", "i",
        "majesty", "highness", "excellency", "rev", "reverend", "father", "pastor", "bishop", "archbishop", "cardinal",
        "imam", "rabbi", "sheikh", "detective", "inspector", "superintendent", "sergeant", "constable", "captain",
        "coach", "manager", "judge", "justice", "professor", "doctor",
    }),
}
_DE_TITLE_ENDINGS = (
    "präsident", "präsidentin", "präsidenten", "minister", "ministerin", "ministers", "kanzler", "kanzlerin",
    "chef", "chefin", "sprecher", "sprecherin", "botschafter", "botschafterin", "gesandte", "gesandten",
    "gesandter", "kollege", "kollegen", "kollegin", "sekretär", "sekretärin", "vorsitzende", "vorsitzender",
    "vorsitzenden", "könig", "königin", "direktor", "direktorin", "führer", "führerin",
)


# Articles, prepositions and pronouns, capitalised only when they open a sentence.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset({
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "am", "im", "in", "an",
        "auf", "mit", "nach", "laut", "von", "vom", "zu", "zum", "zur", "für", "bei", "er", "sie", "es", "wir",
        "doch", "aber", "und", "auch", "als", "wie", "dies", "diese", "dieser", "dieses", "um", "erst", "seit",
    }),
    "fr": frozenset({
        "le", "la", "les", "l", "un", "une", "des", "du", "de", "en", "à", "au", "aux", "pour", "par", "avec", "dans",
        "sur", "selon", "après", "avant", "il", "elle", "ils", "elles", "ce", "cette", "ces", "son", "sa", "ses",
        "mais", "et", "cependant", "lors", "depuis",
    }),
    "id": frozenset({
        "pada", "di", "ke", "dari", "dalam", "untuk", "dengan", "oleh", "menurut", "setelah", "sebelum", "namun",
        "tetapi", "dan", "ia", "dia", "mereka", "kami", "kita", "ini", "itu", "para", "seorang", "sebuah", "terkait",
        "sejak", "saat",
    }),
    "en": frozenset({
        "the", "a", "an", "in", "on", "at", "for", "with", "from", "by", "to", "of", "and", "but", "as", "after",
        "before", "during", "according", "however", "while", "when", "if", "this", "that", "these", "those", "he",
        "she", "it", "they", "we", "his", "her", "its", "their", "since",
    }),
}


@lru_cache(maxsize=16384)
def skeleton(s: str) -> str:
    """A spelling-neutral key: 'Lawrow' and 'Lavrov' -> 'lavrov', 'Sergueï'/'Sergej'/'Sergey' -> 'sergei'."""
    s = anyascii(s).lower()
    # "St. Martin", "Sankt Martin" and "Saint Martin" are one name.
    s = re.sub(r"\b(?:st|sankt)\b\.?", "saint", s)
    for a, b in (("tsch", "ch"), ("sch", "sh"), ("ck", "k"), ("ph", "f"), ("qu", "k"), ("ou", "u"),
                 ("gue", "ge"), ("gui", "gi"), ("w", "v"), ("j", "i"), ("y", "i"), ("z", "s"), ("x", "ks"),
                 ("kh", "h")):
        s = s.replace(a, b)
    s = re.sub(r"c(?!h)", "k", s)
    return re.sub(r"([a-z])\1+", r"\1", s)


# --- the exonym table ------------------------------------------------------------


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """(variant -> concept, concept -> variants); the concept is a line's first name."""
    variant_of: dict[str, str] = {}
    variants: dict[str, tuple[str, ...]] = {}
    text = resources.files(__package__).joinpath("exonyms.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        names = tuple(n.strip() for n in line.split("\t") if n.strip())
        variants[names[0]] = names
        for n in names:
            variant_of.setdefault(n if _is_acronym(n) else _fold(n), names[0])
    return variant_of, variants


def _fold(name: str) -> str:
    """Lookup form of a name: lowercase, hyphens and spaces alike ("Maison-Blanche", "Maison Blanche")."""
    return re.sub(r"[\s\u00a0\-\u2010\u2011]+", " ", name.lower())


def _is_acronym(s: str) -> bool:
    letters = s.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


@lru_cache(maxsize=1)
def _gazetteer() -> re.Pattern[str]:
    variant_of, _ = _table()
    names = sorted(variant_of, key=len, reverse=True)
    parts = []
    for n in names:
        if _is_acronym(n):
            parts.append(f"(?-i:{re.escape(n)})")
            continue
        # A space in a name may be written as a hyphen and the reverse ("Maison-Blanche").
        escaped = "[\\s\u00a0\\-\u2010\u2011]".join(re.escape(w) for w in n.split(" "))
        if len(n) >= 5:
            # Inflected and derived forms: "Moskaus", "Russlands", "Russian", "Indonesian".
            parts.append(escaped + r"(?-i:[a-zäöüß]{0,3})")
        else:
            parts.append(escaped)
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w])", re.IGNORECASE)


def concept_of(name: str) -> str | None:
    """The concept (first name of its exonym line) of a name or its inflected form."""
    variant_of, _ = _table()
    if name in variant_of:
        return variant_of[name]
    m = _gazetteer().fullmatch(name)
    if not m or not name[:1].isupper():
        return None
    low = _fold(name)
    for cut in range(len(low), max(len(low) - 4, 0), -1):
        if low[:cut] in variant_of:
            return variant_of[low[:cut]]
    return None


# --- extraction --------------------------------------------------------------------


def _is_title(word: str, lang: str) -> bool:
    low = word.lower()
    if low in _TITLES[lang]:
        return True
    return lang == "de" and low.endswith(_DE_TITLE_ENDINGS)


# Capitalised German nouns that stand before a month ("Ende Oktober").
_DE_BEFORE_MONTH = frozenset({"anfang", "mitte", "ende"})


def _never_a_name(word: str, lang: str) -> bool:
    low = word.lower()
    return low in MONTHS[lang] or low in WEEKDAYS[lang] or (lang == "de" and low in _DE_BEFORE_MONTH)


def _opens_longer_name(text: str, start: int, end: int, lang: str) -> bool:
    """A known name opening a longer one ("Vietnam News Agency"), not one after a title ("Presiden Rusia Vladimir")."""
    # German follows names with capitalised nouns ("Moskaus Aufgabe"), so it needs two more
    # capitalised words and the name itself uninflected.
    need = 2 if lang == "de" else 1
    name = text[start:end]
    if lang == "de" and name not in _table()[0] and _fold(name) not in _table()[0]:
        return False
    after = re.match(r"(?:[ \u00a0][^\W\d_]+){%d}" % need, text[end:])
    if not after:
        return False
    following = after.group().split()
    if any(
        not w[0].isupper() or _is_title(w, lang) or _never_a_name(w, lang) or concept_of(w) is not None
        for w in following
    ):
        return False
    before = re.search(r"([^\W\d_]+)[ \u00a0]$", text[:start])
    return not (before and _is_title(before.group(1), lang))


def extract_entities(text: str, lang: str) -> list[Fact]:
    """Known names and capitalised runs of words that may be names."""
    if lang not in LANGS:
        return []
    facts: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for m in _gazetteer().finditer(text):
        if not m.group()[0].isupper():
            continue
        concept = concept_of(m.group())
        if concept is None:
            continue
        if _opens_longer_name(text, m.start(), m.end(), lang):
            # "Vietnam News Agency": the place only qualifies an organisation, which the
            # capitalised run below records whole (and "VNA" can then match its initials).
            facts.append(Fact("entity", ("@" + concept, "weak"), m.start(), m.end(), m.group()))
            continue
        taken.append((m.start(), m.end()))
        facts.append(Fact("entity", ("@" + concept, "known"), m.start(), m.end(), m.group()))

    ws = words(text)
    run: list[Word] = []
    run_after_title = False
    prev_title = False  # the word before is a title ("Präsident", "Bapak")

    def close() -> None:
        nonlocal run
        # "The VNA", "Laut Lawrow": an article or preposition opening the sentence is no part of a name.
        while len(run) > 1 and run[0].text.lower() in _FUNCTION_WORDS[lang]:
            run = run[1:]
        if run and not (len(run) == 1 and run[0].text.lower() in _FUNCTION_WORDS[lang]):
            facts.append(_run_fact(text, lang, run, run_after_title))
        run = []

    for k, w in enumerate(ws):
        in_gazetteer = any(s <= w.start < e for s, e in taken)
        gap = text[ws[k - 1].end : w.start] if k else ""
        if in_gazetteer or not w.text[0].isupper() or _never_a_name(w.text, lang) or len(w.text) < 2:
            close()
            prev_title = False
            continue
        if _is_title(w.text, lang):
            close()
            prev_title = True
            continue
        if run and gap in (" ", "\u00a0"):
            run.append(w)
        else:
            close()
            run = [w]
            run_after_title = prev_title and gap in (" ", "\u00a0", ", ")
        prev_title = False
    close()
    return sorted(facts, key=lambda f: f.start)


def _run_fact(text: str, lang: str, run: list[Word], after_title: bool) -> Fact:
    start, end = run[0].start, run[-1].end
    key = " ".join(skeleton(w.text) for w in run)
    initial = is_sentence_initial(text, start)
    evidence = run[1:] if initial else run  # an opening capital proves nothing
    if len(run) == 1 and _is_acronym(run[0].text):
        strength = "weak"
    elif lang == "de":
        # German capitalises every noun: a name needs a title before it ("Präsident Putin") or
        # two capitalised words in a row that do not start with an inflected adjective
        # ("Sergej Lawrow", not "Eurasische Sicherheit").
        first = evidence[0].text.lower() if evidence else ""
        adjective = len(first) > 4 and first.endswith(("e", "en", "em", "es"))
        strength = "name" if after_title or (len(evidence) >= 2 and not adjective) else "weak"
    else:
        strength = "name" if evidence or after_title else "weak"
    return Fact("entity", (key, strength), start, end, text[start:end])


def is_strong(fact: Fact) -> bool:
    """Sure enough that this is a name for it to count as a changed one."""
    return fact.value[1] in ("known", "name")


def omission_matters(fact: Fact) -> bool:
    """Worth an omission finding: a known name, or a sure one not made of common words only
    ("Comité", "Select Committee" and "City" are translated or paraphrased more often than dropped)."""
    return fact.value[1] == "known" or (fact.value[1] == "name" and bool(_proper_words(fact)))


# --- comparison ----------------------------------------------------------------------


def _match_tokens(fact: Fact) -> tuple[str, ...]:
    return _tokens_of(fact.value[0], fact.text)


@lru_cache(maxsize=4096)
def _tokens_of(key: str, text: str) -> tuple[str, ...]:
    """Skeleton words to compare: a run's own words in order, or every name of a known place."""
    if not key.startswith("@"):
        return tuple(key.split())
    _, variants = _table()
    toks = {t for v in variants[key[1:]] for t in skeleton(v).split()} | set(skeleton(text).split())
    return tuple(sorted(toks))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


@lru_cache(maxsize=65536)
def _tokens_match(x: str, y: str) -> bool:
    if x == y:
        return True
    if len(x) != len(y) and min(len(x), len(y)) >= 2 and (x == y + "s" or y == x + "s"):
        return True  # German genitive: "Lees", "New Yorks", "Boliviens"
    shorter = min(len(x), len(y))
    if shorter < FUZZY_MIN_LENGTH:
        return False
    # "eurasia"/"eurasische", "moskaus"/"moskau": same stem, different ending.
    if _common_prefix(x, y) >= max(FUZZY_MIN_LENGTH, 0.7 * shorter):
        return True
    return fuzz.ratio(x, y) >= FUZZY_MIN_RATIO


def _initials(fact: Fact) -> str:
    return "".join(w[0] for w in fact.text.split() if w[:1].isupper())


def _covered(fact: Fact, present: Callable[[str], bool]) -> bool:
    """A run of words is named elsewhere when its last word (the surname) or most of its words are.

    "Sergej Lawrow" is covered by "Lavrov"; "Sergei Shoigu" is not covered by
    "Sergey Lavrov", though the first names agree.
    """
    toks = _match_tokens(fact)
    if fact.value[0].startswith("@"):
        return any(present(t) for t in toks)
    if present(toks[-1]):
        return True
    return 2 * sum(present(t) for t in toks) > len(toks)


def same_entity(a: Fact, b: Fact) -> bool:
    """The same person, place or organisation, in any of the four languages."""
    ka, kb = a.value[0], b.value[0]
    if ka.startswith("@") and kb.startswith("@"):
        return ka == kb
    for x, y in ((a, b), (b, a)):
        if _is_acronym(x.text) and len(y.text.split()) > 1 and _initials(y) == x.text.replace(".", ""):
            return True
    ta, tb = _match_tokens(a), _match_tokens(b)
    return _covered(a, lambda t: any(_tokens_match(t, y) for y in tb)) or _covered(
        b, lambda t: any(_tokens_match(t, x) for x in ta)
    )


def mentioned(fact: Fact, other_text: str) -> bool:
    """Whether another version names this entity in any form, even uncapitalised or derived.

    Lenient on purpose: "biélorusse" mentions Belarus, "russo-américaines"
    mentions Russia, "Vietnam News Agency" spells out VNA. A name counts as
    missing or changed only when this finds nothing.
    """
    if _is_acronym(fact.text):
        letters = fact.text.replace(".", "")
        if re.search(rf"(?<![\w]){re.escape(fact.text)}(?![\w])", other_text):
            return True
        spelled = r"\s+".join(rf"{c}[^\W\d_]*" for c in letters)
        if re.search(rf"(?<![\w]){spelled}(?![\w])", other_text):
            return True
    hay = skeleton(other_text)
    if fact.value[0].startswith("@"):
        _, variants = _table()
        names = variants[fact.value[0][1:]]
        # Acronym variants are checked in capitals only: "AS" is not the word "as".
        if any(_is_acronym(v) and re.search(rf"(?<![\w]){re.escape(v)}(?![\w])", other_text) for v in names):
            return True
        stems = _concept_stems(fact.value[0][1:])
        if any(_has_word_from(hay, s) for s in stems):
            return True
        # "nord-coréen", "Nord Korea": a one-word name written in two.
        return any(len(s) >= 6 and " " not in s and _has_word_from(_joined_pairs(hay), s) for s in stems)
    if len(fact.text.split()) > 1 and re.search(rf"(?<![\w]){re.escape(_initials(fact))}(?![\w])", other_text):
        return True  # "Vietnam News Agency" is "VNA" elsewhere
    if _covered(fact, lambda t: len(t) >= 3 and _has_word_from(hay, _stem(t))):
        return True
    # Spaces and hyphens come and go: "Skyblues" is "Sky Blues", "nord-coréen" names North Korea.
    toks = _match_tokens(fact)
    compact = "".join(toks)
    if len(compact) < 6:
        return False
    return _has_word_from(hay, _stem(compact)) or _has_word_from(_joined_pairs(hay), _stem(compact))


@lru_cache(maxsize=4096)
def _joined_pairs(hay: str) -> str:
    """Each two neighbouring words of a skeleton written as one: "ski blues" -> "skiblues"."""
    ws = re.findall(r"[a-z0-9]+", hay)
    return " ".join(a + b for a, b in zip(ws, ws[1:]))


def loosely_mentioned(fact: Fact, other_text: str) -> bool:
    """`mentioned`, or half the words of a longer name are there.

    Translated names of bodies keep only some words ("Eurasian Security",
    "Eurasische Sicherheit"): enough not to call the name left out, not enough
    to call it the same when another name stands in its place.
    """
    if mentioned(fact, other_text):
        return True
    if fact.value[0].startswith("@"):
        return False
    hay = skeleton(other_text)
    toks = _match_tokens(fact)
    return 2 * sum(len(t) >= 3 and _has_word_from(hay, _stem(t)) for t in toks) >= len(toks)


def _has_word_from(hay: str, stem: str) -> bool:
    return bool(stem) and re.search(rf"\b{re.escape(stem)}[a-z]{{0,8}}\b", hay) is not None


def _stem(token: str) -> str:
    return token if len(token) <= FUZZY_MIN_LENGTH else token[: max(FUZZY_MIN_LENGTH, len(token) - 3)]


@lru_cache(maxsize=None)
def _concept_stems(concept: str) -> frozenset[str]:
    """Word beginnings that mention a known place: each name's stem, plus what all its one-word names share.

    The shared beginning catches adjectives: Russland/Russie/Rusia share "rus",
    found in "russe", "russo-américaines" and "russische".
    """
    _, variants = _table()
    names = [skeleton(v) for v in variants[concept] if not _is_acronym(v)]
    stems = {_stem(n) if " " not in n else n for n in names}
    single = [n for n in names if " " not in n]
    if len(single) >= 2:
        shared = os.path.commonprefix(single)
        if len(shared) >= 3:
            stems.add(shared)
    return frozenset(stems)


# --- is a difference a swap? ------------------------------------------------------------


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Words that build names of bodies, places and works in any of the four languages, plus function
    words and titles: what a translator translates inside a name."""
    import stopwordsiso

    found: set[str] = set()
    text = resources.files(__package__).joinpath("common_words.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            found.update(line.split("\t", 1)[1].split())
    for lang in LANGS:
        found |= {w.lower() for w in stopwordsiso.stopwords(lang)}
        found |= _TITLES[lang] | _FUNCTION_WORDS[lang]
    found |= {w.lower() for names in (MONTHS, WEEKDAYS) for ws in names.values() for w in ws}
    return frozenset(found)


def _is_common(word: str) -> bool:
    common = _common_words()
    low = word.lower()
    return low in common or (low.endswith("s") and low[:-1] in common)  # "Projects", "Blancs"


def _proper_words(fact: Fact) -> list[str]:
    """The words of a name that are not common words: 'Lavrov' in 'Sergey Lavrov', none in 'White House'.

    None either when half the words or more are common: a descriptive name ("Defense Advanced Research
    Projects Agency", "Proyek Penelitian Pertahanan Mutakhir") is translated word by word.
    """
    ws = [w.text for w in words(fact.text) if len(w.text) >= 2]
    proper = [w for w in ws if not _is_common(w)]
    return proper if 2 * (len(ws) - len(proper)) < len(ws) or len(ws) == 1 else []


def _word_mentioned(word: str, text: str) -> bool:
    hay = skeleton(text)
    stem = _stem(skeleton(word))
    if _has_word_from(hay, stem) or _has_word_from(_joined_pairs(hay), stem):
        return True
    return word.endswith("s") and len(word) > 3 and _has_word_from(hay, _stem(skeleton(word[:-1])))


def plausible_swap(
    changed: Sequence[Fact], lang: str, refs: Mapping[str, Sequence[Fact]], texts: Mapping[str, str]
) -> bool:
    """Do the names `changed` (in version `lang`) and the agreed names `refs` (per other version) look
    like different names, and not like one name translated word by word?

    Yes when both are known and differ (Chile and Bolivia), or when each side has a proper word,
    not a common one, that the other side does not mention (Shoigu and Lavrov). "Yayasan Ilmu Alam"
    against "Natural Science Foundation", or "Échec au crime" against "Crimestoppers" with
    "Crimestoppers" in no common-word list but "Échec" in one, are translations.
    """
    others = [o for o in refs if refs[o]]
    if not others:
        return False
    first = others[0]
    for c in changed:
        new_words = [w for w in _proper_words(c) if not any(_word_mentioned(w, texts[o]) for o in refs)]
        for a in refs[first]:
            if c.value[0].startswith("@") and a.value[0].startswith("@"):
                return True
            if not new_words:
                continue
            forms = {o: [g for g in refs[o] if g is a or same_entity(g, a)] for o in others}

            def lost(g: Fact) -> bool:
                return any(not _word_mentioned(w, texts[lang]) for w in _proper_words(g))

            if all(any(lost(g) for g in forms[o]) for o in others):
                return True
    return False
