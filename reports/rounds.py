"""The rounds a report can draw on: every results set under the results folder, oldest first.

Results live either per round, `<results>/<year>/` (one folder per survey round, each with its own
framework), or as one round directly in `<results>/`; both layouts are read, and a round stored both
ways counts once (its own folder wins). A report works with one round and adds a trend with more.
"""

from __future__ import annotations

from pathlib import Path

from scoring.results import RESULTS_PARQUET, Results, load_results


def load_rounds(results_dir: Path) -> list[Results]:
    """Every round under `results_dir`, sorted by year; ResultsError (saying what to run) when none."""
    found: dict[int, Results] = {}
    if (results_dir / RESULTS_PARQUET).is_file():
        flat = load_results(results_dir)
        found[round_year(flat)] = flat
    if results_dir.is_dir():
        for folder in sorted(results_dir.iterdir()):
            if folder.is_dir() and folder.name.isdigit() and (folder / RESULTS_PARQUET).is_file():
                results = load_results(folder)
                found[round_year(results)] = results
    if not found:
        return [load_results(results_dir)]  # raises ResultsError, naming the command that creates results
    return [found[year] for year in sorted(found)]


def round_year(results: Results) -> int:
    """The survey round a results set belongs to: the manifest's year, else the table's."""
    year = results.manifest.get("year")
    if year is None and not results.table.empty:
        year = results.table["year"].iloc[0]
    return int(year or 0)
