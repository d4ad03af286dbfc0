"""Deterministic stand-ins for the model backends, for fast tests without weights.

`ConceptEmbedder` maps words of German, French, Indonesian and English to shared
concept ids through a small lexicon, so translations of one sentence get (near)
identical vectors and different sentences nearly orthogonal ones, as a real
multilingual encoder would after centring. It implements both `Embedder` and
`WordEmbedder` (word vectors carry character offsets into the text given).

`FakeTranslator` renders every known word by its concept's English word and
records its calls; `FakeNli` returns configured scores per (premise, hypothesis)
pair and records its calls.

`SENTENCES` holds parallel sentences built only from lexicon words (plus
function words, which carry no meaning here).
"""

from __future__ import annotations

import hashlib
import re
from typing import Callable, Mapping, Sequence

import numpy as np

from checker.backends.registry import Backends
from checker.protocols import NliScores, WordVector

DIM = 128

# concept id -> words that express it, in any of de / fr / id / en (lowercase).
# The first English word is what the fake translator writes.
_CONCEPTS: dict[str, tuple[str, ...]] = {
    "council": ("council", "rat", "conseil", "dewan"),
    "approve": ("approved", "genehmigte", "approuvé", "menyetujui"),
    "new": ("new", "neuen", "neue", "nouveau", "nouvelle", "baru"),
    "budget": ("budget", "haushalt", "anggaran"),
    "river": ("river", "fluss", "rivière", "sungai"),
    "flood": ("flooded", "überflutete", "inondé", "membanjiri"),
    "old": ("old", "alte", "alten", "vieux", "lama"),
    "village": ("village", "dorf", "desa"),
    "child": ("children", "kinder", "enfants", "anak"),
    "play": ("play", "spielen", "jouent", "bermain"),
    "football": ("football", "fußball", "sepak", "bola"),
    "park": ("park", "parc", "taman"),
    "scientist": ("scientists", "wissenschaftler", "scientifiques", "ilmuwan"),
    "discover": ("discovered", "entdeckten", "découvert", "menemukan"),
    "distant": ("distant", "fernen", "lointaine", "jauh"),
    "planet": ("planet", "planeten", "planète"),
    "museum": ("museum", "musée"),
    "open": ("opens", "öffnet", "ouvre", "buka"),
    "every": ("every", "jeden", "chaque", "setiap"),
    "morning": ("morning", "morgen", "matin", "pagi"),
    "bakery": ("bakery", "bäckerei", "boulangerie", "toko"),
    "sell": ("sells", "verkauft", "vend", "menjual"),
    "fresh": ("fresh", "frisches", "frais", "segar"),
    "bread": ("bread", "brot", "pain", "roti"),
    "train": ("train", "zug", "kereta"),
    "late": ("late", "verspätet", "retard", "terlambat"),
    "today": ("today", "heute", "aujourd", "hui", "hari", "ini"),
    "teacher": ("teachers", "lehrer", "enseignants", "guru"),
    "strike": ("strike", "streiken", "grève", "mogok"),
    "tomorrow": ("tomorrow", "besok", "demain"),
}

# Words that carry no meaning for the fake encoder (articles, prepositions, auxiliaries).
FUNCTION_WORDS = frozenset(
    "the a an in on at of to is are and der die das den dem des ein einen eine im am zu und ist sind "
    "le la les l un une des au aux a dans de du et est sont ont en sur yang di ke dari dan itu sebuah "
    "para ada".split()
)

LEXICON: dict[str, str] = {word: concept for concept, words in _CONCEPTS.items() for word in words}
ENGLISH: dict[str, str] = {
    concept: next((w for w in words if w.isascii()), words[0]) for concept, words in _CONCEPTS.items()
}

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


# Parallel sentences: SENTENCES[lang][k] are translations of each other.
SENTENCES: dict[str, list[str]] = {
    "en": [
        "The council approved the new budget.",
        "The river flooded the old village.",
        "Children play football in the park.",
        "Scientists discovered a distant planet.",
        "The museum opens every morning.",
        "The bakery sells fresh bread.",
    ],
    "de": [
        "Der Rat genehmigte den neuen Haushalt.",
        "Der Fluss überflutete das alte Dorf.",
        "Kinder spielen Fußball im Park.",
        "Wissenschaftler entdeckten einen fernen Planeten.",
        "Das Museum öffnet jeden Morgen.",
        "Die Bäckerei verkauft frisches Brot.",
    ],
    "fr": [
        "Le conseil a approuvé le nouveau budget.",
        "La rivière a inondé le vieux village.",
        "Les enfants jouent au football dans le parc.",
        "Des scientifiques ont découvert une planète lointaine.",
        "Le musée ouvre chaque matin.",
        "La boulangerie vend du pain frais.",
    ],
    "id": [
        "Dewan menyetujui anggaran baru.",
        "Sungai membanjiri desa lama.",
        "Anak-anak bermain sepak bola di taman.",
        "Ilmuwan menemukan sebuah planet yang jauh.",
        "Museum buka setiap pagi.",
        "Toko roti menjual roti segar.",
    ],
}

# Sentences about other things, per language (not translations of SENTENCES).
OTHER: dict[str, list[str]] = {
    "en": ["The train is late today.", "Teachers strike tomorrow."],
    "de": ["Der Zug ist heute verspätet.", "Lehrer streiken morgen."],
    "fr": ["Le train est en retard aujourd'hui.", "Les enseignants sont en grève demain."],
    "id": ["Kereta terlambat hari ini.", "Guru mogok besok."],
}


def text_of(lang: str, indices: Sequence[int], sep: str = "\n") -> str:
    """Sentences SENTENCES[lang][i] joined by `sep` (one per line by default)."""
    return sep.join(SENTENCES[lang][i] for i in indices) + "\n"


def _seeded_unit(name: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")
    v = np.random.default_rng(seed).standard_normal(DIM)
    return (v / np.linalg.norm(v)).astype(np.float32)


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of every word of `text`."""
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


class ConceptEmbedder:
    """A fake multilingual encoder: a sentence is the sum of its words' concept vectors.

    Unknown words get a vector of their own (so unrelated sentences land far
    apart); function words count for nothing in sentence vectors. `common`
    adds a vector shared by every text, as real encoders do (centring removes it).
    """

    model_id = "fake/concept-embedder"

    def __init__(self, common: float = 0.0) -> None:
        self.common = common
        self.sentence_calls: list[list[str]] = []
        self.word_calls: list[str] = []

    @staticmethod
    def word_vector(word: str) -> np.ndarray:
        low = word.lower()
        return _seeded_unit("concept:" + LEXICON[low]) if low in LEXICON else _seeded_unit("word:" + low)

    def _sentence(self, text: str) -> np.ndarray:
        v = np.zeros(DIM, dtype=np.float32)
        for _, _, word in tokens(text):
            if word.lower() not in FUNCTION_WORDS:
                v += self.word_vector(word)
        if not v.any():  # only function words (or nothing): a vector of its own
            v = _seeded_unit("text:" + text.lower()).copy()
        v = v / np.linalg.norm(v)
        if self.common:
            v = v + self.common * _seeded_unit("common")
            v = v / np.linalg.norm(v)
        return v

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray:
        self.sentence_calls.append(list(texts))
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._sentence(t) for t in texts]).astype(np.float32)

    def word_vectors(self, text: str) -> list[WordVector]:
        self.word_calls.append(text)
        return [WordVector(s, e, w, self.word_vector(w)) for s, e, w in tokens(text)]


def english_of(text: str) -> str:
    """The fake translation: each known word by its concept's English word, the rest as is."""
    out = []
    for _, _, word in tokens(text):
        low = word.lower()
        if low in FUNCTION_WORDS:
            continue
        concept = LEXICON.get(low)
        out.append(ENGLISH[concept] if concept else low)
    return " ".join(out) + "."


class FakeTranslator:
    """Records every call; translates word by word through the lexicon."""

    def __init__(self, model_id: str = "fake/translator") -> None:
        self.model_id = model_id
        self.calls: list[tuple[tuple[str, ...], str]] = []

    def translate(self, texts: Sequence[str], source_lang: str) -> list[str]:
        self.calls.append((tuple(texts), source_lang))
        return [english_of(t) for t in texts]

    @property
    def sentences_translated(self) -> list[str]:
        return [t for texts, _ in self.calls for t in texts]


class FakeNli:
    """Returns `scores[(premise, hypothesis)]` when configured, else `rule(premise, hypothesis)`,
    else `default`. Records every pair it was asked about."""

    model_id = "fake/nli"

    def __init__(
        self,
        scores: Mapping[tuple[str, str], NliScores] | None = None,
        default: NliScores = NliScores(entail=0.9, neutral=0.08, contradict=0.02),
        rule: Callable[[str, str], NliScores | None] | None = None,
    ) -> None:
        self.scores = dict(scores or {})
        self.default = default
        self.rule = rule
        self.calls: list[tuple[str, str]] = []

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        out = []
        for premise, hypothesis in pairs:
            self.calls.append((premise, hypothesis))
            found = self.scores.get((premise, hypothesis))
            if found is None and self.rule is not None:
                found = self.rule(premise, hypothesis)
            out.append(found or self.default)
        return out


CONTRADICTION = NliScores(entail=0.02, neutral=0.08, contradict=0.9)
ENTAILMENT = NliScores(entail=0.9, neutral=0.08, contradict=0.02)


def fake_backends(translator: FakeTranslator | None = None, nli: FakeNli | None = None, common: float = 0.0) -> Backends:
    embedder = ConceptEmbedder(common=common)
    return Backends(embedder=embedder, words=embedder, translator=translator, nli=nli)
