"""`ihai index build` and `ihai search`: the indexing package's subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from core.numbers import number
from indexing.text import DEFAULT_STEMMER, STEMMERS

if TYPE_CHECKING:
    from core.config import Settings
    from indexing.search import Hit
    from indexing.store import BuildReport

EXIT_USER_ERROR = 2
# How many re-embedded chunk ids the build summary names before it only counts them.
LISTED_CHUNKS = 12


def register(
    subcommands: argparse._SubParsersAction,
    settings: Settings,
    after_build: Sequence[Callable[[Settings], None]] = (),
) -> None:
    """`after_build`: steps of higher packages to run once the index is built (the composition root
    passes the bot's intent model build), so that one command brings every built artefact up to date."""
    index = subcommands.add_parser("index", help="kelola indeks pencarian panduan dan kartu wilayah")
    actions = index.add_subparsers(dest="index_command", required=True, metavar="AKSI")
    build = actions.add_parser("build", help="bangun atau perbarui indeks (hanya potongan yang berubah di-embed ulang)")
    build.add_argument("--results", type=Path, default=settings.results_dir, help="folder hasil ihai score")
    build.add_argument("--index", type=Path, default=settings.index_dir, help="folder indeks")
    build.add_argument(
        "--stemmer",
        choices=sorted(STEMMERS),
        help=f"pemotong imbuhan untuk BM25 (bawaan: yang dipakai indeks lama, atau {DEFAULT_STEMMER})",
    )
    build.set_defaults(handler=run_build, after_build=tuple(after_build))

    search = subcommands.add_parser("search", help="cari di panduan dan kartu wilayah")
    search.add_argument("query", help="pertanyaan atau kata kunci")
    search.add_argument("-k", type=int, default=5, help="jumlah hasil (bawaan 5)")
    search.add_argument("--forum", help="FKUB, FPK atau FKDM")
    search.add_argument("--dimension", help="ekonomi, sosial, budaya atau keberagamaan")
    search.add_argument("--variable", help="kode variabel, mis. v7 atau x10")
    search.add_argument("--level", help="guidance, kabkota, provinsi atau nasional")
    search.add_argument("--province", dest="province_code", help="kode provinsi, mis. 63")
    search.add_argument("--index", type=Path, default=settings.index_dir, help="folder indeks")
    search.add_argument("--json", action="store_true", help="keluaran JSON (satu objek per hasil, dalam satu daftar)")
    search.set_defaults(handler=run_search)


def _user_error(message: str) -> int:
    print(f"Galat: {message}", file=sys.stderr)
    return EXIT_USER_ERROR


def run_build(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from indexing.corpus import collect_corpus, results_exist
    from indexing.dense import load_embedding_model
    from indexing.store import build_index, stored_stemmer

    console = Console(stderr=True)
    stemmer = args.stemmer or stored_stemmer(args.index) or DEFAULT_STEMMER
    if not results_exist(args.results):
        console.print(
            f"[yellow]Peringatan:[/] hasil IHaI belum ada di {args.results}; indeks hanya memuat panduan, "
            f"tanpa kartu wilayah. Jalankan ihai score lalu ulangi: ihai index build"
        )
    corpus = collect_corpus(args.results)
    with console.status(f"Memuat model embedding {settings.embedding_model}…"):
        embedder = load_embedding_model(settings.embedding_model)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("Embedding potongan yang berubah", total=None)
        report = build_index(
            corpus.chunks,
            embedder,
            args.index,
            stemmer=stemmer,
            on_embed_start=lambda n: progress.update(task, total=n),
            on_embedded=lambda n: progress.advance(task, n),
            extra_manifest=corpus.manifest_entry(),
        )
    console.print(_build_summary(report, corpus.guidance_chunks, corpus.region_chunks, args.index))
    for step in args.after_build:
        step(settings)
    return 0


def _build_summary(report: BuildReport, guidance: int, regions: int, index_dir: Path) -> str:
    lines = [
        f"Indeks di {index_dir}: {report.chunks} potongan ({guidance} bagian panduan, {regions} kartu wilayah), "
        f"{number(report.seconds, 1)} detik.",
        f"Di-embed ulang: {len(report.embedded)}; dipakai ulang dari indeks sebelumnya: {report.reused}.",
    ]
    lines += [f"  • {chunk_id}" for chunk_id in report.embedded[:LISTED_CHUNKS]]
    if len(report.embedded) > LISTED_CHUNKS:
        lines.append(f"  … dan {len(report.embedded) - LISTED_CHUNKS} lainnya")
    return "\n".join(lines)


def _filters(args: argparse.Namespace) -> dict[str, str]:
    names = ("forum", "dimension", "variable", "level", "province_code")
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    from indexing.hybrid import normalise_filters
    from indexing.search import SearchIndex

    if args.k < 1:
        return _user_error("-k harus bilangan bulat positif")
    filters = _filters(args)
    try:
        normalise_filters(filters)
    except ValueError as error:
        return _user_error(str(error))
    if not args.query.strip():
        return _user_error("pertanyaan kosong")
    index = SearchIndex.load(args.index, settings.embedding_model)
    hits = index.search(args.query, k=args.k, filters=filters)
    if args.json:
        print(json.dumps([asdict(hit) for hit in hits], ensure_ascii=False, indent=2))
    else:
        print(_format_hits(hits, args.query))
    return 0


def _format_hits(hits: list[Hit], query: str) -> str:
    if not hits:
        return f"Tidak ada hasil untuk: {query}"
    blocks = []
    for rank, hit in enumerate(hits, 1):
        excerpt = " ".join(hit.text.split())
        excerpt = excerpt if len(excerpt) <= 240 else excerpt[:239] + "…"
        blocks.append(f"{rank}. {hit.title}  [{hit.chunk_id}, skor {number(hit.score, 4)}]\n   {excerpt}")
    return "\n".join(blocks)
