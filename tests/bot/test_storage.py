"""The storage interface on both backends: SQLite (a file in the test's folder) and PostgreSQL (a fresh
database on the throwaway cluster from `pgcluster`). Two `Storage` objects on one database stand for
two workers."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.querylog import SALT_FILE, QueryLog, query_log_salt
from bot.storage import StorageError, open_storage
from bot.storage.base import QueryRow
from bot.storage.retention import DAY, Retention, purge_expired
from bot.telegram import FloodGate, Verdict
from core.config import Settings
from tests.bot.pgcluster import postgres_url  # noqa: F401 (a fixture)

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "ihai.sqlite3")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def pair(target: str):
    """Two workers' storages on one database."""
    first, second = open_storage(target), open_storage(target)
    yield first, second
    first.close()
    second.close()


def test_context_is_shared_and_survives_a_restart(target: str) -> None:
    first = open_storage(target)
    first.save_context("chat-1", '{"regions": ["63.72"]}', 1000.0)
    first.save_context("chat-1", '{"regions": ["63.71"]}', 1001.0)  # an update, not a second row
    first.close()
    restarted = open_storage(target)
    assert restarted.load_context("chat-1") == ('{"regions": ["63.71"]}', 1001.0)
    assert restarted.load_context("chat-2") is None
    restarted.close()


def test_an_update_is_taken_once_across_workers(pair) -> None:
    first, second = pair
    assert first.first_time(881000001, 1000.0)
    assert not second.first_time(881000001, 1001.0)
    assert second.first_time(881000002, 1001.0)
    assert first.first_time(2**63 - 1, 1001.0)  # the largest id the webhook accepts fits both backends
    assert second.purge_seen_updates(before=1000.5) == 1
    assert second.first_time(881000001, 1002.0)  # forgotten once Telegram no longer retries it


def test_flood_limit_holds_across_workers(pair) -> None:
    first, second = pair
    now = [0.0]
    gates = [FloodGate(3, 10, storage, clock=lambda: now[0]) for storage in pair]
    verdicts = [gates[i % 2].check(42)[0] for i in range(5)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.NOTIFY, Verdict.SILENT]
    assert gates[0].check(43)[0] is Verdict.ALLOW  # chats are limited separately
    now[0] = 10.0
    assert gates[1].check(42) == (Verdict.ALLOW, 0)


def test_flood_counting_is_atomic_under_concurrency(pair) -> None:
    """Sixteen threads over two workers, one chat: exactly `max_messages` messages get through."""
    gates = [FloodGate(10, 60, storage) for storage in pair]
    verdicts: list[Verdict] = []
    lock = threading.Lock()

    def hammer(gate: FloodGate) -> None:
        for _ in range(5):
            verdict, _ = gate.check(-100123)
            with lock:
                verdicts.append(verdict)

    threads = [threading.Thread(target=hammer, args=(gates[i % 2],)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert verdicts.count(Verdict.ALLOW) == 10
    assert verdicts.count(Verdict.NOTIFY) == 1
    assert verdicts.count(Verdict.SILENT) == 16 * 5 - 11


def test_query_log_stats(target: str) -> None:
    log = QueryLog(target, "garam")
    now = 1_741_000_000.0  # 3 March 2025, 18:06 WIB
    asker = log.pseudonym("tg", 12345)
    assert asker.startswith("tg:") and "12345" not in asker and asker == log.pseudonym("tg", 12345)
    assert asker != QueryLog(":memory:", "garam-lain").pseudonym("tg", 12345)
    for offset, intent, regions, latency in [
        (-60, "profil", ["63.72"], 3.0),
        (-120, "profil", ["63.72", "63.01"], 5.0),
        (-3600, "saran", ["63.01"], 30.0),
        (-19 * 3600, "profil", ["63.72"], 4.0),  # yesterday (before midnight WIB)
        (-8 * 86400, "bantuan", [], 1.0),  # older than a week
    ]:
        log.record(asker=asker, channel="tg", text="…", intent=intent, regions=regions, latency_ms=latency,
                   asked_at=now + offset)
    stats = log.stats(now=now)
    assert stats.today == 3 and stats.last_7_days == 4 and stats.askers_7_days == 1
    assert stats.top_intents == (("profil", 3), ("saran", 1))
    assert stats.top_regions == (("63.72", 3), ("63.01", 2))
    assert stats.p50_latency_ms == 4.0
    log.close()


def test_retention_forgets_idle_chats_and_old_question_texts(target: str) -> None:
    storage = open_storage(target)
    now = 2_000_000_000.0
    retention = Retention(context_seconds=30 * DAY, query_text_seconds=90 * DAY)
    storage.save_context("idle", "{}", now - 31 * DAY)
    storage.save_context("recent", "{}", now - 29 * DAY)
    for age_days, text in ((91, "pertanyaan lama tentang Tapin"), (89, "pertanyaan baru tentang Banjar")):
        storage.record_query(QueryRow(now - age_days * DAY, "tg:abc", "tg", text, "profil", ("63.05",), 4.0))
    storage.first_time(7, now - 2 * DAY)
    storage.update_flood(9, lambda state: ('{"hits": [%f]}' % (now - 2 * DAY), None))

    purged = purge_expired(storage, retention, now=now)

    assert (purged.contexts, purged.query_texts, purged.seen_updates, purged.flood_states) == (1, 1, 1, 1)
    assert storage.load_context("idle") is None and storage.load_context("recent") is not None
    stats = storage.query_stats(midnight=0.0, week_ago=0.0, top_n=5)
    # Both questions still count, by intent and region; only the recent one keeps its text and asker.
    assert stats.last_7_days == 2 and stats.top_intents == (("profil", 2),) and stats.top_regions == (("63.05", 2),)
    assert stats.askers_7_days == 1
    assert purge_expired(storage, retention, now=now) == purged.__class__(0, 0, 0, 0)  # nothing left to do
    storage.close()
    texts = _query_texts(target)
    assert sorted(texts) == [("", ""), ("pertanyaan baru tentang Banjar", "tg:abc")]


def _query_texts(target: str) -> list[tuple[str, str]]:
    if target.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(target) as connection:
            return [tuple(row) for row in connection.execute("SELECT text, asker FROM query_log").fetchall()]
    with sqlite3.connect(target) as connection:
        return connection.execute("SELECT text, asker FROM query_log").fetchall()


def test_only_one_worker_may_register_a_random_webhook_secret(target: str) -> None:
    first, second = open_storage(target), open_storage(target)
    assert first.claim_sole_webhook() and first.claim_sole_webhook()  # held: asking again is fine
    assert not second.claim_sole_webhook()
    first.close()
    assert second.claim_sole_webhook()  # the holder stopped
    second.close()


# --- SQLite file: private from the start, clear messages when unusable ----------------------------


@pytest.fixture
def open_umask():
    """A umask that would leave new files world-readable: the modes below owe nothing to it."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_database_and_salt_are_private_from_the_start(tmp_path: Path, open_umask) -> None:
    storage = open_storage(tmp_path / "data" / "ihai.sqlite3")
    storage.save_context("a", "{}", 1.0)
    files = sorted((tmp_path / "data").glob("ihai.sqlite3*"))
    assert {path.name for path in files} >= {"ihai.sqlite3", "ihai.sqlite3-wal"}
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files), [oct(p.stat().st_mode) for p in files]
    storage.close()

    settings = Settings(data_dir=tmp_path / "salted", _env_file=None)
    salts: list[str] = []
    threads = [threading.Thread(target=lambda: salts.append(query_log_salt(settings))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(salts)) == 1 and len(salts[0]) == 64  # racing workers agree on one salt
    salt_file = settings.data_dir / SALT_FILE
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600
    assert sorted(path.name for path in settings.data_dir.iterdir()) == [SALT_FILE]  # no temporary left behind


def test_an_older_world_readable_database_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "ihai.sqlite3"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    open_storage(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_corrupt_database_is_named_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "ihai.sqlite3"
    path.write_bytes(b"bukan basis data SQLite " * 200)
    with pytest.raises(StorageError) as raised:
        open_storage(path)
    message = str(raised.value)
    assert str(path) in message and "rusak" in message and "cadangan" in message


def test_locked_database_is_named_with_what_to_do(tmp_path: Path) -> None:
    """Another process holding the write lock longer than the timeout: a one-line reason, not a hang."""
    path = tmp_path / "ihai.sqlite3"
    storage = open_storage(path, timeout_seconds=0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError) as raised:
            storage.save_context("a", "{}", 1.0)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(path) in str(raised.value) and "dikunci" in str(raised.value)
    storage.save_context("a", "{}", 1.0)  # usable again once the lock is released
    storage.close()


def test_unreachable_postgres_is_named_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql://ihai:rahasia-sekali@/ihai?host={tmp_path}"  # no server listens there
    with pytest.raises(StorageError) as raised:
        open_storage(url, timeout_seconds=1)
    message = str(raised.value)
    assert "rahasia-sekali" not in message and "ihai:***@" in message and "IHAI_DATABASE_URL" in message


def test_sqlite_url_forms(tmp_path: Path) -> None:
    storage = open_storage(f"sqlite:///{tmp_path}/lewat-url.sqlite3")
    storage.close()
    assert (tmp_path / "lewat-url.sqlite3").is_file()


def test_ihai_ask_on_a_corrupt_database_exits_2_with_one_line(tmp_path: Path, sample_results_dir: Path) -> None:
    (tmp_path / "ihai.sqlite3").write_bytes(b"\x00garbage" * 512)
    env = {**os.environ, "IHAI_DATA_DIR": str(tmp_path), "IHAI_QUERY_LOG_SALT": "garam"}
    finished = subprocess.run(
        [sys.executable, "-m", "ihai.cli", "ask", "berapa ihai banjarbaru"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert finished.returncode == 2, finished.stderr
    assert finished.stderr.startswith("Galat: basis data") and "rusak" in finished.stderr
    assert "Traceback" not in finished.stderr and len(finished.stderr.strip().splitlines()) == 1
