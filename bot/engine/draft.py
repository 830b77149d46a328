"""An answer being put together, shared by the engine's composers and the advice writer."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.engine.model import Source


@dataclass
class Draft:
    """An answer being composed: text lines plus whether they carry figures (for the sample-data line)."""

    lines: list[str] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)
    figures: bool = False
    sources: list[Source] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)
