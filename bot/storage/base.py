"""The storage interface and the SQL both backends share.

Every method is synchronous and thread-safe: the HTTP server calls from its thread pool, the bot from
worker threads (never on the event loop). Times are Unix seconds from the callers' clocks, so that
several hosts agree on what "a day ago" means as far as their clocks do.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class StorageError(Exception):
    """The database cannot be used (corrupt, locked, unreachable); the message says which and what to do."""


@dataclass(frozen=True)
class QueryRow:
    asked_at: float
    asker: str  # a pseudonym, never a raw chat id
    channel: str
    text: str
    intent: str
    regions: tuple[str, ...]
    latency_ms: float


@dataclass(frozen=True)
class QueryStats:
    today: int
    last_7_days: int
    askers_7_days: int
    top_intents: tuple[tuple[str, int], ...]
    top_regions: tuple[tuple[str, int], ...]
    p50_latency_ms: float | None


class _Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class _Connection(Protocol):
    def execute(self, sql: str, params: Any = ...) -> _Cursor: ...


class Storage(ABC):
    """Conversation context, query log, seen update ids and flood counters; see `SQLStorage`."""

    @abstractmethod
    def load_context(self, session: str) -> tuple[str, float] | None:
        """The session's context JSON and when it was saved, or None."""

    @abstractmethod
    def save_context(self, session: str, state: str, now: float) -> None: ...

    @abstractmethod
    def record_query(self, row: QueryRow) -> None: ...

    @abstractmethod
    def query_stats(self, *, midnight: float, week_ago: float, top_n: int) -> QueryStats: ...

    @abstractmethod
    def questions_since(self, since: float) -> list[QueryRow]:
        """Logged questions asked from `since` on, oldest first (rows past the text retention have none)."""

    @abstractmethod
    def first_time(self, update_id: int, now: float) -> bool:
        """Remember a Telegram update id; False when some worker already took it."""

    @abstractmethod
    def update_flood(self, chat_id: int, change: Callable[[str | None], tuple[str, T]]) -> T:
        """Read a chat's flood state (JSON, None at first), write `change`'s new state and return its
        verdict, as one atomic step across every worker sharing the database."""

    @abstractmethod
    def purge_contexts(self, before: float) -> int: ...

    @abstractmethod
    def strip_query_text(self, before: float) -> int:
        """Forget the question text and asker of log rows older than `before`; intent, regions,
        latency and time stay for the statistics."""

    @abstractmethod
    def purge_seen_updates(self, before: float) -> int: ...

    @abstractmethod
    def purge_flood(self, before: float) -> int: ...

    @abstractmethod
    def claim_sole_webhook(self) -> bool:
        """Held until close: True for the first worker asking, False while another one holds it."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def description(self) -> str:
        """Where the data lives, for messages (never a password)."""


class SQLStorage(Storage):
    """The statements both backends run; a backend gives a connection, a transaction and its DDL.

    Placeholders are written `?` and turned into `%s` for psycopg."""

    regions_of_row: str  # a table expression giving `value` for each region code of query_log.regions

    @abstractmethod
    def _connection(self) -> AbstractContextManager[_Connection]:
        """An autocommit connection for one statement or a few independent ones."""

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[_Connection]:
        """A write transaction that serialises with other writers (other workers included)."""

    def _sql(self, sql: str) -> str:
        return sql

    def load_context(self, session: str) -> tuple[str, float] | None:
        with self._connection() as connection:
            row = connection.execute(
                self._sql("SELECT state, updated_at FROM chat_context WHERE session = ?"), (session,)
            ).fetchone()
        return None if row is None else (row[0], row[1])

    def save_context(self, session: str, state: str, now: float) -> None:
        with self._connection() as connection:
            connection.execute(
                self._sql(
                    "INSERT INTO chat_context (session, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (session) "
                    "DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
                ),
                (session, state, now),
            )

    def record_query(self, row: QueryRow) -> None:
        with self._connection() as connection:
            connection.execute(
                self._sql(
                    "INSERT INTO query_log (asked_at, asker, channel, text, intent, regions, latency_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)"
                ),
                (row.asked_at, row.asker, row.channel, row.text, row.intent, json.dumps(list(row.regions)),
                 float(row.latency_ms)),
            )

    def query_stats(self, *, midnight: float, week_ago: float, top_n: int) -> QueryStats:
        with self._connection() as connection:
            execute = connection.execute
            today = execute(self._sql("SELECT COUNT(*) FROM query_log WHERE asked_at >= ?"), (midnight,)).fetchone()[0]
            week, askers = execute(
                # Rows past the text retention have lost their asker (''): not a person.
                self._sql(
                    "SELECT COUNT(*), COUNT(DISTINCT NULLIF(asker, '')) FROM query_log WHERE asked_at >= ?"
                ),
                (week_ago,),
            ).fetchone()
            intents = execute(
                self._sql(
                    "SELECT intent, COUNT(*) AS n FROM query_log WHERE asked_at >= ? "
                    "GROUP BY intent ORDER BY n DESC, intent LIMIT ?"
                ),
                (week_ago, top_n),
            ).fetchall()
            regions = execute(
                self._sql(
                    f"SELECT region.value, COUNT(*) AS n FROM query_log, {self.regions_of_row} AS region "
                    "WHERE asked_at >= ? GROUP BY region.value ORDER BY n DESC, region.value LIMIT ?"
                ),
                (week_ago, top_n),
            ).fetchall()
            median = execute(
                self._sql("SELECT latency_ms FROM query_log WHERE asked_at >= ? ORDER BY latency_ms LIMIT 1 OFFSET ?"),
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

    def questions_since(self, since: float) -> list[QueryRow]:
        with self._connection() as connection:
            rows = connection.execute(
                self._sql(
                    "SELECT asked_at, asker, channel, text, intent, regions, latency_ms FROM query_log "
                    "WHERE asked_at >= ? ORDER BY asked_at"
                ),
                (since,),
            ).fetchall()
        return [
            QueryRow(asked_at, asker, channel, text, intent, tuple(json.loads(regions)), latency_ms)
            for asked_at, asker, channel, text, intent, regions, latency_ms in rows
        ]

    def first_time(self, update_id: int, now: float) -> bool:
        with self._connection() as connection:
            taken = connection.execute(
                self._sql("INSERT INTO telegram_update (update_id, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING"),
                (update_id, now),
            ).rowcount
        return taken == 1

    def update_flood(self, chat_id: int, change: Callable[[str | None], tuple[str, T]]) -> T:
        with self._transaction() as connection:
            # The row exists before it is read, so that FOR UPDATE has something to lock: two workers
            # seeing a chat's first message would otherwise both find no row and both count from zero.
            connection.execute(
                self._sql("INSERT INTO flood_state (chat_id, state, updated_at) VALUES (?, '', 0) ON CONFLICT DO NOTHING"),
                (chat_id,),
            )
            row = connection.execute(
                self._sql("SELECT state FROM flood_state WHERE chat_id = ?" + self._lock_row_clause), (chat_id,)
            ).fetchone()
            state, verdict = change(row[0] if row and row[0] else None)
            connection.execute(
                self._sql(
                    "INSERT INTO flood_state (chat_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (chat_id) "
                    "DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
                ),
                (chat_id, state, _updated_at(state)),
            )
        return verdict

    _lock_row_clause = ""

    def purge_contexts(self, before: float) -> int:
        return self._delete("DELETE FROM chat_context WHERE updated_at < ?", before)

    def strip_query_text(self, before: float) -> int:
        return self._delete("UPDATE query_log SET text = '', asker = '' WHERE asked_at < ? AND asker <> ''", before)

    def purge_seen_updates(self, before: float) -> int:
        return self._delete("DELETE FROM telegram_update WHERE seen_at < ?", before)

    def purge_flood(self, before: float) -> int:
        return self._delete("DELETE FROM flood_state WHERE updated_at < ?", before)

    def _delete(self, sql: str, before: float) -> int:
        with self._connection() as connection:
            return connection.execute(self._sql(sql), (before,)).rowcount


def _updated_at(state: str) -> float:
    """The newest hit of a flood state, so that idle chats can be purged by one indexed comparison."""
    hits = json.loads(state).get("hits") or [0.0]
    return float(max(hits))
