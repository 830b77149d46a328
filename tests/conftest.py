"""Fixtures shared across packages: the real pipeline run once per test session on the sample."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE_SEED = 2025


@pytest.fixture(scope="session")
def sample_export_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The calibrated synthetic export (Parquet) with its manifest, as `ihai sample` writes it."""
    from knowledge.gazetteer import get_gazetteer
    from scoring.methodology import load_methodology
    from scoring.sample import generate_sample, write_sample

    export = generate_sample(SAMPLE_SEED, load_methodology("ihai-2025"), get_gazetteer())
    return write_sample(export, tmp_path_factory.mktemp("sample"), seed=SAMPLE_SEED, fmt="parquet")


@pytest.fixture(scope="session")
def sample_results_dir(sample_export_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Results of scoring the sample, written exactly as `ihai score` writes them."""
    from knowledge.gazetteer import get_gazetteer
    from scoring.methodology import load_methodology
    from scoring.pipeline import run_scoring
    from scoring.report import write_outputs

    out = tmp_path_factory.mktemp("results")
    run = run_scoring([sample_export_path], load_methodology("ihai-2025"), get_gazetteer())
    write_outputs(run, out)
    return out
