"""Fixtures shared across packages: the real pipeline run once per test session on the sample, and the
search index (guidance + the sample's region cards) built once over its results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # loading the model stack is left to the tests that use it
    from indexing.dense import Embedder
    from indexing.search import SearchIndex

SAMPLE_SEED = 2025


@pytest.fixture(scope="session")
def sample_export_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The calibrated synthetic export (Parquet) with its manifest, as `ihai sample` writes it."""
    from core.gazetteer import get_gazetteer
    from scoring.methodology import load_methodology
    from scoring.sample import generate_sample, write_sample

    export = generate_sample(SAMPLE_SEED, load_methodology("ihai-2025"), get_gazetteer())
    return write_sample(export, tmp_path_factory.mktemp("sample"), seed=SAMPLE_SEED, fmt="parquet")


@pytest.fixture(scope="session")
def sample_results_dir(sample_export_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Results of scoring the sample, written exactly as `ihai score` writes them."""
    from core.gazetteer import get_gazetteer
    from scoring.methodology import load_methodology
    from scoring.pipeline import run_scoring
    from scoring.report import write_outputs

    out = tmp_path_factory.mktemp("results")
    run = run_scoring([sample_export_path], load_methodology("ihai-2025"), get_gazetteer())
    write_outputs(run, out)
    return out


@pytest.fixture(scope="session")
def rounds_root(sample_export_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three synthetic rounds scored as `ihai run` scores them: 2023 and 2024 in the 10-variable framework,
    then 2025 (the sample above), each into `<root>/<year>/`, each workbook holding the rounds before it."""
    from core.gazetteer import get_gazetteer
    from scoring.methodology import load_methodology
    from scoring.pipeline import run_scoring
    from scoring.report import write_outputs
    from scoring.rounds import round_directory, sibling_rounds
    from scoring.sample import generate_sample, round_framework, write_sample

    gazetteer = get_gazetteer()
    root = tmp_path_factory.mktemp("rounds")
    exports = tmp_path_factory.mktemp("round-samples")
    for year in (2023, 2024, 2025):
        methodology = load_methodology(round_framework(year))
        if year == 2025:
            path = sample_export_path
        else:
            path = write_sample(generate_sample(SAMPLE_SEED, methodology, gazetteer, year=year), exports, seed=SAMPLE_SEED)
        out = round_directory(root, year)
        write_outputs(run_scoring([path], methodology, gazetteer), out, sibling_rounds(out))
    return root


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    from indexing.dense import load_embedding_model

    return load_embedding_model()


@pytest.fixture(scope="session")
def full_index_dir(rounds_root: Path, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Guidance and the region cards of every round, as `ihai index build` builds them over `data/results`."""
    from indexing.corpus import collect_corpus
    from indexing.store import build_index

    corpus = collect_corpus(rounds_root)
    index_dir = tmp_path_factory.mktemp("index")
    build_index(corpus.chunks, embedder, index_dir, extra_manifest=corpus.manifest_entry())
    return index_dir


@pytest.fixture(scope="session")
def search_index(full_index_dir: Path, embedder: Embedder) -> SearchIndex:
    from indexing.search import SearchIndex

    return SearchIndex.load(full_index_dir, embedder)
