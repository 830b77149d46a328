"""The conversation engine: text in, a structured `Answer` out, whatever the channel.

`Engine.ask` loads the chat's context, lets `decide.py` choose what is asked (from `understand.py`'s
reading of the message), hands the decision to the composer the intent registry names, and stores the
new context. It never raises: an internal error becomes an apology.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.engine import charts
from bot.engine.advice import Advisor, ForumMapLike, GuidanceIndex
from bot.engine.classifier import IntentClassifier
from bot.engine.compose.kit import Kit, example_buttons
from bot.engine.context import ChatContext, ContextStore, Pending
from bot.engine.data import ResultsView, RoundViews
from bot.engine.decide import Decision
from bot.engine.dialogue import Dialogue
from bot.engine.intents import Intent, figure_intents, registry, spec
from bot.engine.model import Answer, ChartRequest, DocumentRequest
from bot.engine.phrasing import RegionPhrasing
from bot.engine.resolve import Resolver
from bot.engine.slots import SlotReader
from bot.engine.understand import Understander
from core.constants import NATIONAL_CODE
from core.gazetteer import Gazetteer
from knowledge.forums import load_forum_map
from knowledge.guidance import GuidanceDoc
from reports.builder import ReportBuilder
from scoring.results import Results

logger = logging.getLogger(__name__)

# Longer messages are cut before reading: no question needs more, and it bounds the work per message.
MAX_INPUT_CHARS = 2000
Composer = Callable[[Decision, Kit], Answer]
# Figure questions that name one earlier round ("IHaI Sleman 2024") are answered from that round; the others
# (advice, gaps, forums) reason with the current framework and stay on the latest round.
PER_ROUND = frozenset({Intent.PROFIL, Intent.PROVINSI, Intent.TERLEMAH, Intent.BANDINGKAN, Intent.PERINGKAT,
                       Intent.KATEGORI, Intent.CAKUPAN, Intent.LAPORAN})  # fmt: skip


def composers() -> dict[Intent, Composer]:
    """Every intent's composer, from the module the registry names for it."""
    table: dict[Intent, Composer] = {}
    for intent, entry in registry().items():
        if entry.composer != "-":
            module = importlib.import_module(f"bot.engine.compose.{entry.composer}")
            table[intent] = module.COMPOSERS[intent]
    return table


class Engine:
    """Answers questions about the loaded survey rounds (the latest for current figures); build it with
    `bot.engine.factory.build_engine`."""

    def __init__(
        self,
        results: Results | Sequence[Results],
        gazetteer: Gazetteer,
        classifier: IntentClassifier,
        guidance: Sequence[GuidanceDoc] = (),
        index: GuidanceIndex | None = None,
        store: ContextStore | None = None,
        forum_map: ForumMapLike | None = None,
        reports: ReportBuilder | None = None,
    ) -> None:
        loaded = (results,) if isinstance(results, Results) else tuple(results)
        self.rounds = RoundViews(loaded)
        view = self.rounds.latest
        self.view = view
        self.methodology = view.methodology
        self.gazetteer = gazetteer
        self.advisor = Advisor(self.methodology, guidance, index, forum_map if forum_map is not None else load_forum_map())
        self.kits = {year: self._kit(round_view) for year, round_view in self.rounds.views.items()}
        self.kit = self.kits[view.year]
        self.store = store if store is not None else ContextStore(":memory:")
        slots = SlotReader(self.methodology, {key for v in self.rounds.views.values() for key in v.methodology.variable_keys})
        resolver = Resolver(gazetteer, slots.is_known_word, slots.is_slip)
        self.understander = Understander(slots, resolver, gazetteer, classifier)
        self.dialogue = Dialogue(self.understander, gazetteer)
        self._composers = composers()
        # Reports draw on every round loaded: a report of an earlier round, and the trend in each.
        self.reports = reports if reports is not None else ReportBuilder(loaded, gazetteer, guidance)

    def _kit(self, view: ResultsView) -> Kit:
        phrasing = RegionPhrasing(view, view.methodology, self.gazetteer)
        return Kit(view, view.methodology, phrasing, self.gazetteer, self.advisor, self.rounds)

    @property
    def index(self) -> GuidanceIndex | None:
        """The search index guidance answers come from; None until `ihai index build` has run."""
        return self.advisor.index

    def ask(self, text: str, session: str) -> Answer:
        """The answer to one message of chat `session`; never raises."""
        try:
            context = self.store.load(session)
            decision = self.dialogue.turn(str(text)[:MAX_INPUT_CHARS], context)
            kit, note = self._round_for(decision)
            decision, aside = within_framework(decision, kit)
            answer = self._composers[decision.intent](decision, kit)
            note = " ".join(filter(None, (note, aside)))
            if note:
                answer = replace(answer, text=f"<i>{note}</i>\n\n{answer.text}")
            if decision.intent not in (Intent.SUMBER, Intent.DOKUMEN):
                # Sources and whole documents are asides: the conversation goes on as before.
                self.store.save(session, remember(context, decision, answer))
            return answer
        except Exception:  # the promise to every channel: an apology, never a traceback
            logger.exception("engine failed on a message of session %s", session)
            return Answer(
                text="Maaf, terjadi kesalahan saat menyiapkan jawaban. Silakan coba lagi sebentar lagi "
                "atau ajukan pertanyaan dengan kalimat lain.",
                intent=Intent.GALAT.value,
                followups=example_buttons(3),
            )

    def _round_for(self, decision: Decision) -> tuple[Kit, str | None]:
        """The round a figure question is answered from, and a note when it named a year that is not loaded:
        the one earlier round it names, else the latest."""
        years = decision.slots.years
        # A target's years are where a plan ends ("sampai 2029"), not results asked for.
        if not years or decision.intent in (Intent.TREN, Intent.TARGET) or decision.intent not in figure_intents():
            return self.kit, None
        missing = [year for year in years if year not in self.rounds.views]
        loaded = [year for year in years if year in self.rounds.views]
        if len(loaded) == 1 and not missing and decision.intent in PER_ROUND:
            kit = self.kits[loaded[0]]
            if kit is self.kit:
                return kit, None
            return kit, (
                f"Hasil putaran {loaded[0]} ({kit.methodology.name}). Hasil terbaru: putaran {self.view.year}; "
                "untuk naik-turunnya tanyakan trennya."
            )
        if not missing:
            if loaded == [self.view.year] or decision.intent in PER_ROUND:
                return self.kit, None
            # Gaps, advice and coverage reason with the current framework: say which round they used.
            return self.kit, (
                f"Jawaban ini memakai hasil terbaru, putaran {self.view.year}. Untuk angka putaran "
                f"{' dan '.join(map(str, loaded))}, tanyakan profil atau trennya."
            )
        years = [str(year) for year in self.rounds.years]
        available = f"{', '.join(years[:-1])} dan {years[-1]}" if len(years) > 1 else years[0]
        note = (
            f"Hasil IHaI tahun {' dan '.join(str(year) for year in missing)} tidak dimuat di asisten ini "
            f"(putaran yang tersedia: {available}). Berikut hasil {self.view.year}."
        )
        return self.kit, note

    def chart_png(self, request: ChartRequest) -> bytes:
        """PNG bytes of a chart an answer attached. Raises ValueError for a region without figures."""
        row = self.view.row(request.code)
        if row is None or row.get("ihai") is None:
            raise ValueError(f"tidak ada angka untuk wilayah {request.code}")
        if request.kind == "region_trend":
            history = [(view.year, view.methodology, found) for view, found in self.rounds.history(request.code) if found]
            return charts.region_trend_png(row, history, self.methodology, any(view.synthetic for view in self.rounds.views.values()))
        if request.kind == "region_dimensions":
            province = self.view.row(row["province_code"]) if row["level"] == "kabkota" else None
            return charts.region_dimensions_png(row, province, self.view.nation, self.methodology, self.view.synthetic)
        kabkota = self.view.kabkota_of(request.code)
        return charts.province_ranking_png(row, kabkota, self.methodology, self.view.synthetic)

    def report_pdf(self, request: DocumentRequest) -> bytes:
        """PDF bytes of a region's report. Raises ReportError for a region or year without one."""
        return self.reports.pdf(request.code, request.year)


def within_framework(decision: Decision, kit: Kit) -> tuple[Decision, str | None]:
    """Variables of another framework ("x10" while answering from 2025) stay only where the answer says
    which round has them (a profile); every other figure answer works with the round's own variables, and
    the note returned says which it left aside."""
    keys = kit.methodology.variable_keys
    other = [key for key in decision.slots.variables if key not in keys]
    if decision.intent not in figure_intents() or decision.intent in (Intent.PROFIL, Intent.PROVINSI) or not other:
        return decision, None  # "x10 itu apa" is the guidance on X10; a profile names the framework itself
    kept = tuple(key for key in decision.slots.variables if key in keys)
    note = (f"{' dan '.join(key.upper() for key in other)} bukan variabel kerangka putaran {kit.view.year} "
            f"({keys[0].upper()}–{keys[-1].upper()}); jawaban ini tanpa variabel itu.")  # fmt: skip
    return replace(decision, slots=replace(decision.slots, variables=kept)), note


def remember(context: ChatContext, decision: Decision, answer: Answer) -> ChatContext:
    """The context after this answer: the question waiting for a region, or what was just answered."""
    answered = Intent(answer.intent)
    if answered in (Intent.PILIH_WILAYAH, Intent.TIDAK_DIKENAL):
        surface = decision.surface if answered == Intent.PILIH_WILAYAH and decision.choices else None
        return replace(context, pending=Pending(decision.pending_text, surface))
    if answered == Intent.SARAN_UMUM:
        # Waits for a region to tailor the advice to, and keeps what it was about: "kalau dari FPK?" asks the
        # same advice of another forum.
        forums = decision.forums or decision.slots.forums
        return replace(context, pending=Pending(decision.pending_text, None), intent=Intent.SARAN.value,
                       forum=forums[0] if len(forums) == 1 else None, slots=_remembered_slots(decision, answer))  # fmt: skip
    asked = decision.intent
    followable = spec(asked).followable
    forums = decision.forums or decision.slots.forums
    if len(forums) == 1:
        forum: str | None = forums[0]
    else:  # advice for all forums resets the chat's forum; other answers keep it
        forum = None if answered in (Intent.SARAN, Intent.FORUM_COCOK) else context.forum
    # A region named in a general question ("Bappeda Kab. Grobogan mau …") is still the chat's region; a
    # nationwide list is about the nation but leaves the region talked about as it was.
    nationwide = answered in (Intent.PERINGKAT, Intent.KATEGORI) and answer.regions == (NATIONAL_CODE,)
    regions = context.regions if nationwide else (answer.regions or decision.regions or context.regions)
    listed = answer.facts.get("listed")
    return ChatContext(
        regions=regions,
        intent=asked.value if followable else context.intent,
        forum=forum,
        pending=None,
        earlier=context.regions if context.regions and regions != context.regions else context.earlier,
        listed=tuple(listed) if isinstance(listed, list) and listed else context.listed,
        slots=_remembered_slots(decision, answer) if followable or _names_topic(decision) else context.slots,
        focus=context.focus,
    )


def _names_topic(decision: Decision) -> bool:
    """A question about a dimension or variable ("V7 itu apa?") sets the topic "untuk itu" points back at."""
    return bool(decision.slots.dimensions or decision.slots.variables)


def _remembered_slots(decision: Decision, answer: Answer) -> dict[str, object]:
    """What a follow-up keeps of this question: "kalau Kaltara?" after "5 terendah di Kalsel"; and after a
    region's weakest parts, that dimension as the topic ("kab/kota mana yang paling rendah dimensi itu?")."""
    slots = decision.slots
    if answer.intent == Intent.TERLEMAH.value and not (slots.dimensions or slots.variables):
        weakest = answer.facts.get("weakest_dimension")
        slots = replace(slots, dimensions=(weakest,)) if isinstance(weakest, str) else slots
    kept = {"order": slots.order, "change_order": slots.change_order, "n": slots.n, "dimensions": list(slots.dimensions),
            "variables": list(slots.variables), "category": slots.category, "years": list(slots.years),
            "scope": decision.scope if decision.intent in (Intent.PERINGKAT, Intent.KATEGORI) else None}  # fmt: skip
    return {key: value for key, value in kept.items() if value not in (None, []) and (key, value) != ("order", "top")}
