"""The review workspace in headless Debian chromium: filters, search, j/k, review decisions that
survive a reload and are exported, `checker check --decisions` on the exported file, injected
markup that runs nothing, axe-core (no serious or critical violations), print."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_samples import FR_TERM_ID, HOSTILE_ID, NUMBER_ID, OMISSION_ID, review_result

from checker import cli
from checker.emit.html import write_html
from conftest import BROWSER_MARKS
from checker.records import RunResult

from fakes import fake_backends, text_of

ALL = {NUMBER_ID, OMISSION_ID, FR_TERM_ID, HOSTILE_ID}
HOSTILE_COMMENT = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> ok'

pytestmark = BROWSER_MARKS
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install -e .[test])")


@pytest.fixture(scope="module")
def report_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("review") / "report.html"
    write_html(review_result(), path)
    return path.as_uri()


@pytest.fixture(scope="module")
def empty_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("empty") / "empty.html"
    write_html(RunResult(tool_version="0.1.0", signature="", version_sets=(), unrelated=(), findings=()), path)
    return path.as_uri()


class Session:
    """A fresh browser context (its own localStorage) and page, watching for what a report must not do."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(viewport={"width": 1366, "height": 850}, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("request", lambda r: self.requests.append(r.url))

    def assert_clean(self) -> None:
        assert self.page.evaluate("typeof window.__pwned") == "undefined"
        assert self.dialogs == [] and self.errors == []
        assert all(url.startswith(("file:", "data:", "blob:")) for url in self.requests), self.requests


@pytest.fixture
def session(browser):
    s = Session(browser)
    yield s
    s.context.close()


def shown(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('li.finding')].filter(li => !li.hidden).map(li => li.dataset.findingId)")


def selected(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('li.finding.selected')].map(li => li.dataset.findingId)")


def blur(page) -> None:
    page.evaluate("document.activeElement && document.activeElement.blur()")


def finding(page, fid: str):
    return page.locator(f'li.finding[data-finding-id="{fid}"]')


def test_filters_by_kind_language_and_status_hide_the_right_findings(session, report_url) -> None:
    page = session.page
    page.goto(report_url)
    order = shown(page)
    assert set(order) == ALL
    assert page.locator("#shown-count").inner_text() == "4 findings"

    page.select_option("#filter-kind", "term")
    assert shown(page) == [FR_TERM_ID]
    assert page.locator("#shown-count").inner_text() == "1 of 4 findings shown"
    assert page.locator("#vs1").get_attribute("class").split().count("no-match") == 1  # the other set folds away
    assert page.locator("#vs1 .vset-nomatch").is_visible()
    # Marks of hidden findings stop looking highlighted; "only rows with findings" follows the filter.
    assert page.locator(f'mark.hl[data-finding-id="{NUMBER_ID}"]').evaluate_all("ms => ms.every(m => m.classList.contains('off'))")
    page.locator("#only-flagged").check()
    assert page.evaluate("[...document.querySelectorAll('#vs0 tbody tr')].filter(tr => tr.offsetParent).map(tr => tr.id)") == ["vs0-row2"]
    page.locator("#only-flagged").uncheck()

    page.select_option("#filter-kind", "")
    page.select_option("#filter-lang", "fr")
    assert shown(page) == [FR_TERM_ID]
    page.select_option("#filter-lang", "de")
    assert set(shown(page)) == {NUMBER_ID, OMISSION_ID, HOSTILE_ID}
    page.select_option("#filter-lang", "")

    # Review two findings from the keyboard, then filter by status.
    finding(page, NUMBER_ID).locator("button").click()
    page.keyboard.press("a")
    finding(page, OMISSION_ID).locator("button").click()
    page.keyboard.press("d")
    expected = {
        "accepted": [NUMBER_ID],
        "dismissed": [OMISSION_ID],
        "unsure": [],
        "reviewed": [i for i in order if i in (NUMBER_ID, OMISSION_ID)],
        "none": [i for i in order if i in (FR_TERM_ID, HOSTILE_ID)],
    }
    for status, ids in expected.items():
        page.select_option("#filter-status", status)
        assert shown(page) == ids, status
    page.locator("input.sev-filter[value=minor]").uncheck()
    assert shown(page) == [HOSTILE_ID]  # filters combine: not reviewed, and not minor
    page.locator("#reset-filters").click()
    assert shown(page) == order
    assert page.locator("#reset-filters").is_hidden()
    session.assert_clean()


def test_search_narrows_the_list_over_messages_and_texts(session, report_url) -> None:
    page = session.page
    page.goto(report_url)
    search = page.locator("#search")
    cases = {
        "return period": [NUMBER_ID],  # the message
        "Tagen": [NUMBER_ID],  # the German text
        "ZAHLUNGSMETHODE moyen": [FR_TERM_ID],  # any case; every word must occur
        "etre retournes": [OMISSION_ID],  # accents need not be typed
        "means of payment": [FR_TERM_ID],  # an English pivot
        "<script>alert(1)": [HOSTILE_ID],  # markup in a text is text
        "no such words": [],
    }
    for query, ids in cases.items():
        search.fill(query)
        assert shown(page) == ids, query
    assert page.locator("#shown-count").inner_text() == "0 of 4 findings shown"
    assert page.locator(".vset.no-match").count() == 2
    search.fill("")
    assert set(shown(page)) == ALL
    # "/" jumps to the search box; Enter goes from it to the first finding left.
    blur(page)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.type("software")
    page.keyboard.press("Enter")
    assert selected(page) == [OMISSION_ID]
    assert page.evaluate("document.activeElement.closest('li.finding').dataset.findingId") == OMISSION_ID
    session.assert_clean()


def test_j_and_k_move_the_selection(session, report_url) -> None:
    page = session.page
    page.goto(report_url)
    order = shown(page)
    page.keyboard.press("j")
    assert selected(page) == [order[0]]
    assert finding(page, order[0]).locator("button").get_attribute("aria-pressed") == "true"
    assert page.locator(f'.finding-detail[data-finding-id="{order[0]}"]').is_visible()
    assert page.evaluate("location.hash") == f"#finding-{order[0]}"
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert selected(page) == [order[2]]
    page.keyboard.press("k")
    assert selected(page) == [order[1]]
    page.keyboard.press("ArrowDown")  # arrows still work on a focused finding
    assert selected(page) == [order[2]]
    page.keyboard.press("j")  # across version sets
    assert selected(page) == [order[3]] and order[3] == HOSTILE_ID
    page.keyboard.press("j")  # at the end it stays
    assert selected(page) == [order[3]]
    page.locator("#prev-finding").click()
    assert selected(page) == [order[2]]
    # j skips findings the filters hide, and does nothing while typing.
    page.locator("input.sev-filter[value=minor]").uncheck()
    assert selected(page) == []  # the selected minor finding went with its filter
    blur(page)
    page.keyboard.press("j")
    assert selected(page) == [NUMBER_ID]
    page.keyboard.press("j")
    assert selected(page) == [HOSTILE_ID]  # past the hidden minor ones
    page.keyboard.press("k")
    assert selected(page) == [NUMBER_ID]
    page.locator("#search").focus()
    page.keyboard.press("j")
    assert selected(page) == [NUMBER_ID] and page.locator("#search").input_value() == "j"
    page.keyboard.press("Escape")
    blur(page)
    page.keyboard.press("Escape")
    assert selected(page) == []
    # Single-key shortcuts can be turned off (and stay off after a reload); the buttons still work.
    page.locator("#key-shortcuts").uncheck()
    page.reload()
    assert not page.locator("#key-shortcuts").is_checked()
    page.keyboard.press("j")
    assert selected(page) == []
    page.locator("#next-finding").click()
    assert selected(page) == [order[0]]
    session.assert_clean()


def _export(page, tmp_path: Path, name: str = "exported.json") -> tuple[dict, str]:
    with page.expect_download() as info:
        page.locator("#export-decisions").click()
    download = info.value
    target = tmp_path / name
    download.save_as(target)
    return json.loads(target.read_text(encoding="utf-8")), download.suggested_filename


def test_a_dismissal_with_a_comment_survives_a_reload_and_is_exported(session, report_url, tmp_path) -> None:
    page = session.page
    page.goto(report_url)
    finding(page, NUMBER_ID).locator("button").click()
    form = page.locator(f'.finding-detail[data-finding-id="{NUMBER_ID}"] #review-form')
    assert form.is_visible()  # the one review form moved into the selected finding
    form.locator("label.rs-dismissed").click()
    page.locator("#review-comment").fill(HOSTILE_COMMENT)
    page.keyboard.press("Tab")  # leaving the box saves the comment
    badge = finding(page, NUMBER_ID).locator(".review-badge")
    assert badge.inner_text() == "✕ Dismissed"
    assert finding(page, NUMBER_ID).locator(".review-comment").inner_text() == HOSTILE_COMMENT

    page.reload()
    item = finding(page, NUMBER_ID)
    assert item.get_attribute("data-status") == "dismissed"
    assert item.locator(".review-badge").is_visible() and item.locator(".review-comment").inner_text() == HOSTILE_COMMENT
    assert page.locator('[data-count="reviewed"]').inner_text() == "1"
    assert page.locator('[data-count="dismissed"]').inner_text() == "1"
    item.locator("button").click()
    assert page.locator("input[name=review-status][value=dismissed]").is_checked()
    assert page.locator("#review-comment").input_value() == HOSTILE_COMMENT
    # Keyboard: the radios change the decision with the arrow keys; u marks unsure; Clear clears.
    page.locator("input[name=review-status][value=dismissed]").focus()
    page.keyboard.press("ArrowDown")
    assert item.get_attribute("data-status") == "unsure"
    page.keyboard.press("ArrowUp")
    assert item.get_attribute("data-status") == "dismissed"

    doc, name = _export(page, tmp_path)
    assert name == "report.decisions.json"
    assert doc["schema"] == "checker-decisions/1"
    assert doc["decisions"] == [{"id": NUMBER_ID, "status": "dismissed", "comment": HOSTILE_COMMENT}]
    assert doc["report"]["key"] == page.evaluate("document.body.dataset.reviewKey")
    page.wait_for_function("() => document.querySelector('.review-message').textContent.startsWith('Exported 1 decision to')")

    page.locator("#review-clear").click()
    assert item.get_attribute("data-status") is None
    page.reload()
    assert finding(page, NUMBER_ID).get_attribute("data-status") is None  # the clearing was saved too
    session.assert_clean()


def test_imported_decisions_apply_to_the_findings_they_name(session, report_url, tmp_path) -> None:
    page = session.page
    page.goto(report_url)
    path = tmp_path / "theirs.json"
    path.write_text(json.dumps({"schema": "checker-decisions/1", "decisions": [
        {"id": FR_TERM_ID, "status": "accepted", "comment": "Use “moyen de paiement d'origine”."},
        {"id": "f-elsewhere", "status": "dismissed", "comment": HOSTILE_COMMENT},
    ]}), encoding="utf-8")
    page.locator("#import-file").set_input_files(str(path))
    page.wait_for_function("() => document.querySelector('.review-message').textContent.startsWith('Imported')")
    assert "1 for findings not in this report" in page.locator(".review-message").inner_text()
    assert finding(page, FR_TERM_ID).get_attribute("data-status") == "accepted"
    doc, _ = _export(page, tmp_path)
    assert [(d["id"], d["status"]) for d in doc["decisions"]] == [(FR_TERM_ID, "accepted"), ("f-elsewhere", "dismissed")]
    session.assert_clean()


def test_a_count_in_the_overview_filters_the_list(session, report_url) -> None:
    page = session.page
    page.goto(report_url)
    page.locator('button.count-filter[data-kind="term"][data-lang="fr"]').click()
    assert page.locator("#filter-kind").input_value() == "term" and page.locator("#filter-lang").input_value() == "fr"
    assert shown(page) == [FR_TERM_ID] and selected(page) == [FR_TERM_ID]
    page.locator('button.count-filter[data-severity="major"][data-lang=""]').click()
    assert shown(page) == [NUMBER_ID]
    session.assert_clean()


def test_injected_markup_in_input_texts_runs_nothing(session, report_url) -> None:
    page = session.page
    page.goto(report_url)
    for fid in (HOSTILE_ID, NUMBER_ID, HOSTILE_ID):
        finding(page, fid).locator("button").click()
    page.locator("#search").fill("pwned")
    page.locator("#search").press("Enter")
    page.keyboard.press("u")
    page.locator("#review-comment").fill(HOSTILE_COMMENT)
    page.keyboard.press("Tab")
    page.reload()
    page.wait_for_timeout(100)
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.locator(f'li.finding[data-finding-id="{HOSTILE_ID}"] .review-comment').inner_text() == HOSTILE_COMMENT
    assert page.locator("text=<script>alert(1)</script>").first.is_visible()
    session.assert_clean()


def test_exported_decisions_drive_checker_check(session, tmp_path, monkeypatch, capsys) -> None:
    """The whole loop on a small input with fake backends: check, dismiss in the browser, export,
    check again with --decisions: the finding is gone, the exit code is 0, the count is printed."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("checker.backends.registry.build_backends", lambda config: fake_backends())
    (tmp_path / "site").mkdir()
    for lang in ("de", "fr", "id"):
        keep = [k for k in range(5) if not (lang == "id" and k == 2)]
        (tmp_path / "site" / f"{lang}.txt").write_text(text_of(lang, keep), encoding="utf-8")
    assert cli.main(["check", "site", "--json", "run.json", "--html", "run.html", "--quiet"]) == 1
    (only,) = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["findings"]

    page = session.page
    page.goto((tmp_path / "run.html").as_uri())
    page.keyboard.press("j")
    page.keyboard.press("d")
    page.locator("#review-comment").fill("The sentence was cut on purpose.")
    page.keyboard.press("Tab")
    doc, _ = _export(page, tmp_path)
    assert doc["decisions"] == [{"id": only["id"], "status": "dismissed", "comment": "The sentence was cut on purpose."}]

    capsys.readouterr()
    code = cli.main(["check", "site", "--json", "after.json", "--html", "after.html", "--no-color", "--decisions", "exported.json"])
    assert code == 0
    assert json.loads((tmp_path / "after.json").read_text(encoding="utf-8"))["findings"] == []
    assert "1 dismissed by decisions exported.json" in capsys.readouterr().out

    # The new report says what was left out, and its own export keeps the dismissal for next time.
    page.goto((tmp_path / "after.html").as_uri())
    note = page.locator(".decisions-note")
    assert "1 finding dismissed by decisions exported.json" in note.inner_text()
    note.locator("summary").click()
    assert "The sentence was cut on purpose." in note.inner_text()
    again, _ = _export(page, tmp_path, "again.json")
    assert again["decisions"] == doc["decisions"]
    session.assert_clean()


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_or_critical_violations(session, report_url, empty_url) -> None:
    pytest.importorskip("axe_playwright_python", reason="needs axe-playwright-python (pip install -e .[test])")
    page = session.page
    page.goto(report_url)
    assert _serious(page) == []
    # With a finding selected (the review form in place), a decision made and a filter narrowed.
    finding(page, NUMBER_ID).locator("button").click()
    page.keyboard.press("d")
    page.select_option("#filter-kind", "number")
    assert _serious(page) == []
    page.goto(empty_url)
    assert _serious(page) == []
    session.assert_clean()


def test_printing_shows_the_details_of_the_findings_the_filters_show(session, report_url) -> None:
    page = session.page
    page.goto(report_url)
    finding(page, FR_TERM_ID).locator("button").click()
    page.keyboard.press("a")
    page.select_option("#filter-lang", "fr")
    page.emulate_media(media="print")
    assert page.locator(".toolbar").is_hidden() and page.locator("#review-form").is_hidden()
    details = page.locator(".finding-detail")
    visible = [details.nth(i).get_attribute("data-finding-id") for i in range(details.count()) if details.nth(i).is_visible()]
    assert visible == [FR_TERM_ID]
    assert page.locator(f'.finding-detail[data-finding-id="{FR_TERM_ID}"] .review-note').inner_text() == "Review: Accepted"
    assert page.locator(".lang-chart").is_visible()
    page.emulate_media(media="screen")
    session.assert_clean()
