"""Which of the regions a message names it is about, and the regions it points at without naming them:
a qualified name over bare words, the question's sentence over its preamble, "-nya" inside a named
province, "kotanya" for the namesake of the chat's kabupaten."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from bot.engine import lexicon
from bot.engine.context import ChatContext
from bot.engine.data import PROVINCES_SCOPE
from bot.engine.intents import Intent, spec
from bot.engine.understand import Understander, Understanding
from core.constants import KABKOTA, NATIONAL_CODE, PROVINSI
from core.vocabulary import is_standard_word

# Words that place what follows: "di Kepri", "se-Jabar", "dalam Provinsi Bali".
# So does the forum the asker introduces themself by: "saya dari FPK Bali, bandingkan Badung dan Tabanan".
_PLACING = frozenset({"di", "se", "dalam", "wilayah", "sekitar", lexicon.AFFILIATED})
# Words pointing at the place just talked about: "dimensi apa yg jeblok di sana", "FKDM di daerah itu".
_PLACE_POINTED = re.compile(r"\b(?:di sana|disana|di situ|disitu|(?:daerah|wilayah|kabupaten|kota|kabkota) (?:itu|tersebut|tadi))\b")
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


def without_enclosing_provinces(
    regions: tuple[str, ...], level: Level, placing: frozenset[str] | None = None
) -> tuple[str, ...]:
    """ "Kota Sibolga peringkat berapa di Sumut?": a province named beside one of its kab/kota places it.
    `placing`: only these provinces place (in a comparison, "3 kota di Kepri: …" places, "Batam dan Kepri"
    compares)."""
    inside = {code.split(".")[0] for code in regions if level(code) == KABKOTA}
    if placing is not None:
        inside &= placing
    return tuple(code for code in regions if not (level(code) == PROVINSI and code in inside))


def placing_provinces(u: Understanding) -> frozenset[str]:
    """Provinces named as where things are: after "di", "se-", "dalam" ("bandingkan 3 kota di Kepri")."""
    tokens = u.query.split()
    return frozenset(
        mention.codes[0] for mention in u.scan.mentions
        if mention.resolved and mention.start > 0 and tokens[mention.start - 1] in _PLACING
    )  # fmt: skip


def by_level(intent: Intent, regions: tuple[str, ...], level: Level) -> Intent:
    """A profile of a province is its summary, and a summary of a kab/kota its profile."""
    levels = {level(code) for code in regions}
    if intent == Intent.PROFIL and KABKOTA not in levels:
        return Intent.PROVINSI
    if intent == Intent.PROVINSI and levels == {KABKOTA}:
        return Intent.PROFIL
    return intent


def ranking_scope(u: Understanding, regions: tuple[str, ...], context: ChatContext, level: Level) -> str:
    """Where a ranking or a band's list looks: a province code, "" nationally, PROVINCES_SCOPE for provinces."""
    item = context.listed_at(u.slots.list_position) if not regions else None
    if item is not None and level(item) == PROVINSI:
        return item  # "yang ketiga, ada kab/kota yang harmoni rendah di sana?"
    provinces = [code for code in regions if level(code) == PROVINSI]
    if provinces:
        return provinces[0]
    kabkota = [code for code in regions if level(code) == KABKOTA]
    if kabkota:
        return kabkota[0].split(".")[0]  # "peringkat kab/kota sekitar Tapin": its province
    if u.slots.provinces:
        return PROVINCES_SCOPE
    if u.slots.nation:
        return ""
    if context.slots.get("scope") is not None and (u.slots.followup or u.only_regions) and not regions:
        return str(context.slots["scope"])  # "kalau dari bawah?": the same list from the other end
    previous = [code for code in context.regions if level(code) == PROVINSI]
    if previous and (u.slots.followup or not u.slots.ranking_subject or points_at_place(u)):
        return previous[0]
    if context.focus:
        return context.focus[0]  # in a meeting on a province, "5 kab/kota terendah" means its kab/kota
    return ""


def points_at_place(u: Understanding) -> bool:
    """ "di sana", "daerah itu": the place just talked about."""
    return bool(_PLACE_POINTED.search(u.query))


def asks_about_the_askers_forum(u: Understanding) -> bool:
    """ "saya sekretaris FKUB Kab. Kolaka. Apa saja tugas FKUB?": every region named only places the forum the
    asker introduces themself by, and what follows asks what a forum is and does."""
    tokens = u.query.split()

    def places_asker(start: int) -> bool:
        before = tokens[start - 2 : start]
        return bool(before) and (before[-1] == lexicon.AFFILIATED or before == [lexicon.AFFILIATED, "kabupaten"]
                                 or before == [lexicon.AFFILIATED, "kota"])  # fmt: skip

    mentions = u.scan.mentions
    if not mentions or not all(places_asker(mention.start) for mention in mentions):
        return False
    return bool(lexicon.ASKS_MANDATE.search(" ".join(tokens[max(mention.end for mention in mentions) :])))


def regions_from_context(intent: Intent, u: Understanding, context: ChatContext) -> tuple[str, ...]:
    """The regions a message that names none is about: the chat's, or the nation for overall coverage."""
    slots = u.slots
    if intent == Intent.CAKUPAN and (slots.provinces or slots.ranking_subject):
        return (NATIONAL_CODE,)  # "provinsi mana saja yang layak lapor": all of them
    if intent == Intent.TREN:
        return context.regions  # the chat's region's trend; with none, the composer shows the nation's
    if slots.own_province and context.regions:
        return tuple(dict.fromkeys(code.split(".")[0] for code in context.regions))  # "kalau provinsinya sendiri?"
    if intent == Intent.FORUM_COCOK:
        # "forum mana yang cocok menangani itu?" is about the chat's region; with a dimension named, not.
        return context.regions if slots.followup or slots.anaphora or not (slots.dimensions or slots.variables) else ()
    if spec(intent).needs_region or slots.followup or u.only_regions:
        if context.regions:
            return context.regions
        if intent == Intent.CAKUPAN and not slots.followup:
            return (NATIONAL_CODE,)  # "berapa total responden?" — but "respondennya?" asks about something
    return ()
