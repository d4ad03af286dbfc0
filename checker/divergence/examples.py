"""Training pairs for the divergence model, from `../shared/train` only (never the benchmarks).

- NTREX (`ntrex-train/*.tsv`, line k of every file is the same sentence): two languages of one
  line are equivalents; a synthetic divergence of one version (synthetic.py) against another
  language's original is divergent, with word tags on the changed side; a sentence against
  another sentence of the same document is divergent everywhere.
- Recipe v3 adds, as equivalents, every pair of two professional translations of one line whose
  negation cues differ in parity by checker's own rule (facts/negation.py: "n'est pas le seul"
  against "one of a number of"): the rule fires on these, the meaning is the same, and without
  them the model learns from v2's synthetic flips that a lone cue always means a difference.
- MQM (`mqm-train.tsv`): a segment a majority of raters marked with a major accuracy error is
  divergent (tags on the marked spans, source side too: omissions are marked there); an
  error-free segment is an equivalent; minor-only and split verdicts are left out.

Whole documents are held apart for validation (`split == "valid"`), so the figures the
training script prints come from documents the model never saw.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..facts.negation import LANGS as NEGATION_LANGS, extract_negations
from .synthetic import perturb, pools_for

# Recipes whose corpus has the polarity-moved equivalents (add_polarity_moved), and those that
# add them in more languages too (add_polarity_present)
POLARITY_MOVED_RECIPES = frozenset({"v3", "v4"})
POLARITY_PRESENT_RECIPES = frozenset({"v4"})
# How many language pairs of lines add_polarity_present keeps (each in both orders): about as
# many polarity-moved equivalents as the recipe has negation flips (990 in training)
POLARITY_PRESENT_PAIRS = 500

# Languages of NTREX used for synthetic pairs: the languages checker is configured for by
# default and a spread of others (scripts and families), so nothing is learnt about one pair.
# NTREX names them in ISO 639-3; checker's code for each (stopwords, rules) beside it.
NTREX_CHECKER_CODES = {
    "eng": "en", "deu": "de", "fra": "fr", "ind": "id", "spa": "es", "por": "pt", "ita": "it", "nld": "nl",
    "pol": "pl", "tur": "tr", "rus": "ru", "vie": "vi", "swe": "sv", "ces": "cs", "ron": "ro", "fin": "fi",
}
NTREX_LANGUAGES = tuple(NTREX_CHECKER_CODES)
# The NTREX languages checker's negation rule reads (facts/negation.py)
NEGATION_RULE_LANGUAGES = tuple(l for l in NTREX_LANGUAGES if NTREX_CHECKER_CODES[l] in NEGATION_LANGS)
# A sentence longer than this (in words) is left out: the model reads sentences, and the
# WMT23 en-de segments are whole paragraphs.
MAX_WORDS = 70


@dataclass(frozen=True)
class Text:
    """One text to embed. `group` names the texts centred together (a document of one
    language, like DocumentWords in a check); `original` texts define the group's mean."""

    text: str
    lang: str
    group: str
    original: bool = True


@dataclass(frozen=True)
class PairExample:
    a: int  # index into the corpus texts
    b: int
    label: int  # 1: the two differ in meaning
    kind: str
    split: str  # train | valid
    source: str  # ntrex | mqm
    a_spans: tuple[tuple[int, int], ...] = ()
    b_spans: tuple[tuple[int, int], ...] = ()
    a_tagged: bool = False  # whether a's word tags are known (else they do not count in the loss)
    b_tagged: bool = False


@dataclass
class Corpus:
    texts: list[Text] = field(default_factory=list)
    examples: list[PairExample] = field(default_factory=list)
    _index: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)

    def add(self, text: Text) -> int:
        key = (text.text, text.group)
        if key not in self._index:
            self._index[key] = len(self.texts)
            self.texts.append(text)
        return self._index[key]

    def save(self, path: Path) -> None:
        data = {"texts": [asdict(t) for t in self.texts], "examples": [asdict(e) for e in self.examples]}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Corpus":
        data = json.loads(path.read_text(encoding="utf-8"))
        corpus = cls()
        for t in data["texts"]:
            corpus.add(Text(**t))
        corpus.examples = [
            PairExample(**{**e, "a_spans": tuple(map(tuple, e["a_spans"])), "b_spans": tuple(map(tuple, e["b_spans"]))})
            for e in data["examples"]
        ]
        return corpus


def _read_ntrex(folder: Path, languages: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """lang -> [(doc, text)] in line order."""
    out = {}
    for lang in languages:
        path = folder / f"{lang}.tsv"
        if not path.is_file():
            continue
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
        out[lang] = [(r["doc"], r["text"].strip()) for r in rows]
    return out


def _valid_docs(docs: Sequence[str], every: int) -> set[str]:
    return {d for i, d in enumerate(sorted(set(docs))) if i % every == every - 1}


def add_ntrex(corpus: Corpus, folder: Path, rng: random.Random, languages: Sequence[str] = NTREX_LANGUAGES,
              equivalents_per_line: int = 16, perturbed_share: float = 0.7, partners: int = 3,
              unrelated_per_line: int = 1, valid_every: int = 5, recipe: str = "v1",
              word_vectors: Callable[[list[str]], np.ndarray] | None = None) -> None:
    """NTREX pairs; `recipe` names the mix of synthetic perturbations (synthetic.RECIPES);
    `word_vectors` (texts -> e5 vectors) gives its related-word substitutions their words."""
    lines = _read_ntrex(folder, languages)
    langs = sorted(lines)
    if len(langs) < 2:
        raise ValueError(f"{folder}: fewer than two NTREX languages found")
    count = min(len(v) for v in lines.values())
    valid = _valid_docs([d for d, _ in lines[langs[0]]], valid_every)
    ids = {
        lang: [corpus.add(Text(t, lang, f"ntrex:{lang}:{d}")) for d, t in rows[:count]] for lang, rows in lines.items()
    }
    pools = {}
    for lang, rows in lines.items():
        by_doc: dict[str, list[str]] = {}
        for d, t in rows[:count]:
            by_doc.setdefault(d, []).append(t)
        pools[lang] = pools_for(by_doc, rng, lang, word_vectors if recipe != "v1" else None)
    docs = [d for d, _ in lines[langs[0]][:count]]
    doc_lines: dict[str, list[int]] = {}
    for k, d in enumerate(docs):
        doc_lines.setdefault(d, []).append(k)

    for k, doc in enumerate(docs):
        split = "valid" if doc in valid else "train"
        for _ in range(equivalents_per_line):
            a, b = rng.sample(langs, 2)
            corpus.examples.append(PairExample(ids[a][k], ids[b][k], 0, "equivalent", split, "ntrex", a_tagged=True, b_tagged=True))
        for lang in langs:
            if rng.random() >= perturbed_share:
                continue
            original = lines[lang][k][1]
            changed = perturb(original, pools[lang][doc], rng, recipe=recipe)
            if changed is None or changed.text == original:
                continue
            new_id = corpus.add(Text(changed.text, lang, f"ntrex:{lang}:{doc}", original=False))
            for other in rng.sample([l for l in langs if l != lang], partners):
                # The changed side's tags are known; the other side's counterpart is not marked.
                corpus.examples.append(PairExample(
                    ids[other][k], new_id, 1, changed.kind, split, "ntrex", b_spans=changed.spans, b_tagged=True,
                ))
        siblings = [j for j in doc_lines[doc] if j != k]
        for _ in range(unrelated_per_line if siblings else 0):
            j = rng.choice(siblings)
            a, b = rng.sample(langs, 2)
            ta, tb = corpus.texts[ids[a][k]].text, corpus.texts[ids[b][j]].text
            corpus.examples.append(PairExample(
                ids[a][k], ids[b][j], 1, "unrelated", split, "ntrex",
                ((0, len(ta)),), ((0, len(tb)),), True, True,
            ))
    if recipe in POLARITY_MOVED_RECIPES:
        # after every draw above and drawing nothing: the rest of the corpus stays the recipe's parent's
        add_polarity_moved(corpus, ids, docs, valid)
    if recipe in POLARITY_PRESENT_RECIPES:
        add_polarity_present(corpus, ids, docs, valid)


def add_polarity_moved(corpus: Corpus, ids: dict[str, list[int]], docs: Sequence[str], valid: set[str]) -> None:
    """Equivalents of kind "polarity_moved": for every line, each pair of its professional
    translations (in the languages checker's negation rule reads) whose cue counts differ in
    parity, in both orders. A few are real translation slips; most say the same thing with the
    polarity moved (litotes, "only"/"nothing but", a negated antonym)."""
    readable = sorted(l for l in ids if l in NEGATION_RULE_LANGUAGES)
    for k, doc in enumerate(docs):
        parity = {l: negation_parity(corpus.texts[ids[l][k]].text, l) for l in readable}
        split = "valid" if doc in valid else "train"
        for i, a in enumerate(readable):
            for b in readable[i + 1:]:
                if parity[a] != parity[b]:
                    _add_moved_pair(corpus, ids[a][k], ids[b][k], split)


def _add_moved_pair(corpus: Corpus, a: int, b: int, split: str) -> None:
    """Two translations of one line whose polarity moved: an equivalent, in both orders."""
    for x, y in ((a, b), (b, a)):
        corpus.examples.append(PairExample(x, y, 0, "polarity_moved", split, "ntrex", a_tagged=True, b_tagged=True))


# Negation words of NTREX languages checker's negation rule does not read: enough to see whether
# a sentence says "not" at all, for finding training equivalents whose polarity moved
# (add_polarity_present), never used by a check. Standalone words only: Turkish, Finnish,
# Czech and Vietnamese negate in ways a word list does not catch, and are left out.
MINING_NEGATION_WORDS = {
    "spa": frozenset("no nunca jamás nadie nada ningún ninguna ninguno ningunos ningunas ni tampoco".split()),
    "por": frozenset("não nunca jamais ninguém nada nenhum nenhuma nenhuns nenhumas nem tampouco".split()),
    "ita": frozenset("non mai nessuno nessuna nessun niente nulla né neanche nemmeno neppure".split()),
    "nld": frozenset("niet geen nooit niemand niets nergens noch".split()),
    "swe": frozenset("inte ej aldrig ingen inget inga ingenting ingenstans varken".split()),
    "ron": frozenset("nu niciodată nimeni nimic niciun nicio niciuna niciunul nici".split()),
    "pol": frozenset("nie nigdy nikt nic żaden żadna żadne żadnego żadnej nigdzie ani".split()),
    "rus": frozenset("не нет никогда никто ничего ничто никакой никакая никакое никакие нигде ни".split()),
}
_WORD = re.compile(r"\w+")


def says_not(text: str, ntrex_lang: str) -> bool | None:
    """Whether `text` has a negation at all: checker's rule where it reads the language, the
    mining word list where there is one, else None (not known)."""
    if ntrex_lang in NEGATION_RULE_LANGUAGES:
        return bool(extract_negations(text, NTREX_CHECKER_CODES[ntrex_lang]))
    words = MINING_NEGATION_WORDS.get(ntrex_lang)
    return None if words is None else any(w.lower() in words for w in _WORD.findall(text))


def add_polarity_present(corpus: Corpus, ids: dict[str, list[int]], docs: Sequence[str], valid: set[str],
                         limit: int = POLARITY_PRESENT_PAIRS) -> None:
    """More equivalents of kind "polarity_moved", from the languages the rule does not read:
    for every line, each pair of its translations (one at least outside the rule's languages,
    which add_polarity_moved covers) where one says "not" and the other does not ("не только" /
    "not only" is not in the word lists' sight, "belum" / "todavía" is). Presence, not parity:
    Spanish or Russian "no ... nada" doubles a negation English says once. Every n-th such pair
    in line order is kept, `limit` in all, both orders; nothing is drawn from the corpus's rng,
    so the rest of the corpus stays the parent recipe's."""
    langs = sorted(l for l in ids if l in NEGATION_RULE_LANGUAGES or l in MINING_NEGATION_WORDS)
    found = []
    for k, doc in enumerate(docs):
        present = {l: says_not(corpus.texts[ids[l][k]].text, l) for l in langs}
        for i, a in enumerate(langs):
            for b in langs[i + 1:]:
                if (a not in NEGATION_RULE_LANGUAGES or b not in NEGATION_RULE_LANGUAGES) and present[a] != present[b]:
                    found.append((k, doc, a, b))
    stride = max(1, -(-len(found) // limit))
    for k, doc, a, b in found[::stride][:limit]:
        _add_moved_pair(corpus, ids[a][k], ids[b][k], "valid" if doc in valid else "train")


def negation_parity(text: str, ntrex_lang: str) -> int:
    """The parity of the negation cues checker's rule finds in `text` (the rule compares versions by it)."""
    return len(extract_negations(text, NTREX_CHECKER_CODES[ntrex_lang])) % 2


def _major_spans(errors: list[dict], side: str) -> tuple[tuple[int, int], ...]:
    return tuple(
        (int(e["start"]), int(e["end"]))
        for e in errors
        if e.get("side") == side and e.get("severity") == "Major" and str(e.get("category", "")).startswith("Accuracy")
        and int(e["end"]) > int(e["start"])
    )


def add_mqm(corpus: Corpus, path: Path, rng: random.Random, max_per_domain: int = 3000, valid_every: int = 10) -> None:
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    valid = _valid_docs([r["doc"] for r in rows], valid_every)
    by_domain: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        if len(r["source"].split()) > MAX_WORDS or len(r["target"].split()) > MAX_WORDS:
            continue
        raters, major, anyacc = int(r["raters"]), int(r["major_accuracy_raters"]), int(r["any_accuracy_raters"])
        if anyacc == 0:
            r["_label"] = 0
        elif major >= 1 and 2 * major >= raters:
            r["_label"] = 1
        else:
            continue  # minor only, or raters split
        by_domain.setdefault((r["lp"], r["domain"]), []).append(r)
    for (lp, domain), chosen in sorted(by_domain.items()):
        if len(chosen) > max_per_domain:
            # keep the classes balanced where one dominates (TED zh-en is mostly error-free)
            divergent = [r for r in chosen if r["_label"] == 1]
            clean = [r for r in chosen if r["_label"] == 0]
            half = max_per_domain // 2
            chosen = rng.sample(divergent, min(half, len(divergent))) + rng.sample(clean, min(max_per_domain - min(half, len(divergent)), len(clean)))
        src_lang, tgt_lang = lp.split("-")
        for r in chosen:
            errors = json.loads(r["errors"] or "[]")
            a = corpus.add(Text(r["source"], src_lang, f"mqm:{lp}:{domain}:source"))
            b = corpus.add(Text(r["target"], tgt_lang, f"mqm:{lp}:{domain}:target"))
            label = r["_label"]
            corpus.examples.append(PairExample(
                a, b, label, "mqm-major" if label else "mqm-clean", "valid" if r["doc"] in valid else "train", "mqm",
                _major_spans(errors, "source") if label else (), _major_spans(errors, "target") if label else (),
                True, True,
            ))


def corpus_file_name(seed: int, mqm_per_domain: int, recipe: str = "v1") -> str:
    """The corpus file the training scripts keep in their work folder (the head's, with 3,000
    MQM segments per domain, keeps its first name: its shards and checkpoints are named after it)."""
    name = f"corpus-seed{seed}" + ("" if mqm_per_domain == 3000 else f"-mqm{mqm_per_domain}")
    return name + ("" if recipe == "v1" else f"-{recipe}") + ".json"


def build_corpus(train_dir: Path, seed: int, languages: Sequence[str] = NTREX_LANGUAGES, mqm_per_domain: int = 3000,
                 recipe: str = "v1", word_vectors: Callable[[list[str]], np.ndarray] | None = None) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus()
    add_ntrex(corpus, train_dir / "ntrex-train", rng, languages, recipe=recipe, word_vectors=word_vectors)
    if mqm_per_domain > 0 and (train_dir / "mqm-train.tsv").is_file():
        add_mqm(corpus, train_dir / "mqm-train.tsv", rng, mqm_per_domain)
    return corpus
