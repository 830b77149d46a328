"""Every question asked on any channel, in the project's database, for the help desk's statistics.

Who asked is kept only as a salted HMAC-SHA256 of the chat id (or API session): enough to count
distinct askers and to tie a conversation together, never the raw id or a name. The same pseudonym
is the session id handed to the engine, so raw chat ids are stored nowhere. After the retention period
(`IHAI_QUERY_TEXT_RETENTION_DAYS`) a row keeps only its time, intent, regions and latency.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from bot.storage import QueryRow, QueryStats, Storage, StorageError, open_storage, storage_target

if TYPE_CHECKING:
    from bot.engine.model import Answer
    from core.config import Settings

__all__ = ["QueryLog", "QueryStats", "ask_logged", "query_log_salt"]

logger = logging.getLogger(__name__)

# "Today" is the help desk's day: the project's users work on Western Indonesian Time.
LOCAL_ZONE = ZoneInfo("Asia/Jakarta")
TOP_N = 5
SALT_FILE = "query-log.salt"


def query_log_salt(settings: Settings) -> str:
    """The configured salt, or else one drawn at random for this installation and kept beside the database:
    a salt everybody knows would let anyone re-identify chat ids by hashing candidate numbers."""
    if settings.query_log_salt is not None:
        return settings.query_log_salt.get_secret_value()
    path = settings.data_dir / SALT_FILE
    if not path.is_file():
        _publish_private(path, secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip()


def _publish_private(path: Path, text: str) -> None:
    """Write `text` to a file only its owner can read, and make it appear under `path` complete and at
    once; when another process got there first, its salt wins (so that every worker agrees)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            os.link(temporary, path)  # fails if the file exists: never overwrites a salt in use
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


class QueryLog:
    """Append-only log of questions; `stats()` summarises the last seven days."""

    def __init__(self, storage: Storage | Path | str, salt: str) -> None:
        self._salt = salt.encode("utf-8")
        self._owned = not isinstance(storage, Storage)
        self.storage = open_storage(storage) if self._owned else storage

    @classmethod
    def from_settings(cls, settings: Settings, storage: Storage | None = None) -> QueryLog:
        return cls(storage or storage_target(settings), query_log_salt(settings))

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
        self.storage.record_query(
            QueryRow(
                asked_at=time.time() if asked_at is None else asked_at,
                asker=asker,
                channel=channel,
                text=text,
                intent=intent,
                regions=tuple(regions),
                latency_ms=float(latency_ms),
            )
        )

    def stats(self, now: float | None = None) -> QueryStats:
        now = time.time() if now is None else now
        local_now = datetime.fromtimestamp(now, LOCAL_ZONE)
        midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        week_ago = (local_now - timedelta(days=7)).timestamp()
        return self.storage.query_stats(midnight=midnight, week_ago=week_ago, top_n=TOP_N)

    def questions(self, since: float) -> list[QueryRow]:
        """The questions logged from `since` (epoch seconds) on, for `ihai log review`."""
        return self.storage.questions_since(since)

    def close(self) -> None:
        if self._owned:
            self.storage.close()


class Asker(Protocol):
    def ask(self, text: str, session: str) -> Answer: ...


def ask_logged(engine: Asker, log: QueryLog, *, channel: str, asker: str, text: str) -> Answer:
    """The one way a channel asks: the engine answers, the question is logged with its latency.

    `asker` is a pseudonym (see `QueryLog.pseudonym`); it is also the engine's session id. A log that
    cannot be written costs the statistics one row, never the user their answer.
    """
    started = time.perf_counter()
    answer = engine.ask(text, asker)
    latency_ms = (time.perf_counter() - started) * 1000
    try:
        log.record(
            asker=asker, channel=channel, text=text, intent=answer.intent, regions=answer.regions, latency_ms=latency_ms
        )
    except StorageError as error:
        logger.warning("Pertanyaan tidak tercatat di log: %s", error)
    return answer
