"""The index on disk: build (incrementally), persist and load.

Files in the index directory:
- `chunks.json`: the chunks, in index order;
- `embeddings.npy`: their vectors, kept so a rebuild re-embeds only chunks whose text changed;
- `questions.npy`: a vector per question a guidance section lists as answering, in chunk order;
- `dense.faiss`: the exact inner-product index over the same vectors;
- `bm25/`: the bm25s index over the analyser's tokens;
- `manifest.json`: model name, dimension and truncation, stemmer, chunk hashes, build time.

A build writes every file into a staging directory that replaces the index directory in one step at the end
(`core.safe_write.replacing_directory`), so a build killed at any point leaves the previous index whole.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from core.safe_write import ForeignEntriesError, replacing_directory
from indexing.chunking import Chunk
from indexing.dense import DenseIndex, Embedder
from indexing.lexical import LexicalIndex
from indexing.text import DEFAULT_STEMMER, Analyzer, normalise

MANIFEST_JSON = "manifest.json"
CHUNKS_JSON = "chunks.json"
EMBEDDINGS_NPY = "embeddings.npy"
QUESTIONS_NPY = "questions.npy"
DENSE_FAISS = "dense.faiss"
BM25_DIR = "bm25"
# Everything a build writes (and the temporary files earlier versions left when killed mid-write); a build
# refuses to replace a directory holding anything else.
INDEX_ENTRIES = (
    MANIFEST_JSON, CHUNKS_JSON, EMBEDDINGS_NPY, QUESTIONS_NPY, DENSE_FAISS, BM25_DIR, "manifest.tmp", "chunks.tmp"
)  # fmt: skip
# 2: the listed questions' vectors.
FORMAT_VERSION = 2
REBUILD_HINT = "Jalankan: ihai index build"
# The code that turns documents into indexed text and tokens: an index built by another version of it holds
# other tokens (a stopword, a synonym, the questions a section lists) until it is rebuilt.
_ANALYSIS_CODE = (Path(__file__).with_name("text.py"), Path(__file__).with_name("chunking.py"))


class IndexNotReady(RuntimeError):
    """The index is missing, damaged or built with another model; the message says what to run."""


class IndexWriteError(IndexNotReady):
    """The index directory cannot be written or replaced; the previous index, if any, is left as it was."""


@dataclass(frozen=True)
class StoredIndex:
    manifest: dict[str, Any]
    chunks: list[Chunk]
    dense: DenseIndex
    lexical: LexicalIndex
    # One row per question in `listed_questions(chunks)`.
    questions: np.ndarray


def listed_questions(chunks: Sequence[Chunk]) -> list[tuple[int, str]]:
    """(chunk position, question) for every question a guidance section lists as answering, in chunk order."""
    return [(position, question) for position, chunk in enumerate(chunks) for question in chunk.questions]


@dataclass(frozen=True)
class BuildReport:
    chunks: int
    embedded: list[str]
    reused: int
    seconds: float


def _damaged(index_dir: Path, name: str, error: object) -> IndexNotReady:
    return IndexNotReady(f"Indeks pencarian di {index_dir} rusak (berkas {name}: {error}). {REBUILD_HINT}")


def _read(index_dir: Path, name: str, reader: Callable[[Path], Any]) -> Any:
    """Run a reader on one index file; any failure to parse means a damaged index, reported by name."""
    path = index_dir / name
    if not path.exists():
        raise _damaged(index_dir, name, "tidak ada")
    try:
        return reader(path)
    except Exception as error:  # faiss, numpy, bm25s and json each raise their own types
        raise _damaged(index_dir, name, error) from None


def read_manifest(index_dir: Path) -> dict[str, Any]:
    if not (index_dir / MANIFEST_JSON).is_file():
        raise IndexNotReady(f"Indeks pencarian belum dibangun di {index_dir}. {REBUILD_HINT}")
    manifest = _read(index_dir, MANIFEST_JSON, lambda p: json.loads(p.read_text(encoding="utf-8")))
    required = ("format", "model", "dimension", "stemmer", "chunks")
    if not isinstance(manifest, dict) or any(key not in manifest for key in required):
        raise _damaged(index_dir, MANIFEST_JSON, f"kunci wajib {', '.join(required)} tidak lengkap")
    if manifest["format"] != FORMAT_VERSION:
        raise IndexNotReady(f"Indeks di {index_dir} memakai format lama. {REBUILD_HINT}")
    return manifest


def stored_stemmer(index_dir: Path) -> str | None:
    """The stemmer of the index already in `index_dir`, so a plain rebuild keeps an explicit choice."""
    try:
        return read_manifest(index_dir)["stemmer"]
    except IndexNotReady:
        return None


def check_model(manifest: dict[str, Any], model_name: str, index_dir: Path) -> None:
    if manifest["model"] != model_name:
        raise IndexNotReady(
            f"Indeks di {index_dir} dibangun dengan model embedding '{manifest['model']}', sedangkan pengaturan "
            f"memakai '{model_name}'. Bangun ulang indeks dengan model ini. {REBUILD_HINT}"
        )


def _read_chunks(index_dir: Path, manifest: dict[str, Any]) -> list[Chunk]:
    raw = _read(index_dir, CHUNKS_JSON, lambda p: json.loads(p.read_text(encoding="utf-8")))
    try:
        chunks = [Chunk.from_json(item) for item in raw]
    except (TypeError, KeyError) as error:
        raise _damaged(index_dir, CHUNKS_JSON, error) from None
    if {c.id: c.hash for c in chunks} != manifest["chunks"]:
        raise _damaged(index_dir, CHUNKS_JSON, "isi tidak cocok dengan manifest")
    return chunks


def load_stored(index_dir: Path, model_name: str) -> StoredIndex:
    """Read and cross-check every file needed for search; raises IndexNotReady naming the problem."""
    manifest = read_manifest(index_dir)
    check_model(manifest, model_name, index_dir)
    chunks = _read_chunks(index_dir, manifest)
    dense = _read(index_dir, DENSE_FAISS, DenseIndex.load)
    if dense.size != len(chunks) or dense.dimension != manifest["dimension"]:
        raise _damaged(index_dir, DENSE_FAISS, f"{dense.size} vektor berdimensi {dense.dimension}")
    analyzer = Analyzer(manifest["stemmer"])
    lexical = _read(index_dir, BM25_DIR, lambda p: LexicalIndex.load(p, analyzer))
    if lexical.size != len(chunks):
        raise _damaged(index_dir, BM25_DIR, f"{lexical.size} dokumen, seharusnya {len(chunks)}")
    questions = _read(index_dir, QUESTIONS_NPY, lambda p: np.load(p, allow_pickle=False))
    if questions.shape != (len(listed_questions(chunks)), manifest["dimension"]):
        raise _damaged(index_dir, QUESTIONS_NPY, f"{questions.shape[0]} vektor pertanyaan")
    return StoredIndex(manifest, chunks, dense, lexical, questions)


def analysis_version() -> str:
    """Of the analysis code in this installation, as an index manifest records it."""
    digest = hashlib.sha256()
    for path in _ANALYSIS_CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def out_of_date(manifest: dict[str, Any], guidance: Sequence[Chunk]) -> list[str]:
    """Why an index no longer matches this installation (empty when it does): analysis code or guidance
    sections changed since it was built. Such an index still answers, with what it was built from."""
    reasons = []
    if manifest.get("analysis") != analysis_version():
        reasons.append("dibangun dengan versi analisis teks yang lain")
    built = manifest.get("chunks", {})
    changed = [chunk.id for chunk in guidance if built.get(chunk.id) != chunk.hash]
    gone = {chunk_id for chunk_id in built if "#" in chunk_id} - {chunk.id for chunk in guidance}
    if changed or gone:
        reasons.append(f"{len(changed) + len(gone)} bagian panduan berubah sejak dibangun")
    return reasons


def _previous_vectors(index_dir: Path, embedder: Embedder) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Vectors of the previous build by chunk hash and by listed question, when it used the same model and
    truncation; else nothing."""
    try:
        manifest = read_manifest(index_dir)
        check_model(manifest, embedder.name, index_dir)
        chunks = _read_chunks(index_dir, manifest)
        vectors = _read(index_dir, EMBEDDINGS_NPY, lambda p: np.load(p, allow_pickle=False))
        questions = _read(index_dir, QUESTIONS_NPY, lambda p: np.load(p, allow_pickle=False))
    except IndexNotReady:
        return {}, {}
    listed = [question for _, question in listed_questions(chunks)]
    if (
        vectors.shape != (len(chunks), manifest["dimension"])
        or questions.shape != (len(listed), manifest["dimension"])
        or manifest.get("max_tokens") != embedder.max_tokens
    ):
        return {}, {}
    return {chunk.hash: vectors[i] for i, chunk in enumerate(chunks)}, dict(zip(listed, questions, strict=True))


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def build_index(
    chunks: Sequence[Chunk],
    embedder: Embedder,
    index_dir: Path,
    stemmer: str = DEFAULT_STEMMER,
    on_embed_start: Callable[[int], None] | None = None,
    on_embedded: Callable[[int], None] | None = None,
    extra_manifest: dict[str, Any] | None = None,
) -> BuildReport:
    """Build the index into `index_dir`, re-embedding only chunks whose text is not in the previous build."""
    started = time.perf_counter()
    duplicates = sorted(chunk_id for chunk_id, n in Counter(c.id for c in chunks).items() if n > 1)
    if duplicates:
        raise ValueError(f"id potongan ganda: {', '.join(duplicates)}")
    previous, previous_questions = _previous_vectors(index_dir, embedder)
    missing = [c for c in chunks if c.hash not in previous]
    if on_embed_start is not None:
        on_embed_start(len(missing))
    fresh = embedder.encode_documents([c.dense_text for c in missing], on_batch=on_embedded)
    by_hash = {**previous, **{c.hash: fresh[i] for i, c in enumerate(missing)}}
    vectors = np.vstack([by_hash[c.hash] for c in chunks]).astype(np.float32)
    _write(index_dir, chunks, vectors, _question_vectors(chunks, embedder, previous_questions), embedder, stemmer,
           extra_manifest or {})  # fmt: skip
    return BuildReport(len(chunks), [c.id for c in missing], len(chunks) - len(missing), time.perf_counter() - started)


def _question_vectors(chunks: Sequence[Chunk], embedder: Embedder, previous: dict[str, np.ndarray]) -> np.ndarray:
    """A vector per listed question, embedded as a query is (the search compares question with question),
    reusing the previous build's for questions it had."""
    listed = [question for _, question in listed_questions(chunks)]
    missing = sorted({question for question in listed if question not in previous})
    fresh = dict(zip(missing, embedder.encode_documents([normalise(question) for question in missing]), strict=True))
    by_question = {**previous, **fresh}
    return np.array([by_question[question] for question in listed], dtype=np.float32).reshape(-1, embedder.dimension)


def _write(
    index_dir: Path,
    chunks: Sequence[Chunk],
    vectors: np.ndarray,
    questions: np.ndarray,
    embedder: Embedder,
    stemmer: str,
    extra_manifest: dict[str, Any],
) -> None:
    try:
        with replacing_directory(index_dir, owned=INDEX_ENTRIES) as staging:
            _write_json(staging / CHUNKS_JSON, [c.to_json() for c in chunks])
            np.save(staging / EMBEDDINGS_NPY, vectors, allow_pickle=False)
            np.save(staging / QUESTIONS_NPY, questions, allow_pickle=False)
            DenseIndex.build(vectors).save(staging / DENSE_FAISS)
            LexicalIndex.build([c.lexical_text for c in chunks], Analyzer(stemmer)).save(staging / BM25_DIR)
            manifest = {
                "format": FORMAT_VERSION,
                "model": embedder.name,
                "dimension": embedder.dimension,
                "max_tokens": embedder.max_tokens,
                "stemmer": stemmer,
                "analysis": analysis_version(),
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "chunk_count": len(chunks),
                "chunks": {c.id: c.hash for c in chunks},
                **extra_manifest,
            }
            _write_json(staging / MANIFEST_JSON, manifest)
    except ForeignEntriesError as error:
        raise IndexWriteError(
            f"Folder indeks {index_dir} berisi file lain ({', '.join(error.names[:5])}); pilih folder khusus indeks."
        ) from None
    except OSError as error:
        raise IndexWriteError(f"Indeks tidak dapat ditulis ke {index_dir} ({error.strerror or error}).") from None
