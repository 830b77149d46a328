"""The target helper: a baseline with its interval, the gap to the next category, a yearly path up to an
end year, and the rows an RPJMD/Renstra indicator table needs — all the project's suggestion, not a rule.

How the path is set (knowledge/guidance/menetapkan-target-ihai.md): each year's rise should exceed what
sampling alone can produce between two rounds, or a measured "rise" proves nothing. The smallest such
rise is z × √2 × SE (two rounds with the same SE); for a kab/kota under the 1,250-respondent target the
SE is taken at the target, since reaching it is the first thing the plan asks. The interval covers
sampling only, though: the e-survey is not a probability sample, and a change in who answers can move a
score by more, which no SE measures. So the step is that rise rounded up to the second decimal but at
least `MIN_STEP` (0.10 points, 1% of the scale) — the project's own recommendation, said so in every
plan — added each year from the baseline and never past the scale's maximum. Categories are not targets
while their bands are provisional; the gap to the next one is shown for orientation only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from core.constants import KABKOTA, PROVINSI
from core.numbers import count, interval, number, percent, score
from scoring.methodology import Methodology

# RPJMD and Renstra 2025–2029 (the RPJMN period): the default end of a target path.
PLAN_PERIOD_END = 2029
# The smallest yearly step suggested (the project's recommendation, see above): below it, a shift in who
# fills in the e-survey between rounds can match the rise however large the sample.
MIN_STEP = 0.10
# A plan longer than this is no medium-term plan.
MAX_PLAN_YEARS = 10
WEAKEST_VARIABLES = 2
GUIDANCE_DOCS = ("menetapkan-target-ihai", "ihai-dalam-rpjmd")
DATA_SOURCE = "Hasil pengukuran IHaI Kemendagri (Ditjen Polpum), e-survei tahunan"


class TargetError(ValueError):
    """No target plan for what was asked; the message says why, in Indonesian."""


@dataclass(frozen=True)
class IndicatorRow:
    """One row of an RPJMD/Renstra indicator table (Permendagri 86/2017's tables name these columns)."""

    indicator: str
    unit: str
    baseline: str  # the value and its year
    targets: tuple[tuple[int, str], ...]  # (year, target)
    source: str


@dataclass(frozen=True)
class TargetPlan:
    code: str
    region: str  # "Kabupaten Banjar", "Provinsi Kalimantan Selatan"
    level: str
    baseline_year: int
    until: int
    framework: str
    baseline: float
    baseline_text: str  # never rounded onto a category edge it lies below
    ci_low: float
    ci_high: float
    se: float
    n: int
    target_respondents: int
    confidence: str  # "95%"
    target_met: bool | None  # kab/kota: reached the respondent target; None for a province
    category: str
    next_category: str | None
    next_lower: float | None
    gap: float | None  # points to the next band's lower edge; None in the top band
    detectable: float  # the smallest rise between two rounds beyond sampling noise
    step: float  # the suggested yearly rise
    path: tuple[tuple[int, float], ...]  # (year, target) for baseline_year + 1 … until
    weakest: tuple[tuple[str, str, float], ...]  # (key, name, score) of the weakest variables
    rows: tuple[IndicatorRow, ...]
    synthetic: bool
    weights_provisional: bool
    categories_provisional: bool

    @property
    def years(self) -> int:
        return self.until - self.baseline_year


def default_until(baseline_year: int) -> int:
    return PLAN_PERIOD_END if baseline_year < PLAN_PERIOD_END else baseline_year + 5


def plan_target(
    row: Mapping[str, Any], methodology: Methodology, baseline_year: int, until: int | None, synthetic: bool
) -> TargetPlan:
    """The plan for one region's results row (plain values, as `reports.content.plain_rows` gives them)."""
    until = default_until(baseline_year) if until is None else until
    name = f"Provinsi {row['name']}" if row["level"] == PROVINSI else row["name"]
    if row["level"] not in (KABKOTA, PROVINSI):
        raise TargetError("Target IHaI disusun untuk kabupaten/kota atau provinsi.")
    if row.get("ihai") is None:
        raise TargetError(f"{name} belum punya angka IHaI {baseline_year} yang dipublikasikan, jadi baseline belum "
                          "ada; jadikan pencapaian target responden sebagai target pertama.")  # fmt: skip
    if not baseline_year < until <= baseline_year + MAX_PLAN_YEARS:
        raise TargetError(f"Tahun akhir target harus sesudah tahun baseline {baseline_year} dan paling lambat "
                          f"{baseline_year + MAX_PLAN_YEARS}.")  # fmt: skip
    baseline, se = float(row["ihai"]), float(row["ihai_se"])
    target_n = methodology.survey.target_respondents
    kabkota = row["level"] == KABKOTA
    se_at_target = se * math.sqrt(row["n_respondents"] / target_n) if kabkota and not row.get("target_met") else se
    detectable = methodology.z * math.sqrt(2) * se_at_target
    step = max(math.ceil(round(detectable * 100, 9)) / 100, MIN_STEP)
    path = yearly_path(baseline, step, baseline_year, until, methodology.scale.score_max)
    higher = [band for band in methodology.categories.bands if band.lower > baseline]
    weakest = tuple(
        (key, methodology.variable(key).name, float(row[key]))
        for key in sorted(methodology.variable_keys, key=lambda k: row[k])[:WEAKEST_VARIABLES]
    )
    plan = TargetPlan(
        code=row["code"], region=name, level=row["level"], baseline_year=baseline_year, until=until,
        framework=methodology.name, baseline=baseline, baseline_text=score(baseline, methodology.band_edges),
        ci_low=float(row["ihai_ci_low"]), ci_high=float(row["ihai_ci_high"]), se=se, n=int(row["n_respondents"]),
        target_respondents=target_n, confidence=percent(methodology.survey.confidence_level),
        target_met=bool(row.get("target_met")) if kabkota else None, category=row["category"],
        next_category=higher[0].label if higher else None, next_lower=higher[0].lower if higher else None,
        gap=higher[0].lower - baseline if higher else None, detectable=detectable, step=step, path=path,
        weakest=weakest, rows=(), synthetic=synthetic, weights_provisional=methodology.weights_provisional,
        categories_provisional=methodology.categories.provisional,
    )  # fmt: skip
    return _with_rows(plan, row, methodology)


def yearly_path(
    start: float, step: float, baseline_year: int, until: int, score_max: float
) -> tuple[tuple[int, float], ...]:
    """(year, start + step × years since the baseline), capped at the scale's maximum."""
    return tuple((year, min(start + step * (year - baseline_year), score_max)) for year in range(baseline_year + 1, until + 1))


def _with_rows(plan: TargetPlan, row: Mapping[str, Any], methodology: Methodology) -> TargetPlan:
    score_max = methodology.scale.score_max

    def yearly(value: float) -> tuple[tuple[int, str], ...]:
        path = yearly_path(value, plan.step, plan.baseline_year, plan.until, score_max)
        return tuple((year, number(target)) for year, target in path)

    rows = [
        IndicatorRow(
            indicator=f"Indeks Harmoni Indonesia (IHaI) {plan.region}",
            unit=f"indeks (skala 0–{number(score_max, 0)})",
            baseline=f"{plan.baseline_text} ({plan.baseline_year})",
            targets=yearly(plan.baseline),
            source=f"{DATA_SOURCE}; {methodology.name}",
        )
    ]
    rows.append(_coverage_row(plan, row, methodology.survey.target_respondents))
    rows += [
        IndicatorRow(
            indicator=f"Skor variabel {key.upper()} {name} {plan.region}",
            unit=f"skor (0–{number(score_max, 0)})",
            baseline=f"{number(value)} ({plan.baseline_year})",
            targets=yearly(value),
            source=f"{DATA_SOURCE}; skor per variabel",
        )
        for key, name, value in plan.weakest
    ]
    return replace(plan, rows=tuple(rows))


def _coverage_row(plan: TargetPlan, row: Mapping[str, Any], target_n: int) -> IndicatorRow:
    """Coverage first: a kab/kota's respondents (no official baseline without the target), a province's
    kab/kota at target (no provincial report without all of them)."""
    if plan.level == KABKOTA:
        indicator, unit, source = f"Jumlah responden e-survei IHaI {plan.region}", "orang", "Kesbangpol"
        baseline, target = count(plan.n), f"≥ {count(target_n)}"
    else:
        indicator = f"Kab/kota {plan.region} yang mencapai {count(target_n)} responden"
        unit, source, total = "kab/kota", "Kesbangpol provinsi", count(row["n_kabkota_total"])
        baseline, target = f"{count(row['n_kabkota_at_target'])} dari {total}", f"{total} dari {total}"
    return IndicatorRow(indicator=indicator, unit=unit, baseline=f"{baseline} ({plan.baseline_year})",
                        targets=tuple((year, target) for year, _ in plan.path),
                        source=f"Rekap responden e-survei IHaI ({source})")  # fmt: skip


def plan_lines(plan: TargetPlan) -> list[str]:
    """The plan in words, as plain text lines (the assistant escapes and emphasises them, the command line
    prints them as they are)."""
    lines = [
        f"Usulan target IHaI {plan.region}, {plan.baseline_year + 1}–{plan.until}",
        f"Baseline {plan.baseline_year}: {plan.baseline_text} ({plan.category}), interval kepercayaan {plan.confidence} "
        f"{interval(plan.ci_low, plan.ci_high)}, n = {count(plan.n)} ({plan.framework}).",
    ]
    if plan.level == KABKOTA and not plan.target_met:
        target = count(plan.target_respondents)
        lines.append(f"Responden di bawah target {target}: belum ada baseline resmi. Jadikan target responden "
                     f"sasaran tahun pertama; angka di bawah memakai ketidakpastian pada {target} responden.")  # fmt: skip
    lines.append(
        f"Kenaikan terkecil yang dapat dibedakan dari variasi sampel antara dua pengukuran: {number(plan.detectable)} "
        f"poin. Usulan langkah: +{number(plan.step)} poin per tahun"
        + (f" (batas bawah usulan proyek {number(MIN_STEP)}: kenaikan yang lebih kecil mudah tertutup pergeseran "
           "komposisi responden, yang tidak tercakup interval)." if plan.step == MIN_STEP else ".")
    )  # fmt: skip
    lines.append("Jalur target: " + " · ".join(f"{year}: {number(value)}" for year, value in plan.path))
    if plan.gap is not None and plan.next_category is not None:
        per_year = plan.gap / plan.years
        lines.append(
            f"Selisih ke {plan.next_category} (mulai {number(plan.next_lower)}): {number(plan.gap)} poin, "
            f"setara +{number(per_year)} per tahun sampai {plan.until}."
            + (" Batas kategori masih sementara, jadi kategori belum layak dijadikan target." if plan.categories_provisional else "")
        )  # fmt: skip
    else:
        lines.append(f"Sudah di kategori tertinggi ({plan.category}); target menjaga dan menaikkan skor.")
    return lines


def table_lines(plan: TargetPlan) -> list[str]:
    """The indicator rows as plain text: indicator, unit, baseline, yearly targets, data source."""
    lines = []
    for row in plan.rows:
        lines += [
            f"Indikator: {row.indicator}",
            f"  Satuan: {row.unit} · Baseline: {row.baseline}",
            "  Target: " + " · ".join(f"{year} {value}" for year, value in row.targets),
            f"  Sumber data: {row.source}",
        ]
    return lines


def caveat_lines(plan: TargetPlan) -> list[str]:
    lines = [
        "Ini usulan tim Asisten IHaI, bukan ketentuan: belum ada pedoman resmi penetapan target IHaI. Tetapkan "
        "baseline dari laporan resmi Kemendagri terakhir.",
        "Interval hanya mencakup keragaman sampel; e-survei IHaI bukan sampel probabilitas, jadi perubahan siapa "
        "yang mengisi dapat menggeser skor lebih dari itu. Target variabel memakai langkah yang sama; galat baku "
        "variabel tidak dilaporkan, jadi kenaikan sekecil itu pada satu variabel belum tentu terbedakan.",
    ]
    if plan.weights_provisional:
        lines.append("Bobot 2025 masih sementara: bila bobot resmi terbit, hitung ulang baseline dan sesuaikan "
                     "target saat evaluasi dokumen perencanaan.")  # fmt: skip
    if plan.synthetic:
        lines.append("Angka di atas berasal dari data sampel sintetis: jangan dipakai sebagai baseline resmi.")
    return lines
