"""The public search API: `SearchIndex.load(index_dir, model)` then `search(query, k, filters)`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexing.chunking import Chunk, Kind
from indexing.dense import Embedder, load_embedding_model
from indexing.hybrid import FUSION, REGION_FILTERS, Fusion, RegionGate, filter_mask, fuse
from indexing.store import StoredIndex, load_stored
from indexing.text import Analyzer, normalise

# Words of region names that do not identify a region ("Kota Administrasi Jakarta Pusat").
GENERIC_NAME_WORDS = frozenset({"kabupaten", "kota", "provinsi", "administrasi", "daerah", "khusus", "istimewa"})


@dataclass(frozen=True)
class Hit:
    chunk_id: str
    doc_id: str
    title: str
    text: str
    score: float
    kind: Kind
    metadata: dict[str, Any]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Rankings:
    """Both rankings of one query (chunk positions, best first), before fusion."""

    dense: np.ndarray
    lexical: np.ndarray


class SearchIndex:
    def __init__(self, stored: StoredIndex, embedder: Embedder, index_dir: Path) -> None:
        self.stored = stored
        self.embedder = embedder
        self.index_dir = index_dir
        self.chunks: list[Chunk] = stored.chunks
        self._metadata = [c.metadata for c in stored.chunks]
        self._gate = region_gate(stored.chunks, stored.lexical.analyzer)

    @classmethod
    def load(cls, index_dir: Path, model: Embedder | str) -> SearchIndex:
        """Load the index for a model: an already loaded `Embedder` (shared with the bot) or a model
        name. Raises IndexNotReady when the index is missing, damaged or built with another model."""
        name = model if isinstance(model, str) else model.name
        stored = load_stored(Path(index_dir), name)
        embedder = load_embedding_model(model) if isinstance(model, str) else model
        return cls(stored, embedder, Path(index_dir))

    @property
    def manifest(self) -> dict[str, Any]:
        return self.stored.manifest

    def rankings(self, query: str, filters: dict | None = None) -> Rankings:
        allowed = filter_mask(self._metadata, filters)
        tokens = self.stored.lexical.query_tokens(query)
        if not REGION_FILTERS & set(filters or {}):
            gate = self._gate.mask(tokens)
            allowed = gate if allowed is None else allowed & gate
        vector = self.embedder.encode_query(normalise(query))
        return Rankings(self.stored.dense.ranking(vector, allowed), self.stored.lexical.ranking(tokens, allowed))

    def hits(self, rankings: Rankings, k: int = 5, fusion: Fusion = FUSION) -> list[Hit]:
        """The k best documents, each represented by its best-scoring chunk.

        One hit per document: five sections of one long document would otherwise crowd out the
        other relevant documents, and the caller can load the whole document by `doc_id`.
        """
        scores = fuse(
            [(fusion.dense_weight, rankings.dense), (fusion.lexical_weight, rankings.lexical)],
            len(self.chunks),
            fusion.k,
        )
        hits: list[Hit] = []
        seen: set[str] = set()
        for position in np.argsort(-scores, kind="stable"):
            if scores[position] <= 0 or len(hits) == k:
                break
            chunk = self.chunks[position]
            if chunk.doc_id not in seen:
                seen.add(chunk.doc_id)
                hits.append(self._hit(chunk, float(scores[position])))
        return hits

    def search(self, query: str, k: int = 5, filters: dict | None = None, fusion: Fusion = FUSION) -> list[Hit]:
        """Hybrid search; `filters` keys: forum, dimension, variable, level, province_code (a value or a list).
        A blank query asks nothing and gets nothing; invalid filters raise ValueError."""
        if not query.strip():
            return []
        return self.hits(self.rankings(query, filters), k, fusion)

    @staticmethod
    def _hit(chunk: Chunk, score: float) -> Hit:
        text = f"{chunk.heading}\n{chunk.text}" if chunk.heading else chunk.text
        metadata = {**chunk.metadata, "heading": chunk.heading}
        return Hit(chunk.id, chunk.doc_id, chunk.title, text, score, chunk.kind, metadata, chunk.sources)


def _name_tokens(analyzer: Analyzer, name: str | None) -> frozenset[str]:
    return frozenset(analyzer.tokens(name or "")) - GENERIC_NAME_WORDS


def region_gate(chunks: list[Chunk], analyzer: Analyzer) -> RegionGate:
    """A card opens when the query names its region or, for a kab/kota, its province."""
    names = {}
    for position, chunk in enumerate(chunks):
        if chunk.kind != "region":
            continue
        meta = chunk.metadata
        if meta.get("level") == "nasional":
            names[position] = [frozenset({"nasional"}), _name_tokens(analyzer, meta.get("name"))]
        else:
            names[position] = [_name_tokens(analyzer, meta.get("name")), _name_tokens(analyzer, meta.get("province_name"))]
    return RegionGate(len(chunks), names)
