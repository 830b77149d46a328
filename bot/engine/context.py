"""Per-chat conversation context, kept in the project's storage (`bot.storage`).

Follow-ups ("kalau dimensi terlemahnya?", "bandingkan dengan Banjarbaru") need the previous turn's
regions and intent. The context lives in the database rather than in memory so that it survives a
restart and is shared by several workers (SQLite on one host, PostgreSQL across hosts).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.storage import Storage, open_storage

# A conversation picked up after this long starts fresh: "kalau Tapin?" the next day should not
# silently reuse yesterday's intent.
CONTEXT_TTL_SECONDS = 6 * 3600


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
    # The regions the last list showed (a ranking, a category, a comparison), in their order:
    # "yang paling bawah", "nomor 2" point into it.
    listed: tuple[str, ...] = ()
    # What the last followable question asked besides regions (order, n, dimension, variable, category),
    # kept for "kalau Kaltara?" after "5 terendah di Kalsel".
    slots: dict[str, Any] = field(default_factory=dict)
    # The provinces the chat is focused on (a coordination meeting's, set by the channel): a name shared
    # by several regions is read as the one there, and a list that names no place is of that province.
    focus: tuple[str, ...] = ()

    def listed_at(self, position: int | None) -> str | None:
        """The region at a position of the last list (1 the first, -1 the last), None when there is none."""
        if position is None:
            return None
        index = position - 1 if position > 0 else position
        return self.listed[index] if -len(self.listed) <= index < len(self.listed) else None

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
            listed=tuple(data.get("listed", ())),
            slots=dict(data.get("slots") or {}),
            focus=tuple(data.get("focus", ())),
        )


class ContextStore:
    """A session's `ChatContext`, kept in the project's storage as the JSON `to_json()` gives.

    `ContextStore()` (or `":memory:"`) keeps contexts in a private in-memory SQLite database; a path,
    a `postgresql://` URL or an open `Storage` keeps them where every worker sharing it finds them.
    """

    def __init__(self, storage: Storage | Path | str = ":memory:", ttl_seconds: float = CONTEXT_TTL_SECONDS) -> None:
        self.ttl_seconds = ttl_seconds
        self._owned = not isinstance(storage, Storage)
        self.storage = open_storage(storage) if self._owned else storage

    def load(self, session: str) -> ChatContext:
        row = self.storage.load_context(session)
        if row is None or time.time() - row[1] > self.ttl_seconds:
            return ChatContext()
        try:
            return ChatContext.from_json(row[0])
        except (ValueError, TypeError, KeyError):
            return ChatContext()  # a row written by an incompatible version: start the chat afresh

    def save(self, session: str, context: ChatContext) -> None:
        self.storage.save_context(session, context.to_json(), time.time())

    def purge(self, older_than_seconds: float | None = None) -> int:
        """Delete contexts idle longer than the TTL (or `older_than_seconds`); returns how many."""
        cutoff = time.time() - (self.ttl_seconds if older_than_seconds is None else older_than_seconds)
        return self.storage.purge_contexts(cutoff)

    def close(self) -> None:
        if self._owned:
            self.storage.close()
