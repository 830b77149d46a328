"""One scoring run: survey exports in, results table and quarantine out (no files written here)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.gazetteer import Gazetteer
from scoring.aggregate import build_results
from scoring.estimate import estimate_kabkota
from scoring.ingest import read_export
from scoring.methodology import Methodology
from scoring.quality import QualityOutcome, apply_quality_rules
from scoring.results import SAMPLE_MANIFEST_SUFFIX


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
class ScoringRun:
    results: pd.DataFrame
    quality: QualityOutcome
    inputs: tuple[InputFile, ...]
    provenance: Provenance
    year: int
    methodology: Methodology

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
    makes the whole result sample data."""
    seeds: list[int] = []
    synthetic = False
    for path in paths:
        manifest_path = path.with_name(path.stem + SAMPLE_MANIFEST_SUFFIX)
        if manifest_path.is_file():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if manifest.get("synthetic"):
                synthetic = True
                if manifest.get("seed") is not None:
                    seeds.append(int(manifest["seed"]))
    return Provenance(synthetic=synthetic, seed=seeds[0] if len(seeds) == 1 else None)


def survey_year(accepted: pd.DataFrame, methodology: Methodology) -> int:
    """The year most submissions fall in; a framework's last round year when nothing was accepted."""
    if accepted.empty:
        return methodology.years[-1]
    return int(accepted["submitted_at"].dt.year.mode().iloc[0])


Step = Callable[[str], None]


def run_scoring(
    paths: Sequence[Path],
    methodology: Methodology,
    gazetteer: Gazetteer,
    on_step: Step = lambda _label: None,
) -> ScoringRun:
    """Read, check, estimate and aggregate. `on_step` is told each stage, for a progress display."""
    on_step("Membaca file survei")
    frames = [read_export(path, methodology) for path in paths]
    raw = pd.concat(frames, ignore_index=True)
    inputs = tuple(
        InputFile(path=path, sha256=file_sha256(path), rows=len(frame)) for path, frame in zip(paths, frames, strict=True)
    )
    on_step("Memeriksa kualitas data")
    quality = apply_quality_rules(raw, methodology, gazetteer)
    on_step("Menghitung estimasi kab/kota")
    kabkota = estimate_kabkota(quality.accepted, methodology)
    on_step("Menyusun provinsi dan nasional")
    provenance = sample_provenance(paths)
    year = survey_year(quality.accepted, methodology)
    results = build_results(kabkota, methodology, gazetteer, year=year, synthetic=provenance.synthetic)
    return ScoringRun(
        results=results, quality=quality, inputs=inputs, provenance=provenance, year=year, methodology=methodology
    )
