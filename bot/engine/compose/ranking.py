"""Rankings (top, bottom or both ends; of kab/kota nationally or in a province, or of provinces; by IHaI,
a dimension or a variable) and the regions of one category band."""

from __future__ import annotations

from bot.engine import render
from bot.engine.compose.kit import Kit, button
from bot.engine.compose.movers import change_ranking
from bot.engine.data import NATIONAL_SCOPE, PROVINCES_SCOPE, Row, scope_regions
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer, Button, ChartRequest
from bot.engine.payloads import Payload
from bot.engine.phrasing import band_text, display_name
from bot.engine.slots import BOTH, BOTTOM, TOP, Slots
from scoring.results import aspect_column, dimension_column

DEFAULT_TOP_N = 5
RESPONDENTS = "n_respondents"
_LISTED_IN_CATEGORY = 20


def ranking(decision: Decision, kit: Kit) -> Answer:
    if decision.slots.change_order:
        return change_ranking(decision, kit)  # "kenaikan terbesar": changes between rounds, ranked
    slots, scope = decision.slots, decision.scope
    metric = _metric(slots)
    ranked = kit.view.ranking(metric, scope)
    if not ranked:
        draft = Draft()
        if scope in ("", PROVINCES_SCOPE):
            draft.add("Belum ada kab/kota dengan angka yang dipublikasikan.")
        else:
            kit.not_measured(scope, draft)
        return kit.finish(draft, Intent.BELUM_DIUKUR, (scope,) if draft.facts else ())
    if slots.threshold:
        return _past_threshold(decision, ranked, metric, slots.threshold, kit)
    n = min(slots.n or DEFAULT_TOP_N, len(ranked))
    draft = Draft(figures=True)
    order = slots.order or TOP
    ends = (TOP, BOTTOM) if order == BOTH else (order,)
    shown: list[Row] = []
    below_target = False
    for end in ends:
        if end == TOP:
            chosen = ranked[:n]
        else:
            # Alone, the weakest first, where attention is needed most; beside the top, in ranking order.
            chosen = ranked[-n:] if order == BOTH else list(reversed(ranked[-n:]))
        chosen = [row for row in chosen if row not in shown]
        if shown:
            draft.add("")
        draft.add(_title(n, metric, end == BOTTOM, scope, kit))
        for row in chosen:
            below_target |= _line(row, metric, scope, draft, kit)
        shown += chosen
    unit = "provinsi" if scope == PROVINCES_SCOPE else "kab/kota"
    draft.add("", f"Dari {len(ranked)} {unit} yang angkanya dipublikasikan.")
    if below_target:
        draft.add(_below_target_note(kit))
    draft.facts.update(scope=scope, metric=metric, order=order, codes=[row["code"] for row in shown],
                       listed=[row["code"] for row in shown])  # fmt: skip
    regions = scope_regions(scope)
    # A button carries a variable, dimension or aspect, not the respondents: no other-end button for them.
    followups = () if order == BOTH or metric == RESPONDENTS else (_flipped(n, metric, order == BOTTOM, scope, kit),)
    chart = ChartRequest("province_ranking", scope) if scope not in (NATIONAL_SCOPE, PROVINCES_SCOPE) else None
    return kit.finish(draft, Intent.PERINGKAT, regions, followups, chart)


def _past_threshold(
    decision: Decision, ranked: list[Row], metric: str, threshold: tuple[str, float], kit: Kit
) -> Answer:
    """The regions whose figure is below (weakest first) or above (best first) the value the user gave."""
    side, value = threshold
    scope = decision.scope
    # Compared as shown (two decimals): a 6,998 shown as 7,00 is not "below 7".
    chosen = [row for row in ranked if (round(row[metric], 2) < value if side == BOTTOM else round(row[metric], 2) > value)]
    if side == BOTTOM:
        chosen.reverse()
    measure = "IHaI" if metric == "ihai" else kit.phrasing.metric_label(metric)
    if scope == PROVINCES_SCOPE and metric != RESPONDENTS:
        measure = f"rata-rata {measure}"  # a province's score is the mean of its kab/kota
    shown_value = render.count(value) if metric == RESPONDENTS else render.number(value)
    unit = "provinsi" if scope == PROVINCES_SCOPE else "kab/kota"
    draft = Draft(figures=True)
    draft.add(
        f"<b>{render.count(len(chosen))} dari {render.count(len(ranked))} {unit}{render.escape(_where(scope, kit))} dengan "
        f"{render.escape(measure)} {'di bawah' if side == BOTTOM else 'di atas'} {shown_value}</b>"
    )
    below_target = False
    for row in chosen[:_LISTED_IN_CATEGORY]:
        below_target |= _line(row, metric, scope, draft, kit)
    _add_rest(chosen, draft)
    if below_target:
        draft.add("", _below_target_note(kit))
    shown = [row["code"] for row in chosen[:_LISTED_IN_CATEGORY]]
    draft.facts.update(scope=scope, metric=metric, order=side, codes=[row["code"] for row in chosen], listed=shown)
    return kit.finish(draft, Intent.PERINGKAT, scope_regions(scope))


def _metric(slots: Slots) -> str:
    """What a ranking ranks by: the variable, dimension or aspect named ("partisipasi paling rendah"), the
    respondents ("responden terbanyak"), else IHaI."""
    if slots.variables:
        return slots.variables[0]
    if slots.dimensions:
        return dimension_column(slots.dimensions[0])
    if slots.aspects:
        return aspect_column(slots.aspects[0])
    return RESPONDENTS if slots.asks_coverage else "ihai"


def _line(row: Row, metric: str, scope: str, draft: Draft, kit: Kit) -> bool:
    """One ranked region; returns whether it is a kab/kota under the respondent target."""
    place = kit.view.position(row, metric, scope)
    if metric == "ihai":
        figure = kit.phrasing.ihai(row[metric])
    else:
        figure = render.count(row[metric]) if metric == RESPONDENTS else render.number(row[metric])
    line = f"{place}. {render.escape(display_name(row))} — <b>{figure}</b>"
    if metric == "ihai":
        line += (
            f" · {render.escape(row['category'])} · IK {kit.phrasing.confidence} "
            f"{render.interval(row['ihai_ci_low'], row['ihai_ci_high'])}"
        )
    if metric != RESPONDENTS:
        line += f" · n = {render.count(row['n_respondents'])}"
    if metric == "ihai" and scope == "" and (ranks := kit.phrasing.weight_ranks(row)):
        line += f" · {ranks}"  # the national rank this list gives, and how far it rests on the weights
    under = row["level"] == "kabkota" and not row.get("target_met")
    draft.add(line + (" *" if under else ""))
    return under


def _title(n: int, metric: str, bottom: bool, scope: str, kit: Kit) -> str:
    if scope == PROVINCES_SCOPE:
        # A province's score is the mean of its kab/kota; its respondents are their sum.
        what = "provinsi dengan" if metric == RESPONDENTS else "provinsi dengan rata-rata"
    else:
        what = "kab/kota dengan"
    measure = "IHaI" if metric == "ihai" else kit.phrasing.metric_label(metric)
    if scope == PROVINCES_SCOPE:
        where = ""
    else:
        where = " secara nasional" if not scope else f" di {kit.view.rows[scope]['name']}"
    if metric == RESPONDENTS:
        end = "tersedikit" if bottom else "terbanyak"
    else:
        end = "terendah" if bottom else "tertinggi"
    return f"<b>{n} {what} {render.escape(measure)} {end}{render.escape(where)}</b>"


def _flipped(n: int, metric: str, bottom: bool, scope: str, kit: Kit) -> Button:
    """The same ranking from the other end, as a button."""
    payload = Payload(
        Intent.PERINGKAT,
        n=n,
        order=TOP if bottom else BOTTOM,
        scope=scope,
        dimension=metric.removeprefix("dim_") if metric.startswith("dim_") else None,
        variable=metric if metric in kit.methodology.variable_keys else None,
        aspect=metric.removeprefix("aspect_") if metric.startswith("aspect_") else None,
    )
    unit = "provinsi " if scope == PROVINCES_SCOPE else ""
    return button(f"{n} {unit}{'tertinggi' if bottom else 'terendah'}", payload)


def category(decision: Decision, kit: Kit) -> Answer:
    """The kab/kota (or provinces) of one category band, within a province or nationally."""
    label, scope = decision.slots.category, decision.scope
    ranked = kit.view.ranking("ihai", scope)
    if not ranked and scope not in ("", PROVINCES_SCOPE):
        draft = Draft()
        kit.not_measured(scope, draft)  # "harmoni rendah di Papua tahun 2023": no kab/kota measured there
        return kit.finish(draft, Intent.BELUM_DIUKUR, (scope,))
    chosen = [row for row in ranked if row["category"] == label]
    if label == kit.methodology.categories.bands[0].label:
        chosen.reverse()  # the lowest band: the weakest regions first, where attention is needed most
    unit = "provinsi" if scope == PROVINCES_SCOPE else "kab/kota"
    draft = Draft(figures=True)
    draft.add(
        f"<b>{render.count(len(chosen))} dari {render.count(len(ranked))} {unit}{render.escape(_where(scope, kit))} "
        f"berkategori {render.escape(label or '')}</b>"
    )
    draft.add(
        *(
            f"• {render.escape(display_name(row))} — {kit.phrasing.ihai(row['ihai'])} · "
            f"keyakinan kategori {render.chance(row['category_probability'])}"
            for row in chosen[:_LISTED_IN_CATEGORY]
        )
    )
    _add_rest(chosen, draft)
    bands = kit.methodology.categories.bands
    band = next(b for b in bands if b.label == label)
    upper = next((b.lower for b in bands if b.lower > band.lower), None)
    draft.add(
        "",
        f"Batas kategori: {band_text(band.label, band.lower, upper)}"
        + (" (sementara)." if kit.methodology.categories.provisional else "."),
    )
    shown = [row["code"] for row in chosen[:_LISTED_IN_CATEGORY]]
    draft.facts.update(scope=scope, category=label, codes=[row["code"] for row in chosen], listed=shown)
    return kit.finish(draft, Intent.KATEGORI, scope_regions(scope))


def _below_target_note(kit: Kit) -> str:
    """The footnote of the lines marked "*": kab/kota under the respondent target."""
    target = render.count(kit.methodology.survey.target_respondents)
    return f"* Di bawah target {target} responden: angka indikatif, bukan hasil yang dilaporkan Kemendagri."


def _add_rest(chosen: list[Row], draft: Draft) -> None:
    """How many a list leaves out, when it is longer than it shows."""
    if len(chosen) > _LISTED_IN_CATEGORY:
        draft.add(f"… dan {render.count(len(chosen) - _LISTED_IN_CATEGORY)} lainnya.")


def _where(scope: str, kit: Kit) -> str:
    """Where a list's regions lie, as its title says it: " secara nasional", " di Jawa Timur", or nothing."""
    if scope == PROVINCES_SCOPE:
        return ""
    if not scope:
        return " secara nasional"
    return f" di {kit.view.rows[scope]['name']}" if scope in kit.view.rows else ""


COMPOSERS = {Intent.PERINGKAT: ranking, Intent.KATEGORI: category}
