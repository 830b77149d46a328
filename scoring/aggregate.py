"""The results table: kab/kota estimates plus province and national rows, in `result_columns` order.

Rules (docs/CONTRACTS.md, "Results"):
- a kab/kota row exists for every kab/kota with an accepted respondent; below `min_publishable` its figures,
  category, weakest keys and ranks are NA;
- a province (one with at least one measured kab/kota) and the nation are the plain mean of their
  publishable kab/kota, with SE = sqrt(Σ se²)/m — the kab/kota are independent strata;
- categories are the methodology's bands, lower bound inclusive; `category_probability` is the chance that
  the true value lies in the reported band under Normal(estimate, SE);
- ranks: 1 = highest, ties share the lowest rank ("min"), only publishable rows are ranked.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core.constants import NATIONAL_CODE
from core.gazetteer import Gazetteer
from scoring.estimate import KABKOTA
from scoring.methodology import Methodology
from scoring.results import (
    NATIONAL_NAME,
    UNWEIGHTED,
    aspect_column,
    dimension_column,
    dimension_se_column,
    result_columns,
)
from scoring.sensitivity import Weightings, weight_sensitivity

LEVEL_KABKOTA, LEVEL_PROVINCE, LEVEL_NATION = "kabkota", "provinsi", "nasional"

_TEXT = ["level", "code", "name", "province_code", "province_name", "category", "methodology",
         "weakest_dimension", "weakest_variable", "weighting"]  # fmt: skip
_COUNTS = ["rank_in_province", "rank_national", "rank_low", "rank_high", "n_kabkota_total", "n_kabkota_measured", "n_kabkota_at_target"]
_FLAGS = ["publishable", "weights_provisional", "synthetic", "reporting_eligible"]


def score_columns(methodology: Methodology) -> list[str]:
    """The 0–10 scores a province or the nation averages over its kab/kota."""
    return (
        ["ihai"]
        + [dimension_column(key) for key in methodology.dimension_keys]
        + methodology.variable_keys
        + [aspect_column(key) for key in methodology.aspect_keys]
    )


def dimension_se_columns(methodology: Methodology) -> list[str]:
    return [dimension_se_column(key) for key in methodology.dimension_keys]


def figure_columns(methodology: Methodology) -> list[str]:
    """Everything that is NA on a row that is not publishable, apart from the derived labels and ranks."""
    return ["ihai", "ihai_se", "ihai_ci_low", "ihai_ci_high", *score_columns(methodology)[1:], *dimension_se_columns(methodology)]


def categories(ihai: np.ndarray, methodology: Methodology) -> np.ndarray:
    """Band label of each score (lower bound inclusive); None where the score is NaN."""
    labels = np.array([band.label for band in methodology.categories.bands] + [None], dtype=object)
    index = np.searchsorted(methodology.band_edges, ihai, side="right")
    return labels[np.where(np.isnan(ihai), len(labels) - 1, index)]


# The standard normal CDF, Φ(x) = erfc(−x/√2)/2, element-wise. A few hundred rows need no vectorised
# special function, and leaving scipy.special out spares every `ihai score` a third of a second of imports.
_ERFC = np.frompyfunc(math.erfc, 1, 1)


def ndtr(x: np.ndarray) -> np.ndarray:
    return 0.5 * _ERFC(-np.asarray(x, dtype=np.float64) / math.sqrt(2.0)).astype(np.float64)


def category_probability(ihai: np.ndarray, se: np.ndarray, methodology: Methodology) -> np.ndarray:
    """P(true value in the reported band) under Normal(ihai, se); NaN where either is NaN.

    The outer bands are open-ended (−∞ and +∞), so the probabilities of all bands sum to 1.
    """
    edges = methodology.band_edges
    lower = np.concatenate([[-np.inf], edges])
    upper = np.concatenate([edges, [np.inf]])
    band = np.searchsorted(edges, ihai, side="right")
    band = np.minimum(band, len(edges))  # NaN sorts last; its result is masked below
    with np.errstate(divide="ignore", invalid="ignore"):
        probability = ndtr((upper[band] - ihai) / se) - ndtr((lower[band] - ihai) / se)
    # A zero SE leaves no doubt: the estimate is in its own band (the division above gives 0/0 at an edge).
    probability = np.where(se == 0, 1.0, probability)
    return np.where(np.isnan(ihai) | np.isnan(se), np.nan, probability)


def weakest(values: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Key of each row's lowest value, the first in methodology order on ties; None when any value is NaN."""
    matrix = values.to_numpy(dtype=np.float64)
    complete = ~np.isnan(matrix).any(axis=1)
    index = np.argmin(np.where(complete[:, None], matrix, 0.0), axis=1)  # argmin keeps the first minimum
    return np.where(complete, np.array(keys, dtype=object)[index], None)


def descending_rank(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Rank within each group: 1 = highest, ties share the lowest rank ("min"); NaN stays unranked."""
    return values.groupby(groups).rank(ascending=False, method="min")


def kabkota_rows(kabkota: pd.DataFrame, methodology: Methodology, gazetteer: Gazetteer) -> pd.DataFrame:
    """Identity, coverage and figures of each measured kab/kota; figures NA below `min_publishable`."""
    regions = [gazetteer.get(code) for code in kabkota[KABKOTA]]
    unknown = [
        code for code, region in zip(kabkota[KABKOTA], regions, strict=True) if region is None or region.level != LEVEL_KABKOTA
    ]
    if unknown:
        raise ValueError(f"kode kab/kota tidak ada di gazetteer: {', '.join(unknown[:5])}")
    n = kabkota["n_respondents"].to_numpy(dtype=np.int64)
    publishable = n >= methodology.survey.min_publishable
    target_met = n >= methodology.survey.target_respondents
    figures = kabkota[figure_columns(methodology)].where(pd.Series(publishable, index=kabkota.index), axis=0)
    identity = pd.DataFrame(
        {
            "level": LEVEL_KABKOTA,
            "code": [region.code for region in regions],
            "name": [region.name for region in regions],
            "province_code": [region.province_code for region in regions],
            "province_name": [region.province_name for region in regions],
            "n_respondents": n,
            "target_met": target_met,
            "publishable": publishable,
            # Equal to target_met whenever the target is at least the publication minimum, as in every framework.
            "reporting_eligible": target_met & publishable,
        },
        index=kabkota.index,
    )
    return pd.concat([identity, figures], axis=1).sort_values("code").reset_index(drop=True)


def aggregate_rows(
    rows: pd.DataFrame, groups: np.ndarray, index: list[str], methodology: Methodology
) -> pd.DataFrame:
    """Per group (a province code, or the national code): the mean of its publishable kab/kota rows,
    SE = sqrt(Σ se²)/m with its CI, min/max, and counts over all its measured kab/kota.

    Indexed by `index`; a group without publishable kab/kota keeps NA figures and publishable False.
    """
    se_columns = ["ihai_se", *dimension_se_columns(methodology)]
    frame = rows.assign(group=groups, **{f"{column}_squared": rows[column] ** 2 for column in se_columns})
    counts = (
        frame.groupby("group")
        .agg(
            n_respondents=("n_respondents", "sum"),
            n_kabkota_measured=("code", "size"),
            n_kabkota_at_target=("reporting_eligible", "sum"),
        )
        .reindex(index, fill_value=0)
    )
    published = frame[frame["publishable"]].groupby("group")
    m = published.size().reindex(index, fill_value=0)
    spread = published.agg(
        ihai_min=("ihai", "min"),
        ihai_max=("ihai", "max"),
        **{f"{column}_squared": (f"{column}_squared", "sum") for column in se_columns},
    )
    result = counts.join(spread).join(published[score_columns(methodology)].mean())
    result["publishable"] = m > 0
    # float: with no publishable kab/kota at all the reindexed sums come back as object NaN
    for column in se_columns:
        result[column] = np.sqrt(result[f"{column}_squared"].astype(np.float64)) / m.where(m > 0)
    margin = methodology.z * result["ihai_se"]
    result["ihai_ci_low"] = result["ihai"] - margin
    result["ihai_ci_high"] = result["ihai"] + margin
    return result.drop(columns=[f"{column}_squared" for column in se_columns])


def province_rows(kab_rows: pd.DataFrame, methodology: Methodology, gazetteer: Gazetteer) -> pd.DataFrame:
    """One row per province with at least one measured kab/kota."""
    codes = sorted(kab_rows["province_code"].unique())
    result = aggregate_rows(kab_rows, kab_rows["province_code"].to_numpy(), codes, methodology)
    totals = pd.Series([region.province_code for region in gazetteer.kabkota()]).value_counts()
    names = [gazetteer.get(code).name for code in codes]
    result["n_kabkota_total"] = totals.reindex(codes).to_numpy()
    # A province's own code and name stand in its province columns, as in the gazetteer.
    return _with_identity(result, LEVEL_PROVINCE, codes, names, codes, names)


def national_row(kab_rows: pd.DataFrame, methodology: Methodology, gazetteer: Gazetteer) -> pd.DataFrame:
    """The nation: the mean of every publishable kab/kota; its counts are over the whole gazetteer."""
    result = aggregate_rows(kab_rows, np.full(len(kab_rows), NATIONAL_CODE), [NATIONAL_CODE], methodology)
    result["n_kabkota_total"] = len(gazetteer.kabkota())
    return _with_identity(result, LEVEL_NATION, [NATIONAL_CODE], [NATIONAL_NAME], [None], [None])


def _with_identity(
    result: pd.DataFrame, level: str, codes: list[str], names: list[str], province_codes: list, province_names: list
) -> pd.DataFrame:
    result = result.reset_index(drop=True)
    result["reporting_eligible"] = (result["n_kabkota_at_target"] == result["n_kabkota_total"]) & (
        result["n_kabkota_total"] > 0
    )
    identity = pd.DataFrame(
        {"level": level, "code": codes, "name": names, "province_code": province_codes, "province_name": province_names}
    )
    return pd.concat([identity, result], axis=1)


def build_results(
    kabkota: pd.DataFrame,
    methodology: Methodology,
    gazetteer: Gazetteer,
    year: int,
    synthetic: bool,
    weighting: str = UNWEIGHTED,
    weighting_by_code: dict[str, str] | None = None,
    weightings: Weightings | None = None,
) -> pd.DataFrame:
    """The results table (kab/kota, then provinces, then the nation) in `result_columns` order and types.

    `weighting` describes the run's population weighting (province and national rows); `weighting_by_code`
    what each kab/kota actually got, where that differs. With `weightings`, the kab/kota rows get their
    weight sensitivity (`scoring.sensitivity`); without, those columns stay NA.
    """
    kab_rows = kabkota_rows(kabkota, methodology, gazetteer)
    if weightings is not None:
        sensitivity = weight_sensitivity(
            kab_rows[methodology.variable_keys].to_numpy(dtype=np.float64),
            kab_rows["ihai"].to_numpy(dtype=np.float64),
            weightings,
            methodology,
        )
        kab_rows = kab_rows.assign(
            category_stability=sensitivity.category_stability, rank_low=sensitivity.rank_low, rank_high=sensitivity.rank_high
        )
    table = pd.concat(
        [kab_rows, province_rows(kab_rows, methodology, gazetteer), national_row(kab_rows, methodology, gazetteer)],
        ignore_index=True,
    )
    ihai, se = table["ihai"].to_numpy(dtype=np.float64), table["ihai_se"].to_numpy(dtype=np.float64)
    table["category"] = categories(ihai, methodology)
    table["category_probability"] = category_probability(ihai, se, methodology)
    dimensions = [dimension_column(key) for key in methodology.dimension_keys]
    table["weakest_dimension"] = weakest(table[dimensions], methodology.dimension_keys)
    table["weakest_variable"] = weakest(table[methodology.variable_keys], methodology.variable_keys)

    ranked = table["level"] != LEVEL_NATION
    table["rank_national"] = descending_rank(table["ihai"][ranked], table["level"][ranked])
    is_kabkota = table["level"] == LEVEL_KABKOTA
    table["rank_in_province"] = descending_rank(table["ihai"][is_kabkota], table["province_code"][is_kabkota])

    table["year"] = year
    table["methodology"] = methodology.id
    table["weights_provisional"] = methodology.weights_provisional
    table["synthetic"] = synthetic
    table["weighting"] = weighting
    if weighting_by_code:
        table.loc[is_kabkota, "weighting"] = table.loc[is_kabkota, "code"].map(weighting_by_code).fillna(weighting)
    return typed(table, methodology)


def typed(table: pd.DataFrame, methodology: Methodology) -> pd.DataFrame:
    """The table in column order with the contract's dtypes: str, int64, nullable Int64/boolean, bool, float64."""
    columns = result_columns(methodology)
    dtypes: dict[str, str] = dict.fromkeys(columns, "float64")
    dtypes.update(dict.fromkeys(_TEXT, "str"))
    dtypes.update(dict.fromkeys(_COUNTS, "Int64"))
    dtypes.update(dict.fromkeys(_FLAGS, "bool"))
    # Meeting the 1,250 target is a kab/kota property: NA on province and national rows.
    dtypes.update({"year": "int64", "n_respondents": "int64", "target_met": "boolean"})
    return table.reindex(columns=columns).astype(dtypes)
