"""The running assistant as the channels see it: the engine, plus the read methods the HTTP API needs
(region list and cards, search, health) and a reload that swaps in a freshly built engine.

Everything here reads the engine's own precomputed view and index; no channel opens a results file.
Besides questions, channels get region search and short region cards (Telegram's inline mode), and
can steer a conversation's context: continue from the context saved with an earlier answer (a reply to
it), and focus a chat on a province (a coordination meeting).
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot.engine.compose.kit import SYNTHETIC_LINE
from bot.engine.context import ChatContext
from bot.engine.intents import Intent
from bot.engine.model import Answer, ChartRequest, DocumentRequest
from bot.engine.payloads import Payload, encode
from bot.engine.phrasing import title
from bot.engine.render import count, escape
from core.constants import PROVINSI
from core.gazetteer import normalise_name
from scoring.results import dimension_column

if TYPE_CHECKING:
    from bot.engine.engine import Engine
    from bot.storage import Storage

# Every kab/kota and province chart of one round is about 550 entries; 256 keep the busy ones.
CHART_CACHE_SIZE = 256
# A region search reads a name, not a question: longer text is cut.
MAX_SEARCH_CHARS = 100
# Names starting with what was typed count from this many letters on ("ban" is too little to mean much).
_MIN_PREFIX = 3
# A misspelt province name is taken from this rapidfuzz ratio on.
_PROVINCE_SCORE = 80.0


@dataclass(frozen=True)
class RegionCard:
    """A region in a few lines, as the engine words it (a shared card, an inline result)."""

    code: str
    name: str  # "Kabupaten Banjar", "Kalimantan Selatan"
    level: str  # "kabkota" | "provinsi"
    province: str | None  # a kab/kota's province
    figure: str | None  # the IHaI as the engine writes it ("7,12"), None when not published
    category: str | None
    text: str  # Telegram HTML: the region, its score line (or why there is none), the sample-data note
    chart: ChartRequest | None

# A report PDF is 50–110 KB; the reports of a meeting's regions stay at hand.
REPORT_CACHE_SIZE = 64


class Assistant:
    """Delegates questions to the current engine; `reload()` replaces it as a whole, so a question
    in flight finishes on the old results and the next one sees the new."""

    def __init__(self, engine: Engine, rebuild: Callable[[], Engine] | None = None) -> None:
        # One attribute for all, so that a reload swaps them in one step: a chart drawn by the old engine
        # lands in the old cache, never in the new one.
        self._current = (engine, ChartCache(), ChartCache(REPORT_CACHE_SIZE))
        self._rebuild = rebuild

    @classmethod
    def build(cls, settings, storage: Storage | None = None) -> Assistant:
        """The engine for `settings`; its conversation contexts go to `storage` (default: the storage
        the settings name), which a reload keeps."""
        from bot.engine.factory import build_engine

        return cls(build_engine(settings, storage), rebuild=lambda: build_engine(settings, storage))

    @property
    def _engine(self) -> Engine:
        return self._current[0]

    @property
    def engine(self) -> Engine:
        return self._engine

    def ask(self, text: str, session: str) -> Answer:
        return self._engine.ask(text, session)

    def chart_png(self, request: ChartRequest) -> bytes:
        """The chart, drawn once per results: drawing costs 80–200 ms of CPU, and a busy help desk or
        group asks for the same few regions again and again."""
        engine, charts, _ = self._current
        return charts.get(request, lambda: engine.chart_png(request))

    def report_pdf(self, request: DocumentRequest) -> bytes:
        """A region's PDF report, typeset once per results (30–70 ms of CPU each). Raises ReportError
        for a region or year without one."""
        engine, _, reports = self._current
        return reports.get(request, lambda: engine.report_pdf(request))

    def reportable(self, code: str, year: int | None = None) -> DocumentRequest | None:
        """The report request for a region, when there is a report for it (a kab/kota with published
        figures or a province), else None."""
        reports = self._engine.reports
        year = year or reports.latest_year
        if not reports.reportable(code, year):
            return None
        return DocumentRequest("region_report", code, year, reports.filename(code, year))

    def reload(self) -> None:
        """Reload results and index: build a new engine first, then switch with one assignment."""
        if self._rebuild is None:
            raise RuntimeError("this assistant was given a fixed engine and cannot reload it")
        self._current = (self._rebuild(), ChartCache(), ChartCache(REPORT_CACHE_SIZE))

    # --- read methods for the API ---------------------------------------------------------------

    @property
    def synthetic(self) -> bool:
        return bool(self._engine.view.synthetic)

    @property
    def index_loaded(self) -> bool:
        return self._engine.index is not None

    def regions(self, level: str | None = None) -> list[dict[str, Any]]:
        """Every region with results, nation first, then provinces and kab/kota by code."""
        rows = sorted(self._engine.view.rows.values(), key=_region_order)
        return [_summary(row) for row in rows if level is None or row["level"] == level]

    def region(self, code: str) -> dict[str, Any] | None:
        """A region's card: the summary, interval, ranks, dimension scores, its chart's and report's URLs."""
        row = self._engine.view.row(code)
        if row is None:
            return None
        methodology = self._engine.methodology
        chart = ChartRequest.default_for(row)
        return {
            **_summary(row),
            "ihai_ci_low": row.get("ihai_ci_low"),
            "ihai_ci_high": row.get("ihai_ci_high"),
            "publishable": bool(row.get("publishable")),
            "target_met": row.get("target_met"),
            "rank_in_province": row.get("rank_in_province"),
            "rank_national": row.get("rank_national"),
            "dimensions": {d.name: row.get(dimension_column(d.key)) for d in methodology.dimensions},
            "weakest_dimension": row.get("weakest_dimension"),
            "synthetic": self.synthetic,
            "chart_url": chart_url(chart),
            "report_url": document_url(self.reportable(row["code"])),
        }

    def search(self, query: str, k: int) -> list[dict[str, Any]]:
        """Guidance and region-card passages for a query, best first; empty without an index."""
        index = self._engine.index
        if index is None:
            return []
        return [_plain_hit(hit) for hit in index.search(query, k)]

    # --- regions by name, and their cards ---------------------------------------------------------

    def find_regions(self, query: str, limit: int = 10) -> list[str]:
        """Province and kab/kota codes for a name as typed, best matches first: a code, the regions
        carrying exactly that name or alias (every one of a shared name: "banjar" is Kabupaten Banjar and
        Kota Banjar), names starting with it ("Banjarbaru", "Banjarmasin"), then near misses."""
        gazetteer = self._engine.gazetteer
        text = query.strip()[:MAX_SEARCH_CHARS]
        key = normalise_name(text)
        if not key:
            return []
        found: dict[str, None] = {}
        if (region := gazetteer.get(text)) is not None:
            found[region.code] = None
        found.update(dict.fromkeys(region.code for region in gazetteer.lookup(text)))
        if len(key) >= _MIN_PREFIX:
            starting = sorted(
                (len(name), codes) for name, codes in gazetteer.name_index().items() if name.startswith(key)
            )
            found.update(dict.fromkeys(code for _, codes in starting for code in codes))
        found.update(dict.fromkeys(region.code for region, _ in gazetteer.suggest(text, limit)))
        return list(found)[:limit]

    def find_provinces(self, query: str) -> list[str]:
        """The province a name means ("Kalimantan Selatan", "kalsel", "63", "kalimantan selatn"): one code
        when it is clear, several when the name fits several, none when it names no province."""
        gazetteer = self._engine.gazetteer
        text = query.strip()[:MAX_SEARCH_CHARS]
        region = gazetteer.get(text)
        exact = [region] if region is not None else gazetteer.lookup(text)
        provinces = [r.code for r in exact if r.level == PROVINSI]
        if provinces or exact:
            return provinces
        return [r.code for r, score in gazetteer.suggest(text, 3) if r.level == PROVINSI and score >= _PROVINCE_SCORE]

    def region_card(self, code: str) -> RegionCard | None:
        """The region's card: its score line as the engine's answers write it, or why there is no figure;
        None for a code the gazetteer does not know."""
        engine = self._engine
        region = engine.gazetteer.get(code)
        if region is None:
            return None
        view, phrasing = engine.view, engine.kit.phrasing
        row = view.row(region.code)
        province = region.province_name if region.level != PROVINSI else None
        lines: list[str]
        if row is None:
            where = f" ({escape(province)})" if province else ""
            lines = [f"<b>{escape(region.name)}</b>{where} belum diukur pada IHaI {view.year}."]
        elif not row.get("publishable") or row.get("ihai") is None:
            lines = [
                title(row),
                f"Responden diterima: {count(row['n_respondents'])} — di bawah batas minimum publikasi, sehingga "
                f"angka IHaI {view.year} wilayah ini tidak dipublikasikan.",
            ]
        else:
            lines = [title(row), phrasing.summary_line(row), *phrasing.caveats(row)]
        figures = row is not None
        if figures and self.synthetic:
            lines += ["", f"<i>{SYNTHETIC_LINE}</i>"]
        published = row is not None and bool(row.get("publishable")) and row.get("ihai") is not None
        return RegionCard(
            code=region.code,
            name=region.name,
            level=region.level,
            province=province,
            figure=phrasing.ihai(row["ihai"]) if published else None,
            category=row.get("category") if published else None,
            text="\n".join(lines),
            chart=ChartRequest.default_for(row) if published else None,
        )

    def region_cards(self, query: str, limit: int = 10) -> list[RegionCard]:
        """The cards of `find_regions(query)`, in that order."""
        cards = (self.region_card(code) for code in self.find_regions(query, limit))
        return [card for card in cards if card is not None]

    def region_question(self, code: str) -> str | None:
        """What to ask the engine for a region's card (a button payload, never re-read as a sentence);
        None for a code the gazetteer does not know."""
        region = self._engine.gazetteer.get(code)
        return None if region is None else encode(Payload(Intent.PROFIL, regions=(region.code,)))

    def meeting_question(self, province: str) -> str:
        """What to ask the engine for a coordination meeting's brief on a province."""
        return encode(Payload(Intent.RAPAT, regions=(province,)))

    # --- steering a conversation's context --------------------------------------------------------

    def keep_context(self, session: str, *copies: str) -> None:
        """Save `session`'s context under each of `copies` too (the context an answer leaves behind,
        kept with the messages that carry it, so that a reply to one of them continues from there)."""
        store = self._engine.store
        context = store.load(session)
        for copy in copies:
            store.save(copy, context)

    def focus_of(self, key: str) -> tuple[str, ...]:
        """The provinces saved under `key` by `set_focus` (none once expired or never set)."""
        return self._engine.store.load(key).focus

    def set_focus(self, key: str, provinces: tuple[str, ...]) -> None:
        self._engine.store.save(key, ChatContext(regions=provinces[:1], focus=provinces))

    def prepare(self, session: str, *, resume: str | None = None, focus: tuple[str, ...] = ()) -> None:
        """Before a question of `session`: take over the context saved under `resume` (the answer being
        replied to), and bring the session into `focus` (the chat's meeting provinces; () for none). A
        session entering a focus starts on that province, so "dimensi terlemahnya?" is about it."""
        store = self._engine.store
        resumed = store.load(resume) if resume else ChatContext()
        resuming = resumed != ChatContext()
        context = resumed if resuming else store.load(session)
        changed = resuming
        if context.focus != focus:
            if focus and not resuming:
                context = ChatContext(regions=focus[:1], focus=focus, pending=context.pending)
            else:
                context = replace(context, focus=focus)
            changed = True
        if changed:
            store.save(session, context)


class ChartCache:
    """The most recently used chart PNGs (about 40 KB each), or report PDFs, of one engine."""

    def __init__(self, size: int = CHART_CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, draw: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        png = draw()  # outside the lock: two threads may draw one chart once each, never wait for each other
        with self._lock:
            self._items[key] = png
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return png


def chart_url(chart: ChartRequest | None) -> str | None:
    return None if chart is None else f"/v1/regions/{chart.code}/chart.png?kind={chart.kind}"


def document_url(document: DocumentRequest | None) -> str | None:
    return None if document is None else f"/v1/regions/{document.code}/report.pdf?year={document.year}"


def _region_order(row: dict[str, Any]) -> tuple[int, str]:
    return ({"nasional": 0, "provinsi": 1}.get(row["level"], 2), row["code"])


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": row["code"],
        "name": row["name"],
        "level": row["level"],
        "province": row.get("province_name") if row["level"] == "kabkota" else None,
        "ihai": row.get("ihai"),
        "category": row.get("category"),
        "n": row.get("n_respondents"),
    }


def _plain_hit(hit: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(hit):
        return dataclasses.asdict(hit)
    if hasattr(hit, "model_dump"):
        return hit.model_dump()
    return dict(hit)
