"""The sourced guidance corpus in knowledge/guidance/ and its loader."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

from knowledge.citations import KIND_LABELS, RECOMMENDATION, REGULATION, SOURCE_KINDS, is_mirror
from knowledge.guidance import (
    BASES,
    DIMENSIONS,
    FORUMS,
    GUIDANCE_DIR,
    VARIABLES,
    GuidanceError,
    load_actions,
    load_guidance,
    reference_label,
)
from knowledge.regulations import find_regulation, load_regulations, mentions

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
# The gaps of issue 10: 2025–2029 planning, FKUB procedure and the draft Perpres, conflict machinery,
# official results and unmeasured regions, respondent groups, penghayat kepercayaan, a glossary.
NEW_IDS = {
    "rpjmn-2025-2029", "pedoman-rpjmd-renstra-2025-2029", "sakip-dan-iku", "perjanjian-kinerja-ihai",
    "reviu-apip-rpjmd-renstra", "nomenklatur-program-kesbangpol", "laporan-kinerja-ihai",
    "fkub-pendirian-rumah-ibadat", "fkub-izin-sementara-rumah-ibadat", "fkub-perselisihan-rumah-ibadat",
    "fkub-dewan-penasihat", "fkub-pendanaan-apbd", "fkub-pelaporan-kerukunan", "rancangan-perpres-kerukunan",
    "pp-2-2015-penanganan-konflik", "tim-terpadu-penanganan-konflik", "status-keadaan-konflik",
    "pemulihan-pascakonflik", "tim-kewaspadaan-dini-daerah", "alur-laporan-fkdm",
    "hasil-resmi-sampai-ke-daerah", "daerah-belum-terukur", "membaca-hasil-per-kelompok-responden",
    "survei-daring-bukan-sampel-probabilitas", "penghayat-kepercayaan", "layanan-penghayat-di-daerah",
    "glosarium-istilah-ihai", "glosarium-lembaga-dan-dokumen", "forum-per-dimensi",
    "pembauran-kebangsaan-peran-pemda", "pelindungan-data-responden", "perbandingan-ihai-ikn-ikub",
}
MIN_DOCUMENTS = 85

# The numbered source list beside the fact sheet (outside the repository; the check is skipped without it).
REFERENCE_DIR = Path(os.environ.get("IHAI_REFERENCE_DIR", Path(__file__).resolve().parents[3] / "shared" / "reference"))
SOURCES_FILE = REFERENCE_DIR / "sources-forums-and-ihai.md"
# A host name in running text ("tuturmedia.com", "123dok.com"): what a basis shown to users must not be.
SITE_NAME = re.compile(r"\b[\w-]+\.(?:com|id|net|org|info|co)\b")

GOOD_DOC = (
    "---\nid: baik\ntitle: Baik\ntopics: [a]\nforums: []\ndimensions: []\nvariables: []\n"
    'sources:\n  - {kind: berita, title: "Media — judul", url: "https://media.example/a"}\nbasis: berita\n---\nIsi.\n'
)


@pytest.fixture(scope="module")
def docs():
    return load_guidance()


@pytest.fixture(scope="module")
def actions():
    return load_actions()


def test_corpus_size_ids_and_required_documents(docs) -> None:
    assert len(docs) >= MIN_DOCUMENTS
    ids = [d.id for d in docs]
    assert len(ids) == len(set(ids))
    assert all(d.id == d.path.stem for d in docs)
    assert all(d.path.parent == GUIDANCE_DIR for d in docs)
    assert (REQUIRED_IDS | NEW_IDS) - set(ids) == set()
    assert len(NEW_IDS) >= 30


def test_every_document_is_sourced_and_uses_only_allowed_keys(docs) -> None:
    for d in docs:
        assert d.title and d.topics, d.id
        assert d.citations and len(d.sources) >= 1, d.id
        assert d.basis in BASES, d.id
        assert {c.kind for c in d.citations} <= set(SOURCE_KINDS), d.id
        assert set(d.forums) <= set(FORUMS), d.id
        assert set(d.dimensions) <= set(DIMENSIONS), d.id
        assert set(d.variables) <= set(VARIABLES), d.id


def test_documents_are_short_and_end_with_their_sources(docs) -> None:
    for d in docs:
        words = len(re.findall(r"\w+", d.body))
        assert 150 <= words <= 450, (d.id, words)
        tail = d.body.rsplit("\n## ", 1)[-1]
        assert tail.startswith("Dasar/Sumber"), d.id
        # the closing list names every source of the front matter, as users read it
        assert all(c.label in tail for c in d.citations), d.id


def test_no_source_is_a_mirror_site_and_bodies_carry_no_internal_codes(docs) -> None:
    for d in docs:
        assert not any(is_mirror(c.url) for c in d.citations if c.url), d.id
        assert not re.search(r"\bS\d{1,3}\b", d.body), d.id  # "S59" means nothing to a reader


def test_news_is_linked_and_regulations_are_cited_from_the_list(docs) -> None:
    regulations = load_regulations()
    for d in docs:
        for c in d.citations:
            if c.kind == "berita":
                assert c.url.startswith(("https://", "http://")), (d.id, c.label)
            if c.kind == REGULATION:
                assert c.regulation in regulations and c.label.startswith(regulations[c.regulation].short), (d.id, c)
                assert c.url == regulations[c.regulation].official_link, (d.id, c)


def test_every_regulation_named_in_a_document_is_listed_and_cited(docs) -> None:
    """A regulation named in a body must be in regulations.csv and among the document's sources; a
    regulation a document cites must be named in its body."""
    for d in docs:
        named = set()
        for mention in mentions(d.body):
            regulation = find_regulation(*mention)
            assert regulation is not None, (d.id, mention, "tidak ada di knowledge/regulations.csv")
            named.add(regulation.id)
        assert named <= set(d.regulations), (d.id, sorted(named - set(d.regulations)))
        assert set(d.regulations) <= named, (d.id, sorted(set(d.regulations) - named))


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


def test_project_reasoning_is_disclosed_and_listed(docs) -> None:
    for d in docs:
        recommends = any(c.kind == RECOMMENDATION for c in d.citations)
        if d.basis in ("rekomendasi_proyek", "campuran") and recommends:
            assert "rekomendasi" in d.body.lower(), d.id
        if "rekomendasi tim ihai assistant" in d.body.lower():
            assert recommends, d.id


def test_each_forum_has_at_least_eight_actions_and_every_variable_is_covered(actions) -> None:
    per_forum = Counter(a.forum for a in actions)
    assert all(per_forum[f] >= 8 for f in FORUMS), per_forum
    assert len({a.id for a in actions}) == len(actions)
    covered = {v for a in actions for v in a.variables}
    assert set(VARIABLES) - covered == set()
    for a in actions:
        assert a.text.endswith(".") and a.basis_text, a.id
        assert a.doc_id == f"aksi-{a.forum.lower()}", a.id
        assert set(a.variables) <= set(VARIABLES), a.id


def test_every_action_rests_on_a_regulation_or_is_marked_as_recommendation(actions) -> None:
    for a in actions:
        assert a.legal_basis or a.recommendation is not None, a.id
        assert not SITE_NAME.search(a.basis_text), (a.id, a.basis_text)  # a regulation, not a site
        assert all(c.kind == REGULATION and c.label in a.basis_text for c in a.legal_basis), a.id
        if a.recommendation is not None:
            assert "rekomendasi tim ihai assistant" in a.basis_text.lower(), a.id
    # most actions carry a legal basis, not only the project's word
    assert sum(bool(a.legal_basis) for a in actions) >= 0.7 * len(actions)


def test_each_forum_covers_both_frameworks(actions) -> None:
    for forum in FORUMS:
        covered = {v for a in actions if a.forum == forum for v in a.variables}
        assert any(v.startswith("v") for v in covered) and any(v.startswith("x") for v in covered), forum
        # every dimension is reached by every forum in both frameworks
        assert {"v1", "v3", "v5", "v7"} & covered and {"x1", "x3", "x6", "x8"} & covered, forum


@pytest.mark.skipif(not SOURCES_FILE.is_file(), reason="sources-forums-and-ihai.md tidak tersedia")
def test_every_source_code_exists_in_the_source_list(docs) -> None:
    text = SOURCES_FILE.read_text(encoding="utf-8")
    listed = dict(re.findall(r"^S(\d+) (\S+)", text, flags=re.MULTILINE))
    assert len(listed) >= 72
    for d in docs:
        for c in d.citations:
            if c.code:
                number = c.code.removeprefix("S")
                assert number in listed, (d.id, c.code)
                assert not c.url or c.url == listed[number], (d.id, c.code, c.url)


def test_reference_label_drops_the_address() -> None:
    assert reference_label("Media — judul: https://media.example/a") == "Media — judul"
    assert reference_label("UU No. 7 Tahun 2012, Pasal 9") == "UU No. 7 Tahun 2012, Pasal 9"
    assert set(KIND_LABELS) == set(SOURCE_KINDS)


def test_malformed_front_matter_raises_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "baik.md").write_text(GOOD_DOC, encoding="utf-8")
    assert [d.id for d in load_guidance(tmp_path)] == ["baik"]

    bad_docs = [
        "---\nid: rusak\ntitle: [tidak ditutup\n---\nIsi.\n",
        "Tanpa front matter.\n",
        GOOD_DOC.replace("id: baik", "id: rusak").replace("basis: berita", "basis: gosip"),
        GOOD_DOC.replace("id: baik", "id: lain"),
        GOOD_DOC.replace("id: baik", "id: rusak").replace("kind: berita", "kind: gosip"),
        # a news source without its address
        GOOD_DOC.replace("id: baik", "id: rusak").replace(', url: "https://media.example/a"', ""),
        # a regulation the list does not hold
        GOOD_DOC.replace("id: baik", "id: rusak").replace(
            '{kind: berita, title: "Media — judul", url: "https://media.example/a"}', "{kind: regulasi, ref: uu-99-2099}"
        ),
        # questions must map a section's slug to a list of texts
        GOOD_DOC.replace("id: baik", "id: rusak").replace("basis: berita", "basis: berita\nquestions: [apa itu]"),
        GOOD_DOC.replace("id: baik", "id: rusak").replace("basis: berita", "basis: berita\nquestions: {pengantar: apa}"),
    ]
    for text in bad_docs:
        (tmp_path / "rusak.md").write_text(text, encoding="utf-8")
        with pytest.raises(GuidanceError, match="rusak.md"):
            load_guidance(tmp_path)


def test_a_mirror_site_is_refused_as_a_source(tmp_path: Path) -> None:
    mirror = GOOD_DOC.replace("https://media.example/a", "https://text-id.123dok.com/document/x.html")
    (tmp_path / "baik.md").write_text(mirror, encoding="utf-8")
    with pytest.raises(GuidanceError, match="baik.md.*cermin"):
        load_guidance(tmp_path)


def test_basis_must_match_the_sources(tmp_path: Path) -> None:
    """A document whose every source is news cannot claim an official publication as its basis."""
    (tmp_path / "baik.md").write_text(GOOD_DOC.replace("basis: berita", "basis: publikasi_resmi"), encoding="utf-8")
    with pytest.raises(GuidanceError, match="baik.md.*basis"):
        load_guidance(tmp_path)
    (tmp_path / "baik.md").write_text(GOOD_DOC.replace("basis: berita", "basis: campuran"), encoding="utf-8")
    with pytest.raises(GuidanceError, match="baik.md.*campuran"):
        load_guidance(tmp_path)


ACTION_DOC = (
    "---\nid: aksi-uji\ntitle: Uji\ntopics: [aksi]\nforums: [FKUB]\ndimensions: []\nvariables: [v7]\n"
    "sources:\n"
    '  - {kind: regulasi, ref: pbm-9-8-2006, pasal: "Pasal 9"}\n'
    '  - {kind: berita, code: S60, title: "klikkalimantan.com — dialog", url: "https://klikkalimantan.com/25205/x"}\n'
    "basis: campuran\n"
    "actions:\n  - id: a1\n    text: Dialog.\n    variables: [v7]\n    basis:\n"
    '      regulasi: [{ref: pbm-9-8-2006, pasal: "Pasal 9 ayat (2) huruf a"}]\n'
    "      praktik: [S60]\n"
    '      rekomendasi: "kaitan dengan variabel"\n'
    "---\nIsi.\n"
)


def test_action_basis_reads_as_a_regulation_and_the_project_s_part(tmp_path: Path) -> None:
    (tmp_path / "aksi-uji.md").write_text(ACTION_DOC, encoding="utf-8")
    [action] = load_guidance(tmp_path)[0].actions
    assert action.basis_text == (
        "PBM Menag–Mendagri No. 9 & 8 Tahun 2006, Pasal 9 ayat (2) huruf a; "
        "kaitan dengan variabel: rekomendasi tim IHaI Assistant; praktik serupa dilaporkan di daerah lain"
    )
    assert [c.site for c in action.practice] == ["klikkalimantan.com"]
    assert [c.regulation for c in action.legal_basis] == ["pbm-9-8-2006"]


def test_an_action_resting_only_on_news_is_refused(tmp_path: Path) -> None:
    only_news = ACTION_DOC.replace(
        '      regulasi: [{ref: pbm-9-8-2006, pasal: "Pasal 9 ayat (2) huruf a"}]\n', ""
    ).replace('      rekomendasi: "kaitan dengan variabel"\n', "")
    (tmp_path / "aksi-uji.md").write_text(only_news, encoding="utf-8")
    with pytest.raises(GuidanceError, match="aksi-uji.md.*a1.*hanya pemberitaan"):
        load_guidance(tmp_path)
    # a reported practice that is not among the document's sources is refused too
    (tmp_path / "aksi-uji.md").write_text(ACTION_DOC.replace("praktik: [S60]", "praktik: [S61]"), encoding="utf-8")
    with pytest.raises(GuidanceError, match="aksi-uji.md.*S61"):
        load_guidance(tmp_path)
    # and a regulation the document does not list among its sources
    (tmp_path / "aksi-uji.md").write_text(ACTION_DOC.replace("ref: pbm-9-8-2006, pasal: \"Pasal 9 ayat", "ref: uu-7-2012, pasal: \"Pasal 9 ayat"), encoding="utf-8")
    with pytest.raises(GuidanceError, match="aksi-uji.md.*uu-7-2012"):
        load_guidance(tmp_path)
