"""The chat context store: survives a new store on the same file, keeps sessions apart, forgets old chats."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.engine.context import ChatContext, ContextStore, Pending
from bot.engine.engine import Engine
from core.gazetteer import get_gazetteer
from scoring.results import Results
from tests.bot.pgcluster import postgres_url  # noqa: F401 (a fixture)


def test_context_survives_a_new_store_on_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "ihai.sqlite3"
    context = ChatContext(
        regions=("63.72", "63.71"), intent="bandingkan", forum="FKDM", pending=Pending("ihai banjar", "banjar")
    )
    ContextStore(path).save("chat-1", context)
    assert ContextStore(path).load("chat-1") == context


def test_sessions_are_independent(tmp_path: Path) -> None:
    store = ContextStore(tmp_path / "ihai.sqlite3")
    store.save("a", ChatContext(regions=("63.72",), intent="profil"))
    store.save("b", ChatContext(regions=("34",), intent="provinsi"))
    assert store.load("a").regions == ("63.72",)
    assert store.load("b").regions == ("34",)
    assert store.load("c") == ChatContext()


def test_old_context_is_forgotten_and_purged(tmp_path: Path) -> None:
    store = ContextStore(tmp_path / "ihai.sqlite3", ttl_seconds=0.05)
    store.save("a", ChatContext(regions=("63.72",)))
    time.sleep(0.1)
    assert store.load("a") == ChatContext()
    assert store.purge() == 1


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(tmp_path / "ihai.sqlite3") if request.param == "sqlite" else request.getfixturevalue("postgres_url")


def test_engine_follow_up_survives_a_restart(results: Results, intent_classifier, database: str) -> None:
    """A follow-up asked after the process restarted (new engine, same database) still finds its region;
    with PostgreSQL the second engine may as well be another worker on another host."""
    first = Engine(results, get_gazetteer(), intent_classifier, store=ContextStore(database))
    asked = first.ask("berapa ihai kota banjarbaru", "chat-7")
    first.store.close()
    second = Engine(results, get_gazetteer(), intent_classifier, store=ContextStore(database))
    follow_up = second.ask("kalau dimensi terlemahnya?", "chat-7")
    other_chat = second.ask("kalau dimensi terlemahnya?", "chat-8")
    assert asked.regions == follow_up.regions == ("63.72",)
    assert follow_up.intent == "terlemah"
    assert other_chat.intent == "pilih_wilayah"
    second.store.close()


def test_in_memory_store_by_default() -> None:
    store = ContextStore()
    store.save("a", ChatContext(regions=("63.72",)))
    assert store.load("a").regions == ("63.72",) and ContextStore().load("a") == ChatContext()


def test_a_position_in_the_last_list() -> None:
    context = ChatContext(listed=("63.01", "63.02", "63.03"))
    assert [context.listed_at(p) for p in (1, 3, -1, 4, None)] == ["63.01", "63.03", "63.03", None, None]
    assert ChatContext().listed_at(1) is None
