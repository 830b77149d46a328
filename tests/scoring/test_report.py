"""The files `ihai score` writes: results.xlsx, results.csv and quarantine.csv agree with results.parquet and
the manifest, the manifest's counts and hashes are those of the files, and nothing written can run as a formula."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from core.gazetteer import get_gazetteer
from scoring.formula_guard import QUOTE
from scoring.methodology import load_methodology
from scoring.pipeline import run_scoring
from scoring.quality import REASONS
from scoring.report import excel_headers, write_outputs
from scoring.results import (
    MANIFEST_JSON,
    OUTPUT_FILES,
    QUARANTINE_CSV,
    RESULTS_CSV,
    RESULTS_PARQUET,
    RESULTS_XLSX,
    SYNTHETIC_LABEL,
    load_results,
    result_columns,
)
from scoring.workbook import LEVEL_LABELS, NO, YES

LEVEL_SHEETS = {"Kab-Kota": "kabkota", "Provinsi": "provinsi", "Nasional": "nasional"}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(directory: Path) -> dict:
    return json.loads((directory / MANIFEST_JSON).read_text(encoding="utf-8"))


def _cells(frame: pd.DataFrame) -> list[list[object]]:
    """Rows as plain Python values, every kind of missing value as None, for exact comparison."""
    return [[None if pd.isna(value) else value for value in row] for row in frame.astype(object).to_numpy().tolist()]


def _assert_same_values(read: pd.DataFrame, expected: pd.DataFrame, rtol: float = 0.0) -> None:
    assert read.columns.tolist() == expected.columns.tolist()
    assert len(read) == len(expected)
    for column in expected.columns:
        got, want = read[column], expected[column]
        if pd.api.types.is_float_dtype(want.dtype):
            np.testing.assert_allclose(
                got.to_numpy(dtype=np.float64), want.to_numpy(dtype=np.float64), rtol=rtol, atol=0, err_msg=column
            )
        else:
            assert _cells(got.to_frame()) == _cells(want.to_frame()), column


@pytest.fixture(scope="module")
def parquet(sample_results_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(sample_results_dir / RESULTS_PARQUET)


def test_results_folder_holds_exactly_the_outputs(sample_results_dir: Path) -> None:
    assert sorted(path.name for path in sample_results_dir.iterdir()) == sorted(OUTPUT_FILES)
    leftovers = [path.name for path in sample_results_dir.parent.glob(f".{sample_results_dir.name}.*")]
    assert leftovers == []  # no staging folder left behind


def test_excel_has_the_sheets_and_indonesian_headers(sample_results_dir: Path) -> None:
    workbook = load_workbook(sample_results_dir / RESULTS_XLSX, read_only=True)
    assert workbook.sheetnames == ["Kab-Kota", "Provinsi", "Nasional", "Tren", "Metodologi", "Kualitas Data"]
    header = [cell.value for cell in next(workbook["Kab-Kota"].iter_rows(max_row=1))]
    workbook.close()
    assert header[:4] == ["Tahun", "Tingkat", "Kode", "Nama Wilayah"]
    assert {"Jumlah Responden", "IHaI", "Galat Baku IHaI", "Kategori", "Dimensi Ekonomi", "Peringkat Nasional"} <= set(header)
    # Not one English column name reaches the officials' workbook.
    methodology = load_methodology("ihai-2025")
    assert header == [excel_headers(methodology)[column] for column in result_columns(methodology)]


def _sheet_as_results(path: Path, sheet: str, methodology) -> pd.DataFrame:
    """A level or round sheet read back into the results' own values: labels mapped back, empty cells NA."""
    english = {indonesian: column for column, indonesian in excel_headers(methodology).items()}
    read = pd.read_excel(path, sheet_name=sheet, dtype=object).rename(columns=english)
    levels = {label: level for level, label in LEVEL_LABELS.items()}
    read["level"] = read["level"].map(levels)
    flags = {YES: True, NO: False}
    for column in read.columns:
        if read[column].isin([YES, NO]).any():
            read[column] = read[column].map(lambda value: flags.get(value, value))
    return read


@pytest.mark.parametrize("sheet", LEVEL_SHEETS)
def test_excel_level_sheets_equal_the_parquet_results(
    sample_results_dir: Path, parquet: pd.DataFrame, sheet: str
) -> None:
    read = _sheet_as_results(sample_results_dir / RESULTS_XLSX, sheet, load_methodology("ihai-2025"))
    expected = parquet[parquet["level"] == LEVEL_SHEETS[sheet]].reset_index(drop=True)
    assert len(expected) > 0
    # Values are kept at full precision (Excel keeps 15 to 16 significant digits: the last binary digit may
    # differ); only the display is rounded.
    _assert_same_values(read, expected, rtol=1e-15)


def _shown(value: object, number_format: str) -> str:
    """A number as Excel shows it under the formats the workbook uses."""
    if number_format == "0.00":
        return f"{value:.2f}"
    if number_format == "#,##0":
        return f"{value:,.0f}"
    assert number_format == "0", number_format
    return f"{value:.0f}"


def _expected_shown(value: object, dtype) -> str:
    """The Parquet value rounded as an official should see it: scores and shares with two decimals, counts
    and ranks whole with thousands separators, the year as it is."""
    if pd.api.types.is_float_dtype(dtype):
        return f"{value:.2f}"
    return f"{value:,}"


@pytest.mark.parametrize("sheet", LEVEL_SHEETS)
def test_excel_shows_the_parquet_values_rounded(sample_results_dir: Path, parquet: pd.DataFrame, sheet: str) -> None:
    methodology = load_methodology("ihai-2025")
    workbook = load_workbook(sample_results_dir / RESULTS_XLSX)
    rows = list(workbook[sheet].iter_rows(min_row=2))
    expected = parquet[parquet["level"] == LEVEL_SHEETS[sheet]].reset_index(drop=True)
    columns = result_columns(methodology)
    checked = 0
    for row, (_, want) in zip(rows, expected.iterrows(), strict=True):
        for cell, column in zip(row, columns, strict=True):
            value = want[column]
            if pd.isna(value) or isinstance(value, bool | np.bool_ | str):
                continue
            if column == "year":
                assert _shown(cell.value, cell.number_format) == str(value)
            else:
                assert _shown(cell.value, cell.number_format) == _expected_shown(value, parquet[column].dtype), (column, value)
            checked += 1
    assert checked > 10 * len(expected)


def test_excel_is_laid_out_for_officials(sample_results_dir: Path, parquet: pd.DataFrame) -> None:
    workbook = load_workbook(sample_results_dir / RESULTS_XLSX)
    methodology = load_methodology("ihai-2025")
    colours = {}
    for name in (*LEVEL_SHEETS, "Tren"):
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2", name  # the header row stays in view
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}", name
        assert all(sheet.column_dimensions[cell.column_letter].width >= 6 for cell in sheet[1]), name
    sheet = workbook["Kab-Kota"]
    header = [cell.value for cell in sheet[1]]
    level, category, target = header.index("Tingkat"), header.index("Kategori"), header.index("Target 1.250 Tercapai")
    for row in sheet.iter_rows(min_row=2):
        assert row[level].value == "Kabupaten/Kota" and row[target].value in (YES, NO)
        if row[category].value is not None:
            colours.setdefault(row[category].value, set()).add(row[category].fill.fgColor.rgb)
    # One colour per band, different bands apart.
    assert set(colours) == {band.label for band in methodology.categories.bands}
    assert all(len(shades) == 1 for shades in colours.values())
    assert len({next(iter(shades)) for shades in colours.values()}) == len(colours)


def test_workbook_of_the_latest_round_holds_every_round_and_their_trend(rounds_root: Path) -> None:
    path = rounds_root / "2025" / RESULTS_XLSX
    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames == [
        "Kab-Kota", "Provinsi", "Nasional", "Putaran 2023", "Putaran 2024", "Tren", "Metodologi", "Kualitas Data",
    ]  # fmt: skip
    workbook.close()
    for year in (2023, 2024):
        results = load_results(rounds_root / str(year))
        read = _sheet_as_results(path, f"Putaran {year}", results.methodology)
        _assert_same_values(read, results.table.reset_index(drop=True), rtol=1e-15)

    trend = pd.read_excel(path, sheet_name="Tren", dtype=object).set_index("Kode")
    tables = {year: pd.read_parquet(rounds_root / str(year) / RESULTS_PARQUET).set_index("code") for year in (2023, 2024, 2025)}
    z = load_methodology("ihai-2025").z
    both = tables[2024].index[tables[2024]["ihai"].notna()].intersection(tables[2025].index[tables[2025]["ihai"].notna()])
    assert len(both) > 300
    significant = 0
    for code in both:
        before, after = tables[2024].loc[code], tables[2025].loc[code]
        assert trend.loc[code, "IHaI 2024 (ihai-2023)"] == pytest.approx(before["ihai"], rel=1e-15)
        assert trend.loc[code, "Perubahan 2024–2025"] == pytest.approx(after["ihai"] - before["ihai"], rel=1e-12)
        larger = abs(after["ihai"] - before["ihai"]) > z * np.hypot(before["ihai_se"], after["ihai_se"])
        assert trend.loc[code, "Perubahan 2024–2025 Bermakna"] == (YES if larger else NO)
        assert trend.loc[code, "Kerangka Berganti 2024–2025"] == YES
        significant += larger
    assert 0 < significant < len(both)  # the test can tell both outcomes apart
    assert (trend["Kerangka Berganti 2023–2024"] == NO).all()


def test_every_sheet_of_sample_results_says_it_is_sample_data(sample_results_dir: Path) -> None:
    workbook = load_workbook(sample_results_dir / RESULTS_XLSX)
    assert workbook.properties.title == SYNTHETIC_LABEL
    assert len(workbook.sheetnames) >= 5
    assert {name: workbook[name].oddHeader.center.text for name in workbook.sheetnames} == dict.fromkeys(
        workbook.sheetnames, SYNTHETIC_LABEL
    )


def test_excel_quality_sheet_equals_the_manifest(sample_results_dir: Path) -> None:
    manifest = _manifest(sample_results_dir)
    quality = pd.read_excel(sample_results_dir / RESULTS_XLSX, sheet_name="Kualitas Data")
    counts = dict(zip(quality["Keterangan"], quality["Jumlah"], strict=True))
    assert counts["Baris dibaca"] == manifest["rows_read"]
    assert counts["Diterima"] == manifest["accepted"]
    assert counts["Total baris dikarantina"] == manifest["quarantined"]
    assert {reason: counts[f"Karantina: {reason}"] for reason in REASONS} == manifest["quarantined_by_reason"]


def test_results_csv_equals_the_parquet_results(sample_results_dir: Path, parquet: pd.DataFrame) -> None:
    read = pd.read_csv(sample_results_dir / RESULTS_CSV, dtype={"code": str, "province_code": str})
    _assert_same_values(read, parquet)  # pandas writes each float's shortest round-trip form: exact


def test_quarantine_matches_the_manifest_and_is_private(sample_results_dir: Path, sample_export_path: Path) -> None:
    manifest = _manifest(sample_results_dir)
    path = sample_results_dir / QUARANTINE_CSV
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    quarantine = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(quarantine) == manifest["quarantined"] > 0
    assert manifest["rows_read"] == manifest["accepted"] + manifest["quarantined"] == manifest["inputs"][0]["rows"]
    reasons = quarantine["reasons"].str.split(";")
    assert {reason: int(reasons.map(lambda found, r=reason: r in found).sum()) for reason in REASONS} == manifest[
        "quarantined_by_reason"
    ]
    # Rows as read: the cells of each quarantined row are those of its source row in the export.
    export = pd.read_parquet(sample_export_path)
    rows = quarantine["_source_row"].astype(int) - 1
    for column in ("respondent_id", "submitted_at", "kabkota", "v1_1", "weight"):
        assert quarantine[column].tolist() == export[column].iloc[rows].tolist()


def test_manifest_hashes_and_counts(sample_results_dir: Path, sample_export_path: Path) -> None:
    manifest = _manifest(sample_results_dir)
    (entry,) = manifest["inputs"]
    assert entry["sha256"] == _sha256(sample_export_path) and Path(entry["path"]) == sample_export_path
    methodology = manifest["methodology"]
    assert methodology["sha256"] == _sha256(Path(methodology["path"]))
    assert manifest["outputs"] == {
        name: _sha256(sample_results_dir / name) for name in (RESULTS_PARQUET, RESULTS_CSV, RESULTS_XLSX, QUARANTINE_CSV)
    }
    results = load_results(sample_results_dir)
    kabkota = results.level("kabkota")
    assert int(kabkota["n_respondents"].sum()) == manifest["accepted"]
    assert manifest["synthetic"] is True and manifest["seed"] == 2025


# --- formula injection through every writer ----------------------------------------------------------


def _hostile_export(path: Path) -> Path:
    """A small export whose rejected rows carry formulas in their cells and in a header."""
    methodology = load_methodology("ihai-2025")
    rows = []
    for index in range(40):
        row = {"respondent_id": f"R{index:03d}", "submitted_at": "2025-03-03T10:00:00", "kabkota": "63.03"}
        row |= {key: str((index + position) % 5 + 1) for position, key in enumerate(methodology.item_keys)}
        row["=HYPERLINK(\"http://x\")"] = "catatan"
        rows.append(row)
    frame = pd.DataFrame(rows, dtype="str")
    frame.loc[0, "kabkota"] = "=cmd|' /C calc'!A0"
    frame.loc[1, "v1_1"] = "@SUM(1+1)"
    frame.loc[2, "respondent_id"] = "-2+3+cmd|' /C calc'!A0"
    frame.loc[2, "v2_1"] = "9"
    frame.loc[3, "v3_1"] = "-1"  # a plain number, out of scale: stays as it is
    frame.to_csv(path, index=False)
    return path


def test_quarantine_and_excel_never_carry_a_formula(tmp_path: Path) -> None:
    methodology_path = tmp_path / "kerangka.toml"
    source = Path(load_methodology("ihai-2025").source_path).read_text(encoding="utf-8")
    first_statement = load_methodology("ihai-2025").items[0].statement
    methodology_path.write_text(source.replace(first_statement, "=1+1 bukan rumus"), encoding="utf-8")
    methodology = load_methodology(methodology_path)

    export = _hostile_export(tmp_path / "ekspor.csv")
    run = run_scoring([export], methodology, get_gazetteer())
    out = tmp_path / "hasil"
    write_outputs(run, out)

    quarantine = pd.read_csv(out / QUARANTINE_CSV, dtype=str, keep_default_na=False)
    assert len(quarantine) == 4
    assert "'=HYPERLINK(\"http://x\")" in quarantine.columns
    by_row = quarantine.set_index("_source_row")
    assert by_row.loc["1", "kabkota"] == QUOTE + "=cmd|' /C calc'!A0"
    assert by_row.loc["2", "v1_1"] == QUOTE + "@SUM(1+1)"
    assert by_row.loc["3", "respondent_id"] == QUOTE + "-2+3+cmd|' /C calc'!A0"
    assert by_row.loc["4", "v3_1"] == "-1"
    # Everything else in the rows is exactly as read.
    raw = pd.read_csv(export, dtype=str, keep_default_na=False)
    assert by_row.loc["4", "respondent_id"] == raw.loc[3, "respondent_id"]

    workbook = load_workbook(out / RESULTS_XLSX)
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert QUOTE + "=1+1 bukan rumus" in {cell.value for cell in cells}
