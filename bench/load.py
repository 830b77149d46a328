"""Load and fault benchmark: `.venv/bin/python -m bench.load [--requests N] [--data-dir DIR]`.

Two `ihai serve` workers (webhook mode) share a throwaway PostgreSQL cluster (Unix socket, temporary
directory) and a local stand-in for Telegram's Bot API; everything runs on loopback, nothing reaches the
internet, and the run stops by itself after `--requests` requests (default 20,000) or `--time-cap`
seconds. The mix, all spread over both workers:

- `POST /v1/ask` (conversations of about fifteen questions) and `GET /v1/search`, paced at `--api-rate` requests a
  second with at most `--concurrency` in flight (a paced load, so that latency measures the service and
  not a queue the benchmark itself builds up);
- webhook updates from 200 simulated chats, paced: one group floods (many members, far past the flood
  limit and Telegram's 20 messages a minute per group), 194 private chats ask now and then, and 5
  private "probe" chats ask one question at a time and time the reply (POST → the stand-in receiving
  the bot's message). About one update in ten is delivered a second time to the other worker, as
  Telegram does after a timeout.

Printed: errors (anything but 200 and the intended 429/503), probe latency p50/p99 while the group
floods, duplicate replies to retried updates, updates accepted but never answered, and each worker's
resident memory growth from after warm-up to the end. Targets are reported, never raised.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from bench.ask import FACTUAL, GUIDANCE, free_port, percentile, resident_memory

TARGET_P99_SECONDS = 1.0
TARGET_RSS_GROWTH_MB = 50.0
SECRET = "rahasia-bench-load-0123456789"
GROUP_ID = -1009876543210
PROBE_CHATS = 5
BACKGROUND_CHATS = 194
GROUP_UPDATES_PER_SECOND = 12.0
PRIVATE_UPDATES_PER_SECOND = 5.0
RETRY_SHARE = 0.10
PROBE_PAUSE_SECONDS = 1.5  # under the flood limit (8 in 10 s) for one chat
SEARCHES = ("pendirian rumah ibadat", "moderasi beragama", "tugas fkdm", "pembauran kebangsaan", "rpjmd ihai")
INTENDED = {429, 503}


class Tally:
    """Requests sent and their outcomes, shared by every producer; the run ends at `limit` requests."""

    def __init__(self, limit: int, deadline: float) -> None:
        self.limit = limit
        self.deadline = deadline
        self.sent = 0
        self.statuses: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()

    def take(self) -> bool:
        if self.sent >= self.limit or time.monotonic() > self.deadline:
            return False
        self.sent += 1
        return True

    def record(self, kind: str, status: int | str) -> None:
        self.statuses[f"{kind} {status}"] += 1
        if status != 200 and status not in INTENDED:
            self.errors[f"{kind} {status}"] += 1


class Replies:
    """What the stand-in saw, per chat: the bot's chat actions (one per handled question) and the times
    of its messages, with waiters for the probe chats."""

    def __init__(self) -> None:
        self.actions: Counter[int] = Counter()
        self.action_times: dict[int, list[float]] = defaultdict(list)
        self.messages: dict[int, list[float]] = defaultdict(list)
        self._waiters: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future]] = {}
        self._lock = threading.Lock()
        self.last_call = time.monotonic()

    def on_call(self, call) -> None:  # from the stand-in's threads
        chat = call.params.get("chat_id")
        with self._lock:
            self.last_call = call.at
            if call.method == "sendChatAction":
                self.actions[chat] += 1
                self.action_times[chat].append(call.at)
            elif call.method in ("sendMessage", "sendPhoto"):
                self.messages[chat].append(call.at)
                waiter = self._waiters.pop(chat, None)
                if waiter is not None:
                    loop, future = waiter
                    loop.call_soon_threadsafe(lambda: future.done() or future.set_result(call.at))

    def expect(self, chat: int) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._lock:
            self._waiters[chat] = (loop, future)
        return future


def update_payload(update_id: int, chat: dict, user: dict, text: str) -> dict:
    message = {"message_id": update_id % 1_000_000, "from": user, "chat": chat, "date": int(time.time()), "text": text}
    if chat["type"] != "private":
        # In a group the bot answers only what mentions it (or replies to it, or commands it).
        from tests.bot.botapi import BOT_USER

        mention = f"@{BOT_USER['username']}"
        message.update(text=f"{mention} {text}", entities=[{"offset": 0, "length": len(mention), "type": "mention"}])
    return {"update_id": update_id, "message": message}


def private_chat(number: int) -> tuple[dict, dict]:
    user = {"id": 8_100_000 + number, "is_bot": False, "first_name": f"Penanya{number}", "language_code": "id"}
    return {"id": user["id"], "type": "private", "first_name": user["first_name"]}, user


# Across the warm-up and the measured run: update ids never repeat, and what was accepted is remembered.
_update_ids = itertools.count(500_000_001)
_accepted: dict[int, set[int]] = defaultdict(set)  # chat -> update ids answered 200 at least once


async def run_load(
    ports: list[int], total: int, concurrency: int, api_rate: float, time_cap: float, replies: Replies, seed: int
) -> dict:
    import httpx

    tally = Tally(total, time.monotonic() + time_cap)
    update_ids = _update_ids
    random_source = random.Random(seed)
    accepted = _accepted
    probe_latencies: list[float] = []
    typing_latencies: list[float] = []  # until "typing…": dispatch, flood check, before the engine
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    # Idle connections are dropped before uvicorn's 5 s keep-alive timeout closes them under a request.
    limits = httpx.Limits(max_connections=concurrency + 32, max_keepalive_connections=concurrency + 32,
                          keepalive_expiry=2.0)
    clients = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30.0) for port in ports]
    stop = asyncio.Event()

    async def deliver(payload: dict, chat_id: int, worker: int, retry: bool) -> None:
        if not tally.take():
            stop.set()
            return
        try:
            response = await clients[worker].post("/telegram/webhook", json=payload, headers=headers)
            status: int | str = response.status_code
        except httpx.HTTPError as error:
            status = type(error).__name__
        kind = "webhook group" if chat_id == GROUP_ID else "webhook private"
        tally.record(f"{kind} retry" if retry else kind, status)
        if status == 200:
            accepted[chat_id].add(payload["update_id"])

    async def send_update(chat: dict, user: dict, text: str) -> None:
        payload = update_payload(next(update_ids), chat, user, text)
        worker = random_source.randrange(len(clients))
        await deliver(payload, chat["id"], worker, retry=False)
        if chat["id"] != GROUP_ID and random_source.random() < RETRY_SHARE:
            # Telegram's redelivery after a timeout, reaching the other worker a moment later.
            await asyncio.sleep(random_source.uniform(0.0, 0.3))
            await deliver(payload, chat["id"], 1 - worker, retry=True)

    async def paced(rate: float, make) -> None:
        pending: set[asyncio.Task] = set()
        while not stop.is_set():
            task = asyncio.create_task(make())
            pending.add(task)
            task.add_done_callback(pending.discard)
            await asyncio.sleep(random_source.expovariate(rate))
        await asyncio.gather(*pending)

    group = {"id": GROUP_ID, "type": "supergroup", "title": "FKUB Kabupaten Contoh (uji beban)"}

    def group_message():
        member = {"id": 8_900_000 + random_source.randrange(60), "is_bot": False, "first_name": "Anggota"}
        return send_update(group, member, random_source.choice(("halo semua", *FACTUAL)))

    def background_message():
        chat, user = private_chat(PROBE_CHATS + random_source.randrange(BACKGROUND_CHATS))
        return send_update(chat, user, random_source.choice(FACTUAL))

    async def probe(number: int) -> None:
        chat, user = private_chat(number)
        questions = itertools.cycle(FACTUAL[number:] + FACTUAL[:number])
        while not stop.is_set():
            payload = update_payload(next(update_ids), chat, user, next(questions))
            answered = replies.expect(chat["id"])
            started = time.monotonic()
            await deliver(payload, chat["id"], number % len(clients), retry=False)
            if payload["update_id"] not in accepted[chat["id"]]:
                answered.cancel()
                await asyncio.sleep(PROBE_PAUSE_SECONDS)
                continue
            try:
                probe_latencies.append(await asyncio.wait_for(answered, timeout=30) - started)
            except TimeoutError:
                probe_latencies.append(30.0)
            typing = [at for at in replies.action_times[chat["id"]] if at >= started]
            if typing:
                typing_latencies.append(typing[0] - started)
            await asyncio.sleep(PROBE_PAUSE_SECONDS)

    in_flight = asyncio.Semaphore(concurrency)
    api_requests = itertools.count()

    async def api_request() -> None:
        index = next(api_requests)
        if not tally.take():
            stop.set()
            return
        client = clients[index % len(clients)]
        async with in_flight:
            try:
                if index % 4 == 3:
                    kind = "search"
                    response = await client.get("/v1/search", params={"q": SEARCHES[index % len(SEARCHES)], "k": 5})
                else:
                    kind = "ask"
                    questions = FACTUAL + GUIDANCE
                    body = {"text": questions[index % len(questions)], "session": f"load-{index // 20}"}
                    response = await client.post("/v1/ask", json=body)
                status: int | str = response.status_code
            except httpx.HTTPError as error:
                status = type(error).__name__
        tally.record(kind, status)

    started = time.monotonic()
    await asyncio.gather(
        paced(GROUP_UPDATES_PER_SECOND, group_message),
        paced(PRIVATE_UPDATES_PER_SECOND, background_message),
        *(probe(number) for number in range(PROBE_CHATS)),
        paced(api_rate, api_request),
    )
    seconds = time.monotonic() - started
    for client in clients:
        await client.aclose()
    return {"tally": tally, "accepted": accepted, "probe": probe_latencies, "typing": typing_latencies,
            "seconds": seconds}


def start_worker(data_dir: Path, port: int, env: dict[str, str]) -> subprocess.Popen:
    import httpx

    process = subprocess.Popen(
        [sys.executable, "-m", "ihai.cli", "serve"],
        env={**env, "IHAI_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=open(data_dir / f"worker-{port}.log", "w"),  # noqa: SIM115 (the child keeps it)
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker on port {port} stopped with exit code {process.returncode}")
        try:
            health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1.0).json()
            if health.get("ready") and health.get("telegram") == "ok":
                return process
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"worker on port {port} was not ready within 180 s")


def warm_up(ports: list[int], replies: Replies) -> None:
    """Every path once and the common ones many times (engine, search, charts, the bot's sends), so that
    the memory measured afterwards is the steady state and not first-use loading."""
    import httpx

    chat, user = private_chat(999)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    with httpx.Client(timeout=30) as client:
        for port in ports:
            base = f"http://127.0.0.1:{port}"
            for round_number in range(8):
                for number, text in enumerate(FACTUAL + GUIDANCE):
                    client.post(f"{base}/v1/ask", json={"text": text, "session": f"warm-{round_number}-{number}"})
                for query in SEARCHES:
                    client.get(f"{base}/v1/search", params={"q": query})
            for code in ("63.72", "63", "32.73", "32"):
                client.get(f"{base}/v1/regions/{code}/chart.png")
            for number, text in enumerate(FACTUAL[:6]):
                client.post(f"{base}/telegram/webhook", headers=headers,
                            json=update_payload(400_000_000 + port * 10 + number, chat, user, text))
                time.sleep(1.3)  # within the flood limit


def wait_until_quiet(replies: Replies, quiet_seconds: float = 3.0, cap_seconds: float = 120.0) -> None:
    """Let the workers finish their backlogs (the group's, held back by its rate limit, is the longest)."""
    deadline = time.monotonic() + cap_seconds
    while time.monotonic() < deadline and time.monotonic() - replies.last_call < quiet_seconds:
        time.sleep(0.5)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="data folder (default: IHAI_DATA_DIR or data/)")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=32, help="/v1 requests in flight at most")
    parser.add_argument("--api-rate", type=float, default=30.0, help="/v1 requests a second")
    parser.add_argument("--warmup-requests", type=int, default=2000, help="same mix before the memory baseline")
    parser.add_argument("--time-cap", type=float, default=900.0, help="seconds at most for the load")
    args = parser.parse_args(argv)
    # Stopped from outside, it still stops its workers and the cluster (the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from core.config import Settings
    from ihai.run import prepare_steps, run_subcommand
    from tests.bot.botapi import TOKEN, BotApiStandIn
    from tests.bot.pgcluster import TemporaryCluster

    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    for step in prepare_steps(settings):
        if run_subcommand(settings, step):
            print(f"Step failed: ihai {' '.join(step)}", file=sys.stderr)
            return 1

    replies = Replies()
    stand_in = BotApiStandIn(on_call=replies.on_call)
    cluster = TemporaryCluster()
    workers: list[subprocess.Popen] = []
    try:
        env = {
            **os.environ,
            "IHAI_DATA_DIR": str(settings.data_dir),
            "IHAI_DATABASE_URL": cluster.new_database(),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "IHAI_TELEGRAM_API_URL": stand_in.base_url,
            "IHAI_TELEGRAM_WEBHOOK_URL": "https://ihai.bench.invalid",
            "IHAI_TELEGRAM_WEBHOOK_SECRET": SECRET,
            "IHAI_QUERY_LOG_SALT": "garam-bench-load",
            # One client address (loopback) sends everything: a limit per worker well above the run's rate
            # still shows whether 429s are answered correctly without turning most requests away.
            "IHAI_API_RATE_LIMIT_PER_MINUTE": "30000",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
        ports = [free_port(), free_port()]
        workers = [start_worker(settings.data_dir, port, env) for port in ports]
        warm_up(ports, replies)
        # Then the same mix for a while, so that the baseline is the steady state, not first use.
        asyncio.run(run_load(ports, args.warmup_requests, args.concurrency, args.api_rate, args.time_cap, replies, 1))
        wait_until_quiet(replies)
        baseline = [resident_memory(worker.pid)[0] for worker in workers]
        print(f"IHaI load benchmark — {os.cpu_count()} CPU, 2 workers on PostgreSQL, {args.requests} requests, "
              f"/v1 at {args.api_rate:g}/s, webhook at {GROUP_UPDATES_PER_SECOND:g}/s (group) + "
              f"{PRIVATE_UPDATES_PER_SECOND:g}/s (private) + probes; load average before "
              f"{os.getloadavg()[0]:.1f}")
        outcome = asyncio.run(
            run_load(ports, args.requests, args.concurrency, args.api_rate, args.time_cap, replies, 2025)
        )
        wait_until_quiet(replies)
        after = [resident_memory(worker.pid)[0] for worker in workers]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        cluster.stop()
        stand_in.close()

    tally: Tally = outcome["tally"]
    accepted = _accepted  # warm-up and run: every accepted update must be answered exactly once
    private = [chat for chat in accepted if chat != GROUP_ID]
    duplicates = sum(max(0, replies.actions[chat] - len(accepted[chat])) for chat in private)
    unanswered = sum(max(0, len(accepted[chat]) - replies.actions[chat]) for chat in private)
    growth_mb = [(end - start) / 2**20 for start, end in zip(baseline, after, strict=True)]
    latencies = outcome["probe"]
    errors = sum(tally.errors.values())

    print(f"  requests sent                 {tally.sent:>8} in {outcome['seconds']:.1f} s "
          f"({tally.sent / outcome['seconds']:.0f} req/s)")
    for key, count in sorted(tally.statuses.items()):
        print(f"    {key:<28} {count:>8}")
    print(f"  errors (not 200/429/503)      {errors:>8}   target 0  {'OK' if errors == 0 else 'MISSED'}")
    for key, count in sorted(tally.errors.items()):
        print(f"    {key:<28} {count:>8}")
    if latencies:
        p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
        state = "OK" if p99 <= TARGET_P99_SECONDS else "MISSED"
        print(f"  private chat latency p50/p99  {p50 * 1000:>6.0f} / {p99 * 1000:.0f} ms "
              f"({len(latencies)} probes)   target p99 ≤ {TARGET_P99_SECONDS * 1000:.0f} ms  {state}")
        typing = outcome["typing"]
        print(f"    of which until \"typing…\"  {statistics.median(typing) * 1000:>6.0f} / "
              f"{percentile(typing, 0.99) * 1000:.0f} ms")
    print(f"  group updates accepted        {len(accepted.get(GROUP_ID, ()))}, bot messages to the group "
          f"{len(replies.messages.get(GROUP_ID, ()))}")
    print(f"  private updates accepted      {sum(len(accepted[chat]) for chat in private)} in {len(private)} chats")
    print(f"  duplicate replies             {duplicates:>8}   target 0  {'OK' if duplicates == 0 else 'MISSED'}")
    print(f"  accepted but never answered   {unanswered:>8}")
    worst = max(growth_mb)
    print(f"  resident memory growth        {' / '.join(f'{value:.1f}' for value in growth_mb)} MB (workers; "
          f"after a warm-up of {args.warmup_requests} requests {' / '.join(f'{v / 2**20:.0f}' for v in baseline)} MB)   "
          f"target ≤ {TARGET_RSS_GROWTH_MB:.0f} MB  {'OK' if worst <= TARGET_RSS_GROWTH_MB else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
