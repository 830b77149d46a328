"""A local stand-in for Telegram's Bot API server, for the tests and `bench.load`: it answers
/bot<token>/<method> like api.telegram.org (same JSON shapes), records every call with its time, hands
out queued updates to getUpdates, and also works as an HTTP proxy (absolute-form request lines)."""

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
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

TOKEN = "7000000001:AAFakeTokenForOfflineTests_0123456789"
BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "Asisten IHaI", "username": "ihai_uji_bot"}
# Parameters Telegram receives JSON-encoded; everything else (text, captions) arrives as a raw string.
JSON_PARAMETERS = {
    "chat_id", "message_id", "reply_markup", "allowed_updates", "offset", "limit", "timeout", "commands", "scope",
    "reply_parameters", "message_thread_id", "results", "button", "cache_time", "is_personal", "show_alert",
    "disable_notification", "user_id",
}  # fmt: skip
# What getChatMember says of an administrator (the Bot API's ChatMemberAdministrator fields).
ADMIN_RIGHTS = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True, "can_delete_messages": True,
    "can_manage_video_chats": True, "can_restrict_members": True, "can_promote_members": False,
    "can_change_info": True, "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
    "can_delete_stories": False, "can_pin_messages": True,
}  # fmt: skip
FORBIDDEN = "Forbidden: bot can't initiate conversation with a user"
NO_PIN_RIGHTS = "Bad Request: not enough rights to manage pinned messages in the chat"
CHAT_NOT_FOUND = "Bad Request: chat not found"


@dataclass
class Call:
    method: str
    params: dict
    files: dict[str, bytes] = field(default_factory=dict)
    result: object = None  # what the stand-in answered (a Message dict for sends and edits)
    at: float = field(default_factory=time.monotonic)


class BotApiStandIn:
    """Answers /bot<token>/<method> like api.telegram.org (same JSON shapes), records every call, and
    hands out queued updates to getUpdates."""

    def __init__(self, on_call: Callable[[Call], None] | None = None) -> None:
        self.calls: list[Call] = []
        self.on_call = on_call  # told of every recorded call, from the server's threads
        self.proxied: list[str] = []  # absolute-form request lines: the stand-in was used as a proxy
        # chat id -> seconds: the next sendMessage to that chat gets a 429 "retry after" (once)
        self.retry_after: dict[int, int] = {}
        # (method, chat id) -> (status, description): Telegram refusing that call for that chat, e.g. a
        # user who never started the bot (403), a group where the bot may not pin (400). A scoped
        # setMyCommands counts as a call for its scope's chat.
        self.refusals: dict[tuple[str, int], tuple[int, str]] = {}
        self.pending_updates: queue.Queue[dict] = queue.Queue()
        # chat id -> ids of its administrators, for getChatMember (everyone else is a plain member)
        self.chat_admins: dict[int, set[int]] = {}
        self._message_ids = itertools.count(5000)
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                match = re.fullmatch(r"(?:http://[^/]+)?/bot([^/]+)/(\w+)", self.path)
                if self.path.startswith("http://"):
                    stand_in.proxied.append(self.path)
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
        wait = self.retry_after.pop(params.get("chat_id"), None) if method == "sendMessage" else None
        if wait is not None:
            with self._lock:
                self.calls.append(Call("429", params))
            return 429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {wait}",
                         "parameters": {"retry_after": wait}}
        target = params.get("chat_id") or (params.get("scope") or {}).get("chat_id")
        refusal = self.refusals.get((method, target))
        if refusal is not None:
            with self._lock:
                self.calls.append(Call(f"{refusal[0]}", {"method": method, **params}))
            return refusal[0], {"ok": False, "error_code": refusal[0], "description": refusal[1]}
        result = self._result(method, params, files)
        call = Call(method, params, files, result)
        with self._lock:
            self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)
        if result is None:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: method {method} not stubbed"}
        return 200, {"ok": True, "result": result}

    def _result(self, method: str, params: dict, files: dict[str, bytes]) -> object:
        if method == "getMe":
            return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False,
                    "supports_inline_queries": True}
        if method in ("sendMessage", "editMessageText"):
            return self._message(params, text=strip_tags(params["text"]))
        if method == "sendPhoto":
            size = len(files.get("photo", b""))
            return self._message(params, photo=[{"file_id": "AgACAgUAAxkBAAI", "file_unique_id": "AQADq",
                                                 "file_size": size, "width": 825, "height": 462}])
        if method == "sendDocument":
            size = len(files.get("document", b""))
            return self._message(params, document={"file_id": "BQACAgUAAxkBAAI", "file_unique_id": "AgADr",
                                                   "mime_type": "application/pdf", "file_size": size})
        if method == "getChatMember":
            user = {"id": params["user_id"], "is_bot": False, "first_name": "Anggota"}
            if params["user_id"] in self.chat_admins.get(params["chat_id"], set()):
                return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
            return {"status": "member", "user": user}
        if method in ("sendChatAction", "answerCallbackQuery", "setWebhook", "deleteWebhook", "setMyCommands",
                      "answerInlineQuery", "pinChatMessage"):
            return True
        return None

    def _message(self, params: dict, **content: object) -> dict:
        message_id = params.get("message_id") or next(self._message_ids)
        chat_id = params["chat_id"]
        # Negative ids are groups (as Telegram numbers them); positive ones private chats.
        chat = {"id": chat_id, "type": "supergroup", "title": "Grup uji"} if isinstance(chat_id, int) and chat_id < 0 \
            else {"id": chat_id, "type": "private", "first_name": "Siti"}
        message = {"message_id": message_id, "from": BOT_USER, "chat": chat, "date": int(time.time()), **content}
        if "message_thread_id" in params:
            message["message_thread_id"] = params["message_thread_id"]
            message["is_topic_message"] = True
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
            self.proxied.clear()

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
