"""Indonesian number formatting (comma decimals, dot thousands), shared by region cards and bot replies."""

from __future__ import annotations

import math
from collections.abc import Iterable

_DASH = "–"
_MAX_DECIMALS = 6


def number(value: float | None, decimals: int = 2) -> str:
    """6.7234 -> "6,72"; 1302.5 -> "1.302,50"."""
    if value is None or math.isnan(value):
        return _DASH
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def count(value: int) -> str:
    """1302 -> "1.302"."""
    return number(int(value), 0)


def percent(value: float, decimals: int = 0) -> str:
    """A share as a percentage: 1.0416 -> "104%"."""
    return f"{number(value * 100, decimals)}%"


def interval(low: float, high: float) -> str:
    """6.51, 6.9 -> "6,51–6,90"."""
    return f"{number(low)}{_DASH}{number(high)}"


def chance(probability: float) -> str:
    """A probability as Indonesians read it; 0.996 is "lebih dari 99%", never a misleading "100%"."""
    return "lebih dari 99%" if probability >= 0.995 else percent(probability)


def score(value: float | None, edges: Iterable[float]) -> str:
    """Two decimals, or more where two would round a score up onto a category edge that it lies below:
    5.996 is "Harmoni Rendah" (below 6.00), so it reads "5,996", never "6,00"."""
    if value is None or math.isnan(value):
        return _DASH
    below = [edge for edge in edges if edge > value]
    decimals = 2
    while decimals < _MAX_DECIMALS and any(round(value, decimals) >= edge for edge in below):
        decimals += 1
    if any(round(value, decimals) >= edge for edge in below):  # a hair below an edge: cut, do not round
        value = math.floor(value * 10**decimals) / 10**decimals
    return number(value, decimals)
