"""One version set in the HTML report: its findings list, detail panels and side-by-side rows."""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Mapping
from typing import Any

from checker.emit.highlight import render_marked
from checker.emit.html_detail import render_detail
from checker.emit.markup import divergent_langs, esc, fmt_score, langs_involved, severity_badge
from checker.emit.order import severity_rank
from checker.emit.placement import Placement, place_findings
from checker.records import AlignedRow, AlignedSegment, Finding, VersionSetReport

_SAFE_ID = re.compile(r"[A-Za-z0-9_.:-]+")


def render_version_set(
    vs: VersionSetReport, findings: list[Finding], index: int, initial: Mapping[str, Mapping[str, Any]] | None = None
) -> str:
    """`initial`: review decisions the page starts from (by finding id), e.g. accepted ones of a decisions file."""
    prefix = f"vs{index}"
    placement = place_findings(vs.rows, findings)
    ordered = sorted(findings, key=lambda f: (severity_rank(f.severity), _first_row(placement, f), -f.score))
    detail_ids = [f"{prefix}-detail-{i}" for i in range(len(ordered))]
    sidebar = (
        f'<aside class="sidebar" aria-label="Findings of {esc(vs.id)}">'
        f'<h3 class="pane-title">Findings <span class="count"><span class="shown" hidden></span>{len(ordered)}</span></h3>'
        f"{_findings_list(ordered, placement, prefix, detail_ids, initial or {})}"
        '<div class="detail-pane" aria-live="polite">'
        '<p class="detail-empty muted">Select a finding to see its versions and evidence.</p>'
        + "".join(render_detail(f, detail_id) for f, detail_id in zip(ordered, detail_ids))
        + "</div></aside>"
    )
    return (
        f'<section class="vset" id="{prefix}" aria-labelledby="{prefix}-title">'
        f"{_heading(vs, prefix)}"
        '<p class="vset-nomatch muted" hidden>No finding of this version set matches the filters.</p>'
        f'<div class="vset-body">{sidebar}{_side_by_side(vs, placement, prefix)}</div>'
        "</section>"
    )


def _first_row(placement: Placement, finding: Finding) -> float:
    rows = placement.rows_of.get(finding.id)
    return rows[0] if rows else math.inf


def _heading(vs: VersionSetReport, prefix: str) -> str:
    files = "".join(
        f'<li><span class="lang">{esc(d.lang)}</span> <span class="path">{esc(d.label)}</span></li>' for d in vs.versions
    )
    return (
        f'<h2 id="{prefix}-title"><span class="muted">Version set</span> {esc(vs.id)}</h2>'
        f'<ul class="vset-files">{files}</ul>'
    )


# --- findings list ----------------------------------------------------------------


def _findings_list(
    findings: list[Finding],
    placement: Placement,
    prefix: str,
    detail_ids: list[str],
    initial: Mapping[str, Mapping[str, Any]],
) -> str:
    if not findings:
        return '<p class="no-findings muted">No findings: the versions agree.</p>'
    items = "".join(_finding_item(f, placement, prefix, d, initial.get(f.id)) for f, d in zip(findings, detail_ids))
    return (
        f'<ol class="findings" aria-label="Findings">{items}</ol>'
        '<p class="all-filtered muted" hidden>All findings here are hidden by the filters.</p>'
    )


def _finding_item(
    finding: Finding, placement: Placement, prefix: str, detail_id: str, decision: Mapping[str, Any] | None
) -> str:
    rows = " ".join(f"{prefix}-row{r}" for r in placement.rows_of.get(finding.id, []))
    anchor = f' id="finding-{esc(finding.id)}"' if _SAFE_ID.fullmatch(finding.id) else ""
    review = ""
    if decision:
        review = f' data-status="{esc(decision.get("status", ""))}" data-comment="{esc(decision.get("comment", "") or "")}"'
    return (
        f'<li class="finding"{anchor} data-finding-id="{esc(finding.id)}" data-severity="{esc(finding.severity)}"'
        f' data-kind="{esc(finding.kind)}" data-langs="{esc(" ".join(divergent_langs(finding)))}"'
        f' data-rows="{rows}" data-detail="{detail_id}"{review}>'
        f'<button type="button" class="finding-btn" aria-controls="{detail_id}" aria-pressed="false">'
        f'<span class="finding-top">{severity_badge(finding.severity)}'
        f' <span class="kind">{esc(finding.kind)}</span>'
        f' <span class="langs">{langs_involved(finding)}</span>'
        f' <span class="score" title="score: how sure the checker is">{fmt_score(finding.score)}</span></span>'
        f'<span class="finding-msg">{esc(finding.message)}</span>'
        '<span class="review-badge" hidden></span><span class="review-comment" hidden></span>'
        "</button></li>"
    )


# --- side-by-side table -----------------------------------------------------------


def _column_langs(vs: VersionSetReport) -> list[str]:
    langs = [d.lang for d in vs.versions]
    for row in vs.rows:
        langs.extend(row.members)
    return list(dict.fromkeys(langs))


def _side_by_side(vs: VersionSetReport, placement: Placement, prefix: str) -> str:
    if not vs.rows:
        return '<div class="table-wrap"><p class="muted">This report holds no side-by-side alignment for this version set.</p></div>'
    langs = _column_langs(vs)
    labels = {d.lang: d.label for d in vs.versions}
    head = "".join(
        f'<th scope="col" class="col-lang"><span class="lang">{esc(lang)}</span>'
        f' <span class="path" title="{esc(labels.get(lang, ""))}">{esc(posixpath.basename(labels.get(lang, "")))}</span></th>'
        for lang in langs
    )
    body = "".join(_row(i, row, langs, placement, prefix) for i, row in enumerate(vs.rows))
    return (
        '<div class="table-wrap">'
        f'<table class="side-by-side cols-{len(langs)}">'
        f'<thead><tr><th scope="col" class="rowhead">#</th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _row(i: int, row: AlignedRow, langs: list[str], placement: Placement, prefix: str) -> str:
    findings = placement.findings_in_row.get(i, [])
    classes = ["row"]
    flag = ""
    if findings:
        worst = min(findings, key=lambda f: severity_rank(f.severity)).severity
        classes += ["flagged", "match", f"flag-{esc(worst)}"]
        flag = f'<span class="row-flag flag-{esc(worst)}" title="{len(findings)} finding(s) here">{esc(worst)}</span>'
    chrf = "" if row.chrf is None else f'<span class="chrf" title="chrF agreement of the English pivots (0–100)">chrF {row.chrf:.0f}</span>'
    cells = "".join(_cell(i, lang, row.members.get(lang, ()), placement) for lang in langs)
    return (
        f'<tr id="{prefix}-row{i}" class="{" ".join(classes)}">'
        f'<th scope="row" class="rowhead"><span class="rownum">{i + 1}</span>{chrf}{flag}</th>{cells}</tr>'
    )


def _cell(row_i: int, lang: str, segments: tuple[AlignedSegment, ...], placement: Placement) -> str:
    if not segments:
        return f'<td class="cell gap"><span class="gap-label">no {esc(lang.upper())} counterpart</span></td>'
    segs = "".join(_segment(seg, (row_i, lang, j), lang, placement) for j, seg in enumerate(segments))
    return f'<td class="cell">{segs}</td>'


def _segment(seg: AlignedSegment, key: tuple[int, str, int], lang: str, placement: Placement) -> str:
    original = render_marked(seg.text, placement.source_marks.get(key, []))
    pivot = ""
    if seg.pivot and seg.pivot.strip() != seg.text.strip():
        pivot = f'<div class="pivot" lang="en">{render_marked(seg.pivot, placement.pivot_marks.get(key, []))}</div>'
    return (
        f'<div class="seg" title="line {esc(seg.line)}">'
        f'<div class="orig" lang="{esc(lang)}" dir="auto">{original}</div>{pivot}</div>'
    )
