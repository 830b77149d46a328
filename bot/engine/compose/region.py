"""Profiles: a kab/kota's figures, and a province's or the nation's summary."""

from __future__ import annotations

from bot.engine import render
from bot.engine.compose.kit import Kit, figure_facts
from bot.engine.data import PROVINCES_SCOPE, Row
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer
from bot.engine.phrasing import title


def profile(decision: Decision, kit: Kit) -> Answer:
    return kit.per_region(decision, lambda row, draft: _section(row, draft, kit), kit.region_followups)


def _section(row: Row, draft: Draft, kit: Kit) -> None:
    if row["level"] == "kabkota":
        _kabkota(row, draft, kit)
    else:
        _aggregate(row, draft, kit)


def _kabkota(row: Row, draft: Draft, kit: Kit) -> None:
    view, phrasing = kit.view, kit.phrasing
    province = row["province_name"]
    ranks = [f"{row['rank_in_province']} dari {len(view.kabkota_of(row['province_code']))} kab/kota di {province}"]
    if row.get("rank_national") is not None:
        ranks.append(f"{row['rank_national']} dari {len(view.ranking('ihai'))} nasional")
    draft.add(
        title(row),
        f"IHaI {view.year}: <b>{phrasing.ihai(row['ihai'])}</b> — <b>{render.escape(row['category'])}</b>",
        f"Interval kepercayaan {phrasing.confidence}: {render.interval(row['ihai_ci_low'], row['ihai_ci_high'])}",
        phrasing.certainty_line(row),
        phrasing.respondents_line(row),
        "Peringkat: " + " · ".join(render.escape(rank) for rank in ranks),
        *phrasing.weight_lines(row),
        "Dimensi: " + phrasing.dimensions_text(row),
        "Aspek: " + phrasing.aspects_text(row),
        *phrasing.weighting_lines(row),
        *phrasing.caveats(row),
    )
    draft.facts.update(figure_facts(row))


def _aggregate(row: Row, draft: Draft, kit: Kit) -> None:
    view, phrasing = kit.view, kit.phrasing
    draft.add(
        title(row),
        f"Rata-rata IHaI {view.year}: <b>{phrasing.ihai(row['ihai'])}</b> — <b>{render.escape(row['category'])}</b>",
        f"Interval kepercayaan {phrasing.confidence}: {render.interval(row['ihai_ci_low'], row['ihai_ci_high'])}",
        *phrasing.range_line(row),
        phrasing.category_spread(row),
        *phrasing.coverage_lines(row),
        "Dimensi: " + phrasing.dimensions_text(row),
        "Aspek: " + phrasing.aspects_text(row),
        *phrasing.weighting_lines(row),
    )
    if row["level"] != "nasional" and row.get("rank_national") is not None:
        draft.add(f"Peringkat antarprovinsi: {row['rank_national']} dari {len(view.ranking('ihai', PROVINCES_SCOPE))}")
    draft.facts.update(figure_facts(row), reporting_eligible=bool(row.get("reporting_eligible")))


COMPOSERS = {Intent.PROFIL: profile, Intent.PROVINSI: profile}
