"""What the forums can do: actions for a region (`saran`), without one (`saran_umum`), and which forum
fits a dimension, a variable or a region's weak spot (`forum_cocok`).

The focus of an answer comes from the slots: a variable named wins, then a dimension named, then the
region's weakest variables. Every named forum gets its own section; none named means all three.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine import render
from bot.engine.compose.kit import Kit, figure_facts
from bot.engine.data import Row
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer
from bot.engine.phrasing import display_name
from core.constants import FORUMS

_WEAKEST_VARIABLES = 2


def focus_variables(decision: Decision, kit: Kit) -> list[str]:
    """The variables a question names ("moderasi", "v7"), or those of the dimensions it names."""
    if decision.slots.variables:
        return list(decision.slots.variables)
    return [v.key for key in decision.slots.dimensions for v in kit.methodology.variables_of(key)]


def advice(decision: Decision, kit: Kit) -> Answer:
    forums = decision.forums or FORUMS
    focus = focus_variables(decision, kit)
    # A dimension asked of ("program FPK buat naikin dimensi budaya"): its own score leads, then its variables'.
    dimensions = () if decision.slots.variables else decision.slots.dimensions
    return kit.per_region(
        decision,
        lambda row, draft: _advice_section(row, forums, focus, dimensions, draft, kit),
        kit.advice_followups,
    )


def _advice_section(
    row: Row, forums: Sequence[str], focus: Sequence[str], dimensions: Sequence[str], draft: Draft, kit: Kit
) -> None:
    phrasing = kit.phrasing
    variables = list(focus) or phrasing.weakest_variables(row, _WEAKEST_VARIABLES)
    draft.add(
        f"<b>Saran untuk {render.escape(display_name(row))}</b>"
        + (f" ({render.escape(row['province_name'])})" if row["level"] == "kabkota" else ""),
    )
    if dimensions:
        draft.add("Dimensi yang ditanyakan: " + " dan ".join(phrasing.dimension_score(row, key) for key in dimensions) + ".")
    elif not focus:
        # "fokus ke mana berdasarkan kelemahan": the weak spot the advice starts from, dimension and variables.
        draft.add(f"Dimensi terlemah: {phrasing.dimension_score(row, phrasing.weakest_dimension(row))}.")
    draft.add(
        ("Untuk variabel yang ditanyakan: " if focus else "Berdasarkan variabel terlemah: ")
        + " dan ".join(f"{render.escape(phrasing.variable_label(key))} ({render.number(row[key])})" for key in variables)
        + ".",
    )
    used = kit.advisor.forum_actions(forums, variables, draft)
    draft.add(phrasing.summary_line(row), *phrasing.caveats(row))
    kit.advisor.cite_actions(used, draft)
    draft.facts.update(
        figure_facts(row), forums=list(forums), focus_variables=list(variables), actions=[a.id for a in used]
    )


def general_advice(decision: Decision, kit: Kit) -> Answer:
    """Advice without a region: the forums' actions for the variable or dimension named (or their first
    actions), and an offer to tailor them to a region's weakest variables."""
    forums = decision.forums or FORUMS
    focus = focus_variables(decision, kit)
    draft = Draft()
    if focus:
        names = " dan ".join(render.escape(kit.phrasing.variable_label(key)) for key in focus)
        draft.add(f"<b>Saran umum untuk memperkuat {names}</b>")
    else:
        draft.add("<b>Saran umum</b>")
    used = kit.advisor.forum_actions(forums, focus, draft)
    draft.add(
        "Sebutkan kabupaten/kota atau provinsinya (misalnya <i>Tabalong</i>) untuk saran yang disesuaikan "
        "dengan variabel terlemah di sana."
    )
    kit.advisor.cite_actions(used, draft)
    draft.facts.update(forums=list(forums), focus_variables=focus, actions=[a.id for a in used])
    return kit.finish(draft, Intent.SARAN_UMUM, ())


def forum_fit(decision: Decision, kit: Kit) -> Answer:
    """Which forum fits what is weak — a named variable or dimension, or else the region's weakest
    dimension — why, on what basis, and what it can do there."""
    row = kit.view.row(decision.regions[0]) if decision.regions else None
    focus = focus_variables(decision, kit)
    draft = Draft()
    weakest = None
    if not focus and not decision.slots.topic_forums and row is not None and row.get("publishable"):
        weakest = kit.phrasing.weakest_dimension(row)
        focus = [v.key for v in kit.methodology.variables_of(weakest)]
    if not focus and decision.slots.topic_forums:
        return _topic_fit(decision, row, kit)
    dimensions = list(dict.fromkeys(kit.methodology.variable(key).dimension for key in focus))
    if not focus:
        return _forum_overview(decision, kit)
    what = " dan ".join(render.escape(kit.phrasing.dimension_name(key)) for key in dimensions)
    where = f" di {render.escape(display_name(row))}" if row is not None else ""
    draft.add(f"<b>Forum yang cocok untuk dimensi {what}{where}</b>")
    if weakest is not None:
        draft.add(f"Dimensi terlemah: {kit.phrasing.dimension_score(row, weakest, bold=True)}")
    if row is not None and row.get("publishable"):
        draft.figures = True
        draft.add(
            " · ".join(
                f"{render.escape(kit.phrasing.variable_label(key))} {render.number(row[key])}" for key in focus
            )
        )
    fits = kit.advisor.forum_fit(focus, decision.forums)
    for fit in fits:
        draft.add("", f"<b>{fit.forum}</b> ({fit.role}) — {render.escape(fit.reason)}")
        if fit.basis_text:
            draft.add(f"<i>Dasar: {render.escape(fit.basis_text)}</i>")
    used = kit.advisor.forum_actions([fit.forum for fit in fits], focus, draft)
    if row is not None and row.get("publishable"):
        draft.add(kit.phrasing.summary_line(row), *kit.phrasing.caveats(row))
        draft.facts.update(figure_facts(row))
    kit.advisor.cite_actions(used, draft)
    draft.facts.update(
        forums=[fit.forum for fit in fits], focus_variables=focus, dimensions=dimensions, actions=[a.id for a in used]
    )
    followups = kit.advice_followups(decision.regions[0]) if row is not None else ()
    return kit.finish(draft, Intent.FORUM_COCOK, decision.regions[:1], followups)


def _topic_fit(decision: Decision, row: Row | None, kit: Kit) -> Answer:
    """A problem whose forum its regulation names ("izin rumah ibadat", "deteksi dini"): that forum's mandate
    and actions, for the region when one is named."""
    forums = decision.slots.topic_forums
    where = f" di {render.escape(display_name(row))}" if row is not None else ""
    draft = Draft(lines=[f"<b>Forum yang cocok{where}: {', '.join(forums)}</b>"])
    for forum in forums:
        fits = [fit for fit in kit.advisor.forum_fit(kit.methodology.variable_keys, (forum,)) if fit.forum == forum]
        if fits:
            draft.add("", f"<b>{forum}</b> — {render.escape(fits[0].reason)}")
            if fits[0].basis_text:
                draft.add(f"<i>Dasar: {render.escape(fits[0].basis_text)}</i>")
    focus = kit.phrasing.weakest_variables(row, _WEAKEST_VARIABLES) if row is not None and row.get("publishable") else []
    used = kit.advisor.forum_actions(forums, focus, draft)
    if row is not None and row.get("publishable"):
        draft.add(kit.phrasing.summary_line(row), *kit.phrasing.caveats(row))
        draft.facts.update(figure_facts(row))
        draft.figures = True
    kit.advisor.cite_actions(used, draft)
    draft.facts.update(forums=list(forums), focus_variables=list(focus), actions=[a.id for a in used])
    return kit.finish(draft, Intent.FORUM_COCOK, decision.regions[:1])


def _forum_overview(decision: Decision, kit: Kit) -> Answer:
    """ "forum mana yang cocok?" with nothing to fit: each dimension's best-fitting forum."""
    draft = Draft(lines=["<b>Forum yang cocok per dimensi IHaI</b>"])
    forums: list[str] = []
    for dimension in kit.methodology.dimensions:
        keys = [v.key for v in kit.methodology.variables_of(dimension.key)]
        fits = kit.advisor.forum_fit(keys, decision.forums)
        forums += [fit.forum for fit in fits if fit.forum not in forums]
        if fits:
            draft.add(
                f"• {render.escape(dimension.name)}: "
                + ", ".join(f"{fit.forum} ({fit.role})" for fit in fits)
                + f" — {render.escape(fits[0].reason)}"
            )
    draft.add("", "Sebutkan dimensi atau wilayahnya untuk aksi yang lebih spesifik.")
    draft.facts.update(forums=forums, focus_variables=[])
    return kit.finish(draft, Intent.FORUM_COCOK, ())


COMPOSERS = {Intent.SARAN: advice, Intent.SARAN_UMUM: general_advice, Intent.FORUM_COCOK: forum_fit}
