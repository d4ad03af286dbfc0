"""How the HTML report copes with a big run: 2,000 findings over 5 languages (by default).

    python benchmarks/report_scale.py [--findings 2000] [--langs 5] [--sets 25] [--keep DIR]

Builds a synthetic RunResult (no models), renders it, opens it in headless Debian chromium
(/usr/bin/chromium) and prints, in milliseconds: rendering in Python, the page's load
(DOMContentLoaded, load, first contentful paint, the report script's start-up), and the time
from a filter or search change until the next frame is painted. Not a test: the numbers
depend on the machine; look for anything near 100 ms (a visible delay). Each interaction is timed
from the event until the frame showing its result has been painted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from checker.emit.html import render_html
from checker.records import (
    FINDING_KINDS,
    AlignedRow,
    AlignedSegment,
    Document,
    Finding,
    FindingVersion,
    RunResult,
    Span,
    VersionSetReport,
)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
LANGS = ["en", "de", "fr", "id", "es", "it", "nl", "pt"]
WORDS = (
    "council approved budget river village children football park scientists planet museum morning bakery bread "
    "train teachers strike tomorrow policy refund delivery payment software support contact period days weeks "
    "integrity partnership cooperation security architecture summit minister president region market"
).split()


def _sentence(rng: random.Random, lang: str, i: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 22))]
    words[0] = words[0].capitalize()
    return f"{' '.join(words)} {lang}{i} {rng.randint(1, 90)}."


def synthetic_result(n_findings: int = 2000, n_langs: int = 5, n_sets: int = 25, seed: int = 7) -> RunResult:
    rng = random.Random(seed)
    langs = LANGS[:n_langs]
    per_set = -(-n_findings // n_sets)
    sets, findings = [], []
    for s in range(n_sets):
        n_rows = int(per_set * 1.5)
        texts: dict[str, list[str]] = {lang: [] for lang in langs}
        rows_members = []
        offsets = {lang: 0 for lang in langs}
        for r in range(n_rows):
            members = {}
            for lang in langs:
                if lang != "en" and rng.random() < 0.02:
                    members[lang] = ()
                    continue
                sent = _sentence(rng, lang, r)
                start = offsets[lang]
                offsets[lang] += len(sent) + 1
                texts[lang].append(sent)
                pivot = sent if lang == "en" else "EN " + sent
                members[lang] = (AlignedSegment(start, start + len(sent), sent, pivot, r + 1),)
            rows_members.append(members)
        rows = tuple(AlignedRow(members=m, chrf=rng.uniform(30, 100)) for m in rows_members)
        vs_id = f"docs/section-{s:02d}"
        docs = tuple(
            Document(f"{vs_id}/{lang}.md", lang, "\n".join(texts[lang]), f"sha-{s}-{lang}", "filename") for lang in langs
        )
        sets.append(VersionSetReport(vs_id, docs, rows))
        for k in range(min(per_set, n_findings - len(findings))):
            r = rng.randrange(n_rows)
            members = rows_members[r]
            divergent = rng.choice([lang for lang in langs if members[lang]])
            versions = []
            for lang in langs:
                segs = members[lang]
                if not segs:
                    continue
                seg = segs[0]
                w = seg.text.split()[2]
                at = seg.start + seg.text.index(w)
                versions.append(
                    FindingVersion(
                        lang, f"{vs_id}/{lang}.md", seg.line, seg.start, seg.end, seg.text, seg.pivot,
                        "divergent" if lang == divergent else "reference", (Span(at, at + len(w), w, w),),
                    )
                )
            severity = rng.choices(["major", "minor", "info"], weights=[2, 5, 3])[0]
            kind = rng.choice(FINDING_KINDS)
            findings.append(
                Finding(
                    id=f"f{s:02d}{k:04d}{rng.getrandbits(24):06x}",
                    version_set=vs_id,
                    kind=kind,
                    severity=severity,
                    score=round(rng.random(), 3),
                    message=f"The {divergent} version says something else about “{versions[0].spans[0].text}” ({kind}).",
                    versions=tuple(versions),
                    evidence={"nli": {"entail": 0.1, "neutral": 0.2, "contradict": 0.7}, "rule": f"{kind}-check"},
                )
            )
    return RunResult("0.1.0", "pivot:bench|nli:bench|align:bench", tuple(sets), (), tuple(findings))


MEASURE = """async ([kind, value]) => {
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  await frame();
  const t0 = performance.now();
  if (kind === 'select') { const s = document.getElementById(value[0]); s.value = value[1]; s.dispatchEvent(new Event('change', {bubbles: true})); }
  if (kind === 'search') { const s = document.getElementById('search'); s.value = value; s.dispatchEvent(new Event('input', {bubbles: true})); }
  if (kind === 'severity') { const c = document.querySelector('input.sev-filter[value=' + value + ']'); c.checked = !c.checked; c.dispatchEvent(new Event('change', {bubbles: true})); }
  if (kind === 'key') { document.body.dispatchEvent(new KeyboardEvent('keydown', {key: value, bubbles: true})); }
  if (kind === 'click') { document.getElementById(value).click(); }
  const t1 = performance.now();
  // A task queued from the next animation frame runs once that frame's style, layout and paint are done.
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const t2 = performance.now();
  const shown = [...document.querySelectorAll('li.finding')].filter(li => !li.hidden).length;
  return {script: t1 - t0, frame: t2 - t0, shown};
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--findings", type=int, default=2000)
    parser.add_argument("--langs", type=int, default=5)
    parser.add_argument("--sets", type=int, default=25)
    parser.add_argument("--runs", type=int, default=3, help="page loads to take the median of")
    parser.add_argument("--keep", type=Path, help="write the report into this folder and keep it")
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("needs playwright: pip install -e '.[test]'", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"needs {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2

    t = time.perf_counter()
    result = synthetic_result(args.findings, args.langs, args.sets)
    build_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    html = render_html(result)
    render_ms = (time.perf_counter() - t) * 1000
    folder = args.keep or Path(tempfile.mkdtemp(prefix="report-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report-scale.html"
    path.write_text(html, encoding="utf-8")
    rows = sum(len(vs.rows) for vs in result.version_sets)
    print(f"{len(result.findings)} findings, {args.langs} languages, {len(result.version_sets)} version sets, "
          f"{rows} aligned rows; HTML {len(html.encode()) / 1e6:.1f} MB")
    print(f"build RunResult      {build_ms:8.0f} ms")
    print(f"render_html          {render_ms:8.0f} ms")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        loads = []
        for _ in range(args.runs):
            page = browser.new_page(viewport={"width": 1366, "height": 860})
            page.goto(path.as_uri(), wait_until="load")
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
            loads.append(page.evaluate("""() => {
              const n = performance.getEntriesByType('navigation')[0];
              const fcp = performance.getEntriesByName('first-contentful-paint')[0];
              return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, fcp: fcp ? fcp.startTime : null,
                      script: n.domContentLoadedEventEnd - n.domContentLoadedEventStart};
            }"""))
            if len(loads) < args.runs:
                page.close()
        med = {k: statistics.median(x[k] for x in loads if x[k] is not None) for k in ("fcp", "dcl", "script", "load")}
        print(f"first contentful paint {med['fcp']:6.0f} ms   (median of {args.runs} loads)")
        print(f"DOMContentLoaded     {med['dcl']:8.0f} ms")
        print(f"  report script init {med['script']:8.0f} ms")
        print(f"load event           {med['load']:8.0f} ms")

        def measure(label: str, kind: str, value) -> None:
            r = page.evaluate(MEASURE, [kind, value])
            print(f"{label:<30} {r['frame']:6.1f} ms until painted ({r['script']:5.1f} ms script), {r['shown']} shown")

        sample_word = result.findings[len(result.findings) // 2].versions[0].text.split()[3].lower()
        measure("filter kind = number", "select", ["filter-kind", "number"])
        measure("filter language = de", "select", ["filter-lang", "de"])
        measure("filter review = not reviewed", "select", ["filter-status", "none"])
        measure("reset filters (button)", "click", "reset-filters")
        measure("severity: hide minor", "severity", "minor")
        measure("severity: show minor", "severity", "minor")
        measure(f"search '{sample_word[:3]}'", "search", sample_word[:3])
        measure(f"search '{sample_word}'", "search", sample_word)
        measure("search 'de1 council'", "search", "de1 council")
        measure("search cleared", "search", "")
        measure("next finding (j)", "key", "j")
        measure("next finding (j) again", "key", "j")
        measure("accept it (a)", "key", "a")
        browser.close()
    if not args.keep:
        path.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
