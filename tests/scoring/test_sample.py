"""The synthetic sample, scored by the real quality rules and estimator, reproduces the 2025 facts.

Calibration targets are written out here from shared/reference/facts.md rather than imported from
`scoring.sample`, so that a changed constant there fails these tests instead of moving them along.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from core.gazetteer import Gazetteer, get_gazetteer
from scoring.estimate import estimate_kabkota
from scoring.ingest import read_export
from scoring.methodology import Methodology, load_methodology
from scoring.pipeline import sample_provenance
from scoring.quality import QualityOutcome, apply_quality_rules
from scoring.sample import SampleExport, generate_sample, write_sample

DEFAULT_SEED = 2025
SEEDS = (DEFAULT_SEED, 1, 2)
TOTAL_ACCEPTED = 322_770
ELIGIBLE = {"31", "34", "51", "65"}  # DKI Jakarta, DI Yogyakarta, Bali, Kalimantan Utara
REQUIRED_PROVINCES = ELIGIBLE | {"33", "63"}  # plus Jawa Tengah, Kalimantan Selatan
DIRTY_REASONS = {
    "duplikat",
    "wilayah_tidak_dikenal",
    "nilai_di_luar_skala",
    "variabel_kosong",
    "terlalu_cepat",
    "pola_seragam",
    "bobot_tidak_valid",
}
JAKARTA = "Asia/Jakarta"


@dataclass(frozen=True)
class Scored:
    seed: int
    export: SampleExport
    quality: QualityOutcome
    kabkota: pd.DataFrame  # estimate_kabkota output, indexed by code


@pytest.fixture(scope="module")
def methodology() -> Methodology:
    return load_methodology("ihai-2025")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


@pytest.fixture(scope="module")
def default_export(methodology: Methodology, gazetteer: Gazetteer) -> SampleExport:
    # Generation time is a benchmark figure (bench/scoring.py), never a test assertion.
    return generate_sample(DEFAULT_SEED, methodology, gazetteer)


@pytest.fixture(scope="module", params=SEEDS, ids=lambda seed: f"seed{seed}")
def scored(request, default_export: SampleExport, methodology: Methodology, gazetteer: Gazetteer) -> Scored:
    seed = request.param
    export = default_export if seed == DEFAULT_SEED else generate_sample(seed, methodology, gazetteer)
    quality = apply_quality_rules(export.frame, methodology, gazetteer)
    kabkota = estimate_kabkota(quality.accepted, methodology).set_index("kabkota")
    return Scored(seed=seed, export=export, quality=quality, kabkota=kabkota)


def _province(code: str) -> str:
    return code.split(".")[0]


def _weakest_dimension(kabkota: pd.DataFrame, methodology: Methodology) -> pd.Series:
    columns = [f"dim_{key}" for key in methodology.dimension_keys]
    return kabkota[columns].idxmin(axis=1).str.removeprefix("dim_")


def _jakarta_times(text: pd.Series) -> pd.Series:
    """Raw ISO 8601 text as the quality rules read it: offsets converted, naive times taken as Jakarta time."""
    stamps = [pd.Timestamp(value) for value in text]
    return pd.Series(
        [stamp.tz_localize(JAKARTA) if stamp.tzinfo is None else stamp.tz_convert(JAKARTA) for stamp in stamps],
        index=text.index,
    )


# --- Calibration, checked for every seed in SEEDS ---------------------------------------------------


def test_respondents_and_coverage_match_2025(scored: Scored, methodology: Methodology) -> None:
    assert len(scored.quality.accepted) == TOTAL_ACCEPTED
    n = scored.kabkota["n_respondents"]
    # Every kab/kota with respondents is publishable: "measured" means the same thing everywhere.
    assert len(n) == 353 and (n >= methodology.survey.min_publishable).all()
    provinces = {_province(code) for code in n.index}
    assert len(provinces) == 24 and REQUIRED_PROVINCES <= provinces
    assert (n >= methodology.survey.target_respondents).sum() == 119


def test_exactly_four_provinces_are_reporting_eligible(
    scored: Scored, methodology: Methodology, gazetteer: Gazetteer
) -> None:
    n = scored.kabkota["n_respondents"]
    at_target = set(n[n >= methodology.survey.target_respondents].index)
    provinces = {_province(code) for code in n.index}
    eligible = {p for p in provinces if all(region.code in at_target for region in gazetteer.kabkota(p))}
    assert eligible == ELIGIBLE


def test_kalimantan_selatan_lies_in_its_published_range(scored: Scored, gazetteer: Gazetteer) -> None:
    kalsel = scored.kabkota.loc[[region.code for region in gazetteer.kabkota("63")], "ihai"]
    assert kalsel.between(6.60, 6.80).all(), kalsel.round(3).to_dict()
    assert 6.60 <= kalsel.mean() <= 6.80


def test_mostly_sedang_with_both_tails_and_varied_weak_spots(scored: Scored, methodology: Methodology) -> None:
    categories = scored.kabkota["ihai"].map(methodology.category).value_counts()
    assert categories["Harmoni Sedang"] > 0.75 * len(scored.kabkota)
    assert categories["Harmoni Rendah"] >= 5 and categories["Harmoni Tinggi"] >= 2
    weakest = _weakest_dimension(scored.kabkota, methodology).value_counts()
    assert set(weakest.index) == set(methodology.dimension_keys) and weakest.min() >= 20


def test_dirty_rows_are_a_few_percent_one_defect_each(scored: Scored) -> None:
    rows = len(scored.export.frame)
    quarantined = scored.quality.quarantine
    assert 0.02 <= len(quarantined) / rows <= 0.04
    assert len(quarantined) + TOTAL_ACCEPTED == rows
    # One reason per row, every kind present, nothing else: clean rows pass every rule.
    assert not quarantined["reasons"].str.contains(";").any()
    counts = {reason: count for reason, count in scored.quality.reason_counts.items() if count}
    assert set(counts) == DIRTY_REASONS
    assert counts == scored.export.calibration["dirty_rows_by_reason"]


def test_duplicates_are_earlier_resubmissions_of_accepted_respondents(scored: Scored, methodology: Methodology) -> None:
    quarantine = scored.quality.quarantine
    duplicates = quarantine[quarantine["reasons"] == "duplikat"].set_index("respondent_id")
    accepted = scored.quality.accepted.set_index("respondent_id").loc[duplicates.index]
    assert (_jakarta_times(duplicates["submitted_at"]) < accepted["submitted_at"]).all()
    answers = duplicates[methodology.item_keys].astype(float)
    assert (answers.to_numpy() == accepted[methodology.item_keys].to_numpy()).all()


def test_submission_times_fall_in_the_survey_window(scored: Scored, gazetteer: Gazetteer) -> None:
    times = scored.quality.accepted["submitted_at"]
    assert times.min() >= pd.Timestamp("2025-03-03", tz=JAKARTA)
    assert times.max() < pd.Timestamp("2025-03-25", tz=JAKARTA)

    raw = scored.export.frame
    offset = raw["submitted_at"].str.extract(r"([+-]\d{2}:\d{2})$", expand=False)
    assert 0.05 < offset.notna().mean() < 0.5  # mostly naive local time
    province = gazetteer.resolve_kabkota_codes(raw["kabkota"]).str[:2]
    zones = pd.crosstab(province, offset)
    # WIB in Java, WITA in Bali and Kalimantan Selatan, WIT in Papua Tengah: one offset per province.
    assert list(zones.loc["31"][zones.loc["31"] > 0].index) == ["+07:00"]
    assert list(zones.loc["51"][zones.loc["51"] > 0].index) == ["+08:00"]
    assert list(zones.loc["63"][zones.loc["63"] > 0].index) == ["+08:00"]
    assert list(zones.loc["94"][zones.loc["94"] > 0].index) == ["+09:00"]
    assert ((zones > 0).sum(axis=1) == 1).all()


def test_other_seeds_give_other_answers(scored: Scored, default_export: SampleExport, methodology: Methodology) -> None:
    items = methodology.item_keys
    changed = (scored.export.frame[items].to_numpy() != default_export.frame[items].to_numpy()).mean()
    assert changed == 0 if scored.seed == DEFAULT_SEED else changed > 0.5


# --- The raw export itself (default seed) -----------------------------------------------------------


def test_export_is_text_as_a_survey_tool_writes_it(default_export: SampleExport, methodology: Methodology) -> None:
    frame = default_export.frame
    assert list(frame.columns) == [
        "respondent_id",
        "submitted_at",
        "kabkota",
        *methodology.item_keys,
        "duration_seconds",
        "weight",
        "sex",
        "age_group",
    ]
    assert all(pd.api.types.is_string_dtype(frame[column]) for column in frame.columns)
    answers = set().union(*(frame[key].unique() for key in methodology.item_keys))
    assert answers == {"", "0", "1", "2", "3", "3.5", "4", "5", "6", "x"}
    assert set(frame["sex"]) == {"L", "P"}
    assert set(frame["age_group"]) == {"17-24", "25-34", "35-44", "45-54", "55+"}

    regions = frame["kabkota"]
    assert regions.str.fullmatch(r"\d{2}\.\d{2}").mean() > 0.3
    assert regions.str.fullmatch(r"\d{4}").any()
    official_and_shouted = {"Kota Banjarbaru", "KAB. TAPIN", "KOTA ADM. JAKARTA PUSAT"}
    assert official_and_shouted | {"Banjar", "Kab. Antah Berantah", "99.99"} <= set(regions)

    weights = frame["weight"]
    assert (weights == "1").mean() > 0.8
    reweighted = pd.to_numeric(weights[~weights.isin(["1", "0", "-1", "abc"])])
    assert reweighted.between(0.5, 2.0).all() and len(reweighted) > 1000


def test_a_seed_fixes_the_export(default_export: SampleExport, methodology: Methodology, gazetteer: Gazetteer) -> None:
    again = generate_sample(DEFAULT_SEED, methodology, gazetteer)
    pd.testing.assert_frame_equal(again.frame, default_export.frame)
    assert again.calibration == default_export.calibration


# --- Files --------------------------------------------------------------------------------------------


def test_parquet_file_is_labelled_synthetic_and_scores_the_same(
    default_export: SampleExport, methodology: Methodology, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    path = write_sample(default_export, tmp_path, seed=DEFAULT_SEED, fmt="parquet")
    assert path.name == "ihai-2025-sampel-sintetis-seed2025.parquet" and "sintetis" in path.name
    manifest = json.loads((tmp_path / "ihai-2025-sampel-sintetis-seed2025.manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True
    assert manifest["label"] == "DATA SAMPEL SINTETIS — bukan hasil resmi IHaI"
    assert manifest["seed"] == DEFAULT_SEED and manifest["methodology"] == "ihai-2025"
    assert manifest["generator"] == "scoring.sample" and manifest["rows"] == len(default_export.frame)
    assert manifest["calibration"]["accepted_respondents"] == TOTAL_ACCEPTED
    assert sample_provenance([path]).synthetic

    accepted = apply_quality_rules(read_export(path, methodology), methodology, gazetteer).accepted
    assert len(accepted) == TOTAL_ACCEPTED


def test_csv_is_what_excel_writes_in_an_indonesian_locale(
    default_export: SampleExport, methodology: Methodology, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    # A slice keeps the test fast; every row kind is in it.
    head = SampleExport(frame=default_export.frame.head(20_000), calibration={}, methodology="ihai-2025")
    path = write_sample(head, tmp_path, seed=7, fmt="csv")
    assert path.name == "ihai-2025-sampel-sintetis-seed7.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].split(b"\r\n", 1)[0].decode("utf-8")
    assert header.split(";")[:3] == ["respondent_id", "submitted_at", "kabkota"]
    assert re.search(rb";[012],\d\d;[LP];", raw)  # weights with a decimal comma
    assert re.search(rb"\r\n[^;]+;[^;]+;\d\d\.\d\d;", raw)  # kab/kota codes keep their dot

    from_file = apply_quality_rules(read_export(path, methodology), methodology, gazetteer)
    in_memory = apply_quality_rules(head.frame, methodology, gazetteer)
    pd.testing.assert_frame_equal(from_file.accepted, in_memory.accepted)
    assert from_file.reason_counts == in_memory.reason_counts


def test_xlsx_reads_back_the_same(default_export: SampleExport, methodology: Methodology, tmp_path: Path) -> None:
    head = SampleExport(frame=default_export.frame.head(300), calibration={}, methodology="ihai-2025")
    path = write_sample(head, tmp_path, seed=7, fmt="xlsx")
    back = read_export(path, methodology)[head.frame.columns]
    pd.testing.assert_frame_equal(back, head.frame, check_dtype=False)


def test_unknown_format_is_refused(default_export: SampleExport, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="tidak didukung"):
        write_sample(default_export, tmp_path, seed=1, fmt="json")
