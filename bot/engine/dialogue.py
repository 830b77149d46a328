"""The conversation around each decision: a tapped button is taken exactly, and a question back ("which
Banjar?", "for which region?") is finished by the reply, tapped or typed ("yang di jawa barat", "kotanya").

Everything else is `decide.py`'s.
"""

from __future__ import annotations

from dataclasses import replace

from bot.engine.context import ChatContext, Pending
from bot.engine.data import scope_regions
from bot.engine.decide import Decision, decide
from bot.engine.intents import Intent, spec
from bot.engine.named_regions import KINDS, by_level
from bot.engine.payloads import Payload
from bot.engine.slots import Slots
from bot.engine.understand import Understander, Understanding
from core.constants import KABKOTA, PROVINSI
from core.gazetteer import Gazetteer


class Dialogue:
    """Turns a message and the chat's context into a decision, finishing waiting questions."""

    def __init__(self, understander: Understander, gazetteer: Gazetteer) -> None:
        self.understander = understander
        self.gazetteer = gazetteer

    def turn(self, text: str, context: ChatContext) -> Decision:
        understanding = self.understander.understand(text, context)
        pending = context.pending
        payload = understanding.payload
        if payload is not None:
            if payload.choice and self.gazetteer.get(payload.regions[0]) is not None:
                if pending is not None:
                    return self._finish(pending, payload.regions, context)
                return self._decide_payload(replace(payload, choice=False), context)
            if not payload.choice:
                return self._decide_payload(payload, context)
        decision = decide(understanding, context, self.understander)
        if pending is None or not _answers_pending(understanding):
            return decision
        # A question back answered by typing instead of tapping: "yang di jawa barat", "kotanya", a region.
        if pending.surface and (narrowed := self._narrow(pending.surface, understanding)) is not None:
            if not narrowed:  # to none or several: ask the same question again, with its buttons
                return decide(self.understander.understand(pending.text, context), context, self.understander)
            return self._finish(pending, narrowed, context)
        if understanding.regions and decision.intent not in (Intent.PILIH_WILAYAH, Intent.TIDAK_DIKENAL):
            return self._finish(pending, understanding.regions, context)
        return decision

    def _finish(self, pending: Pending, codes: tuple[str, ...], context: ChatContext) -> Decision:
        waiting = replace(context, pending=None)
        if pending.surface:
            understanding = self.understander.understand(pending.text, waiting, overrides={pending.surface: codes[0]})
        else:
            understanding = self.understander.understand(pending.text, waiting, extra=codes)
        return decide(understanding, waiting, self.understander)

    def _narrow(self, surface: str, understanding: Understanding) -> tuple[str, ...] | None:
        """The one region carrying the shared name `surface` that a reply's province or kind ("kota",
        "kabupaten") points to; () when it narrows to none or several; None when it does not narrow."""
        provinces = {code for code in understanding.regions if self.understander.level(code) == PROVINSI}
        words = [word.removesuffix("nya") for word in understanding.query.split()]
        kinds = {KINDS[word] for word in words if word in KINDS}
        if not provinces and not kinds:
            return None
        if (understanding.regions and not provinces) or understanding.scan.unknown:
            # The reply names a kab/kota itself, or a name we do not know ("skor kab lombok selatan"): it is
            # handled as a region of its own, not as "which of them".
            return None
        candidates = [
            region.code
            for region in self.gazetteer.lookup(surface)
            if (not provinces or (region.level == KABKOTA and region.province_code in provinces))
            and (not kinds or region.kind in kinds)
        ]
        return tuple(candidates) if len(candidates) == 1 else ()

    def _decide_payload(self, payload: Payload, context: ChatContext) -> Decision:
        """A tapped button: its intent and slots, exactly; regions the button leaves out are the chat's."""
        slots = Slots(
            forums=payload.forums,
            dimensions=(payload.dimension,) if payload.dimension else (),
            variables=(payload.variable,) if payload.variable else (),
            aspects=(payload.aspect,) if payload.aspect else (),
            category=payload.category,
            n=payload.n,
            order=payload.order,
        )
        intent = payload.intent
        if intent in (Intent.SUMBER, Intent.DOKUMEN):
            return Decision(intent, doc=payload.doc or "")
        regions = payload.regions or (context.regions if spec(intent).needs_region else ())
        if intent in (Intent.PERINGKAT, Intent.KATEGORI):
            scope = payload.scope if payload.scope is not None else ""
            return Decision(intent, scope_regions(scope), slots, scope=scope)
        if intent == Intent.SARAN and not regions:
            intent = Intent.SARAN_UMUM
        if spec(intent).needs_region and not regions:
            return Decision(Intent.PILIH_WILAYAH, slots=slots, asked=intent)
        return Decision(by_level(intent, regions, self.understander.level), regions, slots, forums=payload.forums)


def _answers_pending(u: Understanding) -> bool:
    """A reply that finishes a waiting question: names (or narrows to) a region and asks nothing new."""
    return u.only_regions or u.intent == Intent.LANJUTAN or _narrows(u)


def _narrows(u: Understanding) -> bool:
    words = [word.removesuffix("nya") for word in u.residual.split()]
    return any(word in KINDS for word in words) and len(words) <= 4
