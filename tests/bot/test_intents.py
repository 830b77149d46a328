"""The intent registry, button payloads and the gap plan: declared once, round-tripped, sound."""

from __future__ import annotations

import importlib
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.engine.compose.gap import water_fill
from bot.engine.engine import composers
from bot.engine.intents import Intent, asked_intents, registry
from bot.engine.payloads import MAX_BYTES, Payload, encode, parse_payload
from core.constants import FORUMS


def test_the_registry_and_the_enum_agree_and_every_composer_exists() -> None:
    specs = registry()
    assert set(specs) == set(Intent)
    table = composers()
    for intent, spec in specs.items():
        if spec.composer != "-":
            module = importlib.import_module(f"bot.engine.compose.{spec.composer}")
            assert table[intent] is module.COMPOSERS[intent]
    assert Intent.LANJUTAN in asked_intents() and Intent.PILIH_MAKSUD not in asked_intents()


def test_no_engine_module_is_over_400_lines() -> None:
    """The engine stays readable in one pass per module (issue 8): a module that grows past this is split."""
    engine_dir = Path(importlib.import_module("bot.engine").__file__).parent
    sizes = {path.relative_to(engine_dir).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in engine_dir.rglob("*.py")}  # fmt: skip
    assert len(sizes) > 20 and {name: lines for name, lines in sizes.items() if lines > 400} == {}


codes = st.sampled_from(["63.03", "63", "00", "32.79", "91.71", "34.04"])
payloads = st.builds(
    Payload,
    intent=st.sampled_from(list(Intent)),
    regions=st.lists(codes, max_size=4, unique=True).map(tuple),
    forums=st.lists(st.sampled_from(FORUMS), max_size=3, unique=True).map(tuple),
    dimension=st.sampled_from([None, "ekonomi", "keberagamaan"]),
    variable=st.sampled_from([None, "v7", "x10"]),
    n=st.one_of(st.none(), st.integers(1, 30)),
    order=st.sampled_from([None, "top", "bottom", "both"]),
    scope=st.sampled_from([None, "", "provinsi", "63"]),
)


@given(payloads)
def test_payloads_fit_telegram_and_keep_what_they_carry(payload: Payload) -> None:
    text = encode(payload)
    assert len(text.encode()) <= MAX_BYTES
    parsed = parse_payload(text)
    assert parsed is not None and parsed.intent == payload.intent and parsed.scope == payload.scope
    # What is kept is kept exactly; only the least needed slots may be left out to fit.
    assert parsed.regions == payload.regions[: len(parsed.regions)] and parsed.regions[:1] == payload.regions[:1]
    assert parsed.forums in ((), payload.forums)


scores = st.dictionaries(st.sampled_from([f"v{i}" for i in range(1, 9)]), st.floats(0, 10), min_size=8, max_size=8)


@given(scores, st.floats(0.01, 3))
def test_the_gap_plan_closes_the_gap_weakest_first_within_the_scale(scores: dict, gap: float) -> None:
    weights = {key: 1 / len(scores) for key in scores}
    level, plan = water_fill(scores, weights, gap, 10.0)
    if not plan:  # only when no raise within the scale can close the gap
        assert sum(weights[k] * (10.0 - v) for k, v in scores.items()) < gap + 1e-9
        return
    assert abs(sum(weights[key] * raise_by for key, raise_by in plan.items()) - gap) < 1e-9
    assert level <= 10.0 + 1e-9 and all(raise_by >= -1e-9 for raise_by in plan.values())
    # Weakest first: every variable left as it is already stands at or above the level the others reach.
    assert all(scores[key] >= level - 1e-9 for key in scores if key not in plan)
