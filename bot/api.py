"""The HTTP channel: a FastAPI app with the JSON API, the help-desk page and the Telegram webhook.

The lifespan opens the storage and builds the engine once (unless given, as in tests), purges expired
data at start-up and daily, and, with `bot=True`, starts the Telegram bot beside the server without
waiting for Telegram: with a webhook URL configured Telegram posts updates to `/telegram/webhook`,
otherwise the bot polls in the same event loop. Limits on what the network may send are `bot.http_guard`'s.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import json
import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import anyio
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from bot.assistant import Assistant, chart_url, document_url
from bot.engine.model import Answer, ChartRequest
from bot.http_guard import ApiGuard, BodySizeLimit, RateLimiter, SecurityHeaders
from bot.querylog import QueryLog, ask_logged
from bot.storage import Storage, StorageError, open_storage, storage_target
from bot.storage.retention import Retention, purge_daily
from core.config import Settings
from core.deeplink import bot_username, region_link

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.telegram_flow import ChatOrderedProcessor
    from bot.telegram_link import BotLink

WEB_DIR = Path(__file__).with_name("web")
CHANNEL = "api"
WEBHOOK_PATH = "/telegram/webhook"
# Questions from HTTP run on at most this many threads. The engine is CPU-bound and holds the GIL for
# figure answers, so more threads than cores only queue on the GIL (with FastAPI's 40-thread pool,
# throughput fell as concurrency rose); two let an embedding (torch releases the GIL) overlap with a
# figure answer.
ENGINE_THREADS = 2
_TAG = re.compile(r"<[^<>]*>")
# A question is a sentence or two; the body around it, a session id and some JSON.
MAX_QUESTION_CHARS = 2000
MAX_BODY_BYTES = 16 * 1024
# A Telegram update carries at most a 4,096-character message with its entities and a reply's copy.
MAX_WEBHOOK_BYTES = 1024 * 1024
MAX_UPDATE_ID = 2**63 - 1  # BIGINT in PostgreSQL, INTEGER in SQLite
WEBHOOK_SECRET_REQUIRED = (
    "IHAI_TELEGRAM_WEBHOOK_SECRET wajib diisi bila lebih dari satu worker melayani webhook: tanpa itu tiap "
    "worker mendaftarkan rahasianya sendiri dan pembaruan ke worker lain ditolak."
)


def page_path(path: str) -> bool:
    return path == "/" or path.startswith("/static/")


def open_to_page(method: str, path: str) -> bool:
    """What the help-desk page calls, hence open without the API key: questions, a region's card, its
    chart and its PDF report."""
    return (method == "POST" and path == "/v1/ask") or (method == "GET" and path.startswith("/v1/regions/"))


# --- Response models (they are also the OpenAPI documentation at /docs) ------------------------


class AskRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, examples=["Berapa IHaI Kota Banjarbaru?"])
    session: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="keeps the conversation's context between questions; omitted: a one-off question",
    )


class ButtonOut(BaseModel):
    label: str
    payload: str = Field(description="send it back as the next `text`")


class SourceOut(BaseModel):
    doc_id: str
    title: str
    references: list[str]


class AskResponse(BaseModel):
    answer: str = Field(description="Telegram-compatible HTML (<b>, <i>, escaped text)")
    text_plain: str
    intent: str
    regions: list[str]
    sources: list[SourceOut]
    followups: list[ButtonOut]
    choices: list[ButtonOut]
    chart_url: str | None
    document_url: str | None = Field(description="the PDF report the answer comes with (a `laporan` answer)")


class RegionOut(BaseModel):
    code: str
    name: str
    level: str
    province: str | None
    ihai: float | None
    category: str | None
    n: int | None = Field(description="accepted respondents (kab/kota); null for provinces and the nation")


class RegionDetailOut(RegionOut):
    ihai_ci_low: float | None
    ihai_ci_high: float | None
    publishable: bool
    target_met: bool | None
    rank_in_province: int | None
    rank_national: int | None
    dimensions: dict[str, float | None]
    weakest_dimension: str | None
    synthetic: bool
    chart_url: str | None
    telegram_url: str | None = Field(
        description="https://t.me/<bot>?start=<code>: opens the Telegram bot on this region; null when the bot's "
        "username is not known (IHAI_TELEGRAM_BOT_USERNAME, or the bot running in this server)"
    )
    telegram_qr_url: str | None = Field(description="that link as a QR code (SVG; .png also served)")
    report_url: str | None = Field(description="the one-page PDF report; null where there is none")


class HitOut(BaseModel):
    chunk_id: str
    doc_id: str
    title: str
    kind: str = Field(description="guidance | region")
    score: float
    text: str = Field(description="the passage, Markdown")
    sources: list[str]
    metadata: dict[str, Any]


class Health(BaseModel):
    ready: bool
    synthetic: bool
    index_loaded: bool
    telegram: str = Field(description="off | connecting | ok | retrying | rejected")
    telegram_mode: str = Field(description="off | webhook | polling")


def plain_text(html: str) -> str:
    """Answer HTML as terminal or plain-text readers want it: tags dropped, entities decoded."""
    return unescape(_TAG.sub("", html))


def answer_payload(answer: Answer) -> dict:
    """The Answer as the API and `ihai ask --jsonl` return it."""
    return {
        "answer": answer.text,
        "text_plain": plain_text(answer.text),
        "intent": answer.intent,
        "regions": list(answer.regions),
        "sources": [
            {"doc_id": source.doc_id, "title": source.title, "references": list(source.references)}
            for source in answer.sources
        ],
        "followups": [{"label": button.label, "payload": button.payload} for button in answer.followups],
        "choices": [{"label": button.label, "payload": button.payload} for button in answer.choices],
        "chart_url": chart_url(answer.chart),
        "document_url": document_url(answer.document),
    }


# --- Dependencies ------------------------------------------------------------------------------


# Async although trivial: FastAPI would run a plain `def` dependency in its thread pool, one more hop
# per request for an attribute read.
async def get_assistant(request: Request) -> Assistant:
    return request.app.state.assistant


async def get_querylog(request: Request) -> QueryLog:
    return request.app.state.querylog


AssistantDep = Annotated[Assistant, Depends(get_assistant)]
QueryLogDep = Annotated[QueryLog, Depends(get_querylog)]


def not_found(code: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"Wilayah dengan kode {code!r} tidak ditemukan.")


# --- The app -----------------------------------------------------------------------------------


def create_app(
    settings: Settings,
    assistant: Assistant | None = None,
    *,
    bot: bool = False,
    storage: Storage | None = None,
) -> FastAPI:
    """The app. `assistant` None: the engine is built in the lifespan. `bot`: the Telegram bot is built
    from the settings and started with the server (webhook mode when settings.telegram_webhook_url is
    set), in the background. `storage` None: opened from the settings in the lifespan, closed after."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = storage is None
        app.state.storage = storage or await asyncio.to_thread(open_storage, storage_target(settings))
        purge: asyncio.Task | None = None
        try:
            # In a worker thread: loading results, index and the embedding model takes seconds.
            app.state.assistant = assistant or await asyncio.to_thread(Assistant.build, settings, app.state.storage)
            app.state.querylog = QueryLog.from_settings(settings, app.state.storage)
            purge = asyncio.create_task(purge_daily(app.state.storage, Retention.from_settings(settings)))
            if bot:
                _start_telegram(app, settings)
            yield
        finally:
            if app.state.link is not None:
                await app.state.link.stop()
            if purge is not None:
                purge.cancel()
            if owned:
                app.state.storage.close()

    app = FastAPI(
        title="Asisten IHaI",
        description="Tanya jawab Indeks Harmoni Indonesia: skor, arti, peringkat, dan saran tindak lanjut.",
        version="1.0",
        lifespan=lifespan,
    )
    app.state.assistant = assistant
    app.state.engine_slots = anyio.CapacityLimiter(ENGINE_THREADS)
    app.state.telegram = None
    app.state.bot_username = bot_username(settings.telegram_bot_username)
    app.state.link = None
    app.state.processor = None
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    _add_routes(app)
    app.add_exception_handler(RequestValidationError, _validation_error)
    # Outermost last: headers on every answer, the size cap before anything reads a body.
    key = settings.api_key.get_secret_value() if settings.api_key else None
    app.add_middleware(ApiGuard, limiter=RateLimiter(settings.api_rate_limit_per_minute), api_key=key,
                       is_open=open_to_page)
    app.add_middleware(BodySizeLimit, default_bytes=MAX_BODY_BYTES, per_path={WEBHOOK_PATH: MAX_WEBHOOK_BYTES})
    app.add_middleware(SecurityHeaders, page_paths=page_path)
    return app


async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's 422, without the offending input: a 40 MiB question is not sent back, nor is anything a
    caller may have pasted by mistake."""
    details = [
        {"loc": list(item.get("loc", ())), "msg": item.get("msg", ""), "type": item.get("type", "")}
        for item in error.errors()
    ]
    return JSONResponse({"detail": details}, status_code=422)


def _start_telegram(app: FastAPI, settings: Settings) -> None:
    """Build the bot and start connecting it in the background: the server is up meanwhile."""
    from bot.telegram import attach, build_application, connect
    from bot.telegram_flow import ChatOrderedProcessor
    from bot.telegram_link import BotLink

    webhook = bool(settings.telegram_webhook_url)
    link = BotLink()
    processor = ChatOrderedProcessor()
    telegram = build_application(settings, webhook=webhook, link=link, processor=processor)
    attach(telegram, settings, app.state.assistant, app.state.querylog, app.state.engine_slots)
    if webhook:
        secret = settings.telegram_webhook_secret
        if secret is None and not app.state.storage.claim_sole_webhook():
            raise RuntimeError(WEBHOOK_SECRET_REQUIRED)
        # A configured secret, or a fresh random one: Telegram echoes it in a header on every delivery.
        app.state.webhook_secret = secret.get_secret_value() if secret else secrets.token_urlsafe(32)
        attempt = functools.partial(
            connect, telegram, webhook_url=settings.telegram_webhook_url.rstrip("/") + WEBHOOK_PATH,
            secret=app.state.webhook_secret,
        )
    else:
        attempt = functools.partial(connect, telegram)
    app.state.telegram, app.state.link, app.state.processor = telegram, link, processor
    link.start(telegram, "webhook" if webhook else "polling", attempt)


def telegram_username(app: FastAPI) -> str | None:
    """The bot's username for deep links: configured, else the one Telegram gave the bot running in this
    server (None until it has connected)."""
    if app.state.bot_username:
        return app.state.bot_username
    telegram: Application | None = app.state.telegram
    try:
        return bot_username(telegram.bot.username) if telegram is not None else None
    except RuntimeError:  # not initialised yet: Telegram has not answered getMe
        return None


def service_unavailable(detail: str, retry_after: int) -> HTTPException:
    return HTTPException(status_code=503, detail=detail, headers={"Retry-After": str(retry_after)})


def _add_routes(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html")

    @app.get("/healthz", response_model=Health, tags=["layanan"])
    async def health(request: Request) -> Health:
        assistant: Assistant | None = request.app.state.assistant
        link: BotLink | None = request.app.state.link
        return Health(
            ready=assistant is not None,
            synthetic=assistant is not None and assistant.synthetic,
            index_loaded=assistant is not None and assistant.index_loaded,
            telegram=link.state.value if link else "off",
            telegram_mode=link.mode if link else "off",
        )

    # The synchronous engine never runs on the event loop, which also carries the Telegram bot: questions
    # go to the engine's own few threads, the other read endpoints are plain `def` (FastAPI's thread pool).
    @app.post("/v1/ask", response_model=AskResponse, tags=["asisten"])
    async def ask(body: AskRequest, request: Request, assistant: AssistantDep, querylog: QueryLogDep) -> dict:
        # Without a session every question stands alone: anonymous callers must not share a context.
        asker = querylog.pseudonym(CHANNEL, body.session or secrets.token_hex(16))
        call = functools.partial(ask_logged, assistant, querylog, channel=CHANNEL, asker=asker, text=body.text)
        answer = await anyio.to_thread.run_sync(call, limiter=request.app.state.engine_slots)
        return answer_payload(answer)

    @app.get("/v1/regions", response_model=list[RegionOut], tags=["wilayah"])
    def regions(
        assistant: AssistantDep, level: Annotated[str | None, Query(pattern="^(kabkota|provinsi|nasional)$")] = None
    ) -> list[dict]:
        return assistant.regions(level)

    @app.get("/v1/regions/{code}", response_model=RegionDetailOut, tags=["wilayah"])
    def region(code: str, request: Request, assistant: AssistantDep) -> dict:
        found = assistant.region(code)
        if found is None:
            raise not_found(code)
        username = telegram_username(request.app)
        linked = username is not None and found["level"] != "nasional"
        return {
            **found,
            "telegram_url": region_link(found["code"], username).url if linked else None,
            "telegram_qr_url": f"/v1/regions/{found['code']}/qr.svg" if linked else None,
        }

    @app.get(
        "/v1/regions/{code}/qr.{kind}",
        response_class=Response,
        responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}},
        tags=["wilayah"],
    )
    def region_qr(code: str, kind: Annotated[str, PathParam(pattern="^(svg|png)$")], request: Request,
                  assistant: AssistantDep) -> Response:  # fmt: skip
        """A QR code of the Telegram deep link to the region, for slides and printouts."""
        found = assistant.region(code)
        if found is None or found["level"] == "nasional":
            raise not_found(code)
        username = telegram_username(request.app)
        if username is None:
            raise HTTPException(status_code=404, detail="Nama pengguna bot Telegram belum diketahui.")
        link = region_link(found["code"], username)
        body, media = (link.svg(), "image/svg+xml") if kind == "svg" else (link.png(), "image/png")
        return Response(body, media_type=media, headers={"Cache-Control": "public, max-age=300"})

    @app.get(
        "/v1/regions/{code}/chart.png",
        response_class=Response,
        responses={200: {"content": {"image/png": {}}}},
        tags=["wilayah"],
    )
    async def region_chart(
        code: str,
        request: Request,
        assistant: AssistantDep,
        kind: Annotated[str | None, Query(pattern="^(region_dimensions|province_ranking|region_trend)$")] = None,
    ) -> Response:
        """The region's chart (kind omitted: the one its answers carry)."""
        found = assistant.region(code)
        if found is None:
            raise not_found(code)
        chart = ChartRequest(kind=kind, code=code) if kind else ChartRequest.default_for(found)
        try:
            # Drawing takes tens of milliseconds of CPU: on the engine's threads, like a question.
            png = await anyio.to_thread.run_sync(assistant.chart_png, chart, limiter=request.app.state.engine_slots) \
                if chart else None
        except ValueError:
            png = None
        if png is None:
            raise HTTPException(status_code=404, detail=f"Belum ada grafik untuk wilayah {code!r}.")
        # Figures change only when results are reloaded; a short cache spares re-rendering on a projector.
        return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=300"})

    @app.get(
        "/v1/regions/{code}/report.pdf",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}}},
        tags=["wilayah"],
    )
    async def region_report(
        code: str,
        request: Request,
        assistant: AssistantDep,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    ) -> Response:
        """The region's one-page report (PDF, A4): a kab/kota with published figures, or a province with
        all its kab/kota; `year` omitted: the latest round."""
        document = assistant.reportable(code, year)
        if document is None:
            raise HTTPException(status_code=404, detail=f"Belum ada laporan untuk wilayah {code!r}.")
        # Typesetting takes tens of ms of CPU (bench.reports): on the engine's threads, like a question.
        pdf = await anyio.to_thread.run_sync(assistant.report_pdf, document, limiter=request.app.state.engine_slots)
        headers = {
            "Content-Disposition": f'attachment; filename="{document.filename}"',
            "Cache-Control": "public, max-age=300",
        }
        return Response(pdf, media_type="application/pdf", headers=headers)

    @app.get("/v1/search", response_model=list[HitOut], tags=["asisten"])
    async def search(
        request: Request,
        assistant: AssistantDep,
        q: Annotated[str, Query(min_length=1, max_length=500)],
        k: Annotated[int, Query(ge=1, le=50)] = 5,
    ) -> list[dict]:
        # An embedding and a BM25 pass: CPU work that shares the engine's threads.
        return await anyio.to_thread.run_sync(assistant.search, q, k, limiter=request.app.state.engine_slots)

    @app.post(WEBHOOK_PATH, include_in_schema=False)
    async def telegram_webhook(
        request: Request,
        secret: Annotated[str | None, Header(alias="X-Telegram-Bot-Api-Secret-Token")] = None,
    ) -> Response:
        """Only enqueue: Telegram wants a fast 200, and the Application answers from its own queue. A
        full backlog (or a bot not yet connected) answers 503 with Retry-After: Telegram keeps the update
        and delivers it again later."""
        telegram: Application | None = request.app.state.telegram
        expected = getattr(request.app.state, "webhook_secret", None)
        if (
            telegram is None
            or expected is None
            or secret is None
            or not hmac.compare_digest(secret.encode(), expected.encode())
        ):
            raise HTTPException(status_code=403, detail="Token rahasia webhook tidak valid.")
        from bot.telegram_flow import RETRY_AFTER_SECONDS

        if not telegram.running:
            raise service_unavailable("Bot belum tersambung ke Telegram.", RETRY_AFTER_SECONDS)
        update = _parse_update(await request.body(), telegram)
        processor: ChatOrderedProcessor = request.app.state.processor
        if not processor.admits(update, telegram.update_queue.qsize()):
            raise service_unavailable("Antrean pembaruan penuh.", RETRY_AFTER_SECONDS)
        storage: Storage = request.app.state.storage
        try:
            first = await anyio.to_thread.run_sync(storage.first_time, update.update_id, time.time())
        except StorageError:
            raise service_unavailable("Basis data tidak dapat dipakai.", RETRY_AFTER_SECONDS) from None
        if first:
            await telegram.update_queue.put(update)
        return Response(status_code=200)


def _parse_update(body: bytes, telegram: Application):
    """An Update from a webhook body, or 400: not JSON, not UTF-8, not an object, an `update_id` that is
    not a whole number in range ("abc", 1.5, 10**23, true), or a shape python-telegram-bot refuses."""
    from telegram import Update

    invalid = HTTPException(status_code=400, detail="Update Telegram tidak valid.")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise invalid from None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if type(update_id) is not int or not 0 <= update_id <= MAX_UPDATE_ID:
        raise invalid
    try:
        update = Update.de_json(data, telegram.bot)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise invalid from None
    if update is None:
        raise invalid
    return update
