"""Properties that must hold for any input: the loader, the segmenter and the aligner.

- decoding: any text written as UTF-8, UTF-8 with BOM, UTF-16 or UTF-32 with BOM comes back as
  itself (newlines unified), or is refused with an `InputError` (never another exception);
- segmenting: every segment's offsets point into the original text
  (`text[start:end] == segment.text`), in order, without overlap, on the right line;
- aligning (fake encoder, real segmenter and aligner): every sentence of every version
  lands in exactly one bead;
- all three give the same output for the same input, also in another process with
  another hash seed.

The number of examples comes from the hypothesis profile chosen in conftest.py: "ci"
(50, derandomised) when CI=true, "dev" (100) otherwise, and a long run with
`HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py` (2,000 each).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import assume, example, given
from hypothesis import strategies as st

from checker.align import align_versions
from checker.config import load_config
from checker.embed import EmbeddedDocument, embed_document
from checker.errors import InputError
from checker.load import decode_text
from checker.markdown import is_markdown_path, prose_view
from checker.records import Document
from checker.segment import segment_document

from fakes import OTHER, SENTENCES, ConceptEmbedder

ALIGN = load_config().align
ROOT = Path(__file__).resolve().parent.parent

# Any character a file can hold (no lone surrogates: they cannot be encoded at all).
ANY_CHAR = st.characters(blacklist_categories=("Cs",))
# Text that looks like prose: letters of several scripts, sentence ends, quotes, line ends,
# Markdown markers, abbreviations and URLs that a sentence splitter must not trip over.
_PIECES = [
    *"abcXYZ äöüéçÉßıİ .!?…;:,\n\t\u00a0\u3000«»\"'()-0123456789#*`~|>",
    *"日本語です。中文。Русский текст. عربي. हिन्दी।",
    "e\u0301", "\r\n", "\r", "\u2028", "\u200b", "\ufeff", "\x00",
    "Dr. ", "z. B. ", "U.S.A. ", "3.14 ", "https://x.de/a?b=c. ", "```\n", "---\n", "# ", "- ", "1. ",
    "Kommentar (3)\n", "Il a dit : « Non ! » ", "Sie sagte: „Ja.“ ",
]
PROSE = st.lists(st.sampled_from(_PIECES) | ANY_CHAR, max_size=80).map("".join)
LANGS = ["de", "fr", "id", "en", "ja", "ru"]


def unified(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- the loader ---------------------------------------------------------------------------------------


@given(text=st.text(ANY_CHAR, max_size=300) | PROSE, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
@example(text="\ufeffDer Rat.", encoding="utf-8-sig")
@example(text="  \n\t ", encoding="utf-16")
@example(text="Grüße\x00", encoding="utf-8")
def test_decoding_gives_back_the_text_written_or_refuses_clearly(text, encoding):
    # A leading U+FEFF without an encoding BOM cannot be told from a BOM: it is dropped as one;
    # and a UTF-16 text that starts with U+0000 reads as the UTF-32 mark FF FE 00 00.
    assume(not (encoding == "utf-8" and text.startswith("\ufeff")))
    assume(not (encoding == "utf-16" and text.startswith("\x00")))
    data = text.encode(encoding)  # "utf-16" and "utf-32" write a BOM
    try:
        decoded = decode_text(data, "f.txt")
    except InputError as exc:
        assert exc.path == "f.txt" and exc.fix
        # refused only when empty, or when a NUL byte makes UTF-8 input look binary
        assert not text.strip() or (encoding.startswith("utf-8") and "\x00" in text), str(exc)
        return
    assert decoded == unified(text)
    assert decode_text(data, "f.txt") == decoded


@given(data=st.binary(max_size=400))
def test_any_bytes_decode_or_raise_an_input_error(data):
    try:
        text = decode_text(data, "f.txt")
    except InputError as exc:
        assert str(exc).startswith("f.txt: ")
        return
    assert "\r" not in text and text.strip()


# --- the segmenter ------------------------------------------------------------------------------------


def assert_offsets_hold(text: str, segments) -> None:
    end = 0
    for k, s in enumerate(segments):
        assert s.index == k
        # Markdown segments hold the prose view: the file's text with markup blanked out
        assert (prose_view(text) if is_markdown_path(s.path) else text)[s.start : s.end] == s.text, (s.start, s.end, s.text)
        assert s.text and s.text == s.text.strip()
        assert s.start >= end, "segments overlap or go backwards"
        assert s.line == text.count("\n", 0, s.start) + 1
        end = s.end


def _segment(text: str, lang: str, path: str):
    return segment_document(Document(path, lang, text, "sha", "filename"))


@given(text=PROSE | st.text(ANY_CHAR, max_size=200), lang=st.sampled_from(LANGS), path=st.sampled_from(["p.txt", "p.md"]))
@example(text="Er sagte: „Ja.“ Dann ging er.\n\n# Titel\n```\ncode.\n```\nEnde", lang="de", path="p.md")
def test_segment_offsets_point_into_the_original_text(text, lang, path):
    text = unified(text)
    segments = _segment(text, lang, path)
    assert_offsets_hold(text, segments)
    assert _segment(text, lang, path) == segments


@given(text=PROSE, lang=st.sampled_from(LANGS))
def test_plain_text_loses_no_visible_character(text, lang):
    text = unified(text)
    covered = "".join(s.text for s in _segment(text, lang, "p.txt"))
    assert "".join(covered.split()) == "".join(text.split())


# --- the aligner --------------------------------------------------------------------------------------

# What a version does with each source sentence: keep it, leave it out, add an unrelated
# sentence after it, or put it on one line with the next (the segmenter splits it again).
_OPS = st.sampled_from(["keep", "keep", "keep", "omit", "add", "join"])


@st.composite
def version_texts(draw) -> dict[str, str]:
    n = draw(st.integers(min_value=0, max_value=len(SENTENCES["en"])))
    langs = draw(st.lists(st.sampled_from(sorted(SENTENCES)), min_size=2, max_size=4, unique=True))
    texts = {}
    for lang in langs:
        lines: list[str] = []
        glue = False
        for k, op in enumerate(draw(st.lists(_OPS, min_size=n, max_size=n))):
            if op == "omit":
                continue
            if glue and lines:
                lines[-1] += " " + SENTENCES[lang][k]
            else:
                lines.append(SENTENCES[lang][k])
            glue = op == "join"
            if op == "add":
                lines.append(OTHER[lang][k % len(OTHER[lang])])
        texts[lang] = "\n".join(lines) + "\n"
    return texts


def embedded_versions(texts: dict[str, str]) -> list[EmbeddedDocument]:
    embedder = ConceptEmbedder(common=0.3)
    docs = []
    for lang, text in texts.items():
        doc = Document(f"{lang}.txt", lang, text, "sha", "filename")
        docs.append(embed_document(doc, segment_document(doc), embedder))
    return docs


def layout(beads) -> list[dict[str, list[int]]]:
    return [{lang: [s.index for s in segs] for lang, segs in b.members.items()} for b in beads]


@given(version_texts())
def test_every_sentence_of_every_version_lands_in_exactly_one_bead(texts):
    docs = embedded_versions(texts)
    beads = align_versions(docs, ALIGN) if any(d.segments for d in docs) else []
    for d in docs:
        lang = d.document.lang
        placed = sorted(s.index for b in beads for s in b.members.get(lang, ()))
        assert placed == sorted(s.index for s in d.segments), lang
    for b in beads:
        assert b.present_langs(), "an empty bead"
        assert set(b.members) == set(texts)
        for lang, segs in b.members.items():
            assert all(texts[lang][s.start : s.end] == s.text for s in segs)
    if len(docs) == 2:  # two versions: the beads keep both versions' order
        for d in docs:
            order = [s.index for b in beads for s in b.members[d.document.lang]]
            assert order == sorted(order)
    assert layout(align_versions(embedded_versions(texts), ALIGN) if beads else []) == layout(beads)


# --- the same output in another process (another hash seed) -------------------------------------------

_RUN_IN_CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from test_properties import embedded_versions, layout, _segment
from checker.align import align_versions
from checker.config import load_config
texts = json.loads(sys.argv[2])
beads = align_versions(embedded_versions(texts), load_config().align)
segments = {lang: [(s.start, s.end, s.kind) for s in _segment(t, lang, lang + ".md")] for lang, t in texts.items()}
print(json.dumps({"beads": layout(beads), "segments": segments}, sort_keys=True))
"""


def test_segments_and_beads_do_not_depend_on_the_hash_seed():
    texts = {
        "de": "\n".join(SENTENCES["de"][:4]) + "\n" + OTHER["de"][0] + "\n",
        "fr": " ".join(SENTENCES["fr"][:2]) + "\n" + SENTENCES["fr"][3] + "\n",
        "id": "\n".join(SENTENCES["id"][:4]) + "\n",
    }
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-c", _RUN_IN_CHILD, str(Path(__file__).parent), json.dumps(texts)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.add(proc.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["beads"]
