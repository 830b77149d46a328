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
from bot.engine.slots import Slots
from scoring.results import dimension_column


def profile(decision: Decision, kit: Kit) -> Answer:
    return kit.per_region(decision, lambda row, draft: _section(row, draft, kit, decision.slots), kit.region_followups)


def _section(row: Row, draft: Draft, kit: Kit, slots: Slots) -> None:
    if row["level"] == "kabkota":
        _kabkota(row, draft, kit)
    else:
        _aggregate(row, draft, kit)
    asked = _asked_lines(row, kit, slots)
    if asked:
        # "skor V7 Banjar", "dimensi ekonomi Sleman": the figure asked for comes right under the region's name.
        draft.lines[1:1] = asked


def _asked_lines(row: Row, kit: Kit, slots: Slots) -> list[str]:
    """The dimensions and variables a question names, each beside its province and the nation; a variable
    of the other framework is named as such rather than left out in silence."""
    m, phrasing = kit.methodology, kit.phrasing
    against = [other for other in (kit.view.row(row["province_code"]) if row["level"] == "kabkota" else None,
                                    kit.view.nation) if other is not None and other["code"] != row["code"]]  # fmt: skip
    lines = []
    for key in slots.dimensions:
        column = dimension_column(key)
        parts = " · ".join(f"{v.key.upper()} {render.number(row[v.key])}" for v in m.variables_of(key))
        lines.append(f"<b>Dimensi {render.escape(phrasing.dimension_name(key))}: {render.number(row[column])}</b>"
                     f"{_beside(column, against)} — variabel: {parts}")  # fmt: skip
    for key in slots.variables:
        if key in m.variable_keys:
            lines.append(f"<b>{render.escape(phrasing.variable_label(key))}: {render.number(row[key])}</b>{_beside(key, against)}")
        else:
            lines.append(f"<i>{key.upper()} bukan variabel {render.escape(m.name)} yang dipakai putaran {kit.view.year} "
                         f"(variabelnya {m.variable_keys[0].upper()}–{m.variable_keys[-1].upper()}).</i>")  # fmt: skip
    return lines


def _beside(column: str, against: list[Row]) -> str:
    named = [f"{'nasional' if other['level'] == 'nasional' else 'provinsi'} {render.number(other[column])}"
             for other in against if other.get(column) is not None]  # fmt: skip
    return f" ({' · '.join(named)})" if named else ""


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
