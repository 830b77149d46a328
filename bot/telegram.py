"""The Telegram channel: python-telegram-bot handlers, one job each, and the Application wiring.

Every command is a way of writing an engine question; the engine's `Answer` is sent as Telegram HTML,
split at Telegram's 4,096-character limit, with its follow-ups and disambiguation choices as an inline
keyboard and its chart as a photo. Updates arrive by polling (`ihai telegram`, or beside the HTTP
server in `ihai run`) or through the FastAPI webhook route in `bot.api`. How updates flow under load is
`bot.telegram_flow`'s; staying connected is `bot.telegram_link`'s.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import anyio
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.engine.render import escape, number, split_message
from bot.querylog import QueryLog, QueryStats, ask_logged
from bot.storage import Storage, StorageError, open_storage
from bot.telegram_flow import ChatOrderedProcessor, ChatRateLimiter
from bot.telegram_link import BotLink, BotState, TrackedRequest, redact_token_in_logs

if TYPE_CHECKING:
    from bot.assistant import Assistant
    from bot.engine.model import Answer, Button
    from core.config import Settings

logger = logging.getLogger(__name__)

CHANNEL = "tg"
SERVICES_KEY = "ihai"
CHOICE_MESSAGES_KEY = "choice_messages"
# How many disambiguation messages per chat are remembered (so that a tap on one edits it in place).
CHOICE_MEMORY = 20
# The only update types the bot handles, hence the only ones Telegram is asked to send: reactions,
# edits and member changes never reach the bot, let alone its flood budget.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]

SORRY = "Maaf, terjadi kendala saat memproses pesan Anda. Silakan coba lagi sebentar lagi."
FLOOD_NOTICE = "Pesan Anda terlalu banyak dalam waktu singkat. Mohon tunggu {seconds} detik, lalu coba lagi. 🙏"
NOT_ADMIN = "Maaf, perintah ini hanya untuk admin asisten IHaI."
RELOADED = "✅ Hasil IHaI dan indeks pencarian sudah dimuat ulang."
USAGE = {
    "wilayah": "Tulis nama wilayahnya, misalnya: <code>/wilayah Banjarbaru</code>",
    "bandingkan": "Tulis dua wilayah dipisah koma, misalnya: <code>/bandingkan Banjarbaru, Tanah Laut</code>",
}


@dataclass
class Services:
    """What the handlers need, kept in `application.bot_data` so handlers stay plain functions."""

    assistant: Assistant
    querylog: QueryLog
    flood: FloodGate
    admin_user_ids: frozenset[int]
    # The engine's few threads, shared with the HTTP API in one process (see bot.api.ENGINE_THREADS).
    engine_slots: anyio.CapacityLimiter


# --- Per-chat flood limit, counted in the shared storage ----------------------------------------


class Verdict(Enum):
    ALLOW = "allow"
    NOTIFY = "notify"  # the first message over the limit: say so once
    SILENT = "silent"  # later messages over the limit: ignore until the window passes


class FloodGate:
    """At most `max_messages` handled messages per chat in any `window_seconds` (a sliding window), counted
    in the shared storage so that the limit holds across every worker.

    Only handled messages count, so a chat that keeps typing while limited is served again as soon as
    its oldest handled message leaves the window. Times come from `clock` (wall time: workers on several
    hosts compare them).
    """

    def __init__(
        self, max_messages: int, window_seconds: float, storage: Storage | None = None, clock=time.time
    ) -> None:
        self.max_messages = max_messages
        self.window_seconds = window_seconds
        self.storage = storage if storage is not None else open_storage(":memory:")
        self._clock = clock

    def check(self, chat_id: int) -> tuple[Verdict, int]:
        """The verdict for one more message from `chat_id`, and the seconds until it may write again."""
        now = self._clock()

        def change(stored: str | None) -> tuple[str, tuple[Verdict, int]]:
            hits, notified = _flood_state(stored)
            hits = [hit for hit in hits if now - hit < self.window_seconds]
            if len(hits) < self.max_messages:
                hits.append(now)
                return json.dumps({"hits": hits, "notified": False}), (Verdict.ALLOW, 0)
            wait = max(1, round(self.window_seconds - (now - hits[0])))
            verdict = Verdict.SILENT if notified else Verdict.NOTIFY
            return json.dumps({"hits": hits, "notified": True}), (verdict, wait)

        return self.storage.update_flood(chat_id, change)


def _flood_state(stored: str | None) -> tuple[list[float], bool]:
    try:
        data = json.loads(stored) if stored else {}
        return [float(hit) for hit in data.get("hits", ())], bool(data.get("notified"))
    except (ValueError, TypeError, AttributeError):
        return [], False  # unreadable counters: start the window afresh


# --- Sending an Answer -------------------------------------------------------------------------


def keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    """Choices first (the question cannot go on without one), then follow-up suggestions, one per row:
    region names are long and the keyboard must stay readable on a phone."""
    buttons: tuple[Button, ...] = answer.choices + answer.followups
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.payload)] for b in buttons])


def _services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES_KEY]


async def ask_engine(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> Answer:
    """Show "typing…", then ask. The engine is synchronous and fast, but a guidance question embeds the
    query (about 10 ms, more under load); in a worker thread it never stalls the event loop that the
    HTTP server and the other chats share in `ihai run`."""
    services = _services(context)
    chat_id = update.effective_chat.id
    await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    asker = services.querylog.pseudonym(CHANNEL, chat_id)
    call = functools.partial(ask_logged, services.assistant, services.querylog, channel=CHANNEL, asker=asker, text=text)
    return await anyio.to_thread.run_sync(call, limiter=services.engine_slots)


async def send_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer, edit: bool = False) -> None:
    """Send (or, for a disambiguation tap, edit into place) the answer's parts, then its chart; the
    keyboard goes on the last message so the suggestions sit below everything they refer to."""
    services = _services(context)
    chat_id = update.effective_chat.id
    parts = split_message(answer.text)
    markup = keyboard(answer)
    attached = answer.chart is not None or answer.document is not None
    # The chart is drawn while the text goes out: the reader starts on the figures tens of ms sooner.
    drawing = asyncio.create_task(
        anyio.to_thread.run_sync(services.assistant.chart_png, answer.chart, limiter=services.engine_slots)
    ) if answer.chart else None
    last: Message | bool | None = None
    try:
        for index, part in enumerate(parts):
            part_markup = markup if index == len(parts) - 1 and not attached else None
            if edit and index == 0:
                last = await update.callback_query.edit_message_text(part, reply_markup=part_markup)
            else:
                last = await context.bot.send_message(chat_id, part, reply_markup=part_markup)
    finally:
        chart = await drawing if drawing is not None else None
    if chart is not None:
        last = await context.bot.send_photo(chat_id, chart, reply_markup=None if answer.document else markup)
    if answer.document is not None:
        # Typeset off the event loop (tens of ms of CPU), then sent as a file: printable, forwardable.
        pdf = await anyio.to_thread.run_sync(
            services.assistant.report_pdf, answer.document, limiter=services.engine_slots
        )
        last = await context.bot.send_document(
            chat_id, pdf, filename=answer.document.filename, caption=f"Laporan IHaI {answer.document.year} (PDF, A4)",
            reply_markup=markup,
        )  # fmt: skip
    if answer.choices and isinstance(last, Message) and last.text:
        remembered = context.chat_data.setdefault(CHOICE_MESSAGES_KEY, deque(maxlen=CHOICE_MEMORY))
        remembered.append(last.message_id)


async def answer_text(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    answer = await ask_engine(update, context, text)
    await send_answer(update, context, answer)


# --- Handlers --------------------------------------------------------------------------------


async def guard_flood(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every other handler (group -1): over the per-chat limit, one notice, then silence.
    Only messages (commands included) and button presses count; the counters live in the storage, so
    the check runs off the event loop."""
    chat = update.effective_chat
    if chat is None or not (update.message or update.callback_query):
        return
    try:
        verdict, wait = await asyncio.to_thread(_services(context).flood.check, chat.id)
    except StorageError as error:
        # Without its counters the bot still answers: losing the flood limit briefly beats going silent.
        logger.warning("Batas banjir pesan tidak dapat diperiksa: %s", error)
        return
    if verdict is Verdict.ALLOW:
        return
    if update.callback_query:
        await update.callback_query.answer()  # stop the button's spinner even when not serving it
    if verdict is Verdict.NOTIFY:
        await context.bot.send_message(chat.id, FLOOD_NOTICE.format(seconds=wait))
    raise ApplicationHandlerStop


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_text(update, context, "halo")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_text(update, context, "bantuan")


async def region(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not context.args:
        await update.effective_message.reply_text(USAGE["wilayah"])
        return
    await answer_text(update, context, "ihai " + " ".join(context.args))


async def advice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    # "/saran FKUB Banjarbaru"; without arguments the engine advises on the chat's current region.
    await answer_text(update, context, " ".join(["saran", *context.args]))


async def compare(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    names = [name.strip() for name in " ".join(context.args).split(",") if name.strip()]
    if not names:
        await update.effective_message.reply_text(USAGE["bandingkan"])
        return
    await answer_text(update, context, "bandingkan " + " dengan ".join(names))


async def ranking(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    # "/peringkat Kalimantan Selatan" ranks its kab/kota; a bare "/peringkat" ranks the provinces.
    await answer_text(update, context, "peringkat " + (" ".join(context.args) or "provinsi"))


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    # "/laporan Banjarbaru" sends that region's PDF; without arguments, the chat's current region's.
    await answer_text(update, context, " ".join(["laporan pdf", *context.args]))


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_text(update, context, "apa itu indeks harmoni indonesia")


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_text(update, context, update.effective_message.text)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_text(update, context, "bantuan")


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on a keyboard button: its payload is the user's next text. A disambiguation choice
    replaces the question it answers; a follow-up starts a new message."""
    query = update.callback_query
    await query.answer()
    if not query.data:
        return
    choice_messages = context.chat_data.get(CHOICE_MESSAGES_KEY, ())
    is_choice = query.message is not None and query.message.message_id in choice_messages
    answer = await ask_engine(update, context, query.data)
    await send_answer(update, context, answer, edit=is_choice)


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def admin_only(handler: Handler) -> Handler:
    """Let only settings.admin_user_ids through; everyone else gets a polite refusal."""

    @functools.wraps(handler)
    async def checked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if user is None or user.id not in _services(context).admin_user_ids:
            await update.effective_message.reply_text(NOT_ADMIN)
            return
        await handler(update, context)

    return checked


@admin_only
async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
    await asyncio.to_thread(_services(context).assistant.reload)
    await update.effective_message.reply_text(RELOADED)


@admin_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    summary = await asyncio.to_thread(_services(context).querylog.stats)
    await update.effective_message.reply_text(format_stats(summary))


def format_stats(summary: QueryStats) -> str:
    """/stats as Telegram HTML; region codes shown with their gazetteer names."""
    from core.constants import NATIONAL_CODE
    from core.gazetteer import get_gazetteer
    from scoring.results import NATIONAL_NAME

    gazetteer = get_gazetteer()

    def region_name(code: str) -> str:
        found = gazetteer.get(code)
        return found.name if found else (NATIONAL_NAME if code == NATIONAL_CODE else code)

    latency = "–" if summary.p50_latency_ms is None else f"{number(summary.p50_latency_ms, 1)} ms"
    lines = [
        "<b>Statistik layanan bantuan IHaI</b>",
        f"Pertanyaan hari ini: <b>{summary.today}</b>",
        f"Pertanyaan 7 hari terakhir: <b>{summary.last_7_days}</b> (dari {summary.askers_7_days} penanya)",
        f"Median waktu jawab: <b>{latency}</b>",
    ]
    if summary.top_intents:
        lines += ["", "<b>Jenis pertanyaan terbanyak</b>"]
        lines += [f"• {escape(intent)}: {n}" for intent, n in summary.top_intents]
    if summary.top_regions:
        lines += ["", "<b>Wilayah paling sering ditanyakan</b>"]
        lines += [f"• {escape(region_name(code))}: {n}" for code, n in summary.top_regions]
    return "\n".join(lines)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every exception a handler raises ends here: logged in full, answered with a polite message."""
    logger.error("Galat saat menangani update Telegram", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, SORRY)
    except TelegramError:
        logger.warning("Pesan permintaan maaf tidak terkirim", exc_info=True)


# --- Wiring ----------------------------------------------------------------------------------

COMMANDS = {
    "start": start,
    "help": help_command,
    "bantuan": help_command,
    "wilayah": region,
    "saran": advice,
    "bandingkan": compare,
    "peringkat": ranking,
    "laporan": report,
    "tentang": about,
    "reload": reload,
    "stats": stats,
}


# The "/" menu Telegram shows; admin commands stay out of it.
MENU = (
    ("wilayah", "Skor IHaI sebuah wilayah, mis. /wilayah Banjarbaru"),
    ("saran", "Saran forum, mis. /saran FKUB Banjarbaru"),
    ("bandingkan", "Bandingkan dua wilayah, mis. /bandingkan Banjarbaru, Tanah Laut"),
    ("peringkat", "Peringkat kab/kota di provinsi, mis. /peringkat Kalimantan Selatan"),
    ("laporan", "Laporan PDF satu halaman, mis. /laporan Banjarbaru"),
    ("tentang", "Apa itu Indeks Harmoni Indonesia"),
    ("help", "Cara bertanya dan contoh pertanyaan"),
)


async def publish_menu(application: Application) -> None:
    await application.bot.set_my_commands([BotCommand(name, description) for name, description in MENU])


def add_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(Update, guard_flood), group=-1)
    for name, handler in COMMANDS.items():
        application.add_handler(CommandHandler(name, handler, filters=filters.UpdateType.MESSAGE))
    application.add_handler(CallbackQueryHandler(button))
    # New messages only: an edited message is not a new question.
    new = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, free_text))
    application.add_handler(MessageHandler(new & filters.COMMAND, unknown_command))
    application.add_error_handler(on_error)


def build_application(
    settings: Settings,
    *,
    webhook: bool = False,
    link: BotLink | None = None,
    base_url: str | None = None,
    processor: ChatOrderedProcessor | None = None,
) -> Application:
    """The bot with its handlers, not yet connected to an engine (see `attach`). `webhook=True` leaves
    out the Updater: updates then come through the FastAPI route. `base_url` (default:
    settings.telegram_api_url) points the bot at another Bot API server (a local one, or the tests'
    stand-in); settings.telegram_proxy sends every call through a proxy. `link` is told whether
    Telegram answers."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN belum diisi (lingkungan atau berkas .env).")
    token = settings.telegram_bot_token.get_secret_value()
    redact_token_in_logs(token)
    observer = link.observe if link is not None else _ignore
    proxy = settings.telegram_proxy
    builder = (
        Application.builder()
        .token(token)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        # Telegram's own limits (30 msg/s overall, 20/min per group), retrying a 429 twice.
        .rate_limiter(ChatRateLimiter(max_retries=2))
        .concurrent_updates(processor or ChatOrderedProcessor())
        .request(TrackedRequest(observer, connection_pool_size=256, proxy=proxy))
        .get_updates_request(TrackedRequest(observer, connection_pool_size=1, proxy=proxy))
    )
    base_url = base_url or settings.telegram_api_url
    if base_url:
        builder = builder.base_url(base_url).base_file_url(base_url.removesuffix("/bot") + "/file/bot")
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    add_handlers(application)
    return application


def _ignore(error: object) -> None:
    pass


def attach(
    application: Application,
    settings: Settings,
    assistant: Assistant,
    querylog: QueryLog,
    engine_slots: anyio.CapacityLimiter | None = None,
) -> None:
    """Give the handlers their assistant (the engine), query log, flood gate and admin list. The flood
    counters share the query log's storage, hence every worker's. `engine_slots`: the threads the
    engine may use, shared with the HTTP API when both run in one process. CPU-bound threads beyond
    the cores only queue on the GIL, and each one more delays the event loop that carries every chat."""
    from bot.api import ENGINE_THREADS

    application.bot_data[SERVICES_KEY] = Services(
        assistant=assistant,
        querylog=querylog,
        flood=FloodGate(settings.flood_max_messages, settings.flood_window_seconds, querylog.storage),
        admin_user_ids=settings.admin_user_ids,
        engine_slots=engine_slots or anyio.CapacityLimiter(ENGINE_THREADS),
    )


async def connect(application: Application, *, webhook_url: str | None = None, secret: str | None = None) -> None:
    """One attempt to bring the bot up: who am I, the "/" menu, then the webhook or polling. Retried
    by `BotLink` until it succeeds; every step is safe to repeat."""
    await application.initialize()
    await publish_menu(application)
    if webhook_url:
        await application.bot.set_webhook(url=webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    elif not application.updater.running:
        # error_callback: polling errors go to the link's one-line state log instead of a traceback each.
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, error_callback=_ignore)
    if not application.running:
        await application.start()


def run_polling(settings: Settings, storage: Storage) -> int:
    """`ihai telegram`: build the engine, then poll until interrupted. Exit code 2 when Telegram rejects
    the token (one line, never the token itself)."""
    from bot.assistant import Assistant
    from bot.storage.retention import Retention, purge_daily

    querylog = QueryLog.from_settings(settings, storage)
    assistant = Assistant.build(settings, storage)

    async def main() -> BotState:
        link = BotLink()
        application = build_application(settings, link=link)
        attach(application, settings, assistant, querylog)
        purge = asyncio.create_task(purge_daily(storage, Retention.from_settings(settings)))
        link.start(application, "polling", functools.partial(connect, application))
        try:
            await link.finished.wait()
            return link.state
        finally:
            purge.cancel()
            await link.stop()

    try:
        state = asyncio.run(main())
    except KeyboardInterrupt:
        return 0
    if state is BotState.REJECTED:
        print("Galat: token bot Telegram ditolak oleh Telegram; periksa TELEGRAM_BOT_TOKEN.", file=sys.stderr)
        return 2
    return 0
