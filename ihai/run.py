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
    """The subcommands that bring data, results and index up to date.

    With no results at all, the three sample rounds (2023, 2024, 2025) are written and scored, each into
    its own folder. Existing results are never re-scored from the sample, since they may come from real
    survey data, with one exception: a sample round this version can no longer read (say, its methodology
    file changed) is generated and scored again. Sample rounds are never added beside real results."""
    from scoring.results import MANIFEST_JSON
    from scoring.rounds import round_directories, round_directory
    from scoring.sample import ROUND_PLANS

    root = settings.results_dir
    if (root / MANIFEST_JSON).is_file() and needs_scoring(root):
        retire_root_sample(root)
    present = [year for year in ROUND_PLANS if (round_directory(root, year) / MANIFEST_JSON).is_file()]
    if present or (root / MANIFEST_JSON).is_file() or round_directories(root):
        stale = [year for year in present if needs_scoring(round_directory(root, year))]
    else:
        stale = list(ROUND_PLANS)
    steps: list[list[str]] = []
    for year in stale:
        steps += sample_round_steps(settings, year)
    # The index build itself skips what is already up to date.
    steps.append(["index", "build", "--results", str(settings.results_dir)])
    return steps


def sample_round_steps(settings: Settings, year: int) -> list[list[str]]:
    """Write the sample export of round `year` unless it is there, then score it into the round's folder."""
    from scoring.rounds import round_directory
    from scoring.sample import sample_stem

    export = settings.sample_dir / f"{sample_stem(year, settings.sample_seed)}.parquet"
    steps = [] if export.is_file() else [["sample", "--year", str(year), "--out", str(settings.sample_dir)]]
    out = round_directory(settings.results_dir, year)
    return [*steps, ["score", str(export), "--year", str(year), "--out", str(out)]]


def retire_root_sample(root: Path) -> None:
    """Sample results written straight into the results folder by a version before rounds, which this
    version cannot read: their files go, and the sample rounds are written into year folders instead."""
    from scoring.results import OUTPUT_FILES

    for name in OUTPUT_FILES:
        (root / name).unlink(missing_ok=True)


def needs_scoring(results_dir: Path) -> bool:
    """Sample results this version can no longer read are generated again. Results of real survey data are
    never overwritten."""
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


def run_subcommand(settings: Settings, argv: list[str]) -> int:
    """Run another `ihai` subcommand through the real parser, so that its defaults and output are the
    ones a user typing it would get."""
    from ihai.cli import build_parser

    args = build_parser(settings).parse_args(argv)
    return int(args.handler(args, settings))


