"""The detail panel of one finding: message, every version with its role, and the evidence."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from checker.emit.highlight import Mark, render_marked
from checker.emit.markup import esc, fmt_score, severity_badge
from checker.emit.placement import version_marks
from checker.records import Finding, FindingVersion, shown_key

_LABELS = {
    "nli": "NLI probabilities",
    "entail": "entailment",
    "entailment": "entailment",
    "contradict": "contradiction",
    "contradiction": "contradiction",
    "neutral": "neutral",
    "rule": "rule fired",
    "rules": "rules fired",
    "chrf": "chrF",
    "signals": "signals",
}
_MAX_DEPTH = 4


def render_detail(finding: Finding, detail_id: str) -> str:
    versions = "".join(_render_version(v, finding) for v in _divergent_first(finding.versions))
    evidence = _render_evidence(finding.evidence) if finding.evidence else '<p class="muted">No evidence recorded.</p>'
    return (
        f'<section class="finding-detail" id="{esc(detail_id)}" data-finding-id="{esc(finding.id)}"'
        f' aria-label="Finding details" hidden>'
        f'<h3 class="detail-title">{severity_badge(finding.severity)} <span class="kind">{esc(finding.kind)}</span>'
        f' <span class="score" title="how sure the checker is">score {fmt_score(finding.score)}</span></h3>'
        f'<p class="detail-message">{esc(finding.message)}</p>'
        f'<ul class="versions">{versions}</ul>'
        '<p class="review-note" hidden></p>'
        f'<h4 class="evidence-title">Evidence</h4>{evidence}'
        f'<p class="finding-id">ID <code>{esc(finding.id)}</code></p>'
        "</section>"
    )


def _divergent_first(versions: tuple[FindingVersion, ...]) -> list[FindingVersion]:
    return sorted(versions, key=lambda v: v.role != "divergent")


def _render_version(version: FindingVersion, finding: Finding) -> str:
    source_marks, pivot_marks = version_marks(version, finding)
    pivot = ""
    if version.pivot and version.pivot != version.text:
        pivot = f'<p class="pivot" lang="en">{render_marked(version.pivot, pivot_marks, "dhl")}</p>'
    return (
        f'<li class="version role-{esc(version.role)}">'
        f'<div class="version-head"><span class="lang">{esc(version.lang)}</span>'
        f' <span class="role role-{esc(version.role)}">{esc(version.role)}</span>'
        f' <span class="loc">{esc(version.path)}:{esc(version.line)}</span>'
        + (f' <span class="key" title="key">{esc(shown_key(version.key))}</span>' if version.key is not None else "")
        + "</div>"
        f"{_original(version, source_marks)}"
        f"{pivot}</li>"
    )


def _original(version: FindingVersion, marks: list[Mark]) -> str:
    if not version.text:
        return '<p class="orig muted">No corresponding text in this version.</p>'
    return f'<p class="orig" lang="{esc(version.lang)}" dir="auto">{render_marked(version.text, marks, "dhl")}</p>'


def _render_evidence(evidence: Mapping[str, Any]) -> str:
    return f'<dl class="evidence">{_dl_items(evidence, depth=0, probabilities=False)}</dl>'


def _dl_items(mapping: Mapping[str, Any], *, depth: int, probabilities: bool) -> str:
    out = []
    for key, value in mapping.items():
        probs = probabilities or str(key).lower() == "nli"
        label = _LABELS.get(str(key).lower(), str(key).replace("_", " "))
        out.append(f"<dt>{esc(label)}</dt><dd>{_value(value, depth=depth + 1, probabilities=probs)}</dd>")
    return "".join(out)


def _value(value: Any, *, depth: int, probabilities: bool) -> str:
    if depth > _MAX_DEPTH:
        return f"<code>{esc(json.dumps(value, ensure_ascii=False, default=str))}</code>"
    if isinstance(value, Mapping):
        return f'<dl class="nested">{_dl_items(value, depth=depth, probabilities=probabilities)}</dl>'
    if isinstance(value, (list, tuple)):
        if all(not isinstance(v, (Mapping, list, tuple)) for v in value):
            return " ".join(f'<code class="chip">{_scalar(v)}</code>' for v in value) or "—"
        return "<ul>" + "".join(f"<li>{_value(v, depth=depth + 1, probabilities=probabilities)}</li>" for v in value) + "</ul>"
    if probabilities and isinstance(value, float) and 0.0 <= value <= 1.0:
        return f'<meter min="0" max="1" value="{value:.4f}"></meter> <span class="num">{value:.2f}</span>'
    return _scalar(value)


def _scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f'<span class="num">{value:.3g}</span>' if abs(value) < 1 else f'<span class="num">{value:.1f}</span>'
    if isinstance(value, int):
        return f'<span class="num">{value}</span>'
    return esc(value)
