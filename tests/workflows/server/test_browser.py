"""The review app in a real headless browser (Playwright driving Debian's chromium): sign in, review three
items with the keyboard, correct one, approve a held lesson as an approver, be refused as a viewer.
Screenshots go to a temporary folder, or to $ALHF_SCREENSHOTS (docs/screenshots for the README's). Skipped where chromium is missing:
`bash scripts/install-browser.sh` installs it (CI does)."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.helpers import REPO
from tests.workflows.server.conftest import PASSWORD, seed

pytest.importorskip("playwright", reason="the browser tests need playwright: pip install -e '.[test]'")

CHROMIUM = os.environ.get("ALHF_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                                reason="no chromium: run `bash scripts/install-browser.sh` (CI does)")
# The README's screenshots are refreshed on purpose: ALHF_SCREENSHOTS=docs/screenshots bash scripts/test.sh -k browser.
# Otherwise they go to a temporary folder, so a test run leaves the work tree clean.
SHOTS = Path(os.environ["ALHF_SCREENSHOTS"]).resolve() if os.environ.get("ALHF_SCREENSHOTS") else \
    Path(tempfile.mkdtemp(prefix="alhf-screenshots-"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def server_url(fake_cli: dict) -> Iterator[str]:
    """The review app on a free 127.0.0.1 port, in a thread of this process (uvicorn, as `alhf serve`)."""
    import uvicorn

    from workflows.config import load_config
    from workflows.server.app import create_app

    config_file = fake_cli["config"]
    config_file.write_text(config_file.read_text() + f"server: {{eval_report: {REPO / 'docs' / 'eval-report'}}}\n")
    seed(config_file, fake_cli["tmp"], teach=True)  # ana taught one lesson: the first item applies it
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(load_config(config_file)), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        assert thread.is_alive(), "the server thread died"
        time.sleep(0.1)
    assert server.started, "the server did not start in 60 s"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _page(browser, url: str):  # noqa: ANN001, ANN202 - playwright objects
    page = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.goto(url + "/queue")
    return page


def _sign_in(page, name: str, shot: str | None = None) -> None:  # noqa: ANN001
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    if shot:
        page.screenshot(path=str(SHOTS / shot))
    page.click("button[type=submit]")


def _sign_out(page) -> None:  # noqa: ANN001
    page.click("header .who button")
    page.wait_for_url("**/login")


def test_review_with_the_keyboard_then_approve_as_approver_and_be_refused_as_viewer(server_url: str, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _page(browser, server_url)
    assert "/login" in page.url  # nothing without signing in

    # the lead shares the queue out: two items each, with each reviewer's progress on the queue page
    _sign_in(page, "ana")
    page.wait_for_url("**/queue")
    page.fill("#assign-form input[name=reviewers]", "rita, cory")
    page.click("#assign-form button[type=submit]")
    page.wait_for_selector("#flash")
    assert "Assigned 4 pending item(s)" in page.locator("#flash").inner_text()
    assert [row.inner_text().split()[0] for row in page.locator("#assigned tbody tr").all()] == ["cory", "rita"]
    page.screenshot(path=str(SHOTS / "10-queue-assigned.png"), full_page=True)
    _sign_out(page)

    _sign_in(page, "rita", shot="01-sign-in.png")
    page.wait_for_url("**/queue")
    assert page.locator("table.items tbody tr").count() == 4
    page.screenshot(path=str(SHOTS / "02-queue.png"))

    # open the first item from the queue with the keyboard: j selects it, Enter opens it
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/items/*")
    first = page.url
    assert "ana" in page.inner_text("#lessons-applied")  # the lesson, its gate score and author
    page.screenshot(path=str(SHOTS / "03-item-with-lesson-applied.png"), full_page=True)
    page.keyboard.press("a")  # approve: on to the next pending item
    page.wait_for_url(lambda url: url != first and "/items/" in url)
    assert "Approved item" in page.locator("#flash").inner_text()
    second = page.url
    page.check("input[name=thumbs][value=down]")
    page.keyboard.press("r")  # reject: type the reason, Enter sends
    page.keyboard.type("answers a different question")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url != second and "/items/" in url)
    assert "Rejected item" in page.locator("#flash").inner_text()
    third = page.url
    page.check("input[name=score_correctness][value='2']")
    page.select_option("select[name=error_class]", "wrong_facts")
    page.keyboard.press("c")  # correct: type it, Ctrl+Enter sends; the page then says what the learner did
    page.keyboard.type("Express shipping takes 2 business days, not 5.")
    page.screenshot(path=str(SHOTS / "04-item-correcting.png"), full_page=True)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#flash")
    flash = page.locator("#flash").inner_text()
    assert page.url == third and "What the learner did" in flash and "learned into" in flash
    assert page.locator("#item-status").inner_text() == "corrected"
    page.screenshot(path=str(SHOTS / "05-correction-learned.png"), full_page=True)
    page.goto(server_url + "/queue?status=")
    assert "3 / 4 decided" in page.inner_text(".progress-wrap")
    assert page.locator("#assign-form").count() == 0  # a reviewer does not hand out work
    page.goto(server_url + "/queue?status=&reviewer=rita")  # her own items
    assert page.locator("table.items tbody tr").count() == 2
    _sign_out(page)

    # a contributor's correction is held for approval ...
    _sign_in(page, "cory")
    page.goto(server_url + "/queue?status=pending")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/items/*")
    page.keyboard.press("c")
    page.keyboard.type("For Canada we ship with Purolator, never with UPS.")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#flash")
    assert "held for approval" in page.locator("#flash").inner_text()
    _sign_out(page)

    # ... and an approver approves it
    _sign_in(page, "ana")
    page.goto(server_url + "/lessons/held")
    lesson = page.locator("article.lesson")
    assert lesson.count() == 1 and "cory" in lesson.inner_text()
    page.screenshot(path=str(SHOTS / "06-held-lessons.png"), full_page=True)
    lesson.locator("button.approve-lesson").click()
    page.wait_for_selector("#flash")
    assert "approved: it is applied from now on" in page.locator("#flash").inner_text()
    assert page.locator("article.lesson").count() == 0
    page.goto(server_url + "/memory")
    assert page.locator("table tbody tr").count() == 3  # ana's, rita's and cory's
    page.screenshot(path=str(SHOTS / "07-memory.png"), full_page=True)
    page.goto(server_url + "/report/")
    assert page.locator(".report img").count() >= 1
    page.screenshot(path=str(SHOTS / "08-eval-report.png"))
    _sign_out(page)

    # a viewer reads, but cannot decide nor approve
    _sign_in(page, "vic")
    page.wait_for_url("**/queue")
    page.goto(server_url + "/queue?status=")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/items/*")
    viewed = page.url
    assert page.locator("#decision-form").count() == 0 and "may read the queue" in page.inner_text("#decide")
    page.keyboard.press("a")  # nothing to submit
    page.wait_for_timeout(300)
    assert page.url == viewed
    page.keyboard.press("j")  # j/k walk the whole queue: the next item is the rejected one
    page.wait_for_url(lambda url: url != viewed)
    assert page.locator("#item-status").inner_text() == "rejected"
    page.keyboard.press("k")
    page.wait_for_url(viewed)
    response = page.goto(server_url + "/lessons/held")
    assert response.status == 403 and "only admin may" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "09-viewer-refused.png"))
