"""Numbers and quantities in German, French, Indonesian and English.

A number's value is `(readings, unit)`: `readings` are canonical decimal strings
("1000", "3.5"), most likely first. A digit group written with the language's
decimal mark before exactly three digits ("1,000" in German) may follow
another locale's convention, so it keeps both readings (thousand, or one with
three decimals), and two numbers are the same when any readings agree: a
checker that cannot tell must not accuse. `unit` is "%" for percentages (and
percentage points), "time" for clock times, "" otherwise.

Number words are read for 1-20, tens, hundreds and thousand/million/billion
words; words that double as articles ("ein", "une", "a") count as 1 only right
before such a scale word ("eine Million", "a million").
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable

from .records import Fact
from .tokens import Word, is_sentence_initial, words

LANGS = ("de", "fr", "id", "en")

# Roles of a word inside a spelled-out number (see `_combine`).
_NUM, _TEEN, _TENS, _HUNDRED, _SCALE = "num", "teen", "tens", "hundred", "scale"
Item = tuple[str, int]

_DE_BASIC = {
    "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
    "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16,
    "siebzehn": 17, "achtzehn": 18, "neunzehn": 19,
}
_DE_TENS = {
    "zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
    "siebzig": 70, "achtzig": 80, "neunzig": 90,
}

_WORDS: dict[str, dict[str, tuple[Item, ...]]] = {
    "de": {
        "million": ((_SCALE, 10**6),), "millionen": ((_SCALE, 10**6),), "mio": ((_SCALE, 10**6),),
        "milliarde": ((_SCALE, 10**9),), "milliarden": ((_SCALE, 10**9),), "mrd": ((_SCALE, 10**9),),
        "billion": ((_SCALE, 10**12),), "billionen": ((_SCALE, 10**12),),
    },
    "fr": {
        **{w: ((_NUM, v),) for w, v in {
            "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
            "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
            "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
        }.items()},
        "cent": ((_HUNDRED, 100),), "cents": ((_HUNDRED, 100),),
        "mille": ((_SCALE, 1000),),
        "million": ((_SCALE, 10**6),), "millions": ((_SCALE, 10**6),),
        "milliard": ((_SCALE, 10**9),), "milliards": ((_SCALE, 10**9),),
        "billion": ((_SCALE, 10**12),), "billions": ((_SCALE, 10**12),),
    },
    "id": {
        **{w: ((_NUM, v),) for w, v in {
            "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
            "sembilan": 9, "sepuluh": 10, "sebelas": 11,
        }.items()},
        "belas": ((_TEEN, 10),), "puluh": ((_TENS, 10),),
        "ratus": ((_HUNDRED, 100),), "seratus": ((_NUM, 1), (_HUNDRED, 100)),
        "ribu": ((_SCALE, 1000),), "seribu": ((_NUM, 1), (_SCALE, 1000)),
        "juta": ((_SCALE, 10**6),), "sejuta": ((_NUM, 1), (_SCALE, 10**6)),
        "miliar": ((_SCALE, 10**9),), "milyar": ((_SCALE, 10**9),), "semiliar": ((_NUM, 1), (_SCALE, 10**9)),
        "triliun": ((_SCALE, 10**12),),
    },
    "en": {
        **{w: ((_NUM, v),) for w, v in {
            "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
            "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
            "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
        }.items()},
        "hundred": ((_HUNDRED, 100),), "thousand": ((_SCALE, 1000),), "million": ((_SCALE, 10**6),),
        "billion": ((_SCALE, 10**9),), "bn": ((_SCALE, 10**9),), "trillion": ((_SCALE, 10**12),),
    },
}

# Articles that also mean "one": a number only before a scale word ("eine Million").
_ARTICLE_ONE = {
    "de": frozenset({"ein", "eine", "einen", "einem", "einer", "eines"}),
    "fr": frozenset({"un", "une"}),
    "id": frozenset(),
    "en": frozenset({"a", "an"}),
}
# Words that join the parts of a spelled-out number ("vingt et un", "two hundred and five").
_CONNECTORS = {"de": frozenset(), "fr": frozenset({"et"}), "id": frozenset(), "en": frozenset({"and"})}

# Ordinal words, read as their number. Left out on purpose: "second"/"seconde"
# (also a unit of time), "kedua" (also "both"), German "acht-" (also "achten", to heed).
_ORDINALS = {
    "de": re.compile(r"(erst|zweit|dritt|viert|fünft|sechst|siebt|neunt|zehnt)(?:e|en|er|es|em)"),
    "fr": re.compile(r"(premier|première|deuxième|troisième|quatrième|cinquième|sixième|septième|huitième"
                     r"|neuvième|dixième)s?"),
    "id": re.compile(r"(pertama|ketiga|keempat|kelima|keenam|ketujuh|kedelapan|kesembilan|kesepuluh)"),
    "en": re.compile(r"(first|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"),
}
_ORDINAL_VALUES = {
    "erst": 1, "zweit": 2, "dritt": 3, "viert": 4, "fünft": 5, "sechst": 6, "siebt": 7, "neunt": 9, "zehnt": 10,
    "premier": 1, "première": 1, "deuxième": 2, "troisième": 3, "quatrième": 4, "cinquième": 5, "sixième": 6,
    "septième": 7, "huitième": 8, "neuvième": 9, "dixième": 10,
    "pertama": 1, "ketiga": 3, "keempat": 4, "kelima": 5, "keenam": 6, "ketujuh": 7, "kedelapan": 8,
    "kesembilan": 9, "kesepuluh": 10,
    "first": 1, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}

_SCALE_AFTER_DIGITS = {
    "de": r"Mio\.|Mrd\.|Mio\b|Mrd\b|Millionen|Million|Milliarden|Milliarde|Billionen|Billion|Tausend|tausend",
    "fr": r"millions?|milliards?|billions?|mille",
    "id": r"ribu|juta|miliar|milyar|triliun",
    "en": r"thousand|million|billion|trillion|bn\b",
}
_PERCENT = {
    "de": r"%|Prozentpunkten?|Prozentpunkte|Prozent|prozent",
    "fr": r"%|points?\s+de\s+pourcentage|pour\s?cent",
    "id": r"%|poin\s+persentase|persen",
    "en": r"%|percentage\s+points?|per\s?cent",
}

_URL_RE = re.compile(r"(?:https?://|www\.)\S+")


# English abbreviations glued to the digits: "$125m", "2.8bn", "5k". "m" and "k" may also be
# metres and kilometres ("100m sprint"), so without a currency sign both readings stay.
_EN_ABBREVIATIONS = {"bn": 10**9, "b": 10**9, "mn": 10**6, "m": 10**6, "k": 1000, "tn": 10**12, "trn": 10**12}
_CURRENCY_BEFORE = re.compile(r"(?:[$£€¥₹]|\b(?:US|A|C|NZ|HK|S)\$|\b(?:USD|EUR|GBP|Rp)\.?\s?)$")


_GLUED_UNITS = r"(?P<glued>(?i:h|hrs?|min|ms|s|sec|px|pt|rem|em|[kmgt]b|[kmgt]o|kg|km|cm|mm|fps|[kmg]?hz|x))"


def _digits_re(lang: str) -> re.Pattern[str]:
    # French groups thousands with (narrow no-break) spaces, and writers type plain ones too.
    sep = r"[.,\u202f\u00a0 ]" if lang == "fr" else r"[.,\u202f\u00a0]"
    # Decades: "1980s", "1980's" in English; German "1980er" is read through the ordinal ending.
    abbr = r"(?P<abbr>bn|trn|tn|mn|m|k|b)(?![^\W\d_])|(?P<decade>s|['’]s)(?![^\W\d_])|" if lang == "en" else ""
    # French abbreviates "ème" as "è" ("44è tour"). Units glued to the number ("24h", "5min",
    # "16px", "2x", UI strings' style) leave its value as it is.
    return re.compile(
        r"(?<![\w.,])(?P<num>\d{1,3}(?:" + sep + r"\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\d])"
        r"(?:" + abbr + _GLUED_UNITS + r"(?![^\W\d_])|(?P<ord>st|nd|rd|th|er|re|ère|ème|eme|è|e)?(?![^\W\d_]))"
    )


_DIGITS_RE = {lang: _digits_re(lang) for lang in LANGS}
_SCALE_RE = {
    lang: re.compile(r"[ \u00a0\u202f]*(?:" + p + r")(?![^\W\d_])", re.IGNORECASE)
    for lang, p in _SCALE_AFTER_DIGITS.items()
}
_PERCENT_RE = {
    lang: re.compile(r"[ \u00a0\u202f]*(?:" + p + r")(?![^\W\d_])", re.IGNORECASE) for lang, p in _PERCENT.items()
}
_NOT_AFTER = r"(?<![\w:.,])"
_MM = r"[0-5]\d(?!\d)"


def _h(n: str = "") -> str:
    return r"(?P<h" + n + r">[01]?\d|2[0-3])"


# Clock times: "14:05" everywhere; "14h05", "15 h" in French; "14.05 Uhr", "15 Uhr" in German;
# "pukul 14.05", "pukul 3 sore" and "14.05 WIB" in Indonesian; "2:05 p.m.", "7.55am", "3 p.m." in English.
# The hour must be followed by its minutes or a clock word: "7.55" alone is a decimal.
_ID_PART = r"(?:\s+(?P<part>pagi|siang|sore|malam)\b)?"
_TIME_RE = {
    "de": re.compile(
        _NOT_AFTER + _h() + r"(?:[.:](?P<m>" + _MM + r"))?(?=\s?Uhr\b)|"
        + _NOT_AFTER + _h("2") + r":(?P<m2>" + _MM + ")"
    ),
    "fr": re.compile(
        _NOT_AFTER + _h() + r"(?::|\s?h\s?)(?P<m>" + _MM + r")|" + _NOT_AFTER + _h("2") + r"\s?h(?![^\W\d_])"
        r"|(?<=à )" + _h("3") + r"\s+heures?\b"
    ),
    "id": re.compile(
        r"(?:(?<=pukul )|(?<=jam ))" + _h() + r"(?:[.:](?P<m>" + _MM + r"))?(?![\d.,])" + _ID_PART + "|"
        + _NOT_AFTER + _h("2") + r"(?::(?P<m2>" + _MM + r")|\.(?P<m3>" + _MM + r")(?=\s?WI[BT]A?\b))"
    ),
    "en": re.compile(
        _NOT_AFTER + _h() + r"(?:[:.](?P<m>" + _MM + r"))?\s?(?P<ampm>[aApP]\.?[mM]\b\.?)"
        r"|" + _NOT_AFTER + _h("2") + r":(?P<m2>" + _MM + r")|" + _NOT_AFTER + _h("3") + r"\s?o['’]clock\b"
    ),
}


def _clock_value(m: re.Match[str]) -> str:
    """'HH:MM' (24 hours) of a clock-time match."""
    g = m.groupdict()
    hour = int(next(g[k] for k in ("h", "h2", "h3") if g.get(k)))
    minute = next((g[k] for k in ("m", "m2", "m3") if g.get(k)), None) or "00"
    ampm = (g.get("ampm") or "").lower()
    part = g.get("part") or ""
    afternoon = part in ("siang", "sore") and hour < 11 or part == "malam" and 5 < hour < 12
    if ampm.startswith("p") and hour < 12 or afternoon:
        hour += 12
    elif (ampm.startswith("a") or part == "malam") and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute}"


_BARE_CLOCK_RE = re.compile(r"(?P<h>[01]?\d|2[0-4])(?:[.,:h](?P<m>[0-5]\d))?")


def _clock(fact: Fact) -> tuple[int, int] | None:
    """(hour on a 12-hour dial, minute) of a clock time, or of a bare number that may be one ("7.55", "15")."""
    if fact.value[1] == "time":
        h, m = fact.value[0][0].split(":")
        return int(h) % 12, int(m)
    if fact.value[1] or not has_digits(fact):
        return None
    m = _BARE_CLOCK_RE.fullmatch(fact.text.strip())
    return (int(m.group("h")) % 12, int(m.group("m") or 0)) if m else None


def canonical(d: Decimal) -> str:
    """A decimal as plain digits: Decimal("1E+3") -> "1000", Decimal("3.50") -> "3.5"."""
    return format(d.normalize(), "f")


def digit_readings(s: str, lang: str) -> tuple[Decimal, ...]:
    """Possible values of a digit string, the one the language's convention prefers first."""
    spaces = re.findall(r"[ \u00a0\u202f]", s)
    if lang == "fr" and len(spaces) == 1 and not any(c in s for c in ".,"):
        # A space may group thousands ("1 200") or stand between two numbers ("au 116 123", a
        # phone number): both readings stay, the grouped one first.
        first, second = re.split(r"[ \u00a0\u202f]", s)
        return tuple(dict.fromkeys((Decimal(first + second), Decimal(first), Decimal(second))))
    t = s.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    has_dot, has_comma = "." in t, "," in t
    if has_dot and has_comma:
        dec = "." if t.rfind(".") > t.rfind(",") else ","
        grp = "," if dec == "." else "."
        return (Decimal(t.replace(grp, "").replace(dec, ".")),)
    sep = "." if has_dot else "," if has_comma else None
    if sep is None:
        return (Decimal(t),)
    parts = t.split(sep)
    if len(parts) > 2:  # 1.000.000: only thousands separators repeat
        return (Decimal("".join(parts)),)
    whole, frac = parts
    as_decimal = Decimal(f"{whole}.{frac}")
    if len(frac) != 3 or whole == "0":
        return (as_decimal,)
    as_thousands = Decimal(whole + frac)
    # The language's own thousands separator is read as such. Its decimal separator before
    # exactly three digits may be a writer following another convention ("1,500" in a German
    # text copied from English), so both readings stay. French groups with spaces, so either
    # mark is ambiguous there.
    if sep == {"de": ".", "id": ".", "en": ","}.get(lang):
        return (as_thousands,)
    return (as_decimal, as_thousands) if sep == "," else (as_thousands, as_decimal)


def _combine(items: list[Item]) -> int:
    """Value of a spelled-out number from its words' roles (handles 'dua ratus lima puluh' = 250)."""
    total = current = last = 0
    for role, v in items:
        if role == _NUM:
            current += v
            last = v
        elif role == _TEEN:  # Indonesian "dua belas" = 2 + 10
            current += v
            last = 0
        elif role == _TENS:  # Indonesian "lima puluh" = 5 * 10, multiplies only the last word
            current += last * (v - 1) if last else v
            last = 0
        elif role == _HUNDRED:
            current = (current or 1) * v
            last = 0
        else:  # _SCALE
            total += (current or 1) * v
            current = last = 0
    return total + current


def _de_compound(w: str) -> int | None:
    """German numbers are written as one word: 'zweihundertfünfundzwanzig'."""
    if w in _DE_BASIC:
        return _DE_BASIC[w]
    if w in _DE_TENS:
        return _DE_TENS[w]
    for scale, mult in (("tausend", 1000), ("hundert", 100)):
        head, sep, tail = w.partition(scale)
        if sep:
            h = 1 if head in ("", "ein") else _de_compound(head)
            t = 0 if tail == "" else _de_compound(tail)
            return None if h is None or t is None else h * mult + t
    head, sep, tail = w.partition("und")
    if sep and tail in _DE_TENS:
        h = 1 if head == "ein" else _DE_BASIC.get(head)
        if h is not None and h < 10:
            return h + _DE_TENS[tail]
    return None


def _word_items(lang: str, low: str) -> tuple[Item, ...] | None:
    items = _WORDS[lang].get(low)
    if items is not None:
        return items
    if lang == "de":
        v = _de_compound(low)
        if v is not None:
            return ((_NUM, v),)
    return None


def small_number(word: str, lang: str) -> int | None:
    """Value of one number word or 'one'-article ('zwei', 'une', 'a', 'satu'), for time phrases."""
    low = word.lower()
    if low in _ARTICLE_ONE.get(lang, ()) or (lang == "en" and low == "one"):
        return 1
    items = _word_items(lang, low) if lang in _WORDS else None
    if items and all(role == _NUM for role, _ in items):
        return sum(v for _, v in items)
    return None


def _is_lower_or_initial(text: str, w: Word) -> bool:
    # Number words are lowercase; "Lima" or "Acht" mid-sentence is a name or a noun.
    return w.text.islower() or (w.text.istitle() and is_sentence_initial(text, w.start))


def _gap_ok(text: str, a: Word, b: Word) -> bool:
    return text[a.end : b.start] in (" ", "-", "\u00a0", "\u202f")


def _one_is_numeric(lang: str, ws: list[Word], i: int) -> bool:
    """Context rules for words that are often not numbers."""
    low = ws[i].text.lower()
    prev = ws[i - 1].text.lower() if i > 0 else ""
    nxt = ws[i + 1].text.lower() if i + 1 < len(ws) else ""
    if lang == "en" and low == "one":
        # "no one", "each one", "one of", "one another" are pronouns, not counts.
        return prev not in {"no", "any", "every", "some", "each", "the", "this", "that", "which"} and nxt not in {
            "of", "another",
        }
    if lang == "id" and low == "satu":
        return prev != "salah"  # "salah satu" = "one of"
    if lang == "fr" and low == "neuf":
        # "neuf" is also "new" ("un bâtiment neuf"); as a number it precedes a plural noun.
        return nxt.endswith(("s", "x")) or _word_items(lang, nxt) is not None
    if lang == "fr" and low in ("cent", "cents"):
        return prev != "pour"
    return True


def _read_number_words(text: str, lang: str, ws: list[Word], i: int) -> tuple[list[Item], int]:
    """The longest run of number words from ws[i]: its roles, and the index after its last number word."""

    def items_at(k: int) -> tuple[Item, ...] | None:
        """Number-word roles of ws[k] if it may continue a run (German scale nouns are capitalised)."""
        if k >= len(ws) or not _gap_ok(text, ws[k - 1], ws[k]):
            return None
        found = _word_items(lang, ws[k].text.lower())
        if found is None or not (ws[k].text.islower() or (lang == "de" and found[0][0] == _SCALE)):
            return None
        return found if _one_is_numeric(lang, ws, k) else None

    items: list[Item] = []
    j = i
    while j < len(ws):
        low = ws[j].text.lower()
        found = (_word_items(lang, low) if _one_is_numeric(lang, ws, j) else None) if j == i else items_at(j)
        nxt = items_at(j + 1)
        if found is not None:
            if lang == "fr" and low.startswith("vingt") and items and items[-1] == (_NUM, 4):
                items[-1] = (_NUM, 80)  # "quatre-vingt(s)" is 4 * 20
            else:
                items.extend(found)
            j += 1
        elif low in _ARTICLE_ONE[lang] and j == i and nxt and nxt[0][0] in (_SCALE, _HUNDRED):
            items.append((_NUM, 1))  # "eine Million", "a hundred": the article is the count
            items.extend(nxt)
            j += 2
        elif lang == "fr" and items and low == "et" and j + 1 < len(ws) and ws[j + 1].text.lower() in ("un", "une"):
            items.append((_NUM, 1))  # "vingt et un"
            j += 2
        elif items and low in _CONNECTORS[lang] and nxt:
            j += 1  # "two hundred and five": the next word is a number word again
        else:
            break
    return items, j


def _spelled_numbers(text: str, lang: str, ws: list[Word]) -> Iterable[tuple[int, int, int]]:
    """(start, end, value) of spelled-out numbers and ordinal words."""
    i = 0
    while i < len(ws):
        w = ws[i]
        low = w.text.lower()
        if not _is_lower_or_initial(text, w):
            i += 1
            continue
        ordinal = _ORDINALS[lang].fullmatch(low)
        if ordinal:
            yield w.start, w.end, _ORDINAL_VALUES[ordinal.group(1)]
            i += 1
            continue
        items, j = _read_number_words(text, lang, ws, i)
        # A bare scale word ("Millionen Menschen", "millions of") is a vague amount,
        # except French "cent"/"mille", which are plain numbers on their own.
        counted = any(role in (_NUM, _TEEN) for role, _ in items)
        if counted or (lang == "fr" and j == i + 1 and low in ("cent", "mille")):
            yield w.start, ws[j - 1].end, _combine(items)
            i = j
        else:
            i += 1


def _suffix(text: str, pos: int, pattern: re.Pattern[str]) -> int:
    m = pattern.match(text, pos)
    return m.end() if m else pos


# Centuries in Roman numerals: "le XIXe siècle", "abad XIX".
_CENTURY_RE = {
    "fr": re.compile(r"\b(?P<roman>[IVX]{1,5})(?P<ord>ème|eme|è|e|er)?(?=[\s\u00a0\u202f]+si[èe]cles?\b)"),
    "id": re.compile(r"(?<=\babad )(?:ke-?)?(?P<roman>[IVX]{1,5})(?P<ord>)\b"),
}
_NO_MATCH = re.compile(r"(?!)")
_ROMAN = {"I": 1, "V": 5, "X": 10}


def _roman(s: str) -> int | None:
    """Value of a Roman numeral up to XXXIX, None if malformed."""
    total = 0
    for i, c in enumerate(s):
        v = _ROMAN[c]
        total += -v if i + 1 < len(s) and _ROMAN[s[i + 1]] > v else v
    return total if 0 < total < 40 else None


def _is_decade(text: str, m: re.Match[str], lang: str) -> bool:
    """A two-digit decade: "années 30", "30er Jahre", "the '30s", "tahun 30-an"."""
    num = m.group("num")
    if len(num) != 2 or num[1] != "0":
        return False
    if lang == "en":
        return bool(m.group("decade"))
    if lang == "de":
        return m.group("ord") == "er"
    if lang == "fr":
        return re.search(r"\bann[ée]es[ \u00a0]$", text[: m.start("num")], re.IGNORECASE) is not None
    return text[m.end("num") : m.end("num") + 3] == "-an"


def _scale_value(word: str, lang: str) -> int:
    items = _word_items(lang, word.strip(" .\u00a0\u202f").lower())
    return items[-1][1] if items else 1


def extract_numbers(text: str, lang: str) -> list[Fact]:
    """Numbers, percentages, clock times, digit ordinals and spelled-out numbers in `text`."""
    if lang not in LANGS:
        return []
    blocked = [(m.start(), m.end()) for m in _URL_RE.finditer(text)]
    facts: list[Fact] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in blocked)

    def add(start: int, end: int, readings: Iterable[Decimal] | tuple[str, ...], unit: str) -> None:
        canon = tuple(dict.fromkeys(r if isinstance(r, str) else canonical(r) for r in readings))
        facts.append(Fact("number", (canon, unit), start, end, text[start:end]))
        blocked.append((start, end))

    for m in _TIME_RE[lang].finditer(text):
        add(m.start(), m.end(), (_clock_value(m),), "time")

    for m in _DIGITS_RE[lang].finditer(text):
        start, end = m.start("num"), m.end()
        if not free(start, end):
            continue
        # "COVID-19", "F-16": digits glued to a name by a hyphen are part of it ("mid-1980s" is not a name).
        if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha():
            before = re.search(r"[^\W\d_]+$", text[: start - 1])
            if before and not before.group().islower():
                continue
        readings = digit_readings(m.group("num"), lang)
        abbr = m.group("abbr") if "abbr" in m.re.groupindex else None
        if abbr:
            scaled = tuple(r * _EN_ABBREVIATIONS[abbr.lower()] for r in readings)
            # "$125m" is money; a bare "100m" or "5k" may be a distance, so it keeps its plain reading too.
            money = abbr.lower() not in ("m", "k", "b") or _CURRENCY_BEFORE.search(text[max(0, start - 6) : start])
            readings = scaled if money else scaled + readings
        if _is_decade(text, m, lang):
            # "années 30", "30er Jahre", "the '30s", "tahun 30-an": the 1930s or the 2030s.
            n = int(m.group("num"))
            readings = readings + (Decimal(1900 + n), Decimal(2000 + n))
        scale_end = _suffix(text, end, _SCALE_RE[lang])
        if scale_end > end:
            factor = _scale_value(text[end:scale_end], lang)
            readings = tuple(r * factor for r in readings)
            end = scale_end
        pct_end = _suffix(text, end, _PERCENT_RE[lang])
        unit = "%" if pct_end > end else ""
        add(start, pct_end, readings, unit)

    for m in _CENTURY_RE.get(lang, _NO_MATCH).finditer(text):
        value = _roman(m.group("roman"))
        if value and free(m.start("roman"), m.end("roman")):
            add(m.start("roman"), m.end("roman") + len(m.group("ord") or ""), (Decimal(value),), "")

    for start, end, value in _spelled_numbers(text, lang, words(text)):
        if not free(start, end):
            continue
        pct_end = _suffix(text, end, _PERCENT_RE[lang])
        add(start, pct_end, (Decimal(value),), "%" if pct_end > end else "")

    return sorted(facts, key=lambda f: f.start)


def same_number(a: Fact, b: Fact) -> bool:
    """Same quantity: some reading agrees, and the units agree (a bare number matches a percentage)."""
    (ra, ua), (rb, ub) = a.value, b.value
    if "time" in (ua, ub):
        # 24- and 12-hour dials ("15:00", "3 p.m.", "pukul 3 sore") and a time written as a bare
        # number in another version ("7.55" beside "7:55 Uhr") agree on the dial.
        ca, cb = _clock(a), _clock(b)
        return ca is not None and ca == cb
    if ua != ub and ua and ub:
        return False
    return bool(set(ra) & set(rb))


def has_digits(fact: Fact) -> bool:
    return any(c.isdigit() for c in fact.text)


def is_count(fact: Fact) -> bool:
    """False for a spelled-out one or first ("one of", "premiers pas"): too often no count at all."""
    return has_digits(fact) or fact.value[0] != ("1",)
