"""How the bot behaves in Telegram groups: which messages are for it, whose conversation a message
belongs to, and how a long answer is kept short in a busy group.

Under Telegram's privacy mode (the default) a group's bot receives commands, replies to its own
messages and messages that mention it; as a group admin, or with privacy mode off, it receives every
message. Either way it answers only what is addressed to it: a command without a bot name or with its
own (`/wilayah@NamaBot`), a mention of it, or a reply to one of its messages. A card someone shared
through inline mode ("via @NamaBot") is not a question.

In a group every member has a conversation of their own (the engine session is chat + user), and the
context an answer leaves behind is also kept with the messages that carry it: a reply to one of them,
or a tap on one of its buttons, continues from that answer, whoever asked it.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterable

from telegram import Chat, Message, MessageEntity

from bot.engine.compose.kit import SYNTHETIC_LINE
from bot.engine.model import Answer, Button, ChartRequest
from bot.engine.render import split_message
from bot.storage import Storage

GROUP_TYPES = frozenset({Chat.GROUP, Chat.SUPERGROUP})
# A group answer longer than this is cut at a line break before it, with a "Selengkapnya" button. A
# region's profile, a province's summary, a top-5 list or a comparison (about 450–700 characters) stay
# whole; advice, a plan to the next category or the help text (1,000–2,700) show their first part.
GROUP_SHORT_CHARS = 800
SHORTENED_NOTE = "<i>Jawaban diringkas untuk grup; ketuk «Selengkapnya» untuk versi lengkap.</i>"
_SAMPLE_NOTE = f"<i>{SYNTHETIC_LINE}</i>"
# Callback data of the channel's own buttons (never a payload the engine makes: those start with "§"
# or are plain words). Telegram caps callback data at 64 bytes.
FULL_CALLBACK = "tg:full:"
MEETING_CALLBACK = "tg:rapat:"
# The start parameter of a deep link that opens a held full answer in the private chat.
FULL_START = "full_"
_HELD_PREFIX = "tg-full:"
# A "Selengkapnya" button works this long; the stored answer then goes with the conversation retention.
HELD_SECONDS = 7 * 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16}")


def is_group(chat: Chat | None) -> bool:
    return chat is not None and chat.type in GROUP_TYPES


def addressed(message: Message, bot_id: int, username: str | None) -> bool:
    """Whether a new message is for the bot: everything in a private chat, and in a group a command for
    it, a mention of it, or a reply to one of its messages. Never a card shared through its inline mode."""
    if message.via_bot is not None and message.via_bot.id == bot_id:
        return False
    if not is_group(message.chat):
        return True
    replied = message.reply_to_message
    # In a forum topic every message "replies" to the topic's first message: that is no reply to the bot.
    if replied is not None and replied.forum_topic_created is None:
        if replied.from_user is not None and replied.from_user.id == bot_id:
            return True
    wanted = (MessageEntity.BOT_COMMAND, MessageEntity.MENTION, MessageEntity.TEXT_MENTION)
    for entity, text in message.parse_entities(wanted).items():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            _, _, target = text.partition("@")
            return not target or (username is not None and target.lower() == username.lower())
        if entity.type == MessageEntity.MENTION and username and text[1:].lower() == username.lower():
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id:
            return True
    return False


def without_mention(text: str, username: str | None) -> str:
    """The question without "@NamaBot" (wherever it stands), in single spaces."""
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def replied_bot_message(message: Message | None, bot_id: int) -> int | None:
    """The id of the bot's message that `message` replies to, if it replies to one."""
    replied = message.reply_to_message if message is not None else None
    if replied is None or replied.forum_topic_created is not None or replied.from_user is None:
        return None
    return replied.message_id if replied.from_user.id == bot_id else None


# --- Keys in the conversation store (pseudonymised by the query log before use) -----------------------


def session_key(chat_id: int, user_id: int | None, group: bool) -> str:
    """A private chat is one conversation; in a group each member has their own."""
    return f"{chat_id}:{user_id}" if group and user_id is not None else str(chat_id)


def message_key(chat_id: int, message_id: int) -> str:
    """Where the context an answer left behind is kept with one of the messages carrying it."""
    return f"{chat_id}#{message_id}"


def meeting_key(chat_id: int) -> str:
    """Where a chat's meeting province is kept (see /rapat)."""
    return f"{chat_id}:rapat"


# --- Short answers in groups -------------------------------------------------------------------------


def shorten(text: str, limit: int = GROUP_SHORT_CHARS) -> str | None:
    """The answer cut at a line break near `limit` characters (tags kept balanced), with a note and, when
    the answer carries it, the sample-data line; None when the answer is short enough already."""
    if len(text) <= limit:
        return None
    body = text.removesuffix(_SAMPLE_NOTE).rstrip()
    sample = body != text.rstrip()
    head = split_message(body, limit)[0].rstrip()
    return "\n".join([head, "…", "", SHORTENED_NOTE, *([_SAMPLE_NOTE] if sample else [])])


class HeldAnswers:
    """Full answers waiting behind a group's "Selengkapnya" button, kept in the shared storage (any worker
    may get the tap) under a random token: the token goes into the button and into the deep link
    `?start=full_<token>` that opens the answer in the private chat."""

    def __init__(self, storage: Storage, clock=time.time) -> None:
        self.storage = storage
        self._clock = clock

    def hold(self, answer: Answer) -> str:
        token = secrets.token_urlsafe(12)  # 16 characters of [A-Za-z0-9_-]: fits callback data and start=
        self.storage.save_context(_HELD_PREFIX + token, answer_to_json(answer), self._clock())
        return token

    def take(self, token: str) -> Answer | None:
        """The held answer (it stays held: the button may be tapped again), or None when unknown or too old."""
        if not _TOKEN.fullmatch(token):
            return None
        row = self.storage.load_context(_HELD_PREFIX + token)
        if row is None or self._clock() - row[1] > HELD_SECONDS:
            return None
        try:
            return answer_from_json(row[0])
        except (ValueError, TypeError, KeyError):
            return None


def answer_to_json(answer: Answer) -> str:
    """What a channel needs to show an answer again: its text, buttons and chart."""
    return json.dumps(
        {
            "text": answer.text,
            "intent": answer.intent,
            "regions": list(answer.regions),
            "followups": _buttons_out(answer.followups),
            "choices": _buttons_out(answer.choices),
            "chart": None if answer.chart is None else [answer.chart.kind, answer.chart.code],
        },
        ensure_ascii=False,
    )


def answer_from_json(text: str) -> Answer:
    data = json.loads(text)
    chart = data.get("chart")
    return Answer(
        text=str(data["text"]),
        intent=str(data["intent"]),
        regions=tuple(data.get("regions", ())),
        followups=_buttons_in(data.get("followups", ())),
        choices=_buttons_in(data.get("choices", ())),
        chart=ChartRequest(chart[0], chart[1]) if chart else None,
    )


def _buttons_out(buttons: Iterable[Button]) -> list[list[str]]:
    return [[button.label, button.payload] for button in buttons]


def _buttons_in(rows: Iterable[list[str]]) -> tuple[Button, ...]:
    return tuple(Button(str(label), str(payload)) for label, payload in rows)
