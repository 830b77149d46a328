"""Keeping the bot connected to Telegram without ever holding up the rest of the server.

The HTTP API and the help-desk page start at once, whatever Telegram does: the bot connects in the
background and, while Telegram is unreachable (no route, DNS failure behind a government proxy,
Telegram down), retries with exponential backoff. Every change of state is one log line, never a
traceback loop, and `/healthz` shows the state. A token Telegram rejects ends the bot with one line
that never contains the token; the token is also taken out of every log record.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application
from telegram.request import HTTPXRequest

logger = logging.getLogger(__name__)

REDACTED = "<TELEGRAM_BOT_TOKEN>"
TOKEN_REJECTED = (
    "Token bot Telegram ditolak oleh Telegram: periksa TELEGRAM_BOT_TOKEN (salin ulang dari @BotFather). "
    "Bot tidak berjalan; API dan halaman tetap melayani."
)


class BotState(StrEnum):
    OFF = "off"  # no token, or the bot was stopped
    CONNECTING = "connecting"  # first attempt under way
    OK = "ok"  # Telegram answered the last call
    RETRYING = "retrying"  # Telegram unreachable: trying again after a pause
    REJECTED = "rejected"  # Telegram refused the token: nothing to retry until it is changed


@dataclass(frozen=True)
class Backoff:
    first_seconds: float = 1.0
    factor: float = 2.0
    max_seconds: float = 300.0

    def delays(self):
        delay = self.first_seconds
        while True:
            yield delay
            delay = min(delay * self.factor, self.max_seconds)


class TrackedRequest(HTTPXRequest):
    """The HTTP client of the bot, reporting whether Telegram could be reached at all (any HTTP answer
    counts: a 400 for one message says nothing about connectivity)."""

    def __init__(self, observer: Callable[[NetworkError | None], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._observer = observer

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            result = await super().do_request(*args, **kwargs)
        except NetworkError as error:
            self._observer(error)
            raise
        self._observer(None)
        return result


def describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class BotLink:
    """Starts `application` in the background (webhook registration or polling) and keeps `state`.

    `connect` is what one successful start does; it is retried until it succeeds or the token is
    rejected."""

    def __init__(self, backoff: Backoff = Backoff()) -> None:
        self.backoff = backoff
        self.state = BotState.OFF
        self.mode = "off"
        self.application: Application | None = None
        self._connected = False
        self._task: asyncio.Task | None = None
        self.finished = asyncio.Event()

    def observe(self, error: NetworkError | None) -> None:
        """Called by `TrackedRequest` after every call to Telegram, once the bot has started."""
        if not self._connected:
            return
        if error is None and self.state is BotState.RETRYING:
            self._set(BotState.OK, "Telegram terjangkau lagi")
        elif error is not None and self.state is BotState.OK:
            self._set(BotState.RETRYING, f"Telegram tidak terjangkau ({describe(error)}); python-telegram-bot "
                                         "mencoba lagi sendiri")

    def start(self, application: Application, mode: str, connect: Callable[[], Any]) -> None:
        self.application = application
        self.mode = mode
        self._task = asyncio.create_task(self._connect_until_done(connect), name="telegram-connect")

    async def _connect_until_done(self, connect: Callable[[], Any]) -> None:
        self._set(BotState.CONNECTING, f"menghubungkan bot Telegram ({self.mode})")
        for delay in self.backoff.delays():
            try:
                await connect()
            except InvalidToken:
                self._set(BotState.REJECTED, TOKEN_REJECTED, level=logging.ERROR)
                self.finished.set()
                return
            except TelegramError as error:  # NetworkError, TimedOut, or Telegram refusing a call
                self._set(BotState.RETRYING, f"Telegram tidak terjangkau ({describe(error)}); dicoba lagi dengan "
                                             f"jeda yang makin panjang, mulai {delay:g} detik")
                await asyncio.sleep(delay)
                continue
            self._connected = True
            self._set(BotState.OK, f"bot Telegram tersambung ({self.mode})")
            return

    def _set(self, state: BotState, line: str, level: int = logging.WARNING) -> None:
        if state is self.state:
            return
        self.state = state
        logger.log(logging.INFO if state in (BotState.OK, BotState.CONNECTING) else level, "Telegram: %s", line)

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        application = self.application
        self._connected = False
        if application is not None:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
        self.state = BotState.OFF
        self.finished.set()


class _RedactingFactory:
    """A log record factory that takes the token out of every record's message and traceback, whoever
    logs it (httpx logs each request URL, which contains the token)."""

    def __init__(self, secret: str, wrapped: Callable[..., logging.LogRecord]) -> None:
        self.secret = secret
        self.wrapped = wrapped

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.wrapped(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's own business
            return record
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, REDACTED), None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if self.secret in text:
                record.exc_text = text.replace(self.secret, REDACTED)
                record.exc_info = None
        return record


def redact_token_in_logs(token: str) -> None:
    """Install the redaction once per token for this process."""
    factory = logging.getLogRecordFactory()
    probe = factory
    while isinstance(probe, _RedactingFactory):
        if probe.secret == token:
            return
        probe = probe.wrapped
    logging.setLogRecordFactory(_RedactingFactory(token, factory))
