"""Weighted reciprocal rank fusion of the dense and BM25 rankings, and metadata filters.

score(chunk) = Σ weight_r / (k + rank_r(chunk)), rank starting at 1; a chunk absent from a ranking
(BM25 found none of the query's words in it) gets nothing from that ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from knowledge.guidance import DIMENSIONS, FORUMS, VARIABLES


@dataclass(frozen=True)
class Fusion:
    dense_weight: float
    lexical_weight: float
    k: float


# Chosen with bench/tune_fusion.py on tests/indexing/eval_questions.jsonl (175 questions; guidance and
# the seed-2025 sample's region cards; Sastrawi; documents cut at 128 word pieces). recall@1 / @5 / MRR:
#   BM25 alone 0.960 / 0.994 / 0.976; dense alone 0.680 / 0.874 / 0.763;
#   this setting 0.966 / 0.994 / 0.979 (best recall@1 and MRR of the grid); dense 0.3, k 60: 0.903 / 0.994 / 0.940.
# On the 60 held-out questions (eval_questions_holdout.jsonl) this setting equals BM25 alone
# (0.917 / 0.983 / 0.950) while dense 0.3, k 60 falls to 0.683 / 0.983 / 0.817, and the two-fold check
# finds no setting that beats BM25 on unseen questions: the English all-MiniLM-L6-v2 adds nothing
# measurable in Indonesian (MIRACL-id nDCG@10: 0.093 against BM25's 0.449). It only breaks ties and
# orders the chunks BM25 finds no word of. Re-run the tuning when deploying a multilingual model.
FUSION = Fusion(dense_weight=0.05, lexical_weight=1.0, k=30.0)
DENSE_ONLY = Fusion(dense_weight=1.0, lexical_weight=0.0, k=FUSION.k)
LEXICAL_ONLY = Fusion(dense_weight=0.0, lexical_weight=1.0, k=FUSION.k)


def fuse(rankings: Sequence[tuple[float, np.ndarray]], size: int, k: float) -> np.ndarray:
    """Fused scores for `size` chunks from (weight, positions best-first) rankings."""
    scores = np.zeros(size, dtype=np.float64)
    for weight, ranked in rankings:
        if weight:
            scores[ranked] += weight / (k + np.arange(1, len(ranked) + 1))
    return scores


# Filter key → the chunk metadata field it matches. List fields match when they share a value with
# the filter; scalar fields when they equal one of the filter's values.
FILTER_FIELDS: dict[str, str] = {
    "forum": "forums",
    "dimension": "dimensions",
    "variable": "variables",
    "level": "level",
    "province_code": "province_code",
}
LEVELS = ("guidance", "kabkota", "provinsi", "nasional")
# Filters that already say which regions are wanted; with one of them the region gate stays open.
REGION_FILTERS = frozenset({"level", "province_code"})
# The values a filter may take (province codes are open: the gazetteer owns them).
ALLOWED_VALUES: dict[str, tuple[str, ...]] = {
    "forum": FORUMS,
    "dimension": DIMENSIONS,
    "variable": VARIABLES,
    "level": LEVELS,
}


def _values(key: str, value: Any) -> set[str]:
    raw = [value] if isinstance(value, str) else list(value)
    # Forums are upper case in the corpus (FKUB); everything else lower case or a code.
    values = {str(v).strip().upper() if key == "forum" else str(v).strip().lower() for v in raw}
    allowed = ALLOWED_VALUES.get(key)
    if allowed is not None and (bad := sorted(values - set(allowed))):
        raise ValueError(f"Nilai filter {key} tidak dikenal: {', '.join(bad)}. Yang sah: {', '.join(allowed)}")
    return values


def normalise_filters(filters: Mapping[str, Any] | None) -> dict[str, set[str]]:
    """Validated filters with None values dropped; unknown keys or values raise ValueError naming the valid ones."""
    unknown = sorted(set(filters or {}) - set(FILTER_FIELDS))
    if unknown:
        raise ValueError(f"Filter tidak dikenal: {', '.join(unknown)}. Yang tersedia: {', '.join(FILTER_FIELDS)}")
    return {key: _values(key, value) for key, value in (filters or {}).items() if value is not None}


def _matches(metadata: Mapping[str, Any], field: str, wanted: set[str]) -> bool:
    value = metadata.get(field)
    if isinstance(value, list | tuple):
        return bool(wanted & {str(v).upper() if field == "forums" else str(v).lower() for v in value})
    return value is not None and str(value).lower() in wanted


def filter_mask(metadata: Iterable[Mapping[str, Any]], filters: Mapping[str, Any] | None) -> np.ndarray | None:
    """Boolean mask of the chunks every filter accepts, or None when there is nothing to filter."""
    wanted = normalise_filters(filters)
    if not wanted:
        return None
    return np.array(
        [all(_matches(meta, FILTER_FIELDS[key], values) for key, values in wanted.items()) for meta in metadata],
        dtype=bool,
    )


class RegionGate:
    """Region cards compete only for queries that name their region (or its province).

    Hundreds of cards share one template, so without the gate they crowd guidance answers out of
    questions that name no region ("kategori harmoni sedang itu berapa"), and the dense model ranks
    their near-identical summaries above guidance for short questions. On the evaluation set the gate
    raised dense-only recall@5 from 0.817 to 0.851 and BM25's from 0.966 to 0.971 (before card BM25
    text was cut to the region names, see `Chunk.lexical_text`, which took BM25 to 0.994).
    """

    def __init__(self, size: int, names: dict[int, list[frozenset[str]]]) -> None:
        # names: chunk position -> token sets, any one of which fully present in a query opens it.
        self.size = size
        self._closed = np.ones(size, dtype=bool)
        self._closed[list(names)] = False
        # Each name under one of its tokens: a query opens only the cards filed under its own tokens, so a
        # question costs a look-up per word instead of a pass over every card.
        self._by_token: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for position, sets in names.items():
            for name in filter(None, sets):
                self._by_token.setdefault(min(name), []).append((position, name))

    def mask(self, query_tokens: Iterable[str]) -> np.ndarray:
        tokens = set(query_tokens)
        allowed = self._closed.copy()
        for token in tokens:
            for position, name in self._by_token.get(token, ()):
                if name <= tokens:
                    allowed[position] = True
        return allowed
