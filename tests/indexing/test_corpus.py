"""The index corpus over survey rounds: one card per region of any round, each with the region's earlier
rounds, and the index manifest naming the rounds it covers."""

from __future__ import annotations

from pathlib import Path

from indexing.corpus import collect_corpus, results_exist
from scoring.rounds import load_rounds


def test_corpus_covers_every_round(rounds_root: Path) -> None:
    assert results_exist(rounds_root)
    corpus = collect_corpus(rounds_root)
    rounds = load_rounds(rounds_root)
    codes = set().union(*(set(results.table["code"]) for results in rounds.rounds))
    assert corpus.region_chunks == len(codes)
    assert corpus.manifest_entry()["results"]["rounds"] == [2023, 2024, 2025]
    assert corpus.results is not None and corpus.results.directory == rounds_root / "2025"
    banjar = next(chunk for chunk in corpus.chunks if chunk.id == "wilayah-63.03")
    assert "Tren IHaI antarputaran: 2023 " in banjar.text and "Perubahan 2024–2025" in banjar.text


def test_a_results_folder_of_one_round_still_counts(sample_results_dir: Path, tmp_path: Path) -> None:
    assert results_exist(sample_results_dir)  # results directly in the folder, as before rounds
    assert not results_exist(tmp_path)
    assert collect_corpus(tmp_path).results is None
