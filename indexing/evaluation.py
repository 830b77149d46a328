"""Retrieval evaluation on a question set with known relevant documents.

recall@k: share of questions with at least one relevant document among the first k hits (hits are
one per document). MRR: mean of 1 / rank of the first relevant document within the first `DEPTH`
hits (0 when none). The rankings of a question are computed once and fused per setting, so a grid
of fusion settings costs one embedding per question.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from indexing.hybrid import DENSE_ONLY, FUSION, LEXICAL_ONLY, Fusion
from indexing.search import Rankings, SearchIndex

DEPTH = 10
MODES: dict[str, Fusion] = {"dense": DENSE_ONLY, "bm25": LEXICAL_ONLY, "hybrid": FUSION}


@dataclass(frozen=True)
class Question:
    text: str
    relevant: frozenset[str]
    style: str


@dataclass(frozen=True)
class Metrics:
    recall_at_1: float
    recall_at_5: float
    mrr: float
    misses_at_5: tuple[str, ...]


def load_questions(path: Path) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            questions.append(Question(item["q"], frozenset(item["relevant"]), item.get("style", "")))
    return questions


def first_relevant_rank(doc_ids: Sequence[str], relevant: frozenset[str]) -> int | None:
    return next((rank for rank, doc_id in enumerate(doc_ids, 1) if doc_id in relevant), None)


def score(ranked_docs: Iterable[tuple[Question, Sequence[str]]]) -> Metrics:
    ranks = [(question, first_relevant_rank(docs, question.relevant)) for question, docs in ranked_docs]
    n = len(ranks)
    return Metrics(
        recall_at_1=sum(rank == 1 for _, rank in ranks) / n,
        recall_at_5=sum(rank is not None and rank <= 5 for _, rank in ranks) / n,
        mrr=sum(1 / rank for _, rank in ranks if rank is not None) / n,
        misses_at_5=tuple(q.text for q, rank in ranks if rank is None or rank > 5),
    )


class Evaluator:
    """Holds each question's rankings so that many fusion settings can be scored cheaply."""

    def __init__(self, index: SearchIndex, questions: Sequence[Question]) -> None:
        self.index = index
        self.questions = list(questions)
        self.rankings: list[Rankings] = [index.rankings(q.text) for q in self.questions]

    def ranked_docs(self, fusion: Fusion) -> list[Sequence[str]]:
        return [[hit.doc_id for hit in self.index.hits(r, DEPTH, fusion)] for r in self.rankings]

    def metrics(self, fusion: Fusion) -> Metrics:
        return score(zip(self.questions, self.ranked_docs(fusion), strict=True))

    def report(self, modes: dict[str, Fusion] = MODES) -> dict[str, Metrics]:
        return {name: self.metrics(fusion) for name, fusion in modes.items()}


def format_report(report: dict[str, Metrics], questions: int) -> str:
    lines = [f"Retrieval evaluation, {questions} questions (doc level, one hit per document)", ""]
    lines.append(f"{'mode':<8} {'recall@1':>9} {'recall@5':>9} {'MRR':>7}")
    for name, m in report.items():
        lines.append(f"{name:<8} {m.recall_at_1:>9.3f} {m.recall_at_5:>9.3f} {m.mrr:>7.3f}")
    for name, m in report.items():
        if m.misses_at_5:
            lines += ["", f"{name}: not in top 5 ({len(m.misses_at_5)})", *(f"  - {q}" for q in m.misses_at_5)]
    return "\n".join(lines)
