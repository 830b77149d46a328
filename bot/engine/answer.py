"""The conversation engine: text in, a structured `Answer` out, whatever the channel.

`Engine.ask` reads the chat's context, lets `dialogue.py` decide what is asked, composes the answer from
the precomputed results view (figures), the forum action list (suggestions) or the search index
(guidance), and stores the new context. It never raises: an internal error becomes an apology.

Answer rules every composer follows: Indonesian, Telegram HTML with `<b>`/`<i>` only, user text escaped;
every figure formatted from the stored float (2 decimals, comma); a region's figures always come with
its category, 95% interval and n, and a note when it is under the 1,250 target (indicative only) or
below the publication minimum (nothing published); while the results are synthetic, every answer with
figures ends with the sample-data line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.engine import charts, render
from bot.engine.advice import Advisor, GuidanceIndex
from bot.engine.context import ChatContext, ContextStore, Pending
from bot.engine.data import PROVINCES_SCOPE, ResultsView, Row
from bot.engine.dialogue import REGION_INTENTS, Dialogue, Turn
from bot.engine.draft import Draft
from bot.engine.model import Answer, Button, ChartRequest
from bot.engine.phrasing import RegionPhrasing, band_text, display_name, province_suffix, title, weight_text
from bot.engine.resolve import Resolver
from bot.engine.understand import BOTTOM, DEFAULT_TOP_N, FORUMS, Parsed, Parser
from core.constants import NATIONAL_CODE
from core.gazetteer import Gazetteer
from knowledge.guidance import GuidanceDoc
from scoring.results import Results, dimension_column

logger = logging.getLogger(__name__)

SYNTHETIC_LINE = "Data sampel sintetis, bukan hasil resmi."
# Longer messages are cut before parsing: no question needs more, and it bounds the work per message.
MAX_INPUT_CHARS = 500
_WEAKEST_VARIABLES = 2
_SOURCE_BUTTONS = 3
# Answers that show figures of the loaded results.
FIGURE_INTENTS = frozenset(
    {"profil", "provinsi", "terlemah", "saran", "cakupan", "selisih_kategori", "bandingkan", "peringkat", "kategori"}
)
_BUTTON_LABEL_CHARS = 40
_REGION_LABEL_CHARS = 60
_LISTED_IN_CATEGORY = 20
# The payload of a "Sumber" button: "sumber aksi-fkub".
SOURCE_REQUEST = re.compile(r"\s*sumber\s+([a-z0-9-]+)\s*")
EXAMPLES = (
    ("IHaI Kota Banjarbaru", "berapa ihai kota banjarbaru"),
    ("Dimensi terlemah Kab. Banjar", "dimensi terlemah kab banjar"),
    ("Bandingkan Banjarbaru–Banjarmasin", "bandingkan banjarbaru dengan banjarmasin"),
    ("5 kab/kota teratas Kalsel", "5 kab/kota tertinggi di kalsel"),
    ("Saran FKUB untuk Tapin", "saran fkub untuk tapin"),
    ("Apa itu IHaI?", "apa itu ihai"),
)


class Engine:
    """Answers questions about one results set; build it with `bot.engine.factory.build_engine`."""

    def __init__(
        self,
        results: Results,
        gazetteer: Gazetteer,
        guidance: Sequence[GuidanceDoc] = (),
        index: GuidanceIndex | None = None,
        store: ContextStore | None = None,
    ) -> None:
        self.view = ResultsView(results)
        self.methodology = results.methodology
        self.phrasing = RegionPhrasing(self.view, self.methodology, gazetteer)
        self.gazetteer = gazetteer
        self.advisor = Advisor(self.methodology, guidance, index)
        self.store = store if store is not None else ContextStore(":memory:")
        parser = Parser(self.methodology)
        self.dialogue = Dialogue(parser, Resolver(gazetteer, parser.is_known_word), gazetteer)
        self._composers: dict[str, Callable[[Turn], Answer]] = {
            "profil": self._profil,
            "provinsi": self._profil,
            "terlemah": self._terlemah,
            "saran": self._saran,
            "saran_umum": self._saran_umum,
            "bandingkan": self._bandingkan,
            "peringkat": self._peringkat,
            "kategori": self._kategori,
            "cakupan": self._cakupan,
            "selisih_kategori": self._selisih_kategori,
            "metodologi": self._metodologi,
            "sapaan": self._sapaan,
            "bantuan": self._bantuan,
            "di_luar_cakupan": self._di_luar_cakupan,
            "pilih_wilayah": self._pilih_wilayah,
            "tidak_dikenal": self._tidak_dikenal,
        }

    @property
    def index(self) -> GuidanceIndex | None:
        """The search index guidance answers come from; None until `ihai index build` has run."""
        return self.advisor.index

    # --- entry points ---------------------------------------------------------------------------

    def ask(self, text: str, session: str) -> Answer:
        """The answer to one message of chat `session`; never raises."""
        try:
            context = self.store.load(session)
            text = str(text)[:MAX_INPUT_CHARS]
            if (request := SOURCE_REQUEST.fullmatch(text)) and request.group(1) in self.advisor.docs:
                # A tapped "Sumber" button: the sources of an earlier answer; the conversation goes on as before.
                return self.advisor.sources_answer(self.advisor.docs[request.group(1)])
            turn = self.dialogue.turn(text, context)
            answer = self._with_year_note(self._composers[turn.intent](turn), turn.parsed)
            self.store.save(session, _remember(context, turn, answer))
            return answer
        except Exception:  # the promise to every channel: an apology, never a traceback
            logger.exception("engine failed on a message of session %s", session)
            return Answer(
                text="Maaf, terjadi kesalahan saat menyiapkan jawaban. Silakan coba lagi sebentar lagi "
                "atau ajukan pertanyaan dengan kalimat lain.",
                intent="galat",
                followups=_example_buttons(3),
            )

    def _with_year_note(self, answer: Answer, parsed: Parsed) -> Answer:
        """Figures asked for another year, or for a change over time, come with what is loaded: say so."""
        other_years = [year for year in parsed.years if year != self.view.year]
        if answer.intent not in FIGURE_INTENTS or not (other_years or parsed.trend):
            return answer
        if other_years:
            missing = " dan ".join(str(year) for year in other_years)
            note = f"Asisten ini memuat hasil IHaI {self.view.year} saja; angka tahun {missing} tidak tersedia di sini."
        else:
            note = (
                f"Asisten ini memuat hasil IHaI {self.view.year} saja, jadi naik-turunnya antartahun belum bisa "
                "ditunjukkan. Perhatikan juga bahwa kerangka IHaI berganti pada 2025."
            )
        return replace(answer, text=f"<i>{note} Berikut hasil {self.view.year}.</i>\n\n{answer.text}")

    def chart_png(self, request: ChartRequest) -> bytes:
        """PNG bytes of a chart an answer attached. Raises ValueError for a region without figures."""
        row = self.view.row(request.code)
        if row is None or row.get("ihai") is None:
            raise ValueError(f"tidak ada angka untuk wilayah {request.code}")
        if request.kind == "region_dimensions":
            province = self.view.row(row["province_code"]) if row["level"] == "kabkota" else None
            return charts.region_dimensions_png(row, province, self.view.nation, self.methodology, self.view.synthetic)
        kabkota = self.view.kabkota_of(request.code)
        return charts.province_ranking_png(row, kabkota, self.methodology, self.view.synthetic)

    # --- figures for given regions ---------------------------------------------------------------

    def _per_region(
        self, turn: Turn, section: Callable[[Row, Draft], None], followups: Callable[[str], tuple[Button, ...]]
    ) -> Answer:
        """Answer a single-region intent for each region asked, with "belum diukur" where there is no row."""
        draft = Draft()
        measured = []
        for code in turn.regions:
            row = self.view.row(code)
            if draft.lines:
                draft.add("")
            if row is None:
                self._not_measured(code, draft)
                continue
            measured.append(code)
            part = Draft()
            if row.get("publishable"):
                section(row, part)
            else:
                self._unpublished(row, part)
            draft.add(*part.lines)
            draft.sources.extend(source for source in part.sources if source not in draft.sources)
            draft.facts[code] = part.facts
            draft.figures = True
        if len(turn.regions) == 1 and turn.regions[0] in draft.facts:
            draft.facts = draft.facts[turn.regions[0]]  # type: ignore[assignment]
        intent = turn.intent if measured else "belum_diukur"
        chart = self._chart_for(measured[0]) if len(measured) == 1 and intent in ("profil", "provinsi") else None
        return self._finish(draft, intent, turn.regions, followups(measured[0]) if measured else (), chart)

    def _profil(self, turn: Turn) -> Answer:
        return self._per_region(turn, self._profile_section, self._region_followups)

    def _profile_section(self, row: Row, draft: Draft) -> None:
        if row["level"] == "kabkota":
            self._kabkota_profile(row, draft)
        else:
            self._aggregate_profile(row, draft)

    def _kabkota_profile(self, row: Row, draft: Draft) -> None:
        province = row["province_name"]
        ranks = [
            f"{row['rank_in_province']} dari {len(self.view.kabkota_of(row['province_code']))} kab/kota di {province}"
        ]
        if row.get("rank_national") is not None:
            ranks.append(f"{row['rank_national']} dari {len(self.view.ranking('ihai'))} nasional")
        draft.add(
            title(row),
            f"IHaI {self.view.year}: <b>{self.phrasing.ihai(row['ihai'])}</b> — <b>{render.escape(row['category'])}</b>",
            f"Interval kepercayaan {self.phrasing.confidence}: {render.interval(row['ihai_ci_low'], row['ihai_ci_high'])}",
            self.phrasing.certainty_line(row),
            self.phrasing.respondents_line(row),
            "Peringkat: " + " · ".join(render.escape(rank) for rank in ranks),
            "Dimensi: " + self.phrasing.dimensions_text(row),
            "Aspek: " + self.phrasing.aspects_text(row),
            *self.phrasing.caveats(row),
        )
        draft.facts.update(_figure_facts(row))

    def _aggregate_profile(self, row: Row, draft: Draft) -> None:
        national = row["level"] == "nasional"
        draft.add(
            title(row),
            f"Rata-rata IHaI {self.view.year}: <b>{self.phrasing.ihai(row['ihai'])}</b>"
            f" — <b>{render.escape(row['category'])}</b>",
            f"Interval kepercayaan {self.phrasing.confidence}: {render.interval(row['ihai_ci_low'], row['ihai_ci_high'])}",
            *self.phrasing.range_line(row),
            self.phrasing.category_spread(row),
            *self.phrasing.coverage_lines(row),
            "Dimensi: " + self.phrasing.dimensions_text(row),
            "Aspek: " + self.phrasing.aspects_text(row),
        )
        if not national and row.get("rank_national") is not None:
            draft.add(
                f"Peringkat antarprovinsi: {row['rank_national']} dari "
                f"{len(self.view.ranking('ihai', PROVINCES_SCOPE))}"
            )
        draft.facts.update(_figure_facts(row), reporting_eligible=bool(row.get("reporting_eligible")))

    def _terlemah(self, turn: Turn) -> Answer:
        return self._per_region(turn, self._weakest_section, self._advice_followups)

    def _weakest_section(self, row: Row, draft: Draft) -> None:
        dimension = row.get("weakest_dimension") or min(
            self.methodology.dimension_keys, key=lambda k: row[dimension_column(k)]
        )
        variable = row.get("weakest_variable") or min(self.methodology.variable_keys, key=lambda k: row[k])
        dimensions = sorted(self.methodology.dimensions, key=lambda d: row[dimension_column(d.key)])
        variables = self.phrasing.weakest_variables(row, 3)
        draft.add(
            title(row),
            f"Dimensi terlemah: <b>{render.escape(self.phrasing.dimension_name(dimension))}</b> "
            f"({render.number(row[dimension_column(dimension)])})",
            f"Variabel terlemah: <b>{render.escape(self.phrasing.variable_label(variable))}</b> "
            f"({render.number(row[variable])})",
            "Dimensi dari yang terendah: "
            + " · ".join(f"{render.escape(d.name)} {render.number(row[dimension_column(d.key)])}" for d in dimensions),
            "Tiga variabel terendah: "
            + " · ".join(
                f"{render.escape(self.phrasing.variable_label(key))} {render.number(row[key])}" for key in variables
            ),
            "Aspek dari yang terendah: " + self.phrasing.aspects_text(row, weakest_first=True),
            self.phrasing.summary_line(row),
            *self.phrasing.caveats(row),
        )
        draft.facts.update(
            _figure_facts(row),
            weakest_dimension=dimension,
            weakest_dimension_score=row[dimension_column(dimension)],
            weakest_variable=variable,
            weakest_variable_score=row[variable],
        )

    def _saran(self, turn: Turn) -> Answer:
        forums = turn.forums or FORUMS
        focus = self._focus_variables(turn.parsed)
        return self._per_region(
            turn, lambda row, draft: self._advice_section(row, forums, focus, draft), self._advice_followups
        )

    def _focus_variables(self, parsed: Parsed) -> list[str]:
        """The variables a question names ("moderasi", "v7"), or those of the dimension it names."""
        if parsed.variable:
            return [parsed.variable]
        if parsed.dimension:
            return [v.key for v in self.methodology.variables_of(parsed.dimension)]
        return []

    def _advice_section(self, row: Row, forums: Sequence[str], focus: Sequence[str], draft: Draft) -> None:
        """Actions for the variables asked about, or else for the region's weakest variables."""
        weakest = list(focus) or self.phrasing.weakest_variables(row, _WEAKEST_VARIABLES)
        draft.add(
            f"<b>Saran untuk {render.escape(display_name(row))}</b>"
            + (f" ({render.escape(row['province_name'])})" if row["level"] == "kabkota" else ""),
            ("Untuk variabel yang ditanyakan: " if focus else "Berdasarkan variabel terlemah: ")
            + " dan ".join(
                f"{render.escape(self.phrasing.variable_label(key))} ({render.number(row[key])})" for key in weakest
            )
            + ".",
        )
        used = self.advisor.forum_actions(forums, weakest, draft)
        draft.add(self.phrasing.summary_line(row), *self.phrasing.caveats(row))
        self.advisor.cite_actions(used, draft)
        draft.facts.update(
            _figure_facts(row), forums=list(forums), weakest_variables=list(weakest), actions=[a.id for a in used]
        )

    def _saran_umum(self, turn: Turn) -> Answer:
        """Advice asked without a region: the forums' actions for the variable or dimension named (or their
        first actions), and an offer to tailor them to a region's weakest variables."""
        forums = turn.forums or FORUMS
        focus = self._focus_variables(turn.parsed)
        draft = Draft()
        if focus:
            draft.add(
                "<b>Saran umum untuk memperkuat "
                + " dan ".join(render.escape(self.phrasing.variable_label(key)) for key in focus)
                + "</b>"
            )
        else:
            draft.add("<b>Saran umum</b>")
        used = self.advisor.forum_actions(forums, focus, draft)
        draft.add(
            "Sebutkan kabupaten/kota atau provinsinya (misalnya <i>Tabalong</i>) untuk saran yang disesuaikan "
            "dengan variabel terlemah di sana."
        )
        self.advisor.cite_actions(used, draft)
        draft.facts.update(forums=list(forums), focus_variables=focus, actions=[a.id for a in used])
        return self._finish(draft, "saran_umum", ())

    def _cakupan(self, turn: Turn) -> Answer:
        return self._per_region(turn, self._coverage_section, self._region_followups)

    def _coverage_section(self, row: Row, draft: Draft) -> None:
        draft.add(title(row))
        if row["level"] == "kabkota":
            target = self.methodology.survey.target_respondents
            draft.add(self.phrasing.respondents_line(row))
            if not row.get("target_met"):
                draft.add(f"Kurang {render.count(target - row['n_respondents'])} responden untuk mencapai target.")
        else:
            draft.add(*self.phrasing.coverage_lines(row))
            if row["level"] == "provinsi":
                draft.add(*self.phrasing.coverage_gaps(row["code"]))
        draft.add(self.phrasing.summary_line(row), *self.phrasing.caveats(row))
        draft.facts.update(
            _figure_facts(row), target_met=row.get("target_met"), reporting_eligible=row.get("reporting_eligible")
        )

    def _selisih_kategori(self, turn: Turn) -> Answer:
        return self._per_region(turn, self._category_gap_section, self._advice_followups)

    def _category_gap_section(self, row: Row, draft: Draft) -> None:
        bands = self.methodology.categories.bands
        higher = [band for band in bands if band.lower > row["ihai"]]
        draft.add(title(row), self.phrasing.summary_line(row))
        if not higher:
            draft.add(
                f"Sudah di kategori tertinggi ({render.escape(bands[-1].label)}, "
                f"mulai {render.number(bands[-1].lower)})."
            )
            draft.facts.update(_figure_facts(row), gap=0.0, next_category=None)
            return
        target, gap = higher[0], higher[0].lower - row["ihai"]
        score_max = self.methodology.scale.score_max
        draft.add(
            f"Kategori berikutnya: <b>{render.escape(target.label)}</b> (mulai {render.number(target.lower)}). "
            f"Kurang <b>{render.number(gap)}</b> poin.",
            "IHaI = jumlah bobot × skor variabel, jadi 1 poin kenaikan sebuah variabel menaikkan IHaI "
            "sebesar bobotnya. "
            "Kenaikan yang dibutuhkan bila hanya satu variabel yang naik:",
        )
        needed: dict[str, float] = {}
        ordered = sorted(self.methodology.variables, key=lambda v: (-v.weight, row[v.key]))
        for variable in ordered:
            needed[variable.key] = gap / (variable.weight / 100)
            reachable = row[variable.key] + needed[variable.key] <= score_max
            draft.add(
                f"• {render.escape(self.phrasing.variable_label(variable.key))} (bobot {weight_text(variable.weight)}, kini "
                f"{render.number(row[variable.key])}): +{render.number(needed[variable.key])} poin"
                + (
                    ""
                    if reachable
                    else f" — melampaui skor maksimum {render.number(score_max, 0)}, tidak cukup sendirian"
                )
            )
        draft.add(
            f"Bila semua variabel naik bersama, masing-masing cukup naik {render.number(gap)} poin "
            "(bobot berjumlah 100%).",
            *self.advisor.provisional_notes(),
            *self.phrasing.caveats(row),
        )
        draft.facts.update(_figure_facts(row), gap=gap, next_category=target.label, needed=needed)

    def _bandingkan(self, turn: Turn) -> Answer:
        draft = Draft(lines=[f"<b>Perbandingan IHaI {self.view.year}</b>"])
        rows: list[Row] = []
        for place, code in enumerate(turn.regions, 1):
            row = self.view.row(code)
            if row is None:
                self._not_measured(code, draft)
                continue
            draft.figures = True
            if not row.get("publishable"):
                self._unpublished(row, draft)
                continue
            rows.append(row)
            draft.add(
                f"<b>{place}. {render.escape(display_name(row))}</b>{province_suffix(row)}: "
                f"<b>{self.phrasing.ihai(row['ihai'])}</b> · {render.escape(row['category'])} · "
                f"IK {self.phrasing.confidence} {render.interval(row['ihai_ci_low'], row['ihai_ci_high'])} · "
                f"n = {render.count(row['n_respondents'])}",
                "   " + self.phrasing.dimensions_text(row),
                *self.phrasing.caveats(row),
            )
            draft.facts[code] = _figure_facts(row)
        if len(rows) == 2:
            draft.add("", self._difference_text(*rows))
        if not rows and not draft.figures:
            return self._finish(draft, "belum_diukur", turn.regions)
        followups = tuple(Button(f"Profil {display_name(row)}"[:40], f"profil {row['code']}") for row in rows[:3])
        return self._finish(draft, "bandingkan", turn.regions, followups)

    def _difference_text(self, first: Row, second: Row) -> str:
        high, low = (first, second) if first["ihai"] >= second["ihai"] else (second, first)
        overlap = first["ihai_ci_low"] <= second["ihai_ci_high"] and second["ihai_ci_low"] <= first["ihai_ci_high"]
        verdict = (
            "Interval kepercayaan keduanya beririsan, jadi perbedaannya belum tentu nyata."
            if overlap
            else "Interval kepercayaan keduanya tidak beririsan: perbedaannya nyata pada tingkat kepercayaan "
            f"{self.phrasing.confidence}."
        )
        return (
            f"{render.escape(display_name(high))} lebih tinggi {render.number(high['ihai'] - low['ihai'])} poin "
            f"dari {render.escape(display_name(low))}. {verdict}"
        )

    def _peringkat(self, turn: Turn) -> Answer:
        parsed = turn.parsed
        metric = parsed.variable or (dimension_column(parsed.dimension) if parsed.dimension else "ihai")
        ranked = self.view.ranking(metric, turn.scope)
        if not ranked:
            draft = Draft()
            if turn.scope in ("", PROVINCES_SCOPE):
                draft.add("Belum ada kab/kota dengan angka yang dipublikasikan.")
            else:
                self._not_measured(turn.scope, draft)
            return self._finish(draft, "belum_diukur", (turn.scope,) if draft.facts else ())
        n = min(parsed.n or DEFAULT_TOP_N, len(ranked))
        bottom = parsed.order == BOTTOM
        chosen = list(reversed(ranked[-n:])) if bottom else ranked[:n]
        draft = Draft(figures=True)
        draft.add(self._ranking_title(n, metric, bottom, turn.scope))
        below_target = False
        for row in chosen:
            place = self.view.position(row, metric, turn.scope)
            figure = self.phrasing.ihai(row[metric]) if metric == "ihai" else render.number(row[metric])
            line = f"{place}. {render.escape(display_name(row))} — <b>{figure}</b>"
            if metric == "ihai":
                line += (
                    f" · {render.escape(row['category'])} · IK {self.phrasing.confidence} "
                    f"{render.interval(row['ihai_ci_low'], row['ihai_ci_high'])}"
                )
            line += f" · n = {render.count(row['n_respondents'])}"
            if row["level"] == "kabkota" and not row.get("target_met"):
                line += " *"
                below_target = True
            draft.add(line)
        unit = "provinsi" if turn.scope == PROVINCES_SCOPE else "kab/kota"
        draft.add("", f"Dari {len(ranked)} {unit} yang angkanya dipublikasikan.")
        if below_target:
            draft.add(
                f"* Di bawah target {render.count(self.methodology.survey.target_respondents)} responden: "
                "angka indikatif, "
                "bukan hasil yang dilaporkan Kemendagri."
            )
        draft.facts.update(scope=turn.scope, metric=metric, order=parsed.order, codes=[row["code"] for row in chosen])
        regions = (turn.scope,) if turn.scope not in ("", PROVINCES_SCOPE) else ()
        followups = (self._flipped_ranking(n, metric, bottom, turn.scope),)
        chart = ChartRequest("province_ranking", turn.scope) if regions else None
        return self._finish(draft, "peringkat", regions, followups, chart)

    def _kategori(self, turn: Turn) -> Answer:
        """The kab/kota (or provinces) of one category band, within a province or nationally."""
        label = turn.parsed.category
        ranked = self.view.ranking("ihai", turn.scope)
        chosen = [row for row in ranked if row["category"] == label]
        if label == self.methodology.categories.bands[0].label:
            chosen.reverse()  # the lowest band: the weakest regions first, where attention is needed most
        unit = "provinsi" if turn.scope == PROVINCES_SCOPE else "kab/kota"
        where = {"": " secara nasional", PROVINCES_SCOPE: ""}.get(turn.scope)
        if where is None:
            where = f" di {self.view.rows[turn.scope]['name']}"
        draft = Draft(figures=True)
        draft.add(
            f"<b>{render.count(len(chosen))} dari {render.count(len(ranked))} {unit}{render.escape(where)} "
            f"berkategori {render.escape(label)}</b>"
        )
        draft.add(
            *(
                f"• {render.escape(display_name(row))} — {self.phrasing.ihai(row['ihai'])} · "
                f"keyakinan kategori {render.chance(row['category_probability'])}"
                for row in chosen[:_LISTED_IN_CATEGORY]
            )
        )
        if len(chosen) > _LISTED_IN_CATEGORY:
            draft.add(f"… dan {render.count(len(chosen) - _LISTED_IN_CATEGORY)} lainnya.")
        band = next(b for b in self.methodology.categories.bands if b.label == label)
        upper = next((b.lower for b in self.methodology.categories.bands if b.lower > band.lower), None)
        draft.add(
            "",
            f"Batas kategori: {band_text(label, band.lower, upper)}"
            + (" (sementara)." if self.methodology.categories.provisional else "."),
        )
        draft.facts.update(scope=turn.scope, category=label, codes=[row["code"] for row in chosen])
        regions = (turn.scope,) if turn.scope not in ("", PROVINCES_SCOPE) else ()
        return self._finish(draft, "kategori", regions)

    def _flipped_ranking(self, n: int, metric: str, bottom: bool, scope: str) -> Button:
        """The same ranking from the other end, as a button."""
        flipped = "tertinggi" if bottom else "terendah"
        measure = (
            ""
            if metric == "ihai"
            else (f" dimensi {metric.removeprefix('dim_')}" if metric.startswith("dim_") else f" {metric}")
        )
        if scope == PROVINCES_SCOPE:
            return Button(f"{n} provinsi {flipped}", f"{n} provinsi {flipped}{measure}")
        where = f" provinsi {scope}" if scope else " nasional"
        return Button(f"{n} {flipped}", f"{n} {flipped}{measure}{where}")

    def _ranking_title(self, n: int, metric: str, bottom: bool, scope: str) -> str:
        what = "provinsi dengan rata-rata" if scope == PROVINCES_SCOPE else "kab/kota dengan"
        measure = "IHaI" if metric == "ihai" else self.phrasing.metric_label(metric)
        where = (
            ""
            if scope == PROVINCES_SCOPE
            else (" secara nasional" if not scope else f" di {self.view.rows[scope]['name']}")
        )
        return (
            f"<b>{n} {what} {render.escape(measure)} {'terendah' if bottom else 'tertinggi'}{render.escape(where)}</b>"
        )

    # --- guidance and conversation -----------------------------------------------------------------

    def _metodologi(self, turn: Turn) -> Answer:
        draft = Draft()
        if turn.parsed.method:
            self.advisor.method_block(draft)
        if self.index is None:
            if not turn.parsed.method:
                draft.add(
                    "Maaf, basis pengetahuan panduan belum siap (indeks pencarian belum dibangun), jadi pertanyaan "
                    "definisi dan panduan belum bisa saya jawab. Pertanyaan tentang angka IHaI tetap bisa."
                )
            draft.facts["index_ready"] = False
        else:
            self.advisor.guidance_block(turn.query, draft)
        followups = (Button("Cara IHaI dihitung", "bagaimana ihai dihitung"), *_example_buttons(2))
        return self._finish(draft, "metodologi", (), followups)

    def _sapaan(self, turn: Turn) -> Answer:
        thanks = "terimakasih" in turn.query.split()
        opening = "Sama-sama! " if thanks else "Halo! "
        text = (
            f"{opening}Saya asisten <b>Indeks Harmoni Indonesia (IHaI)</b>. Tanyakan skor IHaI kabupaten/kota atau "
            "provinsi, dimensi terlemahnya, perbandingan antarwilayah, peringkat, cakupan responden, atau saran "
            "kegiatan untuk FKUB, FPK dan FKDM."
        )
        return Answer(text=text, intent="sapaan", followups=_example_buttons(4))

    def _bantuan(self, turn: Turn) -> Answer:
        lines = [
            "<b>Yang bisa Anda tanyakan</b>",
            "• Skor: <i>berapa IHaI Kota Banjarbaru?</i>, <i>skor kab banjar kalsel</i>",
            "• Dimensi terlemah: <i>dimensi terlemah Kabupaten Tapin</i>",
            "• Saran forum: <i>saran FKDM untuk Banjarmasin</i>",
            "• Perbandingan: <i>bandingkan Banjarbaru dengan Banjarmasin</i>",
            "• Peringkat: <i>5 kab/kota terendah di Jawa Barat</i>, <i>provinsi paling harmonis</i>",
            "• Provinsi: <i>ringkasan Kalsel</i>; cakupan: <i>kab/kota mana di Jabar yang belum capai target?</i>",
            "• Kategori: <i>kab/kota mana yang Harmoni Tinggi di Jateng?</i>",
            "• Naik kategori: <i>berapa poin lagi Banjarbaru ke Harmoni Tinggi?</i>",
            "• Saran umum: <i>gmn cara FKUB ningkatin moderasi?</i>",
            "• Panduan: <i>apa itu IHaI?</i>, <i>bagaimana IHaI dihitung?</i>, <i>tugas FKDM</i>",
            "Singkatan biasa dipahami: kab, kot, prov, brp, yg, Kalsel, Jabar, DIY, HSS, Jakpus …",
        ]
        return Answer(text="\n".join(lines), intent="bantuan", followups=_example_buttons(4))

    def _di_luar_cakupan(self, turn: Turn) -> Answer:
        text = (
            "Maaf, pertanyaan itu di luar cakupan saya. Saya hanya menjawab seputar <b>Indeks Harmoni Indonesia "
            "(IHaI)</b>: skor kab/kota dan provinsi, dimensi, peringkat, cakupan responden, cara perhitungan, dan "
            "saran untuk FKUB, FPK dan FKDM. Contohnya:\n"
            + render.bullet_lines(f"<i>{render.escape(question)}</i>" for _, question in EXAMPLES[:4])
        )
        return Answer(text=text, intent="di_luar_cakupan", followups=_example_buttons(4))

    def _pilih_wilayah(self, turn: Turn) -> Answer:
        if turn.choices:
            name = render.escape(turn.surface.title())
            text = f"Ada beberapa wilayah bernama <b>{name}</b>. Yang mana maksud Anda?"
            return Answer(text=text, intent="pilih_wilayah", choices=self._region_buttons(turn.choices))
        question = "Dibandingkan dengan wilayah mana?" if turn.parsed.intent == "bandingkan" else "Untuk wilayah mana?"
        text = (
            f"{question} Sebutkan nama kabupaten/kota atau provinsinya, misalnya <i>Kota Banjarbaru</i> "
            "atau <i>Kalsel</i>."
        )
        return Answer(text=text, intent="pilih_wilayah", regions=turn.regions)

    def _tidak_dikenal(self, turn: Turn) -> Answer:
        text = f"Saya tidak menemukan wilayah <b>{render.escape(turn.surface)}</b>."
        if turn.choices:
            text += " Maksud Anda salah satu ini?"
        else:
            text += " Periksa ejaannya atau tulis nama lengkapnya, misalnya <i>Kabupaten Hulu Sungai Selatan</i>."
        return Answer(text=text, intent="tidak_dikenal", choices=self._region_buttons(turn.choices))

    # --- shared pieces ------------------------------------------------------------------------------

    def _finish(
        self,
        draft: Draft,
        intent: str,
        regions: tuple[str, ...],
        followups: tuple[Button, ...] = (),
        chart: ChartRequest | None = None,
    ) -> Answer:
        lines = list(draft.lines)
        if draft.figures and self.view.synthetic:
            lines += ["", f"<i>{SYNTHETIC_LINE}</i>"]
        # Sources one tap away: an official who wants to check a recommendation can read its basis.
        followups += tuple(
            Button(_clip(f"Sumber: {source.title}"), f"sumber {source.doc_id}")
            for source in draft.sources[:_SOURCE_BUTTONS]
        )
        return Answer(
            text="\n".join(lines).strip(),
            intent=intent,
            regions=regions,
            sources=tuple(draft.sources),
            followups=followups,
            chart=chart,
            facts=draft.facts,
        )

    def _not_measured(self, code: str, draft: Draft) -> None:
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

    def _unpublished(self, row: Row, draft: Draft) -> None:
        draft.add(
            title(row),
            f"Responden diterima: {render.count(row['n_respondents'])} — di bawah batas minimum publikasi "
            f"{self.methodology.survey.min_publishable}, sehingga angka IHaI wilayah ini tidak dipublikasikan.",
        )
        draft.facts.update(n=row["n_respondents"], publishable=False)

    def _chart_for(self, code: str) -> ChartRequest | None:
        row = self.view.row(code)
        return None if row is None else ChartRequest.default_for(row)

    def _region_buttons(self, codes: Sequence[str]) -> tuple[Button, ...]:
        buttons = []
        for code in codes:
            region = self.gazetteer.get(code)
            if region is None:
                continue
            where = f" ({region.province_name})" if region.level == "kabkota" else " (provinsi)"
            buttons.append(Button(_clip(f"{region.name}{where}", _REGION_LABEL_CHARS), f"wilayah {region.code}"))
        return tuple(buttons)

    def _region_followups(self, code: str) -> tuple[Button, ...]:
        row = self.view.rows[code]
        if row["level"] == "kabkota":
            return (
                Button("Dimensi terlemah", f"dimensi terlemah {code}"),
                Button("Saran forum", f"saran {code}"),
                Button("Naik kategori?", f"selisih kategori {code}"),
                Button("Peringkat provinsi", f"peringkat provinsi {row['province_code']}"),
            )
        if row["level"] == "provinsi":
            return (
                Button("Peringkat kab/kota", f"peringkat provinsi {code}"),
                Button("Dimensi terlemah", f"dimensi terlemah provinsi {code}"),
                Button("Cakupan responden", f"cakupan provinsi {code}"),
            )
        return (Button("Peringkat provinsi", "peringkat provinsi"), Button("Cakupan nasional", "cakupan nasional"))

    def _advice_followups(self, code: str) -> tuple[Button, ...]:
        row = self.view.rows[code]
        target = code if row["level"] == "kabkota" else ("nasional" if code == NATIONAL_CODE else f"provinsi {code}")
        return tuple(Button(f"Saran {forum}", f"saran {forum.lower()} {target}") for forum in FORUMS)


def _remember(context: ChatContext, turn: Turn, answer: Answer) -> ChatContext:
    """The context after this answer: the question waiting for a region, or the regions just answered."""
    if answer.intent in ("pilih_wilayah", "tidak_dikenal", "saran_umum"):
        surface = turn.surface if answer.intent == "pilih_wilayah" and turn.choices else None
        return replace(context, pending=Pending(turn.pending_text, surface))
    followable = turn.intent in REGION_INTENTS or turn.intent == "peringkat"
    forums = turn.forums or turn.parsed.forums
    if len(forums) == 1:
        forum: str | None = forums[0]
    else:  # advice for all forums resets the chat's forum; other answers keep it
        forum = None if answer.intent in ("saran", "saran_umum") else context.forum
    regions = answer.regions or context.regions
    return ChatContext(
        regions=regions,
        intent=turn.intent if followable else context.intent,
        forum=forum,
        pending=None,
        earlier=context.regions if context.regions and regions != context.regions else context.earlier,
    )


def _figure_facts(row: Row) -> dict[str, object]:
    return {
        "ihai": row["ihai"],
        "category": row["category"],
        "ci_low": row["ihai_ci_low"],
        "ci_high": row["ihai_ci_high"],
        "n": row["n_respondents"],
        "target_met": row.get("target_met"),
    }


def _clip(label: str, limit: int = _BUTTON_LABEL_CHARS) -> str:
    """A button label that fits a phone: cut at a word, with an ellipsis."""
    if len(label) <= limit:
        return label
    return label[: limit - 1].rsplit(" ", 1)[0] + "…"


def _example_buttons(count: int) -> tuple[Button, ...]:
    return tuple(Button(label, payload) for label, payload in EXAMPLES[:count])
