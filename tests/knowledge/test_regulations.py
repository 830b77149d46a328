"""The list of regulations the corpus cites (knowledge/regulations.csv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.citations import REGULATION
from knowledge.forums import load_forum_map
from knowledge.guidance import load_guidance
from knowledge.regulations import (
    COLUMNS,
    REGULATIONS_FILE,
    RegulationError,
    find_regulation,
    is_official_link,
    load_regulations,
    mentions,
    parse_regulations,
)


@pytest.fixture(scope="module")
def regulations():
    return load_regulations()


def test_every_row_is_complete_and_links_only_to_official_databases(regulations) -> None:
    assert len(regulations) >= 25
    for regulation in regulations.values():
        assert regulation.short and regulation.title and regulation.issuer and regulation.number, regulation.id
        assert str(regulation.year) in regulation.short or regulation.type == "Putusan MK", regulation.id
        assert not regulation.official_link or is_official_link(regulation.official_link), regulation.id
    # the ones the issue names, each with the title an official can cite
    assert regulations["permendagri-46-2019"].title.startswith("Perubahan atas Peraturan Menteri Dalam Negeri Nomor 2 Tahun 2018")
    assert regulations["permendagri-9-2018"].title.startswith("Reviu atas Rencana Pembangunan Jangka Menengah Daerah")
    assert regulations["perpres-12-2025"].title.startswith("Rencana Pembangunan Jangka Menengah Nasional Tahun 2025")


def test_every_citation_in_the_corpus_and_the_forum_map_is_in_the_list(regulations) -> None:
    cited: set[str] = set()
    for doc in load_guidance():
        cited |= {key for c in doc.citations if c.kind == REGULATION for key in c.regulations}
        for action in doc.actions:
            cited |= {key for c in action.legal_basis for key in c.regulations}
    for link in load_forum_map().links:
        cited |= {key for c in link.citations for key in c.regulations}
    assert cited <= set(regulations)
    # and the list holds nothing the corpus does not cite
    assert set(regulations) - cited == set()


def test_official_links() -> None:
    assert is_official_link("https://peraturan.bpk.go.id/Details/311927/permendagri-no-86-tahun-2017")
    assert is_official_link("https://www.peraturan.go.id/id/perpres-no-29-tahun-2014")
    assert is_official_link("https://jdih.setneg.go.id/viewpdfperaturan/id/PERPRES_12_2025.pdf")
    assert not is_official_link("https://text-id.123dok.com/document/x.html")
    assert not is_official_link("https://kesbangpol.banyumaskab.go.id/page/18224")  # official site, not a legal database
    assert not is_official_link("http://peraturan.go.id/id/uu-no-7-tahun-2012")  # not https


def test_mentions_in_running_text_are_recognised() -> None:
    text = (
        "Menurut PBM 9 & 8/2006 Pasal 9 dan Peraturan Bersama Menteri Agama dan Menteri Dalam Negeri Nomor 9 dan 8 "
        "Tahun 2006, serta Permendagri 2/2018 jo. Permendagri Nomor 46 Tahun 2019, UU 7/2012, "
        "Kepmendagri Nomor 900.1.15.5-1317 Tahun 2023 dan Putusan MK Nomor 97/PUU-XIV/2016."
    )
    assert mentions(text) == {
        ("PBM", "9 & 8", 2006),
        ("Permendagri", "2", 2018),
        ("Permendagri", "46", 2019),
        ("UU", "7", 2012),
        ("Kepmendagri", "900.1.15.5-1317", 2023),
        ("Putusan MK", "97/PUU-XIV", 2016),
    }
    assert find_regulation("PBM", "9", 2006).id == "pbm-9-8-2006"
    assert find_regulation("Permendagri", "67", 2020) is None


def test_malformed_list_raises_naming_the_file(tmp_path: Path) -> None:
    good = REGULATIONS_FILE.read_text(encoding="utf-8")
    path = tmp_path / "regulations.csv"
    header = ",".join(COLUMNS)
    bad_lists = [
        good.replace(header, header.replace("official_link", "tautan")),
        good + good.splitlines()[1] + "\n",  # duplicate id
        good.replace(",https://www.peraturan.go.id/id/perpres-no-29-tahun-2014,", ",https://www.scribd.com/doc/1,"),
        good.replace(",PBM,9 & 8,2006,", ",PBM,9 & 8,duaribu,"),
    ]
    for text in bad_lists:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(RegulationError, match="regulations.csv"):
            parse_regulations(path)
