"""The seeds/ HTML report (conftest.seeds_run) in headless Debian chromium: what an editor
sees. Takes a screenshot with the keutuhan finding selected (into pytest's temp folder, or to
$CHECKER_SCREENSHOT_DIR when set: scripts/report_screenshots.py makes the committed ones)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SeedsRun

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
import os

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium (apt-get install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install -e .[test])")

PAGE_ERRORS: list[str] = []
EXPECTED_MARKS = {("id", "keutuhan"), ("de", "Unteilbarkeit"), ("fr", "indivisibilité")}


@pytest.fixture(scope="module")
def page(seeds_run: SeedsRun):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 850})
        page.set_default_timeout(10_000)
        PAGE_ERRORS[:] = []
        page.on("pageerror", lambda e: PAGE_ERRORS.append(str(e)))
        page.goto(seeds_run.html_path.as_uri())
        yield page
        browser.close()


def _keutuhan_id(seeds_run: SeedsRun) -> str:
    for f in seeds_run.report["findings"] + seeds_run.report.get("notes", []):
        spans = {(v["lang"], v["role"], s["text"]) for v in f["versions"] for s in v["spans"]}
        if ("id", "divergent", "keutuhan") in spans:
            return f["id"]
    pytest.fail("the JSON report has no finding with a divergent span on 'keutuhan' or note (see test_seeds_end_to_end)")


def _active_marks(page, finding_id: str) -> set[tuple[str, str]]:
    return {
        (lang, text)
        for lang, text in page.locator(f'mark.hl[data-finding-id="{finding_id}"]').evaluate_all(
            "ms => ms.filter(m => m.classList.contains('active'))"
            "        .map(m => [m.closest('[lang]').lang, m.textContent])"
        )
    }


def test_every_finding_is_listed(page, seeds_run: SeedsRun) -> None:
    items = page.locator("li.finding")
    assert items.count() == len(seeds_run.report["findings"]) + len(seeds_run.report.get("notes", []))
    assert all(items.nth(i).is_visible() for i in range(items.count()))
    assert page.evaluate("document.documentElement.classList.contains('js')"), "the report's script did not run"
    assert PAGE_ERRORS == []


def test_clicking_the_keutuhan_finding_highlights_the_term_in_every_version(page, seeds_run: SeedsRun, tmp_path_factory) -> None:
    finding_id = _keutuhan_id(seeds_run)
    item = page.locator(f'li.finding[data-finding-id="{finding_id}"]')
    assert item.is_visible()
    assert "keutuhan" in item.inner_text()
    item.locator("button").click()
    assert item.locator("button").get_attribute("aria-pressed") == "true"
    active = _active_marks(page, finding_id)
    assert EXPECTED_MARKS <= active, active
    for lang, word in EXPECTED_MARKS:
        mark = page.locator(f'mark.hl.active[data-finding-id="{finding_id}"]', has_text=word).first
        assert mark.is_visible(), f"{lang} {word!r} is highlighted but not visible"
    detail = page.locator(f'.finding-detail[data-finding-id="{finding_id}"]')
    assert detail.is_visible()
    assert "divergent" in detail.inner_text().lower()
    assert page.evaluate("location.hash") == f"#finding-{finding_id}"
    # Nothing else is active at the same time.
    others = page.locator(f'mark.hl.active:not([data-finding-id="{finding_id}"])')
    assert others.count() == 0
    folder = Path(os.environ.get("CHECKER_SCREENSHOT_DIR") or tmp_path_factory.mktemp("shots"))
    shot = folder / "seeds-finding.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert PAGE_ERRORS == []
