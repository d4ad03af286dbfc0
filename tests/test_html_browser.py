"""The HTML report in headless Debian chromium: selection, filter, deep links, no script injection."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_samples import HOSTILE_ID, NUMBER_ID, OMISSION_ID, sample_result

from checker.emit.html import write_html
from conftest import BROWSER_MARKS


pytestmark = BROWSER_MARKS
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install -e .[test])")


@pytest.fixture(scope="module")
def report_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_html(sample_result(), path)
    return path.as_uri()


class Watched:
    """A page plus everything it did that a report must not do."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))


@pytest.fixture
def watched(browser, report_url):
    page = browser.new_page(viewport={"width": 1366, "height": 850})
    page.set_default_timeout(10_000)
    w = Watched(page)
    yield w
    page.close()


def _marks(page, finding_id: str):
    return page.locator(f'mark.hl[data-finding-id="{finding_id}"]')


def _active_langs(page, finding_id: str) -> set[str]:
    return set(
        _marks(page, finding_id).evaluate_all(
            "ms => ms.filter(m => m.classList.contains('active')).map(m => m.closest('.seg').querySelector('.orig').lang)"
        )
    )


def test_report_runs_its_own_script_and_nothing_else(watched, report_url) -> None:
    page = watched.page
    page.goto(report_url)
    assert page.evaluate("document.documentElement.classList.contains('js')"), "the report's script did not run"
    # The inline stylesheet applied too (its hash matched).
    assert page.locator(".sev-major").first.evaluate("e => getComputedStyle(e).textTransform") == "uppercase"
    page.locator(f'li.finding[data-finding-id="{HOSTILE_ID}"] button').click()
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert watched.dialogs == []
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("[...document.querySelectorAll('svg')].map(s => s.getAttribute('class'))") == ["lang-chart"]
    assert page.locator("text=<script>alert(1)</script>").first.is_visible()
    assert watched.errors == []
    assert [c for c in watched.console if "Content Security Policy" in c or c.startswith("error")] == []
    assert all(url.startswith(("file:", "data:")) for url in watched.requests), watched.requests


def test_findings_are_listed(watched, report_url) -> None:
    page = watched.page
    page.goto(report_url)
    items = page.locator("li.finding")
    assert items.count() == 3
    assert all(items.nth(i).is_visible() for i in range(3))
    assert page.locator(".finding-detail:visible").count() == 0


def test_clicking_a_finding_activates_its_marks_in_every_language(watched, report_url, tmp_path) -> None:
    page = watched.page
    page.goto(report_url)
    page.locator(f'li.finding[data-finding-id="{NUMBER_ID}"] button').click()
    assert _active_langs(page, NUMBER_ID) == {"en", "de", "fr"}
    assert _marks(page, NUMBER_ID).count() == 5  # three originals, two pivots
    assert _marks(page, NUMBER_ID).evaluate_all("ms => ms.every(m => m.classList.contains('active'))")
    assert "selected" in page.locator("#vs0-row1").get_attribute("class")
    detail = page.locator(f'.finding-detail[data-finding-id="{NUMBER_ID}"]')
    assert detail.is_visible()
    assert "divergent" in detail.inner_text().lower() and "reference" in detail.inner_text().lower()
    assert page.evaluate("location.hash") == f"#finding-{NUMBER_ID}"
    shot = Path(os.environ.get("CHECKER_REPORT_SCREENSHOT") or tmp_path / "report.png")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_enter_on_a_focused_finding_selects_it(watched, report_url) -> None:
    page = watched.page
    page.goto(report_url)
    page.locator(f'li.finding[data-finding-id="{NUMBER_ID}"] button').click()
    page.locator(f'li.finding[data-finding-id="{OMISSION_ID}"] button').focus()
    page.keyboard.press("Enter")
    assert _active_langs(page, OMISSION_ID) == {"en", "fr"}  # German has nothing: a 1:0 gap
    assert _active_langs(page, NUMBER_ID) == set()
    assert "selected" in page.locator("#vs0-row3").get_attribute("class")
    page.keyboard.press("Escape")
    assert _active_langs(page, OMISSION_ID) == set()


def test_severity_filter_hides_findings(watched, report_url) -> None:
    page = watched.page
    page.goto(report_url)
    page.locator(f'li.finding[data-finding-id="{NUMBER_ID}"] button').click()
    page.locator("input.sev-filter[value=major]").uncheck()
    major = page.locator('li.finding[data-severity="major"]')
    assert major.is_hidden() and major.get_attribute("hidden") is not None
    assert page.locator('li.finding[data-severity="minor"]').is_visible()
    assert _active_langs(page, NUMBER_ID) == set()  # its selection went with it
    page.locator("input.sev-filter[value=major]").check()
    assert major.is_visible()


def test_deep_link_selects_the_finding_on_load(watched, report_url) -> None:
    page = watched.page
    page.goto(f"{report_url}#finding-{OMISSION_ID}")
    assert _active_langs(page, OMISSION_ID) == {"en", "fr"}
    assert page.locator(f'.finding-detail[data-finding-id="{OMISSION_ID}"]').is_visible()
    assert page.locator("#vs0-row3").is_visible()


def test_pivot_toggle_hides_pivots(watched, report_url) -> None:
    page = watched.page
    page.goto(report_url)
    assert page.locator(".cell .pivot").first.is_visible()
    page.locator("#show-pivots").uncheck()
    assert page.locator(".cell .pivot").first.is_hidden()
