"""Build the one `Engine` a process serves: results, gazetteer, guidance, search index, context store.

The search index is optional: without it figure questions work as usual and guidance questions say the
index is not ready, so a fresh install answers "berapa IHaI Banjarbaru?" before `ihai index` has run.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING

from bot.engine.advice import GuidanceIndex
from bot.engine.answer import Engine
from bot.engine.context import ContextStore
from bot.storage import Storage, storage_target
from core.config import Settings
from core.gazetteer import get_gazetteer
from knowledge.guidance import load_guidance
from scoring.results import load_results

if TYPE_CHECKING:
    from indexing.dense import Embedder

logger = logging.getLogger(__name__)


def build_engine(settings: Settings, storage: Storage | None = None) -> Engine:
    """Raises ResultsError (with the command to run) when there are no results yet, StorageError when
    the database cannot be used. Contexts go to `storage`, or else to the storage the settings name."""
    results = load_results(settings.results_dir)
    return Engine(
        results=results,
        gazetteer=get_gazetteer(),
        guidance=load_guidance(),
        index=load_index(settings),
        store=ContextStore(storage if storage is not None else storage_target(settings)),
    )


def load_index(settings: Settings) -> GuidanceIndex | None:
    """The search index from `settings.index_dir`, or None when it has not been built (yet)."""
    if not settings.index_dir.is_dir():
        return None
    from indexing.search import SearchIndex
    from indexing.store import IndexNotReady

    try:
        return SearchIndex.load(settings.index_dir, embedding_model(settings.embedding_model))
    except IndexNotReady as error:
        logger.warning("search index not loaded, guidance answers disabled: %s", error)
        return None


@cache
def embedding_model(name: str) -> Embedder:
    """One loaded model per process: an engine rebuilt on reload reuses it instead of loading it again."""
    from indexing.dense import load_embedding_model

    return load_embedding_model(name)
