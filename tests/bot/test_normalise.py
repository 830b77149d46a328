"""The canonical form of a message: chat spellings and English read as the Indonesian words the rules know."""

from __future__ import annotations

import pytest

from bot.engine import lexicon
from bot.engine.normalise import normalise


@pytest.mark.parametrize("group", lexicon.WORD_GROUPS, ids=lambda group: str(group[0]))
def test_every_phrase_of_a_word_group_is_found_as_messages_are_normalised(group: tuple[str, ...]) -> None:
    # A phrase that normalisation rewrites ("biggest rise", "kab kota") could never be found in a message.
    found = lexicon.pattern(group)
    assert [phrase for phrase in group if not found.search(normalise(phrase.rstrip("*")))] == []


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("How many regencies were measured in Bali?", "berapa kabupaten terukur di bali"),
        ("Which cities in Banten fall in the Sedang band?", "kota mana di banten masuk kategori sedang"),
        ("what can you do?", "bisa bantu apa"),
        ("anybody there?", "ada orang"),
        ("How far is Tapin from the next category?", "bagaimana far tapin dari kategori berikutnya"),
        ("Which regencies improved the most?", "kabupaten mana naik paling"),
        ("And which regencies there are the bottom five?", "dan kabupaten mana di sana bottom lima"),
        ("Tell me more about the last one on that list.", "tampilkan more about yang terakhir daftar"),
        # Indonesian stays as it was.
        ("top 5 kab di jateng", "top 5 kabupaten di jateng"),
        ("laporan ihai kab tapin", "laporan ihai kabupaten tapin"),
    ],
)  # fmt: skip
def test_english_reads_as_the_indonesian_words_the_rules_know(text: str, read: str) -> None:
    assert normalise(text) == read
