"""Ordinary words, chat forms included, are never taken for misspelt region names; region names stay names."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from core.text import fold
from core.vocabulary import _BOUND_PREFIXES, _MIN_BOUND_REST, is_common_word, is_standard_word

REGIONS = Path(__file__).resolve().parents[2] / "core" / "regions.csv"


@pytest.mark.parametrize(
    "word",
    ["tinggal", "respondennya", "ngangkat", "ngecek", "nyari", "naikin", "ngumpulin", "ngomongin", "duluan",
     "ngisi", "bandingin", "gimana", "jejerin", "antarkampung", "pascakonflik", "nonmuslim", "multietnis"],
)  # fmt: skip
def test_ordinary_and_chat_words_are_common(word: str) -> None:
    assert is_common_word(word)


@pytest.mark.parametrize("word", ["ngada", "ngawi", "sleman", "banjarbaru", "xqzt", "12"])
def test_names_and_non_words_are_not(word: str) -> None:
    assert not is_common_word(word)


def test_chat_affixes_make_no_region_word_common() -> None:
    """A word of a region name that is common only through a chat affix would never be looked up fuzzily."""
    with REGIONS.open(encoding="utf-8") as f:
        words = {word for row in csv.DictReader(f) for word in fold(row["name"]).split()}
    assert [word for word in words if is_common_word(word) and not is_standard_word(word)] == []


def test_bound_forms_make_no_region_word_common() -> None:
    """ "antarkampung" is ordinary through its bound form; no word of a region's name reads that way."""
    with REGIONS.open(encoding="utf-8") as f:
        words = {word for row in csv.DictReader(f) for word in fold(row["name"]).split()}
    bound = [
        word for word in words for prefix in _BOUND_PREFIXES
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_BOUND_REST and is_standard_word(word[len(prefix):])
    ]  # fmt: skip
    assert bound == []
