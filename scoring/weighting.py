"""Population weighting within each kab/kota: post-stratification on one variable, raking on several.

The e-survey is not a probability sample: respondents select themselves, so a kab/kota where mostly young
men answered is not that kab/kota's population. `ihai score --weighting sex[,age_group] --population FILE`
calibrates each accepted respondent's weight (the export's `weight`, 1 when absent) to the user's own
population table, separately in every kab/kota. Unweighted stays the default.

Population table (CSV, comma or semicolon): columns `kabkota` (code or official name), `variabel`
(`sex` or `age_group`), `kategori` (as the respondents' `sex`/`age_group` cells, compared like answer
labels: case, spacing and punctuation do not matter) and `jumlah` (people; "1.234.567" and "1234567" both
read). The order of a variable's categories in the file is their order for collapsing (age groups youngest
first).

Rules:
- Cells (kab/kota × category) with fewer than `min_cell` respondents (default 20), or with no population, are
  collapsed: the smallest such cell is merged with its smaller neighbour in the file's order, and again,
  until every cell has enough respondents and people or one cell is left. A variable left with one cell is
  not used in that kab/kota. A kab/kota without population rows for a variable does not use it either.
- One variable left in a kab/kota: post-stratification, w = d · N_c / Σ_c d. Two or more: raking (iterative
  proportional fitting) from d until every margin holds to 1e-12 relative; each margin's counts are taken as
  shares of the first variable's total, so margins from sources with different totals still agree.
  No variable left: the kab/kota stays unweighted, and the results say so.
- Respondents whose category is blank or not in the table are quarantined before (`kategori_tidak_dikenal`).

Standard errors: Taylor linearisation of the weighted mean with the calibration taken into account, as R's
`survey` package and `svy` compute it: the respondent scores zᵢ = wᵢ(yᵢ − ȳ) are centred within the cells,
once with the cells' weighted means for post-stratification, and by ten sweeps over the margins with their
plain means of zᵢ/wᵢ for raking (R's and svy's fixed count; tests/scoring/test_weighting.py checks svy's
figures to 1e-9).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.gazetteer import Gazetteer
from scoring.ingest import InputFileError, check_readable
from scoring.quality import category_key
from scoring.results import UNWEIGHTED

WEIGHTING_VARIABLES = ("sex", "age_group")
DEFAULT_MIN_CELL = 20
RAKING_SWEEPS = 10
RAKING_TOLERANCE = 1e-12
RAKING_MAX_ITERATIONS = 10_000
POPULATION_COLUMNS = ("kabkota", "variabel", "kategori", "jumlah")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")

POSTSTRATIFICATION, RAKING = "pascastratifikasi", "raking"


class WeightingError(InputFileError):
    """A weighting request or population table that cannot be used; the message names the file and the problem."""


def parse_variables(text: str) -> tuple[str, ...]:
    """"sex,age_group" -> ("sex", "age_group"); refuses unknown or repeated names."""
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in WEIGHTING_VARIABLES]
    if not names or unknown or len(set(names)) != len(names):
        raise WeightingError(
            f"--weighting '{text}' tidak valid: sebutkan {' dan/atau '.join(WEIGHTING_VARIABLES)}, dipisah koma, "
            "masing-masing sekali."
        )
    return names


def method_name(variables: tuple[str, ...]) -> str:
    """The manifest's name of the method for `variables`: "none", "poststratification" or "raking"."""
    return ("none", "poststratification")[len(variables)] if len(variables) < 2 else "raking"


def method_label(variables: tuple[str, ...]) -> str:
    """The results' `weighting` text for a kab/kota weighted on `variables`."""
    if not variables:
        return UNWEIGHTED
    return f"{POSTSTRATIFICATION if len(variables) == 1 else RAKING}: {', '.join(variables)}"


@dataclass(frozen=True)
class Population:
    """A population table: per variable, kab/kota × category counts, categories in the file's order."""

    path: Path
    sha256: str
    counts: dict[str, pd.DataFrame]  # variable -> frame indexed by kab/kota code, one column per category key
    labels: dict[str, dict[str, str]]  # variable -> category key -> label as written

    def categories(self) -> dict[str, frozenset[str]]:
        return {variable: frozenset(frame.columns) for variable, frame in self.counts.items()}


def _count(text: str) -> float:
    cleaned = text.strip().replace(" ", "")
    if _THOUSANDS.match(cleaned):
        cleaned = re.sub(r"[.,]", "", cleaned)
    return float(cleaned.replace(",", "."))


def load_population(path: Path, variables: tuple[str, ...], gazetteer: Gazetteer) -> Population:
    """Read a population table for `variables`.

    Raises:
        WeightingError: unreadable file, missing columns, an unknown kab/kota or variable, a count that is not
            a non-negative number, a row given twice, or a requested variable without rows (rows named).
    """
    path = Path(path)
    check_readable(path, "tabel populasi", WeightingError)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
        first_line = text.partition("\n")[0]
        table = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=";" if first_line.count(";") > first_line.count(",") else ","
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise WeightingError(f"{path}: tabel populasi tidak dapat dibaca sebagai CSV UTF-8 ({error}).") from None
    table.columns = [str(name).strip().lower() for name in table.columns]
    missing = [name for name in POPULATION_COLUMNS if name not in table.columns]
    if missing:
        raise WeightingError(f"{path}: kolom tabel populasi tidak ada: {', '.join(missing)} (perlu: {', '.join(POPULATION_COLUMNS)}).")

    problems: list[str] = []
    rows = table.assign(line=np.arange(2, len(table) + 2))
    codes = gazetteer.resolve_kabkota_codes(rows["kabkota"].str.strip())
    for line, name in zip(rows.loc[codes.isna(), "line"], rows.loc[codes.isna(), "kabkota"], strict=True):
        problems.append(f"baris {line}: kab/kota '{name}' tidak dikenal")
    rows["code"] = codes
    rows["variabel"] = rows["variabel"].str.strip()
    unknown = rows[~rows["variabel"].isin(WEIGHTING_VARIABLES)]
    problems += [f"baris {line}: variabel '{name}' bukan sex atau age_group" for line, name in zip(unknown["line"], unknown["variabel"], strict=True)]
    rows["key"] = rows["kategori"].map(category_key)
    for line, label, key in zip(rows["line"], rows["kategori"], rows["key"], strict=True):
        if not key:
            problems.append(f"baris {line}: kategori kosong ('{label}')")
    counts = []
    for line, value in zip(rows["line"], rows["jumlah"], strict=True):
        try:
            number = _count(value)
        except ValueError:
            number = float("nan")
        if not np.isfinite(number) or number < 0:
            problems.append(f"baris {line}: jumlah '{value}' bukan bilangan tidak negatif")
        counts.append(number)
    rows["count"] = counts
    repeated = rows[rows.duplicated(["code", "variabel", "key"], keep="first") & rows["code"].notna()]
    problems += [f"baris {line}: kab/kota, variabel dan kategori yang sama sudah ada sebelumnya" for line in repeated["line"]]
    for variable in variables:
        if not (rows["variabel"] == variable).any():
            problems.append(f"tidak ada baris untuk variabel '{variable}' yang diminta --weighting")
    if problems:
        shown = problems[:20] + ([f"… dan {len(problems) - 20} masalah lain"] if len(problems) > 20 else [])
        raise WeightingError(f"{path}: tabel populasi tidak valid:\n- " + "\n- ".join(shown))

    frames: dict[str, pd.DataFrame] = {}
    labels: dict[str, dict[str, str]] = {}
    for variable in variables:
        own = rows[rows["variabel"] == variable]
        order = list(dict.fromkeys(own["key"]))
        frames[variable] = own.pivot(index="code", columns="key", values="count").reindex(columns=order).fillna(0.0)
        labels[variable] = dict(zip(own["key"], own["kategori"].str.strip(), strict=False))
    return Population(path=path, sha256=hashlib.sha256(raw).hexdigest(), counts=frames, labels=labels)


def collapse(respondents: np.ndarray, people: np.ndarray, min_cell: int) -> list[list[int]]:
    """Groups of adjacent category positions after the collapsing rule (module doc); one group = unusable.

    `respondents` and `people` are per category, in the table's order.
    """
    groups = [[position] for position in range(len(respondents))]
    n = [int(count) for count in respondents]
    total = [float(count) for count in people]
    while len(groups) > 1:
        short = [index for index in range(len(groups)) if n[index] < min_cell or total[index] <= 0]
        if not short:
            break
        index = min(short, key=lambda position: (n[position], position))
        neighbours = [other for other in (index - 1, index + 1) if 0 <= other < len(groups)]
        other = min(neighbours, key=lambda position: (n[position], position))
        low, high = sorted((index, other))
        groups[low:high + 1] = [groups[low] + groups[high]]
        n[low:high + 1] = [n[low] + n[high]]
        total[low:high + 1] = [total[low] + total[high]]
    return groups


@dataclass(frozen=True)
class KabkotaPlan:
    """What weighting does in one kab/kota: the variables used and their cells (category keys)."""

    code: str
    variables: tuple[str, ...]
    cells: dict[str, list[list[str]]]
    note: str

    @property
    def label(self) -> str:
        label = method_label(self.variables)
        return f"{label} ({self.note})" if self.note else label


@dataclass(frozen=True)
class Calibration:
    """Calibrated weights of the accepted respondents, and what the standard errors need to credit them."""

    weights: np.ndarray
    variables: tuple[str, ...]
    margins: tuple[np.ndarray, ...]  # per variable: global cell id of each respondent, -1 where not used
    poststratified: np.ndarray  # respondents of kab/kota weighted on one variable
    raked: np.ndarray  # respondents of kab/kota raked on several
    plans: tuple[KabkotaPlan, ...]

    def labels(self) -> dict[str, str]:
        """Kab/kota code -> the results' `weighting` text."""
        return {plan.code: plan.label for plan in self.plans}

    def centre(self, scores: np.ndarray) -> np.ndarray:
        """Linearisation scores zᵢ = wᵢ(yᵢ − ȳ) centred within the calibration cells (see the module doc)."""
        z = scores.copy()
        w = self.weights
        # Cells of other kab/kota have no rows in a sweep: their 0/0 means are never used.
        with np.errstate(divide="ignore", invalid="ignore"):
            return self._centre(z, w)

    def _centre(self, z: np.ndarray, w: np.ndarray) -> np.ndarray:
        for cells in self.margins:
            rows = self.poststratified & (cells >= 0)
            if rows.any():
                size = cells.max() + 1
                means = np.bincount(cells[rows], z[rows], size) / np.bincount(cells[rows], w[rows], size)
                z[rows] -= w[rows] * means[cells[rows]]
        if self.raked.any():
            for _ in range(RAKING_SWEEPS):
                for cells in self.margins:
                    rows = self.raked & (cells >= 0)
                    size = cells.max() + 1
                    means = np.bincount(cells[rows], z[rows] / w[rows], size) / np.bincount(cells[rows], minlength=size)
                    z[rows] -= w[rows] * means[cells[rows]]
        return z

    def summary(self, population: Population, min_cell: int) -> dict:
        """The manifest's `weighting` entry."""
        methods = [method_name(plan.variables) for plan in self.plans]
        return {
            "method": method_name(self.variables),
            "variables": list(self.variables),
            "population": {"path": str(population.path), "sha256": population.sha256},
            "min_cell": min_cell,
            "standard_error": "linearisasi dengan sel kalibrasi (seperti R survey dan svy); raking: 10 sapuan",
            "kabkota_by_method": {name: methods.count(name) for name in ("raking", "poststratification", "none")},
            "adjusted_kabkota": [
                {"code": plan.code, "variables": list(plan.variables), "cells": plan.cells, "note": plan.note}
                for plan in self.plans
                if plan.note or any(len(cell) > 1 for cells in plan.cells.values() for cell in cells)
            ],
        }


def _plan(
    code: str, variables: tuple[str, ...], keys: dict[str, np.ndarray], population: Population, min_cell: int
) -> tuple[KabkotaPlan, dict[str, np.ndarray]]:
    """One kab/kota's plan, and per used variable each category position's cell number."""
    used: list[str] = []
    cells: dict[str, list[list[str]]] = {}
    positions: dict[str, np.ndarray] = {}
    notes: list[str] = []
    for variable in variables:
        table = population.counts[variable]
        if code not in table.index:
            notes.append(f"{variable}: populasi tidak ada")
            continue
        categories = list(table.columns)
        respondents = np.bincount(keys[variable], minlength=len(categories))
        groups = collapse(respondents, table.loc[code].to_numpy(), min_cell)
        if len(groups) < 2:
            notes.append(f"{variable}: sel terlalu kecil")
            continue
        used.append(variable)
        cells[variable] = [[categories[position] for position in group] for group in groups]
        position_cell = np.empty(len(categories), dtype=np.int64)
        for number, group in enumerate(groups):
            position_cell[group] = number
        positions[variable] = position_cell
    return KabkotaPlan(code=code, variables=tuple(used), cells=cells, note="; ".join(notes)), positions


def calibrate(
    accepted: pd.DataFrame, population: Population, variables: tuple[str, ...], min_cell: int = DEFAULT_MIN_CELL
) -> Calibration:
    """Calibrated weights for `accepted` (docs/CONTRACTS.md schema), kab/kota by kab/kota; see the module doc.

    Every respondent's category must be in the table (the quality rule `kategori_tidak_dikenal` sees to it).
    """
    design = accepted["weight"].to_numpy(dtype=np.float64)
    groups, codes = pd.factorize(accepted["kabkota"], sort=True)
    n = len(accepted)
    category_position = {}
    for variable in variables:
        order = {key: position for position, key in enumerate(population.counts[variable].columns)}
        cell_codes, values = pd.factorize(accepted[variable])
        category_position[variable] = np.array([order[category_key(value)] for value in values], dtype=np.int64)[cell_codes]

    margins = {variable: np.full(n, -1, dtype=np.int64) for variable in variables}
    targets = {variable: [] for variable in variables}
    method = np.zeros(n, dtype=np.int8)  # number of variables used in the respondent's kab/kota
    plans = []
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(len(codes) + 1))
    for group, code in enumerate(codes):
        rows = order[bounds[group] : bounds[group + 1]]
        plan, positions = _plan(code, variables, {v: category_position[v][rows] for v in variables}, population, min_cell)
        plans.append(plan)
        method[rows] = len(plan.variables)
        total = None
        for variable in plan.variables:
            table = population.counts[variable]
            people = table.loc[code].to_numpy()
            cell_people = np.bincount(positions[variable], weights=people, minlength=positions[variable].max() + 1)
            total = cell_people.sum() if total is None else total
            offset = len(targets[variable])
            targets[variable].extend(cell_people / cell_people.sum() * total)
            margins[variable][rows] = offset + positions[variable][category_position[variable][rows]]

    weights = design.copy()
    target_arrays = {variable: np.asarray(values, dtype=np.float64) for variable, values in targets.items()}
    single = method == 1
    for variable in variables:
        rows = single & (margins[variable] >= 0)
        if rows.any():
            weights[rows] = _scaled(design, margins[variable], target_arrays[variable], rows)[rows]
    raked = method >= 2
    if raked.any():
        weights = _rake(weights, design, margins, target_arrays, raked)
    return Calibration(
        weights=weights,
        variables=variables,
        margins=tuple(margins[variable] for variable in variables),
        poststratified=single,
        raked=raked,
        plans=tuple(plans),
    )


def _scaled(weights: np.ndarray, cells: np.ndarray, targets: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`weights` scaled so that each cell's total is its target (rows outside `rows` unchanged)."""
    sums = np.bincount(cells[rows], weights[rows], len(targets))
    scaled = weights.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled[rows] *= (targets / sums)[cells[rows]]
    return scaled


def _rake(
    weights: np.ndarray, design: np.ndarray, margins: dict[str, np.ndarray], targets: dict[str, np.ndarray], rows: np.ndarray
) -> np.ndarray:
    """Iterative proportional fitting of `rows` to every margin, from their design weights."""
    w = np.where(rows, design, weights)
    used = {variable: rows & (cells >= 0) for variable, cells in margins.items()}
    raked_cells = {variable: np.unique(margins[variable][used[variable]]) for variable in margins}
    misfit = np.inf
    for _ in range(RAKING_MAX_ITERATIONS):
        for variable, cells in margins.items():
            w = _scaled(w, cells, targets[variable], used[variable])
        misfit = max(
            np.max(np.abs(np.bincount(cells[used[variable]], w[used[variable]], len(targets[variable])) / targets[variable] - 1)[
                raked_cells[variable]
            ], initial=0.0)
            for variable, cells in margins.items()
        )
        if misfit < RAKING_TOLERANCE:
            return w
    raise WeightingError(f"raking tidak konvergen setelah {RAKING_MAX_ITERATIONS} putaran (selisih margin {misfit:.1e})")
