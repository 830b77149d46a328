"""The running assistant as the channels see it: the engine, plus the read methods the HTTP API needs
(region list and cards, search, health) and a reload that swaps in a freshly built engine.

Everything here reads the engine's own precomputed view and index; no channel opens a results file.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from bot.engine.model import Answer, ChartRequest, DocumentRequest
from scoring.results import dimension_column

if TYPE_CHECKING:
    from bot.engine.engine import Engine
    from bot.storage import Storage

# Every kab/kota and province chart of one round is about 550 entries; 256 keep the busy ones.
CHART_CACHE_SIZE = 256
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
