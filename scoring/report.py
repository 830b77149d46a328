"""Write a scoring run to disk: results (Parquet, CSV, Excel for officials), quarantine, manifest.

The manifest holds everything needed to reproduce the run exactly: input and methodology hashes,
row counts by reason, software version, the hashes of the files written beside it and, for the
synthetic sample, its seed.

Every file is written into a staging folder that replaces the results folder in one step at the end
(`core.safe_write`), so a run killed at any point leaves the previous results whole. Text cells in CSV
and XLSX are neutralised against formula injection (`scoring.formula_guard`), and `quarantine.csv`, which
holds respondents' raw rows, is readable by its owner only (mode 0600 from its creation).
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from core.numbers import count, number, percent
from core.safe_write import ForeignEntriesError, check_writable_dir, create_private, replacing_directory
from scoring.formula_guard import neutralise_frame
from scoring.methodology import Methodology
from scoring.pipeline import ScoringRun, file_sha256
from scoring.quality import REASON_DESCRIPTIONS
from scoring.results import (
    MANIFEST_JSON,
    OUTPUT_FILES,
    QUARANTINE_CSV,
    RESULTS_CSV,
    RESULTS_PARQUET,
    RESULTS_XLSX,
    SYNTHETIC_LABEL,
    Results,
    aspect_column,
    dimension_column,
    dimension_se_column,
)
from scoring.rounds import RoundTable, round_year
from scoring.workbook import Workbook, trend_sheet


class OutputError(RuntimeError):
    """The results folder cannot be written; the message names it and says why, in Indonesian."""

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
    "weighting": "Pembobotan",
    "weakest_dimension": "Dimensi Terlemah",
    "weakest_variable": "Variabel Terlemah",
    "rank_in_province": "Peringkat di Provinsi",
    "rank_national": "Peringkat Nasional",
    "category_stability": "Kategori Tetap di Bobot Lain",
    "rank_low": "Peringkat Nasional Terbaik (Bobot Lain)",
    "rank_high": "Peringkat Nasional Terburuk (Bobot Lain)",
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
    headers.update({dimension_se_column(d.key): f"Galat Baku Dimensi {d.name}" for d in methodology.dimensions})
    headers.update({v.key: f"{v.key.upper()} {v.name}" for v in methodology.variables})
    headers.update({aspect_column(a.key): f"Aspek {a.name}" for a in methodology.aspects})
    return headers


def build_manifest(run: ScoringRun, outputs: dict[str, str] | None = None) -> dict:
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
        "mapping": run.mapping,
        "weighting": run.weighting or {"method": "none"},
        "sensitivity": run.sensitivity,
        "outputs": outputs or {},
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
        ("Pembobotan", _weighting_note(run)),
        ("Kepekaan bobot", _sensitivity_note(run)),
        ("Tren", "Perubahan antarputaran disebut bermakna bila selisihnya melampaui 1,96 kali galat baku gabungan "
         "kedua putaran (uji beda, 95%). IHaI dan empat dimensi dapat dibandingkan antarkerangka; variabel tidak."),
    ]
    if run.provenance.synthetic:
        notes.insert(0, ("PERHATIAN", SYNTHETIC_LABEL))
    return pd.DataFrame(notes, columns=["Keterangan", "Isi"])


def _weighting_note(run: ScoringRun) -> str:
    if run.weighting is None:
        return "Tanpa pembobotan populasi: setiap responden berbobot sesuai kolom weight (1 bila kosong)."
    counts = run.weighting["kabkota_by_method"]
    return (
        f"Pembobotan populasi ({run.weighting['method']}: {', '.join(run.weighting['variables'])}) per kab/kota "
        f"dengan tabel {Path(run.weighting['population']['path']).name}: {counts['raking']} kab/kota raking, "
        f"{counts['poststratification']} pascastratifikasi, {counts['none']} tanpa pembobotan (lihat kolom Pembobotan)."
    )


def _sensitivity_note(run: ScoringRun) -> str:
    summary = run.sensitivity or {}
    return (
        f"Kategori dan peringkat kab/kota dihitung ulang dengan {count(summary.get('weightings', 0))} pembobotan yang "
        f"masuk akal ({count(summary.get('dirichlet_draws', 0))} tarikan Dirichlet di sekitar bobot, ditambah "
        f"{', '.join(summary.get('alternatives', [])) or 'tanpa alternatif'}): kolom Kategori Tetap di Bobot Lain "
        "adalah bagian pembobotan yang mempertahankan kategori; peringkat terbaik–terburuk adalah persentil ke-5–95."
    )


def _quality_sheet(run: ScoringRun) -> pd.DataFrame:
    quality = run.quality
    rows = [("Baris dibaca", "", run.rows_read), ("Diterima", "", len(quality.accepted))]
    rows += [
        (f"Karantina: {reason}", REASON_DESCRIPTIONS[reason], count) for reason, count in quality.reason_counts.items()
    ]
    rows.append(("Total baris dikarantina", "satu baris dapat punya beberapa alasan", len(quality.quarantine)))
    return pd.DataFrame(rows, columns=["Keterangan", "Penjelasan", "Jumlah"])


LEVEL_SHEETS = (("Kab-Kota", "kabkota"), ("Provinsi", "provinsi"), ("Nasional", "nasional"))  # Excel forbids "/"


def round_sheet_name(year: int) -> str:
    return f"Putaran {year}"


def write_excel(run: ScoringRun, path: Path, other_rounds: Sequence[Results] = ()) -> None:
    """The officials' workbook (`scoring.workbook`): this round's kab/kota, provinces and nation, a sheet per
    other round, the trend over all of them, the methodology and the data-quality summary."""
    results = run.results
    workbook = Workbook(path, run.methodology, SYNTHETIC_LABEL if run.provenance.synthetic else None)
    try:
        headers = excel_headers(run.methodology)
        for name, level in LEVEL_SHEETS:
            workbook.sheet(name, results[results["level"] == level], headers)
        others = sorted((entry for entry in other_rounds if round_year(entry) != run.year), key=round_year)
        for entry in others:
            workbook.sheet(round_sheet_name(round_year(entry)), entry.table, excel_headers(entry.methodology))
        tables = [RoundTable(run.year, run.methodology.id, results)]
        tables += [RoundTable(round_year(entry), entry.methodology.id, entry.table) for entry in others]
        trend_sheet(workbook, tables, run.methodology.z)
        notes = _notes_sheet(run)
        sheet = workbook.sheet("Metodologi", notes, {}, filters=False)
        workbook.sheet("Metodologi", _methodology_sheet(run.methodology), {}, start_row=len(notes) + 2, sheet=sheet)
        workbook.sheet("Kualitas Data", _quality_sheet(run), {}, filters=False)
    finally:
        workbook.close()


def write_quarantine(quarantine: pd.DataFrame, path: Path) -> None:
    """Rejected rows, neutralised, in a file created with mode 0600: they are respondents' raw answers."""
    with os.fdopen(create_private(path), "w", encoding="utf-8", newline="") as handle:
        neutralise_frame(quarantine).to_csv(handle, index=False)


def output_problem(out_dir: Path, error: OSError) -> OutputError:
    """The Indonesian message for a folder that cannot be written, naming it."""
    if isinstance(error, ForeignEntriesError):
        return OutputError(
            f"{out_dir}: folder hasil berisi file lain ({', '.join(error.names[:5])}). ihai score mengganti seluruh "
            "isi folder hasil sekaligus; pilih folder khusus hasil, mis. data/results."
        )
    if isinstance(error, NotADirectoryError) or error.errno == errno.ENOTDIR:
        return OutputError(f"{out_dir}: --out menunjuk ke sebuah file atau melewati file, bukan folder.")
    if isinstance(error, FileExistsError):
        return OutputError(f"{out_dir}: --out menunjuk ke sebuah file, bukan folder.")
    if isinstance(error, PermissionError):
        return OutputError(f"{out_dir}: tidak dapat menulis (izin ditolak).")
    return OutputError(f"{out_dir}: gagal menulis ({error.strerror or error}).")


def check_output_dir(out_dir: Path, owned: tuple[str, ...] | None = OUTPUT_FILES) -> None:
    """Refuse, before any work, a folder that cannot be written (or, with `owned`, replaced as a whole).

    Raises:
        OutputError: `out_dir` is a file (or lies under one), holds files other than `owned`, or is not writable.
    """
    try:
        check_writable_dir(out_dir, owned)
    except OSError as error:
        raise output_problem(out_dir, error) from None


def write_outputs(run: ScoringRun, out_dir: Path, other_rounds: Sequence[Results] = ()) -> dict:
    """Write every output file and return the manifest. `other_rounds` (the rounds beside this one) get a
    sheet each in the workbook and join its trend sheet.

    The files are written into a staging folder that replaces `out_dir` in one step, so a reader (or a
    run killed half-way) only ever sees the previous complete set or the new one.

    Raises:
        OutputError: `out_dir` cannot be written or replaced (see `check_output_dir`), or writing fails.
    """
    try:
        with replacing_directory(out_dir, owned=OUTPUT_FILES) as staging:
            run.results.to_parquet(staging / RESULTS_PARQUET, index=False)
            neutralise_frame(run.results).to_csv(staging / RESULTS_CSV, index=False)
            write_excel(run, staging / RESULTS_XLSX, other_rounds)
            write_quarantine(run.quality.quarantine, staging / QUARANTINE_CSV)
            outputs = {name: file_sha256(staging / name) for name in (RESULTS_PARQUET, RESULTS_CSV, RESULTS_XLSX, QUARANTINE_CSV)}
            manifest = build_manifest(run, outputs)
            (staging / MANIFEST_JSON).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    except OSError as error:
        raise output_problem(out_dir, error) from None
    return manifest
