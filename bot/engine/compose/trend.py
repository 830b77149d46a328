"""Trends: a region's (or the nation's) IHaI over the survey rounds, each round with its interval, each change
judged against its uncertainty, the dimensions beside it (judged alike), and the framework change stated
where it cuts the series.

A change counts as larger than its uncertainty by the difference test of `scoring.rounds.change`
(|difference| > z × the combined standard error of the two rounds), and the answer says so. The IHaI and
the four dimensions are compared across frameworks; variables are not, and the answer says that too.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine import render
from bot.engine.compose.kit import Kit
from bot.engine.data import ResultsView, Row
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer, ChartRequest
from bot.engine.phrasing import title
from core.constants import NATIONAL_CODE
from scoring.methodology import Dimension
from scoring.results import dimension_column, dimension_se_column
from scoring.rounds import Change, change

CAVEAT = (
    "Interval hanya mencakup galat sampling: e-survei daring bukan sampel probabilitas, jadi perubahan juga "
    "dapat berasal dari siapa yang mengisi."
)


def trend(decision: Decision, kit: Kit) -> Answer:
    regions = decision.regions or (NATIONAL_CODE,)
    draft = Draft()
    shown: list[str] = []
    for code in regions:
        if draft.lines:
            draft.add("")
        history = kit.rounds.history(code) if kit.rounds is not None else [(kit.view, kit.view.row(code))]
        if all(row is None for _, row in history):
            kit.not_measured(code, draft)
            continue
        shown.append(code)
        part = Draft()
        _series(code, history, decision, kit, part)
        draft.add(*part.lines)
        draft.facts[code] = part.facts
        draft.figures = True
    if len(regions) == 1 and regions[0] in draft.facts:
        draft.facts = draft.facts[regions[0]]  # type: ignore[assignment]
    intent = Intent.TREN if shown else Intent.BELUM_DIUKUR
    measured = [code for code in shown if _with_figures(kit, code) >= 2]
    chart = ChartRequest("region_trend", measured[0]) if len(measured) == 1 and len(regions) == 1 else None
    return kit.finish(draft, intent, regions, kit.region_followups(shown[0]) if shown else (), chart)


def _with_figures(kit: Kit, code: str) -> int:
    if kit.rounds is None:
        return 0
    return sum(row is not None and row.get("ihai") is not None for _, row in kit.rounds.history(code))


def _series(code: str, history: list[tuple[ResultsView, Row | None]], decision: Decision, kit: Kit, draft: Draft) -> None:
    latest = next(row for _, row in reversed(history) if row is not None)
    draft.add(f"{title(latest)} — tren IHaI antarputaran")
    points = [(view, row) for view, row in history if row is not None and row.get("ihai") is not None]
    if len(points) >= 2:
        # "tren dimensi keberagamaan nasional": the dimension asked for first, then the whole series.
        years = " → ".join(str(view.year) for view, _ in points)
        for key in decision.slots.dimensions:
            dimension = next((d for d in kit.methodology.dimensions if d.key == key), None)
            if dimension is not None:
                draft.add(f"<b>Dimensi {_dimension_part(dimension, points, kit)}</b> ({years})")
    previous: ResultsView | None = None
    for view, row in history:
        if previous is not None and view.methodology.id != previous.methodology.id:
            draft.add(_framework_line(previous, view))
        previous = view
        draft.add(_round_line(view, row, kit))
    draft.facts["series"] = {view.year: row["ihai"] for view, row in points}
    if len(points) < 2:
        loaded = len(history)
        draft.add(
            "Baru satu putaran yang dimuat, jadi naik-turunnya belum bisa ditunjukkan."
            if loaded < 2
            else "Wilayah ini punya angka IHaI pada satu putaran saja, jadi naik-turunnya belum bisa ditunjukkan."
        )
        return
    z = kit.methodology.z
    draft.add("", "<b>Perubahan IHaI</b> (bermakna = selisih melampaui ketidakpastiannya):")
    changes = {}
    for (before_view, before), (after_view, after) in zip(points, points[1:], strict=False):
        step = change(before["ihai"], before.get("ihai_se"), after["ihai"], after.get("ihai_se"), z)
        changes[(before_view.year, after_view.year)] = step
        draft.add(f"• {before_view.year} → {after_view.year}: {_change_text(step)}")
    span = _asked_span(points, decision)
    if span is not None and (span[0][0].year, span[1][0].year) not in changes:
        (before_view, before), (after_view, after) = span
        step = change(before["ihai"], before.get("ihai_se"), after["ihai"], after.get("ihai_se"), z)
        changes[(before_view.year, after_view.year)] = step
        draft.add(f"• {before_view.year} → {after_view.year} (yang ditanyakan): {_change_text(step)}")
    draft.facts["changes"] = {f"{a}-{b}": step.difference for (a, b), step in changes.items()}
    draft.facts["significant"] = {f"{a}-{b}": step.significant for (a, b), step in changes.items()}
    draft.add(difference_test_note(kit))
    draft.add("", _dimensions_line(points, kit))
    if latest["level"] != "kabkota":
        draft.add(
            "Kab/kota terukur: "
            + " → ".join(f"{render.count(row['n_kabkota_measured'])} ({view.year})" for view, row in points)
            + " — rata-rata tiap putaran dihitung atas kab/kota yang terukur pada putaran itu."
        )
        target = render.count(kit.methodology.survey.target_respondents)
        draft.add(
            f"Kab/kota yang mencapai target {target} responden: "
            + " → ".join(f"{render.count(row['n_kabkota_at_target'])} ({view.year})" for view, row in points)
        )
    draft.add(f"<i>{CAVEAT}</i>")


def difference_test_note(kit: Kit) -> str:
    """The test every change is judged by, named in the answer."""
    return (
        f"<i>Uji beda dua putaran: perubahan disebut bermakna bila selisihnya lebih dari "
        f"{render.number(kit.methodology.z)} × galat baku gabungan kedua putaran (tingkat kepercayaan "
        f"{kit.phrasing.confidence}); ini lebih tegas daripada melihat apakah kedua interval bertumpang-tindih.</i>"
    )


def _round_line(view: ResultsView, row: Row | None, kit: Kit) -> str:
    if row is None:
        return f"{view.year}: belum diukur"
    if row.get("ihai") is None:
        return (
            f"{view.year}: {render.count(row['n_respondents'])} responden, di bawah batas publikasi "
            f"{view.methodology.survey.min_publishable}; angka tidak dipublikasikan"
        )
    ihai = render.score(row["ihai"], view.methodology.band_edges)
    respondents = render.count(row["n_respondents"])
    return (
        f"{view.year}: <b>{ihai}</b> — {render.escape(row['category'])} · IK {kit.phrasing.confidence} "
        f"{render.interval(row['ihai_ci_low'], row['ihai_ci_high'])} · n = {respondents}"
    )


def _framework_line(before: ResultsView, after: ResultsView) -> str:
    return (
        f"<i>— Kerangka berganti pada {after.year}: {render.escape(before.methodology.name)} "
        f"({len(before.methodology.variables)} variabel) → {render.escape(after.methodology.name)} "
        f"({len(after.methodology.variables)} variabel). IHaI dan keempat dimensi dibandingkan; "
        "variabel tidak, karena berbeda.</i>"
    )


def _change_text(step: Change) -> str:
    amount = render.number(abs(step.difference))
    moved = f"{step.direction} {amount}" if step.direction != "tetap" else "tetap"
    if step.significant is None:
        return f"{moved} (tanpa uji: galat baku tidak tersedia)"
    if step.significant:
        return f"<b>{moved}</b> — lebih besar dari ketidakpastiannya (galat baku gabungan {render.number(step.se, 3)})"
    return f"{moved} — masih dalam ketidakpastian (galat baku gabungan {render.number(step.se, 3)}), belum bisa disebut berubah"


Point = tuple[ResultsView, Row]


def named_span(asked: Sequence[int], available: Sequence[int]) -> tuple[int, int] | None:
    """ "2023 ke 2025", "dibanding 2024": the two rounds a question names, or from the one it names to the
    latest available; None when it names none of them, or only the latest."""
    years = sorted({year for year in asked if year in available})
    if not years:
        return None
    first, last = years[0], years[-1] if len(years) > 1 else max(available)
    return (first, last) if first != last else None


def _asked_span(points: list[Point], decision: Decision) -> tuple[Point, Point] | None:
    span = named_span(decision.slots.years, [view.year for view, _ in points])
    if span is None:
        return None
    by_year = {view.year: (view, row) for view, row in points}
    return by_year[span[0]], by_year[span[1]]


def _dimensions_line(points: list[Point], kit: Kit) -> str:
    """The dimensions round by round (the same four in every framework), each change judged by the same
    difference test as the IHaI's, from the dimensions' own standard errors."""
    years = " → ".join(str(view.year) for view, _ in points)
    return f"Dimensi ({years}): " + " · ".join(_dimension_part(dimension, points, kit) for dimension in kit.methodology.dimensions)


def _dimension_part(dimension: Dimension, points: list[Point], kit: Kit) -> str:
    column, se_column = dimension_column(dimension.key), dimension_se_column(dimension.key)
    values = " → ".join(render.number(row.get(column)) for _, row in points)
    moves, untested = [], False
    for (before_view, before), (after_view, after) in zip(points, points[1:], strict=False):
        if before.get(column) is None or after.get(column) is None:
            continue
        step = change(before[column], before.get(se_column), after[column], after.get(se_column), kit.methodology.z)
        untested |= step.significant is None
        if step.significant:
            moves.append(f"{step.direction} bermakna {before_view.year}→{after_view.year}")
    verdict = ", ".join(moves) if moves else ("tanpa uji" if untested else "perubahan dalam ketidakpastian")
    return f"{render.escape(dimension.name)} {values} ({verdict})"


COMPOSERS = {Intent.TREN: trend}
