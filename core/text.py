"""Text folding shared by every package that compares words typed by people."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case without accents: "Bélitung" -> "belitung". Casefold first, so "ẞ" and "ß" agree."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
