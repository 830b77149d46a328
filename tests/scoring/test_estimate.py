"""The kab/kota estimator: a hand-computed example, a cross-check against samplics, and properties."""

from __future__ import annotations

import math
import random
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scoring.estimate import EstimationError, estimate_columns, estimate_kabkota
from scoring.methodology import Methodology, load_methodology

with warnings.catch_warnings():
    # samplics announces on import that it is archived; it stays the reference implementation here.
    warnings.simplefilter("ignore", FutureWarning)
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

Z95 = 1.959963984540054

# Two dimensions, three variables (weights 50/20/30), two aspects, one reverse item (q_2).
TINY_TOML = """
id = "tiny"
name = "Tiny test framework"
years = [2025]
weights_provisional = true
weights_note = "test"
statements_note = "test"

[scale]
min = 1
max = 5
score_max = 10.0

[survey]
target_respondents = 4
min_publishable = 2
min_duration_seconds = 0
confidence_level = 0.95

[categories]
provisional = true
note = "test"
bands = [{ label = "Rendah", lower = 0.0 }, { label = "Sedang", lower = 6.0 }, { label = "Tinggi", lower = 8.0 }]

[[aspects]]
key = "persepsi"
name = "Persepsi"
suffix = "1"

[[aspects]]
key = "partisipasi"
name = "Partisipasi"
suffix = "2"

[[dimensions]]
key = "a"
name = "A"

[[dimensions]]
key = "b"
name = "B"

[[variables]]
key = "p"
name = "P"
dimension = "a"
weight = 50
items = [
  { key = "p_1", aspect = "persepsi", statement = "p1" },
  { key = "p_2", aspect = "partisipasi", statement = "p2" },
]

[[variables]]
key = "q"
name = "Q"
dimension = "a"
weight = 20
items = [
  { key = "q_1", aspect = "persepsi", statement = "q1" },
  { key = "q_2", aspect = "partisipasi", statement = "q2", reverse = true },
]

[[variables]]
key = "r"
name = "R"
dimension = "b"
weight = 30
items = [
  { key = "r_1", aspect = "persepsi", statement = "r1" },
  { key = "r_2", aspect = "partisipasi", statement = "r2" },
]
"""

NA = np.nan
TINY_ITEMS = ["p_1", "p_2", "q_1", "q_2", "r_1", "r_2"]
# kabkota, weight, p_1, p_2, q_1, q_2 (reverse), r_1, r_2
TINY_ROWS = [
    ("65.01", 1.0, 5, 3, 4, 2, 1, NA),
    ("65.01", 1.0, 3, 3, 2, NA, 5, 5),
    ("65.01", 2.0, 1, 5, 5, 1, 3, 4),
    ("65.02", 1.0, 5, 5, 5, 1, 5, 5),
    ("65.02", 1.0, 4, 4, 4, 2, 4, 4),
    ("65.02", 1.0, 3, 3, 3, 3, 3, 3),
    ("65.02", 1.0, 2, NA, 1, 5, 2, 2),
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Methodology:
    path: Path = tmp_path_factory.mktemp("methodology") / "tiny.toml"
    path.write_text(TINY_TOML, encoding="utf-8")
    return load_methodology(path)


def respondents(rows: list[tuple], items: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["kabkota", "weight", *items]).astype({item: float for item in items})
    frame.insert(0, "respondent_id", [f"r{i}" for i in range(len(frame))])
    return frame.astype({"kabkota": "str", "respondent_id": "str"})


def test_hand_computed_example(tiny: Methodology) -> None:
    result = estimate_kabkota(respondents(TINY_ROWS, TINY_ITEMS), tiny).set_index("kabkota")
    assert list(result.reset_index().columns) == estimate_columns(tiny)
    a, b = result.loc["65.01"], result.loc["65.02"]

    # Item score = (answer − 1)/4 × 10 = 2.5 per point; q_2 reversed = (5 − answer) × 2.5.
    # 65.01, weights 1, 1, 2:
    #   r1: p = (10 + 5)/2 = 7.5, q = (7.5 + 7.5)/2 = 7.5, r = 0 (r_2 blank) → 0.5·7.5 + 0.2·7.5 + 0.3·0 = 5.25
    #   r2: p = 5, q = 2.5 (q_2 blank), r = 10                              → 2.5 + 0.5 + 3 = 6.0
    #   r3: p = (0 + 10)/2 = 5, q = (10 + 10)/2 = 10, r = (5 + 7.5)/2 = 6.25 → 2.5 + 2 + 1.875 = 6.375
    #   IHaI = (5.25 + 6.0 + 2·6.375)/4 = 24/4 = 6.0
    assert a["n_respondents"] == 3 and a["sum_weights"] == 4.0
    assert a["ihai"] == pytest.approx(6.0, abs=1e-12)
    assert a["p"] == pytest.approx((7.5 + 5 + 2 * 5) / 4, abs=1e-12)  # 5.625
    assert a["q"] == pytest.approx((7.5 + 2.5 + 2 * 10) / 4, abs=1e-12)  # 7.5
    assert a["r"] == pytest.approx((0 + 10 + 2 * 6.25) / 4, abs=1e-12)  # 5.625
    assert a["dim_a"] == pytest.approx((50 * 5.625 + 20 * 7.5) / 70, abs=1e-12)
    assert a["dim_b"] == pytest.approx(5.625, abs=1e-12)
    # Item means over those who answered: p_1 15/4, q_1 30/4, r_1 20/4; p_2 30/4, q_2 27.5/3, r_2 25/3.
    assert a["aspect_persepsi"] == pytest.approx((50 * 3.75 + 20 * 7.5 + 30 * 5) / 100, abs=1e-12)
    assert a["aspect_partisipasi"] == pytest.approx((50 * 7.5 + 20 * 27.5 / 3 + 30 * 25 / 3) / 100, abs=1e-12)
    # Residuals −0.75, 0, 0.375; weighted 1·(−0.75), 0, 2·0.375 → Σ w²e² = 0.5625 + 0 + 0.5625 = 1.125.
    se_a = math.sqrt(3 / 2 * 1.125) / 4
    assert a["ihai_se"] == pytest.approx(se_a, abs=1e-12)  # 0.3247595…
    assert a["ihai_ci_low"] == pytest.approx(6.0 - Z95 * se_a, abs=1e-9)
    assert a["ihai_ci_high"] == pytest.approx(6.0 + Z95 * se_a, abs=1e-9)

    # 65.02, weights 1: composites 10, 7.5, 5 and r7: p = 2.5 (p_2 blank), q = (0 + 0)/2, r = 2.5 → 1.25 + 0.75 = 2.0
    assert b["ihai"] == pytest.approx((10 + 7.5 + 5 + 2) / 4, abs=1e-12)  # 6.125
    assert b["p"] == pytest.approx(6.25, abs=1e-12)
    assert b["q"] == pytest.approx(5.625, abs=1e-12)
    assert b["r"] == pytest.approx(6.25, abs=1e-12)
    assert b["dim_a"] == pytest.approx((50 * 6.25 + 20 * 5.625) / 70, abs=1e-12)
    # p_2 is answered by three respondents only: (10 + 7.5 + 5)/3 = 7.5.
    assert b["aspect_partisipasi"] == pytest.approx((50 * 7.5 + 20 * 5.625 + 30 * 6.25) / 100, abs=1e-12)
    # Residuals 3.875, 1.375, −1.125, −4.125 → squares 15.015625 + 1.890625 + 1.265625 + 17.015625 = 35.1875.
    assert b["ihai_se"] == pytest.approx(math.sqrt(4 / 3 * 35.1875) / 4, abs=1e-12)  # 1.7123…

    # IHaI = Σ w_v × variable estimate.
    for row in (a, b):
        assert row["ihai"] == pytest.approx(0.5 * row["p"] + 0.2 * row["q"] + 0.3 * row["r"], abs=1e-12)


def test_an_item_nobody_answered_drops_out_of_its_aspect(tiny: Methodology) -> None:
    rows = [("65.03", 1.0, 5, 5, 3, NA, 1, 1), ("65.03", 3.0, 1, 3, 3, NA, 5, 3)]  # q_2 blank for both
    result = estimate_kabkota(respondents(rows, TINY_ITEMS), tiny).iloc[0]
    # p_2: (1·10 + 3·5)/4 = 6.25; r_2: (1·0 + 3·5)/4 = 3.75; the aspect re-weights over p and r only.
    assert result["aspect_partisipasi"] == pytest.approx((50 * 6.25 + 30 * 3.75) / 80, abs=1e-12)
    assert result["q"] == pytest.approx(5.0, abs=1e-12)  # q_1 alone


def test_single_respondent_has_no_standard_error(tiny: Methodology) -> None:
    result = estimate_kabkota(respondents(TINY_ROWS[:1], TINY_ITEMS), tiny)
    assert result.loc[0, "ihai"] == pytest.approx(5.25)
    assert np.isnan(result.loc[0, ["ihai_se", "ihai_ci_low", "ihai_ci_high"]].astype(float)).all()


def test_output_types_and_empty_input(tiny: Methodology) -> None:
    result = estimate_kabkota(respondents(TINY_ROWS, TINY_ITEMS), tiny)
    assert result["kabkota"].tolist() == ["65.01", "65.02"]
    assert result["n_respondents"].dtype == np.int64
    empty = estimate_kabkota(respondents([], TINY_ITEMS), tiny)
    assert empty.empty and list(empty.columns) == estimate_columns(tiny)


def test_contract_breaches_are_refused(tiny: Methodology) -> None:
    blank_variable = [("65.01", 1.0, 5, 3, 4, 2, NA, NA)]
    with pytest.raises(EstimationError, match="tidak menjawab"):
        estimate_kabkota(respondents(blank_variable, TINY_ITEMS), tiny)
    with pytest.raises(EstimationError, match="bobot"):
        estimate_kabkota(respondents([("65.01", 0.0, 5, 3, 4, 2, 1, 1)], TINY_ITEMS), tiny)


# --- cross-check against samplics --------------------------------------------------------------------------


def random_respondents(methodology: Methodology, n_kabkota: int, seed: int) -> pd.DataFrame:
    """Unequal kab/kota sizes and weights, about 5% blanks (never a whole variable)."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(5, 200, n_kabkota)
    codes = np.repeat([f"65.{i + 1:02d}" for i in range(n_kabkota)], sizes)
    answers = rng.integers(1, 6, (len(codes), len(methodology.item_keys))).astype(float)
    blank = rng.random(answers.shape) < 0.05
    first_items = np.cumsum([0] + [len(v.items) for v in methodology.variables[:-1]])
    blank[:, first_items] = False
    answers[blank] = np.nan
    frame = pd.DataFrame(answers, columns=methodology.item_keys)
    frame.insert(0, "kabkota", pd.Series(codes, dtype="str"))
    frame["weight"] = rng.lognormal(0.0, 0.5, len(frame))
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def reference_variable_scores(frame: pd.DataFrame, methodology: Methodology) -> pd.DataFrame:
    """Respondent variable scores written out independently of scoring.estimate."""
    scale = methodology.scale
    scores = {}
    for item in methodology.items:
        answer = frame[item.key]
        points = (scale.max - answer) if item.reverse else (answer - scale.min)
        scores[item.key] = points / (scale.max - scale.min) * scale.score_max
    item_scores = pd.DataFrame(scores)
    return pd.DataFrame({v.key: item_scores[[i.key for i in v.items]].mean(axis=1) for v in methodology.variables})


def samplics_mean(y: np.ndarray, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    estimator = TaylorEstimator(PopParam.mean)
    kabkota = frame["kabkota"].to_numpy(dtype=object)
    estimator.estimate(y, samp_weight=frame["weight"].to_numpy(), stratum=kabkota, domain=kabkota)
    return pd.Series(estimator.point_est), pd.Series(estimator.stderror)


def test_matches_samplics_taylor_estimator() -> None:
    methodology = load_methodology("ihai-2025")
    frame = random_respondents(methodology, n_kabkota=20, seed=7)
    result = estimate_kabkota(frame, methodology).set_index("kabkota")
    variables = reference_variable_scores(frame, methodology)

    estimate, se = samplics_mean(variables.to_numpy() @ methodology.weights, frame)
    assert len(result) == 20
    np.testing.assert_allclose(result["ihai"], estimate.reindex(result.index), rtol=0, atol=1e-9)
    np.testing.assert_allclose(result["ihai_se"], se.reindex(result.index), rtol=0, atol=1e-9)
    for key in methodology.variable_keys:
        estimate, _ = samplics_mean(variables[key].to_numpy(), frame)
        np.testing.assert_allclose(result[key], estimate.reindex(result.index), rtol=0, atol=1e-9)
    for dimension in methodology.dimensions:
        members = methodology.variables_of(dimension.key)
        shares = np.array([v.weight for v in members]) / sum(v.weight for v in members)
        estimate, se = samplics_mean(variables[[v.key for v in members]].to_numpy() @ shares, frame)
        np.testing.assert_allclose(result[f"dim_{dimension.key}"], estimate.reindex(result.index), rtol=0, atol=1e-9)
        np.testing.assert_allclose(result[f"dim_{dimension.key}_se"], se.reindex(result.index), rtol=0, atol=1e-9)


# --- properties ----------------------------------------------------------------------------------------------

METHODOLOGY = load_methodology("ihai-2025")
N_ITEMS = len(METHODOLOGY.item_keys)
POINT_ESTIMATES = (
    ["ihai"]
    + [f"dim_{key}" for key in METHODOLOGY.dimension_keys]
    + METHODOLOGY.variable_keys
    + [f"aspect_{key}" for key in METHODOLOGY.aspect_keys]
)
# Weighted means of values in 0..10 can land a rounding error beyond the range, never more.
ROUNDING = 1e-9


@st.composite
def surveys(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 12))
    answers = draw(arrays(np.float64, (n, N_ITEMS), elements=st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, np.nan])))
    # Accepted respondents answer at least one item per variable: fill a wholly blank variable's first item.
    start = 0
    for variable in METHODOLOGY.variables:
        block = answers[:, start : start + len(variable.items)]
        block[np.isnan(block).all(axis=1), 0] = 3.0
        start += len(variable.items)
    frame = pd.DataFrame(answers, columns=METHODOLOGY.item_keys)
    frame.insert(0, "respondent_id", pd.Series([f"r{i}" for i in range(n)], dtype="str"))
    kabkota = draw(st.lists(st.sampled_from(["65.01", "65.02", "65.03"]), min_size=n, max_size=n))
    frame.insert(1, "kabkota", pd.Series(kabkota, dtype="str"))
    frame["weight"] = draw(arrays(np.float64, n, elements=st.floats(0.1, 10.0)))
    return frame


@settings(max_examples=150, deadline=None)
@given(surveys())
def test_point_estimates_stay_on_the_scale(frame: pd.DataFrame) -> None:
    result = estimate_kabkota(frame, METHODOLOGY)
    values = result[POINT_ESTIMATES].to_numpy()
    # An aspect is NaN only when nobody in the kab/kota answered any of its items; nothing else may be.
    assert not result[POINT_ESTIMATES[: -len(METHODOLOGY.aspects)]].isna().any(axis=None)
    present = values[~np.isnan(values)]
    assert ((present >= -ROUNDING) & (present <= 10 + ROUNDING)).all()
    assert result["n_respondents"].sum() == len(frame)


@settings(max_examples=150, deadline=None)
@given(surveys(), st.data())
def test_a_better_answer_never_lowers_the_index(frame: pd.DataFrame, data: st.DataObject) -> None:
    row = data.draw(st.integers(0, len(frame) - 1))
    column = data.draw(st.integers(0, N_ITEMS - 1))
    item = METHODOLOGY.items[column]
    answer = frame.loc[row, item.key]
    better = answer + 1 if not item.reverse else answer - 1
    assume(not np.isnan(answer) and 1 <= better <= 5)
    improved = frame.copy()
    improved.loc[row, item.key] = better

    kabkota = frame.loc[row, "kabkota"]
    before = estimate_kabkota(frame, METHODOLOGY).set_index("kabkota").loc[kabkota, "ihai"]
    after = estimate_kabkota(improved, METHODOLOGY).set_index("kabkota").loc[kabkota, "ihai"]
    # Stronger than "never lower": every variable carries weight, so a better item score always shows.
    assert after > before


@settings(max_examples=100, deadline=None)
@given(surveys(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(frame: pd.DataFrame, rng: random.Random) -> None:
    order = list(range(len(frame)))
    rng.shuffle(order)
    shuffled = frame.iloc[order].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        estimate_kabkota(frame, METHODOLOGY), estimate_kabkota(shuffled, METHODOLOGY), rtol=1e-12, atol=1e-12
    )


@settings(max_examples=100, deadline=None)
@given(surveys())
def test_duplicating_every_respondent_keeps_the_point_estimates(frame: pd.DataFrame) -> None:
    copies = frame.assign(respondent_id=frame["respondent_id"] + "-copy")
    doubled = pd.concat([frame, copies], ignore_index=True)
    original = estimate_kabkota(frame, METHODOLOGY)
    twice = estimate_kabkota(doubled, METHODOLOGY)
    pd.testing.assert_frame_equal(original[POINT_ESTIMATES], twice[POINT_ESTIMATES], rtol=1e-12, atol=1e-12)
    assert (twice["n_respondents"] == 2 * original["n_respondents"]).all()
