"""The conversation set through the real engine (classifier, search index, sample results).

Two parts. The training part (`bot/engine/training/conversations.yaml`, which the classifier also learns
from) must pass case by case — intent, regions, every fact — except the section that leads a guidance
answer, which is scored over the part (section ranking is retrieval, judged as a rate). The held-out part
is fourteen sets, each written independently and never trained on: `conversations_heldout.yaml` (before the
engine was tuned; CI fails below 95% full-answer accuracy on it) and `conversations_heldout_2.yaml` to
`_14.yaml` (each by another writer who saw neither the engine nor the other sets; their first runs are the
honest figures, see the README; held just under their current figures so that a regression fails). The
questions two more writers wrote for training (`conversations_written.yaml`) are scored the same way, as a
training figure. Each is
scored — intent accuracy, region accuracy and full-answer accuracy (intent, regions and every fact checked
against the results file) — and printed at the end of the
run. A held-out question that fails stays in its set.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pytest

from bot.engine.engine import Engine
from bot.engine.normalise import normalise
from core.gazetteer import Region, get_gazetteer
from knowledge.forums import load_forum_map
from knowledge.guidance import load_guidance
from scoring.results import Results
from scoring.rounds import Rounds
from tests.bot.conversation_checks import (
    HELDOUT_2_FILE,
    HELDOUT_3_FILE,
    HELDOUT_4_FILE,
    HELDOUT_5_FILE,
    HELDOUT_6_FILE,
    HELDOUT_7_FILE,
    HELDOUT_8_FILE,
    HELDOUT_9_FILE,
    HELDOUT_10_FILE,
    HELDOUT_11_FILE,
    HELDOUT_12_FILE,
    HELDOUT_13_FILE,
    HELDOUT_14_FILE,
    HELDOUT_15_FILE,
    HELDOUT_16_FILE,
    HELDOUT_17_FILE,
    HELDOUT_18_FILE,
    HELDOUT_19_FILE,
    HELDOUT_20_FILE,
    HELDOUT_FILE,
    TRAINING_FILE,
    WRITTEN_FILE,
    Checker,
    Verdict,
    load_cases,
)

TRAINING = load_cases(TRAINING_FILE)
WRITTEN = load_cases(WRITTEN_FILE)
HELDOUT = load_cases(HELDOUT_FILE)
HELDOUT_2 = load_cases(HELDOUT_2_FILE)
HELDOUT_3 = load_cases(HELDOUT_3_FILE)
HELDOUT_4 = load_cases(HELDOUT_4_FILE)
HELDOUT_5 = load_cases(HELDOUT_5_FILE)
HELDOUT_6 = load_cases(HELDOUT_6_FILE)
HELDOUT_7 = load_cases(HELDOUT_7_FILE)
HELDOUT_8 = load_cases(HELDOUT_8_FILE)
HELDOUT_9 = load_cases(HELDOUT_9_FILE)
HELDOUT_10 = load_cases(HELDOUT_10_FILE)
HELDOUT_11 = load_cases(HELDOUT_11_FILE)
HELDOUT_12 = load_cases(HELDOUT_12_FILE)
HELDOUT_13 = load_cases(HELDOUT_13_FILE)
HELDOUT_14 = load_cases(HELDOUT_14_FILE)
HELDOUT_15 = load_cases(HELDOUT_15_FILE)
HELDOUT_16 = load_cases(HELDOUT_16_FILE)
HELDOUT_17 = load_cases(HELDOUT_17_FILE)
HELDOUT_18 = load_cases(HELDOUT_18_FILE)
HELDOUT_19 = load_cases(HELDOUT_19_FILE)
HELDOUT_20 = load_cases(HELDOUT_20_FILE)
HELDOUT_SETS = {
    "heldout": HELDOUT, "heldout-2": HELDOUT_2, "heldout-3": HELDOUT_3, "heldout-4": HELDOUT_4, "heldout-5": HELDOUT_5,
    "heldout-6": HELDOUT_6, "heldout-7": HELDOUT_7, "heldout-8": HELDOUT_8, "heldout-9": HELDOUT_9,
    "heldout-10": HELDOUT_10, "heldout-11": HELDOUT_11, "heldout-12": HELDOUT_12, "heldout-13": HELDOUT_13,
    "heldout-14": HELDOUT_14, "heldout-15": HELDOUT_15, "heldout-16": HELDOUT_16, "heldout-17": HELDOUT_17,
    "heldout-18": HELDOUT_18, "heldout-19": HELDOUT_19, "heldout-20": HELDOUT_20,
}  # fmt: skip
# Full-answer accuracy below which CI fails: 95% at least (the floor) on the first set; on every set,
# about a point under its measured figure (README), so that a regression fails. The goal for every set is
# 97%; sets 19 and 20, the latest unseen ones (91.1% and 90.3% on their first run), are far short of it
# (README), as are 6, 7, 9 to 18.
FULL_ANSWER_FLOORS = {
    "heldout": 0.96, "heldout-2": 0.97, "heldout-3": 0.96, "heldout-4": 0.97, "heldout-5": 0.97,
    "heldout-6": 0.94, "heldout-7": 0.95, "heldout-8": 0.945, "heldout-9": 0.94, "heldout-10": 0.95,
    "heldout-11": 0.95, "heldout-12": 0.945, "heldout-13": 0.945, "heldout-14": 0.955, "heldout-15": 0.945,
    "heldout-16": 0.95, "heldout-17": 0.94, "heldout-18": 0.905, "heldout-19": 0.90, "heldout-20": 0.89,
}  # fmt: skip
# Questions two independent writers wrote for training (the classifier learns from them): scored like a set,
# but a training figure, reported apart and held just under its measured figure (README).
WRITTEN_FLOOR = 0.95
# The share of the training part's guidance questions whose named section leads the answer, just under the
# measured 0.84 (64 of 76, README); below it, section ranking has regressed.
TRAINING_SECTION_FLOOR = 0.8
GROUPS = ("forum", "gap", "weakness", "definition", "noise", "two_asks", "guidance", "list_followup")
# Filled by the held-out test (a report per set), printed by tests/bot/conftest.py at the end of the run.
REPORT: dict[str, dict[str, Any]] = {}
TRAINING_SECTIONS: list[bool] = []


def _questions(cases: list[list[dict]]) -> list[dict]:
    return [turn for turns in cases for turn in turns]


@pytest.fixture(scope="module")
def unmeasured(results: Results) -> Region:
    """A kab/kota of the gazetteer without a results row whose name no other region shares."""
    gazetteer = get_gazetteer()
    codes = set(results.table["code"])
    return next(
        region
        for region in gazetteer.kabkota()
        if region.code not in codes and [r.code for r in gazetteer.lookup(region.name)] == [region.code]
    )


@pytest.fixture(scope="module")
def checker(results: Results, unmeasured: Region) -> Checker:
    return Checker(results, unmeasured)


@pytest.fixture(scope="module")
def indexed_engine(rounds: Rounds, search_index, intent_classifier, tmp_path_factory) -> Engine:
    """The engine as served: every round (2025 is the `results` the checker reads), the search index."""
    from bot.engine.context import ContextStore

    store = ContextStore(tmp_path_factory.mktemp("conversations") / "ihai.sqlite3")
    return Engine(rounds.rounds, get_gazetteer(), intent_classifier, load_guidance(), search_index, store, load_forum_map())


def run_case(engine: Engine, checker: Checker, turns: list[dict], session: str) -> list[Verdict]:
    verdicts = []
    # The last list: a ranking's spec, the regions compared, or a category's members as the answer showed
    # them (which of a band's members, in which order, is the answer's to choose; the list is what was seen).
    shown: dict | list | None = None
    for turn in turns:
        answer = engine.ask(checker.substitute(turn["ask"]), session)
        verdict = checker.judge(turn, answer, shown)
        if verdict.problems or verdict.notes:
            verdict.notes.append(f"answer: {answer.intent} {answer.regions}\n{answer.text}")
        verdicts.append(verdict)
        if "ranking" in turn:
            shown = turn["ranking"]
        elif turn["intent"] == "bandingkan" and turn.get("regions"):
            shown = turn["regions"]
        elif turn["intent"] == "kategori" and answer.intent == "kategori" and answer.facts.get("listed"):
            shown = list(answer.facts["listed"])  # an empty band leaves the list before it in sight
    return verdicts


def test_the_sets_are_large_enough_and_cover_every_failure_class() -> None:
    training, first = _questions(TRAINING), _questions(HELDOUT)
    later = [_questions(HELDOUT_2), _questions(HELDOUT_3), _questions(HELDOUT_4), _questions(HELDOUT_6),
             _questions(HELDOUT_16), _questions(HELDOUT_19), _questions(HELDOUT_20)]
    # Written in less time: 217, 251, 220, 311, 326, 306, 309, 307, 320, 299, 330 and 329 questions, >= 10 per
    # failure class.
    shorter_sets = [_questions(HELDOUT_5), _questions(HELDOUT_7), _questions(HELDOUT_8), _questions(HELDOUT_9),
                    _questions(HELDOUT_10), _questions(HELDOUT_11), _questions(HELDOUT_12), _questions(HELDOUT_13),
                    _questions(HELDOUT_14), _questions(HELDOUT_15), _questions(HELDOUT_17), _questions(HELDOUT_18)]
    assert len(training) + len(first) >= 1000
    for heldout in (first, *later):
        assert len(heldout) >= 300
        groups = Counter(turn.get("group") for turn in heldout)
        assert all(groups[group] >= 15 for group in GROUPS), groups
        assert sum("section" in turn for turn in heldout) >= 40
    # Held-out means held out: no held-out question is among the training questions, as the engine reads
    # them (an empty message is no text to learn from).
    training_texts = {normalise(turn["ask"]) for turn in (*training, *_questions(WRITTEN))} - {""}
    for shorter in shorter_sets:
        groups = Counter(turn.get("group") for turn in shorter)
        assert len(shorter) >= 200 and all(groups[group] >= 10 for group in GROUPS), groups
        assert sum("section" in turn for turn in shorter) >= 30
    every = (first, *later, *shorter_sets)
    assert not [turn["ask"] for heldout in every for turn in heldout if normalise(turn["ask"]) in training_texts]


@pytest.mark.parametrize(
    "cases", [TRAINING, WRITTEN, *HELDOUT_SETS.values()], ids=["training", "written", *HELDOUT_SETS]
)
def test_every_case_can_check_what_it_claims(cases: list[list[dict]], checker: Checker) -> None:
    problems = [problem for turns in cases for problem in checker.case_problems(turns)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "turns", TRAINING, ids=[f"{n:03d}-{turns[0]['ask'][:40]}" for n, turns in enumerate(TRAINING)]
)
def test_training_conversation(
    turns: list[dict], indexed_engine: Engine, checker: Checker, request: pytest.FixtureRequest
) -> None:
    for verdict in run_case(indexed_engine, checker, turns, f"train-{request.node.callspec.id}"):
        assert verdict.intent_ok and verdict.regions_ok is not False and not verdict.problems, (
            f"{verdict.question!r}: " + "\n".join(verdict.problems + verdict.notes)
        )
        if verdict.section_ok is not None:
            TRAINING_SECTIONS.append(verdict.section_ok)


def test_training_sections_lead_guidance_answers() -> None:
    """Runs after the training cases (pytest keeps file order) and scores the sections they named."""
    assert len(TRAINING_SECTIONS) >= 40, "the training cases did not run before this test"
    assert sum(TRAINING_SECTIONS) / len(TRAINING_SECTIONS) >= TRAINING_SECTION_FLOOR


@pytest.mark.parametrize("name", list(HELDOUT_SETS))
def test_heldout_accuracy(name: str, indexed_engine: Engine, checker: Checker) -> None:
    report = _scored(name, HELDOUT_SETS[name], indexed_engine, checker)
    assert report["full"] >= FULL_ANSWER_FLOORS[name], "\n".join(report["failures"])


def test_written_training_questions(indexed_engine: Engine, checker: Checker) -> None:
    report = _scored("written (trained on)", WRITTEN, indexed_engine, checker)
    assert report["full"] >= WRITTEN_FLOOR, "\n".join(report["failures"])


def _scored(name: str, cases: list[list[dict]], engine: Engine, checker: Checker) -> dict[str, Any]:
    """Runs a set and files its report: intent, region and full-answer accuracy, per group and section."""
    verdicts: list[tuple[dict, Verdict]] = []
    for number, turns in enumerate(cases):
        for turn, verdict in zip(turns, run_case(engine, checker, turns, f"{name}-{number}"), strict=True):
            verdicts.append((turn, verdict))
    with_regions = [v for _, v in verdicts if v.regions_ok is not None]
    by_group: dict[str, list[bool]] = defaultdict(list)
    for turn, verdict in verdicts:
        if turn.get("group"):
            by_group[turn["group"]].append(verdict.full_ok)
    report = REPORT[name] = dict(
        questions=len(verdicts),
        intent=sum(v.intent_ok for _, v in verdicts) / len(verdicts),
        regions=sum(bool(v.regions_ok) for v in with_regions) / len(with_regions),
        full=sum(v.full_ok for _, v in verdicts) / len(verdicts),
        groups={group: (sum(oks), len(oks)) for group, oks in sorted(by_group.items())},
        sections=sum(bool(v.section_ok) for _, v in verdicts if v.section_ok is not None),
        named_sections=sum(v.section_ok is not None for _, v in verdicts),
        failures=[f"{v.question!r}: {(v.problems + v.notes)[0]}" for _, v in verdicts if not v.full_ok],
    )
    return report
