"""The results table: categories, band probabilities, weakest keys, ranks, province and national rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.gazetteer import Gazetteer, get_gazetteer
from scoring.aggregate import build_results, categories, category_probability, figure_columns, weakest
from scoring.estimate import estimate_columns
from scoring.methodology import Methodology, load_methodology
from scoring.results import result_columns

# Kalimantan Utara (65) has five kab/kota; Kalimantan Timur (64) serves as a second province.
KALTARA = ["65.01", "65.02", "65.03", "65.04", "65.71"]


@pytest.fixture(scope="module")
def methodology() -> Methodology:
    return load_methodology("ihai-2025")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


def estimates(methodology: Methodology, rows: dict[str, dict]) -> pd.DataFrame:
    """An `estimate_kabkota` frame: every kab/kota at target with IHaI 7 and SE 0.05 unless a row says otherwise.

    Dimensions, variables and aspects default to the row's IHaI.
    """
    records = []
    for code, overrides in rows.items():
        ihai = overrides.get("ihai", 7.0)
        record = dict.fromkeys(estimate_columns(methodology)[3:], ihai)
        record.update(kabkota=code, n_respondents=1250, ihai_se=0.05)
        record.update(overrides)
        record["sum_weights"] = float(record["n_respondents"])
        record["ihai_ci_low"] = ihai - methodology.z * record["ihai_se"]
        record["ihai_ci_high"] = ihai + methodology.z * record["ihai_se"]
        records.append(record)
    return pd.DataFrame(records, columns=estimate_columns(methodology)).astype({"kabkota": "str"})


def results(methodology: Methodology, gazetteer: Gazetteer, rows: dict[str, dict]) -> pd.DataFrame:
    return build_results(estimates(methodology, rows), methodology, gazetteer, year=2025, synthetic=True).set_index(
        "code"
    )


def test_columns_order_types_and_levels(methodology: Methodology, gazetteer: Gazetteer) -> None:
    table = build_results(
        estimates(methodology, {"65.01": {}, "64.01": {"n_respondents": 10}}), methodology, gazetteer, 2025, False
    )
    assert list(table.columns) == result_columns(methodology)
    assert table[["level", "code"]].values.tolist() == [
        ["kabkota", "64.01"], ["kabkota", "65.01"], ["provinsi", "64"], ["provinsi", "65"], ["nasional", "00"],
    ]  # fmt: skip
    dtypes = table.dtypes.astype(str)
    for column in ["level", "code", "name", "province_code", "category", "methodology", "weakest_variable"]:
        assert dtypes[column] == "str", column
    assert dtypes["year"] == dtypes["n_respondents"] == "int64"
    assert dtypes["target_met"] == "boolean"
    assert (dtypes[["publishable", "weights_provisional", "synthetic", "reporting_eligible"]] == "bool").all()
    assert (dtypes[["rank_in_province", "rank_national", "n_kabkota_total", "n_kabkota_at_target"]] == "Int64").all()
    assert (dtypes[figure_columns(methodology) + ["category_probability", "ihai_min"]] == "float64").all()
    row = table.set_index("code").loc["65.01"]
    assert (row["name"], row["province_code"], row["province_name"]) == ("Kabupaten Bulungan", "65", "Kalimantan Utara")
    constants = (row["year"], row["methodology"], row["weights_provisional"], row["synthetic"])
    assert constants == (2025, "ihai-2025", True, False)


@pytest.mark.parametrize(
    ("score", "label"),
    [(5.999999, "Harmoni Rendah"), (6.0, "Harmoni Sedang"), (7.999999, "Harmoni Sedang"), (8.0, "Harmoni Tinggi")],
)
def test_categories_at_band_edges(methodology: Methodology, gazetteer: Gazetteer, score: float, label: str) -> None:
    assert categories(np.array([score]), methodology).tolist() == [label]
    assert results(methodology, gazetteer, {"65.01": {"ihai": score}}).loc["65.01", "category"] == label


def test_category_probability(methodology: Methodology) -> None:
    ihai = np.array([7.0, 6.0, 8.0, 5.0, 7.0, 7.0, np.nan])
    se = np.array([1e-4, 0.1, 0.3, 0.5, np.nan, 0.0, 0.1])
    probability = category_probability(ihai, se, methodology)
    assert probability[0] == pytest.approx(1.0, abs=1e-12)  # mid-band, tiny SE
    assert probability[1] == pytest.approx(0.5, abs=1e-9)  # on the lower edge of Sedang: half the mass is below
    assert probability[2] == pytest.approx(0.5, abs=1e-9)  # on the edge of the open top band
    # Rendah is open below: P(X < 6) for X ~ N(5, 0.5) = Φ(2).
    assert probability[3] == pytest.approx(0.5 * (1 + math.erf(2 / math.sqrt(2))), abs=1e-12)
    assert np.isnan(probability[4]) and np.isnan(probability[6])
    assert probability[5] == 1.0


def test_weakest_ties_go_to_the_first_in_methodology_order(methodology: Methodology, gazetteer: Gazetteer) -> None:
    row = results(methodology, gazetteer, {"65.01": {"v3": 5.0, "v5": 5.0, "v8": 5.5}}).loc["65.01"]
    assert row["weakest_variable"] == "v3"
    assert row["weakest_dimension"] == "ekonomi"  # all four dimensions at 7.0
    keys = ["a", "b", "c"]
    values = pd.DataFrame([[3.0, 2.0, 2.0], [1.0, 1.0, 1.0], [np.nan, 0.0, 1.0]])
    assert weakest(values, keys).tolist() == ["b", "a", None]


def test_ranks_with_ties(methodology: Methodology, gazetteer: Gazetteer) -> None:
    table = results(
        methodology,
        gazetteer,
        {
            "64.01": {"ihai": 7.5},
            "65.01": {"ihai": 7.0},
            "65.02": {"ihai": 7.0},
            "65.03": {"ihai": 6.0},
            "65.04": {"ihai": 9.9, "n_respondents": 29},  # not publishable: unranked, and ranks no one down
        },
    )
    assert table.loc[["65.01", "65.02", "65.03"], "rank_in_province"].tolist() == [1, 1, 3]
    assert table.loc["64.01", "rank_in_province"] == 1
    assert table.loc[["64.01", "65.01", "65.02", "65.03"], "rank_national"].tolist() == [1, 2, 2, 4]
    assert table.loc["65.04", ["rank_in_province", "rank_national"]].isna().all()
    # Provinces are ranked among provinces: 64 (7.5) above 65 (mean of 7, 7, 6).
    assert table.loc[["64", "65"], "rank_national"].tolist() == [1, 2]
    assert table.loc[["64", "65", "00"], "rank_in_province"].isna().all()
    assert pd.isna(table.loc["00", "rank_national"])


def test_unpublishable_kabkota_has_no_figures(methodology: Methodology, gazetteer: Gazetteer) -> None:
    table = results(methodology, gazetteer, {"65.01": {"n_respondents": 29}, "65.02": {"n_respondents": 30}})
    hidden, shown = table.loc["65.01"], table.loc["65.02"]
    assert not hidden["publishable"] and not hidden["target_met"] and hidden["n_respondents"] == 29
    derived = ["category", "category_probability", "weakest_dimension", "weakest_variable",
               "rank_in_province", "rank_national"]  # fmt: skip
    assert hidden[figure_columns(methodology) + derived].isna().all()
    assert shown["publishable"] and not shown["target_met"]
    assert shown[figure_columns(methodology) + derived].notna().all()
    # Kab/kota rows carry no province-only columns.
    province_only = ["ihai_min", "ihai_max", "n_kabkota_total", "n_kabkota_measured"]
    assert table.loc[["65.01", "65.02"], province_only].isna().all(axis=None)


def test_province_is_the_plain_mean_of_its_publishable_kabkota(methodology: Methodology, gazetteer: Gazetteer) -> None:
    table = results(
        methodology,
        gazetteer,
        {
            "65.01": {"ihai": 6.0, "ihai_se": 0.10, "v1": 4.0, "n_respondents": 1250},
            "65.02": {"ihai": 7.0, "ihai_se": 0.20, "v1": 5.0, "n_respondents": 400},
            "65.03": {"ihai": 8.5, "ihai_se": 0.30, "v1": 9.0, "n_respondents": 60},
            "65.04": {"ihai": 1.0, "ihai_se": 0.90, "v1": 1.0, "n_respondents": 12},  # below min_publishable
        },
    )
    province = table.loc["65"]
    assert (province["level"], province["name"], province["province_code"]) == ("provinsi", "Kalimantan Utara", "65")
    assert province["ihai"] == pytest.approx((6.0 + 7.0 + 8.5) / 3)  # not weighted by respondents
    assert province["v1"] == pytest.approx((4.0 + 5.0 + 9.0) / 3)
    assert province["aspect_persepsi"] == pytest.approx((6.0 + 7.0 + 8.5) / 3)
    se = math.sqrt(0.10**2 + 0.20**2 + 0.30**2) / 3
    assert province["ihai_se"] == pytest.approx(se)
    assert province["ihai_ci_low"] == pytest.approx(province["ihai"] - methodology.z * se)
    assert province["ihai_ci_high"] == pytest.approx(province["ihai"] + methodology.z * se)
    assert (province["ihai_min"], province["ihai_max"]) == (6.0, 8.5)
    assert province["n_respondents"] == 1250 + 400 + 60 + 12
    assert (province["n_kabkota_total"], province["n_kabkota_measured"], province["n_kabkota_at_target"]) == (5, 4, 1)
    assert province["publishable"] and pd.isna(province["target_met"])
    assert province["category"] == "Harmoni Sedang"
    assert not province["reporting_eligible"]


def test_province_without_publishable_kabkota_is_listed_without_figures(
    methodology: Methodology, gazetteer: Gazetteer
) -> None:
    table = results(methodology, gazetteer, {"65.01": {"n_respondents": 5}, "64.01": {}})
    province = table.loc["65"]
    assert not province["publishable"] and province["n_respondents"] == 5 and province["n_kabkota_measured"] == 1
    assert province[figure_columns(methodology) + ["category", "rank_national", "ihai_min"]].isna().all()
    assert table.loc["64", "rank_national"] == 1


@pytest.mark.parametrize(
    ("rows", "eligible"),
    [
        ({code: {} for code in KALTARA}, True),
        ({code: {} for code in KALTARA[:4]}, False),  # one kab/kota not measured
        ({**{code: {} for code in KALTARA}, "65.71": {"n_respondents": 1249}}, False),  # one below target
    ],
)
def test_province_reporting_eligibility(
    methodology: Methodology, gazetteer: Gazetteer, rows: dict[str, dict], eligible: bool
) -> None:
    table = results(methodology, gazetteer, rows)
    assert table.loc["65", "reporting_eligible"] == eligible
    assert table.loc["65", "n_kabkota_total"] == 5
    kabkota = table[table["level"] == "kabkota"]
    assert (kabkota["reporting_eligible"] == kabkota["target_met"].astype(bool)).all()
    assert not table.loc["00", "reporting_eligible"]


def test_national_row(methodology: Methodology, gazetteer: Gazetteer) -> None:
    table = results(
        methodology,
        gazetteer,
        {
            "64.01": {"ihai": 8.0, "ihai_se": 0.1},
            "65.01": {"ihai": 6.0, "ihai_se": 0.2},
            "65.02": {"ihai": 7.0, "ihai_se": 0.2},
            "65.03": {"ihai": 2.0, "n_respondents": 3},
        },
    )
    nation = table.loc["00"]
    assert (nation["level"], nation["name"]) == ("nasional", "Indonesia")
    assert pd.isna(nation["province_code"]) and pd.isna(nation["province_name"])
    assert nation["ihai"] == pytest.approx(7.0)  # mean of kab/kota (8, 6, 7), not of provinces (8, 6.5)
    assert nation["ihai_se"] == pytest.approx(math.sqrt(0.01 + 0.04 + 0.04) / 3)
    assert (nation["ihai_min"], nation["ihai_max"]) == (6.0, 8.0)
    assert nation["n_respondents"] == 3 * 1250 + 3
    assert nation["n_kabkota_total"] == len(gazetteer.kabkota()) == 514
    assert (nation["n_kabkota_measured"], nation["n_kabkota_at_target"]) == (4, 3)
    assert not nation["reporting_eligible"] and pd.isna(nation["target_met"])


def test_no_respondents_leaves_only_an_empty_national_row(methodology: Methodology, gazetteer: Gazetteer) -> None:
    table = build_results(estimates(methodology, {}), methodology, gazetteer, 2025, False)
    assert table["code"].tolist() == ["00"]
    assert not table.loc[0, "publishable"] and table.loc[0, "n_respondents"] == 0
    assert pd.isna(table.loc[0, "ihai"]) and table.loc[0, "n_kabkota_measured"] == 0


def test_unknown_kabkota_code_is_refused(methodology: Methodology, gazetteer: Gazetteer) -> None:
    with pytest.raises(ValueError, match="99.99"):
        build_results(estimates(methodology, {"99.99": {}}), methodology, gazetteer, 2025, False)
