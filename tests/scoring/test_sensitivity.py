"""Weight sensitivity: each kab/kota's category stability and rank interval, checked against a direct
recomputation — the whole estimation run again under each weighting, ranked and banded by pandas — and
the vectorised ranking against pandas' on random scores with ties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core.gazetteer import get_gazetteer
from scoring.estimate import estimate_kabkota
from scoring.methodology import Methodology, load_methodology
from scoring.pipeline import run_scoring
from scoring.sensitivity import (
    DIRICHLET_NAME,
    HIGH_QUANTILE,
    LOW_QUANTILE,
    descending_min_ranks,
    plausible_weightings,
)

DRAWS = 6


def _reweighted(methodology: Methodology, weights: np.ndarray) -> Methodology:
    """The same framework with other variable weights (fractions summing to 1)."""
    data = methodology.model_dump()
    for variable, weight in zip(data["variables"], weights, strict=True):
        variable["weight"] = float(weight) * 100.0
    total = sum(variable["weight"] for variable in data["variables"])
    data["variables"][-1]["weight"] += 100.0 - total  # rounding dust, far below the check's tolerance
    return Methodology(**data)


@pytest.fixture(scope="module")
def run(sample_export_path: Path):
    return run_scoring([sample_export_path], load_methodology("ihai-2025"), get_gazetteer(), draws=DRAWS)


def test_sensitivity_equals_a_direct_recomputation_for_each_weighting(run) -> None:
    methodology = run.methodology
    weightings = plausible_weightings(methodology, DRAWS)
    assert weightings.names.count(DIRICHLET_NAME) == DRAWS and len(weightings) == DRAWS + 3
    kabkota = run.results[run.results["level"] == "kabkota"].set_index("code")
    ranked = kabkota.index[kabkota["publishable"]]
    categories, ranks = {}, {}
    for index, weights in enumerate(weightings.matrix):
        estimates = estimate_kabkota(run.quality.accepted, _reweighted(methodology, weights)).set_index("kabkota")
        ihai = estimates.loc[ranked, "ihai"]
        categories[index] = ihai.map(methodology.category)
        ranks[index] = ihai.rank(ascending=False, method="min")
    categories, ranks = pd.DataFrame(categories), pd.DataFrame(ranks)

    stability = categories.eq(kabkota.loc[ranked, "category"], axis=0).mean(axis=1)
    np.testing.assert_allclose(kabkota.loc[ranked, "category_stability"].astype(float), stability, rtol=0, atol=1e-12)
    low = ranks.quantile(LOW_QUANTILE, axis=1, interpolation="lower")
    high = ranks.quantile(HIGH_QUANTILE, axis=1, interpolation="higher")
    assert kabkota.loc[ranked, "rank_low"].astype(int).tolist() == low.astype(int).tolist()
    assert kabkota.loc[ranked, "rank_high"].astype(int).tolist() == high.astype(int).tolist()
    # The check can fail: the weightings do move ranks, and some kab/kota's category.
    assert (high > low).mean() > 0.5
    assert (stability < 1).any()
    assert (kabkota.loc[ranked, "rank_low"] <= kabkota.loc[ranked, "rank_national"]).mean() > 0.5


def test_only_kabkota_rows_carry_sensitivity(run) -> None:
    table = run.results
    others = table[table["level"] != "kabkota"]
    assert others[["category_stability", "rank_low", "rank_high"]].isna().all().all()
    kabkota = table[(table["level"] == "kabkota") & table["publishable"]]
    assert kabkota["category_stability"].between(0, 1).all()
    assert (kabkota["rank_low"] <= kabkota["rank_high"]).all()
    assert run.sensitivity["weightings"] == DRAWS + 3


def test_alternatives_are_the_named_weightings(run) -> None:
    weightings = plausible_weightings(run.methodology, 0)
    by_name = dict(zip(weightings.names, weightings.matrix, strict=True))
    np.testing.assert_allclose(by_name["Bobot sama per variabel"], 1 / 8)
    # 2025 has two variables per dimension: equal dimension weights are equal variable weights.
    np.testing.assert_allclose(by_name["Bobot sama per dimensi"], 1 / 8)
    np.testing.assert_allclose(by_name["Bobot dimensi 2023 (30/23/22/25)"], [0.15, 0.15, 0.115, 0.115, 0.11, 0.11, 0.125, 0.125])
    draws = plausible_weightings(run.methodology, 500).matrix[:500]
    np.testing.assert_allclose(draws.sum(axis=1), 1.0)
    np.testing.assert_allclose(draws.mean(axis=0), run.methodology.weights, atol=0.005)  # around the weights


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 30), st.integers(1, 6)), elements=st.sampled_from([5.0, 6.1, 6.1, 7.25, 8.0])))
def test_vectorised_ranks_equal_pandas_min_ranks(scores: np.ndarray) -> None:
    expected = pd.DataFrame(scores).rank(ascending=False, method="min").to_numpy()
    assert (descending_min_ranks(scores) == expected).all()
