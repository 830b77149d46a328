"""Deep links to a region's card and their QR codes: every region round-trips through Telegram's start
parameter, and the QR codes scan (zxing-cpp) to exactly the link."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ElementTree

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from core.deeplink import bot_username, deep_link, region_code, region_link, start_parameter
from core.gazetteer import get_gazetteer

CODES = [region.code for region in get_gazetteer().provinces()] + [region.code for region in get_gazetteer().kabkota()]


@given(st.sampled_from(CODES))
def test_every_region_round_trips_through_a_start_parameter(code: str) -> None:
    parameter = start_parameter(code)
    # Telegram allows only these in `start=`, at most 64 of them.
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", parameter)
    assert region_code(parameter) == code
    assert region_link(code, "ihai_uji_bot").url == f"https://t.me/ihai_uji_bot?start={parameter}"


def test_the_link_names_the_bot_and_the_region() -> None:
    assert region_link("63.03", "@IHaI_Bot").url == "https://t.me/IHaI_Bot?start=63_03"
    assert region_link("63", "ihai_bot").url == "https://t.me/ihai_bot?start=63"
    assert deep_link("ihai_bot") == "https://t.me/ihai_bot"
    assert deep_link("ihai_bot", "full_Ab-9") == "https://t.me/ihai_bot?start=full_Ab-9"


@pytest.mark.parametrize("parameter", ["", "63.03", "6303", "63_3", "full_abc", "63_03_01", "abc"])
def test_start_parameters_that_name_no_region(parameter: str) -> None:
    assert region_code(parameter) is None


@pytest.mark.parametrize(("code", "username"), [("63-03", "ihai_bot"), ("Banjar", "ihai_bot"), ("63.03", "ab"),
                                                ("63.03", "1ihai_bot"), ("63.03", "ihai bot")])  # fmt: skip
def test_malformed_codes_and_usernames_are_refused(code: str, username: str) -> None:
    with pytest.raises(ValueError):
        region_link(code, username)


def test_parameters_telegram_would_refuse_are_refused() -> None:
    with pytest.raises(ValueError):
        deep_link("ihai_bot", "halo dunia")
    with pytest.raises(ValueError):
        deep_link("ihai_bot", "x" * 65)
    assert bot_username(" @ihai_bot ") == "ihai_bot" and bot_username("") is None and bot_username(None) is None


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_png_qr_code_scans_to_the_link() -> None:
    link = region_link("63.03", "ihai_uji_bot")
    png = link.png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert decoded(Image.open(io.BytesIO(png))) == [link.url]


def test_the_svg_qr_code_is_a_standalone_black_on_white_image() -> None:
    """(That it scans is checked where it is shown: tests/bot/test_region_links.py reads it off the page.)"""
    link = region_link("32.79", "ihai_uji_bot")
    root = ElementTree.fromstring(link.svg())
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and int(root.get("width")) >= 100
    assert root.find("{http://www.w3.org/2000/svg}title").text == link.url
    fills = {element.get("fill") for element in root.iter()} | {element.get("stroke") for element in root.iter()}
    assert {"#fff", "#000"} <= fills
