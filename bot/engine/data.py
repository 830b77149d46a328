"""A read-only, precomputed view of a results set for answering questions in microseconds.

Built once when the engine starts, for every survey round loaded: one plain dict per region code (NA as
None, numpy scalars as Python numbers), the publishable kab/kota of each province, and every ranking the
engine can be asked for. A question then costs dictionary look-ups, never a pandas filter. `RoundViews`
holds the rounds in order; the latest gives the current figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from core.constants import KABKOTA, NATIONAL_CODE, PROVINSI
from scoring.methodology import Methodology
from scoring.results import Results, aspect_column, dimension_column

Row = dict[str, Any]
# Ranking scopes besides a province code: every kab/kota nationally, or the provinces themselves.
NATIONAL_SCOPE, PROVINCES_SCOPE = "", "provinsi"


def scope_regions(scope: str) -> tuple[str, ...]:
    """The region a ranking or a band list is about: its province, or the nation for a nationwide one."""
    return (NATIONAL_CODE,) if scope in (NATIONAL_SCOPE, PROVINCES_SCOPE) else (scope,)


def _plain(value: Any) -> Any:
    """pandas/numpy cell -> Python value, with every flavour of missing as None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


class ResultsView:
    """Rows by code and sorted rankings, all computed up front."""

    def __init__(self, results: Results) -> None:
        self.methodology: Methodology = results.methodology
        self.synthetic = results.synthetic
        self.results = results
        records = [{key: _plain(value) for key, value in record.items()} for record in results.table.to_dict("records")]
        self.rows: dict[str, Row] = {row["code"]: row for row in records}
        self.year = int(results.manifest.get("year") or next((row["year"] for row in records), 0))
        self.nation: Row | None = self.rows.get(NATIONAL_CODE)
        self.metrics = (
            "ihai",
            *map(dimension_column, self.methodology.dimension_keys),
            *self.methodology.variable_keys,
            *(aspect_column(aspect.key) for aspect in self.methodology.aspects),
            "n_respondents",
        )
        self._rankings = self._build_rankings(records)

    def row(self, code: str) -> Row | None:
        return self.rows.get(code)

    def ranking(self, metric: str, scope: str = NATIONAL_SCOPE) -> list[Row]:
        """Rows ranked by `metric`, highest first: publishable kab/kota of a province (scope = its code)
        or of the nation (scope ""), or the provinces (scope "provinsi")."""
        return self._rankings.get((metric, scope), [])

    def kabkota_of(self, province_code: str) -> list[Row]:
        """The publishable kab/kota of a province, highest IHaI first."""
        return self.ranking("ihai", province_code)

    def position(self, row: Row, metric: str, scope: str) -> int | None:
        """1-based place of `row` in a ranking; for the IHaI the rank the results file states."""
        if metric == "ihai":
            column = "rank_in_province" if scope not in (NATIONAL_SCOPE, PROVINCES_SCOPE) else "rank_national"
            return row.get(column)
        ranked = self.ranking(metric, scope)
        return next((place for place, other in enumerate(ranked, 1) if other["code"] == row["code"]), None)

    def eligible_provinces(self) -> list[Row]:
        return [row for row in self.ranking("ihai", PROVINCES_SCOPE) if row.get("reporting_eligible")]

    def _build_rankings(self, records: Iterable[Row]) -> dict[tuple[str, str], list[Row]]:
        kabkota = [row for row in records if row["level"] == KABKOTA and row.get("publishable")]
        provinces = [row for row in records if row["level"] == PROVINSI and row.get("publishable")]
        scopes: dict[str, list[Row]] = {NATIONAL_SCOPE: kabkota, PROVINCES_SCOPE: provinces}
        for row in kabkota:
            scopes.setdefault(row["province_code"], []).append(row)
        return {
            (metric, scope): sorted(
                (row for row in members if row.get(metric) is not None), key=lambda row: (-row[metric], row["code"])
            )
            for metric in self.metrics
            for scope, members in scopes.items()
        }


class RoundViews:
    """Every loaded round's view, oldest first; `latest` answers everything not asked of another year."""

    def __init__(self, rounds: Sequence[Results]) -> None:
        views = sorted((ResultsView(results) for results in rounds), key=lambda view: view.year)
        if not views:
            raise ValueError("no results to answer from")
        self.views: dict[int, ResultsView] = {view.year: view for view in views}
        self.latest = views[-1]

    @property
    def years(self) -> list[int]:
        return list(self.views)

    def view(self, year: int) -> ResultsView | None:
        return self.views.get(year)

    def history(self, code: str) -> list[tuple[ResultsView, Row | None]]:
        """The region's row in every round, oldest first (None where a round has no row for it)."""
        return [(view, view.row(code)) for view in self.views.values()]
