"""The HTTP channel: a FastAPI app with the JSON API, the help-desk page and the Telegram webhook.

The lifespan builds the engine once (unless one is given, as in tests) and, when a Telegram
`Application` is given, starts it beside the server: with a webhook URL configured Telegram posts
updates to `/telegram/webhook`, otherwise the bot polls in the same event loop.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import anyio
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from bot.assistant import Assistant, chart_url
from bot.engine.model import Answer, ChartRequest
from bot.querylog import QueryLog, ask_logged
from core.config import Settings

if TYPE_CHECKING:
    from telegram.ext import Application

WEB_DIR = Path(__file__).with_name("web")
CHANNEL = "api"
WEBHOOK_PATH = "/telegram/webhook"
# Questions from HTTP run on at most this many threads. The engine is CPU-bound and holds the GIL for
# figure answers, so more threads than cores only queue on the GIL (with FastAPI's 40-thread pool,
# throughput fell as concurrency rose); two let an embedding (torch releases the GIL) overlap with a
# figure answer.
ENGINE_THREADS = 2
_TAG = re.compile(r"<[^<>]*>")


# --- Response models (they are also the OpenAPI documentation at /docs) ------------------------


class AskRequest(BaseModel):
    text: str = Field(min_length=1, max_length=1000, examples=["Berapa IHaI Kota Banjarbaru?"])
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
    telegram: str = Field(description="off | webhook | polling")


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
    settings: Settings, assistant: Assistant | None = None, telegram: Application | None = None
) -> FastAPI:
    """The app. `assistant` None: the engine is built in the lifespan. `telegram`: a bot from
    `bot.telegram.build_application`, started and stopped with the server (webhook mode when
    settings.telegram_webhook_url is set)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # In a worker thread: loading results, index and the embedding model takes seconds.
        app.state.assistant = assistant or await asyncio.to_thread(Assistant.build, settings)
        app.state.querylog = QueryLog.from_settings(settings)
        try:
            if telegram is not None:
                await _start_telegram(app, settings, telegram)
            yield
        finally:
            if telegram is not None:
                await _stop_telegram(app, telegram)
            app.state.querylog.close()

    app = FastAPI(
        title="Asisten IHaI",
        description="Tanya jawab Indeks Harmoni Indonesia: skor, arti, peringkat, dan saran tindak lanjut.",
        version="1.0",
        lifespan=lifespan,
    )
    app.state.assistant = assistant
    app.state.engine_slots = anyio.CapacityLimiter(ENGINE_THREADS)
    app.state.telegram = None
    app.state.telegram_mode = "off"
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    _add_routes(app)
    return app


async def _start_telegram(app: FastAPI, settings: Settings, telegram: Application) -> None:
    from telegram import Update

    from bot.telegram import SeenUpdates, attach, publish_menu

    attach(telegram, settings, app.state.assistant, app.state.querylog)
    await telegram.initialize()
    await publish_menu(telegram)
    if settings.telegram_webhook_url:
        # A configured secret, or a fresh random one: Telegram echoes it in a header on every delivery.
        secret = settings.telegram_webhook_secret
        app.state.webhook_secret = secret.get_secret_value() if secret else secrets.token_urlsafe(32)
        app.state.seen_updates = SeenUpdates(settings.database_path)
        await telegram.bot.set_webhook(
            url=settings.telegram_webhook_url.rstrip("/") + WEBHOOK_PATH,
            secret_token=app.state.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        app.state.telegram_mode = "webhook"
    else:
        await telegram.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        app.state.telegram_mode = "polling"
    await telegram.start()
    app.state.telegram = telegram


async def _stop_telegram(app: FastAPI, telegram: Application) -> None:
    app.state.telegram = None
    if telegram.updater is not None and telegram.updater.running:
        await telegram.updater.stop()
    if telegram.running:
        await telegram.stop()
    await telegram.shutdown()
    if (seen := getattr(app.state, "seen_updates", None)) is not None:
        seen.close()


def _add_routes(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html")

    @app.get("/healthz", response_model=Health, tags=["layanan"])
    async def health(request: Request) -> Health:
        assistant: Assistant | None = request.app.state.assistant
        return Health(
            ready=assistant is not None,
            synthetic=assistant is not None and assistant.synthetic,
            index_loaded=assistant is not None and assistant.index_loaded,
            telegram=request.app.state.telegram_mode,
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
    def region(code: str, assistant: AssistantDep) -> dict:
        found = assistant.region(code)
        if found is None:
            raise not_found(code)
        return found

    @app.get(
        "/v1/regions/{code}/chart.png",
        response_class=Response,
        responses={200: {"content": {"image/png": {}}}},
        tags=["wilayah"],
    )
    def region_chart(
        code: str,
        assistant: AssistantDep,
        kind: Annotated[str | None, Query(pattern="^(region_dimensions|province_ranking)$")] = None,
    ) -> Response:
        """The region's chart (kind omitted: the one its answers carry)."""
        found = assistant.region(code)
        if found is None:
            raise not_found(code)
        chart = ChartRequest(kind=kind, code=code) if kind else ChartRequest.default_for(found)
        try:
            png = assistant.chart_png(chart) if chart else None
        except ValueError:
            png = None
        if png is None:
            raise HTTPException(status_code=404, detail=f"Belum ada grafik untuk wilayah {code!r}.")
        # Figures change only when results are reloaded; a short cache spares re-rendering on a projector.
        return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=300"})

    @app.get("/v1/search", response_model=list[HitOut], tags=["asisten"])
    def search(
        assistant: AssistantDep,
        q: Annotated[str, Query(min_length=1, max_length=500)],
        k: Annotated[int, Query(ge=1, le=50)] = 5,
    ) -> list[dict]:
        return assistant.search(q, k)

    @app.post(WEBHOOK_PATH, include_in_schema=False)
    async def telegram_webhook(
        request: Request,
        secret: Annotated[str | None, Header(alias="X-Telegram-Bot-Api-Secret-Token")] = None,
    ) -> Response:
        """Only enqueue: Telegram wants a fast 200, and the Application answers from its own queue."""
        telegram = request.app.state.telegram
        expected = getattr(request.app.state, "webhook_secret", None)
        if (
            telegram is None
            or expected is None
            or secret is None
            or not hmac.compare_digest(secret.encode(), expected.encode())
        ):
            raise HTTPException(status_code=403, detail="Token rahasia webhook tidak valid.")
        from telegram import Update

        try:
            data = await request.json()
            update = Update.de_json(data, telegram.bot)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise HTTPException(status_code=400, detail="Update Telegram tidak valid.") from None
        if request.app.state.seen_updates.first_time(update.update_id):
            await telegram.update_queue.put(update)
        return Response(status_code=200)
