"""Calendar dates and relative time references in German, French, Indonesian and English.

Dates ("28. Oktober", "28 octobre", "28 Oktober", "October 28, 2025") become
`(year, month, day)` with None for the parts not written; two dates agree when
every part both give is equal, so "28 October" and "28 October 2025" agree.

Relative times ("vor einem Jahr", "il y a un an", "setahun yang lalu", "a year
ago") become `(amount, unit, anchor)`: amount is signed ("-1", "+2", "0") or
vague ("-several": "vor Jahren", "il y a des années", "years ago"); anchor is
"now" (ago, last year) or "event" (earlier, the week before). Vague and exact
amounts differ ("a year ago" is not "years ago"); the anchor is kept for
reading but not compared, because translators move freely between "a week
earlier" and "the previous week".

Plain regular expressions, not dateparser: the texts are short, the forms few,
and the checks run per sentence where dateparser's import and per-call cost
would dominate.
"""

from __future__ import annotations

import re
from .numbers import small_number
from .records import Fact
from .tokens import is_sentence_initial

LANGS = ("de", "fr", "id", "en")

MONTHS: dict[str, dict[str, int]] = {
    "de": {
        "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
        "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
    },
    "fr": {
        "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
        "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    },
    "id": {
        "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
        "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11, "desember": 12,
    },
    "en": {
        "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
        "september": 9, "october": 10, "november": 11, "december": 12,
    },
}
# Abbreviations, accepted only next to a day number ("28 Okt.", "Oct. 28").
_MONTH_ABBREVIATIONS: dict[str, dict[str, int]] = {
    "de": {"jan": 1, "feb": 2, "mär": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "okt": 10,
           "nov": 11, "dez": 12},
    "fr": {"janv": 1, "févr": 2, "fév": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11, "déc": 12},
    "id": {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "ags": 8, "sep": 9,
           "okt": 10, "nov": 11, "des": 12},
    "en": {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
           "nov": 11, "dec": 12},
}
WEEKDAYS: dict[str, frozenset[str]] = {
    "de": frozenset({"montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag"}),
    "fr": frozenset({"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}),
    "id": frozenset({"senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "ahad"}),
    "en": frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}),
}


def _alternation(names: object) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))  # type: ignore[arg-type]


_YEAR = r"(?P<y>1[89]\d\d|20\d\d|21\d\d)(?!\d)"
_RANGE_WORDS = {
    "de": r"(?:bis(?:\s+zum)?|und|[-–—/])",
    "fr": r"(?:au|et|[-–—])",
    "id": r"(?:hingga|sampai|dan|s\.d\.|[-–—])",
    "en": r"(?:to|and|through|[-–—])",
}
_DAY_SUFFIX = {"de": r"\.?", "fr": r"(?:er|re|e)?", "id": "", "en": r"(?:st|nd|rd|th)?"}


def _date_patterns(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    full = _alternation(MONTHS[lang])
    any_month = rf"(?:{full}|(?:{_alternation(_MONTH_ABBREVIATIONS[lang])})\.?)"
    day = rf"(?<![\d.,])(?P<d>[0-3]?\d){_DAY_SUFFIX[lang]}"
    of = r"(?:of\s+)?" if lang == "en" else r"(?:de\s+)?" if lang == "fr" else ""
    numeric = (
        r"(?<![\d.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>\d{4})?(?!\d)" if lang == "de"
        else r"(?<![\d/])(?P<a>[01]?\d)/(?P<b>[0-3]?\d)/(?P<y>\d{4})(?!\d)" if lang == "en"
        else r"(?<![\d/])(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/(?P<y>\d{4})(?!\d)"
    )
    month_first_day = rf"(?P<mon>{any_month})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?![\d.,]\d)(?!\d)"
    to = _RANGE_WORDS[lang]
    year = rf"(?:,?\s+{_YEAR})?"
    patterns = [
        ("iso", re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)")),
        ("numeric", re.compile(numeric)),
        # Ranges give two dates: "vom 10. bis 12. März", "du 10 au 12 mars", "10-12 Maret", "March 10 to 12".
        ("range", re.compile(
            rf"(?<![\d.,])(?P<d0>[0-3]?\d){_DAY_SUFFIX[lang]}\s*{to}\s*{day}\s+{of}(?P<mon>{any_month}){year}",
            re.IGNORECASE,
        )),
    ]
    if lang == "en":
        patterns.append(("range", re.compile(
            rf"(?P<mon>{any_month})\s+(?P<d0>[0-3]?\d)(?:st|nd|rd|th)?\s*{to}\s*(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)"
            + year,
            re.IGNORECASE,
        )))
    return patterns + [
        ("day_month", re.compile(rf"{day}\s+{of}(?P<mon>{any_month}){year}", re.IGNORECASE)),
        # "October 28" is English; other languages use it only with a year ("April 28, 2024").
        ("month_day", re.compile(month_first_day + (year if lang == "en" else rf",?\s+{_YEAR}"), re.IGNORECASE)),
        ("month_year", re.compile(rf"\b(?P<mon>{full})\s+{_YEAR}", re.IGNORECASE)),
        ("month", re.compile(rf"\b(?P<mon>{full})\b", re.IGNORECASE)),
    ]


_DATE_PATTERNS = {lang: _date_patterns(lang) for lang in LANGS}


def _month_number(word: str, lang: str) -> int | None:
    key = word.lower().rstrip(".")
    return MONTHS[lang].get(key) or _MONTH_ABBREVIATIONS[lang].get(key)


def _valid(y: int | None, m: int | None, d: int | None) -> bool:
    return (m is None or 1 <= m <= 12) and (d is None or 1 <= d <= 31)


def extract_dates(text: str, lang: str) -> list[Fact]:
    """Calendar dates, from a bare month name ("im August") to a full date."""
    if lang not in LANGS:
        return []
    taken: list[tuple[int, int]] = []
    facts: list[Fact] = []
    for name, pattern in _DATE_PATTERNS[lang]:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            g = m.groupdict()
            year = int(g["y"]) if g.get("y") else None
            if name == "numeric" and lang == "en":
                a, b = int(g["a"]), int(g["b"])
                if a <= 12 and b <= 12 and a != b:
                    continue  # 03/04/2025: US or British order? Cannot tell, so no fact.
                month, day = (a, b) if a <= 12 else (b, a)
            elif "mon" in g:
                mon = g["mon"]
                # German, Indonesian and English capitalise month names: "may", "march" are verbs.
                if lang != "fr" and not mon[0].isupper():
                    continue
                if name == "month" and lang == "en" and mon.lower() in ("may", "march"):
                    if is_sentence_initial(text, m.start()):
                        continue  # "May I ...", "March on ..."
                month = _month_number(mon, lang)
                day = int(g["d"]) if g.get("d") else None
            else:
                month, day = int(g["m"]), int(g["d"])
            if year is not None and year < 100:
                year = None
            if month is None or not _valid(year, month, day):
                continue
            taken.append((m.start(), m.end()))
            if name == "range":
                first = int(g["d0"])
                if not _valid(year, month, first):
                    continue
                # The first day's span is its number; the second keeps the month (and year) beside it.
                s0, e0 = (m.start("d0"), m.end("d0")) if m.start("d0") < m.start("mon") else (m.start(), m.end("d0"))
                s1, e1 = (m.start("d"), m.end()) if m.start("d0") < m.start("mon") else (m.start("d"), m.end())
                facts.append(Fact("date", (year, month, first), s0, e0, text[s0:e0]))
                facts.append(Fact("date", (year, month, day), s1, e1, text[s1:e1]))
                continue
            facts.append(Fact("date", (year, month, day), m.start(), m.end(), m.group()))
    return sorted(facts, key=lambda f: f.start)


def same_date(a: Fact, b: Fact) -> bool:
    """Compatible dates: every part that both give is equal."""
    return all(x is None or y is None or x == y for x, y in zip(a.value, b.value))


def date_has_day(fact: Fact) -> bool:
    return fact.value[2] is not None


# --- relative time ---------------------------------------------------------------

_UNITS: dict[str, dict[str, str]] = {
    "de": {
        "jahrzehnten": "decade", "jahrzehnte": "decade", "jahrzehnt": "decade", "jahren": "year", "jahre": "year",
        "jahres": "year", "jahr": "year", "monaten": "month", "monate": "month", "monats": "month", "monat": "month",
        "wochen": "week", "woche": "week", "tagen": "day", "tage": "day", "tages": "day", "tag": "day",
        "stunden": "hour", "stunde": "hour",
    },
    "fr": {
        "ans": "year", "an": "year", "années": "year", "année": "year", "mois": "month", "semaines": "week",
        "semaine": "week", "jours": "day", "jour": "day", "heures": "hour", "heure": "hour",
        "décennies": "decade", "décennie": "decade",
    },
    "id": {
        "tahun": "year", "bulan": "month", "minggu": "week", "pekan": "week", "hari": "day", "jam": "hour",
        "dekade": "decade", "dasawarsa": "decade",
    },
    "en": {
        "years": "year", "year": "year", "months": "month", "month": "month", "weeks": "week", "week": "week",
        "days": "day", "day": "day", "hours": "hour", "hour": "hour", "decades": "decade", "decade": "decade",
    },
}
# Words for an unspecified plural amount: "vor einigen Jahren", "a few years ago".
_VAGUE = {
    "de": frozenset({"einigen", "einige", "wenigen", "wenige", "mehreren", "mehrere", "vielen", "viele", "paar"}),
    "fr": frozenset({"des", "plusieurs", "quelques", "nombreuses", "nombreux"}),
    "id": frozenset({"beberapa", "banyak"}),
    "en": frozenset({"few", "several", "many", "some"}),
}
_SINGULAR = {"de": "Jahr|Monat|Woche|Tag", "fr": "semaine|mois|année|an|jour", "id": "tahun|bulan|minggu|pekan",
             "en": "year|month|week|day"}

Rule = tuple[re.Pattern[str], str, str]  # (pattern, amount: "-a"/"+a" from the match or a fixed amount, anchor)


def _rules(lang: str) -> list[Rule]:
    unit = rf"(?P<u>{_alternation(_UNITS[lang])})\b"
    sg = rf"(?P<u>{_SINGULAR[lang]})\b"
    amt = r"(?P<a>\d+|[^\W\d_]+)"
    # Hedges between "vor"/"il y a" and the amount: "vor gut einem Jahr", "il y a tout juste un an".
    de_about = r"(?:(?:nur|erst|gut|knapp|rund|etwa|fast|über|genau|ungefähr|mehr\s+als|weniger\s+als)\s+)?"
    fr_about = (r"(?:(?:tout\s+juste|seulement|à\s+peine|environ|près\s+de|plus\s+de|moins\s+de|déjà"
                r"|exactement|presque)\s+)?")
    fr_many = r"(?:bien\s+)?(?:des|plusieurs|quelques|de\s+nombreuses|de\s+nombreux|de\s+longues|de\s+longs)"
    fr_the = r"\b(?:la|le|l['’])\s*"
    de_last = r"(?:letzten|letzte|letztes|vergangenen|vergangene|vergangenes|vorigen|vorige|voriges)"
    de_next = r"(?:nächsten|nächste|nächstes|kommenden|kommende|kommendes)"
    de_in = r"\b(?:(?:im|in\s+der|am)\s+)?"
    id_units = r"(?P<u>tahun|bulan|minggu|pekan|hari|jam|dekade)"
    id_after = r"(?:kemudian|setelahnya|sesudahnya)"
    en_sg = _SINGULAR["en"]
    table: dict[str, list[tuple[str, str, str]]] = {
        "de": [
            (rf"\bvor\s+{de_about}{amt}\s+{unit}", "-a", "now"),
            (r"\bvor\s+(?:(?:vielen|langen)\s+)?(?P<u>Jahrzehnten|Jahren|Monaten|Wochen|Tagen|Stunden)\b",
             "-several", "now"),
            (rf"\b{amt}\s+{unit}\s+(?:zuvor|vorher|davor|früher)\b", "-a", "event"),
            (rf"\b{amt}\s+{unit}\s+(?:später|danach|darauf)\b", "+a", "event"),
            (rf"\b(?:(?:in\s+)?der|am|im)\s+(?:vorherigen\s+)?{sg}\s+(?:zuvor|davor|vorher)\b", "-1", "event"),
            (r"\b(?:am\s+)?Vor(?P<u>tag)(?:es)?\b|\b(?:im\s+)?Vor(?P<u2>jahr)(?:es)?\b"
             r"|\b(?:in\s+der\s+)?Vor(?P<u3>woche)\b", "-1", "event"),
            (rf"{de_in}{de_last}\s+{sg}", "-1", "now"),
            (rf"{de_in}{de_next}\s+{sg}", "+1", "now"),
            (r"\bvor(?P<u>gestern)\b", "-2", "now"),
            (r"\b(?P<u>gestern)\b", "-1", "now"),
            (r"\büber(?P<u>morgen)\b", "+2", "now"),
            (rf"\b(?:in\s+)?(?:diesem|dieses|diese|diesen)\s+{unit}", "0", "now"),
        ],
        "fr": [
            (rf"\bil\s+y\s+a\s+{fr_about}{amt}\s+{unit}", "-a", "now"),
            (rf"\bil\s+y\s+a\s+{fr_many}\s+{unit}", "-several", "now"),
            (rf"\b{amt}\s+{unit}\s+(?:plus\s+tôt|auparavant|avant|précédemment)\b", "-a", "event"),
            (rf"\b{amt}\s+{unit}\s+(?:plus\s+tard|après|ensuite)\b", "+a", "event"),
            (rf"{fr_the}{sg}\s+(?:précédente|précédent|d['’]avant|antérieure|antérieur)\b", "-1", "event"),
            (rf"{fr_the}{sg}\s+(?:suivante|suivant|d['’]après)\b", "+1", "event"),
            (r"\bla\s+veille\b(?P<u>)", "-1", "event"),
            (r"\ble\s+lendemain\b(?P<u>)", "+1", "event"),
            (rf"{fr_the}{sg}\s+(?:dernière|dernier|passée|passé)\b", "-1", "now"),
            (rf"{fr_the}{sg}\s+(?:prochaine|prochain)\b", "+1", "now"),
            (r"\bavant-hier\b(?P<u>)", "-2", "now"),
            (r"(?<!-)\bhier\b(?P<u>)", "-1", "now"),
            (r"\baprès-demain\b(?P<u>)", "+2", "now"),
            (r"(?<!-)\bdemain\b(?P<u>)", "+1", "now"),
            (r"\b(?:cette|cet)\s+(?P<u>année|an|semaine)\b|\bce\s+(?P<u2>mois)(?:-ci)?\b", "0", "now"),
        ],
        "id": [
            (rf"\b{amt}\s+{unit}\s+(?:yang\s+)?(?:lalu|silam)\b", "-a", "now"),
            (rf"\bse{id_units}\s+(?:yang\s+)?(?:lalu|silam)\b", "-1", "now"),
            (r"\bber(?P<u>tahun|bulan|minggu|pekan|hari|jam)-\w+\s+(?:yang\s+)?(?:lalu|silam)\b", "-several", "now"),
            (rf"\b{amt}\s+{unit}\s+sebelumnya\b", "-a", "event"),
            (rf"\bse{id_units}\s+sebelumnya\b", "-1", "event"),
            (rf"\b{amt}\s+{unit}\s+{id_after}\b", "+a", "event"),
            (rf"\bse{id_units}\s+{id_after}\b", "+1", "event"),
            (r"\bkeesokan\s+(?P<u>hari)nya\b", "+1", "event"),
            (rf"\b{sg}\s+sebelumnya\b", "-1", "event"),
            (rf"\b{sg}\s+(?:lalu|kemarin)\b", "-1", "now"),
            (rf"\b{sg}\s+depan\b", "+1", "now"),
            (r"\b(?P<u>kemarin)\b", "-1", "now"),
            (r"\b(?P<u>besok)\b", "+1", "now"),
            (r"\b(?P<u>lusa)\b", "+2", "now"),
            (rf"\b{sg}\s+ini\b", "0", "now"),
        ],
        "en": [
            (rf"\b{amt}\s+{unit}\s+ago\b", "-a", "now"),
            (r"\b(?P<u>years|months|weeks|days|decades|hours)\s+ago\b", "-several", "now"),
            (rf"\b{amt}\s+{unit}\s+(?:earlier|before|previously|prior)\b", "-a", "event"),
            (rf"\b{amt}\s+{unit}\s+(?:later|afterwards|after)\b", "+a", "event"),
            (rf"\bthe\s+(?:previous|preceding|prior)\s+{sg}|\bthe\s+(?P<u2>{en_sg})\s+before\b", "-1", "event"),
            (rf"\bthe\s+(?:following|next)\s+{sg}|\bthe\s+(?P<u2>{en_sg})\s+after\b", "+1", "event"),
            (r"\bthe\s+day\s+before\s+(?P<u>yesterday)\b", "-2", "now"),
            (r"\bthe\s+day\s+after\s+(?P<u>tomorrow)\b", "+2", "now"),
            (rf"(?<!\bthe\s)\blast\s+{sg}", "-1", "now"),  # "the last year" is a period, not last year
            (rf"(?<!\bthe\s)\bnext\s+{sg}", "+1", "now"),
            (r"\b(?P<u>yesterday)\b", "-1", "now"),
            (r"\b(?P<u>tomorrow)\b", "+1", "now"),
            (r"\bthis\s+(?P<u>year|month|week)\b", "0", "now"),
        ],
    }
    rules: list[Rule] = [(re.compile(p, re.IGNORECASE), amount, anchor) for p, amount, anchor in table[lang]]
    if lang == "de":
        # Lowercase "morgen" is tomorrow; "Morgen" and "heute morgen" are the morning.
        rules.append((re.compile(r"(?<!heute )(?<!gestern )\b(?P<u>morgen)\b"), "+1", "now"))
    return rules


_RULES = {lang: _rules(lang) for lang in LANGS}
_DAY_WORDS = {"gestern", "morgen", "vortag", "tag", "hier", "demain", "kemarin", "besok", "lusa", "yesterday",
              "tomorrow", ""}


def _unit(m: re.Match[str], lang: str) -> str | None:
    g = m.groupdict()
    word = next((g[k] for k in ("u", "u2", "u3") if g.get(k) is not None), None)
    if word is None:
        return None
    low = word.lower()
    if low in _UNITS[lang]:
        return _UNITS[lang][low]
    return "day" if low in _DAY_WORDS else None  # "gestern", "hier", "kemarin"; "" for "la veille"


def _amount(word: str, lang: str) -> str | None:
    if word.isdigit():
        return str(int(word))
    low = word.lower()
    if low in _VAGUE[lang]:
        return "several"
    value = small_number(low, lang)
    return None if value is None else str(value)


def extract_relative_times(text: str, lang: str) -> list[Fact]:
    """Time references relative to now or to the event told: 'vor einem Jahr', 'a week earlier'."""
    if lang not in LANGS:
        return []
    taken: list[tuple[int, int]] = []
    facts: list[Fact] = []
    for pattern, amount, anchor in _RULES[lang]:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            unit = _unit(m, lang)
            if unit is None:
                continue
            if amount in ("-a", "+a"):
                a = _amount(m.group("a"), lang)
                if a is None:
                    continue
                value = "0" if a == "0" else amount[0] + a
            else:
                value = amount
            if unit == "decade" and value[1:].isdigit():
                # "ein Jahrzehnt später" is "10 ans plus tard": a counted decade is ten years.
                value, unit = value[0] + str(10 * int(value[1:])), "year"
            taken.append((m.start(), m.end()))
            facts.append(Fact("relative_time", (value, unit, anchor), m.start(), m.end(), m.group()))
    return sorted(facts, key=lambda f: f.start)


_UNIT_ORDER = {"hour": 0, "day": 1, "week": 2, "month": 3, "year": 4, "decade": 5}


def comparable_relative_times(a: Fact, b: Fact) -> bool:
    """Can one of these stand for the other as a changed time? Not when one names the current period
    ("this month", "cette année") and the other a shorter distance ("a few days earlier", "yesterday"):
    that may fall inside the period, so one is a paraphrase of the other, not a changed time."""
    for x, y in ((a, b), (b, a)):
        if x.value[0] == "0" and _UNIT_ORDER.get(y.value[1], 9) < _UNIT_ORDER.get(x.value[1], -1):
            return False
    return True


def same_relative_time(a: Fact, b: Fact) -> bool:
    """Same signed amount of the same unit; "now" vs "event" anchoring is not compared."""
    return a.value[:2] == b.value[:2]

