"""The terminal summary: per version set its findings, one or two lines each, then a count line.

    docs/refund-policy  (en, de, fr)
      major  number    de ≠ en fr  docs/de/refund-policy.md:2
             The return period differs: 14 days in German, 30 days in English.  de "14 Tagen" (14 days)

    3 findings (1 major, 2 minor) in 1 version set; 2 unrelated files; 1 dismissed by decisions review.json

Input text is printed with control characters escaped, so a file cannot move
the cursor or recolour the terminal.
"""

from __future__ import annotations

from collections.abc import Callable

from checker.decisions import dismissed_summary
from checker.emit.order import findings_by_version_set, severity_rank
from checker.emit.visible import show_controls
from checker.records import Finding, FindingVersion, RunResult, shown_key

Paint = Callable[[str, str], str]  # (style, text) -> text, coloured or not

_ANSI = {
    "major": "\x1b[1;31m",
    "minor": "\x1b[33m",
    "info": "\x1b[36m",
    "bold": "\x1b[1m",
    "dim": "\x1b[2m",
}
_RESET = "\x1b[0m"
_QUOTE_MAX = 60
_INDENT = " " * 9


def render_text(result: RunResult, *, color: bool) -> str:
    paint = _painter(color)
    lines: list[str] = []
    for vs, findings in findings_by_version_set(result):
        langs = ", ".join(d.lang for d in vs.versions)
        lines.append(paint("bold", _clean(vs.id)) + (paint("dim", f"  ({_clean(langs)})") if langs else ""))
        if not findings:
            lines.append("  " + paint("dim", "no findings"))
        for f in sorted(findings, key=_order):
            lines.extend(_finding_lines(f, paint))
        lines.append("")
    for u in result.unrelated:
        lines.append(paint("dim", "unrelated: ") + f"{_clean(u.path)}{f' ({_clean(u.lang)})' if u.lang else ''}: {_clean(u.reason)}")
    if result.unrelated:
        lines.append("")
    if models_line(result):
        lines.append(paint("dim", _clean(models_line(result))))
    lines.append(paint("bold", summary_line(result)))
    return "\n".join(lines) + "\n"


def models_line(result: RunResult) -> str:
    """`models: preset full; ran rules, pivot, NLI; pivot de Helsinki-NLP/opus-mt-de-en@…`
    (empty for a report saved before presets)."""
    models = result.models
    if not models:
        return ""
    stages = models.get("stages", {})
    ran = [name if name != "nli" else "NLI" for name, on in stages.items() if on]
    used = [
        f"{m.get('stage')}{' ' + m['lang'] if m.get('lang') else ''} {m.get('id')}"
        + (f"@{str(m['revision'])[:12]}" if m.get("revision") else "")
        for m in models.get("models", []) if m.get("stage") != "embed"
    ]
    return f"models: preset {models.get('preset', '?')}; ran {', '.join(ran) or 'nothing'}" + ("; " + ", ".join(used) if used else "")


def summary_line(result: RunResult) -> str:
    """`3 findings (1 major, 2 minor) in 1 version set; 2 unrelated files`."""
    summary = result.summary()
    line = _plural(summary["findings"], "finding")
    if summary["by_severity"]:
        line += " (" + ", ".join(f"{n} {sev}" for sev, n in summary["by_severity"].items()) + ")"
    line += " in " + _plural(len(result.version_sets), "version set")
    if result.unrelated:
        line += "; " + _plural(len(result.unrelated), "unrelated file")
    if result.notes:
        line += "; " + _plural(len(result.notes), "note") + " below min_severity in the HTML report (--min-severity info lists them)"
    dismissed = dismissed_summary(result)
    if dismissed:
        line += "; " + _clean(dismissed)
    return line


def _order(f: Finding) -> tuple[int, str, int]:
    where = _location_version(f)
    return severity_rank(f.severity), where.path if where else "", where.line if where else 0


def _location_version(f: Finding) -> FindingVersion | None:
    divergent = [v for v in f.versions if v.role == "divergent"]
    return (divergent or list(f.versions) or [None])[0]


def _finding_lines(f: Finding, paint: Paint) -> list[str]:
    divergent = list(dict.fromkeys(v.lang for v in f.versions if v.role == "divergent"))
    reference = list(dict.fromkeys(v.lang for v in f.versions if v.role != "divergent"))
    langs = " ".join(divergent) + (" ≠ " + " ".join(reference) if reference else "")
    where = _location_version(f)
    location = f"{where.path}:{where.line}" if where else ""
    if where and where.key is not None:
        location += f"  key {shown_key(where.key)}"
    head = (
        f"  {paint(f.severity, f.severity.ljust(5))}  {_clean(f.kind).ljust(9)} "
        f"{_clean(langs.strip())}  {paint('dim', _clean(location))}"
    )
    body = _INDENT + _clean(f.message)
    quoted = _quoted_words(f)
    if quoted:
        body += "  " + quoted
    return [head.rstrip(), body]


def _quoted_words(f: Finding) -> str:
    """The divergent versions' words (or, for an omission, the words the others have), quoted."""
    versions = [v for v in f.versions if v.role == "divergent" and v.spans]
    versions = versions or [v for v in f.versions if v.spans]
    parts = []
    for v in versions:
        for s in v.spans:
            part = f'{_clean(v.lang)} "{_short(s.text)}"'
            if s.pivot_text and s.pivot_text.strip() != s.text.strip():
                part += f" ({_short(s.pivot_text)})"
            parts.append(part)
    return "; ".join(parts)


def _short(text: str) -> str:
    text = _clean(" ".join(text.split()))
    return text if len(text) <= _QUOTE_MAX else text[: _QUOTE_MAX - 1] + "…"


def _clean(text: str) -> str:
    """Control characters shown as escapes (newlines and tabs as spaces)."""
    return show_controls(text.replace("\n", " ").replace("\t", " ").replace("\r", " "))


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _painter(color: bool) -> Paint:
    def paint(style: str, text: str) -> str:
        code = _ANSI.get(style)
        return f"{code}{text}{_RESET}" if color and code and text else text

    return paint
