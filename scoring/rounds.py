"""Survey rounds: one results folder per year under the results root (`data/results/2023/`, `…/2024/`, …),
and what can be said about a change from one round to the next.

Each round keeps the framework it was scored with (its manifest and `methodology` column): the 2023 and
2024 rounds used the 10-variable framework, 2025 the 8-variable one. Across a change of framework the IHaI
and the four dimensions are compared (the same dimensions, on the same 0–10 scale); variables only within
one framework.

A change between two rounds is "larger than its uncertainty" when the difference test rejects "no change"
at the framework's confidence level: |b − a| > z · sqrt(se_a² + se_b²), the rounds being independent
samples. This is sharper than asking whether the two intervals overlap (two 95% intervals may overlap while
the difference is significant), and the answers say which test they use.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scoring.results import MANIFEST_JSON, RESULTS_PARQUET, Results, ResultsError, dimension_column, load_results

_YEAR_FOLDER = re.compile(r"^(19|20)\d\d$")
DIFFERENCE_TEST = "uji beda dua putaran (selisih dibanding galat baku gabungan, tingkat kepercayaan 95%)"


def round_directory(root: Path, year: int) -> Path:
    """Where `ihai score` writes a round by default: `<results root>/<year>/`."""
    return root / str(year)


def _holds_results(directory: Path) -> bool:
    return (directory / RESULTS_PARQUET).is_file() and (directory / MANIFEST_JSON).is_file()


def round_directories(root: Path) -> list[Path]:
    """Folders under `root` named by a year that hold results, and `root` itself when it holds results (the
    layout before rounds, one results set directly in `data/results/`)."""
    if not root.is_dir():
        return []
    found = [path for path in sorted(root.iterdir()) if path.is_dir() and _YEAR_FOLDER.match(path.name) and _holds_results(path)]
    return ([root] if _holds_results(root) else []) + found


@dataclass(frozen=True)
class Rounds:
    """Every loaded round, oldest first; the latest gives the current figures."""

    rounds: tuple[Results, ...]

    @property
    def latest(self) -> Results:
        return self.rounds[-1]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(round_year(results) for results in self.rounds)

    def get(self, year: int) -> Results | None:
        return next((results for results in self.rounds if round_year(results) == year), None)


def round_year(results: Results) -> int:
    year = results.manifest.get("year")
    return int(year) if year is not None else int(results.table["year"].iloc[0])


def load_rounds(root: Path) -> Rounds:
    """Every round under the results root (see `round_directories`), oldest first.

    Raises:
        ResultsError: no round, a round that cannot be read, or two folders holding the same year (a year
            folder wins over results left directly in the root by an older version).
    """
    directories = round_directories(root)
    if not directories:
        raise ResultsError(f"Hasil IHaI belum ada di {root}. Jalankan: ihai score <file-survei> (hasil ke {root}/<tahun>)")
    by_year: dict[int, Results] = {}
    for directory in directories:
        results = load_results(directory)
        year = round_year(results)
        earlier = by_year.get(year)
        if earlier is not None and earlier.directory != root:
            raise ResultsError(
                f"Dua folder hasil untuk putaran {year}: {earlier.directory} dan {directory}. Hapus atau pindahkan salah satu."
            )
        by_year[year] = results
    return Rounds(tuple(by_year[year] for year in sorted(by_year)))


def sibling_rounds(directory: Path) -> list[Results]:
    """The readable rounds in the year folders beside `directory` (for the workbook of the round written
    there). One that cannot be read is left out: it is not this run's output, and `ihai score` of that
    round reports it."""
    found = []
    for other in round_directories(directory.absolute().parent):
        if other.name != directory.name and other != directory.absolute().parent:
            try:
                found.append(load_results(other))
            except ResultsError:
                continue
    return found


def comparable_metrics(first: Results, second: Results) -> list[str]:
    """The figures two rounds share: the IHaI and the dimensions always (the same four in every framework),
    the variables only when both rounds used the same framework."""
    dimensions = [dimension_column(key) for key in first.methodology.dimension_keys if key in second.methodology.dimension_keys]
    same = first.methodology.id == second.methodology.id
    return ["ihai", *dimensions, *(first.methodology.variable_keys if same else [])]


@dataclass(frozen=True)
class Change:
    """From one round to the next: the difference, its standard error and whether it exceeds the uncertainty
    (None when a standard error is missing)."""

    difference: float
    se: float | None
    significant: bool | None

    @property
    def direction(self) -> str:
        return "naik" if self.difference > 0 else ("turun" if self.difference < 0 else "tetap")


def change(before: float, before_se: float | None, after: float, after_se: float | None, z: float) -> Change:
    """The difference test of the module doc; without both standard errors only the difference."""
    difference = after - before
    if before_se is None or after_se is None or math.isnan(before_se) or math.isnan(after_se):
        return Change(difference, None, None)
    se = math.hypot(before_se, after_se)
    return Change(difference, se, abs(difference) > z * se if se > 0 else difference != 0)


def framework_breaks(methodology_ids: Sequence[str], years: Sequence[int]) -> list[int]:
    """The years whose round used another framework than the round before it."""
    return [years[index] for index in range(1, len(years)) if methodology_ids[index] != methodology_ids[index - 1]]


@dataclass(frozen=True)
class RoundTable:
    """One round's results table with its year and framework, as the trend table reads it."""

    year: int
    methodology: str
    table: pd.DataFrame


def trend_table(rounds: Sequence[RoundTable], z: float) -> pd.DataFrame:
    """One row per region in any round (code order): its IHaI and category in each round, and for each pair
    of consecutive rounds the change, whether it exceeds its uncertainty (`change`) and whether the framework
    changed between them. Values are NA where a round has no published figure."""
    ordered = sorted(rounds, key=lambda entry: entry.year)
    identity = pd.concat([entry.table[["code", "name", "level", "province_name"]] for entry in reversed(ordered)])
    frame = identity.drop_duplicates("code").sort_values("code").set_index("code")
    for entry in ordered:
        indexed = entry.table.set_index("code")
        frame[f"ihai_{entry.year}"] = indexed["ihai"].astype("float64")
        frame[f"se_{entry.year}"] = indexed["ihai_se"].astype("float64")
        frame[f"category_{entry.year}"] = indexed["category"]
    for before, after in zip(ordered, ordered[1:], strict=False):
        a, b = frame[f"ihai_{before.year}"], frame[f"ihai_{after.year}"]
        se = np.hypot(frame[f"se_{before.year}"], frame[f"se_{after.year}"])
        present = a.notna() & b.notna() & se.notna()
        frame[f"change_{before.year}_{after.year}"] = b - a
        significant = pd.Series((b - a).abs() > z * se, index=frame.index, dtype="boolean")
        frame[f"significant_{before.year}_{after.year}"] = significant.mask(~present)
        frame[f"framework_changed_{before.year}_{after.year}"] = before.methodology != after.methodology
    return frame.drop(columns=[f"se_{entry.year}" for entry in ordered]).reset_index()
