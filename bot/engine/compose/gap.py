"""How far a region is from the next category band, and a plan that could close the gap.

IHaI = Σ weight × variable score (weights summing to 100%), so raising every variable by g raises IHaI by g.
A plan that starts with the weakest variables raises every variable below a level L up to L, where L is
the lowest level whose weighted raise covers the gap ("water-filling"); no variable passes the scale's
maximum. The gap is set against the interval's half-width: a gap smaller than the sampling error says
the region is not yet distinguishable from the band edge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.engine import render
from bot.engine.compose.kit import Kit, figure_facts
from bot.engine.data import Row
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer
from bot.engine.phrasing import title, weight_text


def category_gap(decision: Decision, kit: Kit) -> Answer:
    return kit.per_region(decision, lambda row, draft: _section(row, decision, draft, kit), kit.advice_followups)


def _section(row: Row, decision: Decision, draft: Draft, kit: Kit) -> None:
    methodology, phrasing = kit.methodology, kit.phrasing
    bands = methodology.categories.bands
    higher = [band for band in bands if band.lower > row["ihai"]]
    draft.add(title(row), phrasing.summary_line(row))
    if not higher:
        draft.add(f"Sudah di kategori tertinggi ({render.escape(bands[-1].label)}, mulai {render.number(bands[-1].lower)}).")
        draft.facts.update(figure_facts(row), gap=0.0, next_category=None)
        return
    target = higher[0]
    gap = target.lower - row["ihai"]
    weights = {v.key: v.weight / 100 for v in methodology.variables}
    scores = {key: row[key] for key in weights}
    score_max = methodology.scale.score_max
    level, plan = water_fill(scores, weights, gap, score_max)
    equal_fits = all(score + gap <= score_max for score in scores.values())
    draft.add(
        f"Kategori berikutnya: <b>{render.escape(target.label)}</b> (mulai {render.number(target.lower)}). "
        f"Kurang <b>{render.number(gap)}</b> poin.",
        "IHaI = jumlah bobot × skor variabel, jadi kenaikan yang sama di semua variabel menaikkan IHaI sebesar itu:",
        f"• Rata: setiap variabel naik {render.number(gap)} poin"
        + ("." if equal_fits else f" — tidak mungkin untuk variabel yang sudah dekat skor maksimum {render.number(score_max, 0)}."),
    )
    if plan:
        # Where to push first, the dimension too ("… dan dimensi mana yg paling perlu didorong?").
        draft.add(f"• Dimensi terlemah: {phrasing.dimension_score(row, phrasing.weakest_dimension(row))}.")
        draft.add(f"• Mulai dari yang terlemah: naikkan variabel berikut sampai {render.number(level)}:")
        for key, raise_by in plan.items():
            draft.add(
                f"   – {render.escape(phrasing.variable_label(key))} (bobot {weight_text(weights[key] * 100)}): "
                f"{render.number(scores[key])} → {render.number(level)} (+{render.number(raise_by)})"
            )
    else:
        draft.add(f"• Kenaikan {render.number(gap)} poin melampaui yang mungkin dicapai dalam skala 0–{render.number(score_max, 0)}.")
    half_width = (row["ihai_ci_high"] - row["ihai_ci_low"]) / 2
    if gap < half_width:
        draft.add(
            f"<i>Selisih {render.number(gap)} poin lebih kecil dari setengah lebar interval kepercayaan "
            f"(±{render.number(half_width)}): dengan data ini wilayah belum dapat dibedakan secara statistik dari "
            f"batas {render.escape(target.label)}.</i>"
        )
    farther = _farther(decision, row, target.label, kit)
    if farther is not None:
        draft.add(f"Ke <b>{render.escape(farther.label)}</b> (mulai {render.number(farther.lower)}): kurang "
                  f"{render.number(farther.lower - row['ihai'])} poin.")  # fmt: skip
    draft.add(*kit.advisor.provisional_notes(), *phrasing.caveats(row))
    draft.facts.update(
        figure_facts(row), gap=gap, next_category=target.label, equal_raise=gap, level=level, plan=plan,
        half_width=half_width,
    )  # fmt: skip


def _farther(decision: Decision, row: Row, next_label: str, kit: Kit):
    """A band above the next one that the user named ("dari rendah ke tinggi")."""
    named = decision.slots.category
    if named is None or named == next_label:
        return None
    band = next((b for b in kit.methodology.categories.bands if b.label == named), None)
    return band if band is not None and band.lower > row["ihai"] else None


def water_fill(
    scores: Mapping[str, float], weights: Mapping[str, float], gap: float, score_max: float
) -> tuple[float, dict[str, float]]:
    """The level L and the raise of each variable below it, weakest first, so that
    Σ weight × max(0, L − score) = gap with L ≤ score_max; ({}, L = score_max) when no level suffices."""
    ordered: Sequence[str] = sorted(scores, key=lambda key: scores[key])
    for count in range(1, len(ordered) + 1):
        raised = ordered[:count]
        total_weight = sum(weights[key] for key in raised)
        level = (gap + sum(weights[key] * scores[key] for key in raised)) / total_weight
        ceiling = scores[ordered[count]] if count < len(ordered) else score_max
        if level <= min(ceiling, score_max):
            return level, {key: level - scores[key] for key in raised}
    return score_max, {}


COMPOSERS = {Intent.SELISIH_KATEGORI: category_gap}
