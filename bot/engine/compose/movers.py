"""Rankings of change between two survey rounds: the kab/kota (or provinces) whose IHaI, or one dimension,
rose or fell the most, each change judged by the difference test of `scoring.rounds.change`.

Only regions with a published figure in both rounds are ranked. The IHaI and the four dimensions are
compared across the change of framework in 2025 (the same 0–10 scale); variables are not, so a ranking
of a variable's change is not offered.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine import render
from bot.engine.compose.kit import Kit
from bot.engine.compose.trend import CAVEAT, difference_test_note, named_span
from bot.engine.data import PROVINCES_SCOPE, ResultsView, Row, scope_regions
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer
from bot.engine.phrasing import display_name
from bot.engine.slots import BOTH, BOTTOM, TOP
from scoring.results import dimension_column, dimension_se_column
from scoring.rounds import Change, change

DEFAULT_N = 5


@dataclass(frozen=True)
class Move:
    before: Row
    after: Row
    step: Change


def change_ranking(decision: Decision, kit: Kit) -> Answer:
    slots, scope = decision.slots, decision.scope
    regions = scope_regions(scope)
    draft = Draft(figures=True)
    span = _span(kit, slots.years)
    if span is None:
        draft.add("Baru satu putaran hasil IHaI yang dimuat, jadi kenaikan dan penurunan antarputaran belum bisa "
                  "diurutkan.")  # fmt: skip
        return kit.finish(draft, Intent.PERINGKAT, regions)
    first, last = span
    dimension = slots.dimensions[0] if slots.dimensions else None
    metric, se = (dimension_column(dimension), dimension_se_column(dimension)) if dimension else ("ihai", "ihai_se")
    moves = _moves(first, last, scope, metric, se, kit.methodology.z)
    unit = "provinsi" if scope == PROVINCES_SCOPE else "kab/kota"
    if not moves:
        draft.add(f"Tidak ada {unit} dengan angka yang dipublikasikan pada putaran {first.year} dan {last.year} "
                  "sekaligus, jadi perubahannya belum bisa diurutkan.")  # fmt: skip
        return kit.finish(draft, Intent.PERINGKAT, regions)
    measure = "IHaI" if dimension is None else f"dimensi {kit.phrasing.dimension_name(dimension)}"
    where = {"": " secara nasional", PROVINCES_SCOPE: ""}.get(scope)
    if where is None:
        where = f" di {kit.view.rows[scope]['name']}"
    n = min(slots.n or DEFAULT_N, len(moves))
    order = slots.change_order or TOP
    listed: list[str] = []
    for end in (TOP, BOTTOM) if order == BOTH else (order,):
        rising = end == TOP
        moved = (move for move in (moves if rising else moves[::-1]) if move.step.difference != 0)
        chosen = [move for move in moved if (move.step.difference > 0) == rising][:n]
        if draft.lines:
            draft.add("")
        kind = "kenaikan" if rising else "penurunan"
        draft.add(f"<b>{len(chosen) or n} {unit} dengan {kind} {render.escape(measure)} terbesar{render.escape(where)}, "
                  f"{first.year} → {last.year}</b>")  # fmt: skip
        if not chosen:
            draft.add(f"Tidak ada {unit} yang {'naik' if rising else 'turun'}.")
        for place, move in enumerate(chosen, 1):
            draft.add(_line(place, move, metric, first, last))
        listed += [move.after["code"] for move in chosen]
    significant = sum(bool(move.step.significant) for move in moves)
    rose, fell = (sum(move.step.difference > 0 for move in moves), sum(move.step.difference < 0 for move in moves))
    draft.add("", f"Dari {render.count(len(moves))} {unit} yang angkanya dipublikasikan pada kedua putaran: "
                  f"{render.count(rose)} naik dan {render.count(fell)} turun; {render.count(significant)} di antaranya "
                  "berubah melebihi ketidakpastiannya.")  # fmt: skip
    if first.methodology.id != last.methodology.id:
        draft.add(f"<i>Kerangka berganti antara {first.year} dan {last.year}: IHaI dan keempat dimensi dibandingkan "
                  "(skala 0–10 yang sama), variabel tidak.</i>")  # fmt: skip
    draft.add(difference_test_note(kit), f"<i>{CAVEAT}</i>")
    draft.facts.update(scope=scope, metric=metric, order=order, years=[first.year, last.year], codes=listed, rose=rose, fell=fell,
                       listed=listed, changes={move.after["code"]: move.step.difference for move in moves})  # fmt: skip
    return kit.finish(draft, Intent.PERINGKAT, regions, kit.region_followups(regions[0]))


def _span(kit: Kit, years: tuple[int, ...]) -> tuple[ResultsView, ResultsView] | None:
    """The two rounds compared: the two the question names, from the one it names to the latest, or else the
    last two loaded."""
    if kit.rounds is None or len(kit.rounds.views) < 2:
        return None
    available = sorted(kit.rounds.views)
    first, last = named_span(years, available) or (available[-2], available[-1])
    return kit.rounds.views[first], kit.rounds.views[last]


def _moves(first: ResultsView, last: ResultsView, scope: str, metric: str, se: str, z: float) -> list[Move]:
    """Regions published in both rounds, the largest rise first."""
    before = {row["code"]: row for row in first.ranking("ihai", scope)}
    moves = [
        Move(
            before[row["code"]],
            row,
            change(before[row["code"]][metric], before[row["code"]].get(se), row[metric], row.get(se), z),
        )
        for row in last.ranking("ihai", scope)
        if row["code"] in before and row.get(metric) is not None and before[row["code"]].get(metric) is not None
    ]
    return sorted(moves, key=lambda move: (-move.step.difference, move.after["code"]))


def _line(place: int, move: Move, metric: str, first: ResultsView, last: ResultsView) -> str:
    step = move.step
    verdict = {True: "bermakna", False: "dalam ketidakpastian"}.get(step.significant, "tanpa uji")
    return (
        f"{place}. {render.escape(display_name(move.after))} — <b>{step.direction} {render.number(abs(step.difference))}</b> "
        f"({_value(move.before[metric], metric, first)} → {_value(move.after[metric], metric, last)}) · {verdict}"
    )


def _value(value: float, metric: str, view: ResultsView) -> str:
    # An IHaI is never shown rounded onto a category edge it lies below, in its own round's bands.
    return render.score(value, view.methodology.band_edges) if metric == "ihai" else render.number(value)
