"""Report benchmark: `.venv/bin/python -m bench.reports [--results DIR] [--repeat N]`.

Measures, on the scored results (default: a fresh synthetic sample scored into a temporary folder):
1. the typesetter's start (Typst compiler with its embedded fonts) and its first report (cold);
2. reports of distinct regions, each typeset for the first time (Typst memoises layout it has seen, as it
   does in a running server): `--count` kab/kota and every province with figures, contents and PDF,
   median and worst, with the largest PDF's size and page count (pdfinfo);
3. a target plan (`reports.target.plan_target`) for every kab/kota and province with figures.
Nothing here is asserted: the numbers go to the README as measured.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.gazetteer import get_gazetteer
from knowledge.guidance import load_guidance
from reports.content import ReportWriter, plain_rows
from reports.rounds import load_rounds, round_year
from reports.target import plan_target
from reports.typeset import Typesetter

FIRST = "63.03"  # Kabupaten Banjar


def scored_sample(folder: Path) -> Path:
    from scoring.methodology import load_methodology
    from scoring.pipeline import run_scoring
    from scoring.report import write_outputs
    from scoring.sample import generate_sample, write_sample

    export = write_sample(generate_sample(2025, load_methodology("ihai-2025"), get_gazetteer()), folder, seed=2025,
                          fmt="parquet")  # fmt: skip
    write_outputs(run_scoring([export], load_methodology("ihai-2025"), get_gazetteer()), folder / "hasil")
    return folder / "hasil"


def pages(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    return next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Pages:")), "?")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="folder hasil (bawaan: sampel sintetis baru)")
    parser.add_argument("--count", type=int, default=60, help="kab/kota to report on")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        results_dir = args.results or scored_sample(Path(scratch))
        rounds = load_rounds(results_dir)
        writer = ReportWriter(rounds, get_gazetteer(), load_guidance())
        started = time.perf_counter()
        typesetter = Typesetter()
        print(f"typesetter start: {(time.perf_counter() - started) * 1000:.1f} ms")
        started = time.perf_counter()
        typesetter.pdf(writer.report(FIRST))
        print(f"first report (cold), {FIRST}: {(time.perf_counter() - started) * 1000:.1f} ms")
        latest_rows = plain_rows(rounds[-1]).values()
        for level, limit in (("kabkota", args.count), ("provinsi", None)):
            codes = [r["code"] for r in latest_rows if r["level"] == level and r.get("ihai") is not None
                     and r["code"] != FIRST][:limit]  # fmt: skip
            times, largest = [], b""
            for code in codes:
                started = time.perf_counter()
                pdf = typesetter.pdf(writer.report(code))
                times.append(time.perf_counter() - started)
                largest = max(largest, pdf, key=len)
            print(f"{level}: {len(codes)} reports, median {statistics.median(times) * 1000:.1f} ms, max "
                  f"{max(times) * 1000:.1f} ms; largest {len(largest) / 1024:.0f} KB, {pages(largest)} page(s)")  # fmt: skip
        latest = rounds[-1]
        rows = [row for row in plain_rows(latest).values()
                if row["level"] in ("kabkota", "provinsi") and row.get("ihai") is not None]  # fmt: skip
        started = time.perf_counter()
        for row in rows:
            plan_target(row, latest.methodology, round_year(latest), None, latest.synthetic)
        elapsed = time.perf_counter() - started
        print(f"target plans: {len(rows)} in {elapsed * 1000:.1f} ms ({elapsed / len(rows) * 1e6:.0f} µs each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
