"""Write a scoring run to disk: results (Parquet, CSV, Excel for officials), quarantine, manifest.

The manifest holds everything needed to reproduce the run exactly: input and methodology hashes,
row counts by reason, software version and, for the synthetic sample, its seed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from core.numbers import count, number, percent
from scoring.methodology import Methodology
from scoring.pipeline import ScoringRun
from scoring.quality import REASON_DESCRIPTIONS
from scoring.results import (
    MANIFEST_JSON,
    QUARANTINE_CSV,
    RESULTS_CSV,
    RESULTS_PARQUET,
    RESULTS_XLSX,
    SYNTHETIC_LABEL,
    aspect_column,
    dimension_column,
)

_FIXED_HEADERS = {
    "year": "Tahun",
    "level": "Tingkat",
    "code": "Kode",
    "name": "Nama Wilayah",
    "province_code": "Kode Provinsi",
    "province_name": "Provinsi",
    "n_respondents": "Jumlah Responden",
    "target_met": "Target 1.250 Tercapai",
    "publishable": "Layak Dipublikasikan",
    "ihai": "IHaI",
    "ihai_se": "Galat Baku IHaI",
    "ihai_ci_low": "Batas Bawah SK 95%",
    "ihai_ci_high": "Batas Atas SK 95%",
    "category": "Kategori",
    "category_probability": "Peluang Kategori Benar",
    "methodology": "Metodologi",
    "weights_provisional": "Bobot Sementara",
    "synthetic": "Data Sampel Sintetis",
    "weakest_dimension": "Dimensi Terlemah",
    "weakest_variable": "Variabel Terlemah",
    "rank_in_province": "Peringkat di Provinsi",
    "rank_national": "Peringkat Nasional",
    "ihai_min": "IHaI Terendah Kab/Kota",
    "ihai_max": "IHaI Tertinggi Kab/Kota",
    "n_kabkota_total": "Jumlah Kab/Kota",
    "n_kabkota_measured": "Kab/Kota Terukur",
    "n_kabkota_at_target": "Kab/Kota Capai Target",
    "reporting_eligible": "Layak Laporan",
}


def software_version() -> str:
    try:
        return version("ihai-assistant")
    except PackageNotFoundError:
        return "0+unknown"


def excel_headers(methodology: Methodology) -> dict[str, str]:
    """Indonesian column headers for officials, with the framework's own names."""
    headers = dict(_FIXED_HEADERS)
    headers.update({dimension_column(d.key): f"Dimensi {d.name}" for d in methodology.dimensions})
    headers.update({v.key: f"{v.key.upper()} {v.name}" for v in methodology.variables})
    headers.update({aspect_column(a.key): f"Aspek {a.name}" for a in methodology.aspects})
    return headers


def build_manifest(run: ScoringRun) -> dict:
    methodology = run.methodology
    quality = run.quality
    return {
        "software_version": software_version(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "synthetic": run.provenance.synthetic,
        "label": SYNTHETIC_LABEL if run.provenance.synthetic else None,
        "seed": run.provenance.seed,
        "year": run.year,
        "inputs": [{"path": str(item.path), "sha256": item.sha256, "rows": item.rows} for item in run.inputs],
        "rows_read": run.rows_read,
        "accepted": len(quality.accepted),
        "quarantined": len(quality.quarantine),
        "quarantined_by_reason": quality.reason_counts,
        "methodology": {
            "id": methodology.id,
            "name": methodology.name,
            "sha256": methodology.sha256,
            "path": methodology.source_path,
            "weights_provisional": methodology.weights_provisional,
            "categories_provisional": methodology.categories.provisional,
        },
    }


def _methodology_sheet(methodology: Methodology) -> pd.DataFrame:
    dimension_names = {d.key: d.name for d in methodology.dimensions}
    aspect_names = {a.key: a.name for a in methodology.aspects}
    return pd.DataFrame(
        [
            {
                "Dimensi": dimension_names[variable.dimension],
                "Variabel": variable.key.upper(),
                "Nama Variabel": variable.name,
                "Bobot (%)": variable.weight,
                "Butir": item.key,
                "Aspek": aspect_names[item.aspect],
                "Skor Terbalik": "ya" if item.reverse else "tidak",
                "Pernyataan": item.statement,
            }
            for variable in methodology.variables
            for item in variable.items
        ]
    )


def _notes_sheet(run: ScoringRun) -> pd.DataFrame:
    methodology = run.methodology
    bands = "; ".join(f"{band.label} ≥ {number(band.lower)}" for band in methodology.categories.bands)
    notes = [
        ("Metodologi", f"{methodology.name} ({methodology.id})"),
        ("Bobot", methodology.weights_note),
        ("Kategori", f"{bands}. {methodology.categories.note}"),
        ("Butir", methodology.statements_note),
        ("Target responden per kab/kota", count(methodology.survey.target_respondents)),
        ("Minimum responden untuk publikasi", str(methodology.survey.min_publishable)),
        ("Tingkat kepercayaan", percent(methodology.survey.confidence_level)),
    ]
    if run.provenance.synthetic:
        notes.insert(0, ("PERHATIAN", SYNTHETIC_LABEL))
    return pd.DataFrame(notes, columns=["Keterangan", "Isi"])


def _quality_sheet(run: ScoringRun) -> pd.DataFrame:
    quality = run.quality
    rows = [("Baris dibaca", "", run.rows_read), ("Diterima", "", len(quality.accepted))]
    rows += [
        (f"Karantina: {reason}", REASON_DESCRIPTIONS[reason], count) for reason, count in quality.reason_counts.items()
    ]
    rows.append(("Total baris dikarantina", "satu baris dapat punya beberapa alasan", len(quality.quarantine)))
    return pd.DataFrame(rows, columns=["Keterangan", "Penjelasan", "Jumlah"])


def write_excel(run: ScoringRun, path: Path) -> None:
    headers = excel_headers(run.methodology)
    results = run.results
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet, level in (("Kab-Kota", "kabkota"), ("Provinsi", "provinsi"), ("Nasional", "nasional")):
            results[results["level"] == level].rename(columns=headers).to_excel(writer, sheet_name=sheet, index=False)
        notes = _notes_sheet(run)
        notes.to_excel(writer, sheet_name="Metodologi", index=False)
        _methodology_sheet(run.methodology).to_excel(writer, sheet_name="Metodologi", index=False, startrow=len(notes) + 2)
        _quality_sheet(run).to_excel(writer, sheet_name="Kualitas Data", index=False)


def write_outputs(run: ScoringRun, out_dir: Path) -> dict:
    """Write every output file and return the manifest. The manifest goes last, so that a reader
    never finds a manifest next to half-written results."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MANIFEST_JSON).unlink(missing_ok=True)
    run.results.to_parquet(out_dir / RESULTS_PARQUET, index=False)
    run.results.to_csv(out_dir / RESULTS_CSV, index=False)
    write_excel(run, out_dir / RESULTS_XLSX)
    run.quality.quarantine.to_csv(out_dir / QUARANTINE_CSV, index=False)
    manifest = build_manifest(run)
    (out_dir / MANIFEST_JSON).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest
