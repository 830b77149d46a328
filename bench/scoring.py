"""Scoring benchmark on the 322k-respondent synthetic sample: `.venv/bin/python -m bench.scoring [--sample PATH]`.

Reports, beside each target, with the load average (the machine is shared: wall times under load are
upper bounds, and the CPU time of each run is printed beside its wall time):
1. wall time of a whole `ihai score` run from Parquet (subprocess, best of 5), its CPU time, and where the
   time goes (the stages of one run in this process);
2. peak memory (maximum resident set) of that run;
3. the per-kab/kota estimation against `svy` (the maintained successor of samplics) on the same accepted
   respondents, like with like and in the same run, interleaved so that both see the same load: our IHaI
   mean and SE alone (from the respondents' composites, as svy gets them) beside svy's, and our whole
   estimation (every variable, dimension, aspect and SE) beside the same svy time; and how far svy's IHaI
   estimates and SEs are from ours;
4. the time `generate_sample` takes to build the calibrated sample (in this process, best of 3);
5. the cost of population weighting (`--weighting sex,age_group`, raking within each kab/kota, against the
   sample's synthetic population table): a whole weighted `ihai score` run against an unweighted one (best
   of 3 each), and the calibration plus weighted estimation against the unweighted estimation in process;
7. the weight sensitivity (`scoring.sensitivity.weight_sensitivity`): 1,000 weightings × the sample's
   kab/kota (target ≤ 1 s);
6. a whole `ihai score` run on a 2 GB CSV export (the sample's CSV repeated with fresh respondent ids,
   written into a temporary folder and deleted afterwards): wall time, and peak memory as a multiple of
   the file's size (target < 4×). `--big-gb 0` skips it.

A missed target is reported, never raised: the exit code is non-zero only when a command fails.
Without --sample the sample is written first with `ihai sample` into a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.gazetteer import get_gazetteer
from scoring.estimate import estimate_kabkota, weighted_mean_se
from scoring.ingest import read_export
from scoring.methodology import Methodology, load_methodology
from scoring.quality import apply_quality_rules
from scoring.sample import ID_PREFIX, generate_sample, write_csv
from scoring.sample_population import synthetic_population
from scoring.weighting import calibrate, load_population

RUNS = 3
SCORE_RUNS = 5
TARGET_RUN_SECONDS = 1.5
TARGET_PEAK_GB = 1.5
TARGET_ESTIMATE_SECONDS = 0.5
TARGET_SPEEDUP = 50.0
TARGET_BIG_PEAK_MULTIPLE = 4.0
TARGET_SENSITIVITY_SECONDS = 1.0
SENSITIVITY_WEIGHTINGS = 1000
SAMPLE_SEED = 2025


class CommandFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_bytes: int
    cpu_seconds: float = 0.0


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def ihai_command() -> list[str]:
    """The `ihai` entry point installed beside this interpreter, else the one on PATH."""
    beside = Path(sys.executable).with_name("ihai")
    return [str(beside)] if beside.exists() else ["ihai"]


def run_measured(command: Sequence[str]) -> Measured:
    """Wall time and peak RSS of one child process.

    `os.wait4` returns the same kernel rusage as `getrusage(RUSAGE_CHILDREN)`, but for this child alone:
    RUSAGE_CHILDREN's ru_maxrss is the maximum over every child so far, `ihai sample` included.
    """
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen.wait
        if process.returncode != 0:
            log.seek(0)
            tail = log.read().decode("utf-8", "replace").strip().splitlines()[-8:]
            raise CommandFailed(f"{' '.join(command)} exited {process.returncode}:\n  " + "\n  ".join(tail))
    # Linux reports KiB.
    return Measured(seconds=seconds, peak_bytes=usage.ru_maxrss * 1024, cpu_seconds=usage.ru_utime + usage.ru_stime)


def write_sample(out_dir: Path) -> Path:
    run_measured([*ihai_command(), "sample", "--out", str(out_dir), "--format", "parquet"])
    found = sorted(out_dir.glob("*.parquet"))
    if not found:
        raise CommandFailed(f"ihai sample wrote no Parquet file into {out_dir}")
    return found[0]


def best_of(runs: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def svy_kabkota_mean(accepted: pd.DataFrame, composite: np.ndarray) -> pd.DataFrame:
    """IHaI per kab/kota with svy: stratum = kab/kota, respondent weights; columns kabkota, est, se."""
    import polars as pl
    import svy

    data = pl.DataFrame(
        {
            "kabkota": accepted["kabkota"].to_numpy(dtype=object).astype(str),
            "weight": accepted["weight"].to_numpy(),
            "ihai": composite,
        }
    )
    sample = svy.Sample(data, svy.Design(stratum="kabkota", wgt="weight"))
    estimate = sample.estimation.mean("ihai", by="kabkota")
    return estimate.to_polars().select("kabkota", "est", "se").to_pandas()


def respondent_composite(accepted: pd.DataFrame, methodology: Methodology) -> np.ndarray:
    """Each respondent's Σ w_v·score_v, the quantity whose weighted mean per kab/kota is the IHaI."""
    scale = methodology.scale
    scores = accepted[methodology.item_keys].to_numpy(dtype=np.float64)
    reverse = np.array([item.reverse for item in methodology.items])
    scores = np.where(reverse, scale.max - scores, scores - scale.min) / (scale.max - scale.min) * scale.score_max
    position = 0
    composite = np.zeros(len(accepted))
    for variable, weight in zip(methodology.variables, methodology.weights, strict=True):
        composite += weight * np.nanmean(scores[:, position : position + len(variable.items)], axis=1)
        position += len(variable.items)
    return composite


def report(label: str, figure: str, target: str = "", met: bool | None = None) -> None:
    verdict = "" if met is None else ("OK" if met else "MISSED")
    print(f"   {label:<30} {figure:>12}   {target:<16} {verdict}")


def score_runs(sample: Path, work: Path, extra: Sequence[str] = (), runs: int = RUNS) -> list[Measured]:
    return [
        run_measured([*ihai_command(), "score", str(sample), "--out", str(work / f"results-{run}"), *extra])
        for run in range(runs)
    ]


def bench_whole_run(sample: Path, work: Path) -> bool:
    print(f"1–2. ihai score {sample.name} (best of {SCORE_RUNS}; {load_average()})")
    try:
        runs = score_runs(sample, work, runs=SCORE_RUNS)
    except CommandFailed as error:
        print(f"   FAILED: {error}")
        return False
    best = min(runs, key=lambda run: run.seconds)
    peak_gb = max(run.peak_bytes for run in runs) / 1e9
    report("wall time", f"{best.seconds:.2f} s", f"≤ {TARGET_RUN_SECONDS:g} s", best.seconds <= TARGET_RUN_SECONDS)
    report("CPU time of that run", f"{best.cpu_seconds:.2f} s")
    report("all runs (wall)", " ".join(f"{run.seconds:.2f}" for run in runs))
    report("peak memory (max RSS)", f"{peak_gb:.2f} GB", f"≤ {TARGET_PEAK_GB:g} GB", peak_gb <= TARGET_PEAK_GB)
    bench_stages(sample, work)
    return True


def bench_beside_rounds(sample: Path, work: Path) -> bool:
    """The run as `ihai run` makes it: the 2025 round scored into `<root>/2025` beside the 2023 and 2024
    sample rounds, whose results its workbook then carries (a sheet each and the trend sheet)."""
    from scoring.sample import round_framework
    from scoring.sample import write_sample as write_round

    root = work / "rounds"
    for year in (2023, 2024):
        methodology = load_methodology(round_framework(year))
        path = write_round(generate_sample(SAMPLE_SEED, methodology, get_gazetteer(), year=year), work / "round-samples", seed=SAMPLE_SEED)
        run_measured([*ihai_command(), "score", str(path), "--out", str(root / str(year))])
    print(f"1b. ihai score into {root.name}/2025 beside the 2023 and 2024 rounds (best of {SCORE_RUNS}; {load_average()})")
    try:
        runs = [run_measured([*ihai_command(), "score", str(sample), "--out", str(root / "2025")]) for _ in range(SCORE_RUNS)]
    except CommandFailed as error:
        print(f"   FAILED: {error}")
        return False
    best = min(runs, key=lambda run: run.seconds)
    report("wall time", f"{best.seconds:.2f} s", f"≤ {TARGET_RUN_SECONDS:g} s", best.seconds <= TARGET_RUN_SECONDS)
    report("CPU time of that run", f"{best.cpu_seconds:.2f} s")
    report("all runs (wall)", " ".join(f"{run.seconds:.2f}" for run in runs))
    return True


def bench_stages(sample: Path, work: Path) -> None:
    """Where one run's time goes, stage by stage, in this process (imports already done)."""
    from scoring.pipeline import run_scoring
    from scoring.report import write_outputs

    methodology, gazetteer = load_methodology("ihai-2025"), get_gazetteer()
    stages: dict[str, float] = {}
    start = time.perf_counter()

    def on_step(label: str) -> None:
        nonlocal start
        now = time.perf_counter()
        stages[label] = now - start
        start = now

    run = run_scoring([sample], methodology, gazetteer, on_step=on_step)
    on_step("Menulis hasil")
    write_outputs(run, work / "results-stages")
    on_step("selesai")
    labels = list(stages)
    for before, after in zip(labels, labels[1:], strict=False):
        report(f"  {before[:28]}", f"{stages[after] * 1000:.0f} ms")


def ours_ihai_mean_se(accepted: pd.DataFrame, composite: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Our IHaI mean and SE alone from the respondents' composites: the same job svy is given."""
    groups, _ = pd.factorize(accepted["kabkota"], sort=True)
    w = accepted["weight"].to_numpy(dtype=np.float64)
    n = np.bincount(groups)
    total = np.bincount(groups, weights=w)
    mean = np.bincount(groups, weights=w * composite) / total
    return mean, weighted_mean_se(groups, composite, w, mean, total, n)


def interleaved(rounds: int, actions: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Best time of each action over `rounds` rounds, the actions taking turns within each round, so that
    a change of load on the shared machine falls on all of them alike."""
    best = dict.fromkeys(actions, float("inf"))
    for _ in range(rounds):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def bench_estimation(sample: Path) -> None:
    methodology, gazetteer = load_methodology("ihai-2025"), get_gazetteer()
    accepted = apply_quality_rules(read_export(sample, methodology), methodology, gazetteer).accepted
    print(f"3. per-kab/kota estimation on {len(accepted):,} accepted respondents ({load_average()})")

    ours = estimate_kabkota(accepted, methodology)
    composite = respondent_composite(accepted, methodology)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = svy_kabkota_mean(accepted, composite)
        timings = interleaved(
            5,
            {
                "ihai": lambda: ours_ihai_mean_se(accepted, composite),
                "everything": lambda: estimate_kabkota(accepted, methodology),
                "svy": lambda: svy_kabkota_mean(accepted, composite),
            },
        )

    merged = ours.merge(theirs, on="kabkota", how="outer", indicator=True)
    same_regions = bool((merged["_merge"] == "both").all())
    target = f"≤ {TARGET_ESTIMATE_SECONDS * 1000:g} ms"
    report("svy (IHaI mean and SE)", f"{timings['svy'] * 1000:.1f} ms")
    report("ours, IHaI mean and SE alone", f"{timings['ihai'] * 1000:.1f} ms")
    like = timings["svy"] / timings["ihai"]
    report("speed-up, like with like", f"{like:.1f}×", f"≥ {TARGET_SPEEDUP:g}×", like >= TARGET_SPEEDUP)
    report("ours, everything", f"{timings['everything'] * 1000:.1f} ms", target, timings["everything"] <= TARGET_ESTIMATE_SECONDS)
    # Everything we estimate against svy's IHaI alone: a lower bound of the like-with-like ratio.
    speedup = timings["svy"] / timings["everything"]
    report("speed-up, everything vs svy", f"{speedup:.1f}×", f"≥ {TARGET_SPEEDUP:g}×", speedup >= TARGET_SPEEDUP)
    report("kab/kota compared", f"{len(merged)}", "same set as ours", same_regions)
    report("max |Δ IHaI| vs svy", f"{np.nanmax(np.abs(merged['ihai'] - merged['est'])):.1e}")
    report("max |Δ SE| vs svy", f"{np.nanmax(np.abs(merged['ihai_se'] - merged['se'])):.1e}")


def bench_generation() -> None:
    methodology, gazetteer = load_methodology("ihai-2025"), get_gazetteer()
    seconds = best_of(RUNS, lambda: generate_sample(SAMPLE_SEED, methodology, gazetteer))
    print(f"4. generate_sample (the calibrated sample, in memory; best of {RUNS})")
    report("wall time", f"{seconds:.2f} s")


def write_big_csv(path: Path, size_bytes: int) -> int:
    """The sample as Excel writes it in an Indonesian locale, repeated until `size_bytes`; each copy's
    respondent ids get their own prefix, so that only the sample's own resubmissions are duplicates.
    Returns the number of copies."""
    export = generate_sample(SAMPLE_SEED, load_methodology("ihai-2025"), get_gazetteer())
    one = path.with_name("one.csv")
    write_csv(export.frame, one)
    header, _, rows = one.read_bytes().partition(b"\r\n")
    one.unlink()
    copies = 0
    with path.open("wb") as out:
        out.write(header + b"\r\n")
        written = len(header) + 2
        while written < size_bytes:
            block = rows.replace(ID_PREFIX.encode(), f"{ID_PREFIX}{copies:03d}-".encode())
            out.write(block)
            written += len(block)
            copies += 1
    return copies


def bench_big_csv(work: Path, size_gb: float) -> bool:
    path = work / "besar" / "ekspor-besar.csv"
    path.parent.mkdir()
    copies = write_big_csv(path, int(size_gb * 1e9))
    size = path.stat().st_size
    print(f"6. ihai score on a {size / 1e9:.2f} GB CSV ({copies} copies of the sample, one run)")
    try:
        run = run_measured([*ihai_command(), "score", str(path), "--out", str(work / "results-big")])
    except CommandFailed as error:
        print(f"   FAILED: {error}")
        return False
    finally:
        path.unlink()
    multiple = run.peak_bytes / size
    report("wall time", f"{run.seconds:.1f} s")
    report("peak memory (max RSS)", f"{run.peak_bytes / 1e9:.2f} GB")
    report("peak memory ÷ file size", f"{multiple:.2f}×", f"< {TARGET_BIG_PEAK_MULTIPLE:g}×", multiple < TARGET_BIG_PEAK_MULTIPLE)
    return True


def bench_weighting(sample: Path, work: Path) -> bool:
    population = work / "populasi.csv"
    synthetic_population(get_gazetteer()).to_csv(population, index=False)
    variables = ("sex", "age_group")
    print(f"5. population weighting ({', '.join(variables)}, raking per kab/kota; best of {RUNS})")
    try:
        plain = min(run.seconds for run in score_runs(sample, work))
        weighted = min(
            run.seconds
            for run in score_runs(sample, work, ["--weighting", ",".join(variables), "--population", str(population)])
        )
    except CommandFailed as error:
        print(f"   FAILED: {error}")
        return False
    report("whole run, unweighted", f"{plain:.2f} s")
    report("whole run, weighted", f"{weighted:.2f} s")
    report("cost of weighting", f"{weighted - plain:+.2f} s")

    methodology, gazetteer = load_methodology("ihai-2025"), get_gazetteer()
    accepted = apply_quality_rules(read_export(sample, methodology), methodology, gazetteer).accepted
    table = load_population(population, variables, gazetteer)

    def weighted_estimate() -> None:
        calibration = calibrate(accepted, table, variables)
        estimate_kabkota(accepted.assign(weight=calibration.weights), methodology, calibration.centre)

    calibration = calibrate(accepted, table, variables)
    counts = {name: sum(1 for plan in calibration.plans if len(plan.variables) == size) for name, size in (("raking", 2), ("one variable", 1), ("none", 0))}
    estimate_only = best_of(RUNS, lambda: estimate_kabkota(accepted, methodology))
    with_weighting = best_of(RUNS, weighted_estimate)
    report("estimation, unweighted", f"{estimate_only * 1000:.0f} ms")
    report("calibration + estimation", f"{with_weighting * 1000:.0f} ms")
    report("kab/kota raked / one var / none", f"{counts['raking']} / {counts['one variable']} / {counts['none']}")
    return True


def bench_sensitivity(sample: Path, work: Path) -> None:
    from scoring.pipeline import run_scoring
    from scoring.sensitivity import plausible_weightings, weight_sensitivity

    methodology = load_methodology("ihai-2025")
    results = run_scoring([sample], methodology, get_gazetteer(), draws=0).results
    kabkota = results[results["level"] == "kabkota"]
    variables = kabkota[methodology.variable_keys].to_numpy(dtype=np.float64)
    ihai = kabkota["ihai"].to_numpy(dtype=np.float64)
    weightings = plausible_weightings(methodology, SENSITIVITY_WEIGHTINGS - len(methodology.sensitivity.alternatives))
    print(f"7. weight sensitivity: {len(weightings):,} weightings × {len(kabkota)} kab/kota (best of 5; {load_average()})")
    seconds = best_of(5, lambda: weight_sensitivity(variables, ihai, weightings, methodology))
    draw = best_of(5, lambda: plausible_weightings(methodology, SENSITIVITY_WEIGHTINGS))
    report("category stability + rank interval", f"{seconds * 1000:.1f} ms", f"≤ {TARGET_SENSITIVITY_SECONDS:g} s",
           seconds <= TARGET_SENSITIVITY_SECONDS)  # fmt: skip
    report("drawing the weightings", f"{draw * 1000:.1f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, help="survey export to score (default: a fresh `ihai sample`)")
    parser.add_argument("--big-gb", type=float, default=2.0, help="size of the large CSV in GB (0: skip)")
    parser.add_argument("--skip-weighting", action="store_true", help="skip the population-weighting runs (5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ihai-bench-") as temporary:
        work = Path(temporary)
        try:
            sample = args.sample or write_sample(work / "sample")
        except CommandFailed as error:
            print(f"Could not write the sample: {error}", file=sys.stderr)
            return 1
        ok = bench_whole_run(sample, work)
        ok &= bench_beside_rounds(sample, work)
        bench_estimation(sample)
        bench_sensitivity(sample, work)
        bench_generation()
        if not args.skip_weighting:
            ok &= bench_weighting(sample, work)
        if args.big_gb > 0:
            ok &= bench_big_csv(work, args.big_gb)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
