"""The Telegram channel end to end, offline: a local stand-in for the Bot API server answers the bot's
HTTP calls and records them; real Bot API update payloads go through `Update.de_json` into the real
`Application` (handlers, flood guard, rate limiter) and the real engine on the sample results."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import itertools
import json
import queue
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient
from telegram import Update

from bot.api import create_app
from bot.assistant import Assistant
from bot.engine.model import Answer, Button
from bot.engine.render import split_message
from bot.querylog import QueryLog
from bot.telegram import (
    FLOOD_NOTICE,
    NOT_ADMIN,
    PRUNE_EVERY,
    SORRY,
    FloodGate,
    SeenUpdates,
    Verdict,
    attach,
    build_application,
)
from core.config import Settings

pytestmark = pytest.mark.anyio

TOKEN = "7000000001:AAFakeTokenForOfflineTests_0123456789"
BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "Asisten IHaI", "username": "ihai_uji_bot"}
USER = {"id": 31415926, "is_bot": False, "first_name": "Siti", "last_name": "Rahma", "language_code": "id"}
ADMIN = {"id": 27182818, "is_bot": False, "first_name": "Admin", "language_code": "id"}
WEBHOOK_SECRET = "rahasia-webhook-uji_123"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Parameters Telegram receives JSON-encoded; everything else (text, captions) arrives as a raw string.
JSON_PARAMETERS = {"chat_id", "message_id", "reply_markup", "allowed_updates", "offset", "limit", "timeout", "commands"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --- The stand-in Bot API server ----------------------------------------------------------------


@dataclass
class Call:
    method: str
    params: dict
    files: dict[str, bytes] = field(default_factory=dict)
    result: object = None  # what the stand-in answered (a Message dict for sends and edits)


class BotApiStandIn:
    """Answers /bot<token>/<method> like api.telegram.org (same JSON shapes), records every call, and
    hands out queued updates to getUpdates."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.pending_updates: queue.Queue[dict] = queue.Queue()
        self._message_ids = itertools.count(5000)
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                match = re.fullmatch(r"/bot([^/]+)/(\w+)", self.path)
                if not match or match.group(1) != TOKEN:
                    self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                params, files = parse_body(self.headers.get("Content-Type", ""), body)
                status, payload = stand_in.answer(match.group(2), params, files)
                self._reply(status, payload)

            def _reply(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/bot"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, method: str, params: dict, files: dict[str, bytes]) -> tuple[int, dict]:
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._updates()}
        result = self._result(method, params, files)
        with self._lock:
            self.calls.append(Call(method, params, files, result))
        if result is None:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: method {method} not stubbed"}
        return 200, {"ok": True, "result": result}

    def _result(self, method: str, params: dict, files: dict[str, bytes]) -> object:
        if method == "getMe":
            return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False,
                    "supports_inline_queries": False}
        if method in ("sendMessage", "editMessageText"):
            return self._message(params, text=strip_tags(params["text"]))
        if method == "sendPhoto":
            size = len(files.get("photo", b""))
            return self._message(params, photo=[{"file_id": "AgACAgUAAxkBAAI", "file_unique_id": "AQADq",
                                                 "file_size": size, "width": 825, "height": 462}])
        if method in ("sendChatAction", "answerCallbackQuery", "setWebhook", "deleteWebhook", "setMyCommands"):
            return True
        return None

    def _message(self, params: dict, **content: object) -> dict:
        message_id = params.get("message_id") or next(self._message_ids)
        message = {
            "message_id": message_id,
            "from": BOT_USER,
            "chat": {"id": params["chat_id"], "type": "private", "first_name": "Siti"},
            "date": int(time.time()),
            **content,
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    def _updates(self) -> list[dict]:
        # Long polling, shortened: wait briefly for an update rather than the full timeout.
        try:
            return [self.pending_updates.get(timeout=0.2)]
        except queue.Empty:
            return []

    # Helpers for assertions
    def sent(self, *methods: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method in methods]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(self.sent(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} not called {count}× within {timeout}s: {self.calls}")
            await asyncio.sleep(0.02)
        return self.sent(method)


def parse_body(content_type: str, body: bytes) -> tuple[dict, dict[str, bytes]]:
    """Form fields (URL-encoded, or multipart when a file is uploaded) as the Bot API reads them."""
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename() is not None:
                files[name] = part.get_payload(decode=True)
            else:
                fields[name] = part.get_payload(decode=True).decode()
    elif body:
        fields = {key: values[0] for key, values in parse_qs(body.decode(), keep_blank_values=True).items()}
    params = {key: json.loads(value) if key in JSON_PARAMETERS else value for key, value in fields.items()}
    return params, files


def strip_tags(text: str) -> str:
    return re.sub(r"<[^<>]*>", "", text)


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
    from bot.engine.answer import Engine
    from core.gazetteer import get_gazetteer
    from knowledge.guidance import load_guidance

    return Assistant(engine, rebuild=lambda: Engine(results, get_gazetteer(), load_guidance(), store=engine.store))


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
    assert [gate.check(1) for _ in range(4)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.NOTIFY, Verdict.SILENT]
    now[0] = 9.9
    assert gate.check(1) is Verdict.SILENT
    now[0] = 10.0  # both handled messages have left the window
    assert [gate.check(1) for _ in range(3)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.NOTIFY]  # a fresh notice
    assert gate.check(2) is Verdict.ALLOW  # chats are limited separately


# --- Webhook through the FastAPI app, and polling ----------------------------------------------


def test_webhook_requires_secret_and_drops_retries(stand_in, settings, assistant):
    settings = settings.model_copy(update={"telegram_webhook_url": "https://ihai.example.go.id"})
    application = build_application(settings, webhook=True, base_url=stand_in.base_url)
    update = text_update("berapa ihai banjarbaru")
    with TestClient(create_app(settings, assistant, telegram=application)) as client:
        (menu,) = stand_in.sent("setMyCommands")
        assert {command["command"] for command in menu.params["commands"]} >= {"wilayah", "saran", "bandingkan"}
        assert not {"reload", "stats"} & {command["command"] for command in menu.params["commands"]}
        (webhook,) = stand_in.sent("setWebhook")
        assert webhook.params["url"] == "https://ihai.example.go.id/telegram/webhook"
        assert webhook.params["secret_token"] == WEBHOOK_SECRET
        stand_in.clear()

        assert client.post("/telegram/webhook", json=update).status_code == 403
        wrong = {"X-Telegram-Bot-Api-Secret-Token": "tebakan"}
        assert client.post("/telegram/webhook", json=update, headers=wrong).status_code == 403
        time.sleep(0.3)
        assert stand_in.calls == []

        right = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        assert client.post("/telegram/webhook", json=update, headers=right).status_code == 200
        assert client.post("/telegram/webhook", json=update, headers=right).status_code == 200  # Telegram's retry
        assert client.get("/healthz").json()["telegram"] == "webhook"
        client.portal.call(stand_in.wait_for, "sendMessage")
        time.sleep(0.3)
        assert len(stand_in.sent("sendMessage")) == 1
        assert len(stand_in.sent("sendChatAction")) == 1


def test_polling_beside_the_server(stand_in, settings, assistant):
    application = build_application(settings, base_url=stand_in.base_url)
    with TestClient(create_app(settings, assistant, telegram=application)) as client:
        assert client.get("/healthz").json()["telegram"] == "polling"
        stand_in.pending_updates.put(text_update("/wilayah Banjarbaru"))
        (message,) = client.portal.call(stand_in.wait_for, "sendMessage")
        assert message.params["chat_id"] == USER["id"] and "Banjarbaru" in message.params["text"]
    assert stand_in.sent("deleteWebhook")  # polling starts by removing any webhook


def test_an_update_is_taken_once_across_workers(tmp_path):
    """Two server workers share the SQLite file: a retry reaching the other worker is still dropped."""
    first, second = SeenUpdates(tmp_path / "ihai.sqlite3"), SeenUpdates(tmp_path / "ihai.sqlite3")
    assert first.first_time(1001, now=1000.0)
    assert not second.first_time(1001, now=1001.0)
    assert second.first_time(1002, now=1001.0)
    # Ids are forgotten after a day, when a prune runs (every PRUNE_EVERY-th id).
    later = 1000.0 + first.keep_seconds + 1
    assert first.first_time(PRUNE_EVERY * 10, now=later)
    assert second.first_time(1001, now=later)
    first.close()
    second.close()
