"""How the engine words a region's figures: the lines its answers are built from.

Everything here reads the results (through `ResultsView`) and the methodology and returns Telegram HTML
text; nothing decides what to answer. `answer.py` composes these lines into answers.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.engine import render
from bot.engine.data import ResultsView, Row
from core.gazetteer import Gazetteer
from scoring.methodology import Methodology
from scoring.results import UNWEIGHTED, aspect_column, dimension_column

# Below this chance of lying in its band, a category is flagged as not yet certain.
_SURE_CATEGORY = 0.9
# The population variables weighting can use, as officials read them.
_WEIGHTING_VARIABLES = {"sex": "jenis kelamin", "age_group": "kelompok umur"}
# Longer lists of names end in "dan N lainnya".
_LISTED = 10


class RegionPhrasing:
    """Lines about a region's figures, in Indonesian, for one set of results."""

    def __init__(self, view: ResultsView, methodology: Methodology, gazetteer: Gazetteer) -> None:
        self.view = view
        self.methodology = methodology
        self.gazetteer = gazetteer
        self.confidence = render.percent(methodology.survey.confidence_level)  # "95%"

    def respondents_line(self, row: Row) -> str:
        target = self.methodology.survey.target_respondents
        n = row["n_respondents"]
        status = "target tercapai" if row.get("target_met") else "di bawah target"
        return (
            f"Responden: {render.count(n)} dari target {render.count(target)} ({render.percent(n / target)}) — {status}"
        )

    def coverage_lines(self, row: Row) -> list[str]:
        lines = [
            f"Kab/kota terukur: {render.count(row['n_kabkota_measured'])} dari {render.count(row['n_kabkota_total'])}"
            f" · mencapai target {render.count(self.methodology.survey.target_respondents)}: "
            f"{render.count(row['n_kabkota_at_target'])}",
            f"Responden: {render.count(row['n_respondents'])}",
        ]
        if row["level"] == "nasional":
            eligible = [render.escape(province["name"]) for province in self.view.eligible_provinces()]
            lines.append(
                "Provinsi yang memenuhi syarat laporan (semua kab/kota mencapai target): "
                + (", ".join(eligible) or "belum ada")
            )
        elif row.get("reporting_eligible"):
            lines.append("Syarat laporan provinsi: <b>terpenuhi</b> — semua kab/kota mencapai target.")
        else:
            lines.append(
                "Syarat laporan provinsi: <b>belum terpenuhi</b> — tidak semua kab/kota diukur dan mencapai target."
            )
        return lines

    def coverage_gaps(self, province_code: str) -> list[str]:
        """Which kab/kota keep a province from being reported: those under target, and those not measured."""
        target = self.methodology.survey.target_respondents
        under = sorted(
            (r for r in self.view.rows.values()
             if r["level"] == "kabkota" and r["province_code"] == province_code and not r.get("target_met")),
            key=lambda r: r["n_respondents"],
        )  # fmt: skip
        unmeasured = [r.name for r in self.gazetteer.kabkota(province_code) if r.code not in self.view.rows]
        lines = []
        if under:
            lines.append(
                f"Belum mencapai target {render.count(target)}: "
                + listing(
                    f"{render.escape(display_name(r))} (n = {render.count(r['n_respondents'])}, "
                    f"kurang {render.count(target - r['n_respondents'])})"
                    for r in under
                )
            )
        if unmeasured:
            lines.append("Belum diukur (tanpa responden): " + listing(render.escape(name) for name in unmeasured))
        return lines

    def category_spread(self, row: Row) -> str:
        """How many of the region's kab/kota fall in each category band."""
        members = self.view.kabkota_of(row["code"]) if row["level"] == "provinsi" else self.view.ranking("ihai")
        counts = {band.label: 0 for band in self.methodology.categories.bands}
        for member in members:
            counts[member["category"]] += 1
        return "Sebaran kategori kab/kota: " + " · ".join(
            f"{render.escape(label)} {render.count(n)}" for label, n in counts.items()
        )

    def range_line(self, row: Row) -> list[str]:
        ranked = self.view.kabkota_of(row["code"]) if row["level"] == "provinsi" else self.view.ranking("ihai")
        if not ranked:
            return []
        return [
            f"Rentang kab/kota: {render.number(row['ihai_min'])} ({render.escape(display_name(ranked[-1]))}) – "
            f"{render.number(row['ihai_max'])} ({render.escape(display_name(ranked[0]))})"
        ]

    def summary_line(self, row: Row) -> str:
        return (
            f"IHaI {self.view.year}: {self.ihai(row['ihai'])} · {render.escape(row['category'])} · "
            f"IK {self.confidence} "
            f"{render.interval(row['ihai_ci_low'], row['ihai_ci_high'])} · n = {render.count(row['n_respondents'])}"
        )

    def weighting_lines(self, row: Row) -> list[str]:
        """How the figures were weighted to the population, when they were ("raking: sex, age_group")."""
        value = row.get("weighting")
        if not value or value == UNWEIGHTED:
            return []
        method, _, rest = str(value).partition(":")
        variables, _, reason = rest.partition("(")
        names = [_WEIGHTING_VARIABLES.get(name.strip(), name.strip()) for name in variables.split(",") if name.strip()]
        how = {"raking": "raking", "pascastratifikasi": "pascastratifikasi"}.get(method.strip(), method.strip())
        line = f"Pembobotan: angka dibobot ke jumlah penduduk menurut {' dan '.join(names)} ({how})"
        if reason:
            line += f"; sebagian tidak dipakai ({reason.rstrip(')').strip()})"
        return [render.escape(line + ".")]

    def weight_ranks(self, row: Row) -> str | None:
        """ "peringkat 210–236 tergantung bobot": a kab/kota's national rank over the plausible weightings,
        while the weights are provisional and the rank or the category moves with them."""
        low, high, stability = row.get("rank_low"), row.get("rank_high"), row.get("category_stability")
        if not self.methodology.weights_provisional or low is None or high is None:
            return None
        if low == high and (stability is None or stability >= 1):
            return None
        return f"peringkat {render.count(low)}–{render.count(high)} tergantung bobot"

    def weight_lines(self, row: Row) -> list[str]:
        """What the provisional weights do to a kab/kota's rank and category, for its profile."""
        ranks = self.weight_ranks(row)
        if ranks is None:
            return []
        stability = row.get("category_stability")
        line = f"Kepekaan bobot (bobot {self.view.year} masih sementara): secara nasional {ranks}"
        if stability is not None:
            kept = "kategori tetap" if stability >= 1 else f"kategori tetap pada {render.percent(stability)} pembobotan"
            line += f"; {kept} di antara pembobotan lain yang masuk akal"
        return [line + "."]

    def caveats(self, row: Row) -> list[str]:
        if row["level"] != "kabkota" or row.get("target_met"):
            return []
        target = render.count(self.methodology.survey.target_respondents)
        return [
            f"⚠️ <i>Responden di bawah target {target}. Kemendagri hanya melaporkan kab/kota yang mencapai target, "
            "jadi angka ini indikatif, bukan hasil yang dapat dilaporkan.</i>"
        ]

    def ihai(self, value: float) -> str:
        """An IHaI figure, never rounded onto a category edge it lies below."""
        return render.score(value, self.methodology.band_edges)

    def dimensions_text(self, row: Row) -> str:
        return " · ".join(
            f"{render.escape(d.name)} {render.number(row[dimension_column(d.key)])}"
            for d in self.methodology.dimensions
        )

    def aspects_text(self, row: Row, weakest_first: bool = False) -> str:
        """Persepsi, partisipasi, akseptabilitas: where perception, taking part or acceptance lags."""
        aspects = list(self.methodology.aspects)
        if weakest_first:
            aspects.sort(key=lambda a: row[aspect_column(a.key)])
        return " · ".join(f"{render.escape(a.name)} {render.number(row[aspect_column(a.key)])}" for a in aspects)

    def certainty_line(self, row: Row) -> str:
        """How sure the category is: the chance, given the sampling error, that the true value lies in the
        reported band."""
        probability = row["category_probability"]
        note = " — skor dekat batas kategori, kategori belum pasti" if probability < _SURE_CATEGORY else ""
        return f"Keyakinan kategori: {render.chance(probability)}{note}"

    def weakest_dimension(self, row: Row) -> str:
        return row.get("weakest_dimension") or min(
            self.methodology.dimension_keys, key=lambda key: row[dimension_column(key)]
        )

    def weakest_variables(self, row: Row, count: int) -> list[str]:
        return sorted(self.methodology.variable_keys, key=lambda key: row[key])[:count]

    def dimension_name(self, key: str) -> str:
        return next(d.name for d in self.methodology.dimensions if d.key == key)

    def dimension_score(self, row: Row, key: str, bold: bool = False) -> str:
        """ "Budaya (5,78)": a dimension with the region's score on it, its name in bold where it leads."""
        name = render.escape(self.dimension_name(key))
        return f"{f'<b>{name}</b>' if bold else name} ({render.number(row[dimension_column(key)])})"

    def variable_label(self, key: str) -> str:
        return f"{key.upper()} {self.methodology.variable(key).name}"

    def metric_label(self, metric: str) -> str:
        if metric.startswith("dim_"):
            return f"skor dimensi {self.dimension_name(metric.removeprefix('dim_'))}"
        if metric == "n_respondents":
            return "jumlah responden"
        if metric.startswith("aspect_"):
            key = metric.removeprefix("aspect_")
            return f"skor aspek {next(a.name for a in self.methodology.aspects if a.key == key)}"
        return f"skor {self.variable_label(metric)}"


def display_name(row: Row) -> str:
    return (
        "Indonesia (nasional)"
        if row["level"] == "nasional"
        else (row["name"] if row["level"] == "kabkota" else f"Provinsi {row['name']}")
    )


def province_suffix(row: Row) -> str:
    return f" ({render.escape(row['province_name'])})" if row["level"] == "kabkota" else ""


def title(row: Row) -> str:
    return f"<b>{render.escape(display_name(row))}</b>{province_suffix(row)}"


def weight_text(percent: float) -> str:
    """15.0 -> "15%", 12.5 -> "12,5%"."""
    return render.number(percent, 2).rstrip("0").rstrip(",") + "%"


def band_text(label: str, lower: float, upper: float | None) -> str:
    """ "Harmoni Rendah di bawah 6,00", "Harmoni Sedang 6,00 sampai di bawah 8,00", "Harmoni Tinggi mulai 8,00"."""
    if not lower:
        return f"{render.escape(label)} di bawah {render.number(upper)}"
    if upper is None:
        return f"{render.escape(label)} mulai {render.number(lower)}"
    return f"{render.escape(label)} {render.number(lower)} sampai di bawah {render.number(upper)}"


def listing(items: Iterable[str], limit: int = _LISTED) -> str:
    """ "A, B, C dan 4 lainnya": a list that stays readable on a phone."""
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown + (f" dan {len(items) - limit} lainnya" if len(items) > limit else "")
