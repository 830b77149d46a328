"""The sourced guidance corpus: Markdown documents with YAML front matter in `knowledge/guidance/`.

Each document names its sources and its basis; the forum action documents (`aksi-*.md`) also carry a
structured `actions` list that the assistant uses to suggest actions for a region's weakest variables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from core.constants import FORUMS

GUIDANCE_DIR = Path(__file__).with_name("guidance")
DIMENSIONS = ("ekonomi", "sosial", "budaya", "keberagamaan")
VARIABLES = tuple(f"v{i}" for i in range(1, 9)) + tuple(f"x{i}" for i in range(1, 11))
BASES = ("regulasi", "publikasi_resmi", "berita", "rekomendasi_proyek", "campuran")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Numbered sources of shared/reference/sources-forums-and-ihai.md, as cited in documents: "S59: https://…".
_NUMBERED_SOURCE = re.compile(r"(S\d+):\s*(https?://\S+)")
_SOURCE_CODE = re.compile(r"\bS\d+\b")


class GuidanceError(ValueError):
    """A guidance document is missing or has malformed front matter; the message names the file."""


@dataclass(frozen=True)
class ForumAction:
    id: str
    forum: str
    text: str
    variables: tuple[str, ...]
    basis: str  # as written: "S59, S60 (kegiatan serupa dilaporkan); …"
    doc_id: str
    basis_text: str = ""  # for readers: source codes replaced by their sites ("tuturmedia.com")


@dataclass(frozen=True)
class GuidanceDoc:
    id: str
    title: str
    topics: tuple[str, ...]
    forums: tuple[str, ...]
    dimensions: tuple[str, ...]
    variables: tuple[str, ...]
    sources: tuple[str, ...]
    basis: str
    body: str
    path: Path
    actions: tuple[ForumAction, ...] = ()


def _strings(meta: dict[str, Any], key: str, path: Path, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    value = meta.get(key, [])
    if isinstance(value, list):  # bare years and numbers in YAML lists ("topics: [2025]") read as text
        value = [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GuidanceError(f"{path}: '{key}' harus berupa daftar teks")
    if allowed is not None and (bad := sorted(set(value) - set(allowed))):
        raise GuidanceError(f"{path}: '{key}' memuat nilai tidak dikenal {bad}; yang sah: {list(allowed)}")
    return tuple(value)


def reference_label(reference: str) -> str:
    """How a source reads in a chat message: "S59: https://www.tuturmedia.com/…" -> "tuturmedia.com";
    a regulation or publication title stays as it is."""
    match = _NUMBERED_SOURCE.match(reference)
    return urlsplit(match.group(2)).hostname.removeprefix("www.") if match else reference


def _source_sites(sources: tuple[str, ...]) -> dict[str, str]:
    """{"S59": "tuturmedia.com"}: a source number means nothing to a reader, a site name does."""
    return {match.group(1): reference_label(source) for source in sources if (match := _NUMBERED_SOURCE.match(source))}


def _readable_basis(basis: str, sites: dict[str, str], action_id: str, path: Path) -> str:
    def site(match: re.Match[str]) -> str:
        if match.group(0) not in sites:
            raise GuidanceError(f"{path}: aksi '{action_id}' menyebut {match.group(0)}, yang tidak ada di 'sources'")
        return sites[match.group(0)]

    return _SOURCE_CODE.sub(site, basis)


def _actions(
    meta: dict[str, Any], doc_id: str, forums: tuple[str, ...], sources: tuple[str, ...], path: Path
) -> tuple[ForumAction, ...]:
    raw = meta.get("actions", [])
    if not isinstance(raw, list):
        raise GuidanceError(f"{path}: 'actions' harus berupa daftar")
    sites = _source_sites(sources)
    out = []
    for i, a in enumerate(raw):
        if not isinstance(a, dict) or not all(isinstance(a.get(k), str) and a[k].strip() for k in ("id", "text", "basis")):
            raise GuidanceError(f"{path}: aksi ke-{i + 1} harus punya 'id', 'text' dan 'basis' berupa teks")
        forum = a.get("forum") or (forums[0] if len(forums) == 1 else None)
        if forum not in FORUMS:
            raise GuidanceError(f"{path}: aksi '{a['id']}' tidak menyebut forum yang sah ({list(FORUMS)})")
        variables = _strings(a, "variables", path, VARIABLES)
        if not variables:
            raise GuidanceError(f"{path}: aksi '{a['id']}' tidak menyebut variabel")
        basis = a["basis"].strip()
        readable = _readable_basis(basis, sites, a["id"], path)
        out.append(ForumAction(a["id"], forum, a["text"].strip(), variables, basis, doc_id, readable))
    return tuple(out)


def parse_guidance(path: Path) -> GuidanceDoc:
    """Read one document; raises GuidanceError naming the file when the front matter is malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GuidanceError(f"{path}: tidak dapat dibaca ({exc})") from exc
    match = _FRONT_MATTER.match(text)
    if not match:
        raise GuidanceError(f"{path}: front matter YAML (diapit '---') tidak ditemukan di awal berkas")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise GuidanceError(f"{path}: front matter YAML rusak: {exc}") from exc
    if not isinstance(meta, dict):
        raise GuidanceError(f"{path}: front matter harus berupa pemetaan YAML")
    for key in ("id", "title", "basis"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise GuidanceError(f"{path}: '{key}' wajib diisi")
    if meta["id"] != path.stem or not _ID.match(meta["id"]):
        raise GuidanceError(f"{path}: id '{meta['id']}' harus sama dengan nama berkas dan berhuruf kecil-tanda hubung")
    if meta["basis"] not in BASES:
        raise GuidanceError(f"{path}: basis '{meta['basis']}' tidak sah; yang sah: {list(BASES)}")
    sources = _strings(meta, "sources", path)
    if not sources:
        raise GuidanceError(f"{path}: 'sources' wajib memuat sedikitnya satu sumber")
    forums = _strings(meta, "forums", path, FORUMS)
    return GuidanceDoc(
        id=meta["id"],
        title=meta["title"].strip(),
        topics=_strings(meta, "topics", path),
        forums=forums,
        dimensions=_strings(meta, "dimensions", path, DIMENSIONS),
        variables=_strings(meta, "variables", path, VARIABLES),
        sources=sources,
        basis=meta["basis"],
        body=text[match.end():].strip(),
        path=path,
        actions=_actions(meta, meta["id"], forums, sources, path),
    )


def load_guidance(directory: Path | None = None) -> list[GuidanceDoc]:
    """All documents of the corpus (default: the packaged `knowledge/guidance/`), sorted by id."""
    directory = Path(directory) if directory is not None else GUIDANCE_DIR
    if not directory.is_dir():
        raise GuidanceError(f"{directory}: folder panduan tidak ditemukan")
    docs = [parse_guidance(p) for p in sorted(directory.glob("*.md"))]
    seen: set[str] = set()
    for doc in docs:
        for action in doc.actions:
            if action.id in seen:
                raise GuidanceError(f"{doc.path}: id aksi '{action.id}' ganda")
            seen.add(action.id)
    return docs


def load_actions(directory: Path | None = None) -> list[ForumAction]:
    """Every forum action of the corpus, in document order."""
    return [a for d in load_guidance(directory) for a in d.actions]
