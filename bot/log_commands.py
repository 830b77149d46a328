"""`ihai log review` and `ihai log import`: the query log's questions back to a help desk, and its labels
back into the training data (see `bot.learning`)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.config import Settings

EXIT_USER_ERROR = 2
DEFAULT_DAYS = 30


def register(subcommands: argparse._SubParsersAction, settings: Settings) -> None:
    log = subcommands.add_parser("log", help="tinjau pertanyaan yang belum dipahami dan tambahkan labelnya")
    actions = log.add_subparsers(dest="log_command", required=True, metavar="AKSI")
    review = actions.add_parser("review", help="ekspor pertanyaan yang jatuh ke jawaban cadangan atau kurang yakin (CSV)")
    review.add_argument("--since", help=f"tanggal awal YYYY-MM-DD (bawaan: {DEFAULT_DAYS} hari terakhir)")
    review.add_argument("--out", type=Path, default=Path("tinjauan-pertanyaan.csv"), help="berkas CSV tujuan")
    review.set_defaults(handler=run_review)
    labels = actions.add_parser("import", help="tambahkan baris berlabel ke data latih (dipakai pada ihai index build)")
    labels.add_argument("file", type=Path, help="CSV hasil ihai log review dengan kolom label terisi")
    labels.set_defaults(handler=run_import)


def run_review(args: argparse.Namespace, settings: Settings) -> int:
    from bot.engine.factory import build_understander
    from bot.learning import LOCAL_ZONE, review_rows, write_review
    from bot.querylog import QueryLog

    try:
        since = (
            datetime.strptime(args.since, "%Y-%m-%d").replace(tzinfo=LOCAL_ZONE)
            if args.since
            else datetime.now(LOCAL_ZONE) - timedelta(days=DEFAULT_DAYS)
        )
    except ValueError:
        print(f"Galat: tanggal '{args.since}' tidak sah; tulis YYYY-MM-DD, mis. 2026-11-01.", file=sys.stderr)
        return EXIT_USER_ERROR
    if args.out.is_dir():
        print(f"Galat: {args.out} adalah folder; beri nama berkas CSV.", file=sys.stderr)
        return EXIT_USER_ERROR
    querylog = QueryLog.from_settings(settings)
    try:
        questions = querylog.questions(since.timestamp())
    finally:
        querylog.close()
    rows = review_rows(questions, build_understander(settings))
    write_review(rows, args.out)
    print(f"{len(rows)} pertanyaan untuk ditinjau (dari {len(questions)} sejak {since:%Y-%m-%d}) → {args.out}")
    print("Isi kolom 'label' dengan maksud yang benar, lalu jalankan: ihai log import " + str(args.out))
    return 0


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.learning import LabelError, import_labels, read_labels

    try:
        labelled = read_labels(args.file)
    except LabelError as error:
        print(f"Galat: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    added, known = import_labels(labelled, settings.data_dir)
    print(f"{added} pertanyaan berlabel ditambahkan ke data latih ({known} sudah ada). "
          "Model maksud dilatih ulang pada ihai index build berikutnya.")  # fmt: skip
    return 0
