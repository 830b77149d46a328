"""Reading e-survey exports (CSV, XLSX, Parquet) into one raw frame of strings.

Every cell is read as text, exactly as it came: typing and validation happen in `scoring.quality`,
so that a rejected row can be quarantined unchanged. Known column names are matched ignoring case and
surrounding spaces and renamed to their canonical spelling; other columns keep their name. Rows with
every cell blank (Excel leaves them under a table) are dropped; `_source_row` still counts them.
A file that cannot be used at all raises `InputFileError` with an Indonesian message naming the file;
the CLI shows it without a traceback.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from scoring.methodology import Methodology

SOURCE_FILE = "_source_file"
SOURCE_ROW = "_source_row"

IDENTITY_COLUMNS = ["respondent_id", "submitted_at", "kabkota"]
OPTIONAL_COLUMNS = ["duration_seconds", "weight", "sex", "age_group"]
SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")

_UTF8_BOM = b"\xef\xbb\xbf"
# Excel writes ";" in locales whose decimal separator is ",", such as Indonesian.
_DELIMITERS = (";", ",", "\t")
_COLUMN_COUNT_ERROR = re.compile(r"Expected (\d+) columns, got (\d+): (.*)", re.DOTALL)


class InputFileError(ValueError):
    """An export that cannot be used; the message names the file and the problem, in Indonesian."""


def required_columns(methodology: Methodology) -> list[str]:
    return IDENTITY_COLUMNS + methodology.item_keys


def read_exports(paths: Iterable[Path], methodology: Methodology) -> pd.DataFrame:
    """Read and concatenate several exports; every file must be usable.

    All files are checked before failing, so one message lists every unusable file.
    """
    frames: list[pd.DataFrame] = []
    problems: list[str] = []
    for path in paths:
        try:
            frames.append(read_export(Path(path), methodology))
        except InputFileError as error:
            problems.append(str(error))
    if problems:
        raise InputFileError("\n".join(problems))
    if not frames:
        raise InputFileError("Tidak ada file ekspor survei yang diberikan.")
    return pd.concat(frames, ignore_index=True)


def read_export(path: Path, methodology: Methodology) -> pd.DataFrame:
    """One export as strings, with canonical column names plus `_source_file` and `_source_row`.

    Raises:
        InputFileError: missing file, unsupported extension, unparseable content, no data rows,
            or missing required columns (all of them named).
    """
    if not path.is_file():
        raise InputFileError(f"{path}: file tidak ditemukan.")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"'{path.suffix}'" if path.suffix else "tanpa ekstensi"
        raise InputFileError(f"{path}: format file {shown} tidak didukung; gunakan .csv, .xlsx, atau .parquet.")
    frame = {".csv": _read_csv, ".xlsx": _read_xlsx, ".parquet": _read_parquet}[suffix](path)
    if frame.columns.empty:
        raise InputFileError(f"{path}: file kosong.")
    frame = _normalise_columns(frame, path, methodology)
    frame[SOURCE_FILE] = path.name
    frame[SOURCE_ROW] = pd.RangeIndex(1, len(frame) + 1)
    frame = _drop_blank_rows(frame)
    if frame.empty:
        raise InputFileError(f"{path}: tidak ada baris data (hanya judul kolom).")
    return frame.reset_index(drop=True)


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes().removeprefix(_UTF8_BOM)
    try:
        text: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    # A NUL byte never occurs in CSV text: it marks a binary file, or UTF-16 (Excel's "Unicode text").
    if text is None or "\x00" in text:
        raise InputFileError(f"{path}: bukan teks CSV berenkode UTF-8; di Excel simpan ulang sebagai 'CSV UTF-8'.")
    if not text.strip():
        raise InputFileError(f"{path}: file kosong.")
    header_line = text.lstrip("\r\n").partition("\n")[0].rstrip("\r")
    delimiter = max(_DELIMITERS, key=header_line.count)
    names = next(csv.reader([header_line], delimiter=delimiter))
    try:
        table = pa_csv.read_csv(
            io.BytesIO(raw),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            # Every column as text, and blanks as "" rather than null: the quarantine keeps cells as they came.
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in names}, strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as error:
        raise InputFileError(f"{path}: {_describe_csv_error(str(error))}") from None
    return _text_frame(table)


def _describe_csv_error(message: str) -> str:
    match = _COLUMN_COUNT_ERROR.search(message)
    if match is None:
        return f"format CSV tidak dapat dibaca ({message})."
    expected, got, row = match.groups()
    return f"ada baris berisi {got} kolom padahal judul kolom berisi {expected}: {row.strip()[:120]!r}."


def _read_xlsx(path: Path) -> pd.DataFrame:
    """The first sheet, with the column names in its first row."""
    # openpyxl reports a damaged workbook with many unrelated exception types (BadZipFile, KeyError, XML errors).
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, na_filter=False, engine="openpyxl")
    except Exception:
        raise _unreadable(path, "Excel (.xlsx)") from None
    return frame.rename(columns=str)


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        # Without the pandas metadata a saved index comes back as an ordinary column instead of the index.
        return _text_frame(pq.read_table(path).replace_schema_metadata(None))
    except (pa.ArrowException, OSError):
        raise _unreadable(path, "Parquet") from None


def _unreadable(path: Path, kind: str) -> InputFileError:
    return InputFileError(f"{path}: tidak dapat dibaca sebagai file {kind}; file rusak atau bukan file {kind}.")


def _text_frame(table: pa.Table) -> pd.DataFrame:
    """Every column as text; Arrow's casts keep integers as "4" and nulls as missing."""
    return pa.table([_as_text(column) for column in table.columns], names=table.column_names).to_pandas()


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if column.type == pa.string():
        return column
    if pa.types.is_timestamp(column.type) and column.type.tz is not None:
        # As UTC wall-clock time plus "Z": ten times faster than Arrow's time-zone-aware formatting.
        utc = pc.cast(column.cast(pa.timestamp(column.type.unit)), pa.string())
        return pc.binary_join_element_wise(utc, "Z", "")
    return pc.cast(column, pa.string())


def _normalise_columns(frame: pd.DataFrame, path: Path, methodology: Methodology) -> pd.DataFrame:
    """Rename known columns to their canonical spelling; other columns keep their name as it came."""
    required = required_columns(methodology)
    known = set(required + OPTIONAL_COLUMNS)
    renamed = [key if (key := str(name).strip().lower()) in known else str(name) for name in frame.columns]
    repeated = sorted({name for name in renamed if name in known and renamed.count(name) > 1})
    if repeated:
        raise InputFileError(f"{path}: kolom muncul lebih dari sekali: {', '.join(repeated)}.")
    missing = [name for name in required if name not in renamed]
    if missing:
        raise InputFileError(f"{path}: kolom wajib tidak ada: {', '.join(missing)}.")
    frame.columns = renamed
    return frame


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop rows with every cell blank (Excel leaves them under a table); they are not submissions.

    Only rows without a respondent_id can be blank, so the full check runs on those few rows alone.
    """
    cells = frame[is_blank(frame["respondent_id"])].drop(columns=[SOURCE_FILE, SOURCE_ROW])
    blank = pd.Series(True, index=cells.index)
    for position in range(cells.shape[1]):  # by position: unknown columns may share a name
        blank &= is_blank(cells.iloc[:, position])
    return frame.drop(index=blank[blank].index) if blank.any() else frame  # drop() copies even when empty


def is_blank(values: pd.Series) -> pd.Series:
    """Missing, empty or whitespace-only cells."""
    return values.isna() | values.astype("str").str.strip().eq("")
