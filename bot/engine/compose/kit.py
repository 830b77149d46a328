"""What every composer works with (`Kit`) and the pieces they share: finishing a draft into an `Answer`,
answering a single-region question for each region asked, and the buttons that follow an answer.

Answer rules every composer follows: Indonesian, Telegram HTML with `<b>`/`<i>` only, user text escaped;
every figure formatted from the stored float; a region's figures always come with its category, 95%
interval and n, and a note when it is under the 1,250 target (indicative only) or below the publication
minimum (nothing published); while the results are synthetic, every answer with figures ends with the
sample-data line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.engine import render
from bot.engine.advice import Advisor
from bot.engine.data import ResultsView, RoundViews, Row
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer, Button, ChartRequest
from bot.engine.payloads import Payload, encode
from bot.engine.phrasing import RegionPhrasing, title
from core.constants import FORUMS, NATIONAL_CODE
from core.gazetteer import Gazetteer
from scoring.methodology import Methodology

SYNTHETIC_LINE = "Data sampel sintetis, bukan hasil resmi."
_SOURCE_BUTTONS = 3
_BUTTON_LABEL_CHARS = 40
_REGION_LABEL_CHARS = 60
EXAMPLES = (
    ("IHaI Kota Banjarbaru", "berapa ihai kota banjarbaru"),
    ("Dimensi terlemah Kab. Banjar", "dimensi terlemah kab banjar"),
    ("Bandingkan Banjarbaru–Banjarmasin", "bandingkan banjarbaru dengan banjarmasin"),
    ("5 kab/kota teratas Kalsel", "5 kab/kota tertinggi di kalsel"),
    ("Saran FKUB untuk Tapin", "saran fkub untuk tapin"),
    ("Apa itu IHaI?", "apa itu ihai"),
)


@dataclass(frozen=True)
class Kit:
    """The results, methodology, gazetteer and knowledge base an answer is composed from."""

    view: ResultsView
    methodology: Methodology
    phrasing: RegionPhrasing
    gazetteer: Gazetteer
    advisor: Advisor
    # Every loaded round (trends); `view` is the round this kit answers from.
    rounds: RoundViews | None = None

    # --- finishing -----------------------------------------------------------------------------------

    def finish(
        self,
        draft: Draft,
        intent: Intent,
        regions: tuple[str, ...],
        followups: tuple[Button, ...] = (),
        chart: ChartRequest | None = None,
        choices: tuple[Button, ...] = (),
    ) -> Answer:
        lines = list(draft.lines)
        if draft.figures and self.view.synthetic:
            lines += ["", f"<i>{SYNTHETIC_LINE}</i>"]
        # Sources one tap away: an official who wants to check a recommendation can read its basis.
        followups += tuple(
            Button(clip(f"Sumber: {source.title}"), f"sumber {source.doc_id}")
            for source in draft.sources[:_SOURCE_BUTTONS]
        )
        return Answer(
            text="\n".join(lines).strip(),
            intent=intent.value,
            regions=regions,
            sources=tuple(draft.sources),
            followups=followups,
            choices=choices,
            chart=chart,
            facts=draft.facts,
        )

    # --- single-region questions -----------------------------------------------------------------------

    def per_region(
        self,
        decision: Decision,
        section: Callable[[Row, Draft], None],
        followups: Callable[[str], tuple[Button, ...]],
    ) -> Answer:
        """Answer a single-region intent for each region asked, with "belum diukur" where there is no row."""
        draft = Draft()
        measured = []
        for code in decision.regions:
            row = self.view.row(code)
            if draft.lines:
                draft.add("")
            if row is None:
                self.not_measured(code, draft)
                continue
            measured.append(code)
            part = Draft()
            if row.get("publishable"):
                section(row, part)
            else:
                self.unpublished(row, part)
            draft.add(*part.lines)
            draft.sources.extend(source for source in part.sources if source not in draft.sources)
            draft.facts[code] = part.facts
            draft.figures = True
        if len(decision.regions) == 1 and decision.regions[0] in draft.facts:
            draft.facts = draft.facts[decision.regions[0]]  # type: ignore[assignment]
        intent = decision.intent if measured else Intent.BELUM_DIUKUR
        single = len(measured) == 1 and intent in (Intent.PROFIL, Intent.PROVINSI)
        chart = self.chart_for(measured[0]) if single else None
        return self.finish(draft, intent, decision.regions, followups(measured[0]) if measured else (), chart)

    def not_measured(self, code: str, draft: Draft) -> None:
        region = self.gazetteer.get(code)
        name = region.name if region is not None else code
        if region is not None and region.level == "kabkota":
            draft.add(
                f"<b>{render.escape(name)}</b> ({render.escape(region.province_name)}) belum diukur pada IHaI "
                f"{self.view.year}: tidak ada responden yang diterima dari wilayah ini."
            )
            province = self.view.row(region.province_code)
            if province is not None and province.get("ihai") is not None:
                draft.figures = True
                draft.add(
                    f"Sebagai gambaran, rata-rata Provinsi {render.escape(province['name'])}: "
                    f"{self.phrasing.ihai(province['ihai'])} ({render.escape(province['category'])})."
                )
        else:
            draft.add(
                f"<b>{render.escape(name)}</b> belum diukur pada IHaI {self.view.year}: belum ada kab/kota terukur."
            )
        draft.facts.setdefault("belum_diukur", []).append(code)  # type: ignore[union-attr]

    def unpublished(self, row: Row, draft: Draft) -> None:
        draft.add(
            title(row),
            f"Responden diterima: {render.count(row['n_respondents'])} — di bawah batas minimum publikasi "
            f"{self.methodology.survey.min_publishable}, sehingga angka IHaI wilayah ini tidak dipublikasikan.",
        )
        draft.facts.update(n=row["n_respondents"], publishable=False)

    def chart_for(self, code: str) -> ChartRequest | None:
        row = self.view.row(code)
        return None if row is None else ChartRequest.default_for(row)

    # --- buttons -----------------------------------------------------------------------------------------

    def region_buttons(self, codes: Sequence[str]) -> tuple[Button, ...]:
        buttons = []
        for code in codes:
            region = self.gazetteer.get(code)
            if region is None:
                continue
            where = f" ({region.province_name})" if region.level == "kabkota" else " (provinsi)"
            buttons.append(Button(clip(f"{region.name}{where}", _REGION_LABEL_CHARS), f"wilayah {region.code}"))
        return tuple(buttons)

    def region_followups(self, code: str) -> tuple[Button, ...]:
        row = self.view.rows[code]
        if row["level"] == "kabkota":
            return (
                button("Dimensi terlemah", Payload(Intent.TERLEMAH, regions=(code,))),
                button("Saran forum", Payload(Intent.SARAN, regions=(code,))),
                button("Naik kategori?", Payload(Intent.SELISIH_KATEGORI, regions=(code,))),
                button("Peringkat provinsi", Payload(Intent.PERINGKAT, scope=row["province_code"])),
                button("Laporan PDF", Payload(Intent.LAPORAN, regions=(code,))),
            )
        if row["level"] == "provinsi":
            return (
                button("Peringkat kab/kota", Payload(Intent.PERINGKAT, scope=code)),
                button("Dimensi terlemah", Payload(Intent.TERLEMAH, regions=(code,))),
                button("Cakupan responden", Payload(Intent.CAKUPAN, regions=(code,))),
                button("Laporan PDF", Payload(Intent.LAPORAN, regions=(code,))),
            )
        return (
            button("Peringkat provinsi", Payload(Intent.PERINGKAT, scope="provinsi")),
            button("Cakupan nasional", Payload(Intent.CAKUPAN, regions=(NATIONAL_CODE,))),
        )

    def advice_followups(self, code: str) -> tuple[Button, ...]:
        return tuple(
            button(f"Saran {forum}", Payload(Intent.SARAN, regions=(code,), forums=(forum,))) for forum in FORUMS
        )


def button(label: str, payload: Payload) -> Button:
    return Button(clip(label), encode(payload))


def figure_facts(row: Row) -> dict[str, object]:
    return {
        "ihai": row["ihai"],
        "category": row["category"],
        "ci_low": row["ihai_ci_low"],
        "ci_high": row["ihai_ci_high"],
        "n": row["n_respondents"],
        "target_met": row.get("target_met"),
    }


def clip(label: str, limit: int = _BUTTON_LABEL_CHARS) -> str:
    """A button label that fits a phone: cut at a word, with an ellipsis."""
    if len(label) <= limit:
        return label
    return label[: limit - 1].rsplit(" ", 1)[0] + "…"


def example_buttons(count: int) -> tuple[Button, ...]:
    return tuple(Button(label, payload) for label, payload in EXAMPLES[:count])
