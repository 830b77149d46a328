"""The chat context store: survives a new store on the same file, keeps sessions apart, forgets old chats."""

from __future__ import annotations

import time
from pathlib import Path

from bot.engine.answer import Engine
from bot.engine.context import ChatContext, ContextStore, Pending
from core.gazetteer import get_gazetteer
from scoring.results import Results


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


def test_engine_follow_up_survives_a_restart(results: Results, tmp_path: Path) -> None:
    """A follow-up asked after the process restarted (new engine, same database) still finds its region."""
    path = tmp_path / "ihai.sqlite3"
    first = Engine(results, get_gazetteer(), store=ContextStore(path))
    asked = first.ask("berapa ihai kota banjarbaru", "chat-7")
    second = Engine(results, get_gazetteer(), store=ContextStore(path))
    follow_up = second.ask("kalau dimensi terlemahnya?", "chat-7")
    other_chat = second.ask("kalau dimensi terlemahnya?", "chat-8")
    assert asked.regions == follow_up.regions == ("63.72",)
    assert follow_up.intent == "terlemah"
    assert other_chat.intent == "pilih_wilayah"
