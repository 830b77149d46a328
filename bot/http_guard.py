"""What stands between the open network and the HTTP channel: body size caps, a per-client rate limit,
an optional API key, and the security headers of the help-desk page.

The middlewares are plain ASGI (no per-request task or body copy), so they cost next to nothing on the
hot `/v1/ask` path.
"""

from __future__ import annotations

import hmac
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

Scope = dict
Message = dict
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Loaded only by the page itself: no inline script or style, no other origin, never framed.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
COMMON_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))
MAX_TRACKED_CLIENTS = 10_000


async def send_json(send: Send, status: int, body: dict, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                        *headers],
        }
    )
    await send({"type": "http.response.body", "body": data})


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """413 for a body over its path's cap, announced (Content-Length) or streamed (chunked): the body is
    never read whole, let alone echoed back."""

    def __init__(self, app: ASGIApp, default_bytes: int, per_path: dict[str, int]) -> None:
        self.app = app
        self.default_bytes = default_bytes
        self.per_path = per_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope["path"], self.default_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(send, limit)
            return
        received = 0
        started = too_large = False

        async def counted_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if too_large:
                # The app turned the aborted read into an answer of its own (FastAPI: a 400): say 413 instead.
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(send, limit)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        await send_json(send, 413, {"detail": f"Isi permintaan terlalu besar: paling banyak {limit} bita."})


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """A token bucket per client: `per_minute` requests a minute on average, bursts up to the same
    number. In memory, per worker: behind a balancer over N workers a client gets up to N times it."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when the request may go ahead, else the seconds until it may."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(client, None) or _Bucket(self.capacity, now)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
            self._buckets[client] = bucket  # most recently seen last
            if len(self._buckets) > MAX_TRACKED_CLIENTS:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.rate


class ApiGuard:
    """For `/v1/*`: the API key (when configured, except on `open_paths`, which the help-desk page
    calls), then the client's rate limit (429 with Retry-After)."""

    def __init__(
        self, app: ASGIApp, limiter: RateLimiter, api_key: str | None, is_open: Callable[[str, str], bool]
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.api_key = api_key.encode() if api_key else None
        self.is_open = is_open

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        if self.api_key is not None and not self.is_open(scope["method"], scope["path"]):
            if not self._authorised(dict(scope["headers"])):
                await send_json(send, 401, {"detail": "Kunci API tidak ada atau salah (header X-API-Key)."},
                                [(b"www-authenticate", b"Bearer")])
                return
        client = scope.get("client")
        wait = self.limiter.take(client[0] if client else "?")
        if wait:
            await send_json(
                send, 429, {"detail": "Terlalu banyak permintaan; coba lagi sebentar lagi."},
                [(b"retry-after", str(max(1, math.ceil(wait))).encode())],
            )
            return
        await self.app(scope, receive, send)

    def _authorised(self, headers: dict[bytes, bytes]) -> bool:
        given = headers.get(b"x-api-key")
        if given is None:
            scheme, _, value = headers.get(b"authorization", b"").partition(b" ")
            given = value.strip() if scheme.lower() == b"bearer" else None
        return given is not None and hmac.compare_digest(given, self.api_key)


class SecurityHeaders:
    """nosniff and no-referrer on every response; the page's Content-Security-Policy on the page and its
    assets (not on /docs, whose Swagger UI FastAPI loads from a CDN)."""

    def __init__(self, app: ASGIApp, page_paths: Callable[[str], bool]) -> None:
        self.app = app
        self.page_paths = page_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(COMMON_HEADERS)
        if self.page_paths(scope["path"]):
            extra.append((b"content-security-policy", PAGE_CSP.encode()))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)
