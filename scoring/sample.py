"""The calibrated synthetic e-survey export behind `ihai sample`.

No IHaI microdata is public, so the project ships a generator instead: one export per round, shaped like
what the e-survey tool hands a Kesbangpol office (every cell text, region written in several ways, a few
percent of faulty rows). The 2025 round is in the 2025 framework and calibrated so that scoring it
reproduces the published 2025 headline figures (shared/reference/facts.md). The 2023 and 2024 rounds are
in the 10-variable framework of those years; nothing about their coverage or scores is published, so they
follow the project's assumptions below (ROUND_PLANS): fewer kab/kota measured (a subset of 2025's), fewer
at target, and each region's index a random walk back from its 2025 level (a small national rise per year,
region changes of about ±0.15), its dimension profile and weak dimension persisting. Every file it writes is
labelled synthetic.

Model: each measured kab/kota gets an expected 0–10 score per item (a region index around a province
effect, a dimension profile, sometimes one clearly weak dimension, small aspect differences); the
scores are turned into latent levels on the answer scale, and each respondent answers
clip(round(level + own tendency + noise)), reverse items written mirrored as the questionnaire records them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
from openpyxl import Workbook

from core.gazetteer import Gazetteer
from scoring.formula_guard import neutralise_frame
from scoring.methodology import Methodology, load_methodology
from scoring.results import SAMPLE_MANIFEST_SUFFIX, SYNTHETIC_LABEL

# --- Calibration to the published 2025 round (shared/reference/facts.md, "2025 round") ---------------
# 322,770 respondents in total; the seed article says "more than 322,000".
TOTAL_ACCEPTED = 322_770
# 353 kab/kota measured in 24 provinces.
N_MEASURED = 353
# 119 kab/kota reached the 1,250-respondent target.
N_AT_TARGET = 119
# Every kab/kota at target in exactly these four: DKI Jakarta, DI Yogyakarta, Bali, Kalimantan Utara.
ELIGIBLE_PROVINCES = ("31", "34", "51", "65")
# Kalimantan Selatan's average lay in the range 6.6–6.8.
KALSEL = "63"
KALSEL_RANGE = (6.60, 6.80)
# 2025 award winners outside the four provinces: Kota Banjarbaru, Kabupaten Tanah Laut, Kota Probolinggo.
AWARDED = ("63.72", "63.01", "35.74")
# Public reports name only a few of the 24 provinces: the four above, Kalimantan Selatan, Jawa Timur (Kota
# Probolinggo's award), and the 2025 figures were relayed by Kota Tangerang (Banten) and Mimika (Papua
# Tengah), taken here as taking part. The rest is this project's assumption: all of Java, Bali and NTB,
# all of Kalimantan, Sumatra without Aceh, and Sulawesi Selatan — 357 kab/kota, so 4 go unmeasured.
PROVINCES_2025 = (
    "12", "13", "14", "15", "16", "17", "18", "19", "21",  # Sumatra without Aceh
    "31", "32", "33", "34", "35", "36",  # Java
    "51", "52",  # Bali, Nusa Tenggara Barat
    "61", "62", "63", "64", "65",  # Kalimantan
    "73",  # Sulawesi Selatan
    "94",  # Papua Tengah
)  # fmt: skip
# The e-survey ran 3–24 March 2025.
SURVEY_START = np.datetime64("2025-03-03T00:00:00", "s")
SURVEY_DAYS = 22

# --- Shape of the synthetic population (project choices, not published) --------------------------
# The coverage (which kab/kota were measured, which reached target) is the same for every seed: it is
# the published fact the sample reproduces, while the answers are what a seed varies.
COVERAGE_SEED = 20250303
# Kota collect online responses more easily than remote kabupaten, so they are ranked first more often.
KOTA_HEAD_START = 0.35
# Collection went on after a region passed 1,250, so regions at target overshoot by up to this many.
TARGET_OVERSHOOT = 800
# Kalimantan Selatan's published range is narrow, so its kab/kota get large samples: all but one reach
# the target, with room to spare, and the one below stays near 1,250. Sampling noise (SE ≤ 0.025) then
# stays far below the 0.10 between the range's centre, where every kab/kota is placed, and its edges.
KALSEL_AT_TARGET = (1_800, 2_300)
KALSEL_BELOW_TARGET = (1_150, 1_250)
# Index levels on 0–10: most regions "Harmoni Sedang" (6–8), a tail below 6 and above 8.
IHAI_MEAN, PROVINCE_SD, REGION_SD = 6.85, 0.25, 0.60
DIMENSION_SD, VARIABLE_SD = 0.30, 0.20
# Share of regions with one clearly weak dimension, and how far below the region's profile it sits.
WEAK_SHARE, WEAK_GAP = 0.40, 1.00
# Perception runs a little above participation (DIY 2025: persepsi 8.35, partisipasi 8.05).
ASPECT_OFFSET = {"persepsi": 0.15, "partisipasi": -0.15, "akseptabilitas": 0.0}
# Expected item scores outside this range would need latent levels far beyond the scale.
SCORE_RANGE = (0.5, 9.5)
# Answer noise on the 1–5 scale: a respondent's own tendency shared by all items, and per-item noise.
RESPONDENT_SD, ITEM_SD = 0.30, 0.85

# --- What the survey tool exports ---------------------------------------------------------------
# Local time zones by province code; all others use WIB (+07:00).
WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}
OFFSET_SHARE = 0.15  # rows whose timestamp carries the UTC offset; the rest are naive local time
DAY_START_HOUR, DAY_HOURS = 6, 17  # submissions between 06:00 and 23:00 local time
DURATION_MEDIAN, DURATION_SIGMA = 420.0, 0.5  # seconds on top of the minimum
REWEIGHTED_SHARE, WEIGHT_RANGE = 0.15, (0.5, 2.0)
FEMALE_SHARE = 0.5
AGE_GROUPS = ("17-24", "25-34", "35-44", "45-54", "55+")
AGE_SHARES = (0.22, 0.27, 0.22, 0.17, 0.12)
# How the kabkota cell is filled in: "63.03", "6303", "Kabupaten Tapin", "KAB. TAPIN".
REGION_FORMS = ("code", "digits", "name", "upper")
REGION_FORM_SHARES = (0.50, 0.15, 0.25, 0.10)

# --- Faulty rows, one defect each, named by the quarantine reason they trigger ---------------------
DIRTY_SHARE = 0.03  # of all rows: a few percent, as a real export of this size carries
DIRTY_MIX = {
    "duplikat": 0.30,
    "wilayah_tidak_dikenal": 0.10,
    "nilai_di_luar_skala": 0.15,
    "variabel_kosong": 0.10,
    "terlalu_cepat": 0.20,
    "pola_seragam": 0.08,
    "bobot_tidak_valid": 0.07,
}
# "Banjar" and "Bandung" alone are ambiguous (a kabupaten and a kota carry each name).
UNKNOWN_REGIONS = ("Kab. Antah Berantah", "99.99", "Banjar", "Bandung", "Kota Sukamaju", "63.99")
OUT_OF_SCALE = ("6", "0", "3.5", "x")
INVALID_WEIGHTS = ("0", "-1", "abc")
RESUBMIT_GAP_SECONDS = (300, 3 * 3600)  # a resubmission's earlier copy came minutes to hours before

GENERATOR = "scoring.sample"
ID_PREFIX = "IHAI25-"

# --- Earlier rounds (project assumptions, nothing published; see the module doc) -------------------
# The IHaI rose by this much a year on average, and each region's level moved by a change of this SD.
NATIONAL_RISE, REGION_CHANGE_SD = 0.08, 0.15
# Each year a dimension's deviation moves a little, and so does each variable's within a framework.
DIMENSION_CHANGE_SD, VARIABLE_CHANGE_SD = 0.08, 0.08
ROUNDS_SEED_OFFSET = 1  # the trend draws use the generator seeded with (seed, ROUNDS_SEED_OFFSET)


@dataclass(frozen=True)
class RoundPlan:
    """One survey round of the sample: its framework, size, coverage and survey window."""

    year: int
    framework: str
    total_accepted: int
    n_measured: int
    n_at_target: int
    survey_start: np.datetime64
    survey_days: int
    source: str


ROUND_PLANS = {
    # Assumed: the 2023 round ran in October, after the national sosialisasi of 22 September 2023.
    2023: RoundPlan(2023, "ihai-2023", 241_480, 312, 74, np.datetime64("2023-10-02T00:00:00", "s"), 22,
                    "asumsi proyek (tidak ada angka putaran 2023 yang dipublikasikan)"),
    2024: RoundPlan(2024, "ihai-2023", 286_915, 336, 96, np.datetime64("2024-03-04T00:00:00", "s"), 22,
                    "asumsi proyek (tidak ada angka putaran 2024 yang dipublikasikan)"),
    2025: RoundPlan(2025, "ihai-2025", TOTAL_ACCEPTED, N_MEASURED, N_AT_TARGET, SURVEY_START, SURVEY_DAYS,
                    "shared/reference/facts.md (putaran IHaI 2025)"),
}  # fmt: skip
LATEST_ROUND = 2025


def round_framework(year: int) -> str:
    """The framework a sample round of `year` answers."""
    return ROUND_PLANS[year].framework


def id_prefix(year: int) -> str:
    return f"IHAI{year % 100:02d}-"

# Columns Excel keeps as text; every other column holds numbers (answers, duration, weight).
TEXT_COLUMNS = ("respondent_id", "submitted_at", "kabkota", "sex", "age_group")

TARGET, BELOW, UNMEASURED = "target", "di_bawah_target", "tidak_diukur"


CANONICAL = "kanonik"
# Files written beside a sample export `<stem>.<format>`; their names never match `<stem>.*`, so that
# nothing takes them for another export of the same sample.
POPULATION_SUFFIX = "-populasi.csv"
MAPPING_SUFFIX = "-pemetaan.toml"


@dataclass(frozen=True)
class SampleExport:
    """A synthetic export: raw rows as the survey tool writes them, and what they are calibrated to."""

    frame: pd.DataFrame
    calibration: dict
    methodology: str  # id of the framework whose items the rows answer, e.g. "ihai-2025"
    year: int = LATEST_ROUND  # the survey round
    style: str = CANONICAL  # or "formulir" (scoring.sample_form)
    mapping: str | None = None  # the mapping file's text, for an export that needs one


def sample_stem(year: int, seed: int, style: str = CANONICAL) -> str:
    """`ihai-<year>-sampel-sintetis-seed<N>`: named by the round, whose manifest names the framework."""
    base = f"ihai-{year}-sampel-sintetis-seed{seed}"
    return base if style == CANONICAL else f"{base}-{style}"


def plan_coverage(gazetteer: Gazetteer) -> pd.DataFrame:
    """Every kab/kota of the 24 provinces with its status: at target, below target, or not measured.

    Deterministic and seed-free. The four reporting-eligible provinces are at target everywhere; elsewhere
    kab/kota are ranked (award winners, then Kalimantan Selatan, then the rest with kota ahead of kabupaten
    on average) and the top ones reach the target, leaving each other province at least one kab/kota short
    of it; the lowest-ranked are not measured, leaving every province at least one measured kab/kota.
    """
    regions = pd.DataFrame(
        [
            (region.code, region.name, region.kind, province)
            for province in PROVINCES_2025
            for region in gazetteer.kabkota(province)
        ],
        columns=["code", "name", "kind", "province_code"],
    )
    n_unmeasured = len(regions) - N_MEASURED
    eligible = regions["province_code"].isin(ELIGIBLE_PROVINCES).to_numpy()
    if n_unmeasured < 0 or eligible.sum() > N_AT_TARGET:
        raise ValueError("gazetteer does not fit the 2025 coverage (353 kab/kota, 119 at target)")
    rank = np.random.default_rng(COVERAGE_SEED).random(len(regions)) + KOTA_HEAD_START * (regions["kind"] == "kota")
    # Award winners reach the target first, then Kalimantan Selatan (see KALSEL_AT_TARGET), then the rest.
    rank[(regions["province_code"] == KALSEL).to_numpy()] += 1.0 + KOTA_HEAD_START
    rank[regions["code"].isin(AWARDED).to_numpy()] = np.inf
    status = np.where(eligible, TARGET, BELOW).astype(object)

    short_of_target = regions.loc[~eligible, "province_code"].value_counts().to_dict()
    at_target = int(eligible.sum())
    for index in np.argsort(-rank, kind="stable"):
        province = regions.at[index, "province_code"]
        if at_target < N_AT_TARGET and not eligible[index] and short_of_target[province] > 1:
            status[index], at_target = TARGET, at_target + 1
            short_of_target[province] -= 1

    measured = regions["province_code"].value_counts().to_dict()
    unmeasured = 0
    for index in np.argsort(rank, kind="stable"):
        province = regions.at[index, "province_code"]
        # Kalimantan Selatan keeps all 13 measured: its published mean covers the whole province.
        if unmeasured < n_unmeasured and status[index] == BELOW and province != KALSEL and measured[province] > 1:
            status[index], unmeasured = UNMEASURED, unmeasured + 1
            measured[province] -= 1
    regions["status"] = status
    return regions


def _allocate(total: int, low: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Integers ≥ `low` summing to `total`, the part above `low` proportional to `shares` (largest remainder)."""
    exact = (total - low.sum()) * shares / shares.sum()
    whole = np.floor(exact).astype(np.int64)
    leftover = total - low.sum() - whole.sum()
    whole[np.argsort(whole - exact, kind="stable")[:leftover]] += 1
    return low + whole


def draw_sizes(
    measured: pd.DataFrame, methodology: Methodology, rng: np.random.Generator, total: int = TOTAL_ACCEPTED
) -> np.ndarray:
    """Accepted respondents per measured kab/kota, summing to exactly `total`."""
    target = methodology.survey.target_respondents
    at_target = (measured["status"] == TARGET).to_numpy()
    kalsel = (measured["province_code"] == KALSEL).to_numpy()
    sizes = np.zeros(len(measured), dtype=np.int64)
    sizes[at_target] = target + rng.integers(0, TARGET_OVERSHOOT, at_target.sum())
    sizes[at_target & kalsel] = rng.integers(*KALSEL_AT_TARGET, (at_target & kalsel).sum())
    sizes[~at_target & kalsel] = rng.integers(*KALSEL_BELOW_TARGET, (~at_target & kalsel).sum())
    rest = ~at_target & ~kalsel
    low = np.full(rest.sum(), methodology.survey.min_publishable, dtype=np.int64)
    sizes[rest] = _allocate(total - sizes[~rest].sum(), low, rng.uniform(0.05, 1.0, rest.sum()))
    if sizes[~at_target].max() >= target:
        raise ValueError("a kab/kota below target drew the target size; the size parameters do not fit")
    return sizes


@dataclass(frozen=True)
class RegionState:
    """What the scores of the measured kab/kota (rows) are drawn from: the index level, the dimension
    deviations (regions × dimensions), the variable deviations (regions × the framework's variables) and
    the clearly weak dimension of some."""

    ihai: np.ndarray
    dimension: np.ndarray
    variable: np.ndarray
    weak: np.ndarray
    weak_dimension: np.ndarray

    def take(self, index: np.ndarray) -> RegionState:
        return RegionState(*(values[index] for values in (self.ihai, self.dimension, self.variable, self.weak, self.weak_dimension)))


def draw_region_state(measured: pd.DataFrame, methodology: Methodology, rng: np.random.Generator) -> RegionState:
    provinces, province_index = np.unique(measured["province_code"], return_inverse=True)
    kalsel = (measured["province_code"] == KALSEL).to_numpy()
    n_regions = len(measured)

    centre = rng.normal(IHAI_MEAN, PROVINCE_SD, len(provinces))
    ihai = centre[province_index] + rng.normal(0.0, REGION_SD, n_regions)
    ihai[kalsel] = np.mean(KALSEL_RANGE)

    n_dimensions, n_variables = len(methodology.dimension_keys), len(methodology.variables)
    dimension = rng.normal(0.0, DIMENSION_SD, (len(provinces), n_dimensions))[province_index]
    variable = rng.normal(0.0, VARIABLE_SD, (n_regions, n_variables))
    weak = rng.random(n_regions) < WEAK_SHARE
    weak_dimension = rng.integers(0, n_dimensions, n_regions)
    return RegionState(ihai, dimension, variable, weak, weak_dimension)


def earlier_state(latest: RegionState, year: int, methodology: Methodology, seed: int) -> RegionState:
    """The regions' state `LATEST_ROUND − year` rounds back: the index and dimension deviations walk back
    by yearly changes, the weak dimension persists, and the variable deviations are the framework's own
    (drawn once per framework, then walking within it). The same draws serve every year, so the rounds of
    one seed tell one consistent story."""
    rng = np.random.default_rng([seed, ROUNDS_SEED_OFFSET])
    n_regions, n_dimensions = latest.dimension.shape
    years = LATEST_ROUND - min(ROUND_PLANS)
    changes = rng.normal(NATIONAL_RISE, REGION_CHANGE_SD, (years, n_regions))
    dimension_changes = rng.normal(0.0, DIMENSION_CHANGE_SD, (years, n_regions, n_dimensions))
    back = LATEST_ROUND - year
    framework_rng = np.random.default_rng([seed, ROUNDS_SEED_OFFSET, len(methodology.variables)])
    variable = framework_rng.normal(0.0, VARIABLE_SD, (n_regions, len(methodology.variables)))
    last_of_framework = max(y for y, plan in ROUND_PLANS.items() if plan.framework == methodology.id)
    variable_changes = framework_rng.normal(0.0, VARIABLE_CHANGE_SD, (years, *variable.shape))
    variable -= variable_changes[: last_of_framework - year].sum(axis=0)
    return RegionState(
        latest.ihai - changes[years - back :].sum(axis=0),
        latest.dimension - dimension_changes[years - back :].sum(axis=0),
        variable,
        latest.weak,
        latest.weak_dimension,
    )


def draw_item_scores(measured: pd.DataFrame, methodology: Methodology, rng: np.random.Generator) -> np.ndarray:
    """Expected 0–10 score per measured kab/kota (rows) and item (columns, methodology order)."""
    return item_scores_of(draw_region_state(measured, methodology, rng), methodology)


def item_scores_of(state: RegionState, methodology: Methodology) -> np.ndarray:
    """The state's expected item scores. The dimension profile and aspect offsets are centred with the
    variable weights, so they move which dimension is weakest without moving the region's index away from
    its level."""
    n_variables = len(methodology.variables)
    dimension_of = np.array([methodology.dimension_keys.index(v.dimension) for v in methodology.variables])
    deviation = state.dimension[:, dimension_of]
    deviation += state.variable
    deviation -= WEAK_GAP * (state.weak[:, None] & (dimension_of[None, :] == state.weak_dimension[:, None]))
    deviation -= (deviation @ methodology.weights)[:, None]
    ihai = state.ihai

    variable_of = np.array([index for index, variable in enumerate(methodology.variables) for _ in variable.items])
    aspect = np.array([ASPECT_OFFSET.get(item.aspect, 0.0) for item in methodology.items])
    aspect -= np.array([aspect[variable_of == v].mean() for v in range(n_variables)])[variable_of]
    scores = ihai[:, None] + deviation[:, variable_of] + aspect[None, :]
    return np.clip(scores, *SCORE_RANGE)


def latent_levels(scores: np.ndarray, methodology: Methodology) -> np.ndarray:
    """Latent answer levels whose rounded, clipped answers have exactly the given expected 0–10 score.

    With level L and normal noise of SD s, P(answer > k) = 1 − Φ((k + ½ − L) / s); the expected score is
    monotone in L, so it is tabulated once and inverted by interpolation.
    """
    low, high = methodology.scale.min, methodology.scale.max
    grid = np.linspace(low - 4.0, high + 4.0, 4001)
    noise = NormalDist(0.0, float(np.hypot(RESPONDENT_SD, ITEM_SD)))
    cdf = np.vectorize(noise.cdf)
    expected = low + sum(1.0 - cdf(k + 0.5 - grid) for k in range(low, high))
    expected_score = (expected - low) / (high - low) * methodology.scale.score_max
    return np.interp(scores, expected_score, grid)


def draw_answers(levels: np.ndarray, methodology: Methodology, rng: np.random.Generator) -> np.ndarray:
    """Answers as recorded (reverse items mirrored) from latent levels, both respondents × items."""
    low, high = methodology.scale.min, methodology.scale.max
    n = len(levels)
    tendency = rng.standard_normal(n, dtype=np.float32)[:, None] * RESPONDENT_SD
    noise = rng.standard_normal(levels.shape, dtype=np.float32) * ITEM_SD
    answers = np.clip(np.rint(levels.astype(np.float32) + tendency + noise), low, high).astype(np.int8)
    reverse = np.array([item.reverse for item in methodology.items])
    answers[:, reverse] = low + high - answers[:, reverse]
    # An identical answer to all items is quarantined as straight-lining; an honest respondent whose
    # answers happen to coincide gets one answer moved by a step, so clean rows never trip that rule.
    uniform = (answers == answers[:, :1]).all(axis=1)
    answers[uniform, 0] += np.where(answers[uniform, 0] < high, 1, -1).astype(np.int8)
    return answers


def _time_zone_hours(province_codes: pd.Series) -> np.ndarray:
    return np.where(province_codes.isin(WIT), 9, np.where(province_codes.isin(WITA), 8, 7))


def draw_local_times(n: int, rng: np.random.Generator, plan: RoundPlan = ROUND_PLANS[LATEST_ROUND]) -> np.ndarray:
    """Local submission times (datetime64[s]) within the round's survey window, in daytime hours."""
    seconds = rng.integers(0, plan.survey_days, n) * 86_400 + DAY_START_HOUR * 3_600 + rng.integers(0, DAY_HOURS * 3_600, n)
    return plan.survey_start + seconds.astype("timedelta64[s]")


def format_times(local: np.ndarray, zone_hours: np.ndarray, with_offset: np.ndarray) -> np.ndarray:
    """ISO 8601 text: naive local time, or with the zone's UTC offset where the tool recorded it."""
    text = np.datetime_as_string(local, unit="s").astype(object)
    return text + np.where(with_offset, np.char.mod("+%02d:00", zone_hours), "").astype(object)


def region_texts(measured: pd.DataFrame) -> np.ndarray:
    """The ways a kab/kota gets written in the form, one column per REGION_FORMS entry."""
    names = measured["name"]
    upper = names.str.upper().str.replace(r"^KABUPATEN ", "KAB. ", regex=True).str.replace("ADMINISTRASI ", "ADM. ")
    return np.column_stack([measured["code"], measured["code"].str.replace(".", ""), names, upper]).astype(object)


def draw_weights(n: int, rng: np.random.Generator) -> np.ndarray:
    """Mostly "1"; some respondents carry a post-stratification-like weight, written with two decimals."""
    weights = np.full(n, "1", dtype=object)
    reweighted = rng.random(n) < REWEIGHTED_SHARE
    weights[reweighted] = np.char.mod("%.2f", rng.uniform(*WEIGHT_RANGE, reweighted.sum()))
    return weights


def dirty_counts(accepted: int = TOTAL_ACCEPTED) -> dict[str, int]:
    """Faulty rows per kind, together DIRTY_SHARE of all rows."""
    total = round(accepted * DIRTY_SHARE / (1.0 - DIRTY_SHARE))
    return {reason: round(total * share) for reason, share in DIRTY_MIX.items()}


def answer_cells(methodology: Methodology) -> list[str]:
    """Every text an answer cell can hold, the position of "0".."max" being the answer itself. Answers stay
    int8 positions in this list until the frame is built, so editing and reordering 8 million cells is cheap."""
    cells = [str(value) for value in range(methodology.scale.max + 1)]
    return [*cells, "", *(text for text in OUT_OF_SCALE if text not in cells)]


@dataclass(frozen=True)
class _Rows:
    """Rows under construction: answers as positions in `answer_cells`, the other columns as object arrays,
    and the times behind the `submitted_at` text, needed for ordering."""

    answers: np.ndarray
    columns: dict[str, np.ndarray]
    local: np.ndarray
    zone: np.ndarray
    with_offset: np.ndarray

    def take(self, index: np.ndarray) -> _Rows:
        return _Rows(
            self.answers[index],
            {name: values[index] for name, values in self.columns.items()},
            self.local[index],
            self.zone[index],
            self.with_offset[index],
        )

    def append(self, other: _Rows) -> _Rows:
        return _Rows(
            np.concatenate([self.answers, other.answers]),
            {name: np.concatenate([values, other.columns[name]]) for name, values in self.columns.items()},
            np.concatenate([self.local, other.local]),
            np.concatenate([self.zone, other.zone]),
            np.concatenate([self.with_offset, other.with_offset]),
        )

    def in_submission_order(self) -> _Rows:
        return self.take(np.argsort(_instants(self.local, self.zone), kind="stable"))

    def frame(self, methodology: Methodology) -> pd.DataFrame:
        cells = np.array(answer_cells(methodology), dtype=object)
        items = {key: cells[self.answers[:, position]] for position, key in enumerate(methodology.item_keys)}
        leading = ("respondent_id", "submitted_at", "kabkota")
        return pd.DataFrame(
            {
                **{name: self.columns[name] for name in leading},
                **items,
                **{name: values for name, values in self.columns.items() if name not in leading},
            }
        )


def _instants(local: np.ndarray, zone_hours: np.ndarray) -> np.ndarray:
    """Local times as one comparable clock (UTC), for ordering rows from different time zones."""
    return local - (zone_hours * 3_600).astype("timedelta64[s]")


def _corrupt(rows: _Rows, faulty: dict[str, np.ndarray], methodology: Methodology, rng: np.random.Generator) -> None:
    """Give each row listed under a quarantine reason that one defect, in place. Duplicates come separately."""
    cells = answer_cells(methodology)

    at = faulty["wilayah_tidak_dikenal"]
    rows.columns["kabkota"][at] = rng.choice(UNKNOWN_REGIONS, len(at))

    at = faulty["nilai_di_luar_skala"]
    out_of_scale = np.array([cells.index(text) for text in OUT_OF_SCALE], dtype=np.int8)
    rows.answers[at, rng.integers(0, len(methodology.items), len(at))] = rng.choice(out_of_scale, len(at))

    at = faulty["variabel_kosong"]
    first_item = np.cumsum([0, *(len(variable.items) for variable in methodology.variables)])[:-1]
    start = first_item[rng.integers(0, len(methodology.variables), len(at))]
    width = len(methodology.variables[0].items)  # every variable has one item per aspect
    rows.answers[at[:, None], start[:, None] + np.arange(width)] = cells.index("")

    at = faulty["terlalu_cepat"]
    too_fast = rng.integers(15, int(methodology.survey.min_duration_seconds), len(at))
    rows.columns["duration_seconds"][at] = too_fast.astype(str)

    at = faulty["pola_seragam"]
    rows.answers[at] = rng.integers(methodology.scale.min, methodology.scale.max + 1, len(at))[:, None]

    at = faulty["bobot_tidak_valid"]
    rows.columns["weight"][at] = rng.choice(INVALID_WEIGHTS, len(at))


def _draw_rows(
    measured: pd.DataFrame,
    region: np.ndarray,
    levels: np.ndarray,
    methodology: Methodology,
    rng: np.random.Generator,
    plan: RoundPlan,
) -> _Rows:
    """One well-formed row per entry of `region` (an index into `measured`)."""
    n = len(region)
    answers = draw_answers(levels[region], methodology, rng)
    zone = _time_zone_hours(measured["province_code"])[region]
    local = draw_local_times(n, rng, plan)
    with_offset = rng.random(n) < OFFSET_SHARE
    duration = methodology.survey.min_duration_seconds + rng.lognormal(np.log(DURATION_MEDIAN), DURATION_SIGMA, n)
    form = rng.choice(len(REGION_FORMS), n, p=REGION_FORM_SHARES)
    columns = {
        "respondent_id": np.full(n, "", dtype=object),
        "submitted_at": format_times(local, zone, with_offset),
        "kabkota": region_texts(measured)[region, form],
        "duration_seconds": np.ceil(duration).astype(np.int64).astype(str).astype(object),
        "weight": draw_weights(n, rng),
        "sex": np.where(rng.random(n) < FEMALE_SHARE, "P", "L").astype(object),
        "age_group": rng.choice(np.array(AGE_GROUPS, dtype=object), n, p=AGE_SHARES),
    }
    return _Rows(answers=answers, columns=columns, local=local, zone=zone, with_offset=with_offset)


def _resubmissions(rows: _Rows, clean: np.ndarray, count: int, rng: np.random.Generator) -> _Rows:
    """Earlier copies of `count` clean rows: same respondent and answers, sent minutes to hours before."""
    copies = rows.take(rng.choice(np.flatnonzero(clean), count, replace=False))
    local = copies.local - rng.integers(*RESUBMIT_GAP_SECONDS, count).astype("timedelta64[s]")
    columns = {**copies.columns, "submitted_at": format_times(local, copies.zone, copies.with_offset)}
    return _Rows(copies.answers, columns, local, copies.zone, copies.with_offset)


def _calibration(coverage: pd.DataFrame, counts: dict[str, int], methodology: Methodology, plan: RoundPlan) -> dict:
    """What the export is calibrated to, for the manifest."""
    measured = coverage[coverage["status"] != UNMEASURED]
    end = plan.survey_start + np.timedelta64(plan.survey_days - 1, "D")
    facts = {
        "reporting_eligible_provinces": list(ELIGIBLE_PROVINCES),
        "kalimantan_selatan_ihai_range": list(KALSEL_RANGE),
    }
    return {
        "year": plan.year,
        "source": plan.source,
        "accepted_respondents": plan.total_accepted,
        "province_codes": sorted(measured["province_code"].unique().tolist()),
        "kabkota_measured": len(measured),
        "kabkota_at_target": int((measured["status"] == TARGET).sum()),
        "target_respondents": methodology.survey.target_respondents,
        **(facts if plan.year == LATEST_ROUND else {}),
        "survey_period": [str(plan.survey_start.astype("datetime64[D]")), str(end.astype("datetime64[D]"))],
        "dirty_rows": sum(counts.values()),
        "dirty_rows_by_reason": counts,
        "kabkota_below_target": measured.loc[measured["status"] == BELOW, "code"].tolist(),
        "kabkota_not_measured": coverage.loc[coverage["status"] == UNMEASURED, "code"].tolist(),
    }


def plan_round_coverage(gazetteer: Gazetteer, plan: RoundPlan) -> pd.DataFrame:
    """`plan_coverage` for a round: 2025's coverage itself, or for an earlier round a subset of it (seed-free,
    like 2025's): kab/kota below target in 2025 outside Kalimantan Selatan drop out in one random order,
    leaving every province at least one, and the first of 2025's at-target kab/kota in another random order
    were at target then. One order for every year, so coverage only grows from round to round."""
    coverage = plan_coverage(gazetteer)
    if plan.year == LATEST_ROUND:
        return coverage
    rng = np.random.default_rng([COVERAGE_SEED, min(ROUND_PLANS)])
    status = coverage["status"].to_numpy().copy()
    measured = coverage.loc[status != UNMEASURED, "province_code"].value_counts().to_dict()
    dropped, to_drop = 0, int((status != UNMEASURED).sum()) - plan.n_measured
    for index in rng.permutation(len(coverage)):
        province = coverage.at[index, "province_code"]
        if dropped < to_drop and status[index] == BELOW and province != KALSEL and measured[province] > 1:
            status[index], dropped = UNMEASURED, dropped + 1
            measured[province] -= 1
    at_target = rng.permutation(np.flatnonzero(status == TARGET))
    status[at_target[plan.n_at_target :]] = BELOW
    return coverage.assign(status=status)


def generate_sample(seed: int, methodology: Methodology, gazetteer: Gazetteer, year: int = LATEST_ROUND) -> SampleExport:
    """One synthetic export of round `year` for `seed`: the round's accepted rows plus DIRTY_SHARE faulty ones.

    Rows are in submission order and `respondent_id` follows it, except that each duplicate repeats the id
    of a later submission (the respondent sent the form twice; the quality rules keep the last). Every round
    of one seed starts from the same 2025 regions (see `earlier_state`).
    """
    plan = ROUND_PLANS[year]
    if methodology.id != plan.framework:
        raise ValueError(f"putaran {year} memakai kerangka {plan.framework}, bukan {methodology.id}")
    rng = np.random.default_rng(seed)
    coverage = plan_coverage(gazetteer)
    measured = coverage[coverage["status"] != UNMEASURED].reset_index(drop=True)
    sizes = draw_sizes(measured, methodology, rng)
    if year == LATEST_ROUND:
        state = draw_region_state(measured, methodology, rng)
    else:
        # The 2025 draws first, in 2025's order, so that the earlier rounds walk back from the same regions.
        latest = draw_region_state(measured, load_methodology(ROUND_PLANS[LATEST_ROUND].framework), rng)
        state = earlier_state(latest, year, methodology, seed)
        coverage = plan_round_coverage(gazetteer, plan)
        in_round = coverage.loc[coverage["status"] != UNMEASURED, "code"]
        state = state.take(np.flatnonzero(measured["code"].isin(in_round).to_numpy()))
        measured = coverage[coverage["status"] != UNMEASURED].reset_index(drop=True)
        rng = np.random.default_rng([seed, year])
        sizes = draw_sizes(measured, methodology, rng, plan.total_accepted)
    levels = latent_levels(item_scores_of(state, methodology), methodology)

    counts = dirty_counts(plan.total_accepted)
    defects = {reason: count for reason, count in counts.items() if reason != "duplikat"}
    n_clean = int(sizes.sum())
    # Faulty rows come from measured regions like everyone else, in proportion to their size.
    region = np.concatenate(
        [
            np.repeat(np.arange(len(measured)), sizes),
            rng.choice(len(measured), sum(defects.values()), p=sizes / n_clean),
        ]
    )
    rows = _draw_rows(measured, region, levels, methodology, rng, plan)
    # Faulty rows were drawn like any other, so consecutive blocks of them are as good as random ones.
    blocks = np.split(np.arange(n_clean, len(region)), np.cumsum(list(defects.values()))[:-1])
    _corrupt(rows, dict(zip(defects, blocks, strict=True)), methodology, rng)
    clean = np.arange(len(region)) < n_clean

    order = np.argsort(_instants(rows.local, rows.zone), kind="stable")
    rows = rows.take(order)
    prefix = id_prefix(year)
    rows.columns["respondent_id"] = np.array([f"{prefix}{n:07d}" for n in range(1, len(order) + 1)], dtype=object)
    rows = rows.append(_resubmissions(rows, clean[order], counts["duplikat"], rng)).in_submission_order()
    frame = rows.frame(methodology)
    calibration = _calibration(coverage, counts, methodology, plan)
    return SampleExport(frame=frame, calibration=calibration, methodology=methodology.id, year=year)


def write_csv(frame: pd.DataFrame, path: Path, localise: bool = True) -> None:
    """As Excel in an Indonesian locale saves "CSV UTF-8": semicolons, a byte-order mark, CRLF lines,
    and (with `localise`, for the canonical export) a decimal comma in numbers ("1,25"); codes such as
    "63.03" are text to Excel and keep their dot."""
    if localise:
        numeric = [column for column in frame.columns if column not in TEXT_COLUMNS]
        frame = frame.assign(**{column: frame[column].str.replace(".", ",", regex=False) for column in numeric})
    neutralise_frame(frame).to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")


def write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """One sheet of text cells. openpyxl's streaming mode writes the ~330k rows in about half the time
    pandas' `to_excel` takes (which builds every cell in memory first)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("ekspor")
    safe = neutralise_frame(frame)
    sheet.append(list(safe.columns))
    for row in safe.itertuples(index=False, name=None):
        sheet.append(row)
    workbook.save(path)


def write_sample(
    export: SampleExport, out_dir: Path, seed: int, fmt: str = "parquet", population: pd.DataFrame | None = None
) -> Path:
    """Write the export, its manifest, its mapping file (when it needs one) and, when given, the synthetic
    population table into `out_dir`; return the path of the data file."""
    writers = {
        "parquet": lambda frame, path: frame.to_parquet(path, index=False),
        "csv": lambda frame, path: write_csv(frame, path, localise=export.style == CANONICAL),
        "xlsx": write_xlsx,
    }
    if fmt not in writers:
        raise ValueError(f"format '{fmt}' tidak didukung; pilih parquet, csv, atau xlsx")
    stem = sample_stem(export.year, seed, export.style)
    path = out_dir / f"{stem}.{fmt}"
    out_dir.mkdir(parents=True, exist_ok=True)
    writers[fmt](export.frame, path)
    files: dict[str, str] = {}
    if export.mapping is not None:
        files["mapping"] = f"{stem}{MAPPING_SUFFIX}"
        (out_dir / files["mapping"]).write_text(export.mapping, encoding="utf-8")
    if population is not None:
        files["population"] = f"{stem}{POPULATION_SUFFIX}"
        neutralise_frame(population).to_csv(out_dir / files["population"], index=False, encoding="utf-8")
    _write_manifest(export, out_dir / f"{stem}{SAMPLE_MANIFEST_SUFFIX}", seed, files)
    return path


def _write_manifest(export: SampleExport, path: Path, seed: int, files: dict[str, str]) -> None:
    manifest = {
        "synthetic": True,
        "label": SYNTHETIC_LABEL,
        "seed": seed,
        "methodology": export.methodology,
        "year": export.year,
        "style": export.style,
        "rows": len(export.frame),
        "generator": GENERATOR,
        "files": files,
        "calibration": export.calibration,
    }
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
