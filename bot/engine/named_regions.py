"""Which of the regions a message names it is about, and the regions it points at without naming them:
a qualified name over bare words, the question's sentence over its preamble, "-nya" inside a named
province, "kotanya" for the namesake of the chat's kabupaten."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from bot.engine.context import ChatContext
from bot.engine.intents import Intent
from bot.engine.understand import Understander, Understanding
from core.constants import KABKOTA, PROVINSI
from core.vocabulary import is_standard_word

Level = Callable[[str], str]  # region code -> "kabkota" | "provinsi" | "nasional"
# "kota", "kabupaten" (or "kotanya") in a reply that picks between regions sharing a name.
# "kotamadya" is the old name of a kota, still typed.
KINDS = {"kota": "kota", "kotamadya": "kota", "kabupaten": "kabupaten", "provinsi": PROVINSI, "prov": PROVINSI}
# A mention starting with one of these names its region on purpose ("kab. klaten", "kota malang").
QUALIFIED = frozenset({"kabupaten", "kota", "provinsi", "kabkota", "wilayah"})
_CODE = re.compile(r"\d{2}(?:\.\d{2})?")
_MIN_STEM = 4  # "tanya", "hanya", "punya" end in "nya" without pointing at anything
_WITHIN = frozenset({"di", "se", "dalam", "tingkat", "level", "lingkup", "seluruh"})


def focused(u: Understanding, intent: Intent, world: Understander) -> Understanding:
    """The regions a message is about, of those it names. For anything but a comparison: a qualified name
    ("kab. klaten") beats bare words that happen to be names ("nasib lagi malang"), and the question's own
    sentence beats its preamble ("asli Tegal, dinas di Brebes. Berapa IHaI Brebes?")."""
    mentions = u.scan.mentions
    if intent == Intent.BANDINGKAN or len(mentions) < 2:
        return u
    qualified = [m for m in mentions if m.surface.split()[0] in QUALIFIED or _CODE.fullmatch(m.surface)]
    kept = qualified if qualified and len(qualified) < len(mentions) else list(mentions)
    asked = [m for m in kept if m.start >= u.question_start]
    if asked and len(asked) < len(kept):
        kept = asked
    if len(kept) == len(mentions):
        return u
    resolved = tuple(dict.fromkeys(m.codes[0] for m in kept if m.resolved))
    return replace(u, scan=replace(u.scan, mentions=tuple(kept)), regions=tuple(dict.fromkeys(resolved + u.extra)))


def its_region(regions: tuple[str, ...], u: Understanding, context: ChatContext, level: Level) -> tuple[str, ...]:
    """ "peringkatnya di Sumbar": "-nya" is the chat's kab/kota, placed in the province the message names;
    "yg kedua peringkatnya di Sumut": the second of the last list."""
    if len(regions) != 1 or level(regions[0]) != PROVINSI or not any(map(_possessive, u.residual.split())):
        return regions
    # "-nya di Sumbar" places the chat's region in the province; "ihainya Sumbar" asks the province's own.
    tokens = u.query.split()
    named = [mention for mention in u.scan.mentions if mention.codes == (regions[0],)]
    if named and not any(mention.start and tokens[mention.start - 1] in _WITHIN for mention in named):
        return regions
    item = context.listed_at(u.slots.list_position)
    candidates = (item,) if item is not None else context.regions
    inside = [code for code in candidates if level(code) == KABKOTA and code.split(".")[0] == regions[0]]
    return tuple(inside[:1]) or regions


def _possessive(word: str) -> bool:
    """ "peringkatnya", "skornya": a word with "-nya" pointing at something, not "tanya" or "hanya"."""
    stem = word.removesuffix("nya")
    return word == "nya" or (stem != word and len(stem) >= _MIN_STEM and is_standard_word(stem))


def sibling(u: Understanding, regions: tuple[str, ...], context: ChatContext, world: Understander) -> tuple[str, ...]:
    """ "kalau kotanya?" after Kabupaten Bima: Kota Bima, the region of that kind sharing the name."""
    kinds = [KINDS[word.removesuffix("nya")] for word in u.residual.split() if word.removesuffix("nya") in KINDS]
    if regions or not kinds or not context.regions:
        return regions
    return world.namesakes(context.regions[0], kinds[0]) or regions


def without_enclosing_provinces(regions: tuple[str, ...], level: Level) -> tuple[str, ...]:
    """ "Kota Sibolga peringkat berapa di Sumut?": a province named beside one of its kab/kota places it."""
    inside = {code.split(".")[0] for code in regions if level(code) == KABKOTA}
    return tuple(code for code in regions if not (level(code) == PROVINSI and code in inside))
