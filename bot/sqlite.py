"""The one way this project opens its SQLite database (chat context and query log share the file)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_database(path: Path | str) -> sqlite3.Connection:
    """An autocommit connection usable from any thread; callers serialise access with their own lock,
    because the HTTP server calls from its thread pool and the bot from its event loop."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path), check_same_thread=False, timeout=5.0, isolation_level=None)
    # WAL lets several workers read while one writes; NORMAL skips an fsync per write, and losing the
    # last turn or logged question on power loss is acceptable.
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection
