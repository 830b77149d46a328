"""`ihai report` and `ihai target`: the reports package's subcommands.

A region is given by its Kemendagri code ("63.03", "63") or by a name that names one region only
("Kab Banjar", "Kalsel"); a shared name ("Banjar") stops with the candidates and their codes.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from core.constants import NATIONAL_CODE
from core.deeplink import bot_username

EXIT_USER_ERROR = 2

if TYPE_CHECKING:
    from core.config import Settings
    from core.gazetteer import Gazetteer
    from reports.target import TargetPlan


def register(subcommands: argparse._SubParsersAction, settings: Settings) -> None:
    report = subcommands.add_parser("report", help="laporan satu halaman (PDF, A4) sebuah kab/kota atau provinsi")
    report.add_argument("region", metavar="WILAYAH", help="kode Kemendagri (63.03, 63) atau nama yang unik")
    report.add_argument("--year", type=int, help="tahun putaran (bawaan: yang terbaru)")
    report.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="file PDF tujuan")
    report.add_argument("--results", type=Path, default=settings.results_dir, help="folder hasil ihai score")
    report.set_defaults(handler=run_report)

    target = subcommands.add_parser("target", help="usulan target IHaI tahunan untuk tabel RPJMD/Renstra")
    target.add_argument("region", metavar="WILAYAH", help="kode Kemendagri (63.03, 63) atau nama yang unik")
    target.add_argument("--until", type=int, help="tahun akhir target (bawaan: 2029, akhir RPJMD 2025–2029)")
    target.add_argument("--year", type=int, help="tahun baseline (bawaan: putaran terbaru)")
    target.add_argument("--results", type=Path, default=settings.results_dir, help="folder hasil ihai score")
    target.add_argument("--csv", type=Path, metavar="FILE.csv", help="tulis juga baris tabel indikator sebagai CSV")
    target.set_defaults(handler=run_target)


def _user_error(message: str) -> int:
    print(f"Galat: {message}", file=sys.stderr)
    return EXIT_USER_ERROR


def region_code(text: str, gazetteer: Gazetteer) -> str:
    """The code a user means; ValueError with the candidates when the text names none or several."""
    if text.strip() == NATIONAL_CODE:
        return NATIONAL_CODE  # the nation: the report and the target say they are made per region
    region = gazetteer.get(text)
    if region is not None:
        return region.code
    found = gazetteer.lookup(text)
    if len(found) == 1:
        return found[0].code
    if found:
        options = "; ".join(f"{r.code} {r.name}" + (f" ({r.province_name})" if r.level == "kabkota" else "")
                            for r in found)  # fmt: skip
        raise ValueError(f"{text!r} dapat berarti beberapa wilayah: {options}. Sebutkan kodenya.")
    raise ValueError(f"Wilayah {text!r} tidak dikenal. Pakai kode Kemendagri (mis. 63.03) atau nama lengkapnya.")


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    from core.gazetteer import get_gazetteer
    from knowledge.guidance import load_guidance
    from reports.builder import ReportBuilder
    from reports.content import ReportError
    from scoring.rounds import load_rounds

    if args.out.suffix.lower() != ".pdf":
        return _user_error(f"--out harus berakhiran .pdf: {args.out}")
    if args.out.is_dir() or not args.out.parent.is_dir():
        return _user_error(f"--out {args.out} bukan file di folder yang ada.")
    gazetteer = get_gazetteer()
    try:
        code = region_code(args.region, gazetteer)
        username = bot_username(settings.telegram_bot_username)
        builder = ReportBuilder(load_rounds(args.results).rounds, gazetteer, load_guidance(), username)
        report = builder.report(code, args.year)
        pdf = builder.pdf(code, args.year)
    except (ValueError, ReportError) as error:
        return _user_error(str(error))
    try:
        _write_atomically(args.out, pdf)
    except OSError as error:
        return _user_error(f"{args.out} tidak dapat ditulis ({error.strerror or error}).")
    label = " · ".join(filter(None, (report.region, str(report.year), report.synthetic)))
    print(f"Laporan IHaI ({label}) → {args.out}")
    return 0


def _write_atomically(path: Path, data: bytes) -> None:
    """A reader (a mail client, a printer queue) never sees half a PDF: write beside it, then rename."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_target(args: argparse.Namespace, settings: Settings) -> int:
    from core.gazetteer import get_gazetteer
    from reports.content import plain_rows, region_title
    from reports.target import TargetError, caveat_lines, plan_lines, plan_target, table_lines
    from scoring.rounds import load_rounds, round_year

    gazetteer = get_gazetteer()
    try:
        code = region_code(args.region, gazetteer)
    except ValueError as error:
        return _user_error(str(error))
    rounds = {round_year(results): results for results in load_rounds(args.results).rounds}
    year = args.year or max(rounds)
    if year not in rounds:
        return _user_error(f"Hasil IHaI tahun {year} tidak dimuat (tersedia: {', '.join(map(str, sorted(rounds)))}).")
    results = rounds[year]
    row = plain_rows(results).get(code)
    if row is None:
        region = gazetteer.get(code)
        return _user_error(f"{region_title(region.name, region.level) if region else code} belum diukur pada IHaI {year}.")
    try:
        plan = plan_target(row, results.methodology, year, args.until, results.synthetic)
    except TargetError as error:
        return _user_error(str(error))
    lines = plan_lines(plan) + ["", "Usulan baris tabel indikator RPJMD/Renstra:"] + table_lines(plan) + [""]
    print("\n".join(lines + [f"Catatan: {line}" for line in caveat_lines(plan)]))
    if args.csv is not None:
        try:
            _write_atomically(args.csv, indicator_csv(plan).encode("utf-8-sig"))
        except OSError as error:
            return _user_error(f"{args.csv} tidak dapat ditulis ({error.strerror or error}).")
        print(f"Tabel indikator → {args.csv}")
    return 0


def indicator_csv(plan: TargetPlan) -> str:
    """The indicator rows as a spreadsheet opens them (UTF-8 with BOM for Excel, one column per year)."""
    out = io.StringIO()
    writer = csv.writer(out)
    years = [year for year, _ in plan.path]
    writer.writerow(["Indikator", "Satuan", "Baseline", *map(str, years), "Sumber data", "Catatan"])
    note = "usulan Asisten IHaI, bukan ketentuan" + ("; data sampel sintetis" if plan.synthetic else "")
    for row in plan.rows:
        writer.writerow([row.indicator, row.unit, row.baseline, *(value for _, value in row.targets), row.source, note])
    return out.getvalue()
