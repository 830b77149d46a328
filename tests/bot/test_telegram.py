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
import shutil
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
from bot.engine.model import Answer, Button
from bot.engine.render import split_message
from bot.querylog import QueryLog
from bot.telegram import (
    ALLOWED_UPDATES,
    FLOOD_NOTICE,
    NOT_ADMIN,
    SORRY,
    FloodGate,
    Verdict,
    attach,
    build_application,
)
from bot.telegram_flow import ChatOrderedProcessor
from bot.telegram_link import REDACTED
from core.config import Settings
from tests.bot.botapi import BOT_USER, TOKEN, BotApiStandIn, Call

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
        ("/help", "bantuan"),
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
    payload = text_update(text, user=OTHER)
    payload["message"]["chat"] = GROUP
    return payload


class GatedEngine:
    """Answers "tahan …" only once `release` is set; everything else at once. The answer names the
    question, so the order of replies can be read off the stand-in."""

    view = SimpleNamespace(synthetic=True)  # what /healthz reads
    index = None

    def __init__(self) -> None:
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
        (menu,) = stand_in.sent("setMyCommands")
        assert {command["command"] for command in menu.params["commands"]} >= {"wilayah", "saran", "bandingkan"}
        assert not {"reload", "stats"} & {command["command"] for command in menu.params["commands"]}
        (webhook,) = stand_in.sent("setWebhook")
        assert webhook.params["url"] == "https://ihai.example.go.id/telegram/webhook"
        assert webhook.params["secret_token"] == WEBHOOK_SECRET
        assert webhook.params["allowed_updates"] == ALLOWED_UPDATES == ["message", "callback_query"]
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


def command_env(tmp_path: Path, sample_results_dir: Path, **extra: str) -> dict[str, str]:
    shutil.copytree(sample_results_dir, tmp_path / "results")
    return {**os.environ, "IHAI_DATA_DIR": str(tmp_path), "IHAI_QUERY_LOG_SALT": "garam-perintah", **extra}


def test_ihai_serve_answers_while_the_bot_api_is_unreachable(tmp_path, sample_results_dir):
    import httpx

    port = free_port()
    env = command_env(
        tmp_path, sample_results_dir, TELEGRAM_BOT_TOKEN=TOKEN, IHAI_TELEGRAM_API_URL=closed_port_url(),
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


def test_ihai_telegram_with_a_rejected_token_exits_2(tmp_path, sample_results_dir, stand_in):
    env = command_env(tmp_path, sample_results_dir, TELEGRAM_BOT_TOKEN="7000000009:AAWrongTokenRejected_0000",
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
