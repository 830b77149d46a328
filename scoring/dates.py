"""Submission times written the way Indonesian forms write them, turned into ISO 8601 text.

A mapping file lists strptime formats ("%d/%m/%Y %H.%M.%S" for "03/03/2025 14.05.12"); each cell is read
with the first format that fits. Month names may be Indonesian ("3 Maret 2025", "3 Agu 2025") where a format
has `%B` or `%b`. A cell no format fits is left as it was, so that an ISO 8601 time still reads and anything
else reaches the quarantine as `waktu_tidak_valid`. Times without a UTC offset stay local; the quality
rules read them as Jakarta time (WIB), as for every export.
"""

from __future__ import annotations

import re

import pandas as pd

# Indonesian month names and abbreviations, to the English ones strptime knows.
_MONTHS = {
    "januari": "January", "februari": "February", "pebruari": "February", "maret": "March", "april": "April",
    "mei": "May", "juni": "June", "juli": "July", "agustus": "August", "september": "September",
    "oktober": "October", "november": "November", "nopember": "November", "desember": "December",
    "jan": "Jan", "feb": "Feb", "peb": "Feb", "mar": "Mar", "apr": "Apr", "jun": "Jun", "jul": "Jul",
    "agu": "Aug", "agt": "Aug", "ags": "Aug", "sep": "Sep", "okt": "Oct", "nov": "Nov", "nop": "Nov", "des": "Dec",
}  # fmt: skip
_MONTH_WORD = re.compile(r"(?i)\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?")
_DATE_PARTS = ({"%Y", "%y"}, {"%m", "%b", "%B"}, {"%d"})
ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def format_problem(fmt: str) -> str | None:
    """Why a format cannot read a submission time (no year, month or day), or None when it can."""
    missing = [" atau ".join(sorted(part)) for part in _DATE_PARTS if not any(code in fmt for code in part)]
    return f"format tanggal '{fmt}' tidak memuat {', '.join(missing)}" if missing else None


def english_months(text: pd.Series) -> pd.Series:
    return text.str.replace(_MONTH_WORD, lambda match: _MONTHS[match.group(1).lower()], regex=True)


def to_iso(text: pd.Series, formats: list[str]) -> pd.Series:
    """Cells read with the first fitting format, as ISO 8601 text; cells no format fits, unchanged."""
    if not formats:
        return text
    stripped = text.fillna("").astype("str").str.strip()
    result = text.astype("str").copy()
    pending = pd.Series(True, index=text.index)
    for fmt in formats:
        if not pending.any():
            break
        cells = stripped[pending]
        if "%b" in fmt or "%B" in fmt:
            cells = english_months(cells)
        parsed = pd.to_datetime(cells, format=fmt, errors="coerce")
        read = parsed.notna()
        result[read[read].index] = parsed[read].dt.strftime(ISO_FORMAT)
        pending[read[read].index] = False
    return result
