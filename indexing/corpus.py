"""What goes into the index: every guidance section, and a card per region when results exist."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexing.chunking import Chunk, chunk_card, chunk_guidance
from knowledge.cards import build_region_cards
from knowledge.guidance import load_guidance
from scoring.results import MANIFEST_JSON, RESULTS_PARQUET, Results, load_results


@dataclass(frozen=True)
class Corpus:
    chunks: list[Chunk]
    results: Results | None

    @property
    def guidance_chunks(self) -> int:
        return sum(c.kind == "guidance" for c in self.chunks)

    @property
    def region_chunks(self) -> int:
        return sum(c.kind == "region" for c in self.chunks)

    def manifest_entry(self) -> dict:
        """What the index manifest records about the results its cards came from."""
        if self.results is None:
            return {"results": None}
        return {
            "results": {
                "directory": str(self.results.directory),
                "created_at": self.results.manifest.get("created_at"),
                "synthetic": self.results.synthetic,
                "methodology": self.results.methodology.id,
            }
        }


def results_exist(results_dir: Path) -> bool:
    return (results_dir / RESULTS_PARQUET).is_file() and (results_dir / MANIFEST_JSON).is_file()


def collect_corpus(results_dir: Path | None, guidance_dir: Path | None = None) -> Corpus:
    """Guidance chunks, then region cards. Absent results give a guidance-only corpus; results that
    exist but cannot be read raise ResultsError rather than silently dropping the cards."""
    chunks = [chunk for doc in load_guidance(guidance_dir) for chunk in chunk_guidance(doc)]
    results = load_results(results_dir) if results_dir is not None and results_exist(results_dir) else None
    if results is not None:
        chunks += [chunk_card(card) for card in build_region_cards(results)]
    return Corpus(chunks, results)
