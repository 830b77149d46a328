"""The engine on the real sample results, shared by the conversation and fuzz tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.engine.classifier import IntentClassifier
from bot.engine.context import ContextStore
from bot.engine.engine import Engine
from bot.engine.training.build import MODEL_FILE, load_or_build
from core.gazetteer import get_gazetteer
from knowledge.forums import load_forum_map
from knowledge.guidance import load_guidance
from scoring.methodology import load_methodology
from scoring.results import Results, load_results
from scoring.rounds import Rounds, load_rounds


@pytest.fixture(scope="session")
def results(sample_results_dir: Path) -> Results:
    """The 2025 round (the latest): the figures every answer not asked of another year comes from."""
    return load_results(sample_results_dir)


@pytest.fixture(scope="session")
def rounds(rounds_root: Path) -> Rounds:
    """The three sample rounds, as `ihai run` prepares them; their 2025 round scores the same export."""
    return load_rounds(rounds_root)


@pytest.fixture(scope="session")
def intent_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The intent classifier trained afresh from the package's training data and stored, exactly as `ihai
    index build` does; it needs the methodology and the gazetteer, not the scored sample."""
    directory = tmp_path_factory.mktemp("model")
    load_or_build(directory, load_methodology("ihai-2025"), get_gazetteer())
    return directory


@pytest.fixture(scope="session")
def intent_classifier(intent_model_dir: Path) -> IntentClassifier:
    return IntentClassifier.load(intent_model_dir / MODEL_FILE)


@pytest.fixture(scope="session")
def data_folder(sample_results_dir: Path, intent_model_dir: Path) -> Callable[[Path], Path]:
    """Fills a data folder as `ihai score` and `ihai index build` leave it (results and the stored intent
    model), so that a server or command started on it loads the model instead of training it again
    (15-20 s each)."""

    def fill(data_dir: Path) -> Path:
        shutil.copytree(sample_results_dir, data_dir / "results")
        shutil.copytree(intent_model_dir, data_dir / "model")
        return data_dir

    return fill


@pytest.fixture(scope="session")
def engine(rounds: Rounds, intent_classifier: IntentClassifier, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """Every round loaded, as served; without a search index: figure answers must never depend on it."""
    store = ContextStore(tmp_path_factory.mktemp("context") / "ihai.sqlite3")
    return Engine(rounds.rounds, get_gazetteer(), intent_classifier, load_guidance(), store=store, forum_map=load_forum_map())



def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The conversation sets' reports (held-out, and the written training questions), printed at the end of
    every run that scored them."""
    from tests.bot.test_conversations import HELDOUT_SETS, REPORT, TRAINING_SECTIONS

    write = terminalreporter.write_line
    if TRAINING_SECTIONS:
        terminalreporter.section("training conversation set")
        write(f"leading section right: {sum(TRAINING_SECTIONS)}/{len(TRAINING_SECTIONS)}")
    for name, report in REPORT.items():
        terminalreporter.section(f"held-out conversation set: {name}" if name in HELDOUT_SETS else f"conversation set: {name}")
        write(
            f"{report['questions']} questions · intent accuracy {report['intent']:.1%} · region accuracy "
            f"{report['regions']:.1%} · full-answer accuracy {report['full']:.1%}"
        )
        write(f"leading section right: {report['sections']}/{report['named_sections']}")
        write("by failure class: " + " · ".join(f"{g} {ok}/{n}" for g, (ok, n) in report["groups"].items()))
        for failure in report["failures"]:
            write(f"  ✗ {failure}")
