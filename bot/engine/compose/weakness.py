"""Where a region is weakest: its dimensions, variables and aspects from the lowest."""

from __future__ import annotations

from bot.engine import render
from bot.engine.compose.kit import Kit, figure_facts
from bot.engine.data import Row
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer
from bot.engine.phrasing import title
from scoring.results import dimension_column

_LISTED_VARIABLES = 3


def weakest(decision: Decision, kit: Kit) -> Answer:
    return kit.per_region(decision, lambda row, draft: _section(row, draft, kit), kit.advice_followups)


def _section(row: Row, draft: Draft, kit: Kit) -> None:
    methodology, phrasing = kit.methodology, kit.phrasing
    dimension = phrasing.weakest_dimension(row)
    variable = row.get("weakest_variable") or min(methodology.variable_keys, key=lambda k: row[k])
    dimensions = sorted(methodology.dimensions, key=lambda d: row[dimension_column(d.key)])
    variables = phrasing.weakest_variables(row, _LISTED_VARIABLES)
    draft.add(
        title(row),
        f"Dimensi terlemah: {phrasing.dimension_score(row, dimension, bold=True)}",
        f"Variabel terlemah: <b>{render.escape(phrasing.variable_label(variable))}</b> ({render.number(row[variable])})",
        "Dimensi dari yang terendah: "
        + " · ".join(f"{render.escape(d.name)} {render.number(row[dimension_column(d.key)])}" for d in dimensions),
        "Tiga variabel terendah: "
        + " · ".join(f"{render.escape(phrasing.variable_label(key))} {render.number(row[key])}" for key in variables),
        "Aspek dari yang terendah: " + phrasing.aspects_text(row, weakest_first=True),
        phrasing.summary_line(row),
        *phrasing.caveats(row),
    )
    draft.facts.update(
        figure_facts(row),
        weakest_dimension=dimension,
        weakest_dimension_score=row[dimension_column(dimension)],
        weakest_variable=variable,
        weakest_variable_score=row[variable],
    )


COMPOSERS = {Intent.TERLEMAH: weakest}
