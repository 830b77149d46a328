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
    """The workbook being written; `sheet` adds one table."""

    def __init__(self, path: Path, methodology: Methodology) -> None:
        self.book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": False})
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
        sheet = sheet or self.book.add_worksheet(name)
        columns = list(frame.columns)
        widths = []
        for position, column in enumerate(columns):
            label = neutralise(headers.get(column, str(column)))
            sheet.write_string(start_row, position, label, self.header)
            values = frame[column].tolist()
            longest = len(label) // 2 + 1
            for offset, raw in enumerate(values, start=start_row + 1):
                value = display_value(raw, column)
                if value is None:
                    continue
                if isinstance(value, str):
                    text = neutralise(value)
                    sheet.write_string(offset, position, text, self.bands.get(text) if column in categories else None)
                    longest = max(longest, len(text))
                else:
                    sheet.write_number(offset, position, value, self.formats[number_format(column, value)])
                    longest = max(longest, 10 if isinstance(value, float) else len(f"{value:,}"))
            widths.append(min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH))
        for position, width in enumerate(widths):
            sheet.set_column(position, position, width)
        if start_row == 0:
            sheet.freeze_panes(1, 0)
        if filters and columns:
            sheet.autofilter(start_row, 0, start_row + len(frame), len(columns) - 1)
        return sheet


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
