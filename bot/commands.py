"""`ihai ask`, `ihai serve` and `ihai telegram`: the assistant's subcommands (`ihai run` wires them in `ihai.run`)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:

    from core.config import Settings

EXIT_USER_ERROR = 2


def register(subcommands: argparse._SubParsersAction, settings: Settings) -> None:
    ask = subcommands.add_parser("ask", help="tanya asisten IHaI dari terminal")
    ask.add_argument("text", nargs="?", help="pertanyaan, mis. \"berapa IHaI Banjarbaru\"")
    ask.add_argument(
        "--jsonl",
        action="store_true",
        help='baca baris JSON {"session": …, "text": …} dari stdin, tulis satu jawaban JSON per baris',
    )
    ask.add_argument("--session", default="terminal", help="sesi percakapan (konteks tanya lanjutan)")
    ask.set_defaults(handler=run_ask)

    serve = subcommands.add_parser(
        "serve", help=f"API HTTP dan halaman layanan bantuan di {settings.host}:{settings.port}"
    )
    serve.set_defaults(handler=run_serve)

    telegram = subcommands.add_parser("telegram", help="jalankan bot Telegram (polling)")
    telegram.set_defaults(handler=run_telegram)



# --- ihai ask ----------------------------------------------------------------------------------


def run_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.jsonl == bool(args.text):
        print("Galat: beri satu pertanyaan, atau --jsonl untuk membaca dari stdin.", file=sys.stderr)
        return EXIT_USER_ERROR
    from bot.engine.factory import build_engine
    from bot.querylog import QueryLog
    from bot.storage import open_storage, storage_target

    storage = open_storage(storage_target(settings))
    try:
        # The engine alone: one question needs no reloads and no HTTP read methods.
        engine = build_engine(settings, storage)
        querylog = QueryLog.from_settings(settings, storage)
        if args.jsonl:
            for line in answer_lines(engine, querylog, sys.stdin):
                print(line, flush=True)
        else:
            print_answer(engine, querylog, args.text, args.session, sys.stdout)
    finally:
        storage.close()
    return 0


def print_answer(engine, querylog, text: str, session: str, out: TextIO) -> None:
    from bot.api import plain_text
    from bot.querylog import ask_logged

    answer = ask_logged(engine, querylog, channel="cli", asker=querylog.pseudonym("cli", session), text=text)
    print(plain_text(answer.text), file=out)
    if answer.document is not None:
        document = answer.document
        print(f"\nLaporan PDF: ihai report {document.code} --year {document.year} --out {document.filename}", file=out)
    if answer.choices:
        print("\nMaksud Anda: " + " | ".join(button.label for button in answer.choices), file=out)
    if answer.followups:
        print("\nTanya lanjut: " + " | ".join(button.label for button in answer.followups), file=out)


def answer_lines(engine, querylog, lines: Iterable[str]) -> Iterator[str]:
    """One JSON answer per non-blank input line; a line that cannot be used gives an error object in its
    place, so that output line N always belongs to input line N (blank lines aside)."""
    from bot.api import answer_payload
    from bot.querylog import ask_logged

    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict) or not isinstance(request.get("text"), str) or not request["text"].strip():
                raise ValueError('perlu objek JSON dengan "text" berisi pertanyaan')
            session = str(request.get("session", "jsonl"))
        except ValueError as error:
            yield json.dumps({"line": number, "error": f"baris tidak valid: {error}"}, ensure_ascii=False)
            continue
        asker = querylog.pseudonym("cli", session)
        try:
            answer = ask_logged(engine, querylog, channel="cli", asker=asker, text=request["text"])
        except Exception as error:  # one bad question must not end a batch of hundreds
            failure = {"line": number, "session": session, "error": f"gagal menjawab: {error}"}
            yield json.dumps(failure, ensure_ascii=False)
            continue
        yield json.dumps({"line": number, "session": session, **answer_payload(answer)}, ensure_ascii=False)


# --- ihai serve / telegram ---------------------------------------------------------------


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    # The webhook route lives in this server, so a webhook-mode bot comes along; polling is `ihai run`'s.
    return serve(settings, with_bot=bool(settings.telegram_bot_token and settings.telegram_webhook_url))


def run_telegram(args: argparse.Namespace, settings: Settings) -> int:
    if settings.telegram_bot_token is None:
        print("Galat: TELEGRAM_BOT_TOKEN belum diisi (lingkungan atau berkas .env).", file=sys.stderr)
        return EXIT_USER_ERROR
    from bot.storage import open_storage, storage_target
    from bot.telegram import run_polling

    storage = open_storage(storage_target(settings))
    try:
        return run_polling(settings, storage)
    finally:
        storage.close()


def serve(settings: Settings, with_bot: bool) -> int:
    """The HTTP server (and the bot when `with_bot`), on one storage shared by engine, log and bot."""
    import uvicorn

    from bot.api import WEBHOOK_SECRET_REQUIRED, create_app
    from bot.assistant import Assistant
    from bot.storage import open_storage, storage_target

    # Opened and built before the server starts, so that an unusable database or missing results end as
    # a one-line error with what to do (see ihai.cli) rather than as a failed application startup.
    storage = open_storage(storage_target(settings))
    try:
        webhook = with_bot and bool(settings.telegram_webhook_url)
        if webhook and settings.telegram_webhook_secret is None and not storage.claim_sole_webhook():
            print(f"Galat: {WEBHOOK_SECRET_REQUIRED}", file=sys.stderr)
            return EXIT_USER_ERROR
        assistant = Assistant.build(settings, storage)
        print(f"Asisten IHaI: http://{settings.host}:{settings.port}/ (API: /docs)", file=sys.stderr, flush=True)
        app = create_app(settings, assistant, bot=with_bot, storage=storage)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    finally:
        storage.close()
    return 0
