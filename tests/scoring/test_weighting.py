"""Population weighting: the collapsing rule, the population table, and weights, estimates and standard errors
cross-checked against svy (post-stratification and raking with calibration-aware linearisation) to 1e-9."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
import svy

from core.gazetteer import get_gazetteer
from ihai.cli import main
from scoring.estimate import estimate_kabkota
from scoring.methodology import Methodology, load_methodology
from scoring.pipeline import WeightingRequest, run_scoring
from scoring.quality import category_key
from scoring.sample import POPULATION_SUFFIX, SampleExport, write_sample
from scoring.sample_population import synthetic_population
from scoring.weighting import (
    Population,
    WeightingError,
    calibrate,
    collapse,
    load_population,
    method_label,
    parse_variables,
)
from tests.scoring.test_estimate import reference_variable_scores

AGES = ("17-24", "25-34", "35-44", "45-54", "55+")


@pytest.fixture(scope="module")
def methodology() -> Methodology:
    return load_methodology("ihai-2025")


# --- the collapsing rule --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("respondents", "people", "groups"),
    [
        ([30, 40, 25], [5, 5, 5], [[0], [1], [2]]),  # every cell large enough: nothing merges
        ([30, 5, 40, 25], [5, 5, 5, 5], [[0, 1], [2], [3]]),  # the small cell joins its smaller neighbour
        ([3, 30, 40], [5, 5, 5], [[0, 1], [2]]),  # an end cell has one neighbour
        # Smallest first: 4 joins 30; then 8 joins 10, its smaller neighbour; then 18 joins 34.
        ([10, 8, 30, 4], [5, 5, 5, 5], [[0, 1, 2, 3]]),
        ([25, 8, 30, 4, 40], [5, 5, 5, 5, 5], [[0, 1], [2, 3], [4]]),
        ([50, 5], [5, 5], [[0, 1]]),  # one cell left: the variable is not used
        ([30, 30, 30], [5, 0, 5], [[0, 1], [2]]),  # no people in a cell: merged as well
    ],
)
def test_collapse(respondents: list[int], people: list[float], groups: list[list[int]]) -> None:
    assert collapse(np.array(respondents), np.array(people, dtype=float), min_cell=20) == groups


# --- the population table ---------------------------------------------------------------------------------------


def _population_csv(path: Path, rows: list[tuple[str, str, str, str]], separator: str = ",") -> Path:
    lines = [separator.join(("kabkota", "variabel", "kategori", "jumlah"))]
    lines += [separator.join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_population_reads_names_codes_and_indonesian_numbers(tmp_path: Path) -> None:
    path = _population_csv(
        tmp_path / "populasi.csv",
        [("Kota Banjarbaru", "sex", "L", "130.250"), ("63.72", "sex", " p ", "128.001"), ("6372", "age_group", "17-24", "1.000.000")],
        separator=";",
    )
    population = load_population(path, ("sex", "age_group"), get_gazetteer())
    assert population.counts["sex"].loc["63.72"].to_dict() == {"l": 130250.0, "p": 128001.0}
    assert population.counts["age_group"].loc["63.72", "17 24"] == 1_000_000.0
    assert population.labels["sex"]["p"] == "p"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("Kabupaten Atlantis", "sex", "L", "10")], "baris 2: kab/kota 'Kabupaten Atlantis' tidak dikenal"),
        ([("63.01", "agama", "Islam", "10")], "baris 2: variabel 'agama' bukan sex atau age_group"),
        ([("63.01", "sex", "L", "-5")], "baris 2: jumlah '-5' bukan bilangan tidak negatif"),
        ([("63.01", "sex", "L", "banyak")], "baris 2: jumlah 'banyak' bukan bilangan tidak negatif"),
        ([("63.01", "sex", "L", "1"), ("63.01", "sex", "l", "2")], "baris 3: kab/kota, variabel dan kategori yang sama"),
        ([("63.01", "sex", "", "1")], "baris 2: kategori kosong"),
        ([("63.01", "age_group", "17-24", "1")], "tidak ada baris untuk variabel 'sex'"),
    ],
)
def test_population_problems_are_named(tmp_path: Path, rows: list, message: str) -> None:
    path = _population_csv(tmp_path / "populasi.csv", rows)
    with pytest.raises(WeightingError, match=message) as error:
        load_population(path, ("sex",), get_gazetteer())
    assert str(path) in str(error.value)


def test_population_without_its_columns_or_file(tmp_path: Path) -> None:
    path = tmp_path / "populasi.csv"
    path.write_text("wilayah,jumlah\n63.01,10\n", encoding="utf-8")
    with pytest.raises(WeightingError, match="kolom tabel populasi tidak ada: kabkota, variabel, kategori"):
        load_population(path, ("sex",), get_gazetteer())
    with pytest.raises(WeightingError, match="tidak ditemukan"):
        load_population(tmp_path / "hilang.csv", ("sex",), get_gazetteer())


@pytest.mark.parametrize("text", ["", "agama", "sex,sex", "sex;age_group"])
def test_weighting_variables_are_checked(text: str) -> None:
    with pytest.raises(WeightingError, match="--weighting"):
        parse_variables(text)
    assert parse_variables(" sex , age_group ") == ("sex", "age_group")


# --- weights, estimates and standard errors against svy -----------------------------------------------------------


def _respondents(methodology: Methodology, seed: int = 11) -> pd.DataFrame:
    """Accepted respondents of five kab/kota built to exercise every branch of the rule (see the test)."""
    rng = np.random.default_rng(seed)
    plan = {
        "63.01": (400, [0.75, 0.25], [0.40, 0.30, 0.15, 0.10, 0.05]),  # raking on both
        "63.02": (180, [0.6, 0.4], [0.50, 0.30, 0.12, 0.05, 0.03]),  # raking, older age cells merged
        "63.03": (70, [0.5, 0.5], [0.90, 0.04, 0.03, 0.02, 0.01]),  # age collapses to one cell: sex only
        "63.04": (90, [0.5, 0.5], [0.2, 0.2, 0.2, 0.2, 0.2]),  # no population rows: unweighted
        "63.05": (150, [0.92, 0.08], [0.30, 0.30, 0.20, 0.10, 0.10]),  # too few women: age only
    }
    frames = []
    for code, (n, sex_shares, age_shares) in plan.items():
        sex = rng.choice(["L", "P"], n, p=sex_shares)
        age = rng.choice(AGES, n, p=age_shares)
        # Answers depend on sex and age, so weighting moves the estimates.
        level = 3.0 + 0.6 * (sex == "P") + 0.3 * np.searchsorted(AGES, age) / 4
        answers = np.clip(np.rint(level[:, None] + rng.normal(0, 1.0, (n, len(methodology.item_keys)))), 1, 5)
        frame = pd.DataFrame(answers, columns=methodology.item_keys)
        frame.insert(0, "kabkota", pd.Series([code] * n, dtype="str"))
        frame["weight"] = rng.lognormal(0.0, 0.4, n)
        frame["sex"] = pd.Series(sex, dtype="str")
        frame["age_group"] = pd.Series(age, dtype="str")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _population(tmp_path: Path) -> Population:
    """Populations older and more female than the respondents; 63.04 absent; age totals differ from sex totals."""
    rows = []
    for code, total in (("63.01", 200_000), ("63.02", 150_000), ("63.03", 90_000), ("63.05", 120_000)):
        rows += [(code, "sex", "L", str(total * 49 // 100)), (code, "sex", "P", str(total * 51 // 100))]
        for age, share in zip(AGES, (0.15, 0.22, 0.22, 0.2, 0.21), strict=True):
            rows.append((code, "age_group", age, str(round(total * 0.97 * share))))
    return load_population(_population_csv(tmp_path / "populasi.csv", rows), ("sex", "age_group"), get_gazetteer())


def _svy_kabkota(frame: pd.DataFrame, y: np.ndarray, plan, population: Population) -> tuple[np.ndarray, float, float]:
    """svy's weights, mean and SE for one kab/kota, with the cells of our plan."""
    data = {"kabkota": frame["kabkota"].to_numpy(dtype=object).astype(str), "d": frame["weight"].to_numpy(), "y": y}
    controls: dict[str, dict[str, float]] = {}
    total = None
    for variable in plan.variables:
        cell_of = {key: f"c{number}" for number, keys in enumerate(plan.cells[variable]) for key in keys}
        keys = frame[variable].map(category_key).to_numpy()
        data[variable] = np.array([cell_of[key] for key in keys])
        people = population.counts[variable].loc[plan.code]
        cells = {f"c{number}": float(sum(people[key] for key in keys)) for number, keys in enumerate(plan.cells[variable])}
        total = sum(cells.values()) if total is None else total
        controls[variable] = {cell: value / sum(cells.values()) * total for cell, value in cells.items()}
    sample = svy.Sample(pl.DataFrame(data), svy.Design(stratum="kabkota", wgt="d"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if len(plan.variables) == 1:
            (variable,) = plan.variables
            sample = sample.weighting.poststratify(controls=controls[variable], cells=variable)
        elif plan.variables:
            sample = sample.weighting.rake(controls=controls, tol=1e-14, max_iter=10_000)
        estimate = sample.estimation.mean("y").to_polars()
    weight_column = {0: "d", 1: "ps_wgt"}.get(len(plan.variables), "rk_wgt")
    return sample._data[weight_column].to_numpy(), float(estimate["est"][0]), float(estimate["se"][0])


def test_weights_estimates_and_standard_errors_match_svy(methodology: Methodology, tmp_path: Path) -> None:
    frame = _respondents(methodology)
    population = _population(tmp_path)
    calibration = calibrate(frame, population, ("sex", "age_group"), min_cell=20)
    plans = {plan.code: plan for plan in calibration.plans}
    assert {code: plan.variables for code, plan in plans.items()} == {
        "63.01": ("sex", "age_group"),
        "63.02": ("sex", "age_group"),
        "63.03": ("sex",),
        "63.04": (),
        "63.05": ("age_group",),
    }
    assert any(len(cell) > 1 for cell in plans["63.02"].cells["age_group"])
    assert plans["63.04"].label == "tanpa pembobotan (sex: populasi tidak ada; age_group: populasi tidak ada)"
    assert plans["63.03"].label == "pascastratifikasi: sex (age_group: sel terlalu kecil)"

    result = estimate_kabkota(frame.assign(weight=calibration.weights), methodology, calibration.centre).set_index("kabkota")
    unweighted = estimate_kabkota(frame, methodology).set_index("kabkota")
    composite = reference_variable_scores(frame, methodology).to_numpy() @ methodology.weights
    for code, plan in plans.items():
        rows = (frame["kabkota"] == code).to_numpy()
        weights, mean, se = _svy_kabkota(frame[rows], composite[rows], plan, population)
        np.testing.assert_allclose(calibration.weights[rows], weights, rtol=1e-9, err_msg=code)
        assert result.loc[code, "ihai"] == pytest.approx(mean, abs=1e-9), code
        assert result.loc[code, "ihai_se"] == pytest.approx(se, abs=1e-9), code
        if plan.variables:  # the calibration moved the figure and tightened or widened its interval
            assert abs(result.loc[code, "ihai"] - unweighted.loc[code, "ihai"]) > 1e-3
    # Weighted totals hold the population margins (raked kab/kota: both margins at once).
    margins = population.counts["sex"].loc["63.01"]
    sex = frame["sex"].map(category_key)
    for key, people in margins.items():
        rows = ((frame["kabkota"] == "63.01") & (sex == key)).to_numpy()
        assert calibration.weights[rows].sum() == pytest.approx(people, rel=1e-10)


def test_unweighted_standard_error_is_unchanged_by_the_centring_step(methodology: Methodology) -> None:
    frame = _respondents(methodology).drop(columns=["sex", "age_group"])
    # Without calibration z̄ is zero up to rounding: the figures equal the samplics-checked estimator's.
    result = estimate_kabkota(frame, methodology, centre=lambda z: z)
    plain = estimate_kabkota(frame, methodology)
    pd.testing.assert_frame_equal(result, plain, rtol=1e-12)


def test_method_labels() -> None:
    assert method_label(()) == "tanpa pembobotan"
    assert method_label(("sex",)) == "pascastratifikasi: sex"
    assert method_label(("sex", "age_group")) == "raking: sex, age_group"


# --- through the pipeline and the command ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_head(sample_export_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The first 30,000 sample rows and the sample's synthetic population table."""
    head = SampleExport(frame=pd.read_parquet(sample_export_path).head(30_000), calibration={}, methodology="ihai-2025")
    folder = tmp_path_factory.mktemp("timbang")
    export = write_sample(head, folder, seed=2025, fmt="parquet", population=synthetic_population(get_gazetteer()))
    return export, export.with_name(export.stem + POPULATION_SUFFIX)


def test_weighted_run_says_how_it_was_weighted(sample_head: tuple[Path, Path], methodology: Methodology) -> None:
    export, population_path = sample_head
    variables = ("sex", "age_group")
    request = WeightingRequest(variables, load_population(population_path, variables, get_gazetteer()), min_cell=20)
    weighted = run_scoring([export], methodology, get_gazetteer(), weighting=request)
    plain = run_scoring([export], methodology, get_gazetteer())
    assert weighted.rows_read == len(weighted.quality.accepted) + len(weighted.quality.quarantine)
    pd.testing.assert_frame_equal(weighted.quality.accepted, plain.quality.accepted)  # sample rows all have categories

    results = weighted.results.set_index("code")
    kabkota = results[results["level"] == "kabkota"]
    assert set(results.loc[results["level"] != "kabkota", "weighting"]) == {"raking: sex, age_group"}
    assert set(plain.results["weighting"]) == {"tanpa pembobotan"}
    counts = weighted.weighting["kabkota_by_method"]
    assert sum(counts.values()) == len(kabkota) and counts["raking"] > 0 and counts["none"] > 0
    assert (kabkota["weighting"].str.startswith("raking").sum(), kabkota["weighting"].str.startswith("tanpa").sum()) == (
        counts["raking"], counts["none"],
    )
    assert weighted.weighting["population"]["sha256"] == request.population.sha256
    # Weighting moves the raked kab/kota's figures; unweighted ones keep theirs exactly.
    plain_results = plain.results.set_index("code")
    raked = kabkota.index[kabkota["weighting"].str.startswith("raking")]
    kept = kabkota.index[kabkota["weighting"].str.startswith("tanpa")]
    assert (results.loc[raked, "ihai"] != plain_results.loc[raked, "ihai"]).all()
    pd.testing.assert_series_equal(results.loc[kept, "ihai"], plain_results.loc[kept, "ihai"])


def test_respondents_without_a_known_category_are_quarantined_only_when_weighting(
    sample_head: tuple[Path, Path], methodology: Methodology, tmp_path: Path
) -> None:
    export, population_path = sample_head
    frame = pd.read_parquet(export).head(2_000)
    frame.loc[0, "sex"] = "X"
    frame.loc[1, "age_group"] = ""
    changed = tmp_path / "ekspor.parquet"
    frame.to_parquet(changed, index=False)
    request = WeightingRequest(("sex", "age_group"), load_population(population_path, ("sex", "age_group"), get_gazetteer()), 20)
    weighted = run_scoring([changed], methodology, get_gazetteer(), weighting=request)
    reasons = weighted.quality.quarantine.set_index("_source_row")["reasons"]
    assert reasons.loc[1].endswith("kategori_tidak_dikenal") and reasons.loc[2].endswith("kategori_tidak_dikenal")
    plain = run_scoring([changed], methodology, get_gazetteer())
    assert plain.quality.reason_counts["kategori_tidak_dikenal"] == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--weighting", "sex"], "--weighting dan --population harus dipakai bersama"),
        (["--population", "POP"], "--weighting dan --population harus dipakai bersama"),
        (["--weighting", "agama", "--population", "POP"], "--weighting 'agama' tidak valid"),
        (["--weighting", "sex", "--population", "POP", "--min-cell", "0"], "--min-cell harus bilangan bulat positif"),
        (["--weighting", "sex", "--population", "BAD"], "baris 3: jumlah 'banyak' bukan bilangan tidak negatif"),
    ],
)
def test_weighting_errors_exit_2(
    sample_head: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    export, population_path = sample_head
    bad = _population_csv(tmp_path / "buruk.csv", [("63.01", "sex", "L", "10"), ("63.01", "sex", "P", "banyak")])
    arguments = [{"POP": str(population_path), "BAD": str(bad)}.get(argument, argument) for argument in arguments]
    code = main(["score", str(export), "--out", str(tmp_path / "hasil"), *arguments])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err, err
    assert not (tmp_path / "hasil").exists()
