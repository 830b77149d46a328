"""A region's Telegram deep link and its QR code over HTTP and on the help-desk page: the page shows the
link and the code (drawn by the server, same origin, under the page's strict policy), and the code read
off the rendered page in Chromium scans to the link."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image

from bot.api import create_app
from bot.assistant import Assistant
from core.config import Settings
from tests.bot.test_web import open_page, serve

BOT = "ihai_uji_bot"


@pytest.fixture
def linked(tmp_path: Path, engine) -> TestClient:
    settings = Settings(data_dir=tmp_path, query_log_salt="garam-tautan", telegram_bot_username=f"@{BOT}",
                        _env_file=None)  # fmt: skip
    with TestClient(create_app(settings, Assistant(engine))) as client:
        yield client


def scanned(image_bytes: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(image_bytes)))]


def test_a_regions_card_carries_its_deep_link_and_qr_code(linked: TestClient) -> None:
    card = linked.get("/v1/regions/63.03").json()
    assert card["telegram_url"] == f"https://t.me/{BOT}?start=63_03"
    assert card["telegram_qr_url"] == "/v1/regions/63.03/qr.svg"
    svg = linked.get(card["telegram_qr_url"])
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert ElementTree.fromstring(svg.content).find("{http://www.w3.org/2000/svg}title").text == card["telegram_url"]
    png = linked.get("/v1/regions/63.03/qr.png")
    assert png.headers["content-type"] == "image/png" and scanned(png.content) == [card["telegram_url"]]
    assert linked.get("/v1/regions/63").json()["telegram_url"] == f"https://t.me/{BOT}?start=63"


def test_no_link_for_the_nation_an_unknown_region_or_an_unknown_bot(linked: TestClient, tmp_path, engine) -> None:
    assert linked.get("/v1/regions/00").json()["telegram_url"] is None
    assert linked.get("/v1/regions/00/qr.svg").status_code == 404
    assert linked.get("/v1/regions/99.99/qr.svg").status_code == 404
    assert linked.get("/v1/regions/63.03/qr.gif").status_code in (404, 422)
    settings = Settings(data_dir=tmp_path / "tanpa-bot", query_log_salt="garam", _env_file=None)
    with TestClient(create_app(settings, Assistant(engine))) as client:
        card = client.get("/v1/regions/63.03").json()
        assert card["telegram_url"] is None and card["telegram_qr_url"] is None
        assert client.get("/v1/regions/63.03/qr.svg").status_code == 404


@pytest.fixture(scope="module")
def linked_server(tmp_path_factory: pytest.TempPathFactory, data_folder):
    """The app as `ihai serve` runs it, with the bot's username configured."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("web-tautan"), query_log_salt="garam-web",
                        telegram_bot_username=BOT, _env_file=None)  # fmt: skip
    data_folder(settings.data_dir)
    yield from serve(create_app(settings))


# The chart above the code loads on its own; the camera sees the page once both images are in.
LOADED = "() => ['card-qr', 'card-chart'].every(id => { const i = document.getElementById(id); return i.complete && i.naturalWidth > 0; })"


def test_the_help_desk_page_shows_the_link_and_a_qr_code_that_scans(browser, linked_server) -> None:
    page, outside = open_page(browser, linked_server, viewport={"width": 1600, "height": 900})
    page.fill("#question", "Berapa IHaI Kabupaten Banjar di Kalimantan Selatan?")
    page.press("#question", "Enter")
    page.locator("#card-telegram").wait_for(state="visible", timeout=15_000)
    page.wait_for_function(LOADED, timeout=15_000)
    link = page.locator("#card-link")
    assert link.get_attribute("href") == f"https://t.me/{BOT}?start=63_03"
    assert link.inner_text() == f"t.me/{BOT}?start=63_03"
    assert link.get_attribute("rel") == "noopener noreferrer"
    # What a phone camera sees on the projected page: the code, as Chromium drew it, scans to the link.
    assert scanned(page.locator("#card-qr").screenshot()) == [f"https://t.me/{BOT}?start=63_03"]
    assert outside == []  # same origin only, nothing blocked by the page's Content-Security-Policy


@pytest.fixture(scope="module")
def browser():
    from tests.bot.test_web import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's Chromium first ('make browser').")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
