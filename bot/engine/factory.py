"""Build the one `Engine` a process serves: results, gazetteer, guidance, search index, intent classifier,
context store.

The search index is optional: without it figure questions work as usual and guidance questions say the
index is not ready, so a fresh install answers "berapa IHaI Banjarbaru?" before `ihai index` has run.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from bot.engine.advice import GuidanceIndex
from bot.engine.context import ContextStore
from bot.engine.engine import Engine
from bot.engine.training.build import load_or_build
from bot.engine.understand import Understander
from bot.storage import Storage, storage_target
from core.config import Settings
from core.deeplink import bot_username
from core.gazetteer import get_gazetteer
from knowledge.forums import load_forum_map
from knowledge.guidance import GuidanceDoc, load_guidance
from reports.builder import ReportBuilder
from scoring.rounds import load_rounds

if TYPE_CHECKING:
    from indexing.dense import Embedder

logger = logging.getLogger(__name__)


def build_engine(settings: Settings, storage: Storage | None = None) -> Engine:
    """Every survey round under the results folder (the latest for current figures). Raises ResultsError
    (with the command to run) when there are no results yet, StorageError when the database cannot be used.
    Contexts go to `storage`, or else to the storage the settings name."""
    rounds = load_rounds(settings.results_dir)
    gazetteer = get_gazetteer()
    guidance = load_guidance()
    return Engine(
        results=rounds.rounds,
        gazetteer=gazetteer,
        classifier=load_or_build(settings.model_dir, rounds.latest.methodology, gazetteer, settings.data_dir),
        guidance=guidance,
        index=load_index(settings, guidance),
        store=ContextStore(storage if storage is not None else storage_target(settings)),
        forum_map=load_forum_map(),
        reports=ReportBuilder(rounds.rounds, gazetteer, guidance, bot_username(settings.telegram_bot_username)),
    )


def build_understander(settings: Settings) -> Understander:
    """Reading messages without answering them (`ihai log review`): the results' framework when there are
    results, else the configured one."""
    from bot.engine.resolve import Resolver
    from bot.engine.slots import SlotReader
    from scoring.methodology import load_methodology
    from scoring.results import ResultsError

    try:
        methodology = load_rounds(settings.results_dir).latest.methodology
    except ResultsError:
        methodology = load_methodology(settings.methodology)
    gazetteer = get_gazetteer()
    slots = SlotReader(methodology)
    classifier = load_or_build(settings.model_dir, methodology, gazetteer, settings.data_dir)
    return Understander(slots, Resolver(gazetteer, slots.is_known_word, slots.is_slip), gazetteer, classifier)


def build_intent_model(settings: Settings) -> None:
    """(Re)build the stored intent classifier when its training data changed: run by `ihai index build`."""
    from scoring.methodology import load_methodology

    load_or_build(settings.model_dir, load_methodology(settings.methodology), get_gazetteer(), settings.data_dir)


def load_index(settings: Settings, guidance: Sequence[GuidanceDoc]) -> GuidanceIndex | None:
    """The search index from `settings.index_dir`, or None when it has not been built (yet); `guidance` is the
    corpus as installed, against which the index is checked for being out of date."""
    if not settings.index_dir.is_dir():
        return None
    from indexing.chunking import chunk_guidance
    from indexing.search import SearchIndex
    from indexing.store import REBUILD_HINT, IndexNotReady, out_of_date

    try:
        index = SearchIndex.load(settings.index_dir, embedding_model(settings.embedding_model))
    except IndexNotReady as error:
        logger.warning("search index not loaded, guidance answers disabled: %s", error)
        return None
    sections = [chunk for doc in guidance for chunk in chunk_guidance(doc)]
    if reasons := out_of_date(index.manifest, sections):
        logger.warning("search index at %s is out of date (%s); it answers from what it was built with. %s",
                       settings.index_dir, "; ".join(reasons), REBUILD_HINT)  # fmt: skip
    return index


@cache
def embedding_model(name: str) -> Embedder:
    """One loaded model per process: an engine rebuilt on reload reuses it instead of loading it again."""
    from indexing.dense import load_embedding_model

    return load_embedding_model(name)
