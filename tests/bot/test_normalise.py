"""The canonical form of a message: chat spellings and English read as the Indonesian words the rules know."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine import lexicon
from bot.engine.normalise import (
    _ENGLISH_CUES,
    _ENGLISH_PHRASES,
    _INDONESIAN_ORDER,
    _KABKOTA,
    _REDUPLICATION,
    _WORD,
    ENGLISH,
    PHRASES,
    SLANG,
    normalise,
)
from core.text import fold, join_thousands


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
        ("What is the main problem area of Kota Banjarbaru?", "apa paling lemah kota banjarbaru"),
        # Indonesian stays as it was.
        ("top 5 kab di jateng", "top 5 kabupaten di jateng"),
        ("laporan ihai kab tapin", "laporan ihai kabupaten tapin"),
    ],
)  # fmt: skip
def test_english_reads_as_the_indonesian_words_the_rules_know(text: str, read: str) -> None:
    assert normalise(text) == read


def _every_frame(text: str) -> str:
    """Normalisation with every English frame tried on every message, as before the cue words gated them."""
    folded = _REDUPLICATION.sub(r"\1 \1\2", _KABKOTA.sub(" kabkota ", join_thousands(fold(text))))
    joined = " ".join(SLANG.get(token, token) for token in _WORD.findall(folded))
    for pattern, token in _ENGLISH_PHRASES:
        joined = pattern.sub(token, joined)
    joined = " ".join(ENGLISH.get(token, token) for token in joined.split())
    for pattern, token in (*[(re.compile(rf"\b{p}\b"), t) for p, t in PHRASES], *_INDONESIAN_ORDER):
        joined = pattern.sub(token, joined)
    return " ".join(token for token in joined.split() if len(token) > 1 or token.isdigit())


# A word of each English frame, named here apart from the cue words the module derives from the frames.
_FRAME_WORDS = ("harmony", "what", "anybody", "distance", "next", "improved", "biggest", "dropped", "how", "there",
                "confidence", "early", "last", "first", "needs", "falls", "give", "please", "could", "should", "which",
                "list", "since", "central", "does")  # fmt: skip


@pytest.mark.parametrize("word", _FRAME_WORDS)
def test_a_frame_word_alone_among_indonesian_opens_the_frames(word: str) -> None:
    for text in (word, f"berapa {word} kab tapin", f"{word} index kota banjarbaru di kalimantan selatan"):
        assert normalise(text) == _every_frame(text)


_MIXED_WORDS = sorted(
    (_ENGLISH_CUES - {""}) | set(_FRAME_WORDS) | set(list(ENGLISH)[:60])
    | {"berapa", "ihai", "kab", "kota", "tapin", "kabupaten", "dan", "indeks", "harmoni", "tinggi", "kategori", "di"}
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_MIXED_WORDS), max_size=10))
def test_the_english_cue_gate_changes_no_reading(words: list[str]) -> None:
    # The frames run only on messages with one of their words: a speed-up that must never change a reading.
    text = " ".join(words)
    assert normalise(text) == _every_frame(text)
