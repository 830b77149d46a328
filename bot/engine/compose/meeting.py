"""A coordination meeting's brief on a province: what a help desk pins at the start of the meeting.

Short enough to read on a phone and to pin: the province's score, how its kab/kota spread over the
categories, which are under the respondent target, its weakest dimensions and its lowest kab/kota.
"""

from __future__ import annotations

from dataclasses import replace

from bot.engine import render
from bot.engine.compose.kit import Kit, figure_facts
from bot.engine.data import Row
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer
from bot.engine.phrasing import display_name, title
from scoring.results import dimension_column

_WEAKEST_DIMENSIONS = 2
_LOWEST_KABKOTA = 3


def meeting_brief(decision: Decision, kit: Kit) -> Answer:
    answer = kit.per_region(decision, lambda row, draft: _section(row, draft, kit), kit.region_followups)
    measured = [code for code in decision.regions if kit.view.row(code) is not None]
    # The ranking chart beside the brief: on a projector the meeting sees every kab/kota at once.
    return replace(answer, chart=kit.chart_for(measured[0])) if len(measured) == 1 else answer


def _section(row: Row, draft: Draft, kit: Kit) -> None:
    view, phrasing, methodology = kit.view, kit.phrasing, kit.methodology
    draft.add(f"📌 <b>Ringkasan rapat</b> — {title(row)}", phrasing.summary_line(row))
    if row["level"] == "kabkota":
        draft.add(phrasing.respondents_line(row))
    else:
        draft.add(phrasing.category_spread(row), phrasing.coverage_lines(row)[0])
        if row["level"] == "provinsi":
            draft.add(*phrasing.coverage_gaps(row["code"]))
    dimensions = sorted(methodology.dimensions, key=lambda d: row[dimension_column(d.key)])[:_WEAKEST_DIMENSIONS]
    draft.add(
        "Dimensi terlemah: "
        + " · ".join(f"{render.escape(d.name)} {render.number(row[dimension_column(d.key)])}" for d in dimensions)
    )
    lowest = list(reversed(view.kabkota_of(row["code"])[-_LOWEST_KABKOTA:])) if row["level"] == "provinsi" else []
    if lowest:
        draft.add(
            "Kab/kota terendah: "
            + " · ".join(f"{render.escape(display_name(r))} {phrasing.ihai(r['ihai'])}" for r in lowest)
        )
    draft.add(*phrasing.caveats(row))
    if row["level"] == "provinsi":
        draft.add("", "<i>Selama rapat, pertanyaan tentang kab/kota di provinsi ini tidak perlu menyebut "
                      "provinsinya.</i>")  # fmt: skip
    draft.facts.update(
        figure_facts(row),
        weakest_dimensions=[d.key for d in dimensions],
        lowest=[r["code"] for r in lowest],
        listed=[r["code"] for r in lowest],
    )


COMPOSERS = {Intent.RAPAT: meeting_brief}
