"""The Telegram channel: python-telegram-bot handlers, one job each, and the Application wiring.

Every command is a way of writing an engine question; the engine's `Answer` is sent as Telegram HTML,
split at Telegram's 4,096-character limit, with its follow-ups and disambiguation choices as an inline
keyboard and its chart as a photo. Updates arrive by polling (`ihai telegram`, or beside the HTTP
server in `ihai run`) or through the FastAPI webhook route in `bot.api`. How updates flow under load is
`bot.telegram_flow`'s; staying connected is `bot.telegram_link`'s; which group messages are for the bot
and whose conversation they continue is `bot.telegram_group`'s; inline results are `bot.telegram_inline`'s.

Deep links `https://t.me/<bot>?start=63_03` open the bot on a region's card (`core.deeplink`). In a
group, `/rapat <provinsi>` (from a group admin) pins a brief of the province and focuses every member's
conversation on it.
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
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING

import anyio
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import telegram_inline
from bot.engine.model import Button
from bot.engine.render import escape, number, split_message
from bot.querylog import QueryLog, QueryStats, ask_logged
from bot.storage import Storage, StorageError, open_storage
from bot.telegram_flow import ChatOrderedProcessor, ChatRateLimiter
from bot.telegram_group import (
    FULL_CALLBACK,
    FULL_START,
    MEETING_CALLBACK,
    HeldAnswers,
    addressed,
    is_group,
    meeting_key,
    message_key,
    replied_bot_message,
    session_key,
    shorten,
    without_mention,
)
from bot.telegram_link import BotLink, BotState, TrackedRequest, redact_token_in_logs
from core.deeplink import bot_username, deep_link, region_code

if TYPE_CHECKING:
    from bot.assistant import Assistant
    from bot.engine.model import Answer
    from core.config import Settings

logger = logging.getLogger(__name__)

CHANNEL = "tg"
SERVICES_KEY = "ihai"
CHOICE_MESSAGES_KEY = "choice_messages"
# How many disambiguation messages per chat are remembered (so that a tap on one edits it in place).
CHOICE_MEMORY = 20
# The only update types the bot handles, hence the only ones Telegram is asked to send: reactions,
# edits and member changes never reach the bot, let alone its flood budget. Inline queries and chosen
# inline results have no chat and never count against a chat's flood limit either.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY, Update.CHOSEN_INLINE_RESULT]
# What the query log records when someone posts a region card through inline mode.
SHARED_CARD = "kartu_dibagikan"

SORRY = "Maaf, terjadi kendala saat memproses pesan Anda. Silakan coba lagi sebentar lagi."
FLOOD_NOTICE = "Pesan Anda terlalu banyak dalam waktu singkat. Mohon tunggu {seconds} detik, lalu coba lagi. 🙏"
NOT_ADMIN = "Maaf, perintah ini hanya untuk admin asisten IHaI."
RELOADED = "✅ Hasil IHaI dan indeks pencarian sudah dimuat ulang."
USAGE = {
    "wilayah": "Tulis nama wilayahnya, misalnya: <code>/wilayah Banjarbaru</code>",
    "bandingkan": "Tulis dua wilayah dipisah koma, misalnya: <code>/bandingkan Banjarbaru, Tanah Laut</code>",
    "rapat": "Tulis provinsi yang dibahas, misalnya: <code>/rapat Kalimantan Selatan</code>. Akhiri dengan "
    "<code>/rapat selesai</code>.",
}
MEETING_ENDED = "Mode rapat selesai: pertanyaan kembali dijawab tanpa fokus provinsi."
MEETING_UNKNOWN = "Provinsi «{name}» tidak dikenali. " + USAGE["rapat"]
MEETING_WHICH = "Provinsi mana yang dibahas dalam rapat?"
MEETING_ADMINS_ONLY = "Mode rapat hanya dapat dimulai, diganti, atau diakhiri oleh admin grup."
MEETING_ENDINGS = frozenset({"selesai", "akhiri", "stop", "berhenti", "tutup"})
PIN_NEEDS_RIGHTS = (
    "Ringkasan tidak dapat disematkan: jadikan bot admin grup dengan izin menyematkan pesan, lalu ulangi /rapat."
)
FULL_BUTTON = "📖 Selengkapnya"
FULL_SENT = "Jawaban lengkap sudah dikirim ke chat pribadi Anda dengan bot."
FULL_GONE = "Jawaban lengkap ini sudah tidak tersedia. Silakan tanyakan lagi."
FULL_START_FIRST = "Buka chat pribadi dengan bot dan ketik /start, lalu ketuk «Selengkapnya» lagi."


@dataclass
class Services:
    """What the handlers need, kept in `application.bot_data` so handlers stay plain functions."""

    assistant: Assistant
    querylog: QueryLog
    flood: FloodGate
    admin_user_ids: frozenset[int]
    # The engine's few threads, shared with the HTTP API in one process (see bot.api.ENGINE_THREADS).
    engine_slots: anyio.CapacityLimiter
    held: HeldAnswers
    # The bot's username as configured (IHAI_TELEGRAM_BOT_USERNAME); else getMe's (see `username`).
    username: str | None = None
    # Where Telegram can fetch chart thumbnails for inline results; None: results without thumbnails.
    public_url: str | None = None


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


@dataclass(frozen=True)
class Thread:
    """Where an answer goes: the chat, and in a group the message it answers (so that a busy group sees
    whom it is for) and the forum topic it was asked in."""

    chat_id: int
    reply_to: int | None = None
    topic: int | None = None

    def options(self) -> dict:
        options: dict = {}
        if self.reply_to is not None:
            options["reply_parameters"] = ReplyParameters(self.reply_to, allow_sending_without_reply=True)
        if self.topic is not None:
            options["message_thread_id"] = self.topic
        return options


def thread_of(update: Update) -> Thread:
    """The thread of the message asked in, or of the message whose button was tapped."""
    chat = update.effective_chat
    message = update.effective_message
    if not is_group(chat) or message is None:
        return Thread(chat.id)
    topic = message.message_thread_id if getattr(message, "is_topic_message", False) else None
    return Thread(chat.id, reply_to=message.message_id, topic=topic)


def keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    """Choices first (the question cannot go on without one), then follow-up suggestions, one per row:
    region names are long and the keyboard must stay readable on a phone."""
    buttons: tuple[Button, ...] = answer.choices + answer.followups
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.payload)] for b in buttons])


def _services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES_KEY]


def username(context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The bot's username for deep links: configured, else Telegram's answer to getMe."""
    return _services(context).username or bot_username(context.bot.username)


def _pseudonym(context: ContextTypes.DEFAULT_TYPE, key: str) -> str:
    return _services(context).querylog.pseudonym(CHANNEL, key)


def session_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The engine session: the chat's in a private chat, the member's own in a group."""
    chat, user = update.effective_chat, update.effective_user
    return _pseudonym(context, session_key(chat.id, user.id if user else None, is_group(chat)))


async def ask_engine(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, resume: int | None = None
) -> Answer:
    """Show "typing…", then ask. The engine is synchronous and fast, but a guidance question embeds the
    query (about 10 ms, more under load); in a worker thread it never stalls the event loop that the
    HTTP server and the other chats share in `ihai run`. `resume`: the bot's message (in this chat)
    whose answer the question continues; the chat's meeting province, if any, focuses the conversation."""
    services = _services(context)
    chat_id = update.effective_chat.id
    await context.bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=thread_of(update).topic)
    asker = session_of(update, context)
    meeting = _pseudonym(context, meeting_key(chat_id))
    resumed = _pseudonym(context, message_key(chat_id, resume)) if resume is not None else None
    assistant = services.assistant

    def ask() -> Answer:
        assistant.prepare(asker, resume=resumed, focus=assistant.focus_of(meeting))
        return ask_logged(assistant, services.querylog, channel=CHANNEL, asker=asker, text=text)

    return await anyio.to_thread.run_sync(ask, limiter=services.engine_slots)


async def send_answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    answer: Answer,
    edit: bool = False,
    thread: Thread | None = None,
) -> list[Message]:
    """Send (or, for a disambiguation tap, edit into place) the answer's parts, then its chart; the
    keyboard goes on the last message so the suggestions sit below everything they refer to. Returns
    the messages sent."""
    services = _services(context)
    thread = thread or thread_of(update)
    parts = split_message(answer.text)
    markup = keyboard(answer)
    attached = answer.chart is not None or answer.document is not None
    # The chart is drawn while the text goes out: the reader starts on the figures tens of ms sooner.
    drawing = asyncio.create_task(
        anyio.to_thread.run_sync(services.assistant.chart_png, answer.chart, limiter=services.engine_slots)
    ) if answer.chart else None
    sent: list[Message] = []
    last: Message | bool | None = None
    try:
        for index, part in enumerate(parts):
            part_markup = markup if index == len(parts) - 1 and not attached else None
            if edit and index == 0:
                last = await update.callback_query.edit_message_text(part, reply_markup=part_markup)
            else:
                last = await context.bot.send_message(thread.chat_id, part, reply_markup=part_markup,
                                                      **thread.options())  # fmt: skip
            if isinstance(last, Message):
                sent.append(last)
    finally:
        chart = await drawing if drawing is not None else None
    if chart is not None:
        last = await context.bot.send_photo(
            thread.chat_id, chart, reply_markup=None if answer.document else markup, **thread.options()
        )
        sent.append(last)
    if answer.document is not None:
        # Typeset off the event loop (tens of ms of CPU), then sent as a file: printable, forwardable.
        pdf = await anyio.to_thread.run_sync(
            services.assistant.report_pdf, answer.document, limiter=services.engine_slots
        )
        last = await context.bot.send_document(
            thread.chat_id, pdf, filename=answer.document.filename,
            caption=f"Laporan IHaI {answer.document.year} (PDF, A4)", reply_markup=markup, **thread.options(),
        )  # fmt: skip
        sent.append(last)
    if answer.choices and isinstance(last, Message) and last.text:
        remembered = context.chat_data.setdefault(CHOICE_MESSAGES_KEY, deque(maxlen=CHOICE_MEMORY))
        remembered.append(last.message_id)
    return sent


async def deliver(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer, edit: bool = False, brief: bool = True
) -> list[Message]:
    """Send an answer to the chat it was asked in. In a group a long answer is cut short (`brief`) with a
    "Selengkapnya" button, and the context the answer leaves is kept with its messages, so that a reply
    to them, or a tap on their buttons, continues from here."""
    services = _services(context)
    chat = update.effective_chat
    group = is_group(chat)
    shown = answer
    if group and brief and (short := shorten(answer.text)) is not None:
        token = await asyncio.to_thread(services.held.hold, answer)
        full = Button(FULL_BUTTON, FULL_CALLBACK + token)
        shown = replace(answer, text=short, followups=(*answer.followups, full))
    sent = await send_answer(update, context, shown, edit=edit)
    if group and sent:
        copies = [_pseudonym(context, message_key(chat.id, message.message_id)) for message in sent]
        await asyncio.to_thread(services.assistant.keep_context, session_of(update, context), *copies)
    return sent


async def answer_text(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    resume = replied_bot_message(update.effective_message, context.bot.id)
    answer = await ask_engine(update, context, text, resume=resume if is_group(update.effective_chat) else None)
    await deliver(update, context, answer)


# --- Handlers --------------------------------------------------------------------------------


async def guard_flood(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every other handler (group -1): a group message not addressed to the bot stops here
    unanswered and uncounted; over the per-chat limit, one notice, then silence. Only messages (commands
    included) and button presses count; the counters live in the storage, so the check runs off the
    event loop."""
    chat = update.effective_chat
    if chat is None or not (update.message or update.callback_query):
        return
    if update.message and not addressed(update.message, context.bot.id, bot_username(context.bot.username)):
        raise ApplicationHandlerStop
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
        await context.bot.send_message(chat.id, FLOOD_NOTICE.format(seconds=wait), **thread_of(update).options())
    raise ApplicationHandlerStop


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, **options) -> Message:
    """A short message of the channel's own (usage, notices), in the thread asked in."""
    return await context.bot.send_message(update.effective_chat.id, text, **thread_of(update).options(), **options)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "/start", or a deep link: "/start 63_03" opens on that region's card, "/start full_<token>" on the
    full answer a group's "Selengkapnya" held."""
    parameter = context.args[0] if context.args else ""
    if parameter.startswith(FULL_START):
        await send_held(update, context, parameter.removeprefix(FULL_START))
        return
    code = region_code(parameter) if parameter else None
    question = _services(context).assistant.region_question(code) if code else None
    await answer_text(update, context, question or "halo")


async def send_held(update: Update, context: ContextTypes.DEFAULT_TYPE, token: str) -> None:
    answer = await asyncio.to_thread(_services(context).held.take, token)
    if answer is None:
        await reply(update, context, FULL_GONE)
        return
    await send_answer(update, context, answer)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_text(update, context, "bantuan")


async def region(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not context.args:
        await reply(update, context, USAGE["wilayah"])
        return
    await answer_text(update, context, "ihai " + " ".join(context.args))


async def advice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    # "/saran FKUB Banjarbaru"; without arguments the engine advises on the chat's current region.
    await answer_text(update, context, " ".join(["saran", *context.args]))


async def compare(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    names = [name.strip() for name in " ".join(context.args).split(",") if name.strip()]
    if not names:
        await reply(update, context, USAGE["bandingkan"])
        return
    await answer_text(update, context, "bandingkan " + " dengan ".join(names))


async def ranking(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    # "/peringkat Kalimantan Selatan" ranks its kab/kota; a bare "/peringkat" ranks the provinces, or in a
    # meeting the meeting province's kab/kota.
    if context.args:
        await answer_text(update, context, "peringkat " + " ".join(context.args))
        return
    meeting_province = await asyncio.to_thread(
        _services(context).assistant.focus_of, _pseudonym(context, meeting_key(update.effective_chat.id))
    )
    await answer_text(update, context, "peringkat kab/kota" if meeting_province else "peringkat provinsi")


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    # "/laporan Banjarbaru" sends that region's PDF; without arguments, the chat's current region's.
    await answer_text(update, context, " ".join(["laporan pdf", *context.args]))


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_text(update, context, "apa itu indeks harmoni indonesia")


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = without_mention(update.effective_message.text, username(context))
    await answer_text(update, context, text or "bantuan")


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_text(update, context, "bantuan")


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on a keyboard button: its payload is the user's next text, asked for whoever tapped it and
    (in a group) continuing the answer the button belongs to. A disambiguation choice replaces the
    question it answers; a follow-up starts a new message."""
    query = update.callback_query
    await query.answer()
    if not query.data:
        return
    choice_messages = context.chat_data.get(CHOICE_MESSAGES_KEY, ())
    is_choice = query.message is not None and query.message.message_id in choice_messages
    group = is_group(update.effective_chat)
    resume = query.message.message_id if group and query.message is not None else None
    answer = await ask_engine(update, context, query.data, resume=resume)
    await deliver(update, context, answer, edit=is_choice)


async def full_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Selengkapnya" under a shortened group answer: the full answer goes to the private chat of whoever
    tapped it; if they have not started the bot, Telegram opens it through the deep link instead."""
    query = update.callback_query
    token = query.data.removeprefix(FULL_CALLBACK)
    answer = await asyncio.to_thread(_services(context).held.take, token)
    if answer is None:
        await query.answer(FULL_GONE, show_alert=True)
        return
    private = Thread(query.from_user.id)
    try:
        await send_answer(update, context, answer, thread=private)
    except Forbidden:  # "bot can't initiate conversation with a user": the deep link starts it
        name = username(context)
        if name is None:
            await query.answer(FULL_START_FIRST, show_alert=True)
        else:
            await query.answer(url=deep_link(name, FULL_START + token))
        return
    await query.answer(FULL_SENT)


# --- Meeting mode ------------------------------------------------------------------------------


async def meeting(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "/rapat Kalimantan Selatan": pin the province's brief and focus every member's questions on it
    until "/rapat selesai" (or until the conversation store forgets it, after six idle hours)."""
    services = _services(context)
    words = " ".join(context.args).strip()
    if not words:
        await reply(update, context, USAGE["rapat"])
        return
    if not await may_lead_meeting(update, context):
        await reply(update, context, MEETING_ADMINS_ONLY)
        return
    key = _pseudonym(context, meeting_key(update.effective_chat.id))
    if words.lower() in MEETING_ENDINGS:
        await asyncio.to_thread(services.assistant.set_focus, key, ())
        await reply(update, context, MEETING_ENDED)
        return
    provinces = await anyio.to_thread.run_sync(services.assistant.find_provinces, words,
                                               limiter=services.engine_slots)  # fmt: skip
    if not provinces:
        await reply(update, context, MEETING_UNKNOWN.format(name=escape(words[:60])))
    elif len(provinces) > 1:
        cards = [services.assistant.region_card(code) for code in provinces]
        rows = [[InlineKeyboardButton(card.name, callback_data=MEETING_CALLBACK + card.code)] for card in cards if card]
        await reply(update, context, MEETING_WHICH, reply_markup=InlineKeyboardMarkup(rows))
    else:
        await start_meeting(update, context, provinces[0])


async def meeting_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if not await may_lead_meeting(update, context):
        await query.answer(MEETING_ADMINS_ONLY, show_alert=True)
        return
    await query.answer()
    code = query.data.removeprefix(MEETING_CALLBACK)
    if code in _services(context).assistant.find_provinces(code):
        await start_meeting(update, context, code)


async def may_lead_meeting(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In a group, only its admins start, switch or end meeting mode: the pinned brief and the focus speak
    for the whole group, so a member must not be able to change them. An admin posting anonymously (as the
    group) counts; when Telegram cannot say who is an admin, the answer is no."""
    chat = update.effective_chat
    if not is_group(chat):
        return True
    message = update.effective_message
    if update.callback_query is None and message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    try:
        member = await context.bot.get_chat_member(chat.id, update.effective_user.id)
    except TelegramError as error:
        logger.info("Status admin tidak dapat diperiksa: %s", error)
        return False
    return member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


async def start_meeting(update: Update, context: ContextTypes.DEFAULT_TYPE, province: str) -> None:
    services = _services(context)
    chat = update.effective_chat
    await asyncio.to_thread(services.assistant.set_focus, _pseudonym(context, meeting_key(chat.id)), (province,))
    answer = await ask_engine(update, context, services.assistant.meeting_question(province))
    sent = await deliver(update, context, answer, brief=False)
    if not is_group(chat) or not sent:
        return
    try:
        await context.bot.pin_chat_message(chat.id, sent[0].message_id, disable_notification=True)
    except (BadRequest, Forbidden) as error:  # the bot is no admin, or may not pin
        logger.info("Ringkasan rapat tidak disematkan: %s", error)
        await reply(update, context, PIN_NEEDS_RIGHTS)


# --- Inline mode -------------------------------------------------------------------------------


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "@NamaBot banjar": region cards to post into any chat, best matches first."""
    services = _services(context)
    query = update.inline_query
    cards = await anyio.to_thread.run_sync(
        functools.partial(services.assistant.region_cards, query.query, telegram_inline.MAX_RESULTS),
        limiter=services.engine_slots,
    )
    results = telegram_inline.results(cards, username(context), services.public_url)
    await query.answer(results, cache_time=telegram_inline.CACHE_SECONDS, button=telegram_inline.start_button())


async def chosen_result(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A card was posted through inline mode: counted in the statistics (who, pseudonymised, and which
    region; not what was typed). Telegram sends these only with BotFather's /setinlinefeedback on."""
    services = _services(context)
    chosen = update.chosen_inline_result
    if services.assistant.region_card(chosen.result_id) is None:
        return
    asker = services.querylog.pseudonym(CHANNEL, chosen.from_user.id)
    try:
        await asyncio.to_thread(services.querylog.record, asker=asker, channel=CHANNEL, text="", intent=SHARED_CARD,
                                regions=(chosen.result_id,), latency_ms=0.0)  # fmt: skip
    except StorageError as error:
        logger.warning("Kartu yang dibagikan tidak tercatat di log: %s", error)


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
    "rapat": meeting,
    "reload": reload,
    "stats": stats,
}


# The "/" menus Telegram shows: everything for private chats, the few a group needs during a meeting,
# and the admin commands only in the allow-listed admins' own chats with the bot.
MENU = (
    ("wilayah", "Skor IHaI sebuah wilayah, mis. /wilayah Banjarbaru"),
    ("saran", "Saran forum, mis. /saran FKUB Banjarbaru"),
    ("bandingkan", "Bandingkan dua wilayah, mis. /bandingkan Banjarbaru, Tanah Laut"),
    ("peringkat", "Peringkat kab/kota di provinsi, mis. /peringkat Kalimantan Selatan"),
    ("laporan", "Laporan PDF satu halaman, mis. /laporan Banjarbaru"),
    ("rapat", "Mode rapat: ringkasan provinsi, mis. /rapat Kalimantan Selatan"),
    ("tentang", "Apa itu Indeks Harmoni Indonesia"),
    ("bantuan", "Cara bertanya dan contoh pertanyaan"),
)
GROUP_MENU = (
    ("wilayah", "Skor IHaI sebuah wilayah"),
    ("peringkat", "Peringkat kab/kota di provinsi"),
    ("rapat", "Ringkasan provinsi untuk rapat"),
    ("bantuan", "Cara bertanya"),
)
ADMIN_MENU = (
    *MENU,
    ("stats", "Admin: statistik pertanyaan"),
    ("reload", "Admin: muat ulang hasil dan indeks"),
)


def _commands(menu: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in menu]


async def publish_menu(application: Application) -> None:
    """The menus by scope. An admin who never opened a chat with the bot has no chat to scope to yet
    (Telegram: "chat not found"): their menu is skipped with a warning rather than failing the start."""
    bot: Bot = application.bot
    await bot.set_my_commands(_commands(MENU), scope=BotCommandScopeDefault())
    await bot.set_my_commands(_commands(MENU), scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(_commands(GROUP_MENU), scope=BotCommandScopeAllGroupChats())
    services: Services | None = application.bot_data.get(SERVICES_KEY)
    for admin in sorted(services.admin_user_ids if services else ()):
        try:
            await bot.set_my_commands(_commands(ADMIN_MENU), scope=BotCommandScopeChat(admin))
        except BadRequest as error:
            logger.warning("Menu admin belum dapat dipasang untuk satu admin (%s); admin itu perlu membuka "
                           "chat dengan bot lebih dulu.", error)  # fmt: skip


def add_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(Update, guard_flood), group=-1)
    for name, handler in COMMANDS.items():
        application.add_handler(CommandHandler(name, handler, filters=filters.UpdateType.MESSAGE))
    application.add_handler(CallbackQueryHandler(full_answer, pattern="^" + FULL_CALLBACK))
    application.add_handler(CallbackQueryHandler(meeting_choice, pattern="^" + MEETING_CALLBACK))
    application.add_handler(CallbackQueryHandler(button))
    application.add_handler(InlineQueryHandler(inline_query))
    application.add_handler(ChosenInlineResultHandler(chosen_result))
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
        held=HeldAnswers(querylog.storage),
        username=bot_username(settings.telegram_bot_username),
        public_url=settings.public_url or settings.telegram_webhook_url,
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
