"""The review workspace's static markup: the progress panel, the one review form (the script
moves it into the selected finding), and the decisions a `--decisions` file brought along.

Nothing here holds script; every text from a report or a decisions file is escaped, and
comments reach the page only as escaped attribute values (the script reads them as text).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from checker.decisions import SCHEMA, STATUSES, applied_decisions
from checker.emit.markup import esc, plural, severity_badge
from checker.records import RunResult

STATUS_LABELS = {"accepted": "Accepted", "dismissed": "Dismissed", "unsure": "Unsure"}
STATUS_HINTS = {"accepted": "a real problem", "dismissed": "a false alarm", "unsure": "to discuss"}
STATUS_ICONS = {"accepted": "✓", "dismissed": "✕", "unsure": "?"}
STATUS_KEYS = {"accepted": "a", "dismissed": "d", "unsure": "u"}


def review_key(result: RunResult) -> str:
    """What the browser stores this report's decisions under: the tool signature and the finding ids, hashed."""
    h = hashlib.sha256(result.signature.encode("utf-8"))
    for fid in sorted(f.id for f in result.findings):
        h.update(b"\0" + fid.encode("utf-8"))
    return h.hexdigest()[:20]


def initial_decisions(result: RunResult) -> dict[str, Mapping[str, Any]]:
    """Accepted/unsure decisions of a `--decisions` file for findings still in the report, by id."""
    return {
        d["id"]: d
        for d in applied_decisions(result).get("applied", [])
        if isinstance(d, Mapping) and d.get("status") in STATUSES
    }


def review_panel(result: RunResult) -> str:
    n = len(result.findings)
    counts = "".join(
        f'<li class="rs-{s}"><span class="rs-icon" aria-hidden="true">{STATUS_ICONS[s]}</span>'
        f' <span class="n" data-count="{s}">0</span> {s}</li>'
        for s in STATUSES
    )
    return (
        '<div class="review-panel" aria-labelledby="review-panel-title">'
        '<h3 id="review-panel-title" class="card-title">Review</h3>'
        f'<p class="review-progress"><span class="n" data-count="reviewed">0</span> of {n:,} reviewed</p>'
        f'<progress class="review-meter" max="{max(n, 1)}" value="0" aria-label="Findings reviewed"></progress>'
        f'<ul class="review-counts" aria-label="Decisions">{counts}</ul>'
        '<p class="muted review-help">Mark each finding accepted, dismissed or unsure. Decisions are kept in'
        " this browser for this report. Export them to share, or to leave the dismissed findings out of the"
        " next run: <code>checker check … --decisions FILE</code>.</p>"
        '<div class="review-actions">'
        '<button type="button" id="export-decisions" class="btn btn-primary">Export decisions</button>'
        '<button type="button" id="import-decisions" class="btn">Import…</button>'
        '<input type="file" id="import-file" accept=".json,application/json" hidden aria-label="Decisions file to import">'
        "</div>"
        '<p class="review-message" role="status" aria-live="polite"></p>'
        "</div>"
    )


def review_form() -> str:
    """The review controls, rendered once; the script moves them into the selected finding's panel
    (after its message, before its versions)."""
    options = "".join(
        f'<label class="rs-option rs-{s}"><input type="radio" name="review-status" value="{s}"'
        f' aria-keyshortcuts="{STATUS_KEYS[s]}">'
        f'<span class="rs-icon" aria-hidden="true">{STATUS_ICONS[s]}</span> <span class="rs-label">{STATUS_LABELS[s]}</span>'
        f' <span class="rs-hint">{STATUS_HINTS[s]}</span> <kbd aria-hidden="true">{STATUS_KEYS[s]}</kbd></label>'
        for s in STATUSES
    )
    return (
        '<div id="review-home" hidden>'
        '<div class="review" id="review-form" role="group" aria-labelledby="review-legend">'
        '<fieldset class="review-status"><legend id="review-legend">Your review</legend>'
        f'<div class="rs-options">{options}</div></fieldset>'
        '<label class="review-comment-label" for="review-comment">Comment <span class="muted">(optional)</span></label>'
        '<textarea id="review-comment" rows="2" autocomplete="off" spellcheck="true"'
        ' placeholder="Why? For the next reader and the next run"></textarea>'
        '<div class="review-foot"><button type="button" id="review-clear" class="btn btn-small">Clear</button>'
        '<span class="review-saved muted" aria-live="polite"></span></div>'
        "</div></div>"
    )


def decisions_note(result: RunResult) -> str:
    """What a `--decisions` file did to this report, and the decisions it carries into the next export."""
    record = applied_decisions(result)
    files = [str(f) for f in record.get("files", [])]
    if not files:
        return ""
    dismissed = [d for d in record.get("dismissed", []) if isinstance(d, Mapping) and d.get("id")]
    unmatched = [d for d in record.get("unmatched", []) if isinstance(d, Mapping) and d.get("id")]
    names = ", ".join(f"<code>{esc(f)}</code>" for f in files)
    items = "".join(_carried_item(d, "dismissed", visible=True) for d in dismissed)
    items += "".join(_carried_item(d, str(d.get("status", "")), visible=False) for d in unmatched)
    more = f"; {plural(len(unmatched), 'decision')} of it match no finding here" if unmatched else ""
    listing = (
        f'<details class="dismissed-list"><summary>Show the dismissed findings</summary><ul class="carried">{items}</ul></details>'
        if dismissed
        else f'<ul class="carried" hidden>{items}</ul>'
    )
    return (
        '<div class="decisions-note">'
        f"<p><strong>{plural(len(dismissed), 'finding')} dismissed by decisions {names}</strong>"
        f" {'are' if len(dismissed) != 1 else 'is'} left out of this report{more}."
        " Every decision of the file is kept in this report's export.</p>"
        f"{listing}</div>"
    )


def _carried_item(d: Mapping[str, Any], status: str, *, visible: bool) -> str:
    attrs = (
        f' data-decision-id="{esc(d.get("id", ""))}" data-status="{esc(status)}"'
        f' data-comment="{esc(d.get("comment", "") or "")}"'
    )
    if not visible:
        return f"<li{attrs} hidden></li>"
    comment = d.get("comment") or ""
    return (
        f"<li{attrs}>{severity_badge(str(d.get('severity', '')))} <span class=\"kind\">{esc(d.get('kind', ''))}</span> "
        f"{esc(d.get('message', ''))}"
        + (f' <span class="carried-comment">“{esc(comment)}”</span>' if comment else "")
        + f' <code class="muted">{esc(d.get("id", ""))}</code></li>'
    )


def export_schema() -> str:
    return SCHEMA
