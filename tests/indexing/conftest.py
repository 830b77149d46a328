"""Indexing fixtures: tests that change an index work on small copies of the session's full index
(see tests/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.guidance import GUIDANCE_DIR


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
