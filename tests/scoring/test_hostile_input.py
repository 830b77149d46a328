"""Hostile and damaged exports: every row read is either accepted or quarantined with its reason, and a file
that cannot be used stops with a message naming it and the problem.

Batch sizes are shrunk in several tests so that small files cross batch (and CSV block) boundaries the way a
multi-gigabyte export does.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from core.gazetteer import get_gazetteer
from scoring import estimate, ingest, pipeline
from scoring.estimate import estimate_kabkota
from scoring.ingest import EXTRA_CELLS, FORMULA_FLAG, MALFORMED_FLAG, SOURCE_ROW, InputFileError, read_export
from scoring.methodology import Methodology, load_methodology
from scoring.pipeline import run_scoring
from scoring.quality import apply_quality_rules


@pytest.fixture(scope="module")
def methodology() -> Methodology:
    return load_methodology("ihai-2025")


def _rows(methodology: Methodology, n: int, prefix: str = "R") -> pd.DataFrame:
    """`n` valid raw rows; every tenth id repeats an earlier one with a later time (a resubmission)."""
    regions = ["63.03", "Kota Banjarbaru", "KAB. TAPIN", "6371", "Kabupaten Tanah Laut"]
    data = {
        "respondent_id": [f"{prefix}{index - 5 if index % 10 == 9 else index:05d}" for index in range(n)],
        "submitted_at": [f"2025-03-{3 + index % 20:02d}T{8 + index % 12:02d}:00:{index % 60:02d}" for index in range(n)],
        "kabkota": [regions[index % len(regions)] for index in range(n)],
    }
    for position, key in enumerate(methodology.item_keys):
        data[key] = [str((index * 7 + position * 3) % 5 + 1) for index in range(n)]
    data["duration_seconds"] = [str(200 + index % 300) for index in range(n)]
    data["weight"] = ["1" if index % 3 else "1,5" for index in range(n)]
    data["catatan"] = ['baik, "sekali"\nterima kasih' if index % 4 == 0 else "" for index in range(n)]
    return pd.DataFrame(data, dtype="str")


def _assert_conserved(run: pipeline.ScoringRun) -> None:
    assert run.rows_read == len(run.quality.accepted) + len(run.quality.quarantine)
    assert run.rows_read == sum(item.rows for item in run.inputs)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "CSV_BLOCK_BYTES", 2_000)
    monkeypatch.setattr(ingest, "PARQUET_BATCH_ROWS", 37)
    monkeypatch.setattr(ingest, "XLSX_BATCH_ROWS", 29)
    monkeypatch.setattr(estimate, "BLOCK_ROWS", 41)


# --- streaming gives the same answer as reading everything at once --------------------------------------


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_batches_give_the_same_results_as_one_frame(methodology: Methodology, tmp_path: Path, suffix: str) -> None:
    first, second = _rows(methodology, 300), _rows(methodology, 200, prefix="R")  # ids repeat across the files
    second["submitted_at"] = "2025-03-25T10:00:00"  # later: the second file's copies win
    second.loc[5, "v1_1"] = "7"
    paths = []
    for name, frame in (("satu", first), ("dua", second)):
        path = tmp_path / f"{name}{suffix}"
        {".csv": lambda f, p: f.to_csv(p, index=False, sep=";"), ".parquet": lambda f, p: f.to_parquet(p, index=False),
         ".xlsx": lambda f, p: f.to_excel(p, index=False)}[suffix](frame, path)  # fmt: skip
        paths.append(path)

    run = run_scoring(paths, methodology, get_gazetteer())
    _assert_conserved(run)
    whole = pd.concat([read_export(path, methodology) for path in paths], ignore_index=True)
    in_memory = apply_quality_rules(whole, methodology, get_gazetteer())
    pd.testing.assert_frame_equal(run.quality.accepted, in_memory.accepted)
    pd.testing.assert_frame_equal(run.quality.quarantine, in_memory.quarantine)
    assert run.quality.reason_counts["duplikat"] > 100  # the second pass fetched rows from every batch
    pd.testing.assert_frame_equal(
        estimate_kabkota(run.quality.accepted, methodology),
        _estimate_in_one_block(in_memory.accepted, methodology),
        rtol=1e-12,
    )


def _estimate_in_one_block(accepted: pd.DataFrame, methodology: Methodology) -> pd.DataFrame:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(estimate, "BLOCK_ROWS", 1 << 20)
        return estimate_kabkota(accepted, methodology)


@pytest.mark.usefixtures("small_batches")
def test_file_changed_between_the_two_reads_is_refused(
    methodology: Methodology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ekspor.csv"
    _rows(methodology, 100).to_csv(path, index=False)
    second_pass = pipeline._second_pass

    def after_a_change(sources, wanted):
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n")
        return second_pass(sources, wanted)

    monkeypatch.setattr(pipeline, "_second_pass", after_a_change)
    with pytest.raises(InputFileError, match="berubah ketika sedang dibaca") as error:
        run_scoring([path], methodology, get_gazetteer())
    assert str(path) in str(error.value)


# --- CSV: cut-off files, ragged rows, block boundaries -------------------------------------------------------


@pytest.mark.parametrize("cut", ["mid_row", "inside_quotes"])
def test_truncated_csv_keeps_its_last_row_in_quarantine(methodology: Methodology, tmp_path: Path, cut: str) -> None:
    frame = _rows(methodology, 12)
    text = frame.to_csv(index=False)
    if cut == "mid_row":
        text = text[: text.rindex("\n", 0, len(text) - 1) + 40]  # the last row loses most of its cells
    else:
        text = text[: text.rindex('"baik, ""sekali""') + 7]  # stops inside a quoted cell
    path = tmp_path / "terpotong.csv"
    path.write_text(text, encoding="utf-8")
    run = run_scoring([path], methodology, get_gazetteer())
    _assert_conserved(run)
    last = run.quality.quarantine.iloc[-1]
    assert "baris_rusak" in last["reasons"] and last[SOURCE_ROW] == run.rows_read
    assert run.rows_read == (12 if cut == "mid_row" else 9)


@pytest.mark.usefixtures("small_batches")
def test_ragged_rows_anywhere_are_quarantined_with_their_cells(methodology: Methodology, tmp_path: Path) -> None:
    lines = _rows(methodology, 60).to_csv(index=False).splitlines(keepends=True)
    # Records 10 and 40 lose their last cells; record 25 gets two surplus cells (a stray delimiter).
    records = list(csv.reader(io.StringIO("".join(lines))))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for number, record in enumerate(records):
        if number in (10, 40):
            record = record[:5]
        elif number == 25:
            record = [*record, "x", "y"]
        writer.writerow(record)
    path = tmp_path / "compang.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    raw = read_export(path, methodology)
    assert raw[SOURCE_ROW].tolist() == list(range(1, 61))
    assert raw.index[raw[MALFORMED_FLAG].fillna(False).astype(bool)].tolist() == [9, 24, 39]
    assert raw.loc[24, EXTRA_CELLS] == "x,y"
    run = run_scoring([path], methodology, get_gazetteer())
    _assert_conserved(run)
    broken = run.quality.quarantine[run.quality.quarantine["reasons"].str.contains("baris_rusak")]
    assert broken[SOURCE_ROW].tolist() == [10, 25, 40]
    assert MALFORMED_FLAG not in run.quality.quarantine.columns


_CELLS = st.lists(st.sampled_from([*'ab;,"\n\r =@é', "\r\n", "Bélitung", "🙂"]), max_size=6).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(st.lists(_CELLS, min_size=4, max_size=4), min_size=1, max_size=25),
    block=st.integers(min_value=1, max_value=200),
    delimiter=st.sampled_from([",", ";"]),
)
def test_any_csv_text_survives_any_block_size(
    methodology: Methodology, tmp_path_factory: pytest.TempPathFactory, cells: list[list[str]], block: int, delimiter: str
) -> None:
    header = ["respondent_id", "submitted_at", "kabkota", *methodology.item_keys, "catatan"]
    rows = [[f"R{index}", "2025-03-03T10:00:00", "63.03", *cell[:3] * 8, cell[3]] for index, cell in enumerate(cells)]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    path = tmp_path_factory.mktemp("csv") / "acak.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ingest, "CSV_BLOCK_BYTES", block)
        raw = read_export(path, methodology)
    # Every written record comes back, cell for cell (a row whose cells are all blank is not written by a
    # form tool, and the reader drops it by design; the id column keeps every row here non-blank).
    assert raw["respondent_id"].tolist() == [row[0] for row in rows]
    assert raw[header].to_numpy().tolist() == rows
    assert MALFORMED_FLAG not in raw.columns


# --- encodings -----------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize(
    ("encode", "message"),
    [
        (lambda text: text.encode("cp1252"), "bukan teks CSV berenkode UTF-8 (byte tidak valid di baris 42)"),
        (lambda text: text.encode("utf-16"), "bukan teks CSV berenkode UTF-8"),
        (lambda text: text.encode("utf-8").replace(b"Bulungan", b"Bul\x00ngan"), "byte NUL di baris 42"),
    ],
    ids=["cp1252", "utf16", "nul"],
)
def test_bad_encodings_stop_with_the_file_and_line(methodology: Methodology, tmp_path: Path, encode, message: str) -> None:
    frame = _rows(methodology, 60)
    frame["catatan"] = ""
    frame.loc[40, "catatan"] = "Kabupaten Bulungan, Kaltara — 'baik' é"  # line 42: header, then 40 rows before
    path = tmp_path / "ansi.csv"
    path.write_bytes(encode(frame.to_csv(index=False)))
    with pytest.raises(InputFileError, match=re.escape(message)) as error:
        run_scoring([path], methodology, get_gazetteer())
    assert str(path) in str(error.value)


# --- XLSX: formulas, cells beside the table, damage ------------------------------------------------------------


def _workbook_with_formulas(path: Path, methodology: Methodology, cached: dict[str, str]) -> None:
    """Rows whose v1_1 is a formula; `cached` maps a formula to the value a calculating program stored."""
    frame = _rows(methodology, 6)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(frame.columns))
    for index, row in enumerate(frame.itertuples(index=False)):
        values = list(row)
        if index in (1, 3):
            values[3] = "=2+2" if index == 1 else "=1+1"
        if index == 4:
            values.append("catatan di luar tabel")
        sheet.append(values)
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    sheet_xml = entries["xl/worksheets/sheet1.xml"].decode("utf-8")
    for formula, value in cached.items():
        sheet_xml = sheet_xml.replace(f"<f>{formula}</f><v />", f"<f>{formula}</f><v>{value}</v>")
    entries["xl/worksheets/sheet1.xml"] = sheet_xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries.items():
            target.writestr(name, data)


def test_xlsx_formula_with_a_value_uses_it_and_without_one_is_quarantined(
    methodology: Methodology, tmp_path: Path
) -> None:
    path = tmp_path / "rumus.xlsx"
    _workbook_with_formulas(path, methodology, cached={"2+2": "4"})
    raw = read_export(path, methodology)
    assert raw.loc[1, "v1_1"] == "4"  # the value Excel shows
    assert raw.loc[3, "v1_1"] == "=1+1"  # no stored value: the formula text, and a flag
    assert raw[FORMULA_FLAG].tolist() == [False, False, False, True, False, False]
    assert raw.loc[4, EXTRA_CELLS] == "catatan di luar tabel"

    run = run_scoring([path], methodology, get_gazetteer())
    _assert_conserved(run)
    quarantine = run.quality.quarantine
    assert quarantine[SOURCE_ROW].tolist() == [4]
    assert quarantine.loc[0, "reasons"] == "nilai_di_luar_skala;rumus_tanpa_nilai"
    assert run.quality.reason_counts["rumus_tanpa_nilai"] == 1
    assert "R00001" in run.quality.accepted["respondent_id"].tolist()
    # A cell beside the table does not spoil its row.
    assert "R00004" in run.quality.accepted["respondent_id"].tolist()


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_truncated_binary_files_stop_with_a_message(methodology: Methodology, tmp_path: Path, suffix: str) -> None:
    frame = _rows(methodology, 200)
    path = tmp_path / f"utuh{suffix}"
    frame.to_excel(path, index=False) if suffix == ".xlsx" else frame.to_parquet(path, index=False)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(InputFileError, match="rusak, terpotong") as error:
        run_scoring([path], methodology, get_gazetteer())
    assert str(path) in str(error.value)


# --- duplicate columns, in every format -------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_a_column_given_twice_is_refused_in_every_format(methodology: Methodology, tmp_path: Path, suffix: str) -> None:
    frame = _rows(methodology, 5)
    columns = [*frame.columns, " KabKota"]
    values = frame.assign(extra=frame["kabkota"])
    path = tmp_path / f"ganda{suffix}"
    if suffix == ".csv":
        values.set_axis(columns, axis=1).to_csv(path, index=False)
    elif suffix == ".xlsx":
        workbook = Workbook()
        workbook.active.append(columns)
        for row in values.itertuples(index=False):
            workbook.active.append(list(row))
        workbook.save(path)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table([pa.array(values[column]) for column in values.columns], names=columns), path)
    with pytest.raises(InputFileError, match="kolom muncul lebih dari sekali: kabkota") as error:
        run_scoring([path], methodology, get_gazetteer())
    assert str(path) in str(error.value)


# --- paths that are not usable files ---------------------------------------------------------------------------


def test_a_directory_is_named_as_a_directory(methodology: Methodology, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="folder, bukan file"):
        run_scoring([tmp_path], methodology, get_gazetteer())


def test_every_unusable_file_is_named_at_once(methodology: Methodology, tmp_path: Path) -> None:
    good = tmp_path / "baik.csv"
    _rows(methodology, 5).to_csv(good, index=False)
    with pytest.raises(InputFileError) as error:
        run_scoring([tmp_path / "hilang.csv", good, tmp_path], methodology, get_gazetteer())
    message = str(error.value)
    assert "hilang.csv: file tidak ditemukan" in message and "folder, bukan file" in message
    assert "baik.csv" not in message


def test_no_file_at_all(methodology: Methodology) -> None:
    with pytest.raises(InputFileError, match="Tidak ada file"):
        run_scoring([], methodology, get_gazetteer())


@pytest.mark.parametrize("content", ["{rusak", "[]", '{"synthetic": true, "seed": "x"}'])
def test_a_malformed_sample_manifest_is_named(methodology: Methodology, tmp_path: Path, content: str) -> None:
    path = tmp_path / "ekspor.csv"
    _rows(methodology, 5).to_csv(path, index=False)
    manifest = tmp_path / "ekspor.manifest.json"
    manifest.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError, match="manifest sampel") as error:
        run_scoring([path], methodology, get_gazetteer())
    assert str(manifest) in str(error.value)


def test_a_valid_sample_manifest_marks_the_run_synthetic(methodology: Methodology, tmp_path: Path) -> None:
    path = tmp_path / "ekspor.csv"
    _rows(methodology, 5).to_csv(path, index=False)
    (tmp_path / "ekspor.manifest.json").write_text(json.dumps({"synthetic": True, "seed": 7}), encoding="utf-8")
    run = run_scoring([path], methodology, get_gazetteer())
    assert run.provenance.synthetic and run.provenance.seed == 7


def test_blank_rows_are_dropped_but_counted_in_source_rows(methodology: Methodology, tmp_path: Path) -> None:
    frame = _rows(methodology, 4)
    blank = pd.DataFrame([[""] * frame.shape[1]], columns=frame.columns)
    path = tmp_path / "kosong.csv"
    pd.concat([frame.iloc[:2], blank, frame.iloc[2:], blank], ignore_index=True).to_csv(path, index=False)
    run = run_scoring([path], methodology, get_gazetteer())
    _assert_conserved(run)
    assert run.rows_read == 4
    raw = read_export(path, methodology)
    assert raw[SOURCE_ROW].tolist() == [1, 2, 4, 5]


def test_numbers_kept_through_batches_are_exact(methodology: Methodology) -> None:
    frame = _rows(methodology, 3)
    frame.loc[0, "weight"] = "0,3333333333333333"
    accepted = apply_quality_rules(frame, methodology, get_gazetteer()).accepted
    assert accepted.loc[0, "weight"] == 0.3333333333333333
    assert accepted[methodology.item_keys].dtypes.eq(np.float32).all()
