"""Provisional numbers in guidance carry the provisional marker.

The 2025 weights are the project's choice, the dimension weights (30/23/22/25) are sums of the
2023/2024 variable weights rather than published figures, and the category cut-offs are the project's
bands: a line of a guidance document that states one of them — or places a score in a category, which
applies the cut-offs — must say "sementara" (provisional) or "turunan" (derived) on the same line.
The numbers are taken from the methodology files, not typed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from knowledge.guidance import load_guidance
from scoring.methodology import Methodology, load_methodology

MARKER = re.compile(r"\b(?:sementara|turunan)\b", re.IGNORECASE)
# "kategori", a category name ("harmoni sedang", "Sedang"); not "skor rendah" or "lebih tinggi"
CATEGORY_WORD = re.compile(r"\b[Kk]ategori\b|\b[Hh]armoni\s+(?:[Rr]endah|[Ss]edang|[Tt]inggi)\b|\b(?:Rendah|Sedang|Tinggi)\b")
SCORE = re.compile(r"(?<![\d,.])(?:10|\d),\d{1,2}(?![\d,])")


def indonesian(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


@dataclass(frozen=True)
class ProvisionalNumbers:
    dimension_weights: frozenset[str]  # "30", "23", ... (percent)
    variable_weights: frozenset[str]  # "15,00", "11,50", ... (percent) and fractions "0,15", "0,115", ...
    cut_offs: frozenset[str]  # "6", "8" (inner band edges, written 6, 6,0 or 6,00)

    @classmethod
    def from_methodologies(cls, current: Methodology, earlier: Methodology) -> ProvisionalNumbers:
        assert current.weights_provisional and current.categories.provisional and not earlier.weights_provisional
        dims = {
            str(round(sum(v.weight for v in m.variables_of(d)))) for m in (current, earlier) for d in m.dimension_keys
        }
        weights = {indonesian(v.weight, 2) for v in current.variables}
        weights |= {indonesian(v.weight / 100, 3).rstrip("0") for v in current.variables}
        cuts = {indonesian(band.lower, 0) for band in current.categories.bands if band.lower > current.categories.bands[0].lower}
        return cls(frozenset(dims), frozenset(weights), frozenset(cuts))


def unmarked_lines(text: str, numbers: ProvisionalNumbers) -> list[str]:
    """Lines stating a provisional number without the marker."""
    dims = "|".join(sorted(numbers.dimension_weights))
    dimension_weight = re.compile(rf"(?<![\d,])(?:{dims})\s?%|(?<!\d)(?:{dims})(?:/(?:{dims})){{3}}(?!\d)")
    variable_weight = re.compile(
        r"(?<![\d,])(?:" + "|".join(re.escape(w) for w in sorted(numbers.variable_weights)) + r")(?![\d])"
    )
    cut_off = re.compile(r"(?<![\w,.])(?:" + "|".join(sorted(numbers.cut_offs)) + r")(?:,0{1,2})?(?![\d,])")
    flagged = []
    for line in text.splitlines():
        if MARKER.search(line):
            continue
        states_2025_weight = bool(re.search(r"\bV[1-8]\b|(?i:kerangka 2025)", line)) and bool(variable_weight.search(line))
        applies_bands = bool(CATEGORY_WORD.search(line)) and bool(cut_off.search(line) or SCORE.search(line))
        if dimension_weight.search(line) or states_2025_weight or applies_bands:
            flagged.append(line.strip())
    return flagged


@pytest.fixture(scope="module")
def numbers() -> ProvisionalNumbers:
    return ProvisionalNumbers.from_methodologies(load_methodology("ihai-2025"), load_methodology("ihai-2023"))


def test_numbers_come_from_the_methodologies(numbers: ProvisionalNumbers) -> None:
    assert len(numbers.dimension_weights) == 4 and len(numbers.cut_offs) == 2
    assert numbers.variable_weights  # percent and fraction forms of each 2025 weight


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("**Ekonomi ({dim}%)**", True),
        ("**Ekonomi ({dim}%, bobot turunan)**", False),
        ("Dimensi ini paling berat bobotnya, yaitu **{dim}%**.", True),
        ("bobot dimensi {dims}", True),
        ("- V1 Ketahanan Pangan — {weight}%", True),
        ("- V1 Ketahanan Pangan — {weight}% (sementara)", False),
        ("- **Harmoni Sedang**: {cut},00 sampai di bawah 9,00", True),
        ("Skor 7,90 berada di kategori Sedang.", True),
        ("Skor 7,90 berada di kategori Sedang menurut batas sementara.", False),
        ("Sebagian besar wilayah masuk kategori harmoni sedang.", False),
    ],
)
def test_the_check_flags_unmarked_numbers(numbers: ProvisionalNumbers, line: str, flagged: bool) -> None:
    dim = sorted(numbers.dimension_weights)[0]
    text = line.format(
        dim=dim,
        dims="/".join(sorted(numbers.dimension_weights)),
        weight=sorted(w for w in numbers.variable_weights if not w.startswith("0,"))[0],
        cut=sorted(numbers.cut_offs)[0],
    )
    assert bool(unmarked_lines(text, numbers)) is flagged, text


def test_guidance_marks_every_provisional_number(numbers: ProvisionalNumbers) -> None:
    problems = {d.id: lines for d in load_guidance() if (lines := unmarked_lines(d.body, numbers))}
    assert not problems, problems
