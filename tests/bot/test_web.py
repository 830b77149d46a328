"""The help-desk page in a real headless Chromium (Debian's), against the app served by uvicorn on a
random localhost port: a question typed, the answer, the region card and its chart shown."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from bot.api import create_app
from core.config import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The region card's chart has actually loaded and decoded, not merely got a src.
CHART_LOADED = (
    "() => { const chart = document.getElementById('card-chart'); return chart.complete && chart.naturalWidth > 0; }"
)


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory, data_folder):
    """The app as `ihai serve` runs it: the lifespan builds the engine from the data folder."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("web"), query_log_salt="garam-web")
    data_folder(settings.data_dir)
    yield from serve(create_app(settings))


def serve(app):
    """Serve `app` with uvicorn on a random localhost port in a thread; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium first ('make browser', or as root "
            "'apt-get install -y chromium'); this test never downloads a Playwright browser build."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, server_url: str, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(server_url) else outside.append(request.url))
    # The page is served with a strict Content-Security-Policy: anything it blocks shows up here.
    page.on("console", lambda message: outside.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(server_url + "/")
    return page, outside


def test_question_answer_card_and_chart(browser, server_url):
    page, outside = open_page(browser, server_url, viewport={"width": 1600, "height": 900})
    banner = page.locator("#synthetic-banner")
    banner.wait_for(state="visible", timeout=10_000)  # shown once /healthz reports synthetic results
    assert "DATA SAMPEL SINTETIS" in banner.inner_text()

    page.fill("#question", "Berapa IHaI Kota Banjarbaru?")
    page.press("#question", "Enter")

    answer = page.locator(".message.bot").nth(1)
    answer.wait_for(timeout=15_000)
    assert "Kota Banjarbaru" in answer.inner_text()
    assert answer.locator("b").count() >= 2  # the answer's HTML formatting survives, sanitised
    assert page.locator(".message.user").inner_text() == "Berapa IHaI Kota Banjarbaru?"

    page.locator("#card").wait_for(state="visible", timeout=15_000)
    assert page.locator("#card-name").inner_text() == "Kota Banjarbaru"
    assert page.locator("#card-ihai").inner_text().count(",") == 1  # Indonesian decimal comma
    page.wait_for_function(CHART_LOADED, timeout=15_000)
    assert page.evaluate("document.getElementById('card-chart').naturalWidth") > 300

    page.get_by_role("button", name="Dimensi terlemah").click()
    page.locator(".message.bot").nth(2).wait_for(timeout=15_000)
    assert "Banjarbaru" in page.locator(".message.bot").nth(2).inner_text()
    assert outside == []  # nothing but the app itself was requested, nothing blocked by the page's policy


def test_disambiguation_buttons_and_phone_layout(browser, server_url):
    page, outside = open_page(browser, server_url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page.fill("#question", "ihai bandung")
    page.press("#question", "Enter")
    choice = page.locator("#buttons button.choice", has_text="Kota Bandung")
    choice.wait_for(timeout=15_000)
    choice.click()
    page.wait_for_function(CHART_LOADED, timeout=15_000)
    assert page.locator("#card-name").inner_text() == "Kota Bandung"
    # Readable on a phone: one column, nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    font_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.message.bot')).fontSize)")
    assert font_size >= 16
    assert outside == []


def test_advice_lists_its_sources_as_safe_links(browser, server_url):
    page, outside = open_page(browser, server_url, viewport={"width": 1280, "height": 800})
    page.fill("#question", "saran FKUB untuk Tapin")
    page.press("#question", "Enter")
    sources = page.locator(".message.bot .sources")
    sources.wait_for(timeout=15_000)
    assert "Sumber (" in sources.locator("summary").inner_text()
    sources.locator("summary").click()
    assert "Aksi FKUB untuk Memperkuat Variabel IHaI" in sources.inner_text()
    links = sources.locator("a")
    assert links.count() >= 1
    for index in range(links.count()):
        link = links.nth(index)
        assert link.get_attribute("href").startswith(("http://", "https://"))
        assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
    assert outside == []  # links are shown, not fetched


def test_report_downloads_from_the_answer_and_the_card(browser, server_url):
    page, outside = open_page(browser, server_url, viewport={"width": 1600, "height": 900}, accept_downloads=True)
    page.fill("#question", "minta laporan pdf Kota Banjarbaru")
    page.press("#question", "Enter")
    answer = page.locator(".message.bot").nth(1)
    answer.wait_for(timeout=15_000)
    link = answer.locator("a.download")
    assert link.inner_text() == "Unduh laporan (PDF)"
    assert link.get_attribute("href").startswith("/v1/regions/63.72/report.pdf")
    button = page.locator("#card-report")
    button.wait_for(state="visible", timeout=15_000)
    page.wait_for_function(CHART_LOADED, timeout=15_000)  # the chart above it no longer moves it
    with page.expect_download(timeout=30_000) as started:
        button.click()
    download = started.value
    assert download.suggested_filename.endswith("-63.72-kota-banjarbaru.pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    assert outside == []

