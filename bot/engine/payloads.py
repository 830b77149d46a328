"""Button payloads that carry an intent and its slots, so a tapped button is never re-read as a sentence.

A payload is sent back by the channel as the user's next text ("§terlemah r=63.03"); Telegram limits
callback data to 64 bytes, which `encode` checks. Older plain payloads ("wilayah 63.03", "sumber
aksi-fkub") are still understood: they are what a user may also type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.engine.intents import Intent

PREFIX = "§"
MAX_BYTES = 64
_FIELD = re.compile(r"([a-z]+)=(\S*)")
# "wilayah 63.03" (a kab/kota) or "wilayah 63" (a province): a region picked from buttons.
_CHOICE = re.compile(r"\s*wilayah\s+(\d{2}(?:\.\d{2})?)\s*", re.IGNORECASE)
_SOURCE = re.compile(r"\s*sumber\s+([a-z0-9-]+)\s*")


@dataclass(frozen=True)
class Payload:
    intent: Intent
    regions: tuple[str, ...] = ()
    forums: tuple[str, ...] = ()
    dimension: str | None = None
    variable: str | None = None
    aspect: str | None = None  # peringkat: ranked by an aspect ("partisipasi")
    n: int | None = None
    order: str | None = None
    scope: str | None = None  # peringkat/kategori: a province code, "" nationally, "provinsi"
    category: str | None = None  # a band label
    doc: str | None = None  # sumber/dokumen: a guidance document id
    choice: bool = False  # a region picked from "which one?" buttons: finishes the waiting question


def encode(payload: Payload) -> str:
    """The payload as callback text; when it would pass 64 bytes, the least needed slots are left out
    (the count, the order, the variable, the dimension, the forums, all regions but the first)."""
    for trimmed in _trimmings(payload):
        text = _text(trimmed)
        if len(text.encode()) <= MAX_BYTES:
            return text
    raise ValueError(f"payload over {MAX_BYTES} bytes even trimmed: {payload!r}")


def _trimmings(payload: Payload):
    yield payload
    for change in ({"n": None}, {"order": None}, {"variable": None}, {"dimension": None}, {"aspect": None}, {"forums": ()},
                   {"regions": payload.regions[:1]}):  # fmt: skip
        payload = replace(payload, **change)
        yield payload


def _text(payload: Payload) -> str:
    fields = {
        "r": ",".join(payload.regions), "f": ",".join(payload.forums), "d": payload.dimension or "",
        "v": payload.variable or "", "a": payload.aspect or "", "n": "" if payload.n is None else str(payload.n),
        "o": payload.order or "",
        "k": (payload.category or "").replace(" ", "_"), "doc": payload.doc or "",
    }  # fmt: skip
    text = PREFIX + payload.intent.value + "".join(f" {key}={value}" for key, value in fields.items() if value)
    # A scope is kept even when empty: "s=" means nationally, no "s" means the chat's own.
    return text + ("" if payload.scope is None else f" s={payload.scope}")


def parse_payload(text: str) -> Payload | None:
    """The payload a button sent, or None for ordinary text."""
    if choice := _CHOICE.fullmatch(text):
        return Payload(Intent.PROFIL, regions=(choice.group(1),), choice=True)
    if source := _SOURCE.fullmatch(text):
        return Payload(Intent.SUMBER, doc=source.group(1))
    if not text.startswith(PREFIX):
        return None
    head, _, rest = text[len(PREFIX) :].partition(" ")
    try:
        intent = Intent(head)
    except ValueError:
        return None
    fields = dict(_FIELD.findall(rest))
    n = fields.get("n", "")
    return Payload(
        intent=intent,
        regions=tuple(code for code in fields.get("r", "").split(",") if code),
        forums=tuple(forum for forum in fields.get("f", "").split(",") if forum),
        dimension=fields.get("d") or None,
        variable=fields.get("v") or None,
        aspect=fields.get("a") or None,
        n=int(n) if n.isdigit() else None,
        order=fields.get("o") or None,
        scope=fields.get("s"),
        category=fields.get("k", "").replace("_", " ") or None,
        doc=fields.get("doc") or None,
    )
