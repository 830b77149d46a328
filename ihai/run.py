"""`ihai run`, the main job: whatever is missing on a fresh clone is generated, then everything is served.

It chains the other packages' subcommands through the real parser, so this module sits at the top, beside
`ihai.cli`, the only place where packages are wired together.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.commands import serve
from core.config import Settings


def register(subcommands: argparse._SubParsersAction, settings: Settings) -> None:
    run = subcommands.add_parser(
        "run", help="siapkan data sampel, hasil dan indeks bila belum ada, lalu layani API, halaman dan bot"
    )
    run.set_defaults(handler=run_main)


def run_main(args: argparse.Namespace, settings: Settings) -> int:
    """`make run`: whatever is missing on a fresh clone is generated, then everything is served."""
    for step in prepare_steps(settings):
        code = run_subcommand(settings, step)
        if code:
            return code
    return serve(settings, with_bot=settings.telegram_bot_token is not None)


def prepare_steps(settings: Settings) -> list[list[str]]:
    """The subcommands that bring data, results and index up to date. Existing results are never
    re-scored from the sample: they may come from real survey data scored into the same folder."""
    from scoring.sample import sample_stem

    steps: list[list[str]] = []
    if needs_scoring(settings.results_dir):
        inputs = sample_inputs(settings)
        if not inputs:
            steps.append(["sample", "--out", str(settings.sample_dir)])
            inputs = [str(settings.sample_dir / f"{sample_stem('ihai-2025', settings.sample_seed)}.parquet")]
        steps.append(["score", *inputs, "--out", str(settings.results_dir)])
    # The index build itself skips what is already up to date.
    steps.append(["index", "build", "--results", str(settings.results_dir)])
    return steps


def needs_scoring(results_dir: Path) -> bool:
    """No results yet, or sample results this version can no longer read (say, its methodology file
    changed): both are (re)generated. Results of real survey data are never overwritten."""
    from scoring.results import MANIFEST_JSON, ResultsError, load_results

    manifest = results_dir / MANIFEST_JSON
    if not manifest.is_file():
        return True
    try:
        load_results(results_dir)
    except ResultsError:
        try:
            return json.loads(manifest.read_text(encoding="utf-8")).get("synthetic") is True
        except (OSError, ValueError, AttributeError):
            return False
    return False


def sample_inputs(settings: Settings) -> list[str]:
    """Sample exports already in the sample folder (each has a `.manifest.json` beside it)."""
    from scoring.results import SAMPLE_MANIFEST_SUFFIX

    if not settings.sample_dir.is_dir():
        return []
    found = []
    for manifest in sorted(settings.sample_dir.glob(f"*{SAMPLE_MANIFEST_SUFFIX}")):
        stem = manifest.name[: -len(SAMPLE_MANIFEST_SUFFIX)]
        found += [str(path) for path in sorted(settings.sample_dir.glob(f"{stem}.*")) if path != manifest]
    return found


def run_subcommand(settings: Settings, argv: list[str]) -> int:
    """Run another `ihai` subcommand through the real parser, so that its defaults and output are the
    ones a user typing it would get."""
    from ihai.cli import build_parser

    args = build_parser(settings).parse_args(argv)
    return int(args.handler(args, settings))


