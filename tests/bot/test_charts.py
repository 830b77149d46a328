"""Both chart kinds render to valid PNG bytes from the real results."""

from __future__ import annotations

import pytest

from bot.engine.engine import Engine
from bot.engine.model import ChartRequest

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _measured(engine: Engine, level: str) -> str:
    return next(code for code, row in engine.view.rows.items() if row["level"] == level and row.get("ihai") is not None)


@pytest.mark.parametrize(("kind", "level"), [("region_dimensions", "kabkota"), ("province_ranking", "provinsi")])
def test_chart_is_a_png(engine: Engine, kind: str, level: str) -> None:
    png = engine.chart_png(ChartRequest(kind, _measured(engine, level)))  # type: ignore[arg-type]
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 5_000


def test_the_chart_an_answer_attaches_renders(engine: Engine) -> None:
    answer = engine.ask("ihai kalsel", "charts")
    assert answer.chart is not None
    assert engine.chart_png(answer.chart).startswith(PNG_SIGNATURE)


def test_no_chart_for_a_region_without_figures(engine: Engine) -> None:
    with pytest.raises(ValueError):
        engine.chart_png(ChartRequest("region_dimensions", "53.71"))
