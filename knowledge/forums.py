"""The forum × dimension/variable map (`knowledge/forum_map.toml`): which of FKUB, FPK and FKDM fits a
dimension, which variables its mandate strengthens, and on what basis — so the assistant can answer
"forum mana yang cocok untuk dimensi budaya" and order actions by the variables they strengthen.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from core.constants import FORUMS
from knowledge.citations import Citation, CitationError, basis_text, regulation_citation
from knowledge.guidance import DIMENSIONS, VARIABLES

FORUM_MAP_FILE = Path(__file__).with_name("forum_map.toml")
ROLES = ("utama", "pendukung")


class ForumMapError(ValueError):
    """The forum map is malformed; the message names the file and the link."""


@dataclass(frozen=True)
class ForumLink:
    forum: str  # "FKUB" | "FPK" | "FKDM"
    dimension: str  # "ekonomi" | "sosial" | "budaya" | "keberagamaan"
    variables: tuple[str, ...]  # variable keys of both frameworks this forum's mandate strengthens
    role: str  # "utama" or "pendukung"
    reason: str  # one Indonesian sentence: why this forum fits this dimension
    basis_text: str  # user-facing Indonesian basis: the regulation and article, or the project's recommendation
    citations: tuple[Citation, ...] = ()  # the regulations behind the link
    recommendation: str | None = None  # the part that is the project's recommendation ("" = the whole link)


@dataclass(frozen=True)
class ForumMap:
    links: tuple[ForumLink, ...]

    def forums_for(self, dimension: str | None = None, variables: Sequence[str] = ()) -> list[ForumLink]:
        """Links for a dimension and/or variables, best fit first: "utama" before "pendukung", then the
        links strengthening more of the given variables, then in FKUB, FPK, FKDM order. With variables,
        only links that strengthen at least one of them; with neither, every link."""
        if dimension is not None and dimension not in DIMENSIONS:
            raise ValueError(f"Dimensi tidak dikenal: {dimension}. Yang sah: {', '.join(DIMENSIONS)}")
        wanted = {v.lower() for v in variables}
        if unknown := sorted(wanted - set(VARIABLES)):
            raise ValueError(f"Variabel tidak dikenal: {', '.join(unknown)}")
        links = [
            link
            for link in self.links
            if (dimension is None or link.dimension == dimension) and (not wanted or wanted & set(link.variables))
        ]
        return sorted(
            links,
            key=lambda link: (ROLES.index(link.role), -len(wanted & set(link.variables)), FORUMS.index(link.forum)),
        )


def _link(raw: Any, number: int, path: Path) -> ForumLink:
    where = f"{path}: link ke-{number}"
    if not isinstance(raw, dict) or set(raw) - {"forum", "dimension", "variables", "role", "reason", "basis", "rekomendasi"}:
        raise ForumMapError(f"{where}: kunci tidak sah")
    if raw.get("forum") not in FORUMS or raw.get("dimension") not in DIMENSIONS or raw.get("role") not in ROLES:
        raise ForumMapError(f"{where}: forum, dimension, atau role tidak sah")
    variables = raw.get("variables")
    if not isinstance(variables, list) or not variables or not set(variables) <= set(VARIABLES):
        raise ForumMapError(f"{where}: variables harus daftar kunci variabel yang sah")
    reason = raw.get("reason")
    if not isinstance(reason, str) or not reason.strip().endswith("."):
        raise ForumMapError(f"{where}: reason harus satu kalimat")
    basis = raw.get("basis", [])
    if not isinstance(basis, list) or not all(isinstance(b, dict) and set(b) <= {"ref", "jo", "pasal"} for b in basis):
        raise ForumMapError(f"{where}: basis harus daftar {{ref, jo, pasal}}")
    try:
        citations = tuple(regulation_citation(str(b.get("ref", "")), str(b.get("pasal", "")), str(b.get("jo", ""))) for b in basis)
    except CitationError as exc:
        raise ForumMapError(f"{where}: {exc}") from exc
    recommendation = raw.get("rekomendasi")
    if recommendation is not None and not isinstance(recommendation, str):
        raise ForumMapError(f"{where}: rekomendasi harus teks")
    if not citations and recommendation is None:
        raise ForumMapError(f"{where}: sebut regulasinya (basis) atau tandai sebagai rekomendasi proyek (rekomendasi)")
    return ForumLink(
        forum=raw["forum"],
        dimension=raw["dimension"],
        variables=tuple(variables),
        role=raw["role"],
        reason=reason.strip(),
        basis_text=basis_text(citations, recommendation),
        citations=citations,
        recommendation=recommendation,
    )


def parse_forum_map(path: Path) -> ForumMap:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ForumMapError(f"{path}: tidak dapat dibaca ({exc})") from exc
    links = tuple(_link(raw, i, path) for i, raw in enumerate(data.get("link", []), 1))
    pairs = [(link.forum, link.dimension) for link in links]
    if len(pairs) != len(set(pairs)):
        raise ForumMapError(f"{path}: pasangan forum–dimensi ganda")
    return ForumMap(links)


@cache
def load_forum_map() -> ForumMap:
    """The packaged map (read once)."""
    return parse_forum_map(FORUM_MAP_FILE)
