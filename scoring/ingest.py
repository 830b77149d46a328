"""Reading e-survey exports (CSV, XLSX, Parquet) as a stream of raw frames of strings.

Every cell is read as text, exactly as it came: typing and validation happen in `scoring.quality`,
so that a rejected row can be quarantined unchanged. Known column names are matched ignoring case and
surrounding spaces and renamed to their canonical spelling; other columns keep their name.

A file is read in batches (`Export.batches`), so that memory stays a small multiple of one batch plus
what the quality rules keep per row, whatever the size of the file:
- CSV is cut into blocks of whole records (a newline counts as a record end only outside quotes), each
  block checked for UTF-8 and parsed by Arrow; a block with a row whose cell count differs from the
  header's is parsed again by Python's csv module, and such a row is kept, flagged `_baris_rusak`
  (cells beyond the header's go to `_sel_tambahan`), so that it reaches the quarantine instead of being
  lost or stopping the run. A file cut off inside a quoted cell ends with such a row.
- XLSX is read row by row from its XML; a formula cell saved without a computed value (files written by
  tools that do not calculate) keeps its formula text and flags the row `_rumus_tanpa_nilai`.
- Parquet is read one row group slice at a time.

`_source_row` numbers the data records of a file from 1 (the row under the header); empty lines are not
records. Rows with every cell blank (Excel leaves them under a table) are dropped but still counted.
A file that cannot be used at all raises `InputFileError` with an Indonesian message naming the file;
the CLI shows it without a traceback and exits with code 2.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from scoring.methodology import Methodology

SOURCE_FILE = "_source_file"
SOURCE_ROW = "_source_row"
# Flags set by the reader, each turned into a quarantine reason of its own by `scoring.quality`.
FORMULA_FLAG = "_rumus_tanpa_nilai"
MALFORMED_FLAG = "_baris_rusak"
# Cells of a malformed row beyond the header's column count, joined by the file's delimiter.
EXTRA_CELLS = "_sel_tambahan"
INTERNAL_COLUMNS = (SOURCE_FILE, SOURCE_ROW, FORMULA_FLAG, MALFORMED_FLAG, EXTRA_CELLS)

IDENTITY_COLUMNS = ["respondent_id", "submitted_at", "kabkota"]
OPTIONAL_COLUMNS = ["duration_seconds", "weight", "sex", "age_group"]
SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_NEWLINE = b"\n"
# Excel writes ";" in locales whose decimal separator is ",", such as Indonesian.
_DELIMITERS = (";", ",", "\t")
# Bytes of CSV text per batch: about 600,000 rows of a typical export.
CSV_BLOCK_BYTES = 64 << 20
# The header must end within this many bytes (question-text headers are long, but not this long).
_HEADER_LIMIT = 1 << 20
XLSX_BATCH_ROWS = 50_000
PARQUET_BATCH_ROWS = 600_000


class InputFileError(ValueError):
    """An export that cannot be used; the message names the file and the problem, in Indonesian."""


def required_columns(methodology: Methodology) -> list[str]:
    return IDENTITY_COLUMNS + methodology.item_keys


def is_blank(values: pd.Series) -> pd.Series:
    """Missing, empty or whitespace-only cells."""
    return values.isna() | values.astype("str").str.strip().eq("")


def check_readable(path: Path, what: str = "file", error: type[InputFileError] = InputFileError) -> None:
    """Refuse, with `error` and a message naming the path, anything that is not a readable regular file."""
    if path.is_dir():
        raise error(f"{path}: ini sebuah folder, bukan {what}; sebutkan file di dalamnya.")
    if not path.exists():
        raise error(f"{path}: {what} tidak ditemukan.")
    if not path.is_file():
        raise error(f"{path}: bukan file biasa.")
    if not os.access(path, os.R_OK):
        raise error(f"{path}: tidak dapat dibaca (izin ditolak).")


@dataclass
class Export:
    """An opened export: its header and canonical column names, read batch by batch.

    `rows` counts the data rows (blank rows excluded) once `batches()` has run to the end.
    """

    path: Path
    header: list[str]
    columns: list[str]
    _reader: _Reader
    rows: int = 0

    def batches(self) -> Iterator[pd.DataFrame]:
        """Raw text frames with canonical column names, `_source_file`, `_source_row` and any flags."""
        self.rows = 0
        offset = 0
        try:
            for table, extra in self._reader.tables():
                frame = _text_frame(table)
                frame.columns = self.columns
                for name, values in extra.items():
                    frame[name] = values
                frame[SOURCE_FILE] = self.path.name
                frame[SOURCE_ROW] = np.arange(offset + 1, offset + len(frame) + 1, dtype=np.int64)
                offset += len(frame)
                frame = _drop_blank_rows(frame)
                self.rows += len(frame)
                yield frame.reset_index(drop=True)
        except InputFileError:
            raise
        except OSError as error:
            raise InputFileError(f"{self.path}: gagal dibaca ({error.strerror or error}).") from None


def open_export(path: Path, methodology: Methodology, mapped: bool = False) -> Export:
    """Open one export and check its header.

    With `mapped`, the header is kept exactly as in the file: a mapping (`scoring.mapping`) says which
    column is which, and is checked against the header by its caller.

    Raises:
        InputFileError: not a readable file, unsupported extension, unparseable header, no columns,
            a known column given twice, or required columns missing (all of them named).
    """
    path = Path(path)
    check_readable(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"'{path.suffix}'" if path.suffix else "tanpa ekstensi"
        raise InputFileError(f"{path}: format file {shown} tidak didukung; gunakan .csv, .xlsx, atau .parquet.")
    try:
        reader = {".csv": _CsvReader, ".xlsx": _XlsxReader, ".parquet": _ParquetReader}[suffix](path)
    except OSError as error:
        raise InputFileError(f"{path}: gagal dibaca ({error.strerror or error}).") from None
    if not reader.header:
        raise InputFileError(f"{path}: file kosong.")
    columns = _own_columns(reader.header, path) if mapped else canonical_columns(reader.header, path, methodology)
    return Export(path=path, header=list(reader.header), columns=columns, _reader=reader)


def read_export(path: Path, methodology: Methodology) -> pd.DataFrame:
    """One whole export in memory (small files, tests): every batch of `open_export(path).batches()`.

    Raises:
        InputFileError: as `open_export`, and when the file has no data rows.
    """
    export = open_export(path, methodology)
    frames = list(export.batches())
    if not export.rows:
        raise InputFileError(f"{path}: tidak ada baris data (hanya judul kolom).")
    return pd.concat(frames, ignore_index=True)


def _own_columns(header: list[str], path: Path) -> list[str]:
    """The file's column names as they are, refusing those the reader uses itself."""
    names = [str(name) for name in header]
    reserved = sorted({name for name in names if name in INTERNAL_COLUMNS})
    if reserved:
        raise InputFileError(f"{path}: nama kolom {', '.join(reserved)} dipakai oleh program; ganti namanya.")
    return names


def canonical_columns(header: list[str], path: Path, methodology: Methodology) -> list[str]:
    """Known columns renamed to their canonical spelling; other columns keep their name as it came."""
    required = required_columns(methodology)
    known = set(required + OPTIONAL_COLUMNS)
    renamed = _own_columns([key if (key := str(name).strip().lower()) in known else str(name) for name in header], path)
    repeated = sorted({name for name in renamed if name in known and renamed.count(name) > 1})
    if repeated:
        raise InputFileError(f"{path}: kolom muncul lebih dari sekali: {', '.join(repeated)}.")
    missing = [name for name in required if name not in renamed]
    if missing:
        raise InputFileError(f"{path}: kolom wajib tidak ada: {', '.join(missing)}.")
    return renamed


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop rows with every cell blank (Excel leaves them under a table); they are not submissions.

    Only rows whose first cell is blank can be blank, so the full check runs on those few rows alone.
    """
    cells = frame[is_blank(frame.iloc[:, 0])].drop(columns=[SOURCE_FILE, SOURCE_ROW])
    blank = pd.Series(True, index=cells.index)
    for position in range(cells.shape[1]):  # by position: unknown columns may share a name
        column = cells.iloc[:, position]
        blank &= ~column if column.dtype == bool else is_blank(column)
    return frame.drop(index=blank[blank].index) if blank.any() else frame  # drop() copies even when empty


def _text_frame(table: pa.Table) -> pd.DataFrame:
    """Every column as text; Arrow's casts keep integers as "4" and nulls as missing."""
    names = [f"c{position}" for position in range(table.num_columns)]  # the file's names may repeat
    return pa.table([_as_text(column) for column in table.columns], names=names).to_pandas()


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if column.type in (pa.string(), pa.large_string()):
        return column
    if pa.types.is_timestamp(column.type) and column.type.tz is not None:
        # As UTC wall-clock time plus "Z": ten times faster than Arrow's time-zone-aware formatting.
        utc = pc.cast(column.cast(pa.timestamp(column.type.unit)), pa.string())
        return pc.binary_join_element_wise(utc, "Z", "")
    try:
        return pc.cast(column, pa.string())
    except pa.ArrowNotImplementedError:  # lists, structs: no cast to text, so as Python writes them
        return pa.chunked_array([pa.array([None if value is None else str(value) for value in column.to_pylist()])])


class _Reader:
    """One file format: its header, then tables of text plus flag columns."""

    header: list[str]

    def tables(self) -> Iterator[tuple[pa.Table, dict[str, np.ndarray]]]:
        raise NotImplementedError


# --- CSV ---------------------------------------------------------------------------------------------


class _CsvReader(_Reader):
    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as handle:
            head = handle.read(_HEADER_LIMIT)
        if head.startswith(_UTF16_BOMS):
            raise self._not_utf8(" (UTF-16, 'Unicode text' Excel)")
        body = head.removeprefix(_UTF8_BOM)
        skipped = len(head) - len(body.lstrip(b"\r\n"))  # the byte-order mark and leading empty lines
        if not head[skipped:].strip():
            raise InputFileError(f"{path}: file kosong.")
        end = _first_record_end(head, skipped)
        if end < 0:
            if len(head) == _HEADER_LIMIT:
                raise InputFileError(f"{path}: judul kolom tidak berakhir dalam {_HEADER_LIMIT >> 20} MB pertama.")
            end = len(head)  # the header is the whole file
        # The first megabyte is checked at once, so that a file saved in another encoding is named as such
        # before anything else is said about it; later blocks are checked as they are read.
        self._check_text(head[skipped:], first_line=1, cut_off=len(head) == _HEADER_LIMIT)
        text = head[skipped:end].decode("utf-8")
        header_line = text.partition("\n")[0].rstrip("\r")
        self.delimiter = max(_DELIMITERS, key=header_line.count)
        self.header = next(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter), [])
        self.header_end = end

    def _check_text(self, data: bytes, first_line: int, cut_off: bool = False) -> None:
        """Refuse bytes that are not UTF-8 text, naming the line; `cut_off` data may end mid-character."""
        # A NUL byte never occurs in CSV text: it marks a binary file, or UTF-16 without a byte-order mark.
        nul = data.find(b"\x00")
        if nul >= 0:
            raise self._not_utf8(f" (byte NUL di baris {first_line + data.count(_NEWLINE, 0, nul)})")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            if not (cut_off and error.reason == "unexpected end of data"):
                line = first_line + data.count(_NEWLINE, 0, error.start)
                raise self._not_utf8(f" (byte tidak valid di baris {line})") from None

    def _not_utf8(self, where: str = "") -> InputFileError:
        return InputFileError(
            f"{self.path}: bukan teks CSV berenkode UTF-8{where}; di Excel simpan ulang sebagai 'CSV UTF-8'."
        )

    def tables(self) -> Iterator[tuple[pa.Table, dict[str, np.ndarray]]]:
        names = [f"c{position}" for position in range(len(self.header))]
        line = _line_of(self.path, self.header_end)
        for block in _record_blocks(self.path, self.header_end):
            self._check_text(block, first_line=line)
            line += block.count(_NEWLINE)
            if block.count(b'"') % 2:
                # Blocks start at record starts, so only a file cut off inside a quoted cell ends inside quotes.
                table, flags = self._parse_exactly(block, names)
                flags[MALFORMED_FLAG][-1] = True
                yield table, flags
            else:
                yield self._parse(block, names)

    def _parse(self, block: bytes, names: list[str]) -> tuple[pa.Table, dict[str, np.ndarray]]:
        try:
            table = pa_csv.read_csv(
                io.BytesIO(block),
                # Arrow parses 1 MB blocks in parallel; large_string is what pandas keeps text in, so no copy follows.
                read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 20),
                parse_options=pa_csv.ParseOptions(delimiter=self.delimiter, newlines_in_values=True),
                # Every column as text, and blanks as "" rather than null: the quarantine keeps cells as they came.
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.large_string()), strings_can_be_null=False
                ),
            )
        except pa.ArrowInvalid:
            # A row whose cell count differs from the header's, or a quoted cell cut off at the end of the file.
            return self._parse_exactly(block, names)
        return table, {}

    def _parse_exactly(self, block: bytes, names: list[str]) -> tuple[pa.Table, dict[str, np.ndarray]]:
        """Python's csv module, which keeps every row: short rows padded, long ones' surplus cells set aside."""
        width = len(names)
        columns: list[list[str]] = [[] for _ in names]
        malformed: list[bool] = []
        extra: list[str] = []
        for row in csv.reader(io.StringIO(block.decode("utf-8"), newline=""), delimiter=self.delimiter):
            if not row:
                continue  # an empty line is not a record, as for Arrow
            cells = row[:width] + [""] * (width - len(row))
            for column, cell in zip(columns, cells, strict=True):
                column.append(cell)
            malformed.append(len(row) != width)
            extra.append(self.delimiter.join(row[width:]))
        table = pa.table([pa.array(column, pa.string()) for column in columns], names=names)
        flags = np.array(malformed, dtype=bool)
        return table, {MALFORMED_FLAG: flags, EXTRA_CELLS: np.array(extra, dtype=object)}


def _first_record_end(data: bytes, start: int) -> int:
    """Offset just past the first newline outside quotes at or after `start`; -1 when there is none.

    A doubled quote inside a quoted cell toggles the state twice, so a newline ends a record exactly when
    the number of quote characters before it (from a record start) is even.
    """
    inside = False
    position = start
    while (newline := data.find(b"\n", position)) >= 0:
        inside ^= data.count(b'"', position, newline) % 2 == 1
        if not inside:
            return newline + 1
        position = newline + 1
    return -1


def _last_record_end(data: bytes) -> int:
    """Offset just past the last newline of `data`, which starts a record, that lies outside quotes; -1 if none."""
    quotes_total = data.count(b'"')
    position = len(data)
    while (newline := data.rfind(b"\n", 0, position)) >= 0:
        if (quotes_total - data.count(b'"', newline)) % 2 == 0:
            return newline + 1
        position = newline
    return -1


def _line_of(path: Path, offset: int) -> int:
    """1-based physical line number of the byte at `offset` (the header is line 1)."""
    with path.open("rb") as handle:
        return handle.read(offset).count(b"\n") + 1


def _record_blocks(path: Path, start: int) -> Iterator[bytes]:
    """The file from `start` (a record start) in blocks of about CSV_BLOCK_BYTES that each end with a whole
    record. The last block holds whatever is left, even a record whose quoted cell never closes (a truncated
    file). Quote counting assumes RFC 4180 quoting, as Excel and form tools write it; a stray quote inside an
    unquoted cell of a file larger than one block can misplace a cut, and the rows around it then reach the
    quarantine as malformed rather than being lost."""
    pending = b""
    with path.open("rb") as handle:
        handle.seek(start)
        while chunk := handle.read(CSV_BLOCK_BYTES):
            data = pending + chunk
            cut = _last_record_end(data)
            if cut < 0:
                pending = data
                continue
            pending = data[cut:]
            yield data[:cut]
    if pending.strip(b"\r\n"):
        yield pending


# --- XLSX --------------------------------------------------------------------------------------------


class _UncachedFormula(str):
    """The text of a formula cell saved without a computed value."""


def _cell_text(value: object) -> str:
    """One cell as text, as pandas' `read_excel(dtype=str)` gives it (a whole float without ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _XlsxReader(_Reader):
    """The first sheet, with the column names in its first row.

    Cells to the right of the header's last column are kept in `_sel_tambahan` (joined by ";"): a sheet
    places every cell by column, so, unlike a CSV row, such a row is not shifted and stays usable.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        rows = self._rows()
        try:
            first = next(rows, ())
        except Exception:  # openpyxl reports a damaged workbook with many exception types
            raise _unreadable(path, "Excel (.xlsx)") from None
        finally:
            rows.close()
        header = list(first)
        while header and header[-1] is None:
            header.pop()
        self.header = [f"Unnamed: {position}" if cell is None else _cell_text(cell) for position, cell in enumerate(header)]

    def _rows(self) -> Iterator[tuple]:
        """Rows of cached values (what Excel shows); a row missing from the XML comes back empty."""
        from openpyxl import load_workbook
        from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

        class CachedValues(WorkSheetParser):
            def parse_cell(self, element):
                cell = super().parse_cell(element)
                if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                    cell["value"] = _UncachedFormula("=" + (element.findtext(FORMULA_TAG) or ""))
                return cell

        workbook = load_workbook(self.path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            with sheet._get_source() as source:
                parser = CachedValues(
                    source,
                    sheet._shared_strings,
                    data_only=True,
                    epoch=workbook.epoch,
                    date_formats=workbook._date_formats,
                    timedelta_formats=workbook._timedelta_formats,
                )
                expected = 1
                for number, cells in parser.parse():
                    for _ in range(expected, number):
                        yield ()
                    expected = number + 1
                    row: list[object] = [None] * max((cell["column"] for cell in cells), default=0)
                    for cell in cells:
                        row[cell["column"] - 1] = cell["value"]
                    yield tuple(row)
        finally:
            workbook.close()

    def tables(self) -> Iterator[tuple[pa.Table, dict[str, np.ndarray]]]:
        names = [f"c{position}" for position in range(len(self.header))]
        rows = self._rows()
        try:
            next(rows, None)  # the header
            batch: list[tuple] = []
            for row in rows:
                batch.append(row)
                if len(batch) == XLSX_BATCH_ROWS:
                    yield self._table(batch, names)
                    batch = []
            if batch:
                yield self._table(batch, names)
        except (InputFileError, OSError):
            raise
        except Exception:  # openpyxl reports a damaged workbook with many exception types
            raise _unreadable(self.path, "Excel (.xlsx)") from None
        finally:
            rows.close()

    def _table(self, rows: list[tuple], names: list[str]) -> tuple[pa.Table, dict[str, np.ndarray]]:
        width = len(names)
        columns: list[list[str]] = [[] for _ in names]
        formula = np.zeros(len(rows), dtype=bool)
        extra = np.full(len(rows), "", dtype=object)
        for index, row in enumerate(rows):
            cells = (*row[:width], *((None,) * (width - len(row))))
            for column, cell in zip(columns, cells, strict=True):
                column.append(_cell_text(cell))
            formula[index] = any(isinstance(cell, _UncachedFormula) for cell in row)
            if len(row) > width:
                extra[index] = ";".join(_cell_text(cell) for cell in row[width:]).rstrip(";")
        table = pa.table([pa.array(column, pa.string()) for column in columns], names=names)
        flags: dict[str, np.ndarray] = {}
        if formula.any():
            flags[FORMULA_FLAG] = formula
        if (extra != "").any():
            flags[EXTRA_CELLS] = extra
        return table, flags


# --- Parquet -----------------------------------------------------------------------------------------


class _ParquetReader(_Reader):
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.file = pq.ParquetFile(path)
        except (pa.ArrowException, OSError):
            raise _unreadable(path, "Parquet") from None
        self.header = list(self.file.schema_arrow.names)

    def tables(self) -> Iterator[tuple[pa.Table, dict[str, np.ndarray]]]:
        try:
            for batch in self.file.iter_batches(batch_size=PARQUET_BATCH_ROWS, use_pandas_metadata=False):
                yield pa.Table.from_batches([batch]), {}
        except (pa.ArrowException, OSError):
            raise _unreadable(self.path, "Parquet") from None


def _unreadable(path: Path, kind: str) -> InputFileError:
    return InputFileError(
        f"{path}: tidak dapat dibaca sebagai file {kind}; file rusak, terpotong, atau bukan file {kind}."
    )
