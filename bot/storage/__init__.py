"""Where the assistant keeps state between requests: conversation context, the query log, the Telegram
update ids already taken and the per-chat flood counters.

One interface (`Storage`), two backends chosen by the database URL: SQLite in a file under the data
folder (the embedded default) and PostgreSQL, which lets any number of `ihai serve` workers on any
number of hosts share that state. Contexts are stored as the opaque JSON their owner hands over.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.storage.base import QueryRow, QueryStats, Storage, StorageError

if TYPE_CHECKING:
    from core.config import Settings

__all__ = ["QueryRow", "QueryStats", "Storage", "StorageError", "is_postgres_url", "open_storage", "storage_target"]

_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_SQLITE_SCHEME = "sqlite:///"


def is_postgres_url(target: str | Path) -> bool:
    return str(target).startswith(_POSTGRES_SCHEMES)


def storage_target(settings: Settings) -> str:
    """`IHAI_DATABASE_URL` when set, else the SQLite file in the data folder."""
    return settings.database_url or str(settings.database_path)


def open_storage(target: str | Path, *, timeout_seconds: float = 5.0) -> Storage:
    """A PostgreSQL URL (`postgresql://…`), a `sqlite:///path` URL, a file path or `:memory:`.

    Raises StorageError with a message fit for the user when the database cannot be used (corrupt,
    locked, unreachable)."""
    text = str(target)
    if is_postgres_url(text):
        from bot.storage.postgres import PostgresStorage

        return PostgresStorage(text, timeout_seconds=timeout_seconds)
    from bot.storage.sqlite import SQLiteStorage

    if text.startswith(_SQLITE_SCHEME):  # sqlite:///relative/path, sqlite:////absolute/path
        text = text[len(_SQLITE_SCHEME) :]
    return SQLiteStorage(text, timeout_seconds=timeout_seconds)
