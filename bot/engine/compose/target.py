"""Targets for planning documents: a region's baseline, a yearly path to an end year and the rows of an
RPJMD/Renstra indicator table, as the project's suggestion (the plan itself is `reports.target`'s)."""

from __future__ import annotations

from bot.engine import render
from bot.engine.compose.kit import Kit, figure_facts
from bot.engine.data import Row
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer, Source
from bot.engine.phrasing import title
from core.constants import NASIONAL
from reports.target import GUIDANCE_DOCS, TargetError, caveat_lines, plan_lines, plan_target, table_lines


def target(decision: Decision, kit: Kit) -> Answer:
    # "target 2029", "2025–2029": the last year named after the baseline ends the path.
    later = [year for year in decision.slots.years if year > kit.view.year]
    until = max(later) if later else None
    return kit.per_region(decision, lambda row, draft: _section(row, draft, kit, until), kit.region_followups)


def _section(row: Row, draft: Draft, kit: Kit, until: int | None) -> None:
    escape = render.escape
    if row["level"] == NASIONAL:
        draft.add(title(row), "Usulan target disusun untuk kabupaten/kota atau provinsi: sebutkan wilayahnya, "
                  "misalnya <i>target IHaI 2029 Kab. Banjar</i>.", kit.phrasing.summary_line(row))  # fmt: skip
        draft.facts.update(figure_facts(row))
        return
    try:
        plan = plan_target(row, kit.methodology, kit.view.year, until, kit.view.synthetic)
    except TargetError as error:
        draft.add(title(row), escape(str(error)))
        return
    headline, *lines = plan_lines(plan)
    draft.add(f"<b>{escape(headline)}</b>", *map(escape, lines))
    draft.add("", "<b>Usulan baris tabel indikator RPJMD/Renstra</b>", *map(escape, table_lines(plan)))
    draft.add("", *(f"<i>{escape(line)}</i>" for line in caveat_lines(plan)))
    docs = [kit.advisor.docs[doc_id] for doc_id in GUIDANCE_DOCS if doc_id in kit.advisor.docs]
    draft.sources.extend(Source(doc.id, doc.title, tuple(doc.sources)) for doc in docs)
    if docs:
        draft.add("Panduan: " + "; ".join(f"<i>{escape(doc.title)}</i>" for doc in docs))
    draft.facts.update(
        figure_facts(row), baseline=plan.baseline, until=plan.until, step=plan.step, detectable=plan.detectable,
        path=[[year, value] for year, value in plan.path], gap=plan.gap, next_category=plan.next_category,
    )  # fmt: skip


COMPOSERS = {Intent.TARGET: target}
