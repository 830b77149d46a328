"""Retrieval quality on the evaluation questions: dense only, BM25 only and the hybrid in use.

The report is printed (pytest -s, or on failure) and saved next to the session's temporary files. The
test fails when the hybrid's recall@5 drops below 0.90 on the main question set; the held-out set,
written after the analyser was tuned, is reported alongside.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexing.evaluation import Evaluator, format_report, load_questions
from indexing.search import SearchIndex

HERE = Path(__file__).parent
MAIN = HERE / "eval_questions.jsonl"
HOLDOUT = HERE / "eval_questions_holdout.jsonl"
MIN_HYBRID_RECALL_AT_5 = 0.90
MIN_QUESTIONS = 120


def test_question_set_is_large_and_points_at_real_documents(search_index: SearchIndex) -> None:
    questions = load_questions(MAIN)
    assert len(questions) >= MIN_QUESTIONS
    assert {"formal", "informal", "typo"} <= {q.style for q in questions}
    known = {c.doc_id for c in search_index.chunks}
    unknown = sorted({doc for q in [*questions, *load_questions(HOLDOUT)] for doc in q.relevant} - known)
    assert not unknown, f"relevant ids missing from the index: {unknown}"


def test_retrieval_quality(search_index: SearchIndex, tmp_path_factory: pytest.TempPathFactory) -> None:
    sections = []
    reports = {}
    for path in (MAIN, HOLDOUT):
        questions = load_questions(path)
        reports[path] = Evaluator(search_index, questions).report()
        sections.append(f"== {path.name}\n" + format_report(reports[path], len(questions)))
    text = "\n\n".join(sections)
    out = tmp_path_factory.mktemp("reports") / "retrieval_eval.txt"
    out.write_text(text + "\n", encoding="utf-8")
    print(f"\n{text}\n(report saved to {out})")
    assert reports[MAIN]["hybrid"].recall_at_5 >= MIN_HYBRID_RECALL_AT_5, text
