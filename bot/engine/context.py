"""Per-chat conversation context in the project's own SQLite file.

Follow-ups ("kalau dimensi terlemahnya?", "bandingkan dengan Banjarbaru") need the previous turn's
regions and intent. The context lives in SQLite rather than in memory so that it survives a restart and
is shared by several workers (API and bot processes); WAL mode lets readers and one writer work at once.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.sqlite import open_database

# A conversation picked up after this long starts fresh: "kalau Tapin?" the next day should not
# silently reuse yesterday's intent.
CONTEXT_TTL_SECONDS = 6 * 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_context (
    session TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at REAL NOT NULL
)
"""


@dataclass(frozen=True)
class Pending:
    """A question waiting for a region: the user's text, and the ambiguous name to replace (if any)."""

    text: str
    surface: str | None = None


@dataclass(frozen=True)
class ChatContext:
    regions: tuple[str, ...] = ()
    intent: str | None = None
    forum: str | None = None
    pending: Pending | None = None
    # The regions answered before `regions`: "bandingkan keduanya" after asking about one, then another.
    earlier: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ChatContext:
        data = json.loads(text)
        pending = data.get("pending")
        return cls(
            regions=tuple(data.get("regions", ())),
            intent=data.get("intent"),
            forum=data.get("forum"),
            pending=Pending(**pending) if pending else None,
            earlier=tuple(data.get("earlier", ())),
        )


class ContextStore:
    """One row per session id, holding the JSON of its `ChatContext` and when it was written."""

    def __init__(self, path: Path | str, ttl_seconds: float = CONTEXT_TTL_SECONDS) -> None:
        self.ttl_seconds = ttl_seconds
        self._connection = open_database(path)
        self._lock = threading.Lock()
        with self._lock:
            self._connection.execute(_SCHEMA)

    def load(self, session: str) -> ChatContext:
        with self._lock:
            row = self._connection.execute(
                "SELECT state, updated_at FROM chat_context WHERE session = ?", (session,)
            ).fetchone()
        if row is None or time.time() - row[1] > self.ttl_seconds:
            return ChatContext()
        try:
            return ChatContext.from_json(row[0])
        except (ValueError, TypeError):
            return ChatContext()  # a row written by an incompatible version: start the chat afresh

    def save(self, session: str, context: ChatContext) -> None:
        with self._lock:
            self._connection.execute(
                "INSERT INTO chat_context (session, state, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(session) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                (session, context.to_json(), time.time()),
            )

    def purge(self, older_than_seconds: float | None = None) -> int:
        """Delete contexts idle longer than the TTL (or `older_than_seconds`); returns how many."""
        cutoff = time.time() - (self.ttl_seconds if older_than_seconds is None else older_than_seconds)
        with self._lock:
            return self._connection.execute("DELETE FROM chat_context WHERE updated_at < ?", (cutoff,)).rowcount

    def close(self) -> None:
        with self._lock:
            self._connection.close()
