"""The paraphrase generator: its committed output is what it writes, and its made-up places are no regions."""

from __future__ import annotations

import json
import random

from bot.engine.resolve import ACCEPT_SCORE
from bot.engine.training.paraphrases import OUTPUT, SEED, _unknown_names, generate
from core.gazetteer import get_gazetteer


def test_the_committed_paraphrases_are_the_generators_output() -> None:
    committed = [json.loads(line) for line in OUTPUT.read_text(encoding="utf-8").splitlines()]
    assert committed == [{"text": text, "intent": intent.value} for text, intent in generate(SEED)]


def test_made_up_places_are_named_as_regions_and_are_none() -> None:
    gazetteer = get_gazetteer()
    names = _unknown_names(random.Random(SEED), gazetteer)
    assert len(set(names)) > 150
    for name in names:
        kind, _, rest = name.partition(" ")
        assert kind.lower() in ("kab", "kabupaten", "kota")
        assert not gazetteer.lookup(rest) and not gazetteer.lookup(name)
        assert all(score < ACCEPT_SCORE for _, score in gazetteer.suggest(rest, limit=1))
    texts = OUTPUT.read_text(encoding="utf-8")
    assert sum(name in texts for name in names) > 100  # the classifier does learn from them
