"""Coverage: respondents against the 1,250 target, and which kab/kota keep a province from being reported."""

from __future__ import annotations

from bot.engine import render
from bot.engine.compose.kit import Kit, figure_facts
from bot.engine.data import Row
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer
from bot.engine.phrasing import title


def coverage(decision: Decision, kit: Kit) -> Answer:
    return kit.per_region(decision, lambda row, draft: _section(row, draft, kit), kit.region_followups)


def _section(row: Row, draft: Draft, kit: Kit) -> None:
    phrasing = kit.phrasing
    draft.add(title(row))
    if row["level"] == "kabkota":
        target = kit.methodology.survey.target_respondents
        draft.add(phrasing.respondents_line(row))
        if not row.get("target_met"):
            draft.add(f"Kurang {render.count(target - row['n_respondents'])} responden untuk mencapai target.")
    else:
        draft.add(*phrasing.coverage_lines(row))
        if row["level"] == "provinsi":
            draft.add(*phrasing.coverage_gaps(row["code"]))
    draft.add(phrasing.summary_line(row), *phrasing.caveats(row))
    draft.facts.update(
        figure_facts(row), target_met=row.get("target_met"), reporting_eligible=row.get("reporting_eligible")
    )


COMPOSERS = {Intent.CAKUPAN: coverage}
