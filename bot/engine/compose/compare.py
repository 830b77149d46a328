"""Regions side by side, and whether their difference is larger than the sampling error."""

from __future__ import annotations

from bot.engine import render
from bot.engine.compose.kit import Kit, button, figure_facts
from bot.engine.data import Row
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer
from bot.engine.payloads import Payload
from bot.engine.phrasing import display_name, province_suffix

_PROFILE_BUTTONS = 3


def compare(decision: Decision, kit: Kit) -> Answer:
    phrasing = kit.phrasing
    draft = Draft(lines=[f"<b>Perbandingan IHaI {kit.view.year}</b>"])
    rows: list[Row] = []
    # "Denpasar vs Badung untuk V6": the variables asked, beside the dimensions every comparison shows.
    asked = [key for key in decision.slots.variables if key in kit.methodology.variable_keys]
    for place, code in enumerate(decision.regions, 1):
        row = kit.view.row(code)
        if row is None:
            kit.not_measured(code, draft)
            continue
        draft.figures = True
        if not row.get("publishable"):
            kit.unpublished(row, draft)
            continue
        rows.append(row)
        draft.add(
            f"<b>{place}. {render.escape(display_name(row))}</b>{province_suffix(row)}: "
            f"<b>{phrasing.ihai(row['ihai'])}</b> · {render.escape(row['category'])} · "
            f"IK {phrasing.confidence} {render.interval(row['ihai_ci_low'], row['ihai_ci_high'])} · "
            f"n = {render.count(row['n_respondents'])}",
            "   " + phrasing.dimensions_text(row),
            *(["   " + " · ".join(f"{render.escape(phrasing.variable_label(key))} {render.number(row[key])}"
                               for key in asked)] if asked else []),  # fmt: skip
            # "dari sisi akseptabilitas": the aspects too when one is asked.
            *(["   Aspek: " + phrasing.aspects_text(row)] if decision.slots.aspects else []),
            *phrasing.caveats(row),
        )
        draft.facts[code] = figure_facts(row)
    if len(rows) == 2:
        draft.add("", _difference(*rows, kit))
    if not rows and not draft.figures:
        return kit.finish(draft, Intent.BELUM_DIUKUR, decision.regions)
    draft.facts["listed"] = [row["code"] for row in rows]
    followups = tuple(
        button(f"Profil {display_name(row)}", Payload(Intent.PROFIL, regions=(row["code"],)))
        for row in rows[:_PROFILE_BUTTONS]
    )
    return kit.finish(draft, Intent.BANDINGKAN, decision.regions, followups)


def _difference(first: Row, second: Row, kit: Kit) -> str:
    high, low = (first, second) if first["ihai"] >= second["ihai"] else (second, first)
    overlap = first["ihai_ci_low"] <= second["ihai_ci_high"] and second["ihai_ci_low"] <= first["ihai_ci_high"]
    verdict = (
        "Interval kepercayaan keduanya beririsan, jadi perbedaannya belum tentu nyata."
        if overlap
        else "Interval kepercayaan keduanya tidak beririsan: perbedaannya nyata pada tingkat kepercayaan "
        f"{kit.phrasing.confidence}."
    )
    return (
        f"{render.escape(display_name(high))} lebih tinggi {render.number(high['ihai'] - low['ihai'])} poin "
        f"dari {render.escape(display_name(low))}. {verdict}"
    )


COMPOSERS = {Intent.BANDINGKAN: compare}
