"""The review workspace's markup, checked as a parsed tree (no browser): overview chart and
table, filters, the one review form, per-finding data the script filters on, the storage key."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from report_samples import FR_TERM_ID, HOSTILE_ID, NUMBER_ID, OMISSION_ID, review_result, sample_result
from test_html_report import Node, TreeBuilder

from checker.emit.html import render_html
from checker.emit.html_review import review_key
from checker.records import RunResult


def parse(page: str) -> Node:
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


@pytest.fixture(scope="module")
def dom() -> Node:
    return parse(render_html(review_result()))


def by_id(dom: Node, element_id: str) -> Node:
    (node,) = [n for n in dom.iter() if n.attrs.get("id") == element_id]
    return node


def test_every_finding_carries_what_the_filters_need(dom: Node) -> None:
    items = {li.attrs["data-finding-id"]: li for li in dom.find_all("li", "finding")}
    assert set(items) == {NUMBER_ID, OMISSION_ID, FR_TERM_ID, HOSTILE_ID}
    got = {fid: (li.attrs["data-severity"], li.attrs["data-kind"], li.attrs["data-langs"]) for fid, li in items.items()}
    assert got == {
        NUMBER_ID: ("major", "number", "de"),
        OMISSION_ID: ("minor", "omission", "de"),
        FR_TERM_ID: ("minor", "term", "fr"),
        HOSTILE_ID: ("info", "entity", "de"),
    }
    for li in items.values():
        assert "data-status" not in li.attrs  # nothing reviewed yet
        assert "hidden" in li.find_all("span", "review-badge")[0].attrs


def test_the_toolbar_offers_every_filter(dom: Node) -> None:
    options = lambda sel: [(o.attrs["value"], " ".join(o.text().split())) for o in by_id(dom, sel).find_all("option")]  # noqa: E731
    # Kinds in the contract's order.
    assert options("filter-kind") == [("", "All"), ("number", "number (1)"), ("entity", "entity (1)"), ("omission", "omission (1)"), ("term", "term (1)")]
    assert options("filter-lang") == [("", "All"), ("de", "de (3)"), ("fr", "fr (1)")]  # languages that differ somewhere
    assert [v for v, _ in options("filter-status")] == ["", "none", "reviewed", "accepted", "dismissed", "unsure"]
    search = by_id(dom, "search")
    assert search.tag == "input" and search.attrs["type"] == "search"
    assert [lab for lab in dom.find_all("label") if lab.attrs.get("for") == "search"]  # labelled
    assert {b.attrs["id"] for b in dom.find_all("button") if b.attrs.get("id")} >= {
        "prev-finding", "next-finding", "reset-filters", "export-decisions", "import-decisions", "review-clear"
    }
    assert {i.attrs["value"] for i in dom.find_all("input", "sev-filter")} == {"major", "minor", "info"}


def test_one_review_form_with_three_statuses_and_a_comment(dom: Node) -> None:
    form = by_id(dom, "review-form")
    assert form.ancestor("div").attrs.get("id") == "review-home"  # parked until a finding is selected
    radios = [i for i in form.find_all("input") if i.attrs.get("type") == "radio"]
    assert [(r.attrs["name"], r.attrs["value"]) for r in radios] == [
        ("review-status", "accepted"), ("review-status", "dismissed"), ("review-status", "unsure")
    ]
    assert all(r.ancestor("label") is not None for r in radios)  # each has its label
    assert form.find_all("fieldset")[0].find_all("legend")[0].text() == "Your review"
    (textarea,) = form.find_all("textarea")
    assert [lab for lab in form.find_all("label") if lab.attrs.get("for") == textarea.attrs["id"]]
    assert len([n for n in dom.iter() if n.attrs.get("name") == "review-status"]) == 3  # not one per finding


def test_every_detail_has_a_printable_review_line(dom: Node) -> None:
    for detail in dom.find_all("section", "finding-detail"):
        (note,) = detail.find_all("p", "review-note")
        assert "hidden" in note.attrs and note.text() == ""


def test_the_overview_chart_is_an_accessible_svg(dom: Node) -> None:
    (svg,) = dom.find_all("svg")
    assert svg.attrs["role"] == "img"
    title, desc = svg.find_all("title")[0], svg.find_all("desc")[0]
    assert svg.attrs["aria-labelledby"] == f"{title.attrs['id']} {desc.attrs['id']}"
    assert title.text() == "Findings by language and severity"
    # Every language of the run, with its counts in words.
    assert desc.text() == "en: 0; de: 3 (1 major, 1 minor, 1 info); fr: 1 (1 minor)"
    bars = [(r.attrs["class"], r.find_all("title")[0].text()) for r in svg.find_all("rect", "bar")]
    assert bars == [
        ("bar bar-major", "de: 1 major finding"),
        ("bar bar-minor", "de: 1 minor finding"),
        ("bar bar-info", "de: 1 info finding"),
        ("bar bar-minor", "fr: 1 minor finding"),
    ]
    legend = dom.find_all("ul", "legend")[0]
    assert [" ".join(li.text().split()) for li in legend.find_all("li")] == ["major", "minor", "info"]


def test_the_overview_table_counts_by_severity_and_kind_per_language(dom: Node) -> None:
    (table,) = dom.find_all("table", "kind-table")
    head = [" ".join(th.text().split()) for th in table.find_all("thead")[0].find_all("th")]
    assert head == ["Severity or kind", "en", "de", "fr", "all"]
    rows = {
        " ".join(tr.find_all("th")[0].text().split()): [" ".join(td.text().split()) for td in tr.find_all("td")]
        for tr in table.find_all("tr")[1:]
    }
    assert rows == {
        "major": ["–", "1", "–", "1"],
        "minor": ["–", "1", "1", "2"],
        "info": ["–", "1", "–", "1"],
        "number": ["–", "1", "–", "1"],
        "entity": ["–", "1", "–", "1"],
        "omission": ["–", "1", "–", "1"],
        "term": ["–", "–", "1", "1"],
        "All findings": ["–", "3", "1", "4"],
    }
    fr_term = [b for b in table.find_all("button", "count-filter") if b.attrs.get("data-kind") == "term" and b.attrs["data-lang"] == "fr"]
    assert [b.attrs["aria-label"] for b in fr_term] == ["Show the 1 term finding in fr"]


def test_review_panel_counts_start_at_zero(dom: Node) -> None:
    panel = dom.find_all("div", "review-panel")[0]
    text = " ".join(panel.text().split())
    assert "0 of 4 reviewed" in text
    assert {n.attrs["data-count"]: n.text() for n in panel.iter() if "data-count" in n.attrs} == {
        "reviewed": "0", "accepted": "0", "dismissed": "0", "unsure": "0"
    }


def test_the_storage_key_follows_the_findings_and_the_signature() -> None:
    result = review_result()
    key = review_key(result)
    assert re.fullmatch(r"[0-9a-f]{20}", key)
    assert f'data-review-key="{key}"' in render_html(result)
    assert review_key(replace(result, findings=tuple(reversed(result.findings)))) == key  # order does not matter
    assert review_key(replace(result, findings=result.findings[1:])) != key
    assert review_key(replace(result, signature=result.signature + "|x")) != key


def test_a_report_with_no_findings_has_no_chart_but_the_same_tools() -> None:
    dom = parse(render_html(RunResult(tool_version="0.1.0", signature="", version_sets=(), unrelated=(), findings=())))
    assert dom.find_all("svg") == [] and dom.find_all("table") == []
    assert dom.find_all("section", "overview")[0].find_all("div", "review-panel")
    assert by_id(dom, "export-decisions") and by_id(dom, "search") and by_id(dom, "review-form")
    assert "0 of 0 reviewed" in " ".join(dom.find_all("div", "review-panel")[0].text().split())


def test_hostile_language_codes_and_kinds_are_escaped_in_chart_table_and_filters() -> None:
    result = sample_result()
    f = result.findings[0]
    evil = '<img src=x onerror="window.__pwned=1">'
    versions = tuple(replace(v, lang=evil) if v.role == "divergent" else v for v in f.versions)
    result = replace(result, findings=(replace(f, kind="<script>k</script>", versions=versions),) + result.findings[1:])
    page = render_html(result)
    assert "<img src=x" not in page and "<script>k" not in page
    dom = parse(page)
    assert evil in by_id(dom, "lang-chart-desc").text()
    assert any(o.attrs.get("value") == evil for o in by_id(dom, "filter-lang").find_all("option"))
    assert any(o.attrs.get("value") == "<script>k</script>" for o in by_id(dom, "filter-kind").find_all("option"))
