"""What a message asks, in the light of the conversation so far: one `Turn` per message.

`understand.py` reads intent words and `resolve.py` finds regions; this module combines them with the
chat's context: a follow-up without a region ("kalau dimensi terlemahnya?") takes the previous turn's
regions, a region alone ("kalau Tapin?") repeats the previous intent, a tapped choice ("wilayah 63.03")
finishes the question that was waiting for it, and a question that needs a region but names none or an
ambiguous one becomes a question back to the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.context import ChatContext
from bot.engine.resolve import Resolver, Scan
from bot.engine.understand import FILLER, FOLLOWUP, Parsed, Parser, content_words, expects_region, normalise
from core.constants import KABKOTA, NASIONAL, NATIONAL_CODE, PROVINSI
from core.gazetteer import Gazetteer

# Intents about given regions; a region named alone after one of them repeats it for that region.
REGION_INTENTS = frozenset({"profil", "terlemah", "saran", "cakupan", "selisih_kategori", "bandingkan", "provinsi"})
GENERAL_INTENTS = frozenset({"sapaan", "bantuan", "metodologi"})
MAX_REGIONS = 5
# "kota", "kabupaten" (or "kotanya") in a reply that picks between regions sharing a name.
KINDS = {"kota": "kota", "kabupaten": "kabupaten"}
# The payload of a region button: "wilayah 63.03" (kab/kota) or "wilayah 63" (province).
CHOICE = re.compile(r"\s*wilayah\s+(\d{2}(?:\.\d{2})?)\s*", re.IGNORECASE)
_FOLLOWUP_WORDS = frozenset(word for phrase in FOLLOWUP for word in phrase.split())


@dataclass(frozen=True)
class Turn:
    """The decided intent with its regions; for questions back, the candidates and the pending text."""

    intent: str
    parsed: Parsed
    regions: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()  # candidate codes (pilih_wilayah) or suggestions (tidak_dikenal)
    surface: str = ""  # the ambiguous or unknown name, as normalised from the user's text
    pending_text: str = ""  # the question to finish once the user picks a region
    scope: str = ""  # peringkat: a province code, "" for national, "provinsi" for provinces
    query: str = ""  # the normalised question, for the guidance search
    forums: tuple[str, ...] = ()  # saran: the forums asked, or the chat's forum for "kalau Tapin?"


class Dialogue:
    def __init__(self, parser: Parser, resolver: Resolver, gazetteer: Gazetteer) -> None:
        self._parser = parser
        self._resolver = resolver
        self._gazetteer = gazetteer

    def turn(self, text: str, context: ChatContext) -> Turn:
        pending = context.pending
        choice = CHOICE.fullmatch(text)
        if choice and (region := self._gazetteer.get(choice.group(1))) is not None:
            if pending is None:
                return self._decide("", context, extra=(region.code,))
            return self._finish(pending.text, pending.surface, (region.code,), context)
        turn = self._decide(text, context)
        if pending is None or turn.parsed.intent is not None:
            return turn
        # The user answers a question back by typing instead of tapping a button: "yang di jawa barat",
        # "kotanya" for a shared name, or simply the region.
        if pending.surface and (narrowed := self._narrow(pending.surface, text)) is not None:
            if not narrowed:  # to none or several: ask the same question again, with its buttons
                return self._decide(pending.text, context)
            return self._finish(pending.text, pending.surface, narrowed, context)
        if turn.regions and turn.intent != "pilih_wilayah":
            return self._finish(pending.text, pending.surface, turn.regions, context)
        return turn

    def _narrow(self, surface: str, text: str) -> tuple[str, ...] | None:
        """The one region carrying the shared name `surface` that a reply's province or kind ("kota",
        "kabupaten") points to; () when the reply narrows to none or several; None when it does not
        narrow at all."""
        query = normalise(text)
        scan = self._resolver.scan(query, expects_region=True)
        provinces = {code for code in scan.codes if self.level(code) == PROVINSI}
        kinds = {KINDS[word.removesuffix("nya")] for word in query.split() if word.removesuffix("nya") in KINDS}
        if not provinces and not kinds:
            return None
        if scan.codes and not provinces:
            return None  # the reply names a kab/kota itself: handled as a region
        candidates = [
            region.code
            for region in self._gazetteer.lookup(surface)
            if region.level == KABKOTA
            and (not provinces or region.province_code in provinces)
            and (not kinds or region.kind in kinds)
        ]
        return tuple(candidates) if len(candidates) == 1 else ()

    def _finish(self, text: str, surface: str | None, codes: tuple[str, ...], context: ChatContext) -> Turn:
        if surface:
            return self._decide(text, context, overrides={surface: codes[0]})
        return self._decide(text, context, extra=codes)

    def _decide(
        self,
        text: str,
        context: ChatContext,
        overrides: dict[str, str] | None = None,
        extra: tuple[str, ...] = (),
    ) -> Turn:
        query = normalise(text)
        hints = {code.split(".")[0] for code in context.regions}
        scan = self._resolver.scan(
            query, expects_region=expects_region(query) or bool(extra), overrides=overrides, hint_provinces=hints
        )
        regions = tuple(dict.fromkeys(scan.codes + extra))
        # Levels of every region named, a still ambiguous one included ("bogor" alone is not an empty message).
        levels = tuple(self.level(mention.codes[0]) for mention in scan.mentions) + tuple(map(self.level, extra))
        residual = self._parser.correct(scan.residual)
        parsed = self._parser.parse(residual, levels)
        intent = parsed.intent
        if intent in GENERAL_INTENTS:
            return Turn(intent, parsed, regions, query=query)
        if scan.ambiguous:
            asked = self._ask_ambiguous(scan, intent, parsed, text, query)
            if asked is not None:
                return asked
            regions = tuple(dict.fromkeys(regions + self._prefer_province(scan)))
        forums = parsed.forums
        if intent is None:
            intent = self._implicit(parsed, regions, context, residual)
            if intent == "saran" and not forums and context.forum:
                forums = (context.forum,)
        if intent in GENERAL_INTENTS:
            return Turn(intent, parsed, regions, query=query)
        if intent is None or (intent in REGION_INTENTS and not regions and scan.unknown):
            if scan.unknown:
                unknown = scan.unknown[0]
                return Turn("tidak_dikenal", parsed, (), unknown.suggestions, unknown.surface, text, query=query)
            return Turn("di_luar_cakupan", parsed, query=query)
        if intent in ("peringkat", "kategori"):
            return Turn(intent, parsed, regions, scope=self._scope(parsed, regions, context), query=query)
        regions = self._with_context(intent, regions, parsed, context)
        if not regions and intent == "saran":
            # Advice needs no region to be useful: general actions now, tailored ones once a region is named.
            return Turn("saran_umum", parsed, (), pending_text=text, query=query, forums=forums)
        if not regions or (intent == "bandingkan" and len(regions) < 2):
            return Turn("pilih_wilayah", parsed, regions, pending_text=text, query=query)
        return Turn(self._by_level(intent, regions), parsed, regions, query=query, forums=forums)

    def level(self, code: str) -> str:
        if code == NATIONAL_CODE:
            return NASIONAL
        region = self._gazetteer.get(code)
        return region.level if region is not None else KABKOTA

    def _ask_ambiguous(self, scan: Scan, intent: str | None, parsed: Parsed, text: str, query: str) -> Turn | None:
        """A shared name the message and chat did not settle: ask, unless a ranking means the province."""
        if intent in ("peringkat", "provinsi") and self._prefer_province(scan):
            return None
        mention = scan.ambiguous[0]
        return Turn("pilih_wilayah", parsed, scan.codes, mention.codes, mention.surface, text, query=query)

    def _prefer_province(self, scan: Scan) -> tuple[str, ...]:
        """ "peringkat di jambi": of Provinsi Jambi and Kota Jambi, a ranking is about the province."""
        return tuple(code for mention in scan.ambiguous for code in mention.codes if self.level(code) == PROVINSI)

    def _implicit(self, parsed: Parsed, regions: tuple[str, ...], context: ChatContext, residual: str) -> str | None:
        """The intent of a message without intent words: a region alone, a forum alone, "berapa?"."""
        followable = context.intent in REGION_INTENTS or (
            context.intent == "peringkat" and regions and all(self.level(code) == PROVINSI for code in regions)
        )
        if regions:
            # "jadwal kereta ke Surabaya", "siapa gubernur Kalsel": a region, but not a question about it.
            unrelated = content_words(residual, self._parser.is_known_word)
            if len(unrelated) >= 2 or (unrelated and not (parsed.figure or parsed.followup or parsed.forums)):
                return None
            if followable and (parsed.followup or _is_short(residual)):
                return context.intent
            return "saran" if parsed.forums else "profil"
        if parsed.forums:
            return "saran" if context.regions else "metodologi"
        if parsed.nation and not content_words(residual, self._parser.is_known_word):
            return "provinsi"
        # "berapa?", "kalau itu gimana?" refer to the chat's region; "cuaca hari ini gimana?" does not.
        if (parsed.figure or parsed.followup) and context.regions and not content_words(residual, self._parser.is_known_word):
            return context.intent if context.intent in REGION_INTENTS else "profil"
        return None

    def _with_context(
        self, intent: str, regions: tuple[str, ...], parsed: Parsed, context: ChatContext
    ) -> tuple[str, ...]:
        if parsed.nation and NATIONAL_CODE not in regions:
            regions = (*regions, NATIONAL_CODE)
        if intent == "bandingkan" and len(regions) < 2:
            regions = tuple(dict.fromkeys(context.regions + regions))
            if len(regions) < 2:  # "bandingkan keduanya": the region before this one too
                regions = tuple(dict.fromkeys(context.earlier + regions))
        if not regions:
            regions = context.regions or ((NATIONAL_CODE,) if intent == "cakupan" else ())
        return regions[:MAX_REGIONS]

    def _by_level(self, intent: str, regions: tuple[str, ...]) -> str:
        """A profile of a province is its summary, and a summary of a kab/kota its profile."""
        levels = {self.level(code) for code in regions}
        if intent == "profil" and KABKOTA not in levels:
            return "provinsi"
        if intent == "provinsi" and levels == {KABKOTA}:
            return "profil"
        return intent

    def _scope(self, parsed: Parsed, regions: tuple[str, ...], context: ChatContext) -> str:
        provinces = [code for code in regions if self.level(code) == PROVINSI]
        if provinces:
            return provinces[0]
        if parsed.provinces:
            return PROVINSI
        if parsed.nation or regions:
            return ""
        previous = [code for code in context.regions if self.level(code) == PROVINSI]
        return previous[0] if previous else ""


def _is_short(residual: str) -> bool:
    """At most one word besides filler: "Tapin?", "kalau Tapin gimana?"."""
    words = [word for word in residual.split() if word not in FILLER and word not in _FOLLOWUP_WORDS]
    return len(words) <= 1
