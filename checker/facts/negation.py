"""Negation cues in German, French, Indonesian and English.

Each cue is one negation: French "ne ... pas" is one cue spanning both words.
Versions are compared by the parity of their cue counts (two negations in one
version and none in another usually say the same thing; one against none
usually does not).

Phrases that look negative but are not are skipped: "nicht nur ... sondern
auch", "non seulement", "tidak hanya", "not only" (= "also"); "ne ... que"
(= "only"); "nicht zuletzt", "not least"; "ohne Zweifel", "sans doute",
"tanpa ragu", "no doubt" (= "certainly"); Indonesian "tidak ter-" adjectives
("tak terpisahkan" = "inseparable"), which other languages write as one word
with a prefix; "but not limited to" (= "including") in lists, whose translations
("tidak terbatas pada", "sans s'y limiter", "unter anderem") rarely keep a cue.

Privative prepositions ("ohne", "sans", "tanpa", "without") negate a noun, not the
clause, and UI strings move them into the word ("Drucken ohne Kabel" / "Wireless
printing" / "Impression sans fil"): they are lexical negatives, not cues. French "pas"
without "ne" is a cue where it opens a sentence or clause ("Pas de compte ?", "…, pas
encore"), the style of UI strings and headings; elsewhere it is as often a step.
"""

from __future__ import annotations

import re

from .records import Fact
from .tokens import Word, words

LANGS = ("de", "fr", "id", "en")

_CUES: dict[str, frozenset[str]] = {
    "de": frozenset({
        "nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "keins", "nie", "niemals", "nichts",
        "niemand", "niemandem", "niemanden", "weder", "nirgends", "nirgendwo", "keineswegs", "keinesfalls",
    }),
    # "ne" is handled with its partner word; a lone "pas" is as often a step ("les premiers pas").
    # "non" mostly negates a word, not the sentence ("à but non lucratif"): a lexical negative below.
    "fr": frozenset(),
    "id": frozenset({
        "tidak", "tak", "bukan", "belum", "jangan", "tiada", "bukanlah", "tidaklah", "takkan", "enggak",
        "nggak", "gak",
    }),
    "en": frozenset({"not", "no", "never", "none", "nothing", "nobody", "neither", "nowhere", "cannot"}),
}

# Multi-word phrases that start with a cue but do not negate (matched on lowercase words).
# "Whether or not", "with or without" leave the clause as it is; "not long after" is "soon after";
# Indonesian "tidak lama" (soon), "tidak lain" (none other), "tidak sedikit" (many) say something positive.
_NOT_NEGATIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    "de": (("nicht", "nur"), ("nicht", "bloß"), ("nicht", "allein"), ("nicht", "zuletzt"), ("ohne", "zweifel"),
           ("ohne", "jeden", "zweifel"), ("ohne", "jeglichen", "zweifel"), ("oder", "nicht"), ("mit", "oder", "ohne"),
           ("mit", "und", "ohne"), ("nicht", "lange", "danach"), ("nicht", "lange", "nach"),
           ("nicht", "lange", "später"), ("aber", "nicht", "beschränkt"), ("aber", "nicht", "begrenzt"),
           ("jedoch", "nicht", "beschränkt"), ("aber", "nicht", "ausschließlich")),
    "fr": (("non", "seulement"), ("non", "plus"), ("pas", "seulement"), ("pas", "uniquement"), ("pas", "que"),
           ("sans", "doute"), ("sans", "aucun", "doute"), ("sans", "précédent"), ("non", "loin"),
           ("avec", "ou", "sans"), ("ou", "sans"), ("mais", "pas", "uniquement"), ("mais", "pas", "exclusivement")),
    "id": (("tidak", "hanya"), ("tidak", "saja"), ("tidak", "cuma"), ("tidak", "sekadar"), ("bukan", "hanya"),
           ("bukan", "saja"), ("bukan", "cuma"), ("bukan", "sekadar"), ("tak", "hanya"), ("tak", "saja"),
           ("tanpa", "ragu"), ("tidak", "diragukan"), ("mau", "tidak", "mau"), ("suka", "tidak", "suka"),
           ("tidak", "lama"), ("tak", "lama"), ("belum", "lama"), ("tidak", "lain"), ("tak", "lain"),
           ("tidak", "sedikit"), ("tak", "sedikit"), ("tidak", "jarang"), ("tak", "jarang"), ("tidak", "kurang"),
           ("tak", "kurang"), ("tak", "pelak"), ("atau", "tidak"), ("atau", "bukan"), ("atau", "tanpa")),
    "en": (("not", "only"), ("not", "just"), ("not", "merely"), ("not", "least"), ("no", "doubt"),
           ("without", "doubt"), ("without", "a", "doubt"), ("without", "any", "doubt"), ("none", "other"),
           ("or", "not"), ("or", "without"), ("not", "long", "after"), ("not", "long", "ago"),
           ("not", "long", "before"), ("but", "not", "limited"), ("but", "are", "not", "limited"),
           ("but", "is", "not", "limited"), ("but", "not", "exclusively")),
}

# French: the second half of "ne ... pas"; a "ne" without one (expletive "ne", "ne ... que") does not negate.
_FR_PARTNERS = frozenset({"pas", "plus", "jamais", "rien", "personne", "aucun", "aucune", "guère", "point",
                          "nullement", "ni", "nulle", "nul"})
_FR_SUBJECT_PARTNERS = frozenset({"rien", "personne", "aucun", "aucune", "nul", "nulle"})  # "Personne n'est venu"
_FR_STANDALONE = frozenset({"aucun", "aucune", "jamais", "rien"})
_FR_SUBJECTS = frozenset({"je", "j", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "ce", "c", "cela",
                          "ça"})
# Verbs whose object is a clause: "ne crois pas que", "ne pense pas que", "ne dit pas que".
_FR_CLAUSE_VERBS = ("croi", "croy", "cru", "pens", "sai", "sav", "di", "veu", "voul", "fau", "fall", "sembl",
                    "para", "estim", "affirm", "dout", "imagin", "signifi", "prétend", "espér", "consid", "trouv",
                    "oubli", "ni", "souhait", "cach", "exclu")


# Indonesian "ter-" words that other languages write with a negative prefix ("tak terduga" = unexpected);
# "tidak terlibat" (not involved), "tidak terlalu" (not too) are plain negations.
_ID_TER_ADJECTIVES = frozenset({"terduga", "terhitung", "terbatas", "terhingga", "terkira", "terbayang"})


def _id_ter_adjective(word: str) -> bool:
    return word.startswith("ter") and (word.endswith(("kan", "i")) or word in _ID_TER_ADJECTIVES)


def _starts_phrase(low: list[str], k: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
    for p in phrases:
        # A phrase may start one or two words before the cue ("mau tidak mau").
        for offset in range(len(p)):
            if p[offset] == low[k] and tuple(low[k - offset : k - offset + len(p)]) == p:
                return True
    return False


def _opens_clause(text: str, start: int) -> bool:
    """True when the word at `start` opens the text, a sentence or a clause (after , ; : or a bracket)."""
    before = text[:start].rstrip(" \t\u00a0\u202f*_\"'«“‘(")
    return not before or before[-1] in ".!?…:;,\n" or text[len(before) : start].strip().startswith("(")


def _fact(text: str, first: Word, last: Word, cue: str) -> Fact:
    return Fact("negation", cue, first.start, last.end, text[first.start : last.end])


def extract_negations(text: str, lang: str) -> list[Fact]:
    """The negation cues of `text`, each a Fact spanning the cue word(s)."""
    if lang not in LANGS:
        return []
    ws = words(text)
    low = [w.text.lower() for w in ws]
    facts: list[Fact] = []
    used: set[int] = set()
    if lang == "fr":
        facts.extend(_french_ne(text, ws, low, used))
    for k, w in enumerate(ws):
        lk = low[k]
        if k in used:
            continue
        cue = lk in _CUES[lang] or (lang == "en" and lk.endswith("n") and text[w.end : w.end + 2] in ("'t", "’t"))
        if lang == "fr" and lk == "pas":
            cue = _opens_clause(text, w.start)  # "Pas de compte ?", "…, pas encore": no "ne" in this style
        if lang == "fr" and lk in _FR_STANDALONE:
            # "Aucune réponse." negates; "plus que jamais", "à jamais", "sans rien" do not.
            prev = low[k - 1] if k else ""
            cue = prev not in ("que", "qu", "à", "sans") and not any(low[j] == "sans" for j in range(max(0, k - 2), k))
        if not cue or _starts_phrase(low, k, _NOT_NEGATIONS[lang]):
            continue
        if text[w.end : w.end + 1] == "-" and lk in ("nicht", "non", "no"):
            continue  # "Nicht-Mitglied", "non-alignés", "no-fly": a prefix, not a negation
        if lang == "en" and lk == "no" and re.match(r"\.\s*\d", text[w.end :]):
            continue  # "No. 5"
        if lang == "id" and lk in ("tidak", "tak") and k + 1 < len(ws) and _id_ter_adjective(low[k + 1]):
            continue  # "tak terpisahkan" = inseparable, written un-/in- elsewhere
        if lang == "en" and lk.endswith("n") and lk not in _CUES["en"]:
            end = w.end + 2
            facts.append(Fact("negation", "n't", w.start, end, text[w.start : end]))
            continue
        facts.append(_fact(text, w, w, lk))
    return sorted(facts, key=lambda f: f.start)


def _french_ne(text: str, ws: list[Word], low: list[str], used: set[int]) -> list[Fact]:
    """'ne/n' with its partner ('pas', 'jamais', 'aucun', ...) as one cue; 'ne ... que' is 'only'."""
    facts: list[Fact] = []
    for k, lk in enumerate(low):
        if lk not in ("ne", "n"):
            continue
        if lk == "n" and text[ws[k].end : ws[k].end + 1] not in ("'", "’"):
            continue
        partner = None
        for j in range(k + 1, min(len(ws), k + 7)):
            if low[j] in ("que", "qu") or re.search(r"[.;!?]", text[ws[k].end : ws[j].start]):
                break  # "ne ... que" is restrictive ("only"); a sentence end ends the search
            if low[j] in _FR_PARTNERS and j not in used:
                partner = j
                break
        if partner is None:
            for j in range(k - 1, max(-1, k - 5), -1):
                if low[j] in _FR_SUBJECT_PARTNERS and j not in used:
                    partner = j
                    break
        if partner is None:
            continue  # expletive "ne" ("avant qu'il ne parte")
        nxt = low[partner + 1] if partner + 1 < len(low) else ""
        after = low[partner + 2] if partner + 2 < len(low) else ""
        # "Il n'y a pas que lui" = "not only him"; "je ne crois pas que ce soit rare" negates a verb
        # whose clause follows "que".
        clause = after in _FR_SUBJECTS or any(low[j].startswith(_FR_CLAUSE_VERBS) for j in range(k + 1, partner))
        only = nxt in ("seulement", "uniquement") or (nxt in ("que", "qu") and not clause)
        if low[partner] == "pas" and only:
            used.update({k, partner})  # "ne ... pas seulement" = "not only"
            continue
        if low[partner] == "plus" and (nxt == "que" or re.match(r"\s*d(?:e\s|['’])\s*\d", text[ws[partner].end :])):
            continue  # "il n'y en a plus de 200", "ne ... plus que": a comparison, not "no longer"
        used.update({k, partner})
        first, last = (ws[k], ws[partner]) if partner > k else (ws[partner], ws[k])
        facts.append(_fact(text, first, last, f"ne…{low[partner]}"))
    return facts


# --- lexical negatives ---------------------------------------------------------------------
#
# Languages move negation between grammar and the lexicon: "unlikely" is "tidak mungkin", "was unable"
# is "n'a pas pu", "lack of remorse" is "tidak menunjukkan penyesalan", "ignorait" is "never knew".
# These words are not counted as cues, but a version's count plus its lexical negatives must flip too
# before a polarity change is reported.

_LEXICAL: dict[str, frozenset[str]] = {
    "en": frozenset({
        "without", "lack", "lacks", "lacked", "lacking", "absence", "absent", "fail", "fails", "failed", "failing", "failure",
        "refuse", "refuses", "refused", "refusal", "deny", "denies", "denied", "unaware", "hardly", "barely",
        "scarcely", "rarely", "seldom", "nor", "instead", "prevent", "prevents", "prevented", "preventing", "avoid",
        "avoids", "avoided", "ban", "banned", "bans", "reject", "rejects", "rejected", "silent", "silence",
        "surprise", "surprised", "surprising", "unless", "impossible", "free", "except",
    }),
    "de": frozenset({
        "ohne", "kaum", "selten", "fehlen", "fehlt", "fehlte", "fehlten", "fehlend", "fehlende", "fehlenden", "mangel",
        "mangels", "mangelnde", "mangelnden", "mangelnder", "verweigern", "verweigert", "verweigerte", "scheitern",
        "scheiterte", "gescheitert", "verhindern", "verhindert", "verhinderte", "vermeiden", "vermeidet",
        "vermieden", "statt", "anstatt", "schweigen", "schweigt", "schwiegen", "schweigend", "überrascht",
        "überraschend", "überraschung", "abgelehnt", "ablehnen", "lehnte", "lehnt", "frei", "außer", "verboten",
        "verbot", "wenig",
    }),
    "fr": frozenset({
        "sans", "non", "peu", "manque", "manquer", "manqué", "manquent", "manquait", "absence", "absent", "absente", "échec",
        "échoué", "échouer", "échoue", "refus", "refuser", "refusé", "refuse", "refusent", "nier", "nié", "nie",
        "ignorer", "ignore", "ignorait", "ignorent", "ignoré", "ignorant", "privé", "privés", "privée", "privées",
        "rarement", "éviter", "évite", "évité", "empêcher", "empêche", "empêché", "interdit", "interdire", "silence",
        "silencieux", "muet", "muette", "surpris", "surprise", "inattendu", "inattendue", "sauf", "libre", "exempt",
    }),
    "id": frozenset({
        "tanpa", "kurang", "kekurangan", "kurangnya", "gagal", "kegagalan", "menolak", "ditolak", "penolakan", "jarang",
        "mustahil", "mencegah", "dicegah", "menghindari", "dihindari", "bungkam", "terkejut", "mengejutkan",
        "kejutan", "melainkan", "bukannya", "non", "minim", "bebas", "kecuali", "dilarang", "larangan",
        "melarang", "lalai",
    }),
}
# Positive stems that take the negative prefixes in-/im-/il-/ir- (inadequate, inkompetent, inexprimable).
_IN_STEMS = (
    "possib", "capab", "adequa", "adéqua", "appropri", "compet", "complet", "consist", "correct", "direct",
    "effecti", "effica", "efficien", "evitab", "évitab", "expens", "experien", "explica", "expres", "exprim",
    "formel", "formal", "offiziell", "officiel", "secur", "sécur", "suffi", "tolera", "tolér", "valid", "visib",
    "legal", "légal", "legitim", "légitim", "regul", "régul", "relevan", "pertinen", "responsab", "revers",
    "moral", "matur", "patien", "perfect", "perfekt", "parfait", "proper", "accura", "exact", "exakt", "activ",
    "aktiv", "human", "justic", "juste", "just", "signific", "stab", "akzept", "accept", "habitu", "attendu",
    "connu", "utile", "prévu", "prévisib", "kompeten", "dépend", "depend", "abhängig", "certain", "mortal",
    "mobil", "sensib", "sensitiv", "compat", "kompat", "coher", "cohér", "kohär", "discret", "diskret", "fair",
    "decis", "décis", "toleran", "flexib", "hospital", "hospit",
)
# German and English "un-" words that are not negatives.
_UN_EXCEPTIONS = ("und", "uns", "unser", "unter", "uni", "unfall", "ungarn", "unze", "under", "until", "unto",
                  "uncle", "unanim", "unison", "unesco", "unicef")


def _prefixed_negative(low: str, lang: str) -> bool:
    if lang in ("en", "de") and low.startswith("un") and len(low) >= 6:
        if not low.startswith(_UN_EXCEPTIONS) or low.startswith(("unim", "unin")):
            return True
    if lang == "en" and low.endswith("less") and len(low) >= 7 and low not in ("nevertheless", "regardless"):
        return True  # useless, homeless, helpless
    if lang == "de" and re.search(r"..los(e|en|er|es|em|igkeit)?$", low) and low not in ("famos", "grandios"):
        return True  # arbeitslos, hoffnungslos
    if lang in ("de", "en", "id") and low.startswith(("nicht", "non", "nir")) and len(low) >= 6:
        if not low.startswith(("nichts", "nirgend")):
            return True  # nichtwalisisch, nonpartisan, nirlaba
    if lang in ("en", "de", "fr", "id") and re.match(r"(?:in|im|il|ir|inn)", low):
        rest = re.sub(r"^(?:in|im|il|ir)", "", low)
        return any(rest.startswith(stem) for stem in _IN_STEMS) and len(rest) >= 4
    return False


def lexical_negatives(text: str, lang: str) -> list[Fact]:
    """Words that negate by their meaning or prefix: 'unlikely', 'ohne Erfolg' is a cue, 'lack', 'peu', 'kurang'."""
    if lang not in LANGS:
        return []
    ws = words(text)
    low = [w.text.lower() for w in ws]
    out: list[Fact] = []
    for k, w in enumerate(ws):
        lk = low[k]
        prev = low[k - 1] if k else ""
        nxt = low[k + 1] if k + 1 < len(ws) else ""
        hit = lk in _LEXICAL[lang] or _prefixed_negative(lk, lang)
        # "a few", "un peu", "ein wenig", "sedikit" after "se-"/"hanya": quantities, not negatives.
        if lk in ("peu", "wenig", "few", "little") and prev in ("un", "ein", "a", "quite"):
            hit = False
        if lang == "en" and lk in ("few", "little") and prev not in ("a", "quite"):
            hit = True
        if lang == "en" and lk == "short" and nxt == "of":
            hit = True
        if lang == "en" and lk == "yet" and nxt == "to" and prev in ("has", "have", "had", "is", "are", "was", "were"):
            hit = True  # "has yet to be decided" = "not yet decided"
        if lang == "id" and lk == "sedikit" and prev in ("hanya", "sangat", "terlalu", "amat", "begitu"):
            hit = True  # "hanya sedikit" = "little", not "sedikit takut" = "a little afraid"
        if lang == "fr" and lk == "peine" and prev == "à":
            hit = True
        if lang == "fr" and lk == "lieu" and prev == "au":
            hit = True
        if lang == "de" and lk == "erst" and any(x in ("wenn", "als", "nachdem") for x in low[k + 1 : k + 8]):
            hit = True  # "erst vorbei, wenn" = "not over until"
        if hit:
            out.append(Fact("negation", "~" + lk, w.start, w.end, w.text))
    return out
