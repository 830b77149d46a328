"""What goes into the index: every guidance section, and a card per region when results exist (the latest
round's figures, with the region's earlier rounds)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexing.chunking import Chunk, chunk_card, chunk_guidance
from knowledge.cards import build_region_cards
from knowledge.guidance import load_guidance
from scoring.results import Results
from scoring.rounds import load_rounds, round_directories


@dataclass(frozen=True)
class Corpus:
    chunks: list[Chunk]
    results: Results | None  # the latest round
    years: tuple[int, ...] = ()  # every round the cards cover

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
                "rounds": list(self.years),
            }
        }


def results_exist(results_dir: Path) -> bool:
    """Whether the results folder holds a round (in a year folder, or directly as before rounds)."""
    return bool(round_directories(results_dir))


def collect_corpus(results_dir: Path | None, guidance_dir: Path | None = None) -> Corpus:
    """Guidance chunks, then region cards over every round. Absent results give a guidance-only corpus;
    results that exist but cannot be read raise ResultsError rather than silently dropping the cards."""
    chunks = [chunk for doc in load_guidance(guidance_dir) for chunk in chunk_guidance(doc)]
    if results_dir is None or not results_exist(results_dir):
        return Corpus(chunks, None)
    rounds = load_rounds(results_dir)
    chunks += [chunk_card(card) for card in build_region_cards(rounds.rounds)]
    return Corpus(chunks, rounds.latest, rounds.years)
