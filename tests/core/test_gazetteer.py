"""The region gazetteer: counts, the official 2025 list, strict and colloquial resolution."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import gazetteer as gazetteer_module
from core.gazetteer import Gazetteer, Region, get_gazetteer, normalise_name

# The repository is cloned beside a copy of `shared/`; the reference list lives there, not in the project.
REFERENCE_CSV = Path(__file__).resolve().parents[3] / "shared" / "reference" / "wilayah-2025.csv"
ALIASES_CSV = Path(gazetteer_module.__file__).with_name("aliases.csv")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


def _region(gazetteer: Gazetteer, code: str) -> Region:
    region = gazetteer.get(code)
    assert region is not None, code
    return region


def test_counts_match_kepmendagri_2025(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.provinces()) == 38
    assert len(gazetteer.kabkota()) == 514
    assert Counter(region.kind for region in gazetteer.kabkota()) == {"kabupaten": 416, "kota": 98}


def test_every_region_matches_the_reference_list(gazetteer: Gazetteer) -> None:
    if not REFERENCE_CSV.exists():
        pytest.skip(f"reference list not present at {REFERENCE_CSV}")
    with REFERENCE_CSV.open(newline="", encoding="utf-8") as handle:
        reference = {row["kode"]: row for row in csv.DictReader(handle) if row["tingkat"] != "nasional"}
    ours = {region.code: region for region in [*gazetteer.provinces(), *gazetteer.kabkota()]}
    assert ours.keys() == reference.keys()
    for code, row in reference.items():
        region = ours[code]
        # The reference has stray double spaces in six names ("Kabupaten  Pelalawan"); spacing is not spelling.
        assert region.name == " ".join(row["nama"].split()), code
        assert region.kind == row["tingkat"], code
        assert region.province_code == row["kode_provinsi"], code


def test_regions_are_consistent(gazetteer: Gazetteer) -> None:
    for province in gazetteer.provinces():
        assert (province.level, province.kind, province.province_code) == ("provinsi", "provinsi", province.code)
        assert province.province_name == province.name
    for region in gazetteer.kabkota():
        assert region.level == "kabkota"
        assert region.province_name == _region(gazetteer, region.province_code).name
        # Kemendagri numbers kota from 71.
        assert (region.kind == "kota") == (int(region.code[3:]) >= 71), region.code


@pytest.mark.parametrize(
    ("code", "name", "province_code", "province_name"),
    [
        ("93.01", "Kabupaten Merauke", "93", "Papua Selatan"),
        ("94.04", "Kabupaten Mimika", "94", "Papua Tengah"),
        ("95.01", "Kabupaten Jayawijaya", "95", "Papua Pegunungan"),
        ("96.71", "Kota Sorong", "96", "Papua Barat Daya"),
        ("91.71", "Kota Jayapura", "91", "Papua"),
        ("92.02", "Kabupaten Manokwari", "92", "Papua Barat"),
    ],
)
def test_papua_split(gazetteer: Gazetteer, code: str, name: str, province_code: str, province_name: str) -> None:
    region = _region(gazetteer, code)
    assert (region.name, region.province_code, region.province_name) == (name, province_code, province_name)


def test_papua_provinces_and_vacated_codes(gazetteer: Gazetteer) -> None:
    assert [len(gazetteer.kabkota(code)) for code in ("91", "92", "93", "94", "95", "96")] == [9, 7, 4, 8, 8, 6]
    for old_code in ("91.01", "91.02", "91.04", "92.01", "92.71"):
        assert gazetteer.get(old_code) is None


def test_names_and_short_names(gazetteer: Gazetteer) -> None:
    assert _region(gazetteer, "31.71").name == "Kota Administrasi Jakarta Pusat"
    assert _region(gazetteer, "31.71").short_name == "Jakarta Pusat"
    assert _region(gazetteer, "31.01").short_name == "Kepulauan Seribu"
    assert _region(gazetteer, "63.72").short_name == "Banjarbaru"
    assert _region(gazetteer, "34").name == "Daerah Istimewa Yogyakarta"
    assert _region(gazetteer, "12.12").name == "Kabupaten Toba"


@pytest.mark.parametrize("code", ["63.03", "6303", " 63.03 "])
def test_get_accepts_code_spellings(gazetteer: Gazetteer, code: str) -> None:
    assert _region(gazetteer, code).name == "Kabupaten Banjar"


def test_get_province_and_unknown(gazetteer: Gazetteer) -> None:
    assert _region(gazetteer, "63").name == "Kalimantan Selatan"
    assert gazetteer.get("63.99") is None
    assert gazetteer.get("banjar") is None


def test_normalise_name() -> None:
    assert normalise_name("  KAB.  Tapin ") == "kabupaten tapin"
    assert normalise_name("KOTA ADM. JAKARTA PUSAT") == "kota administrasi jakarta pusat"
    assert normalise_name("Kab. Adm. Kep. Seribu") == "kabupaten administrasi kepulauan seribu"
    assert normalise_name("Toli-Toli") == "toli toli"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("63.03", "63.03"),
        ("6372", "63.72"),
        ("Kota Banjarbaru", "63.72"),
        ("KAB. TAPIN", "63.05"),
        ("Kab Tapin", "63.05"),
        ("kabupaten tapin", "63.05"),
        ("Tapin", "63.05"),
        ("KOTA ADM. JAKARTA PUSAT", "31.71"),
        ("Kota Jakarta Pusat", "31.71"),
        ("KAB. ADM. KEP. SERIBU", "31.01"),
        ("Kabupaten Banjar", "63.03"),
        ("KOTA BANJAR", "32.79"),
        ("Kota Palangka Raya", "62.71"),
        ("Kabupaten Kepulauan Siau Tagulandang Biaro", "71.09"),
    ],
)
def test_resolve_kabkota(gazetteer: Gazetteer, text: str, code: str) -> None:
    region = gazetteer.resolve_kabkota(text)
    assert region is not None and region.code == code


@pytest.mark.parametrize("text", ["Banjar", "bandung", "63", "Kalimantan Selatan", "hss", "Banjarmsin", "", "99.01"])
def test_resolve_kabkota_refuses_ambiguous_unknown_and_colloquial(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.resolve_kabkota(text) is None


def test_banjar_is_ambiguous(gazetteer: Gazetteer) -> None:
    assert {region.code for region in gazetteer.lookup("banjar")} == {"63.03", "32.79"}
    assert [region.code for region in gazetteer.lookup("kab banjar")] == ["63.03"]
    assert [region.code for region in gazetteer.lookup("Kota Banjar")] == ["32.79"]


def test_ambiguous_names_are_computed(gazetteer: Gazetteer) -> None:
    ambiguous = gazetteer.ambiguous_names()
    expected = (
        "banjar bandung bogor malang kediri blitar madiun magelang pekalongan tegal cirebon sukabumi tasikmalaya "
        "serang bekasi tangerang kupang sorong jayapura bima solok"
    ).split()
    assert set(expected) <= ambiguous.keys()
    assert {region.code for region in ambiguous["banjar"]} == {"63.03", "32.79"}
    assert "tapin" not in ambiguous


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("kalsel", ["63"]),
        ("Jabar", ["32"]),
        ("DIY", ["34"]),
        ("jogja", ["34"]),
        ("kota jogja", ["34.71"]),
        ("jakpus", ["31.71"]),
        ("HSS", ["63.06"]),
        ("kab hss", ["63.06"]),
        ("kota hss", []),
        ("prov kalsel", ["63"]),
        ("Kabupaten Banjar", ["63.03"]),
        ("palangkaraya", ["62.71"]),
        ("gorontalo", ["75", "75.01", "75.71"]),
        ("banjarmsin", []),
    ],
)
def test_lookup(gazetteer: Gazetteer, text: str, codes: list[str]) -> None:
    assert [region.code for region in gazetteer.lookup(text)] == codes


def test_aliases_name_known_regions_and_shadow_no_official_name(gazetteer: Gazetteer) -> None:
    official = {
        normalise_name(form)
        for region in [*gazetteer.provinces(), *gazetteer.kabkota()]
        for form in (region.name, region.short_name)
    }
    with ALIASES_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            assert gazetteer.get(row["code"]) is not None, row
            assert normalise_name(row["alias"]) not in official, row


def test_unknown_alias_code_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "regions.csv").write_text(
        "code,name,level,kind,province_code\n63,Kalimantan Selatan,provinsi,provinsi,63\n", encoding="utf-8"
    )
    (tmp_path / "aliases.csv").write_text("alias,code\nkalsel,64\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kalsel"):
        Gazetteer.load(tmp_path)


def test_name_index(gazetteer: Gazetteer) -> None:
    index = gazetteer.name_index()
    assert set(index["banjar"]) == {"63.03", "32.79"}
    assert index["kabupaten banjar"] == ("63.03",)
    assert index["kota administrasi jakarta pusat"] == index["kota jakarta pusat"] == index["jakpus"] == ("31.71",)
    assert index["kalsel"] == index["kalimantan selatan"] == ("63",)
    assert index["tanjungpinang"] == ("21.72",)
    assert all(key == normalise_name(key) for key in index)


def test_suggest(gazetteer: Gazetteer) -> None:
    suggestions = gazetteer.suggest("banjarmsin")
    assert suggestions[0][0].name == "Kota Banjarmasin"
    assert len(suggestions) <= 3
    assert [score for _, score in suggestions] == sorted((score for _, score in suggestions), reverse=True)
    assert gazetteer.suggest("kab banjarmsin")[0][0].name == "Kota Banjarmasin"
    assert gazetteer.suggest("xyzzy") == []


def test_resolve_kabkota_codes(gazetteer: Gazetteer) -> None:
    values = pd.Series(["KAB. TAPIN", "6372", None, "Banjar", "Kota Banjarbaru", "nowhere"] * 50_000, name="kabkota")
    codes = gazetteer.resolve_kabkota_codes(values)
    assert codes.dtype == "string"
    assert codes.name == "kabkota"
    assert codes.index.equals(values.index)
    assert codes.iloc[:6].tolist() == ["63.05", "63.72", pd.NA, pd.NA, "63.72", pd.NA]


KABKOTA = get_gazetteer().kabkota()
# How survey exports write the kind: official, upper-case abbreviated, lower-case without the dot.
KIND_SPELLINGS = {"Kabupaten": ["Kabupaten", "KAB.", "Kab", "kab."], "Kota": ["Kota", "KOTA", "Kot."]}


@settings(max_examples=300, deadline=None)
@given(
    region=st.sampled_from(KABKOTA),
    dotted=st.booleans(),
    pad=st.sampled_from(["", " ", "\t"]),
    kind_spelling=st.integers(min_value=0, max_value=3),
    upper=st.booleans(),
)
def test_resolve_kabkota_round_trips(region: Region, dotted: bool, pad: str, kind_spelling: int, upper: bool) -> None:
    gazetteer = get_gazetteer()
    code = region.code if dotted else region.code.replace(".", "")
    assert gazetteer.resolve_kabkota(f"{pad}{code}{pad}") == region
    kind, _, rest = region.name.partition(" ")
    spellings = KIND_SPELLINGS[kind]
    name = f"{pad}{spellings[kind_spelling % len(spellings)]} {rest}{pad}"
    assert gazetteer.resolve_kabkota(name.upper() if upper else name) == region


def test_resolve_kabkota_round_trips_every_region(gazetteer: Gazetteer) -> None:
    for region in gazetteer.kabkota():
        assert gazetteer.resolve_kabkota(region.code) == region
        assert gazetteer.resolve_kabkota(region.name) == region


_CELL = st.one_of(
    st.sampled_from(KABKOTA).map(lambda region: region.code),
    st.sampled_from(KABKOTA).map(lambda region: region.name.lower()),
    st.sampled_from(KABKOTA).map(lambda region: region.short_name),
    st.text(max_size=12),
    st.none(),
)


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(_CELL, max_size=40))
def test_resolve_kabkota_codes_agrees_with_resolve_kabkota(cells: list[str | None]) -> None:
    gazetteer = get_gazetteer()
    codes = gazetteer.resolve_kabkota_codes(pd.Series(cells, dtype=object))
    for cell, code in zip(cells, codes, strict=True):
        region = None if cell is None else gazetteer.resolve_kabkota(cell)
        if region is None:
            assert code is pd.NA
        else:
            assert code == region.code
