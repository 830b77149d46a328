"""PNG charts for answers: a region's dimensions against its province and the nation, a province's kab/kota
ranking, and a region's IHaI over the survey rounds. Drawn with matplotlib's Agg canvas directly (no pyplot), so that concurrent requests
share no global figure state.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.engine import render
from bot.engine.data import Row
from scoring.methodology import Methodology
from scoring.results import dimension_column

SYNTHETIC_MARK = "Data sampel sintetis"
_COLOURS = ("#1f5fa8", "#8fb3de", "#c9c9c9")
_AT_TARGET, _BELOW_TARGET = "#1f5fa8", "#e3a13b"
_DPI = 110


def region_dimensions_png(
    region: Row, province: Row | None, nation: Row | None, methodology: Methodology, synthetic: bool
) -> bytes:
    """Grouped bars: each dimension's score for the region, its province and the nation."""
    series = [(region["name"], region)]
    if province is not None and province["code"] != region["code"]:
        series.append((f"Rata-rata {province['name']}", province))
    if nation is not None and nation["code"] != region["code"]:
        series.append(("Rata-rata nasional", nation))
    labels = [dimension.name for dimension in methodology.dimensions]
    figure = Figure(figsize=(7.5, 4.2), dpi=_DPI)
    axes = figure.add_subplot()
    width = 0.8 / len(series)
    for index, (name, row) in enumerate(series):
        values = [row.get(dimension_column(key)) or 0.0 for key in methodology.dimension_keys]
        positions = [place + (index - (len(series) - 1) / 2) * width for place in range(len(labels))]
        bars = axes.bar(positions, values, width, label=name, color=_COLOURS[index % len(_COLOURS)])
        axes.bar_label(bars, labels=[render.number(value) for value in values], fontsize=7, padding=2)
    axes.set_xticks(range(len(labels)), labels)
    axes.set_ylim(0, methodology.scale.score_max)
    axes.set_ylabel(f"Skor (0–{render.number(methodology.scale.score_max, 0)})")
    axes.set_title(
        f"{region['name']}: IHaI {render.score(region['ihai'], methodology.band_edges)} ({region['category']})",
        fontsize=11,
    )
    axes.legend(fontsize=8, loc="lower right")
    return _png(figure, synthetic)


def province_ranking_png(province: Row, kabkota: list[Row], methodology: Methodology, synthetic: bool) -> bytes:
    """Horizontal bars of the province's kab/kota by IHaI, highest on top; below-target bars coloured apart."""
    ordered = list(reversed(kabkota))  # barh draws from the bottom up
    figure = Figure(figsize=(7.5, max(3.0, 0.32 * len(ordered) + 1.4)), dpi=_DPI)
    axes = figure.add_subplot()
    colours = [_AT_TARGET if row.get("target_met") else _BELOW_TARGET for row in ordered]
    bars = axes.barh([row["name"] for row in ordered], [row["ihai"] for row in ordered], color=colours)
    axes.bar_label(bars, labels=[render.score(row["ihai"], methodology.band_edges) for row in ordered], fontsize=7, padding=2)
    if province.get("ihai") is not None:
        axes.axvline(province["ihai"], color="#444444", linestyle="--", linewidth=1)
    for band in methodology.categories.bands[1:]:
        axes.axvline(band.lower, color="#bbbbbb", linewidth=0.8)
    axes.set_xlim(0, methodology.scale.score_max)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_xlabel(
        f"IHaI (garis putus: rata-rata provinsi {render.number(province.get('ihai'))}; "
        f"oranye: di bawah target {render.count(methodology.survey.target_respondents)} responden)",
        fontsize=7,
    )
    axes.set_title(f"Peringkat kab/kota {province['name']}", fontsize=11)
    return _png(figure, synthetic)


def region_trend_png(
    region: Row, history: list[tuple[int, Methodology, Row]], methodology: Methodology, synthetic: bool
) -> bytes:
    """The IHaI round by round with its 95% interval, the category edges, and a dashed line where the
    framework changed."""
    points = [(year, framework, row) for year, framework, row in history if row.get("ihai") is not None]
    years = [year for year, _, _ in points]
    values = [row["ihai"] for _, _, row in points]
    below = [value - row["ihai_ci_low"] for value, (_, _, row) in zip(values, points, strict=True)]
    above = [row["ihai_ci_high"] - value for value, (_, _, row) in zip(values, points, strict=True)]
    figure = Figure(figsize=(7.5, 4.2), dpi=_DPI)
    axes = figure.add_subplot()
    axes.errorbar(years, values, yerr=[below, above], color=_COLOURS[0], marker="o", capsize=4, linewidth=2,
                  label=f"IHaI {region['name']} (garis tegak: interval {render.percent(methodology.survey.confidence_level)})")  # fmt: skip
    for year, value in zip(years, values, strict=True):
        axes.annotate(render.number(value), (year, value), textcoords="offset points", xytext=(0, 9), ha="center", fontsize=8)
    low = min(row["ihai_ci_low"] for _, _, row in points)
    high = max(row["ihai_ci_high"] for _, _, row in points)
    edges = [band.lower for band in methodology.categories.bands[1:] if low - 1 <= band.lower <= high + 1]
    axes.set_ylim(min([low, *edges]) - 0.3, max([high, *edges]) + 0.3)
    for band in methodology.categories.bands[1:]:
        if band.lower not in edges:
            continue
        axes.axhline(band.lower, color="#bbbbbb", linewidth=0.8)
        axes.text(years[0], band.lower, f" {band.label}", fontsize=7, color="#777777", va="bottom")
    for (_, before, _), (year, after, _) in zip(points, points[1:], strict=False):
        if before.id != after.id:
            axes.axvline(year - 0.5, color="#444444", linestyle="--", linewidth=1)
            axes.text(year - 0.5, axes.get_ylim()[0], " kerangka berganti", fontsize=7, rotation=90, va="bottom")
    axes.set_xticks(years, [str(year) for year in years])
    axes.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    axes.set_ylabel(f"IHaI (0–{render.number(methodology.scale.score_max, 0)})")
    axes.set_title(f"Tren IHaI {region['name']}", fontsize=11)
    axes.legend(fontsize=8, loc="lower right")
    return _png(figure, synthetic)


def _png(figure: Figure, synthetic: bool) -> bytes:
    if synthetic:
        figure.text(0.99, 0.01, SYNTHETIC_MARK, ha="right", va="bottom", fontsize=9, color="#b00020", alpha=0.8)
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()
