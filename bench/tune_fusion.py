"""Choose the fusion weights by measurement: `.venv/bin/python -m bench.tune_fusion [--data-dir DIR]`.

Scores every (dense weight, RRF k) pair of a grid on the evaluation questions (BM25 weight fixed at 1:
only the ratio matters for ranking), prints recall@1, recall@5 and MRR for each, and runs a two-fold
check — choose on the even-numbered questions, score on the odd ones and the reverse — so that the
chosen setting is not just the one that happens to fit these questions best. The data folder is
prepared like `ihai run` does (sample, scoring, index) when something is missing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "indexing" / "eval_questions.jsonl"
DENSE_WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0)
RRF_KS = (1.0, 5.0, 10.0, 20.0, 30.0, 60.0, 100.0)


def rank_key(metrics) -> tuple[float, float, float]:
    """Best first: recall@1 (the bot quotes the first hit), then MRR, then recall@5."""
    return (metrics.recall_at_1, metrics.mrr, metrics.recall_at_5)


def grid(evaluator) -> dict:
    from indexing.hybrid import Fusion

    return {
        (w, k): evaluator.metrics(Fusion(dense_weight=w, lexical_weight=1.0, k=k)) for w in DENSE_WEIGHTS for k in RRF_KS
    }


def print_grid(results: dict) -> None:
    print(f"{'dense w':>8} {'k':>6} {'recall@1':>9} {'recall@5':>9} {'MRR':>7}")
    for (w, k), m in sorted(results.items()):
        print(f"{w:>8.2f} {k:>6.0f} {m.recall_at_1:>9.3f} {m.recall_at_5:>9.3f} {m.mrr:>7.3f}")


def two_fold(index, questions: Sequence) -> None:
    from indexing.evaluation import Evaluator

    halves = (questions[0::2], questions[1::2])
    evaluators = [Evaluator(index, half) for half in halves]
    for name, (tune, held_out) in (("even→odd", (0, 1)), ("odd→even", (1, 0))):
        tuned = grid(evaluators[tune])
        best = max(tuned, key=lambda key: rank_key(tuned[key]))
        held = grid(evaluators[held_out])
        m, bm25 = held[best], held[(0.0, best[1])]
        print(
            f"{name}: chose dense w {best[0]:.2f}, k {best[1]:.0f}; held-out recall@5 {m.recall_at_5:.3f}, "
            f"MRR {m.mrr:.3f} (BM25 alone: recall@5 {bm25.recall_at_5:.3f}, MRR {bm25.mrr:.3f})"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="data folder (default: IHAI_DATA_DIR or data/)")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    args = parser.parse_args(argv)

    from core.config import Settings
    from ihai.run import prepare_steps, run_subcommand
    from indexing.dense import load_embedding_model
    from indexing.evaluation import Evaluator, format_report, load_questions
    from indexing.hybrid import FUSION
    from indexing.search import SearchIndex

    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    for step in prepare_steps(settings):
        if run_subcommand(settings, step):
            print(f"Step failed: ihai {' '.join(step)}", file=sys.stderr)
            return 1
    index = SearchIndex.load(settings.index_dir, load_embedding_model(settings.embedding_model))
    questions = load_questions(args.questions)
    evaluator = Evaluator(index, questions)

    print(f"Fusion grid on {len(questions)} questions ({args.questions.name}), index {settings.index_dir}")
    results = grid(evaluator)
    print_grid(results)
    best = max(results, key=lambda key: rank_key(results[key]))
    print(f"\nBest on all questions: dense w {best[0]:.2f}, k {best[1]:.0f}")
    two_fold(index, questions)
    print(f"\nIn use (indexing.hybrid.FUSION): dense w {FUSION.dense_weight}, k {FUSION.k:.0f}\n")
    print(format_report(evaluator.report(), len(questions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
