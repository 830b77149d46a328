"""The results contract: the columns `ihai score` writes and the one reader every consumer uses.

Region cards, the index and the conversation engine read results only through `load_results`, so
none of them parses a results file on its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scoring.methodology import Methodology, MethodologyError, load_methodology

RESULTS_PARQUET = "results.parquet"
RESULTS_CSV = "results.csv"
RESULTS_XLSX = "results.xlsx"
QUARANTINE_CSV = "quarantine.csv"
MANIFEST_JSON = "manifest.json"
# Everything `ihai score` writes into its results folder, which it replaces as a whole.
OUTPUT_FILES = (RESULTS_PARQUET, RESULTS_CSV, RESULTS_XLSX, QUARANTINE_CSV, MANIFEST_JSON)
# A sample export `<stem>.parquet` carries its provenance in `<stem>.manifest.json` next to it.
SAMPLE_MANIFEST_SUFFIX = ".manifest.json"
SYNTHETIC_LABEL = "DATA SAMPEL SINTETIS — bukan hasil resmi IHaI"

NATIONAL_NAME = "Indonesia"
# The `weighting` value of results computed without population weighting (the default).
UNWEIGHTED = "tanpa pembobotan"
LEVELS = ("kabkota", "provinsi", "nasional")

# Columns that do not depend on the framework; `result_columns` adds the framework's own.
IDENTITY_COLUMNS = ["year", "level", "code", "name", "province_code", "province_name"]
COVERAGE_COLUMNS = ["n_respondents", "target_met", "publishable"]
INDEX_COLUMNS = ["ihai", "ihai_se", "ihai_ci_low", "ihai_ci_high", "category"]
TRAILING_COLUMNS = [
    "category_probability",
    "methodology",
    "weights_provisional",
    "synthetic",
    # How the kab/kota's respondents were weighted: "tanpa pembobotan", "pascastratifikasi: sex",
    # "raking: sex, age_group" (with a note in brackets where a kab/kota could not use a variable).
    "weighting",
    "weakest_dimension",
    "weakest_variable",
    "rank_in_province",
    "rank_national",
    # Kab/kota only (scoring/sensitivity.py): the share of plausible weightings that keep the category, and
    # the 5th–95th percentile of the national rank over them.
    "category_stability",
    "rank_low",
    "rank_high",
    # Province and nation only: how many kab/kota stand behind the mean.
    "ihai_min",
    "ihai_max",
    "n_kabkota_total",
    "n_kabkota_measured",
    "n_kabkota_at_target",
    "reporting_eligible",
]


def dimension_column(key: str) -> str:
    return f"dim_{key}"


def dimension_se_column(key: str) -> str:
    return f"dim_{key}_se"


def aspect_column(key: str) -> str:
    return f"aspect_{key}"


def result_columns(methodology: Methodology) -> list[str]:
    """All result columns in output order for a framework."""
    return (
        IDENTITY_COLUMNS
        + COVERAGE_COLUMNS
        + INDEX_COLUMNS
        + [dimension_column(key) for key in methodology.dimension_keys]
        + [dimension_se_column(key) for key in methodology.dimension_keys]
        + methodology.variable_keys
        + [aspect_column(key) for key in methodology.aspect_keys]
        + TRAILING_COLUMNS
    )


class ResultsError(RuntimeError):
    """Results missing or unreadable; the message says what to run."""


@dataclass(frozen=True)
class Results:
    """A loaded results set: the table, its manifest and the framework that produced it."""

    table: pd.DataFrame
    manifest: dict
    methodology: Methodology
    directory: Path

    @property
    def synthetic(self) -> bool:
        return bool(self.manifest.get("synthetic", False))

    def level(self, level: str) -> pd.DataFrame:
        return self.table[self.table["level"] == level]

    def row(self, code: str) -> pd.Series | None:
        rows = self.table[self.table["code"] == code]
        return None if rows.empty else rows.iloc[0]


def load_results(directory: Path) -> Results:
    """Read `results.parquet` and `manifest.json` from a directory written by `ihai score`."""
    parquet, manifest_path = directory / RESULTS_PARQUET, directory / MANIFEST_JSON
    if not parquet.is_file() or not manifest_path.is_file():
        raise ResultsError(f"Hasil IHaI belum ada di {directory}. Jalankan: ihai score <file-survei> --out {directory}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        table = pd.read_parquet(parquet)
        methodology = load_methodology(manifest["methodology"]["id"])
    except (OSError, ValueError, KeyError, MethodologyError) as error:
        raise ResultsError(f"Hasil IHaI di {directory} rusak atau tidak lengkap ({error}). Jalankan ulang: ihai score") from None
    if methodology.sha256 != manifest["methodology"].get("sha256"):
        raise ResultsError(
            f"Hasil di {directory} dihitung dengan versi lain metodologi {methodology.id}. Jalankan ulang: ihai score"
        )
    missing = [column for column in result_columns(methodology) if column not in table.columns]
    if missing:
        raise ResultsError(f"Hasil di {directory} tidak memuat kolom {', '.join(missing)}. Jalankan ulang: ihai score")
    return Results(table=table, manifest=manifest, methodology=methodology, directory=directory)
