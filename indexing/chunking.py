"""Chunks: the units the index stores, one per section of a guidance document and one per region card.

A chunk carries its document's metadata, so filters and citations need nothing but the chunk.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from knowledge.cards import RegionCard
from knowledge.guidance import GuidanceDoc, GuidanceError

Kind = Literal["guidance", "region"]

INTRO_SLUG = "pengantar"
# The "Dasar/Sumber" section lists the same sources as the front matter, which every hit carries
# in `sources`; indexed, its outlet names and dates would match queries about other documents.
SOURCE_HEADINGS = frozenset({"dasar/sumber", "sumber", "dasar dan sumber"})

RESULTS_SOURCE = "Hasil perhitungan IHaI (ihai score)"

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    kind: Kind
    title: str
    heading: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    # Region cards only: the card in words without figures, for the dense model.
    summary: str = ""

    @property
    def lexical_text(self) -> str:
        """What BM25 sees. A guidance section gets its title, heading and topics for context. A region
        card gets only its title (region and province names): the region gate admits a card only when
        its name is in the query, so the name is all that ranks cards, and the template words hundreds
        of cards share ("kategori", "target", "responden") would only lower the weight of the very
        words that find guidance answers."""
        if self.kind == "region":
            return self.title
        topics = ", ".join(self.metadata.get("topics", ()))
        questions = "\n".join(self.questions)
        return "\n".join(part for part in (self.title, self.heading, topics, questions, self.text) if part)

    @property
    def questions(self) -> tuple[str, ...]:
        """The questions a guidance section lists as answering (front matter)."""
        return tuple(self.metadata.get("questions", ())) if self.kind == "guidance" else ()

    @property
    def dense_text(self) -> str:
        """What the dense model embeds; a card's summary has no figures, which that model cannot compare
        and whose changes would otherwise re-embed every card on each rescoring."""
        return f"{self.title}\n{self.summary}" if self.kind == "region" else self.lexical_text

    @property
    def hash(self) -> str:
        """Identifies the embedded text: a chunk whose hash is in the previous build keeps its vector."""
        return hashlib.sha256(self.dense_text.encode("utf-8")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["sources"] = list(self.sources)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chunk:
        return cls(**{**data, "sources": tuple(data.get("sources", ()))})


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "bagian"


def split_sections(body: str) -> list[tuple[str, str]]:
    """(heading, text) pairs in order; text before the first heading gets an empty heading."""
    sections: list[tuple[str, str]] = []
    starts = list(_HEADING.finditer(body))
    intro = body[: starts[0].start()] if starts else body
    if intro.strip():
        sections.append(("", intro.strip()))
    for match, following in zip(starts, [*starts[1:], None], strict=True):
        text = body[match.end() : following.start() if following else len(body)].strip()
        if text:
            sections.append((match.group(2).strip(), text))
    return sections


def _unique_slug(heading: str, seen: set[str]) -> str:
    base = slugify(heading) if heading else INTRO_SLUG
    slug, n = base, 2
    while slug in seen:
        slug, n = f"{base}-{n}", n + 1
    seen.add(slug)
    return slug


def guidance_metadata(doc: GuidanceDoc) -> dict[str, Any]:
    return {
        "level": "guidance",
        "topics": list(doc.topics),
        "forums": list(doc.forums),
        "dimensions": list(doc.dimensions),
        "variables": list(doc.variables),
        "basis": doc.basis,
    }


def chunk_guidance(doc: GuidanceDoc) -> list[Chunk]:
    """One chunk per section; chunk id = document id + "#" + heading slug. A section's chunk carries the
    questions the document lists for it; a question listed for no section is an error naming the file."""
    seen: set[str] = set()
    metadata = guidance_metadata(doc)
    sections = [(_unique_slug(heading, seen), heading, text) for heading, text in split_sections(doc.body)]
    if unknown := sorted(set(doc.questions) - {slug for slug, _, _ in sections}):
        raise GuidanceError(f"{doc.path}: 'questions' menyebut bagian yang tidak ada: {unknown}")
    return [
        Chunk(
            id=f"{doc.id}#{slug}",
            doc_id=doc.id,
            kind="guidance",
            title=doc.title,
            heading=heading,
            text=text,
            metadata={**metadata, "questions": list(doc.questions.get(slug, ()))} if slug in doc.questions else metadata,
            sources=doc.sources,
        )
        for slug, heading, text in sections
        if heading.lower() not in SOURCE_HEADINGS
    ]


def chunk_card(card: RegionCard) -> Chunk:
    """A card is short enough to be a single chunk."""
    return Chunk(
        id=card.id,
        doc_id=card.id,
        kind="region",
        title=card.title,
        heading="",
        text=card.text,
        metadata=dict(card.metadata),
        sources=(RESULTS_SOURCE,),
        summary=card.summary,
    )
