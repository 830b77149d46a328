"""`results.xlsx`, the officials' workbook: the results as an official reads them in Excel.

Every number is stored at full precision and shown rounded by its cell format (scores with two decimals,
counts as whole numbers), so the workbook still equals `results.parquet` value for value. Labels are
Indonesian: Ya/Tidak for flags, Kabupaten/Kota, Provinsi or Nasional for the level; a missing figure is an
empty cell. Each sheet has its header row frozen, a filter on it and column widths that fit; the category
cell is coloured by its band. Sheets: this round's kab/kota, provinces and nation, one sheet per other
round found beside it, the trend across rounds, the methodology and the data quality (quarantine) summary.

Text is written as text (`write_string`, never a formula) and through the formula-injection guard
(`scoring.formula_guard`), so a cell that starts with "=" shows with its leading apostrophe, as in the CSVs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from scoring.formula_guard import neutralise
from scoring.methodology import Methodology
from scoring.rounds import RoundTable, trend_table

LEVEL_LABELS = {"kabkota": "Kabupaten/Kota", "provinsi": "Provinsi", "nasional": "Nasional"}
YES, NO = "Ya", "Tidak"
SCORE_FORMAT = "0.00"
COUNT_FORMAT = "#,##0"
YEAR_FORMAT = "0"
# Band colours from the lowest band up (light, so that the figures stay readable printed in grey).
BAND_COLOURS = ("#F4CCCC", "#FFF2CC", "#D9EAD3", "#CFE2F3")
_MIN_WIDTH, _MAX_WIDTH = 6, 48
def display_value(value: object, column: str) -> object:
    """A cell's value as the workbook stores it: Ya/Tidak, the level's label, None for missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return YES if value else NO
    if column == "level":
        return LEVEL_LABELS.get(str(value), str(value))
    return value.item() if isinstance(value, np.generic) else value


def number_format(column: str, value: float | int) -> str:
    """Whole numbers (counts, ranks) with thousands separators, the year as it is, every other number (scores,
    shares, standard errors) with two decimals."""
    if column == "year":
        return YEAR_FORMAT
    return COUNT_FORMAT if isinstance(value, int) else SCORE_FORMAT


class Workbook:
    """The workbook being written; `sheet` adds one table. A column's values are converted once
    (`display_value`, the formula guard, the format), then written row by row."""

    def __init__(self, path: Path, methodology: Methodology, label: str | None = None) -> None:
        """`label`: what every sheet says at its top when printed and what the file's properties say (the
        synthetic-data notice), so no page or preview of sample figures passes for official ones."""
        self.book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": False})
        self.label = label
        if label:
            self.book.set_properties({"title": label, "subject": label, "comments": label})
        self.header = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDDDDD", "border": 1})
        self.formats = {fmt: self.book.add_format({"num_format": fmt}) for fmt in (SCORE_FORMAT, COUNT_FORMAT, YEAR_FORMAT)}
        self.bands = {
            band.label: self.book.add_format({"bg_color": BAND_COLOURS[index % len(BAND_COLOURS)]})
            for index, band in enumerate(methodology.categories.bands)
        }

    def close(self) -> None:
        self.book.close()

    def sheet(
        self,
        name: str,
        frame: pd.DataFrame,
        headers: dict[str, str],
        categories: Sequence[str] = ("category",),
        start_row: int = 0,
        sheet=None,
        filters: bool = True,
    ):
        """Write `frame` (its columns named by `headers`) at `start_row`; return the worksheet."""
        if sheet is None:
            sheet = self.book.add_worksheet(name)
            if self.label:
                sheet.set_header("&C" + self.label.replace("&", "&&"))
        columns = list(frame.columns)
        labels = [neutralise(headers.get(column, str(column))) for column in columns]
        cells = [self._cells(frame[column], column, column in categories) for column in columns]
        for position, label in enumerate(labels):
            sheet.write_string(start_row, position, label, self.header)
        for offset in range(len(frame)):
            row = start_row + 1 + offset
            for position, column in enumerate(cells):
                cell = column[offset]
                if cell is not None:
                    (sheet.write_string if isinstance(cell[0], str) else sheet.write_number)(row, position, *cell)
        for position, (label, column) in enumerate(zip(labels, cells, strict=True)):
            sheet.set_column(position, position, _width(label, column))
        if start_row == 0:
            sheet.freeze_panes(1, 0)
        if filters and columns:
            sheet.autofilter(start_row, 0, start_row + len(frame), len(columns) - 1)
        return sheet

    def _cells(self, values: pd.Series, column: str, coloured: bool) -> list[tuple | None]:
        """Each cell of a column as the arguments of its write call (value, format), None when empty."""
        cells: list[tuple | None] = []
        for raw in values.tolist():
            value = display_value(raw, column)
            if value is None:
                cells.append(None)
            elif isinstance(value, str):
                text = neutralise(value)
                cells.append((text, self.bands.get(text) if coloured else None))
            else:
                cells.append((value, self.formats[number_format(column, value)]))
        return cells


def _width(label: str, cells: list[tuple | None]) -> int:
    """A column width that fits its longest cell (numbers shown with two decimals fit in 10)."""
    longest = len(label) // 2 + 1
    for cell in cells:
        if cell is not None:
            value = cell[0]
            longest = max(longest, len(value) if isinstance(value, str) else (10 if isinstance(value, float) else len(f"{value:,}")))
    return min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH)


def trend_headers(rounds: Sequence[RoundTable]) -> dict[str, str]:
    """Indonesian headers of `trend_table`'s columns."""
    ordered = sorted(rounds, key=lambda entry: entry.year)
    headers = {"code": "Kode", "name": "Nama Wilayah", "level": "Tingkat", "province_name": "Provinsi"}
    for entry in ordered:
        headers[f"ihai_{entry.year}"] = f"IHaI {entry.year} ({entry.methodology})"
        headers[f"category_{entry.year}"] = f"Kategori {entry.year}"
    for before, after in zip(ordered, ordered[1:], strict=False):
        pair = f"{before.year}–{after.year}"
        headers[f"change_{before.year}_{after.year}"] = f"Perubahan {pair}"
        headers[f"significant_{before.year}_{after.year}"] = f"Perubahan {pair} Bermakna"
        headers[f"framework_changed_{before.year}_{after.year}"] = f"Kerangka Berganti {pair}"
    return headers


def trend_sheet(workbook: Workbook, rounds: Sequence[RoundTable], z: float) -> None:
    table = trend_table(rounds, z)
    categories = [column for column in table.columns if column.startswith("category_")]
    workbook.sheet("Tren", table, trend_headers(rounds), categories=categories)
