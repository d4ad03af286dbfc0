"""Makes the README's screenshots of an HTML report in headless Debian chromium.

    python scripts/report_screenshots.py reports/seeds.html --select keutuhan

writes reports/seeds-overview.png (top of the report) and reports/seeds-finding.png
(the first finding whose text contains the --select word, clicked).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path)
    parser.add_argument("--select", default="", help="click the first finding whose text contains this word")
    args = parser.parse_args()
    stem = args.report.with_suffix("")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 860})
        page.goto(args.report.resolve().as_uri())
        page.screenshot(path=f"{stem}-overview.png")
        if args.select:
            item = page.locator("li.finding", has_text=args.select).first
            item.locator("button").click()
            page.wait_for_timeout(1000)  # the row scrolls into view smoothly: let it settle
            page.screenshot(path=f"{stem}-finding.png")
        browser.close()
    print(f"wrote {stem}-overview.png" + (f", {stem}-finding.png" if args.select else ""))


if __name__ == "__main__":
    main()
