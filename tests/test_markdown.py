"""Stage 3, segment: Markdown read as prose (issue 13, items 2 and 3): a hard-wrapped
sentence is one segment, and code, comments, MDX/JSX, front matter, link targets and
emphasis markers are never part of a segment's text."""

from __future__ import annotations

import pytest

from checker.markdown import is_markdown_path, paragraphs, prose_view
from checker.records import Document
from checker.segment import segment_document

PAGE = """---
title: Schnellstart
---
import Tabs from '@theme/Tabs';

# Schnellstart

Das Werkzeug vergleicht die Sprachfassungen einer Seite und meldet,
wo sie nicht mehr dasselbe sagen. Es braucht
[Node.js](https://nodejs.org/de/download) 20 oder neuer.

<!-- Hinweis für Übersetzer: 99 Sätze
stehen nicht hier. -->

<Tabs groupId="os">
<TabItem value="linux" label="Linux">

```bash
npm run check -- --seit 2024. Kein Satz.
```

</TabItem>
</Tabs>

    eingerückter Code 12. Kein Satz.

- Der erste Punkt der Liste, der
  über zwei Zeilen geht.
- Der zweite Punkt.

Führe `npm run check` aus, wenn du **nicht** sicher bist.
"""


def _segments(text: str, path: str = "docs/de/start.mdx"):
    return segment_document(Document(path, "de", text, ""))


def test_a_hard_wrapped_sentence_is_one_segment():
    bodies = [" ".join(s.text.split()) for s in _segments(PAGE) if s.kind == "body"]
    assert bodies[:3] == [
        "Das Werkzeug vergleicht die Sprachfassungen einer Seite und meldet, wo sie nicht mehr dasselbe sagen.",
        "Es braucht [Node.js] 20 oder neuer.",
        "Der erste Punkt der Liste, der über zwei Zeilen geht.",
    ]


def test_the_line_of_a_wrapped_sentence_is_where_it_starts():
    segs = {" ".join(s.text.split())[:12]: s.line for s in _segments(PAGE)}
    assert segs["Es braucht ["] == 9  # starts on line 9, ends on line 10
    assert segs["Der erste Pu"] == 27


@pytest.mark.parametrize(
    "not_prose",
    ["npm run check", "Kein Satz", "Hinweis", "99", "Tabs", "TabItem", "groupId", "nodejs.org", "title", "import", "**", "eingerückter"],
)
def test_code_comments_tags_front_matter_and_targets_are_not_prose(not_prose):
    assert all(not_prose not in s.text for s in _segments(PAGE))


def test_emphasis_markers_are_not_part_of_a_word():
    last = _segments(PAGE)[-1]
    assert last.text.split() == ["Führe", "aus,", "wenn", "du", "nicht", "sicher", "bist."]


def test_offsets_slice_the_prose_view_and_lines_count_from_the_file():
    view = prose_view(PAGE)
    assert len(view) == len(PAGE)
    for s in _segments(PAGE):
        assert view[s.start : s.end] == s.text
        assert s.line == PAGE.count("\n", 0, s.start) + 1


def test_a_longer_fence_is_closed_only_by_one_as_long():
    text = "````md\n```js\nconsole.log(1)\n```\nStill code.\n````\n\nProse again.\n"
    assert [s.text for s in _segments(text)] == ["Prose again."]


def test_list_items_quotes_and_headings_are_blocks_of_their_own():
    view = prose_view("# Titel\nErster Absatz\ngeht weiter.\n- Punkt eins\n- Punkt\n  zwei\n> Zitat\n")
    texts = [" ".join(view[b.start : b.end].split()) for b in paragraphs(view)]
    assert texts == ["Titel", "Erster Absatz geht weiter.", "Punkt eins", "Punkt zwei Zitat"]


@pytest.mark.parametrize("name", ["a.md", "a.MDX", "a.markdown", "a.mdoc"])
def test_markdown_dialects_are_markdown(name):
    assert is_markdown_path(name)


def test_snake_case_and_products_keep_their_characters():
    view = prose_view("Set max_retries to 2*3 tries.")
    assert view == "Set max_retries to 2*3 tries."
