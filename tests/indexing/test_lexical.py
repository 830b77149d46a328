from __future__ import annotations

from indexing.lexical import LexicalIndex
from indexing.text import Analyzer


def test_a_term_in_most_chunks_weighs_less_than_a_rare_one() -> None:
    texts = ["skor ihai camat", "ihai desa lurah", "ihai bupati", "ihai gubernur", "wali kota"]
    weights = LexicalIndex.build(texts, Analyzer()).term_weights()
    assert weights["camat"] == 1.0  # in one chunk of five: log 5 > 1, capped
    assert 0 < weights["ihai"] < 0.3  # in four of five: log(5/4)
