"""Every question asked on any channel, in the project's SQLite file, for the help desk's statistics.

Who asked is kept only as a salted HMAC-SHA256 of the chat id (or API session): enough to count
distinct askers and to tie a conversation together, never the raw id or a name. The same pseudonym
is the session id handed to the engine, so raw chat ids are stored nowhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from bot.sqlite import open_database

if TYPE_CHECKING:
    from bot.engine.model import Answer
    from core.config import Settings

# "Today" is the help desk's day: the project's users work on Western Indonesian Time.
LOCAL_ZONE = ZoneInfo("Asia/Jakarta")
TOP_N = 5
SALT_FILE = "query-log.salt"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS query_log (
    id INTEGER PRIMARY KEY,
    asked_at REAL NOT NULL,
    asker TEXT NOT NULL,
    channel TEXT NOT NULL,
    text TEXT NOT NULL,
    intent TEXT NOT NULL,
    regions TEXT NOT NULL,
    latency_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS query_log_asked_at ON query_log (asked_at);
"""


@dataclass(frozen=True)
class QueryStats:
    today: int
    last_7_days: int
    askers_7_days: int
    top_intents: tuple[tuple[str, int], ...]
    top_regions: tuple[tuple[str, int], ...]
    p50_latency_ms: float | None


def query_log_salt(settings: Settings) -> str:
    """The configured salt, or else one drawn at random for this installation and kept beside the database:
    a salt everybody knows would let anyone re-identify chat ids by hashing candidate numbers."""
    if settings.query_log_salt is not None:
        return settings.query_log_salt.get_secret_value()
    path = settings.data_dir / SALT_FILE
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


class QueryLog:
    """Append-only log of questions; `stats()` summarises the last seven days."""

    def __init__(self, path: Path | str, salt: str) -> None:
        self._salt = salt.encode("utf-8")
        self._connection = open_database(path)
        self._lock = threading.Lock()
        with self._lock:
            self._connection.executescript(_SCHEMA)

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLog:
        return cls(settings.database_path, query_log_salt(settings))

    def pseudonym(self, channel: str, asker: str | int) -> str:
        """A stable salted hash of a chat id or session, prefixed with its channel ("tg:9f2c…")."""
        digest = hmac.new(self._salt, f"{channel}:{asker}".encode(), hashlib.sha256).hexdigest()
        return f"{channel}:{digest[:32]}"

    def record(
        self,
        *,
        asker: str,
        channel: str,
        text: str,
        intent: str,
        regions: Iterable[str],
        latency_ms: float,
        asked_at: float | None = None,
    ) -> None:
        """Log one question. `asker` must already be a `pseudonym`."""
        row = (
            time.time() if asked_at is None else asked_at,
            asker,
            channel,
            text,
            intent,
            json.dumps(list(regions)),
            float(latency_ms),
        )
        with self._lock:
            self._connection.execute(
                "INSERT INTO query_log (asked_at, asker, channel, text, intent, regions, latency_ms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    def stats(self, now: float | None = None) -> QueryStats:
        now = time.time() if now is None else now
        local_now = datetime.fromtimestamp(now, LOCAL_ZONE)
        midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        week_ago = (local_now - timedelta(days=7)).timestamp()
        with self._lock:
            execute = self._connection.execute
            today = execute("SELECT COUNT(*) FROM query_log WHERE asked_at >= ?", (midnight,)).fetchone()[0]
            week, askers = execute(
                "SELECT COUNT(*), COUNT(DISTINCT asker) FROM query_log WHERE asked_at >= ?", (week_ago,)
            ).fetchone()
            intents = execute(
                "SELECT intent, COUNT(*) AS n FROM query_log WHERE asked_at >= ? "
                "GROUP BY intent ORDER BY n DESC, intent LIMIT ?",
                (week_ago, TOP_N),
            ).fetchall()
            regions = execute(
                "SELECT region.value, COUNT(*) AS n FROM query_log, json_each(query_log.regions) AS region "
                "WHERE asked_at >= ? GROUP BY region.value ORDER BY n DESC, region.value LIMIT ?",
                (week_ago, TOP_N),
            ).fetchall()
            median = execute(
                "SELECT latency_ms FROM query_log WHERE asked_at >= ? ORDER BY latency_ms LIMIT 1 OFFSET ?",
                (week_ago, max(week - 1, 0) // 2),
            ).fetchone()
        return QueryStats(
            today=today,
            last_7_days=week,
            askers_7_days=askers,
            top_intents=tuple((intent, n) for intent, n in intents),
            top_regions=tuple((code, n) for code, n in regions),
            p50_latency_ms=median[0] if median else None,
        )

    def close(self) -> None:
        with self._lock:
            self._connection.close()


class Asker(Protocol):
    def ask(self, text: str, session: str) -> Answer: ...


def ask_logged(engine: Asker, log: QueryLog, *, channel: str, asker: str, text: str) -> Answer:
    """The one way a channel asks: the engine answers, the question is logged with its latency.

    `asker` is a pseudonym (see `QueryLog.pseudonym`); it is also the engine's session id.
    """
    started = time.perf_counter()
    answer = engine.ask(text, asker)
    latency_ms = (time.perf_counter() - started) * 1000
    log.record(
        asker=asker, channel=channel, text=text, intent=answer.intent, regions=answer.regions, latency_ms=latency_ms
    )
    return answer
