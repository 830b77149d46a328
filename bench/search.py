"""Search index benchmark: `.venv/bin/python -m bench.search [--data-dir DIR] [--rounds N]`.

Reports, beside each target (2 cores):
1. a full index build (guidance + region cards of the results) into an empty folder;
2. the rebuild after one guidance document changed (only its changed chunks are embedded again);
3. index load time with the model already loaded (as the bot loads it: model once, index on reload);
4. search latency p50/p95 over the evaluation questions (main and held-out sets), after a warm-up;
5. retrieval quality on both question sets — recall@1, recall@5 and MRR of the dense side alone, BM25
   alone and the hybrid in use (the figures of the README's retrieval table; CI gates them in
   tests/indexing/test_retrieval_eval.py).

Model loading is timed separately and excluded from 1–3. The data folder (default: settings.data_dir)
gets sample data and results like `ihai run` prepares them when missing. A missed target is reported,
never raised: the exit code is non-zero only when a step fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

TARGET_BUILD_SECONDS = 60.0
TARGET_REBUILD_SECONDS = 5.0
TARGET_LOAD_SECONDS = 3.0
TARGET_P50_MS = 20.0
TARGET_P95_MS = 40.0
EVAL_DIR = Path(__file__).resolve().parents[1] / "tests" / "indexing"
QUESTION_FILES = ("eval_questions.jsonl", "eval_questions_holdout.jsonl")
CHANGED_DOC = "kategori-harmoni"
WARM_UP = 5
LOADS = 5

T = TypeVar("T")


def timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def line(label: str, value: str, target: str = "", verdict: str = "") -> None:
    print(f"  {label:<56} {value:>10}  {target:<8} {verdict}")


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def prepare_results(settings) -> bool:
    """Sample data and results as `ihai run` makes them; the index is built by the benchmark itself."""
    from ihai.run import prepare_steps, run_subcommand

    for step in prepare_steps(settings):
        if step[0] != "index" and run_subcommand(settings, step):
            print(f"Step failed: ihai {' '.join(step)}", file=sys.stderr)
            return False
    return True


def change_one_document(guidance_dir: Path) -> None:
    path = guidance_dir / f"{CHANGED_DOC}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Aturan pemakaian\n", "## Aturan pemakaian\nKalimat tambahan untuk benchmark.\n"))


def measure_builds(settings, embedder, work: Path) -> Path:
    from indexing.corpus import collect_corpus
    from indexing.store import build_index
    from knowledge.guidance import GUIDANCE_DIR

    guidance_dir = Path(shutil.copytree(GUIDANCE_DIR, work / "guidance"))
    index_dir = work / "index"
    corpus = collect_corpus(settings.results_dir, guidance_dir)
    report, seconds = timed(lambda: build_index(corpus.chunks, embedder, index_dir))
    line(
        f"full build ({report.chunks} chunks: {corpus.guidance_chunks} guidance, {corpus.region_chunks} cards)",
        f"{seconds:.1f} s",
        f"≤ {TARGET_BUILD_SECONDS:.0f} s",
        verdict(seconds, TARGET_BUILD_SECONDS),
    )
    change_one_document(guidance_dir)
    report, seconds = timed(lambda: build_index(collect_corpus(settings.results_dir, guidance_dir).chunks, embedder, index_dir))
    line(
        f"rebuild after one changed doc ({len(report.embedded)} re-embedded)",
        f"{seconds:.2f} s",
        f"≤ {TARGET_REBUILD_SECONDS:.0f} s",
        verdict(seconds, TARGET_REBUILD_SECONDS),
    )
    return index_dir


def measure_latency(index, questions: Sequence[str], rounds: int) -> list[float]:
    for query in questions[:WARM_UP]:
        index.search(query)
    timings = []
    for _ in range(rounds):
        for query in questions:
            _, seconds = timed(lambda q=query: index.search(q, k=5))
            timings.append(seconds * 1000)
    return timings


def report_quality(index) -> None:
    from indexing.evaluation import Evaluator, load_questions

    print(f"  {'retrieval quality':<24} {'mode':<8} {'recall@1':>9} {'recall@5':>9} {'MRR':>7}")
    for name, label in zip(QUESTION_FILES, ("main", "held-out"), strict=True):
        questions = load_questions(EVAL_DIR / name)
        for mode, m in Evaluator(index, questions).report().items():
            shown = f"{label} ({len(questions)} questions)" if mode == "dense" else ""
            print(f"  {shown:<24} {mode:<8} {m.recall_at_1:>9.3f} {m.recall_at_5:>9.3f} {m.mrr:>7.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="data folder (default: IHAI_DATA_DIR or data/)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the evaluation questions")
    args = parser.parse_args(argv)

    from core.config import Settings
    from indexing.dense import load_embedding_model
    from indexing.evaluation import load_questions
    from indexing.search import SearchIndex

    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    if not prepare_results(settings):
        return 1
    print(f"Search index benchmark — {os.cpu_count()} CPU, results {settings.results_dir.resolve()}")
    embedder, seconds = timed(lambda: load_embedding_model(settings.embedding_model))
    line(f"model load ({settings.embedding_model}, not counted below)", f"{seconds:.1f} s")
    with tempfile.TemporaryDirectory(prefix="ihai-bench-") as work:
        index_dir = measure_builds(settings, embedder, Path(work))
        loads = [timed(lambda: SearchIndex.load(index_dir, embedder))[1] for _ in range(LOADS)]
        load = statistics.median(loads)
        line(f"index load, model loaded (median of {LOADS})", f"{load:.3f} s", f"≤ {TARGET_LOAD_SECONDS:.0f} s", verdict(load, TARGET_LOAD_SECONDS))
        index = SearchIndex.load(index_dir, embedder)
        questions = [q.text for name in QUESTION_FILES for q in load_questions(EVAL_DIR / name)]
        timings = measure_latency(index, questions, args.rounds)
        p50, p95 = statistics.median(timings), percentile(timings, 0.95)
        label = f"search p50 ({len(questions)} questions × {args.rounds})"
        line(label, f"{p50:.2f} ms", f"≤ {TARGET_P50_MS:.0f} ms", verdict(p50, TARGET_P50_MS))
        line("search p95", f"{p95:.2f} ms", f"≤ {TARGET_P95_MS:.0f} ms", verdict(p95, TARGET_P95_MS))
        report_quality(index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
