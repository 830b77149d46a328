"""Assistant benchmark: `.venv/bin/python -m bench.ask [--data-dir DIR] [--requests N] [--concurrency C]`.

Reports, beside each target (2 cores):
1. in-process latency of `Engine.ask`, p50/p95, for factual questions (figures, rankings, comparisons)
   and for guidance questions (forum advice and definitions, which go through the search index);
2. time to ready: `ihai serve` started as a child process until `/healthz` answers ready;
3. HTTP throughput of `POST /v1/ask` on that server (one uvicorn worker, loopback), a fixed number of
   requests from a concurrent httpx client, stopped early at a time cap;
4. resident memory of the server process (now and peak) after the load;
5. the intent classifier in the path: its file size, its load time, and the time to read one message
   (understanding with the classifier, no answer composed).

The data folder (default: settings.data_dir, i.e. `data/`) is prepared like `ihai run` does when
something is missing. A missed target is reported, never raised: the exit code is non-zero only when
a step fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

TARGET_FACTUAL_P50_MS = 10.0
TARGET_GUIDANCE_P50_MS = 40.0
TARGET_REQUESTS_PER_SECOND = 150.0
TARGET_READY_SECONDS = 15.0
TARGET_RSS_GB = 1.2

FACTUAL = (
    "berapa ihai kota banjarbaru",
    "IHaI Kabupaten Tanah Laut",
    "dimensi terlemah kab banjar",
    "bandingkan banjarbaru dengan banjarmasin",
    "5 kab/kota tertinggi di kalsel",
    "peringkat provinsi",
    "cakupan responden DI Yogyakarta",
    "berapa poin lagi kota probolinggo naik kategori",
    "skor provinsi bali",
    "ihai nasional",
)
GUIDANCE = (
    "saran fkub untuk tapin",
    "apa yang bisa dilakukan fpk di kota banjarbaru",
    "saran fkdm untuk kabupaten tana tidung",
    "apa itu fkdm",
    "dasar hukum fkub",
    "bagaimana memasukkan ihai ke rpjmd",
    "apa itu moderasi beragama",
    "apa tugas forum pembauran kebangsaan",
)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def verdict(value: float, target: float, higher_is_better: bool = False) -> str:
    met = value >= target if higher_is_better else value <= target
    return "OK" if met else "MISSED"


def line(label: str, value: str, target: str, state: str) -> None:
    print(f"  {label:<38} {value:>14}   target {target:<12} {state}")


# --- 1. in-process latency -----------------------------------------------------------------------


def measure_latency(settings, rounds: int) -> dict[str, list[float]]:
    from bot.engine.factory import build_engine

    engine = build_engine(settings)
    for text in FACTUAL + GUIDANCE:  # warm-up: lazy imports, first embedding, caches
        engine.ask(text, "bench-warmup")
    timings: dict[str, list[float]] = {"factual": [], "guidance": []}
    for round_number in range(rounds):
        for kind, questions in (("factual", FACTUAL), ("guidance", GUIDANCE)):
            for number, text in enumerate(questions):
                session = f"bench-{kind}-{round_number}-{number}"  # a fresh chat: no context carried over
                started = time.perf_counter()
                engine.ask(text, session)
                timings[kind].append((time.perf_counter() - started) * 1000)
    return timings


def measure_classifier(settings) -> None:
    from bot.engine.classifier import IntentClassifier
    from bot.engine.context import ChatContext
    from bot.engine.factory import build_engine
    from bot.engine.training.build import MODEL_FILE

    path = settings.model_dir / MODEL_FILE
    loads = []
    for _ in range(5):
        started = time.perf_counter()
        IntentClassifier.load(path)
        loads.append((time.perf_counter() - started) * 1000)
    engine = build_engine(settings)
    reads = []
    for _ in range(5):
        for text in FACTUAL + GUIDANCE:
            started = time.perf_counter()
            engine.understander.understand(text, ChatContext())
            reads.append((time.perf_counter() - started) * 1000)
    print("Intent classifier")
    line("model file", f"{path.stat().st_size / 2**20:.2f} MB", "", "")
    line("load (median of 5)", f"{statistics.median(loads):.1f} ms", "", "")
    line("read one message, p50 / p95", f"{statistics.median(reads):.2f} / {percentile(reads, 0.95):.2f} ms", "", "")


# --- 2-4. the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(data_dir: Path, port: int) -> tuple[subprocess.Popen, float]:
    """Start `ihai serve`; return the process and the seconds until /healthz said ready."""
    import httpx

    # Every request comes from 127.0.0.1: the per-client limit would measure itself, not the server.
    env = {**os.environ, "IHAI_DATA_DIR": str(data_dir), "IHAI_HOST": "127.0.0.1", "IHAI_PORT": str(port),
           "IHAI_API_RATE_LIMIT_PER_MINUTE": "1000000"}  # fmt: skip
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("IHAI_TELEGRAM_BOT_TOKEN", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "ihai.cli", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/healthz"
    while time.perf_counter() - started < 120:
        if process.poll() is not None:
            raise RuntimeError(f"ihai serve stopped with exit code {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).json().get("ready"):
                return process, time.perf_counter() - started
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("ihai serve was not ready within 120 s")


async def load(port: int, requests: int, concurrency: int, time_cap: float) -> tuple[int, int, float]:
    """`requests` POSTs from `concurrency` keep-alive workers; returns (ok, failed, seconds)."""
    import httpx

    questions = FACTUAL + GUIDANCE
    counter = iter(range(requests))
    ok = failed = 0
    deadline = time.perf_counter() + time_cap

    async def worker(client: httpx.AsyncClient, worker_number: int) -> None:
        nonlocal ok, failed
        for number in counter:
            if time.perf_counter() > deadline:
                return
            body = {"text": questions[number % len(questions)], "session": f"bench-http-{worker_number}-{number}"}
            response = await client.post("/v1/ask", json=body)
            if response.status_code == 200:
                ok += 1
            else:
                failed += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30.0) as client:
        await client.post("/v1/ask", json={"text": "halo", "session": "bench-warmup"})
        started = time.perf_counter()
        await asyncio.gather(*(worker(client, number) for number in range(concurrency)))
        return ok, failed, time.perf_counter() - started


def resident_memory(pid: int) -> tuple[int, int]:
    """(current, peak) resident set size in bytes, from Linux's /proc."""
    fields = {}
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = row.partition(":")
        fields[key] = value
    return int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmHWM"].split()[0]) * 1024


# --- main ----------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="data folder (default: IHAI_DATA_DIR or data/)")
    parser.add_argument("--rounds", type=int, default=20, help="in-process rounds over every question")
    parser.add_argument("--requests", type=int, default=3000, help="HTTP requests in the throughput run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--time-cap", type=float, default=30.0, help="seconds at most for the throughput run")
    args = parser.parse_args(argv)

    from core.config import Settings
    from ihai.run import prepare_steps, run_subcommand

    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    for step in prepare_steps(settings):
        if run_subcommand(settings, step):
            print(f"Step failed: ihai {' '.join(step)}", file=sys.stderr)
            return 1

    print(f"IHaI assistant benchmark — {os.cpu_count()} CPU, data {settings.data_dir.resolve()}")
    measure_classifier(settings)
    timings = measure_latency(settings, args.rounds)
    print("In-process Engine.ask")
    for kind, target in (("factual", TARGET_FACTUAL_P50_MS), ("guidance", TARGET_GUIDANCE_P50_MS)):
        values = timings[kind]
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        line(f"{kind} p50 ({len(values)} questions)", f"{p50:.2f} ms", f"≤ {target:.0f} ms", verdict(p50, target))
        line(f"{kind} p95", f"{p95:.2f} ms", "", "")

    port = free_port()
    process, ready_seconds = start_server(settings.data_dir, port)
    try:
        print("Server (ihai serve, one uvicorn worker, loopback)")
        line("time to ready", f"{ready_seconds:.2f} s", f"≤ {TARGET_READY_SECONDS:.0f} s",
             verdict(ready_seconds, TARGET_READY_SECONDS))
        ok, failed, seconds = asyncio.run(load(port, args.requests, args.concurrency, args.time_cap))
        rate = ok / seconds if seconds else 0.0
        line(f"POST /v1/ask ({ok} ok, {failed} failed, c={args.concurrency})", f"{rate:.0f} req/s",
             f"≥ {TARGET_REQUESTS_PER_SECOND:.0f} req/s", verdict(rate, TARGET_REQUESTS_PER_SECOND, True))
        current, peak = resident_memory(process.pid)
        line("resident memory now / peak", f"{current / 2**30:.2f} / {peak / 2**30:.2f} GB",
             f"≤ {TARGET_RSS_GB} GB", verdict(peak / 2**30, TARGET_RSS_GB))
    finally:
        process.terminate()
        process.wait(timeout=20)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
