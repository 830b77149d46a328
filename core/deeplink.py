"""Links that open the Telegram bot on a region's card, and their QR codes.

`https://t.me/<bot>?start=63_03` opens a chat with the bot, which receives "/start 63_03" and answers
with that region's card. Telegram allows only letters, digits, "_" and "-" (at most 64) after
`start=`, so the dot of a region code becomes "_". The help-desk page, slides and printed reports show
the link with its QR code, so a phone camera leads straight to the region.

Pure functions and the QR library only: any layer (the report, the web page, the bot) can import this
without the Telegram channel.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import segno

# Telegram usernames: 5–32 characters, a letter first; bots end in "bot" (not checked: test servers differ).
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
_START = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REGION_START = re.compile(r"(\d{2})(?:_(\d{2}))?")
_REGION_CODE = re.compile(r"(\d{2})(?:\.(\d{2}))?")
# Medium error correction survives a printout folded across the code or a projector's glare.
_ERROR_CORRECTION = "m"


def bot_username(text: str | None) -> str | None:
    """A usable bot username from settings or getMe ("@ihai_bot" -> "ihai_bot"); None when not one."""
    if not text:
        return None
    name = text.strip().removeprefix("@")
    return name if _USERNAME.fullmatch(name) else None


def start_parameter(code: str) -> str:
    """A region code as a deep link's start parameter: "63.03" -> "63_03", "63" -> "63"."""
    match = _REGION_CODE.fullmatch(code.strip())
    if match is None:
        raise ValueError(f"not a region code: {code!r}")
    province, kabkota = match.groups()
    return province if kabkota is None else f"{province}_{kabkota}"


def region_code(parameter: str) -> str | None:
    """The region code a start parameter names ("63_03" -> "63.03"), or None when it names none."""
    match = _REGION_START.fullmatch(parameter.strip())
    if match is None:
        return None
    province, kabkota = match.groups()
    return province if kabkota is None else f"{province}.{kabkota}"


def deep_link(username: str, parameter: str | None = None) -> str:
    """`https://t.me/<username>`, with `?start=<parameter>` when given."""
    name = bot_username(username)
    if name is None:
        raise ValueError(f"not a Telegram username: {username!r}")
    if parameter is None:
        return f"https://t.me/{name}"
    if not _START.fullmatch(parameter):
        raise ValueError(f"a start parameter is 1–64 letters, digits, '_' or '-': {parameter!r}")
    return f"https://t.me/{name}?start={parameter}"


@dataclass(frozen=True)
class RegionLink:
    """The deep link to one region's card, and its QR code as SVG or PNG bytes."""

    code: str
    url: str

    def svg(self, scale: int = 4) -> bytes:
        """A standalone SVG (black on white, with a quiet zone), to embed or serve as image/svg+xml."""
        buffer = io.BytesIO()
        _qr(self.url).save(buffer, kind="svg", scale=scale, border=4, dark="#000", light="#fff", xmldecl=False,
                           title=self.url)  # fmt: skip
        return buffer.getvalue()

    def png(self, scale: int = 8) -> bytes:
        """A PNG (black on white, with a quiet zone); scale 8 is about 3 cm wide at 300 dpi."""
        buffer = io.BytesIO()
        _qr(self.url).save(buffer, kind="png", scale=scale, border=4, dark="#000", light="#fff")
        return buffer.getvalue()


def region_link(code: str, username: str) -> RegionLink:
    """The deep link opening bot `username` on region `code` ("63.03", "63"), with its QR code.

    Raises ValueError for a malformed code or username; whether the region exists is the caller's check.
    """
    return RegionLink(code=code.strip(), url=deep_link(username, start_parameter(code)))


def _qr(url: str) -> segno.QRCode:
    return segno.make(url, error=_ERROR_CORRECTION, micro=False)
