"""The sourced guidance corpus: Markdown documents with YAML front matter in `knowledge/guidance/`.

Each document lists its sources as structured citations (`knowledge/citations.py`): regulations by their
entry in `regulations.csv` and article, official publications, news (reported practice only) and the
project's own recommendations. The forum action documents (`aksi-*.md`) also carry a structured `actions`
list that the assistant uses to suggest actions for a region's weakest variables; each action names its
legal basis or is marked as the project's recommendation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.constants import FORUMS
from knowledge.citations import (
    NEWS,
    PUBLICATION,
    RECOMMENDATION,
    REGULATION,
    SOURCE_KINDS,
    Citation,
    CitationError,
    basis_text,
    parse_citations,
    regulation_citation,
)
from scoring.methodology import Methodology

GUIDANCE_DIR = Path(__file__).with_name("guidance")
DIMENSIONS = ("ekonomi", "sosial", "budaya", "keberagamaan")
VARIABLES = tuple(f"v{i}" for i in range(1, 9)) + tuple(f"x{i}" for i in range(1, 11))
MIXED = "campuran"
BASES = (*SOURCE_KINDS, MIXED)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class GuidanceError(ValueError):
    """A guidance document is missing or has malformed front matter; the message names the file."""


@dataclass(frozen=True)
class ForumAction:
    id: str
    forum: str
    text: str
    variables: tuple[str, ...]
    doc_id: str
    # What users read as "dasar": the regulation and article, and what is the project's own reasoning
    # ("PBM Menag–Mendagri No. 9 & 8 Tahun 2006, Pasal 9 ayat (2); kaitan dengan variabel: rekomendasi …").
    basis_text: str
    legal_basis: tuple[Citation, ...] = ()  # regulations, each with its article where verified
    practice: tuple[Citation, ...] = ()  # sources reporting a similar activity elsewhere
    recommendation: str | None = None  # the part that is the project's recommendation ("" = the whole action)


@dataclass(frozen=True)
class GuidanceDoc:
    id: str
    title: str
    topics: tuple[str, ...]
    forums: tuple[str, ...]
    dimensions: tuple[str, ...]
    variables: tuple[str, ...]
    sources: tuple[str, ...]  # each citation as "label: url" or "label" (see Citation.reference)
    basis: str
    body: str
    path: Path
    actions: tuple[ForumAction, ...] = ()
    citations: tuple[Citation, ...] = ()
    # Questions a section answers, as users type them, by the section's slug ("yang-sebaiknya-dilakukan"):
    # indexed with the section so that a question finds it in the asker's words, never shown.
    questions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def regulations(self) -> tuple[str, ...]:
        """Ids (regulations.csv) of the regulations the document cites."""
        return tuple(dict.fromkeys(key for c in self.citations for key in c.regulations))


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
    """How a source reads in a chat message: "UU No. 7 Tahun 2012, Pasal 9: https://…" -> the part before
    the address; a source without an address stays as it is."""
    label, sep, address = reference.rpartition(": ")
    return label if sep and re.match(r"https?://", address) else reference


def _action_basis(raw: Any, action_id: str, citations: tuple[Citation, ...], path: Path) -> dict[str, Any]:
    """The structured basis of one action: {regulasi: [{ref, pasal}], praktik: [S-codes], rekomendasi: "..."}."""
    where = f"{path}: aksi '{action_id}'"
    if not isinstance(raw, dict) or set(raw) - {"regulasi", "praktik", "rekomendasi"}:
        raise GuidanceError(f"{where}: 'basis' harus berupa pemetaan dengan 'regulasi', 'praktik' dan/atau 'rekomendasi'")
    regulations = raw.get("regulasi", [])
    if not isinstance(regulations, list) or not all(isinstance(r, dict) and set(r) <= {"ref", "jo", "pasal"} for r in regulations):
        raise GuidanceError(f"{where}: 'regulasi' harus berupa daftar {{ref, jo, pasal}}")
    try:
        legal = tuple(
            regulation_citation(str(r.get("ref", "")), str(r.get("pasal") or "").strip(), str(r.get("jo") or ""))
            for r in regulations
        )
    except CitationError as exc:
        raise GuidanceError(f"{where}: {exc}") from exc
    cited = {key for c in citations for key in c.regulations}
    if missing := sorted({key for c in legal for key in c.regulations} - cited):
        raise GuidanceError(f"{where}: regulasi {missing} tidak tercantum di 'sources' dokumen")
    by_code = {c.code: c for c in citations if c.code and c.kind in (NEWS, PUBLICATION)}
    codes = raw.get("praktik", [])
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise GuidanceError(f"{where}: 'praktik' harus berupa daftar kode sumber (S59, …)")
    if missing := [code for code in codes if code not in by_code]:
        raise GuidanceError(f"{where}: 'praktik' menyebut {', '.join(missing)}, yang tidak ada di 'sources' sebagai berita atau publikasi")
    recommendation = raw.get("rekomendasi")
    if recommendation is not None and not isinstance(recommendation, str):
        raise GuidanceError(f"{where}: 'rekomendasi' harus berupa teks")
    if not legal and recommendation is None:
        raise GuidanceError(
            f"{where}: dasar aksi hanya pemberitaan; sebut regulasinya (regulasi) atau tandai sebagai rekomendasi proyek (rekomendasi)"
        )
    return {"legal": legal, "practice": tuple(by_code[code] for code in codes), "recommendation": recommendation}


def _actions(
    meta: dict[str, Any], doc_id: str, forums: tuple[str, ...], citations: tuple[Citation, ...], path: Path
) -> tuple[ForumAction, ...]:
    raw = meta.get("actions", [])
    if not isinstance(raw, list):
        raise GuidanceError(f"{path}: 'actions' harus berupa daftar")
    out = []
    for i, a in enumerate(raw):
        if not isinstance(a, dict) or not all(isinstance(a.get(k), str) and a[k].strip() for k in ("id", "text")):
            raise GuidanceError(f"{path}: aksi ke-{i + 1} harus punya 'id' dan 'text' berupa teks")
        forum = a.get("forum") or (forums[0] if len(forums) == 1 else None)
        if forum not in FORUMS:
            raise GuidanceError(f"{path}: aksi '{a['id']}' tidak menyebut forum yang sah ({list(FORUMS)})")
        variables = _strings(a, "variables", path, VARIABLES)
        if not variables:
            raise GuidanceError(f"{path}: aksi '{a['id']}' tidak menyebut variabel")
        basis = _action_basis(a.get("basis"), a["id"], citations, path)
        text = basis_text(basis["legal"], basis["recommendation"], bool(basis["practice"]))
        out.append(
            ForumAction(
                id=a["id"],
                forum=forum,
                text=a["text"].strip(),
                variables=variables,
                doc_id=doc_id,
                basis_text=text,
                legal_basis=basis["legal"],
                practice=basis["practice"],
                recommendation=basis["recommendation"],
            )
        )
    return tuple(out)


def _check_basis(basis: str, citations: tuple[Citation, ...], path: Path) -> None:
    """A document's overall basis must match its sources: one kind only when every source is of that kind
    (official summaries may sit beside the regulation they summarise; the project's own notes beside
    anything), "campuran" only when they differ."""
    kinds = {c.kind for c in citations} - {RECOMMENDATION}
    if basis == REGULATION:
        kinds -= {PUBLICATION}
    if basis == MIXED:
        if len({c.kind for c in citations}) < 2:
            raise GuidanceError(f"{path}: basis 'campuran' tetapi semua sumber berjenis {citations[0].kind}")
    elif basis == RECOMMENDATION:
        if any(c.kind == REGULATION for c in citations):
            raise GuidanceError(f"{path}: basis 'rekomendasi_proyek' tetapi dokumen mengutip regulasi; pakai 'campuran'")
    elif kinds != {basis}:
        raise GuidanceError(f"{path}: basis '{basis}' tidak sesuai jenis sumbernya {sorted({c.kind for c in citations})}")


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
    try:
        citations = parse_citations(meta.get("sources"))
    except CitationError as exc:
        raise GuidanceError(f"{path}: {exc}") from exc
    if not citations:
        raise GuidanceError(f"{path}: 'sources' wajib memuat sedikitnya satu sumber")
    _check_basis(meta["basis"], citations, path)
    forums = _strings(meta, "forums", path, FORUMS)
    return GuidanceDoc(
        id=meta["id"],
        title=meta["title"].strip(),
        topics=_strings(meta, "topics", path),
        forums=forums,
        dimensions=_strings(meta, "dimensions", path, DIMENSIONS),
        variables=_strings(meta, "variables", path, VARIABLES),
        sources=tuple(dict.fromkeys(c.reference for c in citations)),
        basis=meta["basis"],
        body=text[match.end():].strip(),
        path=path,
        actions=_actions(meta, meta["id"], forums, citations, path),
        citations=citations,
        questions=_questions(meta, path),
    )


def _questions(meta: dict[str, Any], path: Path) -> dict[str, tuple[str, ...]]:
    raw = meta.get("questions", {})
    if not isinstance(raw, dict) or not all(isinstance(slug, str) and _ID.match(slug) for slug in raw):
        raise GuidanceError(f"{path}: 'questions' harus berupa pemetaan slug bagian -> daftar pertanyaan")
    return {slug: _strings(raw, slug, path) for slug in raw}


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


def actions_for(
    actions: Sequence[ForumAction], forum: str, weakest: Sequence[str], methodology: Methodology, limit: int
) -> list[ForumAction]:
    """A forum's actions for the weakest variables (weakest first); failing that, for their dimensions."""
    direct = [action for key in weakest for action in actions if action.forum == forum and key in action.variables]
    if not direct:
        related = {v.key for key in weakest for v in methodology.variables_of(methodology.variable(key).dimension)}
        direct = [action for action in actions if action.forum == forum and related & set(action.variables)]
    return list(dict.fromkeys(direct))[:limit]
