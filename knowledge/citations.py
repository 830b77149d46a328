"""Structured citations: what a guidance document, a forum action or a forum-map link rests on.

A source is one of four kinds — a regulation cited by its entry in `regulations.csv` and an article, an
official publication, a news report (only for reported practice), or the project's own recommendation —
and reads to users as an official can cite it ("PBM Menag–Mendagri No. 9 & 8 Tahun 2006, Pasal 9
ayat (2)"), never as a document-sharing site.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from knowledge.regulations import load_regulations

REGULATION, PUBLICATION, NEWS, RECOMMENDATION = "regulasi", "publikasi_resmi", "berita", "rekomendasi_proyek"
SOURCE_KINDS = (REGULATION, PUBLICATION, NEWS, RECOMMENDATION)
# How each kind is introduced to users; news supports only what was reported, chiefly practice elsewhere.
KIND_LABELS = {
    REGULATION: "Regulasi",
    PUBLICATION: "Publikasi resmi",
    NEWS: "Berita (praktik dan keterangan yang diberitakan)",
    RECOMMENDATION: "Rekomendasi tim IHaI Assistant",
}
RECOMMENDATION_TEXT = "rekomendasi tim IHaI Assistant"
PRACTICE_TEXT = "praktik serupa dilaporkan di daerah lain"
# Copies of documents on sharing sites and blogs: used to cross-check a text, never shown as a basis.
MIRROR_HOSTS = (
    "scribd.com", "123dok.com", "docplayer.info", "fdokumen.com", "dokumen.tips", "studylib.net",
    "studylibid.com", "slideshare.net", "slidepub.com", "adoc.pub", "pdfcoffee.com", "docstoc.com",
    "blogspot.com", "wikisource.org", "materilengkap.my.id", "mediabritarakyat.my.id", "acuanbersama.com",
)
_CODE = re.compile(r"^S\d{1,3}$")


class CitationError(ValueError):
    """A source entry is malformed; the message says which and why (the caller adds the file)."""


@dataclass(frozen=True)
class Citation:
    kind: str
    label: str  # what users read: "PBM Menag–Mendagri No. 9 & 8 Tahun 2006, Pasal 9 ayat (2)"
    url: str = ""
    regulation: str = ""  # id in regulations.csv (kind "regulasi")
    article: str = ""  # "Pasal 9 ayat (2)"; empty when the regulation is cited as a whole
    code: str = ""  # number in the project's checked fact sheet ("S7"), for tracing only
    amended_by: str = ""  # id of the amending regulation, cited with "jo."

    @property
    def regulations(self) -> tuple[str, ...]:
        return tuple(filter(None, (self.regulation, self.amended_by)))

    @property
    def reference(self) -> str:
        """"label: url" (or just the label): the form `GuidanceDoc.sources` and index hits carry."""
        return f"{self.label}: {self.url}" if self.url else self.label

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def site(self) -> str:
        return (urlsplit(self.url).hostname or "").removeprefix("www.") if self.url else ""


def is_mirror(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == mirror or host.endswith("." + mirror) for mirror in MIRROR_HOSTS)


def regulation_citation(ref: str, article: str = "", amended_by: str = "") -> Citation:
    """A regulation by its id in regulations.csv; `amended_by` cites it together with its amendment
    ("Permendagri No. 2 Tahun 2018 jo. Permendagri No. 46 Tahun 2019")."""
    regulations = load_regulations()
    for key in filter(None, (ref, amended_by)):
        if key not in regulations:
            raise CitationError(f"regulasi '{key}' tidak ada di knowledge/regulations.csv")
    regulation = regulations[ref]
    name = f"{regulation.short} jo. {regulations[amended_by].short}" if amended_by else regulation.short
    label = f"{name}, {article}" if article else name
    return Citation(REGULATION, label, regulation.official_link, ref, article, amended_by=amended_by)


def parse_citation(entry: Any) -> Citation:
    """One source entry of front matter: {kind: regulasi, ref: pbm-9-8-2006, pasal: "Pasal 9"} or
    {kind: berita, title: "...", url: "https://...", code: S59}."""
    if not isinstance(entry, Mapping):
        raise CitationError(f"sumber {entry!r} harus berupa pemetaan dengan 'kind'")
    kind = entry.get("kind")
    if kind not in SOURCE_KINDS:
        raise CitationError(f"jenis sumber '{kind}' tidak sah; yang sah: {list(SOURCE_KINDS)}")
    unknown = set(entry) - {"kind", "ref", "jo", "pasal", "title", "url", "code"}
    if unknown:
        raise CitationError(f"sumber memuat kunci tidak dikenal {sorted(unknown)}")
    code = str(entry.get("code") or "")
    if code and not _CODE.match(code):
        raise CitationError(f"kode sumber '{code}' harus berbentuk S<nomor>")
    if kind == REGULATION:
        if "title" in entry or "url" in entry:
            raise CitationError("sumber regulasi memakai 'ref' (id di regulations.csv) dan 'pasal', bukan judul atau tautan")
        return regulation_citation(str(entry.get("ref", "")), str(entry.get("pasal") or "").strip(), str(entry.get("jo") or ""))
    title, url = str(entry.get("title") or "").strip(), str(entry.get("url") or "").strip()
    if {"ref", "jo", "pasal"} & set(entry):
        raise CitationError(f"'ref', 'jo' dan 'pasal' hanya untuk sumber regulasi, bukan {kind}")
    if not title or ": " in title:
        raise CitationError(f"sumber {kind} perlu 'title' tanpa ': ' (pakai ' — ')")
    if url and not re.match(r"^https?://\S+$", url):
        raise CitationError(f"tautan '{url}' tidak sah")
    if url and is_mirror(url):
        raise CitationError(f"{url} adalah situs cermin/berbagi dokumen; kutip dokumen atau regulasinya sendiri")
    if kind == NEWS and not url:
        raise CitationError(f"berita '{title}' perlu tautan")
    return Citation(kind, title, url, code=code)


def parse_citations(entries: Any) -> tuple[Citation, ...]:
    if not isinstance(entries, list):
        raise CitationError("'sources' harus berupa daftar")
    return tuple(parse_citation(entry) for entry in entries)


def basis_text(legal: Iterable[Citation], recommendation: str | None, practice_reported: bool = False) -> str:
    """What users read as the basis: the regulations first, then what is the project's own reasoning.

    "PBM Menag–Mendagri No. 9 & 8 Tahun 2006, Pasal 9 ayat (2); kaitan dengan variabel: rekomendasi
    tim IHaI Assistant". Reported practice is mentioned without naming outlets (they are in the sources).
    """
    parts = [citation.label for citation in legal]
    if recommendation is not None:
        note = recommendation.strip()
        parts.append(f"{note}: {RECOMMENDATION_TEXT}" if note else RECOMMENDATION_TEXT)
    if practice_reported:
        parts.append(PRACTICE_TEXT)
    text = "; ".join(parts)
    return text[0].upper() + text[1:] if text else text
