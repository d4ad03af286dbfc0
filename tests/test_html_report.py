"""The HTML report, checked as text and as a parsed tree (no browser)."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from report_samples import HOSTILE_ID, NUMBER_ID, OMISSION_ID, sample_result

from checker.emit.highlight import Mark, locate_pivot_text, locate_span, render_marked
from checker.emit.html import csp_hash, render_html, write_html
from checker.records import Span, run_result_from_json, to_json_dict

VOID = {"meta", "link", "br", "hr", "img", "input", "col", "wbr", "area", "base", "source"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag: str, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.iter()
            if n.tag == tag
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def ancestor(self, tag: str, cls: str | None = None) -> Node | None:
        n = self.parent
        while n is not None and not (n.tag == tag and (cls is None or cls in n.classes)):
            n = n.parent
        return n


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        n = self.current
        while n is not None and n.tag != tag:
            n = n.parent
        assert n is not None, f"stray </{tag}>"
        self.current = n.parent

    def handle_data(self, data):
        self.current.children.append(data)


@pytest.fixture(scope="module")
def page_html() -> str:
    return render_html(sample_result())


@pytest.fixture(scope="module")
def dom(page_html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(page_html)
    builder.close()
    return builder.root


# --- escaping and content security --------------------------------------------------


def test_hostile_text_is_escaped_never_markup(page_html: str, dom: Node) -> None:
    for raw in ("<script>alert(", "<img src=x", "<svg onload", "<b>strings", "<i>draft", 'onerror="window'):
        assert raw not in page_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in page_html
    tags = {n.tag for n in dom.iter()}
    assert not tags & {"img", "iframe", "object", "embed", "b", "i", "form"}
    # The only SVG is the overview chart, the only link the skip link: none comes from input text.
    assert [sorted(n.classes) for n in dom.find_all("svg")] == [["lang-chart"]]
    assert [(a.attrs.get("class"), a.attrs.get("href")) for a in dom.find_all("a")] == [("skip-link", "#main")]
    assert len(dom.find_all("script")) == 1
    handlers = [(n.tag, k) for n in dom.iter() for k in n.attrs if k.startswith("on")]
    assert handlers == []
    # The hostile words still read as text where an editor expects them.
    hostile_marks = [m.text() for m in dom.find_all("mark", "hl", data_finding_id=HOSTILE_ID)]
    assert '<img src=x onerror="window.__pwned=1">' in hostile_marks
    assert "<script>alert(1)</script>" in hostile_marks


def test_csp_pins_the_inline_script_and_style_by_hash(dom: Node) -> None:
    (meta,) = [m for m in dom.find_all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    policy = dict(d.strip().split(" ", 1) for d in meta.attrs["content"].split(";"))
    (script,) = dom.find_all("script")
    (style,) = dom.find_all("style")
    expected_js = "sha256-" + base64.b64encode(hashlib.sha256(script.text().encode()).digest()).decode()
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == f"'{expected_js}'" == f"'{csp_hash(script.text())}'"
    assert policy["style-src"] == f"'{csp_hash(style.text())}'"
    assert policy["img-src"] == "data:"
    assert "unsafe" not in meta.attrs["content"]
    # The policy must precede what it governs.
    head = dom.find_all("head")[0]
    order = [n.tag for n in head.children if isinstance(n, Node)]
    assert order.index("meta") < order.index("style") and order.index("meta") < order.index("script")


def test_nothing_is_loaded_from_elsewhere(dom: Node) -> None:
    for n in dom.iter():
        assert "style" not in n.attrs, f"inline style attribute on <{n.tag}> (blocked by the CSP)"
        for key in ("src", "href", "action", "srcset"):
            value = n.attrs.get(key)
            assert value is None or value.startswith(("data:", "#")), (n.tag, key, value)


# --- what an editor sees --------------------------------------------------------------


def test_header_shows_version_signature_counts_and_unrelated(dom: Node) -> None:
    header = dom.find_all("header", "page-header")[0]
    text = " ".join(header.text().split())
    assert "0.1.0" in text
    assert "xlm-roberta-large-xnli" in text and "opus-mt-mul-en" in text
    (counts_list,) = header.find_all("ul", "counts")
    counts = {li.find_all("span", "sev")[0].text(): li.find_all("span", "n")[0].text() for li in counts_list.find_all("li")}
    assert counts == {"major": "1", "minor": "1", "info": "1"}
    assert "notes/todo.txt" in text and "no other language version found" in text
    assert "docs/it/<i>draft</i>.md" in text


def test_findings_are_listed_with_severity_kind_langs_and_score(dom: Node) -> None:
    items = dom.find_all("li", "finding")
    assert [li.attrs["data-finding-id"] for li in items] == [NUMBER_ID, OMISSION_ID, HOSTILE_ID]
    number = items[0]
    assert number.attrs["data-severity"] == "major"
    assert number.find_all("button")  # focusable, Enter activates it
    text = " ".join(number.text().split())
    assert "major" in text and "number" in text and "0.97" in text
    assert [s.text() for s in number.find_all("span", "lang")] == ["de", "en", "fr"]
    assert {i.attrs["value"] for i in dom.find_all("input", "sev-filter")} == {"major", "minor", "info"}


def test_finding_points_at_existing_rows_and_detail(dom: Node) -> None:
    ids = {n.attrs.get("id") for n in dom.iter()}
    for li in dom.find_all("li", "finding"):
        rows = li.attrs["data-rows"].split()
        assert rows and set(rows) <= ids
        assert li.attrs["data-detail"] in ids
    (number,) = dom.find_all("li", "finding", data_finding_id=NUMBER_ID)
    assert number.attrs["data-rows"] == "vs0-row1"
    assert number.attrs["id"] == f"finding-{NUMBER_ID}"


def test_spans_render_as_marks_in_every_language(dom: Node) -> None:
    marks = dom.find_all("mark", "hl", data_finding_id=NUMBER_ID)
    by_lang: dict[str, list[str]] = {}
    for m in marks:
        holder = m.ancestor("div", "orig") or m.ancestor("div", "pivot")
        key = holder.attrs["lang"] if "orig" in holder.classes else "pivot:" + holder.ancestor("div", "seg").find_all("div", "orig")[0].attrs["lang"]
        by_lang.setdefault(key, []).append(m.text())
        assert m.ancestor("tr").attrs["id"] == "vs0-row1"
    assert by_lang == {
        "en": ["30 days"],
        "de": ["14 Tagen"],
        "fr": ["30 jours"],
        "pivot:de": ["14 days"],
        "pivot:fr": ["30 days"],
    }


def test_gap_cell_for_a_one_to_zero_bead(dom: Node) -> None:
    row = next(n for n in dom.iter() if n.attrs.get("id") == "vs0-row3")
    cells = [c for c in row.children if isinstance(c, Node) and c.tag == "td"]
    assert ["gap" in c.classes for c in cells] == [False, True, False]  # columns en, de, fr
    assert "no DE counterpart" in cells[1].text()
    assert "flagged" in row.classes and "flag-minor" in row.classes


def test_detail_panel_shows_roles_and_evidence(dom: Node) -> None:
    (detail,) = [d for d in dom.find_all("section", "finding-detail") if d.attrs["data-finding-id"] == NUMBER_ID]
    assert "hidden" in detail.attrs
    roles = {v.find_all("span", "lang")[0].text(): v.find_all("span", "role")[0].text() for v in detail.find_all("li", "version")}
    assert roles == {"de": "divergent", "en": "reference", "fr": "reference"}
    text = " ".join(detail.text().split())
    for expected in ("contradiction", "0.87", "number-mismatch", "chrF", "81.5", "signals", "docs/de/refund-policy.md:2"):
        assert expected in text
    assert len(detail.find_all("meter")) == 3


def test_rows_show_pivots_and_chrf(dom: Node) -> None:
    row = next(n for n in dom.iter() if n.attrs.get("id") == "vs0-row1")
    assert "chrF 82" in row.text()
    pivots = [p.text() for p in row.find_all("div", "pivot")]
    assert pivots == ["You can return any item within 14 days of delivery.", "You can return any item within 30 days of delivery."]


def test_rerendering_from_the_json_report(page_html: str) -> None:
    again = render_html(run_result_from_json(to_json_dict(sample_result())))
    strip = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
    assert strip(again) == strip(page_html)


def test_write_html_is_atomic_and_complete(tmp_path) -> None:
    target = tmp_path / "out.html"
    target.write_text("old")
    write_html(sample_result(), target)
    assert target.read_text(encoding="utf-8") == render_html(sample_result())
    assert [p.name for p in tmp_path.iterdir()] == ["out.html"]


def test_finding_of_an_unlisted_version_set_is_not_dropped() -> None:
    result = sample_result()
    stray = replace(result.findings[0], id="f-stray", version_set="docs/elsewhere")
    page = render_html(replace(result, findings=result.findings + (stray,)))
    assert 'data-finding-id="f-stray"' in page and "docs/elsewhere" in page


def test_empty_run_renders() -> None:
    from checker.records import RunResult

    page = render_html(RunResult(tool_version="0.1.0", signature="", version_sets=(), unrelated=(), findings=()))
    assert "0 findings" in page and "No version sets were compared" in page


# --- highlight helpers ------------------------------------------------------------------


def test_locate_span_maps_and_clips_offsets() -> None:
    # Segment "beta gamma" sits at [10, 20) of its file.
    assert locate_span("beta gamma", 10, 20, Span(15, 20, "gamma")) == (5, 10)
    assert locate_span("beta gamma", 10, 20, Span(15, 30, "gamma delta")) == (5, 10)
    assert locate_span("beta gamma", 10, 20, Span(20, 25, "delta")) is None
    # A cleaned segment text (shorter than its file range): found by its words.
    assert locate_span("beta gamma", 10, 22, Span(16, 21, "gamma")) == (5, 10)


def test_render_marked_nests_overlaps_and_escapes() -> None:
    html = render_marked("a <b> c", [Mark(0, 5, "f1", "major"), Mark(2, 7, "f2", "minor")])
    assert html == (
        '<mark class="hl sev-major" data-finding-id="f1">a </mark>'
        '<mark class="hl sev-major" data-finding-id="f1">'
        '<mark class="hl sev-minor" data-finding-id="f2">&lt;b&gt;</mark></mark>'
        '<mark class="hl sev-minor" data-finding-id="f2"> c</mark>'
    )
    # A mark without a finding id (a finding's own detail panel) carries only its severity.
    assert render_marked("x", [Mark(0, 1, "", "info", "info · term")]) == '<mark class="hl sev-info" title="info · term">x</mark>'


def test_locate_pivot_text_phrase_then_words() -> None:
    assert locate_pivot_text("Within 30 Days, always.", "30 days") == [(7, 14)]
    assert locate_pivot_text("the integrity of the whole", "whole integrity") == [(4, 13), (21, 26)]
    assert locate_pivot_text("anything", None) == []


def test_notes_below_min_severity_are_shown_for_review_and_said_to_be_notes() -> None:
    result = sample_result()
    note = replace(result.findings[0], id="note0000000000aa", severity="info")
    html = render_html(replace(result, notes=(note,)))
    assert 'data-finding-id="note0000000000aa"' in html
    assert f"{len(result.findings)} findings" in html and "1 note below the reporting threshold" in html
    back = run_result_from_json(to_json_dict(replace(result, notes=(note,))))
    assert [n.id for n in back.notes] == ["note0000000000aa"] and len(back.findings) == len(result.findings)
