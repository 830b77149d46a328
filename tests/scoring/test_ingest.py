"""Reading e-survey exports: formats, column matching, source tracking and every unusable-file case."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.gazetteer import get_gazetteer
from scoring.ingest import (
    EXTRA_CELLS,
    MALFORMED_FLAG,
    SOURCE_FILE,
    SOURCE_ROW,
    InputFileError,
    read_export,
)
from scoring.methodology import Methodology, load_methodology
from scoring.quality import apply_quality_rules

DATA = Path(__file__).resolve().parents[1] / "data"
EXCEL_CSV = DATA / "export_2025_excel_id.csv"
COMMA_CSV_2023 = DATA / "export_2023_comma.csv"


@pytest.fixture(scope="module")
def methodology() -> Methodology:
    return load_methodology("ihai-2025")


def _export_frame(methodology: Methodology, rows: int = 3) -> pd.DataFrame:
    """A small valid export, all cells as text."""
    data = {
        "respondent_id": [f"R{index:03d}" for index in range(rows)],
        "submitted_at": [f"2025-03-0{index + 1}T10:00:00" for index in range(rows)],
        "kabkota": ["63.03", "Kota Banjarbaru", "KAB. TAPIN"][:rows],
    }
    for position, key in enumerate(methodology.item_keys):
        data[key] = [str((index + position) % 5 + 1) for index in range(rows)]
    data["weight"] = ["1", "1.5", ""][:rows]
    return pd.DataFrame(data, dtype="str")


def test_semicolon_csv_with_bom_and_decimal_comma(methodology: Methodology) -> None:
    raw = read_export(EXCEL_CSV, methodology)
    # The trailing row of empty cells that Excel leaves behind is not a submission.
    assert raw["respondent_id"].tolist() == ["R001", "R002", "R003", "R004"]
    assert raw.loc[0, "weight"] == "1,5"
    assert raw.loc[0, "respondent_id"] == "R001"  # no BOM glued to the first header or value

    outcome = apply_quality_rules(raw, methodology, get_gazetteer())
    accepted = outcome.accepted.set_index("respondent_id")
    assert accepted.loc["R001", "weight"] == 1.5
    assert accepted.loc["R004", "weight"] == 0.75
    assert accepted.loc["R002", "weight"] == 1.0
    assert accepted["kabkota"].to_dict() == {"R001": "63.72", "R002": "63.05", "R004": "63.03"}
    assert accepted.loc["R004", "v1_1"] == 4.0 and np.isnan(accepted.loc["R004", "v1_2"])
    assert outcome.quarantine["reasons"].tolist() == ["nilai_di_luar_skala"]


def test_column_names_matched_case_insensitively_and_stripped(methodology: Methodology) -> None:
    raw = read_export(EXCEL_CSV, methodology)
    assert {"respondent_id", "submitted_at", "kabkota", "duration_seconds"} <= set(raw.columns)
    assert " Respondent_ID" not in raw.columns


def test_everything_is_read_as_text(methodology: Methodology) -> None:
    raw = read_export(EXCEL_CSV, methodology)
    assert all(dtype == "str" for name, dtype in raw.dtypes.items() if name != SOURCE_ROW)
    assert raw.loc[3, "v1_1"] == "4.0" and raw.loc[3, "v1_2"] == " "


def test_source_file_and_row(methodology: Methodology) -> None:
    raw = read_export(EXCEL_CSV, methodology)
    assert set(raw[SOURCE_FILE]) == {EXCEL_CSV.name}
    assert raw[SOURCE_ROW].tolist() == [1, 2, 3, 4]


def test_quoted_cell_with_comma_and_line_break_and_the_2023_framework() -> None:
    methodology = load_methodology("ihai-2023")
    raw = read_export(COMMA_CSV_2023, methodology)
    assert raw.loc[0, "catatan"] == "baik, sekali\nterima kasih"
    outcome = apply_quality_rules(raw, methodology, get_gazetteer())
    assert outcome.accepted["respondent_id"].tolist() == ["A1", "A2"]
    assert outcome.accepted.loc[0, "submitted_at"] == pd.Timestamp("2023-08-01 15:00", tz="Asia/Jakarta")
    # A bare "Banjar" names both Kabupaten Banjar and Kota Banjar.
    assert outcome.quarantine["reasons"].tolist() == ["wilayah_tidak_dikenal"]


def test_xlsx_round_trip(methodology: Methodology, tmp_path: Path) -> None:
    frame = _export_frame(methodology)
    path = tmp_path / "export.xlsx"
    frame.to_excel(path, index=False)
    raw = read_export(path, methodology)
    pd.testing.assert_frame_equal(raw.drop(columns=[SOURCE_FILE, SOURCE_ROW]), frame)
    assert raw[SOURCE_ROW].tolist() == [1, 2, 3]


def test_xlsx_numeric_and_date_cells_become_text(methodology: Methodology, tmp_path: Path) -> None:
    frame = _export_frame(methodology).astype({key: int for key in methodology.item_keys})
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"])
    path = tmp_path / "typed.xlsx"
    frame.to_excel(path, index=False)
    raw = read_export(path, methodology)
    assert raw.loc[0, "v1_1"] == "1"
    assert len(apply_quality_rules(raw, methodology, get_gazetteer()).accepted) == 3


def test_parquet_round_trip(methodology: Methodology, tmp_path: Path) -> None:
    frame = _export_frame(methodology)
    path = tmp_path / "export.parquet"
    frame.to_parquet(path, index=False)
    raw = read_export(path, methodology)
    pd.testing.assert_frame_equal(raw.drop(columns=[SOURCE_FILE, SOURCE_ROW]), frame)


def test_parquet_typed_columns_become_text(methodology: Methodology, tmp_path: Path) -> None:
    frame = _export_frame(methodology).astype({key: float for key in methodology.item_keys})
    frame.loc[0, "v1_1"] = np.nan
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"]).dt.tz_localize("UTC")
    path = tmp_path / "typed.parquet"
    frame.to_parquet(path, index=False)
    raw = read_export(path, methodology)
    assert raw.loc[1, "v1_1"] == "2" and pd.isna(raw.loc[0, "v1_1"])
    accepted = apply_quality_rules(raw, methodology, get_gazetteer()).accepted
    assert accepted.loc[0, "submitted_at"] == pd.Timestamp("2025-03-01 17:00", tz="Asia/Jakarta")


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("export.json", b"{}", "format file '.json' tidak didukung"),
        ("export", b"x", "tanpa ekstensi"),
        ("export.xlsx", b"PK\x03\x04 not really a workbook", "tidak dapat dibaca sebagai file Excel"),
        ("export.parquet", b"PAR1 not really parquet PAR1", "tidak dapat dibaca sebagai file Parquet"),
        ("export.csv", b"", "file kosong"),
        ("export.csv", b"\r\n  \r\n", "file kosong"),
        ("export.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bukan teks CSV berenkode UTF-8"),
        ("export.csv", "respondent_id;kabkota\nR1;Bogor\xe9\n".encode("latin-1"), "bukan teks CSV berenkode UTF-8"),
    ],
)
def test_unusable_file(methodology: Methodology, tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = _write(tmp_path / name, content)
    with pytest.raises(InputFileError, match=message) as error:
        read_export(path, methodology)
    assert str(path) in str(error.value)


def test_missing_file(methodology: Methodology, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="tidak ditemukan"):
        read_export(tmp_path / "absent.csv", methodology)


def test_input_file_error_is_a_value_error() -> None:
    assert issubclass(InputFileError, ValueError)


def test_empty_xlsx_sheet(methodology: Methodology, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    pd.DataFrame().to_excel(path, index=False)
    with pytest.raises(InputFileError, match="file kosong"):
        read_export(path, methodology)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_header_only(methodology: Methodology, tmp_path: Path, suffix: str) -> None:
    frame = _export_frame(methodology).iloc[:0]
    path = tmp_path / f"header{suffix}"
    {".csv": lambda: frame.to_csv(path, index=False), ".xlsx": lambda: frame.to_excel(path, index=False),
     ".parquet": lambda: frame.to_parquet(path, index=False)}[suffix]()
    with pytest.raises(InputFileError, match="tidak ada baris data"):
        read_export(path, methodology)


def test_missing_columns_are_all_named(methodology: Methodology, tmp_path: Path) -> None:
    path = tmp_path / "partial.csv"
    _export_frame(methodology).drop(columns=["kabkota", "v3_2", "v8_3"]).to_csv(path, index=False)
    with pytest.raises(InputFileError, match="kolom wajib tidak ada: kabkota, v3_2, v8_3"):
        read_export(path, methodology)


def test_export_of_another_framework(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="x1_1, x1_2, x1_3") as error:
        read_export(EXCEL_CSV, load_methodology("ihai-2023"))
    assert "x10_3" in str(error.value)


def test_column_given_twice(methodology: Methodology, tmp_path: Path) -> None:
    frame = _export_frame(methodology)
    frame.insert(0, "KabKota", frame["kabkota"])
    path = tmp_path / "twice.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputFileError, match="lebih dari sekali: kabkota"):
        read_export(path, methodology)


def test_rows_with_wrong_number_of_cells_are_kept_and_flagged(methodology: Methodology, tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    frame = _export_frame(methodology)
    frame.to_csv(path, index=False)
    long_row = ",".join([*frame.iloc[0].fillna(""), "lebih1", "lebih2"])
    path.write_text(path.read_text() + "R9,2025-03-01T10:00:00,63.03,1\n" + long_row.replace("R000", "R10") + "\n")
    raw = read_export(path, methodology)
    assert raw[SOURCE_ROW].tolist() == [1, 2, 3, 4, 5]
    assert raw[MALFORMED_FLAG].tolist() == [False, False, False, True, True]
    assert raw.loc[3, "respondent_id"] == "R9" and raw.loc[3, "v1_1"] == "1" and raw.loc[3, "v1_2"] == ""
    assert raw.loc[4, EXTRA_CELLS] == "lebih1,lebih2"
    outcome = apply_quality_rules(raw, methodology, get_gazetteer())
    assert outcome.quarantine["respondent_id"].tolist() == ["R9", "R10"]
    assert all("baris_rusak" in reasons for reasons in outcome.quarantine["reasons"])
    assert len(outcome.accepted) == 3
