"""Small HTML fragments shared by the report's sections. Every text passes through `esc`, the one
place text is escaped for HTML."""

from __future__ import annotations

from html import escape

from checker.emit.visible import show_controls
from checker.records import Finding


def esc(value: object) -> str:
    """Text or attribute value, HTML-escaped (quotes included), with characters that would
    reorder or hide the text around them shown as codes (visible.py). Every value the
    report shows passes through here, numbers included."""
    return escape(show_controls(str(value)), quote=True)


def severity_badge(severity: str) -> str:
    return f'<span class="sev sev-{esc(severity)}">{esc(severity)}</span>'


def lang_tag(lang: str, *, role: str = "") -> str:
    cls = f"lang role-{esc(role)}" if role else "lang"
    title = f' title="{esc(role)} version"' if role else ""
    return f'<span class="{cls}"{title}>{esc(lang)}</span>'


def langs_involved(finding: Finding) -> str:
    """`de ≠ en fr`: the divergent languages set against the reference ones."""
    divergent = [v.lang for v in finding.versions if v.role == "divergent"]
    others = [v.lang for v in finding.versions if v.role != "divergent"]
    parts = [" ".join(lang_tag(lang, role="divergent") for lang in dict.fromkeys(divergent))]
    if others:
        parts.append(" ".join(lang_tag(lang, role="reference") for lang in dict.fromkeys(others)))
    return '<span class="vs" aria-label="versus">≠</span>'.join(p for p in parts if p)


def fmt_score(score: float) -> str:
    return f"{score:.2f}"


def divergent_langs(finding: Finding) -> list[str]:
    """The languages a finding blames (all of its languages when it blames none), in order, once each."""
    langs = [v.lang for v in finding.versions if v.role == "divergent"] or [v.lang for v in finding.versions]
    return list(dict.fromkeys(langs))


def plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
