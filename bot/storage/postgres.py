"""The shared backend: PostgreSQL through psycopg 3 and a small connection pool per process.

Any number of `ihai serve` workers, on any number of hosts, point `IHAI_DATABASE_URL` at one database:
a follow-up reaching another worker finds its context, a retried webhook delivery reaching another
worker is still dropped, and a chat's flood limit counts its messages on every worker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.storage.base import SQLStorage, StorageError

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS chat_context (
        session TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS chat_context_updated_at ON chat_context (updated_at)",
    """CREATE TABLE IF NOT EXISTS query_log (
        id BIGSERIAL PRIMARY KEY,
        asked_at DOUBLE PRECISION NOT NULL,
        asker TEXT NOT NULL,
        channel TEXT NOT NULL,
        text TEXT NOT NULL,
        intent TEXT NOT NULL,
        regions TEXT NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS query_log_asked_at ON query_log (asked_at)",
    "CREATE TABLE IF NOT EXISTS telegram_update (update_id BIGINT PRIMARY KEY, seen_at DOUBLE PRECISION NOT NULL)",
    "CREATE INDEX IF NOT EXISTS telegram_update_seen_at ON telegram_update (seen_at)",
    """CREATE TABLE IF NOT EXISTS flood_state (
        chat_id BIGINT PRIMARY KEY, state TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL
    )""",
)
# Advisory lock keys (arbitrary constants of this project): schema creation, and the one worker that may
# register a random webhook secret.
_SCHEMA_LOCK = 0x1A4A1
_WEBHOOK_LOCK = 0x1A4A2
POOL_SIZE = 8


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


class PostgresStorage(SQLStorage):
    regions_of_row = "jsonb_array_elements_text(query_log.regions::jsonb)"
    # Two workers taking the same chat's flood state wait for each other instead of both reading it.
    _lock_row_clause = " FOR UPDATE"

    def __init__(self, url: str, *, timeout_seconds: float = 5.0) -> None:
        self.url = url
        self._held: psycopg.Connection | None = None
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            kwargs={"autocommit": True},
            timeout=timeout_seconds,
            open=False,
            name="ihai",
        )
        try:
            self._pool.open(wait=True, timeout=timeout_seconds)
            with self._pool.connection() as connection, connection.transaction():
                # Workers starting together would otherwise race on CREATE TABLE IF NOT EXISTS.
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                for statement in _SCHEMA:
                    connection.execute(statement)
        except (PoolTimeout, psycopg.Error) as error:
            self._pool.close()
            raise StorageError(self._explain(error)) from None

    @property
    def description(self) -> str:
        return redact_url(self.url)

    def _explain(self, error: Exception) -> str:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return (
            f"basis data PostgreSQL {self.description} tidak dapat dipakai ({redact_url(detail)}). "
            "Periksa IHAI_DATABASE_URL, bahwa server berjalan dan dapat dijangkau, dan hak akses penggunanya."
        )

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        try:
            with self._pool.connection() as connection:
                yield connection
        except (PoolTimeout, psycopg.OperationalError) as error:
            raise StorageError(self._explain(error)) from None

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection]:
        with self._connection() as connection, connection.transaction():
            yield connection

    def claim_sole_webhook(self) -> bool:
        if self._held is None:
            # A session-level advisory lock lives as long as this connection: kept out of the pool.
            connection = psycopg.connect(self.url, autocommit=True)
            if not connection.execute("SELECT pg_try_advisory_lock(%s)", (_WEBHOOK_LOCK,)).fetchone()[0]:
                connection.close()
                return False
            self._held = connection
        return True

    def close(self) -> None:
        if self._held is not None:
            # Released in so many words: closing the connection alone frees the lock only once the server's
            # session has ended, which can be after the next worker has already asked for it.
            self._held.execute("SELECT pg_advisory_unlock(%s)", (_WEBHOOK_LOCK,))
            self._held.close()
            self._held = None
        self._pool.close()
