"""The `ihai` command, the composition root: the only module that reads the settings; each package
registers its own subcommands and receives the settings from here.

Every handler returns an exit code. Errors a user can fix (a bad input file, a missing index, an
inconsistent methodology) end with a one-paragraph message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot import commands as bot_commands
from bot import log_commands
from core.config import Settings, get_settings
from ihai import run as run_command
from indexing import cli as indexing_cli
from reports import cli as reports_cli
from scoring import cli as scoring_cli

EXIT_USER_ERROR = 2


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ihai",
        description="Indeks Harmoni Indonesia: hitung indeks dari data e-survei dan jawab pertanyaan tentangnya.",
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")
    scoring_cli.register(subcommands, settings)
    indexing_cli.register(subcommands, settings, after_build=(_build_intent_model,))
    reports_cli.register(subcommands, settings)
    bot_commands.register(subcommands, settings)
    log_commands.register(subcommands, settings)
    run_command.register(subcommands, settings)
    return parser


def _build_intent_model(settings: Settings) -> None:
    # Imported when needed, so that `ihai --help` does not load the classifier's libraries.
    from bot.engine.factory import build_intent_model

    build_intent_model(settings)


def _user_errors() -> tuple[type[Exception], ...]:
    # Imported here so that `ihai --help` stays fast and each package keeps its own error type.
    from bot.storage import StorageError
    from indexing.store import IndexNotReady
    from knowledge.guidance import GuidanceError
    from scoring.ingest import InputFileError
    from scoring.methodology import MethodologyError
    from scoring.results import ResultsError

    return (IndexNotReady, GuidanceError, InputFileError, MethodologyError, ResultsError, StorageError)


def main(argv: Sequence[str] | None = None) -> int:
    settings = get_settings()
    args = build_parser(settings).parse_args(argv)
    try:
        return int(args.handler(args, settings))
    except _user_errors() as error:
        print(f"Galat: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
