"""`ihai sample` and `ihai score`: the scoring package's subcommands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.numbers import count, number

EXIT_USER_ERROR = 2

if TYPE_CHECKING:
    from core.config import Settings
    from scoring.pipeline import ScoringRun


def register(subcommands: argparse._SubParsersAction, settings: Settings) -> None:
    sample = subcommands.add_parser("sample", help="tulis data e-survei SINTETIS yang dikalibrasi ke fakta 2025")
    sample.add_argument("--out", type=Path, default=settings.sample_dir, help="folder tujuan")
    sample.add_argument("--seed", type=int, default=settings.sample_seed)
    sample.add_argument("--format", choices=("parquet", "csv", "xlsx"), default="parquet")
    sample.set_defaults(handler=run_sample)

    score = subcommands.add_parser("score", help="hitung IHaI dari satu atau beberapa file ekspor e-survei")
    score.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="CSV, XLSX atau Parquet")
    score.add_argument("--out", type=Path, default=settings.results_dir, help="folder hasil")
    score.add_argument(
        "--methodology",
        default=settings.methodology,
        help="id kerangka (ihai-2025, ihai-2023) atau path file .toml",
    )
    score.set_defaults(handler=run_score)


def _user_error(message: str) -> int:
    print(f"Galat: {message}", file=sys.stderr)
    return EXIT_USER_ERROR


def run_sample(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console

    from core.gazetteer import get_gazetteer
    from scoring.methodology import load_methodology
    from scoring.report import OutputError, check_output_dir, output_problem
    from scoring.sample import generate_sample, write_sample

    console = Console(stderr=True)
    try:
        check_output_dir(args.out, owned=None)
        with console.status("Membuat data sampel sintetis…"):
            export = generate_sample(args.seed, load_methodology("ihai-2025"), get_gazetteer())
            try:
                path = write_sample(export, args.out, seed=args.seed, fmt=args.format)
            except OSError as error:
                raise output_problem(args.out, error) from None
    except OutputError as error:
        return _user_error(str(error))
    console.print(f"[bold yellow]DATA SAMPEL SINTETIS[/] ({count(len(export.frame))} baris, seed {args.seed}) → {path}")
    return 0


def run_score(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from core.gazetteer import get_gazetteer
    from scoring.methodology import load_methodology
    from scoring.pipeline import run_scoring
    from scoring.report import OutputError, check_output_dir, write_outputs

    console = Console(stderr=True)
    methodology = load_methodology(args.methodology)
    try:
        check_output_dir(args.out)
    except OutputError as error:
        return _user_error(str(error))
    steps = 4
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("Memulai", total=steps)

        def on_step(label: str) -> None:
            progress.update(task, description=label, advance=1)

        run = run_scoring(args.inputs, methodology, get_gazetteer(), on_step=on_step)
        on_step("Menulis hasil")
        try:
            write_outputs(run, args.out)
        except OutputError as error:
            return _user_error(str(error))
    console.print(summary_table(run, args.out))
    return 0


def summary_table(run: ScoringRun, out_dir: Path):
    """The short summary printed at the end of `ihai score`."""
    from rich.table import Table

    results, quality = run.results, run.quality
    kabkota = results[results["level"] == "kabkota"]
    national = results[results["level"] == "nasional"]
    title = f"IHaI {run.year} — {run.methodology.name}"
    if run.provenance.synthetic:
        title += " — DATA SAMPEL SINTETIS"
    table = Table(title=title, show_header=False)
    table.add_row("Baris dibaca", count(run.rows_read))
    table.add_row("Diterima", count(len(quality.accepted)))
    table.add_row("Dikarantina", count(len(quality.quarantine)))
    for reason, n in quality.reason_counts.items():
        if n:
            table.add_row(f"  {reason}", count(n))
    table.add_row("Kab/kota terukur (layak publikasi)", f"{int(kabkota['publishable'].sum())} dari {len(kabkota)}")
    table.add_row("Kab/kota capai target", count(kabkota["target_met"].sum()))
    if not national.empty and national["ihai"].notna().any():
        row = national.iloc[0]
        table.add_row("IHaI nasional (rata-rata kab/kota)", f"{number(row['ihai'])} ({row['category']})")
    for label, n in kabkota["category"].value_counts().items():
        table.add_row(f"  {label}", count(n))
    if run.methodology.weights_provisional:
        table.add_row("Catatan", "bobot variabel sementara")
    table.add_row("Hasil", str(out_dir))
    return table
