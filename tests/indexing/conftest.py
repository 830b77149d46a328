"""Indexing fixtures: the embedding model loaded once, and one full index (guidance + the sample's
region cards) built once per session; tests that change an index work on small copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexing.dense import Embedder, load_embedding_model
from indexing.search import SearchIndex
from knowledge.guidance import GUIDANCE_DIR


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return load_embedding_model()


@pytest.fixture(scope="session")
def full_index_dir(sample_results_dir: Path, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from indexing.corpus import collect_corpus
    from indexing.store import build_index

    corpus = collect_corpus(sample_results_dir)
    index_dir = tmp_path_factory.mktemp("index")
    build_index(corpus.chunks, embedder, index_dir, extra_manifest=corpus.manifest_entry())
    return index_dir


@pytest.fixture(scope="session")
def search_index(full_index_dir: Path, embedder: Embedder) -> SearchIndex:
    return SearchIndex.load(full_index_dir, embedder)


@pytest.fixture
def index_copy(full_index_dir: Path, tmp_path: Path) -> Path:
    """A throwaway copy of the full index, for tests that damage or rebuild it."""
    return Path(shutil.copytree(full_index_dir, tmp_path / "index"))


@pytest.fixture
def small_guidance_dir(tmp_path: Path) -> Path:
    """Three real guidance documents: a corpus small enough to rebuild in a second."""
    directory = tmp_path / "guidance"
    directory.mkdir()
    for doc_id in ("fkub-mandat", "kategori-harmoni", "variabel-v7"):
        shutil.copy(GUIDANCE_DIR / f"{doc_id}.md", directory)
    return directory
