"""The report's overview: findings by language and severity (an inline SVG chart) and by kind
(a table that is also the chart's text alternative; its counts filter the list when clicked)."""

from __future__ import annotations

from collections import Counter

from checker.emit.markup import divergent_langs, esc, plural
from checker.records import FINDING_KINDS, SEVERITIES, Finding, RunResult

_ROW_H = 24
_BAR_H = 15
_LABEL_W = 38
_BAR_W = 250
_TOTAL_W = 44


def languages(result: RunResult) -> list[str]:
    """Every language of the run: those of the version sets in order, then any only findings name."""
    langs = [d.lang for vs in result.version_sets for d in vs.versions]
    langs += [lang for f in result.findings for lang in divergent_langs(f)]
    return list(dict.fromkeys(langs))


def kinds(result: RunResult) -> list[str]:
    present = {f.kind for f in result.findings}
    return [k for k in FINDING_KINDS if k in present] + sorted(present - set(FINDING_KINDS))


def render_overview(result: RunResult, review_panel: str) -> str:
    langs = languages(result)
    charts = ""
    if result.findings:  # with none, the counts above say it all
        charts = _card("chart-card", _chart(result.findings, langs)) + _card("table-card", _table(result, langs))
    return (
        '<section class="overview" aria-labelledby="overview-title">'
        '<h2 id="overview-title" class="sr-only">Overview</h2>'
        f"{charts}{_card('review-card', review_panel)}"
        "</section>"
    )


def _card(cls: str, content: str) -> str:
    return f'<div class="card {cls}">{content}</div>'


# --- chart -------------------------------------------------------------------------------


def _by_lang_severity(findings: tuple[Finding, ...]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for f in findings:
        for lang in divergent_langs(f):
            counts[(lang, f.severity)] += 1
    return counts


def _chart(findings: tuple[Finding, ...], langs: list[str]) -> str:
    counts = _by_lang_severity(findings)
    totals = {lang: sum(counts[(lang, s)] for s in SEVERITIES) for lang in langs}
    top = max(totals.values(), default=0) or 1
    rows = []
    for i, lang in enumerate(langs):
        y = 4 + i * _ROW_H
        bar_y = y + (_ROW_H - _BAR_H) / 2 - 2
        parts = [f'<text class="chart-lang" x="0" y="{bar_y + _BAR_H - 3:.1f}">{esc(lang.upper())}</text>']
        x = float(_LABEL_W)
        for sev in SEVERITIES:
            n = counts[(lang, sev)]
            if not n:
                continue
            w = max(n / top * _BAR_W, 3.0)
            parts.append(
                f'<rect class="bar bar-{esc(sev)}" x="{x:.1f}" y="{bar_y:.1f}" width="{w:.1f}" height="{_BAR_H}" rx="2">'
                f"<title>{esc(lang)}: {plural(n, sev + ' finding')}</title></rect>"
            )
            if w >= 9 * len(str(n)) + 6:
                parts.append(
                    f'<text class="bar-n bar-n-{esc(sev)}" x="{x + w / 2:.1f}" y="{bar_y + _BAR_H - 3.5:.1f}"'
                    f' text-anchor="middle">{n}</text>'
                )
            x += w
        total = totals[lang]
        parts.append(
            f'<text class="chart-total{" zero" if not total else ""}" x="{x + 6:.1f}" y="{bar_y + _BAR_H - 3:.1f}">{total}</text>'
        )
        rows.append(f'<g class="chart-row">{"".join(parts)}</g>')
    height = 8 + len(langs) * _ROW_H
    width = _LABEL_W + _BAR_W + _TOTAL_W
    desc = "; ".join(
        f"{lang}: {totals[lang]}"
        + (" (" + ", ".join(f"{counts[(lang, s)]} {s}" for s in SEVERITIES if counts[(lang, s)]) + ")" if totals[lang] else "")
        for lang in langs
    )
    legend = "".join(
        f'<li><span class="swatch swatch-{sev}" aria-hidden="true"></span>{sev}</li>' for sev in SEVERITIES
    )
    return (
        '<figure class="chart">'
        '<figcaption><span class="card-title">Findings by language</span>'
        '<span class="muted card-sub">in the version that differs</span></figcaption>'
        f'<svg class="lang-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
        ' aria-labelledby="lang-chart-title lang-chart-desc" focusable="false">'
        '<title id="lang-chart-title">Findings by language and severity</title>'
        f'<desc id="lang-chart-desc">{esc(desc)}</desc>'
        f"{_patterns()}{''.join(rows)}</svg>"
        f'<ul class="legend" aria-label="Severity legend">{legend}</ul>'
        "</figure>"
    )


def _patterns() -> str:
    """Fills that tell the severities apart without colour: solid, hatched, dotted."""
    return (
        "<defs>"
        '<pattern id="pat-minor" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)">'
        '<rect class="pat-bg-minor" width="5" height="5"></rect><rect class="pat-fg-minor" width="1.6" height="5"></rect></pattern>'
        '<pattern id="pat-info" patternUnits="userSpaceOnUse" width="5" height="5">'
        '<rect class="pat-bg-info" width="5" height="5"></rect><circle class="pat-fg-info" cx="2.5" cy="2.5" r="1.1"></circle></pattern>'
        "</defs>"
    )


# --- table -------------------------------------------------------------------------------


def _table(result: RunResult, langs: list[str]) -> str:
    findings = result.findings
    head = "".join(f'<th scope="col" class="num-col"><span class="lang">{esc(lang)}</span></th>' for lang in langs)
    sev_rows = "".join(
        _table_row(
            f'<span class="sev sev-{sev}">{sev}</span>',
            sev,
            [f for f in findings if f.severity == sev],
            langs,
            {"severity": sev},
        )
        for sev in SEVERITIES
    )
    kind_rows = "".join(
        _table_row(esc(kind), kind, [f for f in findings if f.kind == kind], langs, {"kind": kind})
        for kind in kinds(result)
    )
    total_row = _table_row("All findings", "", list(findings), langs, {}, total=True)
    return (
        '<table class="kind-table">'
        '<caption><span class="card-title">Findings by severity and kind</span>'
        '<span class="muted card-sub">per language that differs; select a count to filter</span></caption>'
        f'<thead><tr><th scope="col"><span class="sr-only">Severity or kind</span></th>{head}'
        '<th scope="col" class="num-col">all</th></tr></thead>'
        f'<tbody class="by-severity">{sev_rows}</tbody>'
        f'<tbody class="by-kind">{kind_rows}</tbody>'
        f'<tfoot>{total_row}</tfoot></table>'
    )


def _table_row(
    label: str, what: str, findings: list[Finding], langs: list[str], filt: dict[str, str], *, total: bool = False
) -> str:
    per_lang: Counter[str] = Counter(lang for f in findings for lang in divergent_langs(f))
    cells = "".join(_count_cell(per_lang[lang], what, lang, filt) for lang in langs)
    cells += _count_cell(len(findings), what, "", filt)
    row_class = ' class="total"' if total else ""
    return f'<tr{row_class}><th scope="row">{label}</th>{cells}</tr>'


def _count_cell(n: int, what: str, lang: str, filt: dict[str, str]) -> str:
    if not n:
        return '<td class="num-col zero"><span aria-label="none">–</span></td>'
    attrs = "".join(f' data-{k}="{esc(v)}"' for k, v in filt.items())
    where = f" in {lang}" if lang else ""
    label = f"Show the {plural(n, (what + ' ' if what else '') + 'finding')}{where}"
    return (
        f'<td class="num-col"><button type="button" class="count-filter"{attrs} data-lang="{esc(lang)}"'
        f' aria-label="{esc(label)}" title="{esc(label)}">{n}</button></td>'
    )
