"""Persisted index: incremental rebuilds, model mismatch, missing or damaged files."""

from __future__ import annotations

import json
import shutil
import signal
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indexing.corpus import collect_corpus
from indexing.dense import Embedder
from indexing.search import SearchIndex
from indexing.store import (
    BM25_DIR,
    CHUNKS_JSON,
    DENSE_FAISS,
    EMBEDDINGS_NPY,
    MANIFEST_JSON,
    QUESTIONS_NPY,
    IndexNotReady,
    IndexWriteError,
    build_index,
    listed_questions,
    out_of_date,
)
from knowledge.cards import card_id
from scoring.results import RESULTS_PARQUET
from tests.kill_at import run_killed_at


class CountingEmbedder(Embedder):
    """The real model, counting every text it is asked to embed (optionally under another name)."""

    def __init__(self, inner: Embedder, name: str | None = None) -> None:
        super().__init__(name or inner.name, inner.model)
        self.embedded: list[str] = []

    def encode_documents(self, texts: Sequence[str], on_batch: Callable[[int], None] | None = None) -> np.ndarray:
        self.embedded.extend(texts)
        return super().encode_documents(texts, on_batch)


def _questions(corpus) -> int:
    """How many different questions the corpus's sections list: each is embedded once."""
    return len({question for _, question in listed_questions(corpus.chunks)})


def _build(guidance_dir: Path, index_dir: Path, embedder: Embedder, results_dir: Path | None = None):
    corpus = collect_corpus(results_dir, guidance_dir)
    return corpus, build_index(corpus.chunks, embedder, index_dir)


def test_rebuild_reembeds_only_the_changed_document(small_guidance_dir: Path, tmp_path: Path, embedder: Embedder) -> None:
    index_dir = tmp_path / "index"
    first = CountingEmbedder(embedder)
    corpus, report = _build(small_guidance_dir, index_dir, first)
    assert len(corpus.chunks) == len(report.embedded) and report.reused == 0
    assert len(first.embedded) == len(corpus.chunks) + _questions(corpus) and _questions(corpus) > 10

    unchanged = CountingEmbedder(embedder)
    _, report = _build(small_guidance_dir, index_dir, unchanged)
    assert unchanged.embedded == [] and report.reused == len(corpus.chunks)

    # One section of one document changes: only that chunk is embedded again.
    path = small_guidance_dir / "kategori-harmoni.md"
    path.write_text(path.read_text(encoding="utf-8").replace("## Aturan pemakaian\n", "## Aturan pemakaian\nKalimat baru.\n"))
    edited = CountingEmbedder(embedder)
    _, report = _build(small_guidance_dir, index_dir, edited)
    assert report.embedded == ["kategori-harmoni#aturan-pemakaian"]
    assert len(edited.embedded) == 1 and "Kalimat baru." in edited.embedded[0]

    # A question a section lists changes: that section (its text has the question) and that question.
    path.write_text(path.read_text(encoding="utf-8").replace('"batas skor harmoni tinggi berapa"', '"ambang harmoni tinggi"'))
    requestioned = CountingEmbedder(embedder)
    _, report = _build(small_guidance_dir, index_dir, requestioned)
    assert report.embedded == ["kategori-harmoni#kategori-yang-dipakai-aplikasi-ini-sementara"]
    assert len(requestioned.embedded) == 2 and requestioned.embedded[-1] == "ambang harmoni tinggi"

    # A new title reaches every chunk of that document, and no other.
    path.write_text(path.read_text(encoding="utf-8").replace("title: Kategori Harmoni", "title: Kategori Harmoni Baru"))
    retitled = CountingEmbedder(embedder)
    corpus, report = _build(small_guidance_dir, index_dir, retitled)
    own = [c.id for c in corpus.chunks if c.doc_id == "kategori-harmoni"]
    assert sorted(report.embedded) == sorted(own) and len(retitled.embedded) == len(own)

    hits = SearchIndex.load(index_dir, embedder).search("Kalimat baru aturan pemakaian kategori", k=1)
    assert hits[0].chunk_id == "kategori-harmoni#aturan-pemakaian"


def test_changed_results_reembed_only_cards_whose_words_changed(
    sample_results_dir: Path, index_copy: Path, tmp_path: Path, embedder: Embedder
) -> None:
    results_dir = Path(shutil.copytree(sample_results_dir, tmp_path / "results"))
    table = pd.read_parquet(results_dir / RESULTS_PARQUET)
    kabkota = table.index[(table["level"] == "kabkota") & table["publishable"]]
    worded, figured = kabkota[0], kabkota[1]
    other_variable = next(v for v in ("v1", "v2") if v != table.at[worded, "weakest_variable"])
    table.at[worded, "weakest_variable"] = other_variable
    table.at[figured, "ihai"] = table.at[figured, "ihai"] + 0.01
    table.to_parquet(results_dir / RESULTS_PARQUET, index=False)

    counting = CountingEmbedder(embedder)
    corpus = collect_corpus(results_dir)
    report = build_index(corpus.chunks, counting, index_copy)
    assert report.embedded == [card_id(table.at[worded, "code"])]
    assert len(counting.embedded) == 1
    # A figure-only change keeps the vector but the stored card text is the new one.
    stored = {c["id"]: c for c in json.loads((index_copy / CHUNKS_JSON).read_text(encoding="utf-8"))}
    new_text = next(c.text for c in corpus.chunks if c.id == card_id(table.at[figured, "code"]))
    assert stored[card_id(table.at[figured, "code"])]["text"] == new_text


def test_index_built_with_another_model_is_refused(index_copy: Path, embedder: Embedder) -> None:
    with pytest.raises(IndexNotReady) as error:
        SearchIndex.load(index_copy, "model-lain")
    message = str(error.value)
    assert "model-lain" in message and embedder.name in message and "ihai index build" in message


def test_rebuild_with_another_model_reembeds_everything(small_guidance_dir: Path, tmp_path: Path, embedder: Embedder) -> None:
    index_dir = tmp_path / "index"
    corpus, _ = _build(small_guidance_dir, index_dir, embedder)
    renamed = CountingEmbedder(embedder, name="model-lain")
    _build(small_guidance_dir, index_dir, renamed)
    assert len(renamed.embedded) == len(corpus.chunks) + _questions(corpus)
    assert SearchIndex.load(index_dir, renamed).manifest["model"] == "model-lain"


def _delete(path: Path) -> None:
    shutil.rmtree(path) if path.is_dir() else path.unlink()


def _garble(path: Path) -> None:
    target = path / "params.index.json" if path.is_dir() else path
    target.write_bytes(b"\x00rusak{")


@pytest.mark.parametrize("name", [MANIFEST_JSON, CHUNKS_JSON, DENSE_FAISS, BM25_DIR, QUESTIONS_NPY])
@pytest.mark.parametrize("damage", [_delete, _garble], ids=["missing", "corrupt"])
def test_missing_or_corrupt_file_gives_a_clear_error(
    index_copy: Path, embedder: Embedder, name: str, damage: Callable[[Path], None]
) -> None:
    damage(index_copy / name)
    with pytest.raises(IndexNotReady, match="Jalankan: ihai index build"):
        SearchIndex.load(index_copy, embedder)


def test_chunks_that_disagree_with_the_manifest_are_refused(index_copy: Path, embedder: Embedder) -> None:
    chunks = json.loads((index_copy / CHUNKS_JSON).read_text(encoding="utf-8"))
    (index_copy / CHUNKS_JSON).write_text(json.dumps(chunks[:-1]), encoding="utf-8")
    with pytest.raises(IndexNotReady, match="chunks.json"):
        SearchIndex.load(index_copy, embedder)


def test_damaged_vectors_are_rebuilt_not_reused(small_guidance_dir: Path, tmp_path: Path, embedder: Embedder) -> None:
    index_dir = tmp_path / "index"
    corpus, _ = _build(small_guidance_dir, index_dir, embedder)
    (index_dir / EMBEDDINGS_NPY).write_bytes(b"bukan numpy")
    counting = CountingEmbedder(embedder)
    _build(small_guidance_dir, index_dir, counting)
    assert len(counting.embedded) == len(corpus.chunks) + _questions(corpus)


def test_cli_reports_a_missing_index_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ihai.cli import main

    assert main(["search", "apa itu ihai", "--index", str(tmp_path / "tidak-ada")]) == 2
    err = capsys.readouterr().err
    assert "ihai index build" in err and "Traceback" not in err


# --- a build killed at any point leaves the previous index whole -------------------------------------------------

# Each point kills `ihai index build` with SIGKILL right there, through the real code path.
_KILL_POINTS = {"after_dense_index": "indexing.store.DenseIndex.build", "before_swap": "core.safe_write._swap_in"}
def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes() for path in sorted(directory.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("point", _KILL_POINTS)
def test_build_killed_while_writing_leaves_the_previous_index(
    index_copy: Path, sample_results_dir: Path, embedder: Embedder, point: str
) -> None:
    before = _snapshot(index_copy)
    arguments = ["index", "build", "--results", str(sample_results_dir), "--index", str(index_copy)]
    done = run_killed_at(_KILL_POINTS[point], arguments)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    assert _snapshot(index_copy) == before
    assert SearchIndex.load(index_copy, embedder).search("apa itu ihai", k=1)


def test_build_refuses_a_folder_holding_other_files(small_guidance_dir: Path, tmp_path: Path, embedder: Embedder) -> None:
    folder = tmp_path / "dokumen"
    folder.mkdir()
    (folder / "catatan.txt").write_text("milik pengguna", encoding="utf-8")
    with pytest.raises(IndexWriteError, match="berisi file lain"):
        _build(small_guidance_dir, folder, embedder)
    assert [path.name for path in folder.iterdir()] == ["catatan.txt"]


def test_an_index_says_when_it_is_out_of_date(small_guidance_dir: Path, tmp_path: Path, embedder: Embedder) -> None:
    """Built from these documents by this code: current. A section edited since, or analysis code of another
    version: out of date, with the reason (the server then warns; the index still answers)."""
    index_dir = tmp_path / "index"
    corpus, _ = _build(small_guidance_dir, index_dir, embedder)
    guidance = [chunk for chunk in corpus.chunks if chunk.kind == "guidance"]
    manifest = json.loads((index_dir / MANIFEST_JSON).read_text(encoding="utf-8"))
    assert out_of_date(manifest, guidance) == []

    path = small_guidance_dir / "kategori-harmoni.md"
    path.write_text(path.read_text(encoding="utf-8").replace("## Aturan pemakaian\n", "## Aturan pemakaian\nKalimat baru.\n"))
    edited = [chunk for chunk in collect_corpus(None, small_guidance_dir).chunks if chunk.kind == "guidance"]
    assert out_of_date(manifest, edited) == ["1 bagian panduan berubah sejak dibangun"]
    older = {**manifest, "analysis": "versi-lama"}
    assert out_of_date(older, guidance) == ["dibangun dengan versi analisis teks yang lain"]
