"""The embedded backend: one SQLite file under the data folder, private to its owner from the start.

WAL lets several processes on one host read while one writes; NORMAL skips an fsync per write, and
losing the last turn or logged question on power loss is acceptable.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.storage.base import SQLStorage, StorageError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_context (
    session TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_context_updated_at ON chat_context (updated_at);
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
CREATE TABLE IF NOT EXISTS telegram_update (update_id INTEGER PRIMARY KEY, seen_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS telegram_update_seen_at ON telegram_update (seen_at);
CREATE TABLE IF NOT EXISTS flood_state (chat_id INTEGER PRIMARY KEY, state TEXT NOT NULL, updated_at REAL NOT NULL);
"""
PRIVATE = 0o600


def create_private_file(path: Path) -> None:
    """Create `path` readable by its owner only, in one step (no moment with wider permissions), and
    tighten a file an older version left world-readable. The database holds pseudonymised chats and
    question texts; SQLite gives its -wal and -shm files the database file's permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        pass
    for existing in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if existing.stat().st_mode & 0o077:
                existing.chmod(PRIVATE)
        except FileNotFoundError:
            continue
        except PermissionError:  # someone else's file: SQLite will say whether it can use it
            continue


def explain(path: str, error: sqlite3.Error) -> str:
    message = str(error)
    if "locked" in message or "busy" in message:
        return (
            f"basis data {path} sedang dikunci oleh proses lain ({message}). Tunggu proses itu selesai atau "
            "hentikan proses ihai lain yang memakai berkas yang sama, lalu coba lagi."
        )
    if isinstance(error, sqlite3.DatabaseError) and any(
        word in message for word in ("not a database", "malformed", "disk image", "file is encrypted")
    ):
        return (
            f"basis data {path} rusak ({message}). Pulihkan berkas itu dari cadangan, atau pindahkan ke tempat lain "
            "agar ihai membuat basis data baru (konteks percakapan dan log pertanyaan mulai kosong)."
        )
    return f"basis data {path} tidak dapat dipakai ({message})."


class SQLiteStorage(SQLStorage):
    """One connection per process, serialised by a lock; other processes serialise through SQLite's own."""

    regions_of_row = "json_each(query_log.regions)"

    def __init__(self, path: Path | str, *, timeout_seconds: float = 5.0) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._webhook_lock: int | None = None
        if self.path != ":memory:":
            create_private_file(Path(self.path))
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=timeout_seconds, isolation_level=None)
        except sqlite3.Error as error:
            raise StorageError(explain(self.path, error)) from None
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as error:
            self._db.close()
            raise StorageError(explain(self.path, error)) from None

    @property
    def description(self) -> str:
        return self.path

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._db
            except sqlite3.Error as error:
                raise StorageError(explain(self.path, error)) from None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as connection:
            # IMMEDIATE takes the write lock at once, so that two processes never read the same flood state.
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def claim_sole_webhook(self) -> bool:
        if self.path == ":memory:":
            return True
        if self._webhook_lock is None:
            lock_path = Path(self.path + ".webhook.lock")
            create_private_file(lock_path)
            descriptor = os.open(lock_path, os.O_RDWR)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                return False
            self._webhook_lock = descriptor
        return True

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._webhook_lock is not None:
                os.close(self._webhook_lock)  # closing the descriptor releases the flock
                self._webhook_lock = None
