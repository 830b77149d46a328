"""What a one-page region report says: every figure formatted from the results, every action with its
basis, every caveat — as plain data that `typeset.py` lays out and the tests read back from the PDF.

Nothing here computes an estimate: figures come from the results of each round as `ihai score` wrote
them; the only arithmetic is a change between two rounds and whether it exceeds its sampling
uncertainty (z × √(SE₁² + SE₂²)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from core.constants import FORUMS, KABKOTA, NATIONAL_CODE, PROVINSI
from core.gazetteer import Gazetteer
from core.numbers import chance, count, interval, number, percent, score
from knowledge.guidance import ForumAction, GuidanceDoc, actions_for
from scoring.methodology import Methodology
from scoring.results import SYNTHETIC_LABEL, UNWEIGHTED, Results, aspect_column, dimension_column
from scoring.rounds import change, round_year

Row = dict[str, Any]
# Below this chance of lying in its band, a category is called not yet certain (as the assistant does).
SURE_CATEGORY = 0.9
# The weakest variables whose forum actions the report lists, and actions per forum.
ACTION_VARIABLES = 2
ACTIONS_PER_FORUM = 2
WEAKEST_VARIABLES_LISTED = 3
# Columns the weight-sensitivity analysis adds to the results, when it has run.
STABILITY_COLUMNS = ("category_stability", "rank_low", "rank_high")


class ReportError(ValueError):
    """No report can be made for what was asked; the message says why, in Indonesian."""


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    strong: tuple[int, ...] = ()  # rows set in bold: the total, the dimensions
    left: tuple[int, ...] = (0,)  # columns of words, set flush left (figures are set flush right)


@dataclass(frozen=True)
class ActionLine:
    forum: str
    text: str
    basis: str  # the regulation and article, or the project's recommendation
    source: str  # the guidance document it comes from


@dataclass(frozen=True)
class RegionReport:
    code: str
    level: str
    year: int
    title: str
    region: str
    subtitle: str
    synthetic: str  # the sample-data label, "" for real results
    key_figures: tuple[KeyFigure, ...]
    status_lines: tuple[str, ...]
    components_title: str
    components: Table
    trend: Table | None
    trend_notes: tuple[str, ...]
    weakest: tuple[str, ...]
    actions_intro: str
    actions: tuple[ActionLine, ...]
    members: Table | None
    members_note: str
    notes: tuple[str, ...]
    footer: str
    # The Telegram deep link to this region and its QR code (SVG text), shown in the header's corner
    # when the bot's username is known (IHAI_TELEGRAM_BOT_USERNAME): a printout leads a phone to the bot.
    link: str = ""
    qr_svg: str = ""

    @property
    def filename(self) -> str:
        return report_filename(self.code, self.region, self.year)


def report_filename(code: str, region: str, year: int) -> str:
    """ "laporan-ihai-2025-63.03-kabupaten-banjar.pdf": what a downloaded or forwarded report is called."""
    slug = "-".join("".join(c if c.isalnum() else " " for c in region.lower()).split())
    return f"laporan-ihai-{year}-{code}-{slug}.pdf"


def region_title(name: str, level: str) -> str:
    """How a report names its region: "Kabupaten Banjar", "Provinsi Kalimantan Selatan"."""
    return f"Provinsi {name}" if level == PROVINSI else name


def plain_rows(results: Results) -> dict[str, Row]:
    """Each region's results row as a dict of plain values (None for every kind of missing)."""
    return {
        record["code"]: {key: None if _missing(value) else _python(value) for key, value in record.items()}
        for record in results.table.to_dict("records")
    }


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _python(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


class ReportWriter:
    """Report contents for the rounds loaded (oldest first), with the forum actions of the guidance."""

    def __init__(self, rounds: Sequence[Results], gazetteer: Gazetteer, guidance: Sequence[GuidanceDoc]) -> None:
        if not rounds:
            raise ReportError("Belum ada hasil IHaI yang dimuat.")
        self.rounds = {round_year(results): results for results in rounds}
        self._rows = {year: plain_rows(results) for year, results in self.rounds.items()}
        self.gazetteer = gazetteer
        self.actions: list[ForumAction] = [action for doc in guidance for action in doc.actions]
        self.doc_titles = {doc.id: doc.title for doc in guidance}

    @property
    def latest_year(self) -> int:
        return max(self.rounds)

    def rows_of(self, year: int) -> dict[str, Row]:
        return self._rows.get(year, {})

    def row(self, code: str, year: int | None = None) -> Row | None:
        return self.rows_of(year or self.latest_year).get(code)

    def reportable(self, code: str, year: int | None = None) -> bool:
        """A kab/kota with published figures, or a province with an average."""
        row = self.row(code, year)
        return row is not None and row["level"] in (KABKOTA, PROVINSI) and row.get("ihai") is not None

    def report(self, code: str, year: int | None = None) -> RegionReport:
        year = year or self.latest_year
        if year not in self.rounds:
            known = ", ".join(str(y) for y in sorted(self.rounds))
            raise ReportError(f"Hasil IHaI tahun {year} tidak dimuat (tersedia: {known}).")
        if code.strip() == NATIONAL_CODE:
            raise ReportError("Laporan disusun per kabupaten/kota atau provinsi; sebutkan wilayahnya.")
        region = self.gazetteer.get(code)
        row = self.row(region.code if region else code, year)
        if region is None:
            raise ReportError(f"Kode wilayah {code!r} tidak dikenal. Pakai kode Kemendagri, mis. 63.03 atau 63.")
        if row is None:
            raise ReportError(f"{region_title(region.name, region.level)} belum diukur pada IHaI {year}.")
        if row.get("ihai") is None:
            raise ReportError(
                f"{region_title(row['name'], row['level'])} hanya punya {count(row['n_respondents'])} responden pada IHaI "
                f"{year}, di bawah batas publikasi; laporan tidak dapat dibuat."
            )
        return _Composer(self, row, year).report()


class _Composer:
    """One report: the row of one region in one round, beside its province, the nation and other rounds."""

    def __init__(self, writer: ReportWriter, row: Row, year: int) -> None:
        self.writer = writer
        self.row = row
        self.year = year
        self.results = writer.rounds[year]
        self.m: Methodology = self.results.methodology
        self.rows = writer.rows_of(year)
        self.kabkota = row["level"] == KABKOTA
        self.province = self.rows.get(row["province_code"]) if self.kabkota else None
        self.nation = self.rows.get(NATIONAL_CODE)

    def report(self) -> RegionReport:
        row, m = self.row, self.m
        place = f"Provinsi {row['province_name']} · kode {row['code']}" if self.kabkota else f"Kode {row['code']}"
        return RegionReport(
            code=row["code"],
            level=row["level"],
            year=self.year,
            title=f"Laporan Indeks Harmoni Indonesia (IHaI) {self.year}",
            region=region_title(row["name"], row["level"]),
            subtitle=place,
            synthetic=SYNTHETIC_LABEL if self.results.synthetic else "",
            key_figures=self._key_figures(),
            status_lines=tuple(self._status_lines()),
            components_title="Dimensi, variabel dan aspek"
            + (" dibanding provinsi dan nasional" if self.kabkota else " dibanding nasional"),
            components=self._components(),
            trend=self._trend(),
            trend_notes=tuple(self._trend_notes()),
            weakest=tuple(self._weakest()),
            actions_intro=self._actions_intro(),
            actions=tuple(self._actions()),
            members=None if self.kabkota else self._members(),
            members_note="" if self.kabkota else self._members_note(),
            notes=tuple(self._notes()),
            footer=f"Asisten IHaI · hasil {self.year} · {m.id}"
            + (" · data sampel sintetis" if self.results.synthetic else ""),
        )

    # --- headline --------------------------------------------------------------------------------

    def ihai(self, value: float | None) -> str:
        return score(value, self.m.band_edges)

    def _key_figures(self) -> tuple[KeyFigure, ...]:
        row, m = self.row, self.m
        confidence = percent(m.survey.confidence_level)
        figures = [
            KeyFigure(f"IHaI {self.year}" if self.kabkota else f"Rata-rata IHaI {self.year}", self.ihai(row["ihai"]),
                      f"skala 0–{number(m.scale.score_max, 0)}"),
            KeyFigure("Kategori" + (" (sementara)" if m.categories.provisional else ""), row["category"],
                      f"keyakinan kategori {chance(row['category_probability'])}"),
            KeyFigure(f"Interval kepercayaan {confidence}", interval(row["ihai_ci_low"], row["ihai_ci_high"]),
                      f"galat baku {number(row['ihai_se'], 3)}"),
        ]  # fmt: skip
        figures.append(self._rank_figure())
        if self.kabkota:
            target = m.survey.target_respondents
            status = "target tercapai" if row.get("target_met") else "di bawah target"
            figures.append(KeyFigure("Responden", count(row["n_respondents"]),
                                     f"target {count(target)} ({percent(row['n_respondents'] / target)}), {status}"))  # fmt: skip
        else:
            figures.append(KeyFigure("Kab/kota terukur", f"{count(row['n_kabkota_measured'])} dari "
                                     f"{count(row['n_kabkota_total'])}",
                                     f"{count(row['n_kabkota_at_target'])} mencapai target responden"))  # fmt: skip
        return tuple(figures)

    def _rank_figure(self) -> KeyFigure:
        row = self.row
        if self.kabkota:
            in_province = self._publishable(KABKOTA, row["province_code"])
            national = self._publishable(KABKOTA)
            return KeyFigure("Peringkat di provinsi", f"{row['rank_in_province']} dari {in_province}",
                             f"nasional {row['rank_national']} dari {national} kab/kota")  # fmt: skip
        provinces = self._publishable(PROVINSI)
        return KeyFigure("Peringkat antarprovinsi", f"{row['rank_national']} dari {provinces}",
                         f"rentang kab/kota {number(row['ihai_min'])}–{number(row['ihai_max'])}")  # fmt: skip

    def _publishable(self, level: str, province: str | None = None) -> int:
        return sum(
            1 for r in self.rows.values()
            if r["level"] == level and r.get("ihai") is not None and (province is None or r["province_code"] == province)
        )  # fmt: skip

    def _status_lines(self) -> list[str]:
        row, m = self.row, self.m
        lines = []
        probability = row["category_probability"]
        if probability < SURE_CATEGORY:
            lines.append(f"Skor dekat batas kategori: peluang nilai sebenarnya berada di {row['category']} "
                         f"{chance(probability)}, jadi kategorinya belum pasti.")  # fmt: skip
        stability = self._stability()
        if stability:
            lines.append(stability)
        if self.kabkota and not row.get("target_met"):
            lines.append(f"Responden di bawah target {count(m.survey.target_respondents)}: Kemendagri hanya "
                         "melaporkan kab/kota yang mencapai target, jadi angka ini indikatif.")  # fmt: skip
        if not self.kabkota:
            met = "terpenuhi" if row.get("reporting_eligible") else "belum terpenuhi"
            lines.append(f"Syarat laporan provinsi (semua kab/kota diukur dan mencapai target): {met}.")
        weighting = row.get("weighting")
        if weighting and weighting != UNWEIGHTED:
            lines.append(f"Pembobotan ke jumlah penduduk: {weighting}.")
        return lines

    def _stability(self) -> str:
        """How much the category and rank depend on the provisional weights, when the results say so."""
        values = [self.row.get(column) for column in STABILITY_COLUMNS]
        if all(value is None for value in values):
            return ""
        share, low, high = values
        parts = []
        if share is not None:
            parts.append(f"kategori bertahan pada {percent(share)} pembobotan yang diuji")
        if low is not None and high is not None:
            where = "nasional" if self.kabkota else "antarprovinsi"
            ranks = str(low) if low == high else f"{low}–{high}"
            parts.append(f"peringkat {where} {ranks} tergantung bobot")
        return "Kepekaan terhadap bobot sementara: " + "; ".join(parts) + "."

    # --- components ------------------------------------------------------------------------------

    def _components(self) -> Table:
        m = self.m
        columns = [self.row]
        header = ["Komponen", "Bobot" + (" (sementara)" if m.weights_provisional else "")]
        header.append("Kab/kota" if self.kabkota else "Provinsi")
        if self.province is not None:
            columns.append(self.province)
            header.append("Provinsi")
        if self.nation is not None:
            columns.append(self.nation)
            header.append("Nasional")
        rows: list[tuple[str, ...]] = [("IHaI", "100%", *(self.ihai(c["ihai"]) for c in columns))]
        strong = [0]
        for dimension in m.dimensions:
            variables = m.variables_of(dimension.key)
            strong.append(len(rows))
            rows.append((f"Dimensi {dimension.name}", _weight(sum(v.weight for v in variables)),
                         *(number(c[dimension_column(dimension.key)]) for c in columns)))  # fmt: skip
            rows += [
                (f"  {v.key.upper()} {v.name}", _weight(v.weight), *(number(c[v.key]) for c in columns))
                for v in variables
            ]
        rows += [(f"Aspek {a.name}", "", *(number(c[aspect_column(a.key)]) for c in columns)) for a in m.aspects]
        return Table(tuple(header), tuple(rows), tuple(strong))

    # --- trend -----------------------------------------------------------------------------------

    def _series(self) -> list[tuple[int, Results, Row]]:
        series = []
        for year in sorted(self.writer.rounds):
            row = self.writer.row(self.row["code"], year)
            if year <= self.year and row is not None and row.get("ihai") is not None:
                series.append((year, self.writer.rounds[year], row))
        return series

    def _trend(self) -> Table | None:
        series = self._series()
        if len(series) < 2:
            return None
        rows = []
        previous: tuple[Results, Row] | None = None
        for year, results, row in series:
            rows.append((str(year), results.methodology.id, self.ihai(row["ihai"]),
                         interval(row["ihai_ci_low"], row["ihai_ci_high"]), row["category"],
                         count(row["n_respondents"]), self._change(previous, results, row)))  # fmt: skip
            previous = (results, row)
        header = ("Tahun", "Kerangka", "IHaI", "Interval", "Kategori", "Responden", "Perubahan")
        return Table(header, tuple(rows), left=(0, 1, 4, 6))

    def _change(self, previous: tuple[Results, Row] | None, results: Results, row: Row) -> str:
        if previous is None:
            return "–"
        before_results, before = previous
        moved = change(before["ihai"], before["ihai_se"], row["ihai"], row["ihai_se"], results.methodology.z)
        sign = "+" if moved.difference >= 0 else "−"
        verdict = {True: "melebihi ketidakpastian", False: "dalam batas ketidakpastian"}.get(
            moved.significant, "galat baku tidak tersedia"
        )
        framework = "; kerangka berganti" if before_results.methodology.id != results.methodology.id else ""
        return f"{sign}{number(abs(moved.difference))} ({verdict}{framework})"

    def _trend_notes(self) -> list[str]:
        series = self._series()
        if len(series) < 2:
            return [f"Baru satu putaran yang dimuat untuk wilayah ini ({self.year}); tren tampil bila hasil "
                    "putaran lain tersedia."]  # fmt: skip
        notes = [f"Perubahan dinilai terhadap ketidakpastian sampelnya: {number(self.m.z)} × √(SE₁² + SE₂²)."]
        if len({results.methodology.id for _, results, _ in series}) > 1:
            notes.append("Kerangka berganti antarputaran: IHaI dan keempat dimensi dapat dibandingkan, "
                         "variabelnya tidak.")  # fmt: skip
        return notes

    # --- weakest parts and forum actions ---------------------------------------------------------

    def weakest_variables(self) -> list[str]:
        return sorted(self.m.variable_keys, key=lambda key: self.row[key])

    def _weakest(self) -> list[str]:
        row, m = self.row, self.m
        dimension = min(m.dimensions, key=lambda d: row[dimension_column(d.key)])
        aspect = min(m.aspects, key=lambda a: row[aspect_column(a.key)])
        lines = [
            f"Dimensi terlemah: {dimension.name} ({number(row[dimension_column(dimension.key)])})",
            "Variabel terendah: " + " · ".join(
                f"{key.upper()} {m.variable(key).name} ({number(row[key])})"
                for key in self.weakest_variables()[:WEAKEST_VARIABLES_LISTED]
            ),
            f"Aspek terendah: {aspect.name} ({number(row[aspect_column(aspect.key)])})",
        ]  # fmt: skip
        if not self.kabkota:
            members = self._ranked_members()
            if members:
                lowest = members[-1]
                lines.append(f"Kab/kota dengan IHaI terendah: {lowest['name']} ({self.ihai(lowest['ihai'])})")
        return lines

    def _actions_intro(self) -> str:
        keys = self.weakest_variables()[:ACTION_VARIABLES]
        named = " dan ".join(f"{key.upper()} {self.m.variable(key).name}" for key in keys)
        return f"Aksi forum untuk variabel terendah ({named}):"

    def _actions(self) -> list[ActionLine]:
        keys = self.weakest_variables()[:ACTION_VARIABLES]
        return [
            ActionLine(forum, action.text, action.basis_text, self.writer.doc_titles.get(action.doc_id, action.doc_id))
            for forum in FORUMS
            for action in actions_for(self.writer.actions, forum, keys, self.m, ACTIONS_PER_FORUM)
        ]

    # --- a province's kab/kota -------------------------------------------------------------------

    def _ranked_members(self) -> list[Row]:
        members = [r for r in self.rows.values()
                   if r["level"] == KABKOTA and r["province_code"] == self.row["code"] and r.get("ihai") is not None]  # fmt: skip
        return sorted(members, key=lambda r: (r["rank_in_province"], r["code"]))

    def _members(self) -> Table:
        rows = []
        for r in self._ranked_members():
            rows.append((str(r["rank_in_province"]), r["name"], count(r["n_respondents"]),
                         "ya" if r.get("target_met") else "tidak", self.ihai(r["ihai"]),
                         interval(r["ihai_ci_low"], r["ihai_ci_high"]), r["category"]))  # fmt: skip
        minimum = self.m.survey.min_publishable
        for region in self.writer.gazetteer.kabkota(self.row["code"]):
            r = self.rows.get(region.code)
            if r is None:
                rows.append(("–", region.name, "0", "tidak", "–", "–", "belum diukur"))
            elif r.get("ihai") is None:
                rows.append(("–", region.name, count(r["n_respondents"]), "tidak", "–", "–",
                             f"di bawah {minimum} responden"))  # fmt: skip
        header = ("Peringkat", "Kabupaten/kota", "Responden", "Target", "IHaI", "Interval", "Kategori")
        return Table(header, tuple(rows), left=(1, 3, 6))

    def _members_note(self) -> str:
        target = count(self.m.survey.target_respondents)
        return (f"Semua kab/kota provinsi ini, urut peringkat. \"Target\": mencapai {target} responden. Kab/kota "
                f"di bawah {self.m.survey.min_publishable} responden tidak dipublikasikan.")  # fmt: skip

    # --- notes -----------------------------------------------------------------------------------

    def _notes(self) -> list[str]:
        m = self.m
        notes = [
            f"Kerangka: {m.name}. IHaI = jumlah bobot × skor variabel (skala 0–{number(m.scale.score_max, 0)}); "
            "skor dimensi = rata-rata tertimbang variabelnya; aspek = persepsi, partisipasi, akseptabilitas."
            + ("" if self.kabkota else " Angka provinsi = rata-rata kab/kota yang dipublikasikan."),
        ]
        if m.weights_provisional:
            notes.append(m.weights_note)
        if m.categories.provisional:
            notes.append(m.categories.note)
        notes += [
            f"Interval kepercayaan {percent(m.survey.confidence_level)} dan keyakinan kategori hanya menggambarkan "
            "keragaman sampel: e-survei IHaI diisi sukarela, bukan sampel probabilitas, sehingga bias karena siapa "
            "yang mengisi tidak tercakup.",
            f"Target {count(m.survey.target_respondents)} responden per kab/kota: hanya yang mencapainya mendapat "
            f"laporan hasil Kemendagri; di bawah {m.survey.min_publishable} responden angka tidak dipublikasikan.",
            "Aksi forum adalah saran untuk dipertimbangkan, bukan kewajiban; tiap aksi menyebut dasar hukumnya, "
            "dan bagian yang merupakan rekomendasi tim Asisten IHaI ditandai.",
        ]
        if self.results.synthetic:
            notes.append(f"{SYNTHETIC_LABEL}. Angka laporan ini berasal dari data sampel yang dibangkitkan aplikasi "
                         "(dikalibrasi ke fakta IHaI 2025 yang dipublikasikan); jangan dipakai sebagai baseline "
                         "atau dikutip sebagai hasil resmi.")  # fmt: skip
        return notes


def _weight(percent_value: float) -> str:
    """15.0 -> "15%", 11.5 -> "11,5%"."""
    return number(percent_value, 2).rstrip("0").rstrip(",") + "%"


def as_data(report: RegionReport) -> Mapping[str, Any]:
    """The report as the JSON the Typst template reads."""
    return {**asdict(report), "filename": report.filename}
