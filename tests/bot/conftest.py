"""The engine on the real sample results, shared by the conversation and fuzz tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.answer import Engine
from bot.engine.context import ContextStore
from core.gazetteer import get_gazetteer
from knowledge.guidance import load_guidance
from scoring.results import Results, load_results


@pytest.fixture(scope="session")
def results(sample_results_dir: Path) -> Results:
    return load_results(sample_results_dir)


@pytest.fixture(scope="session")
def engine(results: Results, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """Without a search index: figure answers must never depend on it."""
    store = ContextStore(tmp_path_factory.mktemp("context") / "ihai.sqlite3")
    return Engine(results, get_gazetteer(), load_guidance(), index=None, store=store)

