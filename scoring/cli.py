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
    sample.add_argument(
        "--out", type=Path, help=f"folder tujuan (bawaan {settings.sample_dir}; gaya form: {settings.data_dir / 'sample-form'})"
    )
    sample.add_argument("--seed", type=int, default=settings.sample_seed)
    sample.add_argument(
        "--year",
        type=int,
        choices=(2023, 2024, 2025),
        default=2025,
        help="putaran: 2025 (kerangka Asta Cita, dikalibrasi ke fakta 2025) atau 2023/2024 (kerangka 10 variabel)",
    )
    sample.add_argument("--format", choices=("parquet", "csv", "xlsx"), default="parquet")
    sample.add_argument(
        "--style",
        choices=("kanonik", "form"),
        default="kanonik",
        help="kanonik: kolom skema ihai; form: seperti ekspor formulir (judul pertanyaan, jawaban kata) beserta file pemetaannya",
    )
    sample.set_defaults(handler=run_sample)

    score = subcommands.add_parser("score", help="hitung IHaI dari satu atau beberapa file ekspor e-survei")
    score.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="CSV, XLSX atau Parquet")
    score.add_argument(
        "--out", type=Path, help=f"folder hasil (bawaan: {settings.results_dir}/<tahun putaran>, satu folder per putaran)"
    )
    score.add_argument("--year", type=int, help="tahun putaran (bawaan: tahun sebagian besar isian survei)")
    score.add_argument(
        "--methodology",
        help=f"id kerangka (ihai-2025, ihai-2023) atau path file .toml (bawaan: kerangka sampel, atau {settings.methodology})",
    )
    score.add_argument(
        "--weightings",
        type=int,
        metavar="N",
        help="jumlah pembobotan acak (Dirichlet) untuk analisis kepekaan bobot (bawaan dari kerangka: 1000)",
    )
    score.add_argument("--mapping", type=Path, help="file pemetaan kolom (.toml) untuk ekspor formulir")
    score.add_argument("--weighting", help="pembobotan populasi: sex, age_group, atau sex,age_group (raking)")
    score.add_argument("--population", type=Path, help="tabel populasi CSV (kabkota, variabel, kategori, jumlah)")
    score.add_argument("--min-cell", type=int, help="responden minimum per sel pembobotan (bawaan 20; lihat panduan operator)")
    score.set_defaults(handler=run_score)

    mapping = subcommands.add_parser("mapping", help="bantuan file pemetaan kolom untuk ekspor formulir")
    actions = mapping.add_subparsers(dest="mapping_command", required=True, metavar="AKSI")
    suggest = actions.add_parser("suggest", help="buat draf file pemetaan dari sebuah ekspor")
    suggest.add_argument("export", type=Path, metavar="EKSPOR", help="CSV, XLSX atau Parquet")
    suggest.add_argument("--out", type=Path, help="file draf (bawaan: <ekspor>-pemetaan.toml di sampingnya)")
    suggest.add_argument("--methodology", default=settings.methodology, help="id kerangka atau path file .toml")
    suggest.set_defaults(handler=run_suggest)


def _user_error(message: str) -> int:
    print(f"Galat: {message}", file=sys.stderr)
    return EXIT_USER_ERROR


def run_sample(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console

    from core.gazetteer import get_gazetteer
    from scoring.methodology import load_methodology
    from scoring.report import OutputError, check_output_dir, output_problem
    from scoring.sample import generate_sample, round_framework, write_sample
    from scoring.sample_form import to_form_style
    from scoring.sample_population import synthetic_population

    out = args.out or (settings.data_dir / "sample-form" if args.style == "form" else settings.sample_dir)
    console = Console(stderr=True)
    try:
        check_output_dir(out, owned=None)
        with console.status("Membuat data sampel sintetis…"):
            methodology, gazetteer = load_methodology(round_framework(args.year)), get_gazetteer()
            export = generate_sample(args.seed, methodology, gazetteer, year=args.year)
            if args.style == "form":
                export = to_form_style(export, methodology, gazetteer)
            try:
                path = write_sample(export, out, seed=args.seed, fmt=args.format, population=synthetic_population(gazetteer))
            except OSError as error:
                raise output_problem(out, error) from None
    except OutputError as error:
        return _user_error(str(error))
    console.print(
        f"[bold yellow]DATA SAMPEL SINTETIS[/] putaran {args.year} ({count(len(export.frame))} baris, seed {args.seed}) → {path}"
    )
    return 0


def _weighting_request(args: argparse.Namespace, gazetteer):
    from scoring.pipeline import WeightingRequest
    from scoring.weighting import DEFAULT_MIN_CELL, WeightingError, load_population, parse_variables

    if args.weighting is None and args.population is None:
        return None
    if args.weighting is None or args.population is None:
        raise WeightingError("--weighting dan --population harus dipakai bersama.")
    min_cell = DEFAULT_MIN_CELL if args.min_cell is None else args.min_cell
    if min_cell < 1:
        raise WeightingError("--min-cell harus bilangan bulat positif.")
    variables = parse_variables(args.weighting)
    return WeightingRequest(variables, load_population(args.population, variables, gazetteer), min_cell)


def run_score(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from core.gazetteer import get_gazetteer
    from scoring.mapping import load_mapping
    from scoring.methodology import load_methodology
    from scoring.pipeline import run_scoring
    from scoring.report import OutputError, check_output_dir, write_outputs
    from scoring.rounds import round_directory, sibling_rounds

    console = Console(stderr=True)
    methodology, gazetteer = load_methodology(args.methodology or _sample_framework(args.inputs, settings)), get_gazetteer()
    if args.weightings is not None and args.weightings < 0:
        return _user_error("--weightings harus bilangan bulat 0 atau lebih.")
    try:
        if args.out is not None:
            check_output_dir(args.out)
        else:  # the round's folder is known only once the year is read: check where it will go now
            check_output_dir(settings.results_dir, owned=None)
    except OutputError as error:
        return _user_error(str(error))
    mapping = None if args.mapping is None else load_mapping(args.mapping, methodology, gazetteer)
    weighting = _weighting_request(args, gazetteer)
    steps = 4
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("Memulai", total=steps)

        def on_step(label: str) -> None:
            progress.update(task, description=label, advance=1)

        run = run_scoring(
            args.inputs,
            methodology,
            gazetteer,
            on_step=on_step,
            mapping=mapping,
            weighting=weighting,
            year=args.year,
            draws=args.weightings,
        )
        on_step("Menulis hasil")
        out = args.out if args.out is not None else round_directory(settings.results_dir, run.year)
        try:
            if args.out is None:
                check_output_dir(out)
            write_outputs(run, out, sibling_rounds(out))
        except OutputError as error:
            return _user_error(str(error))
    for note in round_notes(run):
        console.print(f"[yellow]Catatan:[/] {note}")
    console.print(summary_table(run, out))
    return 0


def _sample_framework(inputs: list[Path], settings: Settings) -> str:
    """The framework the sample manifests beside the inputs name, when they all name the same one; else the
    configured framework."""
    import json

    from scoring.results import SAMPLE_MANIFEST_SUFFIX

    named = set()
    for path in inputs:
        manifest = path.with_name(path.stem + SAMPLE_MANIFEST_SUFFIX)
        try:
            named.add(json.loads(manifest.read_text(encoding="utf-8")).get("methodology"))
        except (OSError, ValueError, AttributeError):
            return settings.methodology  # no manifest (real data), or a broken one the run itself reports
    return named.pop() if len(named) == 1 and None not in named else settings.methodology


def round_notes(run: ScoringRun) -> list[str]:
    """What the operator should know about the round's year and framework."""
    notes = []
    if run.data_year is not None:
        notes.append(f"sebagian besar isian survei bertahun {run.data_year}, tetapi hasil dicatat sebagai putaran {run.year} (--year).")
    if run.year not in run.methodology.years:
        years = ", ".join(str(year) for year in run.methodology.years)
        notes.append(f"kerangka {run.methodology.id} dibuat untuk putaran {years}, bukan {run.year}.")
    return notes


def run_suggest(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console

    from scoring.methodology import load_methodology
    from scoring.report import OutputError, check_output_dir, output_problem
    from scoring.sample import MAPPING_SUFFIX
    from scoring.suggest import suggest_mapping

    console = Console(stderr=True)
    methodology = load_methodology(args.methodology)
    out = args.out or args.export.with_name(args.export.stem + MAPPING_SUFFIX)
    if out.exists():
        return _user_error(f"{out}: file sudah ada; hapus dulu atau pilih nama lain dengan --out.")
    try:
        check_output_dir(out.parent, owned=None)
    except OutputError as error:
        return _user_error(str(error))
    suggestion = suggest_mapping(args.export, methodology)
    try:
        out.write_text(suggestion.text, encoding="utf-8")
    except OSError as error:
        return _user_error(str(output_problem(out, error)))
    wanted = 3 + len(methodology.item_keys)
    console.print(f"Draf pemetaan → {out}: {suggestion.matched} dari {wanted} kolom wajib cocok.")
    if suggestion.unmatched:
        console.print("[yellow]Belum cocok[/] (lengkapi di file draf sebelum ihai score --mapping):")
        for entry in suggestion.unmatched:
            console.print(f"  • {entry}")
    return 0


def summary_table(run: ScoringRun, out_dir: Path):
    """The short summary printed at the end of `ihai score`."""
    from rich.table import Table

    results, quality = run.results, run.quality
    kabkota = results[results["level"] == "kabkota"]
    national = results[results["level"] == "nasional"]
    title = f"IHaI putaran {run.year} — {run.methodology.name}"
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
    if run.mapping is not None:
        table.add_row("Pemetaan kolom", Path(run.mapping["path"]).name)
    if run.weighting is not None:
        counts = run.weighting["kabkota_by_method"]
        table.add_row(
            "Pembobotan populasi",
            f"{run.weighting['method']}: {', '.join(run.weighting['variables'])} "
            f"({counts['raking']} raking, {counts['poststratification']} pascastratifikasi, {counts['none']} tanpa)",
        )
    table.add_row("Hasil", str(out_dir))
    return table
