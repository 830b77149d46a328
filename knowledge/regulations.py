"""The regulations the guidance corpus cites: `knowledge/regulations.csv`, one row per instrument.

Every regulation a guidance document or the forum map cites must have a row here (a test also checks
the regulations named in document bodies). A row gives what an official needs to cite it: type, number,
year, full title, issuer, and a link to an official legal database (JDIH, peraturan.go.id,
peraturan.bpk.go.id) where one was found — left empty otherwise, never guessed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

REGULATIONS_FILE = Path(__file__).with_name("regulations.csv")
COLUMNS = ("id", "short", "type", "number", "year", "title", "issuer", "official_link", "link_note")
# Official legal databases: the national ones and any government JDIH (jdih.<agency>.go.id).
_OFFICIAL_HOSTS = ("peraturan.go.id", "peraturan.bpk.go.id")
_JDIH_HOST = re.compile(r"^jdih(?:\.[a-z0-9-]+)*\.go\.id$")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class RegulationError(ValueError):
    """The regulation list is malformed, or a citation names a regulation it does not hold."""


@dataclass(frozen=True)
class Regulation:
    id: str
    short: str  # how users see it cited: "PBM Menag–Mendagri No. 9 & 8 Tahun 2006"
    type: str  # UU, PP, Perpres, Permendagri, PBM, ...
    number: str
    year: int
    title: str
    issuer: str
    official_link: str = ""
    link_note: str = ""

    def cite(self, article: str = "") -> str:
        """"PBM Menag–Mendagri No. 9 & 8 Tahun 2006, Pasal 9 ayat (2)" (the article only when given)."""
        return f"{self.short}, {article}" if article else self.short

    @property
    def full_title(self) -> str:
        return f"{self.short} tentang {self.title}"


def is_official_link(url: str) -> bool:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return urlsplit(url).scheme == "https" and (host in _OFFICIAL_HOSTS or bool(_JDIH_HOST.match(host)))


def parse_regulations(path: Path) -> dict[str, Regulation]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise RegulationError(f"{path}: kolom harus {', '.join(COLUMNS)}")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RegulationError(f"{path}: tidak dapat dibaca ({exc})") from exc
    regulations: dict[str, Regulation] = {}
    for line, row in enumerate(rows, 2):
        where = f"{path}, baris {line}"
        if not _ID.match(row["id"] or ""):
            raise RegulationError(f"{where}: id '{row['id']}' harus berhuruf kecil-tanda hubung")
        if row["id"] in regulations:
            raise RegulationError(f"{where}: id '{row['id']}' ganda")
        if not all((row[key] or "").strip() for key in ("short", "type", "number", "title", "issuer")):
            raise RegulationError(f"{where}: short, type, number, title dan issuer wajib diisi")
        if not re.fullmatch(r"(19|20)\d\d", row["year"] or ""):
            raise RegulationError(f"{where}: tahun '{row['year']}' tidak sah")
        if ": " in row["short"]:
            raise RegulationError(f"{where}: 'short' tidak boleh memuat ': '")
        link = (row["official_link"] or "").strip()
        if link and not is_official_link(link):
            raise RegulationError(f"{where}: {link} bukan basis data peraturan resmi (JDIH, peraturan.go.id)")
        regulations[row["id"]] = Regulation(
            id=row["id"],
            short=row["short"].strip(),
            type=row["type"].strip(),
            number=row["number"].strip(),
            year=int(row["year"]),
            title=row["title"].strip(),
            issuer=row["issuer"].strip(),
            official_link=link,
            link_note=(row["link_note"] or "").strip(),
        )
    return regulations


@cache
def load_regulations() -> dict[str, Regulation]:
    """The packaged list, by id (read once)."""
    return parse_regulations(REGULATIONS_FILE)


# Regulation mentions in running text: "Permendagri Nomor 2 Tahun 2018", "Perpres 58/2023",
# "PBM 9 dan 8 Tahun 2006", "Kepmendagri Nomor 050-5889 Tahun 2021", "Putusan MK Nomor 97/PUU-XIV/2016".
_TYPE_NAMES = {
    "uu": "UU",
    "undang-undang": "UU",
    "pp": "PP",
    "peraturan pemerintah": "PP",
    "perpres": "Perpres",
    "peraturan presiden": "Perpres",
    "inpres": "Inpres",
    "instruksi presiden": "Inpres",
    "permendagri": "Permendagri",
    "peraturan menteri dalam negeri": "Permendagri",
    "inmendagri": "Inmendagri",
    "instruksi menteri dalam negeri": "Inmendagri",
    "instruksi mendagri": "Inmendagri",
    "kepmendagri": "Kepmendagri",
    "keputusan menteri dalam negeri": "Kepmendagri",
    "permendikbud": "Permendikbud",
    "skb": "SKB",
    "pbm": "PBM",
    "peraturan bersama": "PBM",
}
_TYPE_PATTERN = "|".join(sorted((re.escape(name) for name in _TYPE_NAMES), key=len, reverse=True))
_MENTION = re.compile(
    rf"\b(?P<type>{_TYPE_PATTERN})\b"
    # PBM/SKB names run long ("Peraturan Bersama Menteri Agama dan Menteri Dalam Negeri Nomor 9 dan 8")
    r"(?:\s+(?:Menag|Mendagri|Menteri|Agama|Dalam|Negeri|Kebudayaan|Pariwisata|Menbudpar|dan|–|-|&)+)*"
    r"\s+(?:Nomor|No\.)?\s*"
    r"(?P<number>\d[\w.\-]*(?:\s*(?:dan|&)\s*(?:Nomor\s+)?\d+)?)"
    r"(?:\s+Tahun\s+|/)(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_MK = re.compile(r"\bPutusan\s+(?:Mahkamah\s+Konstitusi|MK)\s+(?:Nomor\s+|No\.\s*)?(?P<number>\d+/PUU-[A-Z]+)/(?P<year>\d{4})")


def _normal_number(number: str) -> str:
    return re.sub(r"\s*(?:dan|&)\s*(?:Nomor\s+)?", " & ", number.strip(), flags=re.IGNORECASE)


def mentions(text: str) -> set[tuple[str, str, int]]:
    """(type, number, year) of every regulation named in `text`, numbers normalised ("9 & 8")."""
    found = {
        (_TYPE_NAMES[m.group("type").lower()], _normal_number(m.group("number")), int(m.group("year")))
        for m in _MENTION.finditer(text)
    }
    found |= {("Putusan MK", m.group("number"), int(m.group("year"))) for m in _MK.finditer(text)}
    return found


def find_regulation(kind: str, number: str, year: int) -> Regulation | None:
    """The listed regulation a mention names; a PBM or SKB named by one of its numbers ("PBM 9/2006") counts."""
    for regulation in load_regulations().values():
        if regulation.type == kind and regulation.year == year:
            numbers = {regulation.number, *regulation.number.split(" & ")}
            if number in numbers:
                return regulation
    return None
