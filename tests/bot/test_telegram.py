"""The Telegram channel end to end, offline: a local stand-in for the Bot API server answers the bot's
HTTP calls and records them; real Bot API update payloads go through `Update.de_json` into the real
`Application` (handlers, flood guard, rate limiter, update processor) and the real engine on the sample
results. Also: Telegram unreachable or refusing the token, a proxy, webhook limits and hostile updates."""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from telegram import Update

from bot.api import WEBHOOK_SECRET_REQUIRED, create_app
from bot.assistant import Assistant
from bot.engine.compose.kit import SYNTHETIC_LINE
from bot.engine.context import ContextStore
from bot.engine.intents import Intent
from bot.engine.model import Answer, Button
from bot.engine.payloads import Payload, encode
from bot.engine.render import score, split_message
from bot.querylog import QueryLog
from bot.telegram import (
    ALLOWED_UPDATES,
    FLOOD_NOTICE,
    FULL_BUTTON,
    FULL_GONE,
    FULL_SENT,
    MEETING_ADMINS_ONLY,
    MEETING_ENDED,
    MEETING_UNKNOWN,
    NOT_ADMIN,
    PIN_NEEDS_RIGHTS,
    SHARED_CARD,
    SORRY,
    USAGE,
    FloodGate,
    Verdict,
    attach,
    build_application,
    publish_menu,
)
from bot.telegram_flow import ChatOrderedProcessor
from bot.telegram_group import FULL_CALLBACK, FULL_START, GROUP_SHORT_CHARS, MEETING_CALLBACK, shorten
from bot.telegram_inline import ASK_MORE, NOT_PUBLISHED
from bot.telegram_link import REDACTED
from core.config import Settings
from tests.bot.botapi import BOT_USER, CHAT_NOT_FOUND, FORBIDDEN, NO_PIN_RIGHTS, TOKEN, BotApiStandIn, Call

pytestmark = pytest.mark.anyio

USER = {"id": 31415926, "is_bot": False, "first_name": "Siti", "last_name": "Rahma", "language_code": "id"}
ADMIN = {"id": 27182818, "is_bot": False, "first_name": "Admin", "language_code": "id"}
WEBHOOK_SECRET = "rahasia-webhook-uji_123"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --- Real Bot API update payloads ---------------------------------------------------------------

_update_ids = itertools.count(881000001)


def text_update(text: str, user: dict = USER) -> dict:
    message = {
        "message_id": next(_update_ids) % 100000,
        "from": user,
        "chat": {"id": user["id"], "first_name": user["first_name"], "type": "private"},
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    return {"update_id": next(_update_ids), "message": message}


def callback_update(data: str, message: dict, user: dict = USER) -> dict:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids) * 7919),
            "from": user,
            "message": message,
            "chat_instance": "-8394851234567890123",
            "data": data,
        },
    }


def buttons(call: Call) -> list[tuple[str, str]]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [(button["text"], button["callback_data"]) for row in rows for button in row]


def expected_buttons(answer: Answer) -> list[tuple[str, str]]:
    return [(button.label, button.payload) for button in (*answer.choices, *answer.followups)]


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def assistant(engine, results):
    """The real engine; a reload builds a new one on the same results and context store."""
    from bot.engine.engine import Engine
    from core.gazetteer import get_gazetteer
    from knowledge.guidance import load_guidance

    return Assistant(engine, rebuild=lambda: Engine(results, get_gazetteer(), engine.understander.classifier, load_guidance(), store=engine.store))


@pytest.fixture(scope="module")
def stand_in():
    server = BotApiStandIn()
    yield server
    server.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        telegram_bot_token=TOKEN,
        telegram_webhook_secret=WEBHOOK_SECRET,
        admin_user_ids={ADMIN["id"]},
        flood_max_messages=5,
        flood_window_seconds=60,
        # A salt per test: the chat's pseudonym, hence its engine session, starts without context.
        query_log_salt=f"garam-uji-{tmp_path.name}",
    )


@pytest.fixture
def querylog(settings: Settings):
    log = QueryLog.from_settings(settings)
    yield log
    log.close()


@pytest.fixture
async def bot(stand_in: BotApiStandIn, settings: Settings, assistant, querylog: QueryLog):
    """The real Application against the stand-in, initialised (getMe) and connected to the real engine."""
    application = build_application(settings, base_url=stand_in.base_url)
    attach(application, settings, assistant, querylog)
    async with application:
        stand_in.clear()
        yield application


async def feed(application, payload: dict) -> None:
    await application.process_update(Update.de_json(payload, application.bot))


# --- Messages and commands ----------------------------------------------------------------------


async def test_free_text_gets_typing_html_answer_buttons_and_chart(bot, stand_in, engine, querylog, settings):
    question = "Berapa IHaI Kota Banjarbaru?"
    expected = engine.ask(question, "pembanding-1")
    assert expected.chart is not None and expected.followups  # the scenario this test is about

    await feed(bot, text_update(question))

    methods = [call.method for call in stand_in.calls]
    assert methods[0] == "sendChatAction" and stand_in.calls[0].params == {"chat_id": USER["id"], "action": "typing"}
    assert methods[1:] == ["sendMessage", "sendPhoto"]
    message, photo = stand_in.calls[1], stand_in.calls[2]
    assert message.params["chat_id"] == USER["id"]
    assert message.params["parse_mode"] == "HTML"
    assert message.params["text"] == expected.text
    assert "Banjarbaru" in message.params["text"] and "<b>" in message.params["text"]
    # The keyboard sits on the last message (the chart), below everything it refers to.
    assert "reply_markup" not in message.params
    assert photo.params["chat_id"] == USER["id"]
    assert photo.files["photo"].startswith(PNG_SIGNATURE)
    assert buttons(photo) == expected_buttons(expected)
    assert all(len(payload.encode()) <= 64 for _, payload in buttons(photo))
    # Logged under a pseudonym, never the raw chat id.
    stats = querylog.stats()
    assert stats.today == 1 and expected.regions[0] in dict(stats.top_regions)
    stored = b"".join(path.read_bytes() for path in settings.data_dir.glob("ihai.sqlite3*"))
    assert str(USER["id"]).encode() not in stored


@pytest.mark.parametrize(
    ("command", "engine_text"),
    [
        ("/start", "halo"),
        ("/start bukan-kode-wilayah", "halo"),
        ("/start 63_03", "§profil r=63.03"),  # a deep link t.me/<bot>?start=63_03: that region's card
        ("/start 63", "§profil r=63"),  # a province: its summary
        ("/help", "bantuan"),
        ("/bantuan", "bantuan"),
        ("/wilayah Tanah Laut", "ihai Tanah Laut"),
        ("/saran FKUB Banjarbaru", "saran FKUB Banjarbaru"),
        ("/bandingkan Banjarbaru, Tanah Laut", "bandingkan Banjarbaru dengan Tanah Laut"),
        ("/peringkat Kalimantan Selatan", "peringkat Kalimantan Selatan"),
        ("/tentang", "apa itu indeks harmoni indonesia"),
    ],
)
async def test_command_maps_to_engine_text(bot, stand_in, engine, command, engine_text):
    expected = engine.ask(engine_text, f"pembanding-{command}")

    await feed(bot, text_update(command))

    messages = stand_in.sent("sendMessage")
    assert messages, stand_in.calls
    assert all(call.params["parse_mode"] == "HTML" for call in messages)
    assert "".join(call.params["text"] for call in messages).replace("\n", "") == expected.text.replace("\n", "")
    last = stand_in.calls[-1]
    assert buttons(last) == expected_buttons(expected)
    assert bool(stand_in.sent("sendPhoto")) == (expected.chart is not None)


async def test_command_without_required_argument_explains_usage(bot, stand_in):
    await feed(bot, text_update("/wilayah"))
    (message,) = stand_in.sent("sendMessage")
    assert "/wilayah Banjarbaru" in message.params["text"]


@pytest.mark.parametrize("text", ["/laporan Banjarbaru", "minta laporan pdf kota banjarbaru"])
async def test_report_is_sent_as_a_document(bot, stand_in, engine, results, tmp_path, text):
    from tests.reports.conftest import pdf_text
    from tests.reports.test_report import Table

    expected = engine.ask("laporan pdf Banjarbaru", f"pembanding-laporan-{text}")
    assert expected.document is not None and expected.document.code == "63.72"

    await feed(bot, text_update(text))

    assert [call.method for call in stand_in.calls] == ["sendChatAction", "sendMessage", "sendDocument"]
    message, document = stand_in.calls[1], stand_in.calls[2]
    assert message.params["text"] == expected.text and "reply_markup" not in message.params
    assert document.params["chat_id"] == USER["id"]
    assert document.params["caption"] == f"Laporan IHaI {expected.document.year} (PDF, A4)"
    # The keyboard sits on the document, below everything it refers to.
    assert buttons(document) == expected_buttons(expected)
    pdf = document.files["document"]
    assert pdf.startswith(b"%PDF")
    table = Table(results)
    flow = pdf_text(pdf, tmp_path, layout=False)
    assert "Kota Banjarbaru" in flow and table.ihai(table.row("63.72")["ihai"]) in flow


async def test_disambiguation_choice_edits_the_question_in_place(bot, stand_in, engine):
    expected = engine.ask("ihai bandung", "pembanding-bandung")
    assert len(expected.choices) >= 2

    await feed(bot, text_update("ihai bandung"))
    (question,) = stand_in.sent("sendMessage")
    assert buttons(question) == expected_buttons(expected)
    chosen = expected.choices[0]
    after_choice = engine.ask(chosen.payload, "pembanding-bandung")
    stand_in.clear()

    # The callback carries the bot's message as Telegram stored it (the stand-in's reply).
    await feed(bot, callback_update(chosen.payload, question.result))

    methods = [call.method for call in stand_in.calls]
    assert methods[:3] == ["answerCallbackQuery", "sendChatAction", "editMessageText"]
    edit = stand_in.calls[2]
    assert edit.params["chat_id"] == USER["id"] and edit.params["message_id"] == question.result["message_id"]
    assert edit.params["parse_mode"] == "HTML"
    assert edit.params["text"] == split_message(after_choice.text)[0]
    assert "sendMessage" not in methods[:3]


async def test_followup_button_sends_a_new_message(bot, stand_in, engine):
    await feed(bot, text_update("IHaI Kota Banjarbaru"))
    photo = stand_in.sent("sendPhoto")[-1]
    _, payload = buttons(photo)[0]
    stand_in.clear()

    await feed(bot, callback_update(payload, photo.result))

    methods = [call.method for call in stand_in.calls]
    assert methods[:3] == ["answerCallbackQuery", "sendChatAction", "sendMessage"]
    assert "editMessageText" not in methods


# --- Long answers, errors, admin, flood ---------------------------------------------------------


class ScriptedEngine:
    """Test double of the engine only, for channel behaviour the real sample cannot provoke on demand."""

    def __init__(self, answer: Answer | Exception) -> None:
        self.answer = answer
        self.store = ContextStore()  # the conversation store the channel steers (replies, meetings)

    def ask(self, text: str, session: str) -> Answer:
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def chart_png(self, request) -> bytes:
        raise AssertionError("no chart requested")


async def scripted_bot(stand_in, settings, querylog, answer):
    application = build_application(settings, base_url=stand_in.base_url)
    attach(application, settings, Assistant(ScriptedEngine(answer)), querylog)
    return application


async def test_long_answer_is_split_at_telegram_limit(stand_in, settings, querylog):
    line = "• <b>Kabupaten Contoh</b>: skor 6,72 (Harmoni Sedang) &amp; naik\n"
    answer = Answer(text=line * 150, intent="peringkat", followups=(Button("Lihat provinsi", "peringkat provinsi"),))
    application = await scripted_bot(stand_in, settings, querylog, answer)
    async with application:
        stand_in.clear()
        await feed(application, text_update("peringkat semua"))
    messages = stand_in.sent("sendMessage")
    assert len(messages) >= 3
    assert all(len(call.params["text"]) <= 4096 for call in messages)
    assert "".join(call.params["text"] for call in messages).count("Kabupaten Contoh") == 150
    assert all(call.params["text"].count("<b>") == call.params["text"].count("</b>") for call in messages)
    assert [bool(buttons(call)) for call in messages] == [False] * (len(messages) - 1) + [True]


async def test_engine_failure_gets_a_polite_reply(stand_in, settings, querylog, caplog):
    application = await scripted_bot(stand_in, settings, querylog, RuntimeError("indeks rusak"))
    async with application:
        stand_in.clear()
        await feed(application, text_update("berapa ihai banjarbaru"))
    assert [call.params["text"] for call in stand_in.sent("sendMessage")] == [SORRY]
    assert "indeks rusak" in caplog.text


async def test_admin_commands_only_for_admins(bot, stand_in, engine, querylog):
    await feed(bot, text_update("/stats"))
    await feed(bot, text_update("/reload"))
    assert [call.params["text"] for call in stand_in.sent("sendMessage")] == [NOT_ADMIN, NOT_ADMIN]

    stand_in.clear()
    await feed(bot, text_update("berapa ihai Tanah Laut"))
    await feed(bot, text_update("/stats", user=ADMIN))
    stats = stand_in.sent("sendMessage")[-1].params["text"]
    assert "Pertanyaan hari ini: <b>1</b>" in stats and "Tanah Laut" in stats

    stand_in.clear()
    await feed(bot, text_update("/reload", user=ADMIN))
    assert "dimuat ulang" in stand_in.sent("sendMessage")[-1].params["text"]
    await feed(bot, text_update("berapa ihai Tanah Laut", user=ADMIN))  # the reloaded engine still answers
    assert "Tanah Laut" in stand_in.sent("sendMessage")[-1].params["text"]


async def test_flood_limit_one_notice_then_silence(bot, stand_in, settings):
    for _ in range(settings.flood_max_messages + 3):
        await feed(bot, text_update("halo"))
    texts = [call.params["text"] for call in stand_in.sent("sendMessage")]
    notices = [text for text in texts if text.startswith(FLOOD_NOTICE[:30])]
    assert len(texts) == settings.flood_max_messages + 1 and len(notices) == 1
    # Another chat is not affected.
    await feed(bot, text_update("halo", user=ADMIN))
    assert stand_in.sent("sendMessage")[-1].params["chat_id"] == ADMIN["id"]


def test_flood_gate_window_slides():
    now = [0.0]
    gate = FloodGate(max_messages=2, window_seconds=10, clock=lambda: now[0])
    assert [gate.check(1)[0] for _ in range(4)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.NOTIFY, Verdict.SILENT]
    now[0] = 9.9
    assert gate.check(1) == (Verdict.SILENT, 1)
    now[0] = 10.0  # both handled messages have left the window
    assert [gate.check(1)[0] for _ in range(3)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.NOTIFY]  # a fresh notice
    assert gate.check(2)[0] is Verdict.ALLOW  # chats are limited separately


# --- Webhook through the FastAPI app, and polling ----------------------------------------------




async def test_only_messages_and_button_presses_count_against_the_flood_limit(bot, stand_in, settings):
    chat = {"id": USER["id"], "first_name": USER["first_name"], "type": "private"}
    now = int(time.time())
    noise = [
        {"update_id": next(_update_ids), "message_reaction": {
            "chat": chat, "message_id": 77, "user": USER, "date": now, "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "👍"}]}}
        for _ in range(9)
    ]
    noise.append({"update_id": next(_update_ids), "edited_message": {
        "message_id": 78, "from": USER, "chat": chat, "date": now, "edit_date": now, "text": "berapa ihai banjar"}})
    noise.append({"update_id": next(_update_ids), "my_chat_member": {
        "chat": chat, "from": USER, "date": now,
        "old_chat_member": {"user": BOT_USER, "status": "member"},
        "new_chat_member": {"user": BOT_USER, "status": "kicked", "until_date": 0}}})
    for payload in noise:
        await feed(bot, payload)
    assert stand_in.sent("sendMessage") == []  # an edit is not a new question
    for _ in range(settings.flood_max_messages):
        await feed(bot, text_update("halo"))
    texts = [call.params["text"] for call in stand_in.sent("sendMessage")]
    assert len(texts) == settings.flood_max_messages
    assert not any(text.startswith(FLOOD_NOTICE[:30]) for text in texts)


# --- Concurrency, ordering, rate limits -------------------------------------------------------------

GROUP = {"id": -1001234567890, "type": "supergroup", "title": "FKUB Kalimantan Selatan"}
OTHER = {"id": 55501234, "is_bot": False, "first_name": "Budi", "language_code": "id"}


def group_update(text: str) -> dict:
    """A group message that mentions the bot (the rest of a group's talk is not for it)."""
    return group_message(f"@{BOT_USER['username']} {text}", OTHER)


class GatedEngine:
    """Answers "tahan …" only once `release` is set; everything else at once. The answer names the
    question, so the order of replies can be read off the stand-in."""

    view = SimpleNamespace(synthetic=True)  # what /healthz reads
    index = None

    def __init__(self) -> None:
        self.store = ContextStore()
        self.release = threading.Event()
        self.started: queue.Queue[str] = queue.Queue()

    def ask(self, text: str, session: str) -> Answer:
        self.started.put(text)
        if text.startswith("tahan"):
            assert self.release.wait(20), "never released"
        return Answer(text=f"jawaban untuk: {text}", intent="uji")

    def chart_png(self, request) -> bytes:
        raise AssertionError("no chart requested")


def replies(stand_in: BotApiStandIn, chat_id: int) -> list[str]:
    return [call.params["text"] for call in stand_in.sent("sendMessage") if call.params["chat_id"] == chat_id]


async def test_chats_are_answered_concurrently_and_each_chat_in_order(stand_in, settings, querylog):
    engine = GatedEngine()
    application = build_application(settings, base_url=stand_in.base_url, processor=ChatOrderedProcessor(workers=4))
    attach(application, settings, Assistant(engine), querylog)
    async with application:
        await application.start()
        stand_in.clear()
        for payload in (text_update("tahan satu"), text_update("dua"), text_update("halo dari Budi", user=OTHER)):
            await application.update_queue.put(Update.de_json(payload, application.bot))
        # The other chat is answered while the first chat's question is still being worked on...
        await stand_in.wait_for("sendMessage")
        assert replies(stand_in, OTHER["id"]) == ["jawaban untuk: halo dari Budi"]
        assert replies(stand_in, USER["id"]) == []
        # ...and the first chat's second question waits for its first.
        assert sorted(engine.started.queue) == ["halo dari Budi", "tahan satu"]
        engine.release.set()
        await stand_in.wait_for("sendMessage", count=3)
        assert replies(stand_in, USER["id"]) == ["jawaban untuk: tahan satu", "jawaban untuk: dua"]
        await application.stop()


async def test_a_group_at_its_rate_limit_does_not_delay_other_chats(stand_in, settings, querylog):
    """Telegram answers the group's message with 429 "retry after 3": only the group waits."""
    application = build_application(settings, base_url=stand_in.base_url)
    attach(application, settings, Assistant(GatedEngine()), querylog)
    async with application:
        await application.start()
        stand_in.clear()
        stand_in.retry_after[GROUP["id"]] = 3
        await application.update_queue.put(Update.de_json(group_update("halo grup"), application.bot))
        await stand_in.wait_for("429")
        await application.update_queue.put(Update.de_json(text_update("halo pribadi"), application.bot))
        await stand_in.wait_for("sendMessage", count=2, timeout=15)
        order = [call.params["chat_id"] for call in stand_in.sent("sendMessage")]
        assert order == [USER["id"], GROUP["id"]]  # the private reply went out during the group's pause
        await application.stop()


# --- Webhook through the FastAPI app, and polling ----------------------------------------------


def wait_for_bot(client: TestClient, state: str, timeout: float = 15.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        health = client.get("/healthz").json()
        if health["telegram"] == state:
            return health
        assert time.monotonic() < deadline, f"bot state stayed {health['telegram']!r}, expected {state!r}"
        time.sleep(0.05)


@pytest.fixture
def webhook_settings(settings, stand_in) -> Settings:
    return settings.model_copy(
        update={"telegram_webhook_url": "https://ihai.example.go.id", "telegram_api_url": stand_in.base_url}
    )


RIGHT = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}


def test_webhook_requires_secret_and_drops_retries(stand_in, webhook_settings, assistant):
    update = text_update("berapa ihai banjarbaru")
    with TestClient(create_app(webhook_settings, assistant, bot=True)) as client:
        health = wait_for_bot(client, "ok")
        assert health["telegram_mode"] == "webhook"
        menus = {call.params["scope"]["type"]: call for call in stand_in.sent("setMyCommands")}
        assert set(menus) == {"default", "all_private_chats", "all_group_chats", "chat"}  # see test_command_menus
        private = {command["command"] for command in menus["all_private_chats"].params["commands"]}
        assert private >= {"wilayah", "saran", "bandingkan"} and not {"reload", "stats"} & private
        (webhook,) = stand_in.sent("setWebhook")
        assert webhook.params["url"] == "https://ihai.example.go.id/telegram/webhook"
        assert webhook.params["secret_token"] == WEBHOOK_SECRET
        assert webhook.params["allowed_updates"] == ALLOWED_UPDATES == [
            "message", "callback_query", "inline_query", "chosen_inline_result"]
        stand_in.clear()

        assert client.post("/telegram/webhook", json=update).status_code == 403
        wrong = {"X-Telegram-Bot-Api-Secret-Token": "tebakan"}
        assert client.post("/telegram/webhook", json=update, headers=wrong).status_code == 403
        time.sleep(0.3)
        assert stand_in.calls == []

        assert client.post("/telegram/webhook", json=update, headers=RIGHT).status_code == 200
        assert client.post("/telegram/webhook", json=update, headers=RIGHT).status_code == 200  # Telegram's retry
        client.portal.call(stand_in.wait_for, "sendMessage")
        time.sleep(0.3)
        assert len(stand_in.sent("sendMessage")) == 1
        assert len(stand_in.sent("sendChatAction")) == 1


def test_polling_beside_the_server(stand_in, settings, assistant):
    settings = settings.model_copy(update={"telegram_api_url": stand_in.base_url})
    with TestClient(create_app(settings, assistant, bot=True)) as client:
        assert wait_for_bot(client, "ok")["telegram_mode"] == "polling"
        stand_in.pending_updates.put(text_update("/wilayah Banjarbaru"))
        (message,) = client.portal.call(stand_in.wait_for, "sendMessage")
        assert message.params["chat_id"] == USER["id"] and "Banjarbaru" in message.params["text"]
    assert stand_in.sent("deleteWebhook")  # polling starts by removing any webhook


@pytest.mark.parametrize(
    "body",
    [
        b'{"update_id": "abc", "message": {}}',
        b'{"update_id": 1.5}',
        b'{"update_id": 100000000000000000000000}',
        b'{"update_id": -1}',
        b'{"update_id": true}',
        b'{"message": {"text": "tanpa id"}}',
        b'[{"update_id": 1}]',
        b'"update_id"',
        b"{bukan json",
        b"",
        b'{"update_id": 881, "message": {"text": "\xff\xfe tidak UTF-8"}}',
        b'{"update_id": 882, "message": "bukan objek"}',
        b'{"update_id": 883, "message": {"chat": 5, "date": "kemarin"}}',
        b'{"update_id": 884, "callback_query": [1, 2, 3]}',
        b'{"update_id": 885, "message": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    ],
)
def test_webhook_rejects_malformed_updates_with_400(stand_in, webhook_settings, assistant, body):
    with TestClient(create_app(webhook_settings, assistant, bot=True), raise_server_exceptions=False) as client:
        wait_for_bot(client, "ok")
        stand_in.clear()
        response = client.post("/telegram/webhook", content=body, headers={**RIGHT, "Content-Type": "application/json"})
        assert response.status_code == 400, response.text
        assert response.json() == {"detail": "Update Telegram tidak valid."}
        time.sleep(0.1)
        assert stand_in.sent("sendMessage", "sendChatAction") == []


def test_webhook_body_is_capped(stand_in, webhook_settings, assistant):
    huge = json.dumps({"update_id": 886, "message": {"text": "x" * (2 * 1024 * 1024)}}).encode()
    with TestClient(create_app(webhook_settings, assistant, bot=True)) as client:
        wait_for_bot(client, "ok")
        response = client.post("/telegram/webhook", content=huge, headers=RIGHT)
        assert response.status_code == 413 and "xxxx" not in response.text


def test_full_backlog_answers_503_with_retry_after(stand_in, webhook_settings, querylog):
    engine = GatedEngine()
    with TestClient(create_app(webhook_settings, Assistant(engine), bot=True)) as client:
        wait_for_bot(client, "ok")
        processor: ChatOrderedProcessor = client.app.state.processor
        processor.max_pending, processor.max_pending_per_chat = 2, 1
        assert client.post("/telegram/webhook", json=text_update("tahan satu"), headers=RIGHT).status_code == 200
        assert engine.started.get(timeout=10) == "tahan satu"
        # This chat already has an update in the works: its next one waits at Telegram.
        same_chat = client.post("/telegram/webhook", json=text_update("dua"), headers=RIGHT)
        assert same_chat.status_code == 503 and same_chat.headers["Retry-After"].isdigit()
        # Another chat still gets in, until the worker's whole backlog is full.
        assert client.post("/telegram/webhook", json=text_update("tahan B", user=OTHER), headers=RIGHT).status_code == 200
        assert engine.started.get(timeout=10) == "tahan B"
        third = text_update("halo", user=ADMIN)
        full = client.post("/telegram/webhook", json=third, headers=RIGHT)
        assert full.status_code == 503 and int(full.headers["Retry-After"]) > 0
        engine.release.set()
        client.portal.call(stand_in.wait_for, "sendMessage", 2)
        # Telegram's retry of the refused update is taken now: a 503 never marks an update as seen.
        assert client.post("/telegram/webhook", json=third, headers=RIGHT).status_code == 200
        client.portal.call(stand_in.wait_for, "sendMessage", 3)


# --- Telegram unreachable, rejected, behind a proxy; the token never logged -------------------------


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/bot"  # nothing listens: every connection is refused


def test_unreachable_telegram_leaves_the_api_serving(settings, assistant, caplog):
    caplog.set_level(logging.INFO)
    settings = settings.model_copy(update={"telegram_api_url": closed_port_url()})
    with TestClient(create_app(settings, assistant, bot=True)) as client:
        assert wait_for_bot(client, "retrying")["telegram_mode"] == "polling"
        answer = client.post("/v1/ask", json={"text": "berapa ihai banjarbaru", "session": "s"})
        assert answer.status_code == 200 and "Banjarbaru" in answer.json()["answer"]
        time.sleep(1.5)  # at least one more failed attempt (backoff starts at 1 s)
        assert client.get("/healthz").json()["telegram"] == "retrying"
    lines = [record for record in caplog.records if record.name == "bot.telegram_link"]
    assert [record.getMessage().split(" (")[0] for record in lines] == [
        "Telegram: menghubungkan bot Telegram", "Telegram: Telegram tidak terjangkau"]
    assert "Traceback" not in caplog.text and TOKEN not in caplog.text


def test_rejected_token_is_one_line_without_the_token(stand_in, settings, assistant, caplog):
    wrong_token = "7000000009:AAWrongTokenRejectedByTelegram_987654"
    settings = settings.model_copy(update={"telegram_api_url": stand_in.base_url, "telegram_bot_token": SecretStr(wrong_token)})
    with TestClient(create_app(settings, assistant, bot=True)) as client:
        wait_for_bot(client, "rejected")
        assert client.post("/v1/ask", json={"text": "halo"}).status_code == 200
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1 and "ditolak" in errors[0].getMessage() and errors[0].exc_info is None
    assert wrong_token not in caplog.text


def test_bot_reaches_telegram_through_the_proxy(stand_in, settings, querylog, assistant):
    """The Bot API host does not resolve; only the proxy (the stand-in, taking absolute-form requests)
    gets the bot through."""
    settings = settings.model_copy(
        update={"telegram_api_url": "http://api.telegram.invalid/bot",
                "telegram_proxy": stand_in.base_url.removesuffix("/bot")}
    )
    with TestClient(create_app(settings, assistant, bot=True)) as client:
        wait_for_bot(client, "ok")
        stand_in.pending_updates.put(text_update("halo"))
        client.portal.call(stand_in.wait_for, "sendMessage")
    assert any(path.startswith("http://api.telegram.invalid/bot") for path in stand_in.proxied)


async def test_the_token_is_redacted_from_every_log_record(bot, stand_in, caplog):
    caplog.set_level(logging.DEBUG)
    await feed(bot, text_update("halo"))
    logging.getLogger("uji").error("token %s bocor?", TOKEN)
    try:
        raise RuntimeError(f"gagal memanggil /bot{TOKEN}/getMe")
    except RuntimeError:
        logging.getLogger("uji").exception("galat")
    assert REDACTED in caplog.text and f"/bot{REDACTED}/" in caplog.text
    assert TOKEN not in caplog.text
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


# --- As the commands run: `ihai serve` with Telegram unreachable, `ihai telegram` with a bad token ---


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command_env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "IHAI_DATA_DIR": str(data_dir), "IHAI_QUERY_LOG_SALT": "garam-perintah", **extra}


def test_ihai_serve_answers_while_the_bot_api_is_unreachable(tmp_path, data_folder):
    import httpx

    port = free_port()
    env = command_env(
        data_folder(tmp_path), TELEGRAM_BOT_TOKEN=TOKEN, IHAI_TELEGRAM_API_URL=closed_port_url(),
        IHAI_TELEGRAM_WEBHOOK_URL="https://ihai.example.go.id", IHAI_TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        IHAI_PORT=str(port),
    )
    server = subprocess.Popen([sys.executable, "-m", "ihai.cli", "serve"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        health = None
        while health is None or health["telegram"] != "retrying":
            assert server.poll() is None and time.monotonic() < deadline, "server did not come up"
            with contextlib.suppress(httpx.TransportError):
                health = httpx.get(f"{base}/healthz", timeout=2).json()
            time.sleep(0.2)
        assert health["ready"] and health["telegram_mode"] == "webhook"
        answer = httpx.post(f"{base}/v1/ask", json={"text": "berapa ihai kota banjarbaru"}, timeout=30)
        assert answer.status_code == 200 and "Banjarbaru" in answer.json()["answer"]
        # Updates cannot be answered yet: Telegram is asked to deliver them again later.
        held = httpx.post(f"{base}/telegram/webhook", json=text_update("halo"), headers=RIGHT, timeout=10)
        assert held.status_code == 503 and "Retry-After" in held.headers
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr and TOKEN not in stderr
    assert "Telegram: Telegram tidak terjangkau" in stderr


def test_ihai_telegram_with_a_rejected_token_exits_2(tmp_path, data_folder, stand_in):
    env = command_env(data_folder(tmp_path), TELEGRAM_BOT_TOKEN="7000000009:AAWrongTokenRejected_0000",
                      IHAI_TELEGRAM_API_URL=stand_in.base_url)
    finished = subprocess.run([sys.executable, "-m", "ihai.cli", "telegram"], env=env, capture_output=True,
                              text=True, timeout=120)
    assert finished.returncode == 2
    assert "AAWrongTokenRejected" not in finished.stderr and "Traceback" not in finished.stderr
    assert finished.stderr.strip().splitlines()[-1] == (
        "Galat: token bot Telegram ditolak oleh Telegram; periksa TELEGRAM_BOT_TOKEN.")


def test_a_second_webhook_worker_without_a_configured_secret_refuses_to_start(tmp_path, capsys):
    """Each worker would register a random secret of its own, and Telegram would send the other worker's
    updates with a secret it rejects: the second worker stops with one line instead."""
    from bot.commands import serve
    from bot.storage import open_storage

    settings = Settings(data_dir=tmp_path, telegram_bot_token=TOKEN, telegram_webhook_url="https://ihai.example.go.id",
                        _env_file=None)
    first_worker = open_storage(settings.database_path)
    assert first_worker.claim_sole_webhook()
    try:
        assert serve(settings, with_bot=True) == 2
    finally:
        first_worker.close()
    assert capsys.readouterr().err.strip() == f"Galat: {WEBHOOK_SECRET_REQUIRED}"


# --- Groups: privacy mode, per-member contexts, replies, buttons, short answers ---------------------

THIRD = {"id": 66601234, "is_bot": False, "first_name": "Dewi", "language_code": "id"}
MENTION = f"@{BOT_USER['username']}"


def group_message(text: str, user: dict = USER, *, reply_to: dict | None = None, topic: int | None = None,
                  via_bot: dict | None = None) -> dict:  # fmt: skip
    """A message in GROUP as Telegram sends it, with its command and mention entities."""
    message = {"message_id": next(_update_ids) % 100000, "from": user, "chat": GROUP, "date": int(time.time()),
               "text": text}  # fmt: skip
    entities = []
    if text.startswith("/"):
        entities.append({"offset": 0, "length": len(text.split()[0]), "type": "bot_command"})
    entities += [{"offset": m.start(), "length": len(m.group()), "type": "mention"} for m in re.finditer(r"@\w+", text)]
    if entities:
        message["entities"] = entities
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    if topic is not None:
        message.update(message_thread_id=topic, is_topic_message=True)
    if via_bot is not None:
        message["via_bot"] = via_bot
    return {"update_id": next(_update_ids), "message": message}


def in_group(answer: Answer) -> str:
    """What the group sees of an answer: a long one cut short (the rest behind "Selengkapnya")."""
    return shorten(answer.text) or answer.text


def group_texts(stand_in: BotApiStandIn) -> str:
    return "".join(call.params["text"] for call in stand_in.sent("sendMessage") if call.params["chat_id"] == GROUP["id"])


def session_of(querylog: QueryLog, user: dict) -> str:
    return querylog.pseudonym("tg", f"{GROUP['id']}:{user['id']}")


async def test_group_talk_not_for_the_bot_is_ignored_and_never_counted(bot, stand_in, settings):
    talk = [
        group_message("berapa ihai kota banjarbaru ya, ada yang tahu?"),  # no mention: members talking
        group_message("/wilayah@bot_lain_bot Banjarbaru"),  # a command for another bot
        group_message("@bot_lain_bot halo"),
        # A card someone posted through the bot's inline mode ("via @ihai_uji_bot") is no question.
        group_message("Kabupaten Banjar (Kalimantan Selatan)\nIHaI 2025: …", via_bot=BOT_USER),
        group_message("setuju", reply_to=group_message("usul rapat", OTHER)["message"]),  # a reply, not to the bot
    ]
    for payload in talk * settings.flood_max_messages:
        await feed(bot, payload)
    assert stand_in.calls == []
    # None of it used the group's flood budget: every addressed message is still answered.
    for _ in range(settings.flood_max_messages):
        await feed(bot, group_message(f"{MENTION} halo"))
    texts = [call.params["text"] for call in stand_in.sent("sendMessage")]
    assert len(texts) == settings.flood_max_messages
    assert not any(text.startswith(FLOOD_NOTICE[:30]) for text in texts)


async def test_mentions_and_commands_with_the_bots_name_are_answered_in_their_thread(bot, stand_in, engine):
    expected = engine.ask("berapa ihai kota banjarbaru?", "pembanding-grup-1")
    assert len(expected.text) <= GROUP_SHORT_CHARS and expected.chart is not None  # a profile stays whole

    question = group_message(f"{MENTION} berapa ihai kota banjarbaru?", topic=77)
    await feed(bot, question)

    action, message = stand_in.calls[0], stand_in.sent("sendMessage")[0]
    assert action.method == "sendChatAction" and action.params["message_thread_id"] == 77
    assert message.params["chat_id"] == GROUP["id"] and message.params["message_thread_id"] == 77
    assert message.params["reply_parameters"]["message_id"] == question["message"]["message_id"]
    assert message.params["text"] == expected.text  # the mention is not part of the question
    photo = stand_in.sent("sendPhoto")[0]
    assert photo.params["reply_parameters"]["message_id"] == question["message"]["message_id"]
    assert buttons(photo) == expected_buttons(expected)

    stand_in.clear()
    await feed(bot, group_message(f"/wilayah@{BOT_USER['username']} Tanah Laut", OTHER))
    assert group_texts(stand_in) == in_group(engine.ask("ihai Tanah Laut", "pembanding-grup-2"))


async def test_a_long_answer_in_a_group_is_cut_short_with_a_button_for_the_rest(bot, stand_in, engine):
    expected = engine.ask("saran fkub untuk tapin", "pembanding-grup-3")
    assert len(expected.text) > GROUP_SHORT_CHARS

    await feed(bot, group_message(f"{MENTION} saran fkub untuk tapin"))

    (message,) = stand_in.sent("sendMessage")
    assert message.params["text"] == shorten(expected.text)
    # The short answer is the full one's beginning, cut at a line, and still says it is sample data.
    head = message.params["text"].split("\n…\n")[0]
    assert expected.text.startswith(head) and len(head) <= GROUP_SHORT_CHARS
    assert message.params["text"].endswith(f"<i>{SYNTHETIC_LINE}</i>")
    assert buttons(message)[:-1] == expected_buttons(expected) and buttons(message)[-1][0] == FULL_BUTTON


async def test_two_members_asking_at_once_keep_their_own_contexts(bot, stand_in, engine):
    await feed(bot, group_message(f"{MENTION} berapa ihai kota banjarbaru", USER))
    await feed(bot, group_message(f"{MENTION} berapa ihai tanah laut", OTHER))
    stand_in.clear()
    await feed(bot, group_message(f"{MENTION} dimensi terlemahnya?", USER))
    siti = group_texts(stand_in)
    stand_in.clear()
    await feed(bot, group_message(f"{MENTION} dimensi terlemahnya?", OTHER))
    budi = group_texts(stand_in)

    for session, first, answer in (("ref-siti", "berapa ihai kota banjarbaru", siti),
                                   ("ref-budi", "berapa ihai tanah laut", budi)):  # fmt: skip
        engine.ask(first, session)
        assert answer == in_group(engine.ask("dimensi terlemahnya?", session))
    assert "Banjarbaru" in siti and "Tanah Laut" not in siti
    assert "Tanah Laut" in budi and "Banjarbaru" not in budi


async def test_a_reply_to_an_answer_continues_that_answer_whoever_replies(bot, stand_in, engine):
    await feed(bot, group_message(f"{MENTION} berapa ihai kota banjarbaru", USER))
    banjarbaru = stand_in.sent("sendMessage")[0].result
    await feed(bot, group_message(f"{MENTION} berapa ihai tanah laut", USER))  # Siti moves on
    engine.ask("berapa ihai kota banjarbaru", "ref-balasan")
    expected = in_group(engine.ask("dimensi terlemahnya?", "ref-balasan"))

    for user in (USER, THIRD):  # the asker going back to her earlier answer, and a member new to the talk
        stand_in.clear()
        reply = group_message("dimensi terlemahnya?", user, reply_to=banjarbaru)  # no mention: the reply is enough
        await feed(bot, reply)
        assert group_texts(stand_in) == expected
        assert stand_in.sent("sendMessage")[0].params["reply_parameters"]["message_id"] == reply["message"]["message_id"]


async def test_a_button_in_a_group_acts_for_whoever_taps_it(bot, stand_in, engine, querylog, assistant):
    await feed(bot, group_message(f"{MENTION} berapa ihai kota banjarbaru", USER))
    photo = stand_in.sent("sendPhoto")[-1]
    label, payload = buttons(photo)[0]
    assert label == "Dimensi terlemah"
    stand_in.clear()

    await feed(bot, callback_update(payload, photo.result, user=OTHER))

    methods = [call.method for call in stand_in.calls]
    assert methods[:3] == ["answerCallbackQuery", "sendChatAction", "sendMessage"]
    sent = stand_in.sent("sendMessage")[0]
    assert sent.params["reply_parameters"]["message_id"] == photo.result["message_id"]  # in the button's thread
    assert sent.params["text"] == in_group(engine.ask(payload, "ref-tombol"))
    # Budi's conversation now continues from the answer he asked for; the log has it as his question.
    assert assistant.engine.store.load(session_of(querylog, OTHER)).regions == ("63.72",)
    assert querylog.questions(0)[-1].asker == session_of(querylog, OTHER)


async def test_selengkapnya_sends_the_full_answer_privately_or_through_a_deep_link(bot, stand_in, engine):
    expected = engine.ask("saran fkub untuk tapin", "ref-lengkap")
    await feed(bot, group_message(f"{MENTION} saran fkub untuk tapin", USER))
    shortened = stand_in.sent("sendMessage")[-1]
    label, data = buttons(shortened)[-1]
    assert label == FULL_BUTTON and len(data.encode()) <= 64
    stand_in.clear()

    # Siti has started the bot: the full answer arrives in her private chat.
    await feed(bot, callback_update(data, shortened.result, user=USER))
    private = [call for call in stand_in.sent("sendMessage") if call.params["chat_id"] == USER["id"]]
    assert "".join(call.params["text"] for call in private) == expected.text
    assert buttons(private[-1]) == expected_buttons(expected)
    assert stand_in.sent("answerCallbackQuery")[-1].params["text"] == FULL_SENT
    assert group_texts(stand_in) == ""

    # Budi has not: Telegram refuses the private message, and the tap opens the bot through a deep link.
    stand_in.clear()
    stand_in.refusals[("sendMessage", OTHER["id"])] = (403, FORBIDDEN)
    try:
        await feed(bot, callback_update(data, shortened.result, user=OTHER))
    finally:
        del stand_in.refusals[("sendMessage", OTHER["id"])]
    url = stand_in.sent("answerCallbackQuery")[-1].params["url"]
    start = data.removeprefix(FULL_CALLBACK)
    assert url == f"https://t.me/{BOT_USER['username']}?start={FULL_START}{start}"
    stand_in.clear()
    await feed(bot, text_update(f"/start {FULL_START}{start}", user=OTHER))
    assert "".join(call.params["text"] for call in stand_in.sent("sendMessage")) == expected.text
    stand_in.clear()
    await feed(bot, text_update(f"/start {FULL_START}AAAAAAAAAAAAAAAA", user=OTHER))  # unknown or expired
    assert [call.params["text"] for call in stand_in.sent("sendMessage")] == [FULL_GONE]


# --- Inline mode --------------------------------------------------------------------------------


def inline_update(query: str, user: dict = USER) -> dict:
    return {"update_id": next(_update_ids),
            "inline_query": {"id": str(next(_update_ids)), "from": user, "query": query, "offset": ""}}  # fmt: skip


@pytest.fixture
async def make_bot(stand_in, settings, assistant, querylog):
    """Like `bot`, on settings changed for one test: `await make_bot(public_url=…)`."""
    async with contextlib.AsyncExitStack() as started:

        async def make(**changes):
            changed = settings.model_copy(update=changes)
            application = build_application(changed, base_url=stand_in.base_url)
            attach(application, changed, assistant, querylog)
            await started.enter_async_context(application)
            stand_in.clear()
            return application

        yield make


async def test_inline_query_offers_region_cards_best_first(make_bot, stand_in, results):
    # On a server with a public address, so that the results can show chart thumbnails.
    public_bot = await make_bot(public_url="https://ihai.example.go.id/")
    await feed(public_bot, inline_update("banjar"))

    (call,) = stand_in.sent("answerInlineQuery")
    offered = call.params["results"]
    ids = [result["id"] for result in offered]
    assert ids[:2] == ["63.03", "32.79"]  # the shared name: Kabupaten Banjar and Kota Banjar, both offered
    assert {"63.71", "63.72"} <= set(ids)  # names starting with it: Banjarmasin, Banjarbaru
    assert call.params["button"]["start_parameter"] == "inline"
    table = results.table.set_index("code")
    edges = results.methodology.band_edges
    for result in offered:
        code = result["id"]
        url = f"https://t.me/{BOT_USER['username']}?start={code.replace('.', '_')}"
        assert result["reply_markup"]["inline_keyboard"] == [[{"text": ASK_MORE, "url": url}]]
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML"
        if code in table.index and bool(table.loc[code, "publishable"]):
            row = table.loc[code]
            figure = score(row["ihai"], edges)
            assert result["description"] == f"IHaI {figure} · {row['category']}"
            assert figure in content["message_text"] and row["name"] in content["message_text"]
            assert result["thumbnail_url"].startswith(f"https://ihai.example.go.id/v1/regions/{code}/chart.png")
        else:
            assert result["description"] == NOT_PUBLISHED and "thumbnail_url" not in result
    assert table.loc["63.03", "publishable"]  # the card this test is mostly about has figures


async def test_inline_queries_and_chosen_results_never_touch_the_flood_limit(bot, stand_in, settings, querylog):
    for query in ["", "tapin", "kalsel", "banjarmsin"] * settings.flood_max_messages:
        await feed(bot, inline_update(query))
    answered = stand_in.sent("answerInlineQuery")
    assert len(answered) == 4 * settings.flood_max_messages
    assert [result["id"] for result in answered[0].params["results"]] == []  # nothing typed yet: just the button
    assert answered[1].params["results"][0]["id"] == "63.05"  # Tapin
    assert answered[2].params["results"][0]["id"] == "63"  # "kalsel": the province
    assert answered[3].params["results"][0]["id"] == "63.71"  # a typo of Banjarmasin
    chosen = {"update_id": next(_update_ids),
              "chosen_inline_result": {"result_id": "63.05", "from": USER, "query": "tapin"}}  # fmt: skip
    for _ in range(settings.flood_max_messages + 2):
        await feed(bot, {**chosen, "update_id": next(_update_ids)})
    assert stand_in.sent("sendMessage") == []
    # Every shared card is counted (pseudonymously, without what was typed) ...
    stats = querylog.stats()
    assert dict(stats.top_intents)[SHARED_CARD] == settings.flood_max_messages + 2
    assert dict(stats.top_regions)["63.05"] == settings.flood_max_messages + 2
    assert {row.text for row in querylog.questions(0)} == {""}
    # ... and the user's chat was never limited by any of it.
    await feed(bot, text_update("halo"))
    assert not stand_in.sent("sendMessage")[-1].params["text"].startswith(FLOOD_NOTICE[:30])


# --- The command menu ---------------------------------------------------------------------------


async def test_command_menus_by_scope(make_bot, stand_in, caplog):
    stranger = 42424242  # an admin id that never opened a chat with the bot
    application = await make_bot(admin_user_ids=frozenset({ADMIN["id"], stranger}))
    stand_in.refusals[("setMyCommands", stranger)] = (400, CHAT_NOT_FOUND)
    try:
        await publish_menu(application)
    finally:
        del stand_in.refusals[("setMyCommands", stranger)]

    menus = {}
    for call in stand_in.sent("setMyCommands"):
        scope = call.params["scope"]
        menus[(scope["type"], scope.get("chat_id"))] = [command["command"] for command in call.params["commands"]]
        assert all(re.fullmatch(r"[a-z0-9_]{1,32}", c["command"]) and 3 <= len(c["description"]) <= 256
                   for c in call.params["commands"])  # fmt: skip
    private, group, admin = menus[("all_private_chats", None)], menus[("all_group_chats", None)], menus[("chat", ADMIN["id"])]
    assert menus[("default", None)] == private
    assert {"wilayah", "saran", "bandingkan", "peringkat", "rapat", "laporan", "tentang", "bantuan"} == set(private)
    assert set(group) < set(private) and {"wilayah", "rapat", "bantuan"} <= set(group)
    assert set(admin) == set(private) | {"stats", "reload"}
    assert not {"stats", "reload"} & (set(private) | set(group))
    assert ("chat", stranger) not in menus and "satu admin" in caplog.text  # skipped with a warning, not fatal


# --- Meeting mode -------------------------------------------------------------------------------


@pytest.fixture
def group_admin(stand_in: BotApiStandIn):
    """USER administers GROUP (as getChatMember says); everyone else is a plain member."""
    stand_in.chat_admins[GROUP["id"]] = {USER["id"]}
    yield USER
    del stand_in.chat_admins[GROUP["id"]]


async def test_rapat_pins_the_brief_and_focuses_follow_ups_on_the_province(make_bot, stand_in, engine, group_admin):
    bot = await make_bot(flood_max_messages=50)  # a whole meeting's questions in one group
    brief = engine.ask(encode(Payload(Intent.RAPAT, regions=("63",))), "ref-rapat")
    await feed(bot, group_message(f"/rapat@{BOT_USER['username']} Kalimantan Selatan", USER))

    first = stand_in.sent("sendMessage")[0]
    assert first.params["text"] == brief.text  # a brief is never cut short
    (pin,) = stand_in.sent("pinChatMessage")
    assert pin.params == {"chat_id": GROUP["id"], "message_id": first.result["message_id"], "disable_notification": True}

    # Anyone in the group, asking without naming the province: "Banjar" is Kabupaten Banjar there ...
    assert engine.ask("berapa ihai banjar?", "ref-tanpa-rapat").choices  # (elsewhere it is asked back)
    stand_in.clear()
    await feed(bot, group_message(f"{MENTION} berapa ihai banjar?", OTHER))
    focused = group_texts(stand_in)
    offered = [payload for call in stand_in.calls for _, payload in buttons(call)]
    assert "Kabupaten Banjar" in focused and "Kota Banjar" not in focused and "wilayah 32.79" not in offered
    # ... and "the lowest five" are the province's kab/kota.
    assert "secara nasional" in engine.ask("5 kab/kota terendah", "ref-tanpa-rapat-2").text
    stand_in.clear()
    await feed(bot, group_message(f"{MENTION} 5 kab/kota terendah", THIRD))
    assert "terendah di Kalimantan Selatan" in group_texts(stand_in)
    stand_in.clear()
    await feed(bot, group_message("/peringkat", {**THIRD, "id": THIRD["id"] + 2}))  # a bare ranking, too
    assert "tertinggi di Kalimantan Selatan" in group_texts(stand_in)

    stand_in.clear()
    await feed(bot, group_message("/rapat selesai", USER))
    assert group_texts(stand_in) == MEETING_ENDED
    stand_in.clear()
    await feed(bot, group_message(f"{MENTION} berapa ihai banjar?", {**THIRD, "id": THIRD["id"] + 1}))
    offered = [payload for call in stand_in.calls for _, payload in buttons(call)]
    assert {"wilayah 63.03", "wilayah 32.79"} <= set(offered)  # asked back again: which Banjar?


async def test_rapat_explains_what_it_needs(bot, stand_in, group_admin):
    stand_in.refusals[("pinChatMessage", GROUP["id"])] = (400, NO_PIN_RIGHTS)
    try:
        await feed(bot, group_message("/rapat kalsel", USER))
    finally:
        del stand_in.refusals[("pinChatMessage", GROUP["id"])]
    assert group_texts(stand_in).endswith(PIN_NEEDS_RIGHTS)  # the brief went out, only the pin failed
    stand_in.clear()
    await feed(bot, group_message("/rapat Atlantis", USER))
    assert group_texts(stand_in) == MEETING_UNKNOWN.format(name="Atlantis")
    stand_in.clear()
    await feed(bot, group_message("/rapat", USER))
    assert group_texts(stand_in) == USAGE["rapat"]


async def test_only_the_groups_admins_lead_a_meeting(make_bot, stand_in, group_admin):
    bot = await make_bot(flood_max_messages=50)  # a meeting's worth of messages in one group
    # A member cannot start meeting mode: nothing is pinned and questions keep their national reading.
    await feed(bot, group_message("/rapat Kalimantan Selatan", OTHER))
    assert group_texts(stand_in) == MEETING_ADMINS_ONLY and not stand_in.sent("pinChatMessage")
    (asked,) = stand_in.sent("getChatMember")
    assert asked.params == {"chat_id": GROUP["id"], "user_id": OTHER["id"]}
    stand_in.clear()
    await feed(bot, group_message(f"{MENTION} 5 kab/kota terendah", THIRD))
    assert "secara nasional" in group_texts(stand_in)

    # The admin starts it; a member can neither end it nor switch it to another province.
    stand_in.clear()
    await feed(bot, group_message("/rapat Kalimantan Selatan", group_admin))
    assert len(stand_in.sent("pinChatMessage")) == 1
    for attempt in ("/rapat selesai", "/rapat Bali"):
        stand_in.clear()
        await feed(bot, group_message(attempt, OTHER))
        assert group_texts(stand_in) == MEETING_ADMINS_ONLY
    stand_in.clear()
    await feed(bot, group_message(f"{MENTION} 5 kab/kota terendah", {**THIRD, "id": THIRD["id"] + 5}))
    assert "terendah di Kalimantan Selatan" in group_texts(stand_in)

    # A province offered as a choice is the admins' to tap, too.
    stand_in.clear()
    choice = group_message("pilihan", BOT_USER)["message"]
    await feed(bot, callback_update(f"{MEETING_CALLBACK}51", choice, OTHER))
    (alert,) = stand_in.sent("answerCallbackQuery")
    assert alert.params["text"] == MEETING_ADMINS_ONLY and alert.params["show_alert"] is True
    assert not stand_in.sent("sendMessage", "pinChatMessage")

    # An admin posting anonymously, as the group, ends it.
    stand_in.clear()
    anonymous = group_message("/rapat selesai", {"id": 1087968824, "is_bot": True, "first_name": "Group",
                                                  "username": "GroupAnonymousBot"})  # fmt: skip
    anonymous["message"]["sender_chat"] = GROUP
    await feed(bot, anonymous)
    assert group_texts(stand_in) == MEETING_ENDED and not stand_in.sent("getChatMember")
