"""The sourced guidance corpus in knowledge/guidance/ and its loader."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

from knowledge.guidance import (
    BASES,
    DIMENSIONS,
    FORUMS,
    GUIDANCE_DIR,
    VARIABLES,
    GuidanceError,
    load_actions,
    load_guidance,
)

REQUIRED_IDS = {
    "apa-itu-ihai", "penyelenggara-ihai", "sejarah-ihai", "kerangka-2025-asta-cita", "kerangka-2023-2024",
    "cara-pengukuran", "cara-perhitungan", "kategori-harmoni", "selang-kepercayaan",
    "target-responden-dan-kelayakan-laporan", "hasil-ihai-2025",
    "dimensi-ekonomi", "dimensi-sosial", "dimensi-budaya", "dimensi-keberagamaan",
    *(f"variabel-v{i}" for i in range(1, 9)), *(f"variabel-x{i}" for i in range(1, 11)),
    "aspek-persepsi", "aspek-partisipasi", "aspek-akseptabilitas",
    "fkub-mandat", "fpk-mandat", "fkdm-mandat", "aksi-fkub", "aksi-fpk", "aksi-fkdm",
    "moderasi-beragama-perpres-58-2023", "penanganan-konflik-sosial-uu-7-2012",
    "ihai-dalam-rpjmd", "ihai-dalam-renstra-kesbangpol", "ihai-dalam-rkpd-renja", "ihai-sebagai-iku",
    "menetapkan-target-ihai", "indeks-kewaspadaan-nasional", "indeks-kinerja-ormas", "indeks-kub-kemenag",
    "meningkatkan-cakupan-survei", "sinergi-forum",
}

# The numbered source list beside the fact sheet (outside the repository; the check is skipped without it).
REFERENCE_DIR = Path(os.environ.get("IHAI_REFERENCE_DIR", Path(__file__).resolve().parents[3] / "shared" / "reference"))
SOURCES_FILE = REFERENCE_DIR / "sources-forums-and-ihai.md"
CITATION = re.compile(r"\bS(\d{1,3})\b")


@pytest.fixture(scope="module")
def docs():
    return load_guidance()


@pytest.fixture(scope="module")
def actions():
    return load_actions()


def test_corpus_size_ids_and_required_documents(docs) -> None:
    assert len(docs) >= 44
    ids = [d.id for d in docs]
    assert len(ids) == len(set(ids))
    assert all(d.id == d.path.stem for d in docs)
    assert all(d.path.parent == GUIDANCE_DIR for d in docs)
    assert REQUIRED_IDS - set(ids) == set()


def test_every_document_is_sourced_and_uses_only_allowed_keys(docs) -> None:
    for d in docs:
        assert d.title and d.topics, d.id
        assert len(d.sources) >= 1, d.id
        assert d.basis in BASES, d.id
        assert set(d.forums) <= set(FORUMS), d.id
        assert set(d.dimensions) <= set(DIMENSIONS), d.id
        assert set(d.variables) <= set(VARIABLES), d.id


def test_documents_are_short_and_end_with_their_sources(docs) -> None:
    for d in docs:
        words = len(re.findall(r"\w+", d.body))
        assert 150 <= words <= 450, (d.id, words)
        tail = d.body.rsplit("\n## ", 1)[-1]
        assert tail.startswith("Dasar/Sumber"), d.id


def test_variable_documents_name_their_variable(docs) -> None:
    by_id = {d.id: d for d in docs}
    for key in VARIABLES:
        assert key in by_id[f"variabel-{key}"].variables


def test_cross_references_resolve(docs, actions) -> None:
    """`*slug*` in a body names another document or a forum action; each must exist."""
    known = {d.id for d in docs} | {a.id for a in actions}
    for d in docs:
        for ref in re.findall(r"\*([a-z0-9]+(?:-[a-z0-9]+)+)\*", d.body):
            assert ref in known, (d.id, ref)


def test_project_reasoning_is_disclosed(docs) -> None:
    for d in docs:
        if d.basis in ("rekomendasi_proyek", "campuran"):
            assert "rekomendasi" in d.body.lower(), d.id


def test_each_forum_has_at_least_eight_actions_and_every_variable_is_covered(actions) -> None:
    per_forum = Counter(a.forum for a in actions)
    assert all(per_forum[f] >= 8 for f in FORUMS), per_forum
    assert len({a.id for a in actions}) == len(actions)
    covered = {v for a in actions for v in a.variables}
    assert set(VARIABLES) - covered == set()
    for a in actions:
        assert a.text.endswith(".") and a.basis, a.id
        assert a.doc_id == f"aksi-{a.forum.lower()}", a.id
        assert set(a.variables) <= set(VARIABLES), a.id


def test_each_forum_covers_both_frameworks(actions) -> None:
    for forum in FORUMS:
        covered = {v for a in actions if a.forum == forum for v in a.variables}
        assert any(v.startswith("v") for v in covered) and any(v.startswith("x") for v in covered), forum
        # every dimension is reached by every forum in both frameworks
        assert {"v1", "v3", "v5", "v7"} & covered and {"x1", "x3", "x6", "x8"} & covered, forum


def test_numbered_sources_in_front_matter_match_the_body(docs) -> None:
    """The "Dasar/Sumber" section and the action bases cite exactly the numbered sources listed in front matter."""
    for d in docs:
        listed = {m.group(1) for s in d.sources if (m := re.match(r"S(\d+): https?://\S+$", s))}
        assert all(re.match(r"S\d+: https?://", s) for s in d.sources if re.match(r"S\d+\b", s)), d.id
        assert set(CITATION.findall(d.body)) == listed, d.id
        assert {n for a in d.actions for n in CITATION.findall(a.basis)} <= listed, d.id


@pytest.mark.skipif(not SOURCES_FILE.is_file(), reason="sources-forums-and-ihai.md tidak tersedia")
def test_every_cited_source_number_exists_in_the_source_list(docs) -> None:
    text = SOURCES_FILE.read_text(encoding="utf-8")
    listed = dict(re.findall(r"^S(\d+) (\S+)", text, flags=re.MULTILINE))
    assert len(listed) >= 72
    for d in docs:
        raw = d.path.read_text(encoding="utf-8")
        for n in CITATION.findall(raw):
            assert n in listed, (d.id, f"S{n}")
        for s in d.sources:
            if m := re.match(r"S(\d+): (\S+)$", s):
                assert listed.get(m.group(1)) == m.group(2), (d.id, s)
        for a in d.actions:
            for n in CITATION.findall(a.basis):
                assert n in listed, (a.id, f"S{n}")


def test_malformed_front_matter_raises_naming_the_file(tmp_path: Path) -> None:
    good = "---\nid: baik\ntitle: Baik\ntopics: [a]\nforums: []\ndimensions: []\nvariables: []\nsources: [x]\nbasis: berita\n---\nIsi.\n"
    (tmp_path / "baik.md").write_text(good, encoding="utf-8")
    assert [d.id for d in load_guidance(tmp_path)] == ["baik"]

    (tmp_path / "rusak.md").write_text("---\nid: rusak\ntitle: [tidak ditutup\n---\nIsi.\n", encoding="utf-8")
    with pytest.raises(GuidanceError, match="rusak.md"):
        load_guidance(tmp_path)

    (tmp_path / "rusak.md").write_text("Tanpa front matter.\n", encoding="utf-8")
    with pytest.raises(GuidanceError, match="rusak.md"):
        load_guidance(tmp_path)

    (tmp_path / "rusak.md").write_text(good.replace("id: baik", "id: rusak").replace("basis: berita", "basis: gosip"))
    with pytest.raises(GuidanceError, match="rusak.md"):
        load_guidance(tmp_path)

    (tmp_path / "rusak.md").write_text(good.replace("id: baik", "id: lain"))
    with pytest.raises(GuidanceError, match="rusak.md"):
        load_guidance(tmp_path)


def test_action_sources_are_shown_by_site_and_must_exist(tmp_path: Path) -> None:
    doc = (
        "---\nid: aksi-uji\ntitle: Uji\ntopics: [aksi]\nforums: [FKUB]\ndimensions: []\nvariables: [v7]\n"
        'sources: ["S60: https://www.klikkalimantan.com/25205/fkub-balangan"]\nbasis: campuran\n'
        "actions:\n  - id: a1\n    text: Dialog.\n    variables: [v7]\n"
        '    basis: "S60 (kegiatan serupa dilaporkan); rekomendasi proyek"\n---\nIsi.\n'
    )
    (tmp_path / "aksi-uji.md").write_text(doc, encoding="utf-8")
    [action] = load_guidance(tmp_path)[0].actions
    assert action.basis == "S60 (kegiatan serupa dilaporkan); rekomendasi proyek"
    assert action.basis_text == "klikkalimantan.com (kegiatan serupa dilaporkan); rekomendasi proyek"

    (tmp_path / "aksi-uji.md").write_text(doc.replace('basis: "S60', 'basis: "S61'), encoding="utf-8")
    with pytest.raises(GuidanceError, match="aksi-uji.md.*S61"):
        load_guidance(tmp_path)
