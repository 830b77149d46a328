"""Folding and number forms shared by the engine and the index."""

from __future__ import annotations

import pytest

from core.text import fold, join_thousands


def test_fold_drops_case_and_accents() -> None:
    assert fold("Bélitung TIMUR") == "belitung timur"


@pytest.mark.parametrize(
    ("typed", "joined"),
    [("1.250 responden", "1250 responden"), ("Rp 2.500.000", "Rp 2500000"), ("kode 63.03", "kode 63.03"),
     ("skor 7.5", "skor 7.5"), ("pasal 1. tentukan", "pasal 1. tentukan")],
)  # fmt: skip
def test_thousands_separators_make_one_number(typed: str, joined: str) -> None:
    assert join_thousands(typed) == joined
