"""One scoring run: survey exports in, results table and quarantine out (no files written here).

Exports are read batch by batch (`scoring.ingest`). Each batch goes through the row checks at once and
only compact typed arrays are kept per row, plus the raw text of rows that already failed or whose id
repeats within the batch; the duplicate rule then compares all rows, and the raw text of the few rows
rejected as earlier duplicates of a row in another batch is fetched by a second read of their files.
Peak memory is therefore a small multiple of what the accepted respondents need, not of the files' text
(bench/scoring.py measures it on a 2 GB CSV).

With a column mapping (`scoring.mapping`) the rules read each batch's schema view while the quarantine keeps
the rows as the file has them. With population weighting (`scoring.weighting`) the accepted respondents'
weights are calibrated before the kab/kota estimates, and the standard errors credit the calibration.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.gazetteer import Gazetteer
from scoring.aggregate import build_results
from scoring.estimate import estimate_kabkota
from scoring.ingest import Export, InputFileError, open_export
from scoring.mapping import ColumnPlan, Mapping
from scoring.methodology import Methodology
from scoring.quality import (
    QualityOutcome,
    RowChecks,
    accepted_respondents,
    check_rows,
    quarantine_rows,
    reason_counts,
    settle,
)
from scoring.results import SAMPLE_MANIFEST_SUFFIX, UNWEIGHTED
from scoring.sensitivity import plausible_weightings
from scoring.weighting import Population, calibrate, method_label


@dataclass(frozen=True)
class InputFile:
    path: Path
    sha256: str
    rows: int


@dataclass(frozen=True)
class Provenance:
    """Whether the inputs are the synthetic sample, read from the manifest `ihai sample` writes beside it."""

    synthetic: bool
    seed: int | None


@dataclass(frozen=True)
class WeightingRequest:
    """Population weighting asked for with `--weighting` and `--population`."""

    variables: tuple[str, ...]
    population: Population
    min_cell: int


@dataclass(frozen=True)
class ScoringRun:
    results: pd.DataFrame
    quality: QualityOutcome
    inputs: tuple[InputFile, ...]
    provenance: Provenance
    year: int
    methodology: Methodology
    # What the manifest says about the column mapping and the population weighting (None: not used).
    mapping: dict | None = None
    weighting: dict | None = None
    # The weightings of the sensitivity analysis (`Weightings.summary`).
    sensitivity: dict | None = None
    # The year the submissions point to, when `--year` set another one.
    data_year: int | None = None

    @property
    def rows_read(self) -> int:
        return sum(item.rows for item in self.inputs)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sample_provenance(paths: Sequence[Path]) -> Provenance:
    """Synthetic when any input has a sample manifest beside it: mixing sample rows into real data
    makes the whole result sample data. An unreadable manifest stops the run: guessing would risk
    results of sample data without their label."""
    seeds: list[int] = []
    synthetic = False
    for path in paths:
        manifest_path = path.with_name(path.stem + SAMPLE_MANIFEST_SUFFIX)
        if not manifest_path.exists():
            continue
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            seed = manifest.get("seed")
            if manifest.get("synthetic"):
                synthetic = True
                if seed is not None:
                    seeds.append(int(seed))
        except (OSError, ValueError, TypeError, AttributeError) as error:
            raise InputFileError(
                f"{manifest_path}: manifest sampel di samping {path.name} rusak atau tidak dapat dibaca ({error}); "
                "perbaiki atau hapus file itu."
            ) from None
    return Provenance(synthetic=synthetic, seed=seeds[0] if len(seeds) == 1 else None)


def survey_year(accepted: pd.DataFrame, methodology: Methodology) -> int:
    """The year most submissions fall in; a framework's last round year when nothing was accepted."""
    if accepted.empty:
        return methodology.years[-1]
    return int(accepted["submitted_at"].dt.year.mode().iloc[0])


Step = Callable[[str], None]


@dataclass
class _Source:
    """One export during a run: where its rows sit among all rows, and its state when first read."""

    export: Export
    sha256: str
    stat: tuple[int, int, int]
    plan: ColumnPlan | None = None
    first: int = 0
    rows: int = 0

    def view(self, batch: pd.DataFrame) -> pd.DataFrame:
        """The batch as the quality rules read it: through the mapping when there is one."""
        return batch if self.plan is None else self.plan.apply(batch)

    @property
    def labelled(self) -> frozenset[str]:
        return frozenset() if self.plan is None else self.plan.labelled


def _file_state(path: Path) -> tuple[int, int, int]:
    info = os.stat(path)
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _open_all(paths: Sequence[Path], methodology: Methodology, mapping: Mapping | None = None) -> list[_Source]:
    """Open every export before reading any, so that one message names every unusable file."""
    sources: list[_Source] = []
    problems: list[str] = []
    for path in paths:
        try:
            export = open_export(Path(path), methodology, mapped=mapping is not None)
            plan = None if mapping is None else mapping.plan(export.header, export.path, methodology)
            state = _file_state(export.path)
            sources.append(_Source(export=export, sha256=file_sha256(export.path), stat=state, plan=plan))
        except InputFileError as error:
            problems.append(str(error))
        except OSError as error:
            problems.append(f"{path}: gagal dibaca ({error.strerror or error}).")
    if problems:
        raise InputFileError("\n".join(problems))
    if not sources:
        raise InputFileError("Tidak ada file ekspor survei yang diberikan.")
    return sources


def _check_unchanged(source: _Source) -> None:
    if _file_state(source.export.path) != source.stat:
        raise InputFileError(f"{source.export.path}: file berubah ketika sedang dibaca; jalankan ulang setelah selesai disalin.")


def _first_pass(
    sources: list[_Source], methodology: Methodology, gazetteer: Gazetteer, categories: dict[str, frozenset[str]] | None
) -> tuple[list[RowChecks], list[tuple[np.ndarray, pd.DataFrame]], pd.DataFrame]:
    """Row checks of every batch; the raw text, with positions among all rows, of the rows that may reach
    the quarantine (those that failed a row check, and those whose id repeats within their batch, which
    may turn out to be earlier duplicates); and an empty frame with the first file's columns (the
    quarantine's header when nothing fails)."""
    parts: list[RowChecks] = []
    kept_raw: list[tuple[np.ndarray, pd.DataFrame]] = []
    template: pd.DataFrame | None = None
    position = 0
    for source in sources:
        source.first = position
        for batch in source.export.batches():
            template = batch.iloc[:0] if template is None else template
            checks = check_rows(source.view(batch), methodology, gazetteer, source.labelled, categories)
            repeated = pd.Series(checks.id_hash).duplicated(keep=False).to_numpy() & ~checks.id_blank
            keep = np.flatnonzero((checks.failed != 0) | repeated)
            if len(keep):
                kept_raw.append((position + keep, batch.iloc[keep]))
            parts.append(checks)
            position += len(batch)
        source.rows = source.export.rows
        if not source.rows:
            raise InputFileError(f"{source.export.path}: tidak ada baris data (hanya judul kolom).")
        _check_unchanged(source)
    return parts, kept_raw, template


def _second_pass(sources: list[_Source], wanted: np.ndarray) -> list[tuple[np.ndarray, pd.DataFrame]]:
    """Raw text of the rows at the `wanted` positions (sorted), read again from their files."""
    found: list[tuple[np.ndarray, pd.DataFrame]] = []
    for source in sources:
        own = wanted[(wanted >= source.first) & (wanted < source.first + source.rows)]
        if not len(own):
            continue
        position = source.first
        for batch in source.export.batches():
            local = own[(own >= position) & (own < position + len(batch))] - position
            if len(local):
                found.append((position + local, batch.iloc[local]))
            position += len(batch)
        if position != source.first + source.rows:
            raise InputFileError(f"{source.export.path}: file berubah ketika sedang dibaca; jalankan ulang.")
        _check_unchanged(source)
    return found


def _quarantine(failed: np.ndarray, parts: list[tuple[np.ndarray, pd.DataFrame]], template: pd.DataFrame) -> pd.DataFrame:
    """The rejected rows in file order, as read, with their reasons; `parts` may hold accepted rows too."""
    positions = np.concatenate([part[0] for part in parts]) if parts else np.empty(0, dtype=np.int64)
    rejected = np.flatnonzero(failed[positions] != 0)
    if not len(rejected):
        return quarantine_rows(template, failed[:0])
    raw = pd.concat([part[1] for part in parts], ignore_index=True)
    order = rejected[np.argsort(positions[rejected], kind="stable")]
    return quarantine_rows(raw.iloc[order].reset_index(drop=True), failed[positions[order]])


def _check_exports(
    sources: list[_Source],
    methodology: Methodology,
    gazetteer: Gazetteer,
    categories: dict[str, frozenset[str]] | None = None,
) -> QualityOutcome:
    """The quality rules over every row of every export, streamed (see the module doc)."""
    parts, kept_raw, template = _first_pass(sources, methodology, gazetteer, categories)
    failed = settle(parts)
    accepted = accepted_respondents(parts, failed == 0, methodology)  # empties `parts` as it goes
    kept = np.concatenate([part[0] for part in kept_raw]) if kept_raw else np.empty(0, dtype=np.int64)
    # Earlier duplicates whose id repeats only across batches: their text is read again.
    missing = np.setdiff1d(np.flatnonzero(failed != 0), kept, assume_unique=True)
    found = _second_pass(sources, missing) if len(missing) else []
    return QualityOutcome(
        accepted=accepted,
        quarantine=_quarantine(failed, kept_raw + found, template),
        reason_counts=reason_counts(failed),
    )


def run_scoring(
    paths: Sequence[Path],
    methodology: Methodology,
    gazetteer: Gazetteer,
    on_step: Step = lambda _label: None,
    mapping: Mapping | None = None,
    weighting: WeightingRequest | None = None,
    year: int | None = None,
    draws: int | None = None,
) -> ScoringRun:
    """Read, check, weight, estimate and aggregate. `on_step` is told each stage, for a progress display.

    The round's year is `year` when given, else the year most submissions fall in; `draws` overrides the
    framework's number of Dirichlet weightings of the sensitivity analysis."""
    on_step("Membaca dan memeriksa file survei")
    provenance = sample_provenance(paths)
    sources = _open_all(paths, methodology, mapping)
    categories = None if weighting is None else weighting.population.categories()
    quality = _check_exports(sources, methodology, gazetteer, categories)
    inputs = tuple(InputFile(path=source.export.path, sha256=source.sha256, rows=source.rows) for source in sources)
    on_step("Menghitung estimasi kab/kota")
    respondents, centre, label, by_code, weighting_entry = quality.accepted, None, UNWEIGHTED, None, None
    if weighting is not None:
        calibration = calibrate(quality.accepted, weighting.population, weighting.variables, weighting.min_cell)
        respondents = quality.accepted.assign(weight=calibration.weights)
        centre, label, by_code = calibration.centre, method_label(weighting.variables), calibration.labels()
        weighting_entry = calibration.summary(weighting.population, weighting.min_cell)
    kabkota = estimate_kabkota(respondents, methodology, centre)
    on_step("Menyusun provinsi dan nasional")
    data_year = survey_year(quality.accepted, methodology)
    weightings = plausible_weightings(methodology, draws)
    results = build_results(
        kabkota,
        methodology,
        gazetteer,
        year=data_year if year is None else year,
        synthetic=provenance.synthetic,
        weighting=label,
        weighting_by_code=by_code,
        weightings=weightings,
    )
    return ScoringRun(
        results=results,
        quality=quality,
        inputs=inputs,
        provenance=provenance,
        year=data_year if year is None else year,
        methodology=methodology,
        mapping=None if mapping is None else {"path": str(mapping.path), "sha256": mapping.sha256},
        weighting=weighting_entry,
        sensitivity=weightings.summary(methodology),
        data_year=data_year if year is not None and year != data_year else None,
    )
