"""How Telegram updates flow through one worker under load: many chats at once, each chat in order, a
bounded backlog, and Telegram's rate limits applied so that a busy group never holds up other chats.

python-telegram-bot's own concurrent processor takes a slot before it knows the chat, so a flooding
group's queued updates would fill every slot while waiting for their turn; here an update first waits
for its chat's earlier updates and only then for one of the shared slots.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Hashable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, BaseUpdateProcessor
from telegram.warnings import PTBDeprecationWarning

# Updates answered at once per worker: the engine runs in threads, so most of a handler's time is spent
# waiting for Telegram's HTTP replies, and more slots than that only queue on the engine's threads.
WORKERS = 16
# The backlog (waiting plus in progress) a webhook worker accepts before answering 503; Telegram keeps
# an update it could not deliver and sends it again later.
MAX_PENDING = 512
# One chat's backlog: a group posting faster than it can be answered waits at Telegram, not here,
# and cannot crowd out other chats' updates.
MAX_PENDING_PER_CHAT = 16
# Above the engine's (≈ 2 s at most) and Telegram's usual latency: a 503 asks Telegram to come back
# after this many seconds.
RETRY_AFTER_SECONDS = 5
_NO_LIMIT = 2**30


def chat_key(update: object) -> Hashable:
    """Updates of one chat are answered in order; an update without a chat has no order to keep."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        return ("update", update.update_id)
    return ("object", id(update))


@dataclass
class _Chain:
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: int = 0


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, one at a time within a chat, at most `workers` handlers at once."""

    def __init__(
        self, workers: int = WORKERS, max_pending: int = MAX_PENDING, max_pending_per_chat: int = MAX_PENDING_PER_CHAT
    ) -> None:
        # The base class's semaphore is taken before the chat is known; the real limit is `_slots`.
        super().__init__(_NO_LIMIT)
        self.workers = workers
        self.max_pending = max_pending
        self.max_pending_per_chat = max_pending_per_chat
        self._slots = asyncio.Semaphore(workers)
        self._chains: dict[Hashable, _Chain] = {}
        self.pending = 0

    def admits(self, update: Update, queued: int = 0) -> bool:
        """Whether a webhook worker should take `update` now (`queued`: updates not yet handed over)."""
        if self.pending + queued >= self.max_pending:
            return False
        chain = self._chains.get(chat_key(update))
        return chain is None or chain.pending < self.max_pending_per_chat

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        chain = self._chains.setdefault(key, _Chain())
        chain.pending += 1
        self.pending += 1
        try:
            async with chain.turn, self._slots:
                await coroutine
        finally:
            chain.pending -= 1
            self.pending -= 1
            if chain.pending == 0:
                del self._chains[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def is_group(chat_id: object) -> bool:
    # Telegram gives groups and channels negative ids; a channel may also be named by "@username".
    return (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str)


class ChatRateLimiter(AIORateLimiter):
    """Telegram's limits (30 messages a second overall, 20 a minute per group), where a group's 429
    ("retry after N s") pauses that group's sends only. The stock limiter pauses every chat's sends
    for any 429, so one group hitting its limit delayed a private "halo" by seconds."""

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        chat_id = data.get("chat_id")
        if not is_group(chat_id) or data.get("allow_paid_broadcast"):
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        retries_left = rate_limit_args or self._max_retries
        while True:
            try:
                return await self._run_request(
                    chat=True, group=chat_id, allow_paid_broadcast=False, callback=callback, args=args, kwargs=kwargs
                )
            except RetryAfter as error:
                if retries_left <= 0:
                    raise
                retries_left -= 1
                await asyncio.sleep(retry_after_seconds(error) + 0.1)


def retry_after_seconds(error: RetryAfter) -> float:
    # python-telegram-bot 22 warns that `retry_after` becomes a timedelta; either form is read here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
