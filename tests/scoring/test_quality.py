"""Data-quality rules: one test per quarantine reason, duplicates, time zones, and the accepted schema."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.gazetteer import Gazetteer, get_gazetteer
from scoring.ingest import SOURCE_FILE, SOURCE_ROW
from scoring.methodology import Methodology, load_methodology
from scoring.quality import REASON_DESCRIPTIONS, REASONS, apply_quality_rules

JAKARTA = "Asia/Jakarta"


@pytest.fixture(scope="module")
def methodology() -> Methodology:
    return load_methodology("ihai-2025")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


def _raw(methodology: Methodology, rows: int = 4) -> pd.DataFrame:
    """Valid raw rows, as `read_export` returns them: text cells plus the source columns."""
    data = {
        "respondent_id": [f"R{index:03d}" for index in range(rows)],
        "submitted_at": [f"2025-03-01T{10 + index:02d}:00:00" for index in range(rows)],
        "kabkota": ["63.03"] * rows,
    }
    for position, key in enumerate(methodology.item_keys):
        data[key] = [str((index + position) % 5 + 1) for index in range(rows)]
    data["duration_seconds"] = ["300"] * rows
    data["weight"] = ["1"] * rows
    data["sex"] = ["P"] * rows
    data["age_group"] = ["26-40"] * rows
    frame = pd.DataFrame(data, dtype="str")
    frame[SOURCE_FILE] = "export.csv"
    frame[SOURCE_ROW] = range(1, rows + 1)
    return frame


def _edited(raw: pd.DataFrame, row: int, **cells: str) -> pd.DataFrame:
    edited = raw.copy()
    for column, value in cells.items():
        edited.loc[row, column] = value
    return edited


def _reasons(outcome) -> dict[str, str]:
    quarantine = outcome.quarantine
    return dict(zip(quarantine["respondent_id"], quarantine["reasons"], strict=True))


def test_valid_rows_are_all_accepted(methodology: Methodology, gazetteer: Gazetteer) -> None:
    outcome = apply_quality_rules(_raw(methodology), methodology, gazetteer)
    assert len(outcome.accepted) == 4 and outcome.quarantine.empty
    assert outcome.reason_counts == dict.fromkeys(REASONS, 0)


def test_reasons_are_ordered_and_described() -> None:
    assert REASONS == (
        "duplikat", "waktu_tidak_valid", "id_kosong", "wilayah_tidak_dikenal", "nilai_di_luar_skala",
        "variabel_kosong", "terlalu_cepat", "pola_seragam", "bobot_tidak_valid", "baris_rusak", "rumus_tanpa_nilai",
        "label_tidak_dikenal", "kategori_tidak_dikenal",
    )
    assert set(REASON_DESCRIPTIONS) == set(REASONS) and all(REASON_DESCRIPTIONS.values())


def test_duplicate_latest_submission_wins(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _edited(_raw(methodology), 0, respondent_id="R001", submitted_at="2025-03-02T08:00:00")
    outcome = apply_quality_rules(raw, methodology, gazetteer)
    assert outcome.quarantine[SOURCE_ROW].tolist() == [2]
    assert outcome.quarantine["reasons"].tolist() == ["duplikat"]
    assert outcome.accepted.set_index("respondent_id").loc["R001", "submitted_at"] == pd.Timestamp(
        "2025-03-02 08:00", tz=JAKARTA
    )


def test_duplicate_tie_goes_to_the_later_row(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _raw(methodology)
    raw.loc[[0, 1, 2], "respondent_id"] = "R001"
    raw.loc[[0, 1, 2], "submitted_at"] = "2025-03-01T10:00:00"
    outcome = apply_quality_rules(raw, methodology, gazetteer)
    assert outcome.quarantine[SOURCE_ROW].tolist() == [1, 2]
    assert outcome.accepted["respondent_id"].tolist() == ["R001", "R003"]


def test_duplicate_compares_instants_across_offsets(methodology: Methodology, gazetteer: Gazetteer) -> None:
    # 11:30 in Makassar (+08:00) is 10:30 in Jakarta: earlier than the other row's 11:00 Jakarta time,
    # although its clock reading is later.
    raw = _edited(_raw(methodology), 0, respondent_id="R001", submitted_at="2025-03-01T11:30:00+08:00")
    outcome = apply_quality_rules(raw, methodology, gazetteer)
    assert outcome.quarantine[SOURCE_ROW].tolist() == [1]


def test_winning_duplicate_can_still_fail_later_rules(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _edited(_raw(methodology), 0, respondent_id="R001", submitted_at="2025-03-02T08:00:00", kabkota="63")
    outcome = apply_quality_rules(raw, methodology, gazetteer)
    assert outcome.quarantine["reasons"].tolist() == ["wilayah_tidak_dikenal", "duplikat"]
    assert "R001" not in outcome.accepted["respondent_id"].tolist()


@pytest.mark.parametrize("time", ["", "  ", "kemarin", "2025-02-30T10:00:00", "01/03/2025 10:00"])
def test_invalid_time(methodology: Methodology, gazetteer: Gazetteer, time: str) -> None:
    outcome = apply_quality_rules(_edited(_raw(methodology), 0, submitted_at=time), methodology, gazetteer)
    assert _reasons(outcome) == {"R000": "waktu_tidak_valid"}


def test_invalid_time_counts_as_the_oldest_duplicate(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _edited(_raw(methodology), 1, respondent_id="R000", submitted_at="")
    outcome = apply_quality_rules(raw, methodology, gazetteer)
    assert outcome.quarantine[SOURCE_ROW].tolist() == [2]
    assert outcome.quarantine["reasons"].tolist() == ["duplikat;waktu_tidak_valid"]


@pytest.mark.parametrize("respondent_id", ["", "   "])
def test_blank_id(methodology: Methodology, gazetteer: Gazetteer, respondent_id: str) -> None:
    raw = _raw(methodology)
    raw.loc[[0, 1], "respondent_id"] = respondent_id
    outcome = apply_quality_rules(raw, methodology, gazetteer)
    # Two rows without an id are not duplicates of one another; each is quarantined for its missing id.
    assert outcome.quarantine["reasons"].tolist() == ["id_kosong", "id_kosong"]


@pytest.mark.parametrize("region", ["63", "Banjar", "Kabupaten Atlantis", "", "  ", "99.99"])
def test_unknown_region(methodology: Methodology, gazetteer: Gazetteer, region: str) -> None:
    outcome = apply_quality_rules(_edited(_raw(methodology), 0, kabkota=region), methodology, gazetteer)
    assert _reasons(outcome) == {"R000": "wilayah_tidak_dikenal"}


@pytest.mark.parametrize(
    ("region", "code"),
    [("63.03", "63.03"), ("6303", "63.03"), ("Kota Banjarbaru", "63.72"), ("KAB. TAPIN", "63.05"),
     (" kota banjarmasin ", "63.71"), ("63.1", "63.10")],  # 63.1: Excel's rendering of the number 63.10
)
def test_known_region(methodology: Methodology, gazetteer: Gazetteer, region: str, code: str) -> None:
    outcome = apply_quality_rules(_edited(_raw(methodology), 0, kabkota=region), methodology, gazetteer)
    assert outcome.accepted.loc[0, "kabkota"] == code


@pytest.mark.parametrize("answer", ["6", "0", "3.5", "abc", "-1", "inf", "nan", "1e400"])
def test_answer_out_of_scale(methodology: Methodology, gazetteer: Gazetteer, answer: str) -> None:
    outcome = apply_quality_rules(_edited(_raw(methodology), 0, v4_2=answer), methodology, gazetteer)
    assert _reasons(outcome) == {"R000": "nilai_di_luar_skala"}


def test_integer_written_as_decimal_and_blank_answers(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _edited(_raw(methodology), 0, v1_1="4.0", v1_2=" ", v1_3="", v2_1=" 2 ", v2_2="5,0")
    raw.loc[1, "v1_1"] = np.nan
    accepted = apply_quality_rules(raw, methodology, gazetteer).accepted
    assert accepted.loc[0, ["v1_1", "v2_1", "v2_2"]].tolist() == [4.0, 2.0, 5.0]
    assert accepted.loc[0, ["v1_2", "v1_3"]].isna().all() and np.isnan(accepted.loc[1, "v1_1"])


def test_empty_variable(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _edited(_raw(methodology), 0, v5_1="", v5_2=" ", v5_3="")
    raw = _edited(raw, 1, v5_1="", v5_2="")  # two of three blank: still usable
    assert _reasons(apply_quality_rules(raw, methodology, gazetteer)) == {"R000": "variabel_kosong"}


def test_too_fast(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _edited(_raw(methodology), 0, duration_seconds="119")
    raw = _edited(raw, 1, duration_seconds="120")
    raw = _edited(raw, 2, duration_seconds="")  # no duration recorded: nothing to judge
    outcome = apply_quality_rules(raw, methodology, gazetteer)
    assert _reasons(outcome) == {"R000": "terlalu_cepat"}
    assert np.isnan(outcome.accepted.set_index("respondent_id").loc["R002", "duration_seconds"])


def test_uniform_pattern(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _raw(methodology)
    raw.loc[0, methodology.item_keys] = "3"
    raw.loc[1, methodology.item_keys] = "3"
    raw.loc[1, "v8_3"] = "3.0"  # the same answer written differently
    raw.loc[2, methodology.item_keys] = "5"
    raw.loc[2, "v8_3"] = ""  # one item unanswered: not every item has the same value
    assert _reasons(apply_quality_rules(raw, methodology, gazetteer)) == {
        "R000": "pola_seragam",
        "R001": "pola_seragam",
    }


@pytest.mark.parametrize("weight", ["0", "-1", "abc", "inf", "nan"])
def test_invalid_weight(methodology: Methodology, gazetteer: Gazetteer, weight: str) -> None:
    outcome = apply_quality_rules(_edited(_raw(methodology), 0, weight=weight), methodology, gazetteer)
    assert _reasons(outcome) == {"R000": "bobot_tidak_valid"}


def test_weight_defaults_to_one(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _edited(_raw(methodology), 0, weight="")
    raw = _edited(raw, 1, weight="2,5")
    assert apply_quality_rules(raw, methodology, gazetteer).accepted["weight"].tolist() == [1.0, 2.5, 1.0, 1.0]
    without = _raw(methodology).drop(columns=["weight", "duration_seconds", "sex", "age_group"])
    accepted = apply_quality_rules(without, methodology, gazetteer).accepted
    assert accepted["weight"].eq(1.0).all() and accepted["duration_seconds"].isna().all()
    assert accepted["sex"].isna().all() and accepted["age_group"].isna().all()


def test_row_with_several_problems_carries_all_reasons(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _raw(methodology)
    raw.loc[0, methodology.item_keys] = "6"
    raw.loc[0, ["submitted_at", "kabkota", "duration_seconds", "weight", "respondent_id"]] = ["", "x", "5", "0", "R001"]
    outcome = apply_quality_rules(raw, methodology, gazetteer)
    assert _reasons(outcome) == {
        "R001": "duplikat;waktu_tidak_valid;wilayah_tidak_dikenal;nilai_di_luar_skala;terlalu_cepat;pola_seragam;"
        "bobot_tidak_valid"
    }
    counts = outcome.reason_counts
    assert counts["duplikat"] == 1 and counts["pola_seragam"] == 1 and counts["variabel_kosong"] == 0
    assert sum(counts.values()) == 7


def test_timezones(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _raw(methodology)
    raw["submitted_at"] = ["2025-03-01T10:00:00", "2025-03-01T10:00:00+08:00", "2025-03-01T03:00:00Z",
                           "2025-03-01 10:00:00.5+0900"]
    times = apply_quality_rules(raw, methodology, gazetteer).accepted["submitted_at"]
    assert str(times.dtype) == "datetime64[ns, Asia/Jakarta]"
    assert times.tolist() == [
        pd.Timestamp("2025-03-01 10:00", tz=JAKARTA),
        pd.Timestamp("2025-03-01 09:00", tz=JAKARTA),
        pd.Timestamp("2025-03-01 10:00", tz=JAKARTA),
        pd.Timestamp("2025-03-01 08:00:00.5", tz=JAKARTA),
    ]


def test_accepted_schema(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _edited(_raw(methodology), 0, respondent_id=" R000 ", sex=" ", v1_1="")
    accepted = apply_quality_rules(raw, methodology, gazetteer).accepted
    assert accepted.columns.tolist() == (
        ["respondent_id", "submitted_at", "kabkota"] + methodology.item_keys
        + ["weight", "duration_seconds", "sex", "age_group"]
    )
    assert accepted["respondent_id"].tolist()[0] == "R000"
    # Answers are float32 (exact for any integer scale, half the memory); weights and durations float64.
    assert all(accepted[key].dtype == np.float32 for key in methodology.item_keys)
    assert all(accepted[key].dtype == np.float64 for key in ["weight", "duration_seconds"])
    assert accepted["respondent_id"].dtype == "str" and accepted["kabkota"].dtype == "str"
    assert pd.isna(accepted.loc[0, "sex"]) and accepted.loc[1, "sex"] == "P"
    assert isinstance(accepted.index, pd.RangeIndex)


def test_quarantine_keeps_rows_as_they_came(methodology: Methodology, gazetteer: Gazetteer) -> None:
    raw = _edited(_raw(methodology), 2, v1_1=" 7 ", weight="0,0")
    raw["catatan"] = ["a", "b", "c", "d"]
    quarantine = apply_quality_rules(raw, methodology, gazetteer).quarantine
    assert quarantine.columns.tolist() == raw.columns.tolist() + ["reasons"]
    row = quarantine.iloc[0]
    assert (row["v1_1"], row["weight"], row["catatan"], row[SOURCE_ROW]) == (" 7 ", "0,0", "c", 3)
    assert row["reasons"] == "nilai_di_luar_skala;bobot_tidak_valid"


def test_other_framework(gazetteer: Gazetteer) -> None:
    methodology = load_methodology("ihai-2023")
    raw = _edited(_raw(methodology), 0, x10_1="", x10_2="", x10_3="")
    outcome = apply_quality_rules(raw, methodology, gazetteer)
    assert _reasons(outcome) == {"R000": "variabel_kosong"}
    assert "x10_3" in outcome.accepted.columns


_CELL = st.sampled_from(["", " ", "1", "3", "5", "4.0", "6", "abc"])
_ID = st.sampled_from(["A", "B", "C", " A", ""])
_TIME = st.sampled_from(["2025-03-01T10:00:00", "2025-03-01T03:00:00Z", "2025-03-02", "", "rusak"])
_REGION = st.sampled_from(["63.03", "6303", "Kota Banjarbaru", "Banjar", "63", ""])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), rows=st.integers(min_value=0, max_value=8))
def test_every_row_is_accepted_or_quarantined(
    methodology: Methodology, gazetteer: Gazetteer, data: st.DataObject, rows: int
) -> None:
    def column(strategy: st.SearchStrategy[str]) -> list[str]:
        return data.draw(st.lists(strategy, min_size=rows, max_size=rows))

    frame = pd.DataFrame(
        {"respondent_id": column(_ID), "submitted_at": column(_TIME), "kabkota": column(_REGION)}
        | {key: column(_CELL) for key in methodology.item_keys}
        | {"duration_seconds": column(st.sampled_from(["", "60", "300"])),
           "weight": column(st.sampled_from(["", "1", "0", "1,5"]))},
        dtype="str",
    )
    outcome = apply_quality_rules(frame, methodology, gazetteer)
    assert len(outcome.accepted) + len(outcome.quarantine) == rows
    assert not outcome.accepted["respondent_id"].duplicated().any()
    assert outcome.quarantine["reasons"].str.len().gt(0).all()
    assert sum(outcome.reason_counts.values()) >= len(outcome.quarantine)
