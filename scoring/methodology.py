"""A scoring framework (methodology) loaded from TOML and checked for consistency.

Everything the estimator needs about a framework — dimensions, variables, weights, items,
reverse-scored items, category bands, survey thresholds — lives in `scoring/methodology/*.toml`.
Nothing about a framework is hard-coded in Python.
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import cached_property
from pathlib import Path
from statistics import NormalDist

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

METHODOLOGY_DIR = Path(__file__).with_name("methodology")
DEFAULT_METHODOLOGY = "ihai-2025"
_WEIGHT_TOLERANCE = 1e-6


class MethodologyError(ValueError):
    """A methodology that cannot be loaded or is inconsistent; the message names the file."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Scale(_Frozen):
    min: int
    max: int
    score_max: float


class Survey(_Frozen):
    target_respondents: int = Field(gt=0)
    min_publishable: int = Field(gt=1)
    min_duration_seconds: float = Field(ge=0)
    confidence_level: float = Field(gt=0, lt=1)


class Band(_Frozen):
    label: str
    lower: float


class Categories(_Frozen):
    provisional: bool
    note: str
    bands: tuple[Band, ...]


class Aspect(_Frozen):
    key: str
    name: str
    suffix: str


class Dimension(_Frozen):
    key: str
    name: str


class Item(_Frozen):
    key: str
    aspect: str
    statement: str
    reverse: bool = False


class Variable(_Frozen):
    key: str
    name: str
    dimension: str
    weight: float = Field(gt=0)
    items: tuple[Item, ...]
    # Words users call the variable by ("moderasi", "toleransi"), lower case, for the assistant.
    keywords: tuple[str, ...] = ()


class Alternative(_Frozen):
    """A named weighting for the sensitivity analysis: equal variable weights, or dimension weights (percent)."""

    name: str
    equal_variables: bool = False
    dimensions: dict[str, float] | None = None


class SensitivitySettings(_Frozen):
    """The plausible weightings `scoring.sensitivity` recomputes the IHaI under."""

    # Dirichlet draws around the weights, with α = concentration × weight: a weight w varies by about
    # ±sqrt(w(1 − w) / (concentration + 1)), e.g. 15% ± 3.6 points at concentration 100.
    draws: int = Field(default=1000, ge=0)
    concentration: float = Field(default=100.0, gt=0)
    seed: int = 0
    alternatives: tuple[Alternative, ...] = ()


class Methodology(_Frozen):
    """A validated framework. `sha256` identifies the exact file it was read from."""

    id: str
    name: str
    years: tuple[int, ...]
    weights_provisional: bool
    weights_note: str
    statements_note: str
    scale: Scale
    survey: Survey
    categories: Categories
    aspects: tuple[Aspect, ...]
    dimensions: tuple[Dimension, ...]
    variables: tuple[Variable, ...]
    sensitivity: SensitivitySettings = SensitivitySettings()
    sha256: str = ""
    source_path: str = ""

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for variable in self.variables for item in variable.items)

    @cached_property
    def item_keys(self) -> list[str]:
        return [item.key for item in self.items]

    @cached_property
    def variable_keys(self) -> list[str]:
        return [variable.key for variable in self.variables]

    @cached_property
    def dimension_keys(self) -> list[str]:
        return [dimension.key for dimension in self.dimensions]

    @cached_property
    def aspect_keys(self) -> list[str]:
        return [aspect.key for aspect in self.aspects]

    @cached_property
    def weights(self) -> np.ndarray:
        """Variable weights as fractions summing to 1, in methodology order."""
        return np.array([variable.weight for variable in self.variables]) / 100.0

    def variable(self, key: str) -> Variable:
        return next(variable for variable in self.variables if variable.key == key)

    def variables_of(self, dimension: str) -> list[Variable]:
        return [variable for variable in self.variables if variable.dimension == dimension]

    @property
    def z(self) -> float:
        """Two-sided normal quantile of the confidence level (1.959964 for 95%)."""
        return NormalDist().inv_cdf(0.5 + self.survey.confidence_level / 2)

    @property
    def band_edges(self) -> np.ndarray:
        """Lower bounds of the bands after the first, for `np.searchsorted(..., side='right')`."""
        return np.array([band.lower for band in self.categories.bands[1:]])

    def category(self, score: float) -> str:
        index = int(np.searchsorted(self.band_edges, score, side="right"))
        return self.categories.bands[index].label


def _check_consistency(methodology: Methodology) -> list[str]:
    """Every inconsistency in one pass, so that a user fixes a file once, not once per error."""
    problems: list[str] = []
    total = sum(variable.weight for variable in methodology.variables)
    if abs(total - 100.0) > _WEIGHT_TOLERANCE:
        problems.append(f"bobot variabel berjumlah {total:g}, seharusnya 100")

    dimension_keys = {dimension.key for dimension in methodology.dimensions}
    aspect_by_key = {aspect.key: aspect for aspect in methodology.aspects}
    for variable in methodology.variables:
        if variable.dimension not in dimension_keys:
            problems.append(f"variabel {variable.key} memakai dimensi tak dikenal '{variable.dimension}'")
        aspects = [item.aspect for item in variable.items]
        if sorted(aspects) != sorted(aspect_by_key):
            problems.append(f"variabel {variable.key} harus punya tepat satu butir per aspek {sorted(aspect_by_key)}")
        for item in variable.items:
            aspect = aspect_by_key.get(item.aspect)
            if aspect is not None and item.key != f"{variable.key}_{aspect.suffix}":
                problems.append(f"butir {item.key} (aspek {item.aspect}) seharusnya bernama {variable.key}_{aspect.suffix}")

    for dimension in methodology.dimensions:
        if not methodology.variables_of(dimension.key):
            problems.append(f"dimensi {dimension.key} tidak punya variabel")

    for label, keys in (
        ("butir", [item.key for item in methodology.items]),
        ("variabel", [variable.key for variable in methodology.variables]),
        ("dimensi", [dimension.key for dimension in methodology.dimensions]),
    ):
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            problems.append(f"{label} muncul lebih dari sekali: {', '.join(repeated)}")

    for alternative in methodology.sensitivity.alternatives:
        if alternative.equal_variables == (alternative.dimensions is not None):
            problems.append(f"bobot alternatif '{alternative.name}': isi salah satu, equal_variables atau dimensions")
        elif alternative.dimensions is not None and set(alternative.dimensions) != dimension_keys:
            problems.append(f"bobot alternatif '{alternative.name}' harus memberi bobot tepat untuk setiap dimensi")

    bands = methodology.categories.bands
    lowers = [band.lower for band in bands]
    if not bands or lowers[0] != 0 or lowers != sorted(set(lowers)):
        problems.append("batas kategori harus dimulai dari 0 dan naik")
    if methodology.scale.min >= methodology.scale.max:
        problems.append("skala jawaban tidak valid (min harus < max)")
    return problems


def _resolve_path(id_or_path: str | Path) -> Path:
    candidate = Path(id_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        return candidate
    return METHODOLOGY_DIR / f"{id_or_path}.toml"


def available_methodologies() -> list[str]:
    return sorted(path.stem for path in METHODOLOGY_DIR.glob("*.toml"))


def load_methodology(id_or_path: str | Path = DEFAULT_METHODOLOGY) -> Methodology:
    """Load a framework by id (`ihai-2025`) or by file path; refuse an inconsistent one.

    Raises:
        MethodologyError: the file is missing, not TOML, or inconsistent; the message names the file.
    """
    path = _resolve_path(id_or_path)
    if not path.is_file():
        known = ", ".join(available_methodologies())
        raise MethodologyError(f"Metodologi '{id_or_path}' tidak ditemukan (tersedia: {known}, atau path ke file .toml).")
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        methodology = Methodology(**data, sha256=hashlib.sha256(raw).hexdigest(), source_path=str(path))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MethodologyError(f"{path}: bukan file TOML yang valid ({error}).") from None
    except (ValidationError, TypeError) as error:
        raise MethodologyError(f"{path}: struktur metodologi tidak valid:\n{error}") from None
    problems = _check_consistency(methodology)
    if problems:
        raise MethodologyError(f"{path}: metodologi tidak konsisten:\n- " + "\n- ".join(problems))
    return methodology
