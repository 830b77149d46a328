"""Text folding shared by every package that compares words typed by people."""

from __future__ import annotations

import re
import unicodedata

# A full stop between digit groups is a thousands separator in Indonesian: "1.250" is one number.
_THOUSANDS = re.compile(r"(?<=\d)\.(?=\d{3}\b)")


def fold(text: str) -> str:
    """Lower-case without accents: "Bélitung" -> "belitung". Casefold first, so "ẞ" and "ß" agree."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def join_thousands(text: str) -> str:
    """ "1.250 responden" -> "1250 responden": a number typed with thousands separators stays one token."""
    return _THOUSANDS.sub("", text)
