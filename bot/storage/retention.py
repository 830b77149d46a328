"""What is kept how long: idle conversations and question texts expire (privacy), seen update ids and
flood counters once Telegram and the flood window no longer need them. Purged at start-up and daily."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.storage.base import Storage, StorageError

if TYPE_CHECKING:
    from core.config import Settings

logger = logging.getLogger(__name__)

DAY = 24 * 3600.0
# Telegram stops retrying a webhook delivery well within a day.
SEEN_UPDATES_SECONDS = DAY
# Far longer than any flood window: an idle chat's counters carry no information any more.
FLOOD_STATE_SECONDS = 3600.0


@dataclass(frozen=True)
class Retention:
    context_seconds: float
    query_text_seconds: float
    seen_updates_seconds: float = SEEN_UPDATES_SECONDS
    flood_seconds: float = FLOOD_STATE_SECONDS

    @classmethod
    def from_settings(cls, settings: Settings) -> Retention:
        return cls(
            context_seconds=settings.context_retention_days * DAY,
            query_text_seconds=settings.query_text_retention_days * DAY,
        )


@dataclass(frozen=True)
class Purged:
    contexts: int
    query_texts: int
    seen_updates: int
    flood_states: int


def purge_expired(storage: Storage, retention: Retention, now: float | None = None) -> Purged:
    now = time.time() if now is None else now
    return Purged(
        contexts=storage.purge_contexts(now - retention.context_seconds),
        query_texts=storage.strip_query_text(now - retention.query_text_seconds),
        seen_updates=storage.purge_seen_updates(now - retention.seen_updates_seconds),
        flood_states=storage.purge_flood(now - retention.flood_seconds),
    )


async def purge_daily(storage: Storage, retention: Retention, every_seconds: float = DAY) -> None:
    """Purge now, then every day, until cancelled; off the event loop, one log line per run."""
    while True:
        try:
            purged = await asyncio.to_thread(purge_expired, storage, retention)
            logger.info(
                "Retensi data: %d percakapan, %d teks pertanyaan, %d id update, %d penghitung banjir dihapus",
                purged.contexts, purged.query_texts, purged.seen_updates, purged.flood_states,
            )
        except StorageError as error:
            logger.warning("Retensi data gagal, dicoba lagi nanti: %s", error)
        await asyncio.sleep(every_seconds)
