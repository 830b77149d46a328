"""The one contract every channel renders: an `Answer` from the conversation engine.

Channels (Telegram, HTTP, help-desk page, CLI) never compute figures or read results files; they
render `Answer.text` (Telegram-compatible HTML), offer `followups` and `choices` as buttons, and
ask the engine for `chart` bytes and `document` bytes (a PDF report) when one is attached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ChartKind = Literal["region_dimensions", "province_ranking", "region_trend"]
DocumentKind = Literal["region_report"]


@dataclass(frozen=True)
class Button:
    """A tappable suggestion. `payload` is sent back to the engine as the user's next text, so it
    must stay within Telegram's 64-byte callback-data limit."""

    label: str
    payload: str


@dataclass(frozen=True)
class Source:
    """Where a piece of guidance comes from: a guidance document and its cited basis."""

    doc_id: str
    title: str
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChartRequest:
    kind: ChartKind
    code: str

    @classmethod
    def default_for(cls, row: Mapping[str, Any]) -> ChartRequest | None:
        """The chart shown with a region: dimensions for a kab/kota, the kab/kota ranking for a province,
        none for the nation or a region without figures."""
        if row.get("ihai") is None or row["level"] == "nasional":
            return None
        return cls("region_dimensions" if row["level"] == "kabkota" else "province_ranking", row["code"])


@dataclass(frozen=True)
class DocumentRequest:
    """A file the answer comes with: the one-page PDF report of a region for one round. Channels send it
    (Telegram), link it (HTTP, the help-desk page) or name the command that writes it (command line)."""

    kind: DocumentKind
    code: str
    year: int
    filename: str


@dataclass(frozen=True)
class Answer:
    text: str
    intent: str
    regions: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    followups: tuple[Button, ...] = ()
    choices: tuple[Button, ...] = ()
    chart: ChartRequest | None = None
    document: DocumentRequest | None = None
    facts: dict[str, object] = field(default_factory=dict)
