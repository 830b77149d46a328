"""The region gazetteer: Indonesia's 38 provinces and 514 kab/kota with Kemendagri codes.

One place answers "which region does this text or code mean?" for survey ingest (strict, never fuzzy),
for the conversation engine (names and aliases as users type them) and for "maksud Anda …?" hints
(fuzzy). Data: `regions.csv` (built by `core.build_regions`), the hand-kept `aliases.csv`, and
`aliases-everyday.csv`: short forms that are also ordinary words ("Tasik", lake; "Loteng", attic), which
the conversation engine takes as regions only where a message is about regions.

Matching rules everyone relies on:
- Every comparison goes through `normalise_name`, so "KAB. TAPIN", "Kab Tapin" and "kabupaten tapin"
  are the same key.
- Names are also compared with their spaces removed ("Palangka Raya" = "Palangkaraya",
  "Tolitoli" = "Toli-Toli"). That is an exact comparison, not a fuzzy one.
- A bare name shared by several regions ("Banjar": Kabupaten Banjar in Kalimantan Selatan, Kota Banjar
  in Jawa Barat) is ambiguous: `resolve_kabkota` refuses it, `lookup` returns every candidate.
- Aliases are colloquial forms (province short forms, local abbreviations, former names). They feed
  `lookup`, `suggest` and `name_index`, never the strict `resolve_kabkota`.
- "Jogja"/"Yogya"/"Jogjakarta" alone mean the province (Daerah Istimewa Yogyakarta), as in everyday
  speech ("liburan ke Jogja"); the city is "Kota Jogja" / "Kota Yogyakarta" / "Yogyakarta".
  "Jakarta" alone means the province.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from core.constants import KABKOTA, PROVINSI
from core.text import fold

if TYPE_CHECKING:
    import pandas as pd


_DATA_DIR = Path(__file__).resolve().parent
# Longest first: "Kabupaten Administrasi " must not be cut down to "Kabupaten ".
_KIND_PREFIXES = ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota ")
_ABBREVIATIONS = {
    "kab": "kabupaten",
    "kot": "kota",
    "adm": "administrasi",
    "kep": "kepulauan",
    "prov": "provinsi",
}
# A leading qualifier in user text narrows `lookup` to regions of that level or kind.
_QUALIFIERS = {"provinsi": PROVINSI, "kabupaten": "kabupaten", "kota": "kota"}
_NON_WORD = re.compile(r"[\W_]+")
_CODE = re.compile(r"(\d{2})(?:\.?(\d{2}))?")
# Below this rapidfuzz ratio a suggestion is noise rather than a likely typo.
_SUGGEST_MIN_SCORE = 60.0


def normalise_name(text: str) -> str:
    """The one normaliser: lower-case, no accents or punctuation, single spaces, abbreviations spelt out.

    "KAB. ADM. KEP. SERIBU" -> "kabupaten administrasi kepulauan seribu"; "Toli-Toli" -> "toli toli".
    """
    plain = fold(text)
    return " ".join(_ABBREVIATIONS.get(token, token) for token in _NON_WORD.sub(" ", plain).split())


def _compact(key: str) -> str:
    return key.replace(" ", "")


@dataclass(frozen=True, slots=True)
class Region:
    """One province or kab/kota as Kemendagri lists it."""

    code: str  # "63.03" or "63"
    name: str  # official: "Kabupaten Banjar", "Kalimantan Selatan"
    level: str  # "provinsi" | "kabkota"
    kind: str  # "provinsi" | "kabupaten" | "kota"
    province_code: str  # "63" (a province's own code for a province)
    province_name: str
    short_name: str  # name without "Kabupaten "/"Kota "/"Administrasi ": "Banjar", "Jakarta Pusat"


def _aliases(path: Path) -> dict[str, list[str]]:
    aliases: dict[str, list[str]] = {}
    if path.exists():
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                aliases.setdefault(row["alias"], []).append(row["code"])
    return aliases


def _short_name(name: str) -> str:
    for prefix in _KIND_PREFIXES:
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def _sort_key(region: Region) -> tuple[bool, str, str]:
    # Provinces first, then kabupaten before kota: lookup("banjar") lists Kabupaten Banjar first.
    return (region.level != PROVINSI, region.kind, region.code)


class _Index:
    """Surface form -> region codes, plus the same keyed by the form with its spaces removed."""

    def __init__(self) -> None:
        self.exact: dict[str, tuple[str, ...]] = {}
        self.compact: dict[str, tuple[str, ...]] = {}

    def add(self, surface: str, code: str) -> None:
        key = normalise_name(surface)
        for table, form in ((self.exact, key), (self.compact, _compact(key))):
            if code not in table.get(form, ()):
                table[form] = (*table.get(form, ()), code)

    def find(self, key: str) -> tuple[str, ...]:
        return self.exact.get(key) or self.compact.get(_compact(key), ())


class Gazetteer:
    """Provinces and kab/kota, looked up by code, official name, short name or alias."""

    def __init__(
        self,
        regions: Iterable[Region],
        aliases: Mapping[str, Iterable[str]],
        everyday: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._regions = {region.code: region for region in sorted(regions, key=lambda r: r.code)}
        self._strict = _Index()  # kab/kota official names only: survey ingest
        self._names = _Index()  # every region, official and colloquial forms: conversation
        self._ambiguous: dict[str, list[Region]] = {}

        for region in self._regions.values():
            forms = {region.name, region.short_name}
            if region.level == KABKOTA:
                # "Kota Jakarta Pusat" for "Kota Administrasi Jakarta Pusat".
                forms.add(f"{region.kind} {region.short_name}")
            for form in forms:
                self._names.add(form, region.code)
                if region.level == KABKOTA:
                    self._strict.add(form, region.code)
            self._ambiguous.setdefault(normalise_name(region.short_name), []).append(region)
        self._ambiguous = {key: found for key, found in self._ambiguous.items() if len(found) > 1}

        everyday = everyday or {}
        self._everyday = frozenset(normalise_name(alias) for alias in everyday)
        aliases = {**aliases, **{alias: [*aliases.get(alias, ()), *codes] for alias, codes in everyday.items()}}
        for alias, codes in aliases.items():
            for code in codes:
                if code not in self._regions:
                    raise ValueError(f"alias {alias!r} points to unknown region code {code!r}")
                self._names.add(alias, code)

        # name_index also carries the space-free spelling of multi-word short names and aliases
        # ("palangkaraya", "tanjungpinang"), so that an engine scanning single words finds them.
        self._name_index = dict(self._names.exact)
        for surface in [*(region.short_name for region in self._regions.values()), *aliases]:
            key = normalise_name(surface)
            if " " in key:
                self._name_index.setdefault(_compact(key), self._names.compact[_compact(key)])
        self._suggest_keys = list(self._name_index)

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Read regions.csv and the aliases.csv beside it; `path` is regions.csv or the folder holding it."""
        if path is None:
            regions_csv = _DATA_DIR / "regions.csv"
        else:
            regions_csv = path / "regions.csv" if path.is_dir() else path
        with regions_csv.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        province_names = {row["code"]: row["name"] for row in rows if row["level"] == PROVINSI}
        regions = [
            Region(
                code=row["code"],
                name=row["name"],
                level=row["level"],
                kind=row["kind"],
                province_code=row["province_code"],
                province_name=province_names[row["province_code"]],
                short_name=_short_name(row["name"]) if row["level"] == KABKOTA else row["name"],
            )
            for row in rows
        ]
        return cls(regions, _aliases(regions_csv.with_name("aliases.csv")),
                   _aliases(regions_csv.with_name("aliases-everyday.csv")))  # fmt: skip

    def everyday_names(self) -> frozenset[str]:
        """Normalised aliases that are also ordinary words: regions only where a message is about regions."""
        return self._everyday

    def get(self, code: str) -> Region | None:
        """The region with this code, written "63.03", "6303", "63" or with surrounding spaces."""
        match = _CODE.fullmatch(code.strip())
        if match is None:
            return None
        province, kabkota = match.groups()
        return self._regions.get(province if kabkota is None else f"{province}.{kabkota}")

    def provinces(self) -> list[Region]:
        return [region for region in self._regions.values() if region.level == PROVINSI]

    def kabkota(self, province_code: str | None = None) -> list[Region]:
        """All kab/kota, or those of one province, in code order."""
        return [
            region
            for region in self._regions.values()
            if region.level == KABKOTA and (province_code is None or region.province_code == province_code.strip())
        ]

    def resolve_kabkota(self, text: str) -> Region | None:
        """Strict kab/kota resolution for survey ingest: a code or an official name, never a guess.

        Accepts "63.03", "6303", "Kota Banjarbaru", "KAB. TAPIN", "Kab Tapin", "kabupaten tapin",
        "KOTA ADM. JAKARTA PUSAT" and a bare name when exactly one kab/kota has it ("Tapin").
        None for anything else, including a province code and a bare name shared by several ("Banjar").
        """
        if _CODE.fullmatch(text.strip()):
            region = self.get(text)
            return region if region is not None and region.level == KABKOTA else None
        codes = self._strict.find(normalise_name(text))
        return self._regions[codes[0]] if len(codes) == 1 else None

    def resolve_kabkota_codes(self, values: pd.Series) -> pd.Series:
        """`resolve_kabkota` over a column: kab/kota codes as a string Series, <NA> where unresolved.

        Each distinct value is resolved once and the result mapped back, so 300k rows with ~500 distinct
        spellings cost ~500 resolutions. Non-string cells are read through `str` (6303 -> "6303").
        """
        import pandas as pd

        resolved = {value: self.resolve_kabkota(str(value)) for value in values.dropna().unique()}
        codes = {value: pd.NA if region is None else region.code for value, region in resolved.items()}
        return values.map(codes).astype("string")

    def lookup(self, text: str) -> list[Region]:
        """Regions whose name, short name or alias is exactly `text` (normalised); no fuzzy matching.

        "banjar" -> [Kabupaten Banjar, Kota Banjar]; "kab banjar" -> [Kabupaten Banjar];
        "kalsel" -> [Kalimantan Selatan]; "kab hss" -> [Kabupaten Hulu Sungai Selatan].
        """
        key = normalise_name(text)
        codes = self._names.find(key)
        if not codes:
            # "kab hss", "kota solo", "prov kalsel": an alias behind a qualifier, filtered by that qualifier.
            qualifier, _, rest = key.partition(" ")
            wanted = _QUALIFIERS.get(qualifier)
            if wanted is not None and rest:
                candidates = (self._regions[code] for code in self._names.find(rest))
                codes = tuple(region.code for region in candidates if wanted in (region.level, region.kind))
        return sorted((self._regions[code] for code in codes), key=_sort_key)

    def suggest(self, text: str, limit: int = 3) -> list[tuple[Region, float]]:
        """Up to `limit` regions whose names are closest to `text` (rapidfuzz ratio, 0–100), best first."""
        key = normalise_name(text)
        qualifier, _, rest = key.partition(" ")
        # "kab banjarmsin" is also tried as "banjarmsin": the qualifier would otherwise outweigh the typo.
        queries = {key, rest} if qualifier in _QUALIFIERS else {key}
        best: dict[str, float] = {}
        for query in filter(None, queries):
            for surface, score, _ in process.extract(
                query, self._suggest_keys, scorer=fuzz.ratio, limit=None, score_cutoff=_SUGGEST_MIN_SCORE
            ):
                for code in self._name_index[surface]:
                    best[code] = max(score, best.get(code, 0.0))
        ranked = sorted(best.items(), key=lambda item: (-item[1], _sort_key(self._regions[item[0]])))
        return [(self._regions[code], score) for code, score in ranked[:limit]]

    def name_index(self) -> dict[str, tuple[str, ...]]:
        """Normalised surface form -> region codes, for scanning user text for n-grams.

        Forms: official names, short names, "kabupaten/kota <short name>", aliases, and the space-free
        spelling of multi-word short names and aliases. A form naming several regions maps to all of them.
        """
        return dict(self._name_index)

    def ambiguous_names(self) -> dict[str, list[Region]]:
        """Normalised short names shared by several regions: "banjar", "bandung", "gorontalo", …

        Computed from the data; provinces take part ("jambi" is the province and Kota Jambi).
        """
        return {key: list(found) for key, found in self._ambiguous.items()}


@cache
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer from the packaged data."""
    return Gazetteer.load()
