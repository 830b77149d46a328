"""Hybrid search on the full index: hits, filters and the region gate."""

from __future__ import annotations

import pytest

from indexing.search import SearchIndex, defined_names
from indexing.text import normalise


def test_hits_are_one_per_document_with_sources(search_index: SearchIndex) -> None:
    hits = search_index.search("tugas FKUB dan syarat pendirian rumah ibadat", k=5)
    assert len(hits) == 5
    assert hits[0].doc_id in {"fkub-mandat", "fkub-pendirian-rumah-ibadat"} and hits[0].kind == "guidance"
    assert len({h.doc_id for h in hits}) == 5
    assert all(h.sources for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"forum": "FKUB"}, lambda h: "FKUB" in h.metadata["forums"]),
        ({"forum": "fkdm"}, lambda h: "FKDM" in h.metadata["forums"]),
        ({"dimension": "budaya"}, lambda h: "budaya" in h.metadata["dimensions"]),
        ({"variable": "v7"}, lambda h: "v7" in h.metadata["variables"]),
        ({"variable": ["x8", "x9"]}, lambda h: {"x8", "x9"} & set(h.metadata["variables"])),
        ({"level": "guidance"}, lambda h: h.kind == "guidance"),
        ({"level": "provinsi"}, lambda h: h.metadata["level"] == "provinsi"),
        ({"province_code": "63"}, lambda h: h.metadata["province_code"] == "63"),
        ({"level": "kabkota", "province_code": "51"}, lambda h: h.metadata["level"] == "kabkota" and h.metadata["province_code"] == "51"),
    ],
)
def test_filters_restrict_hits(search_index: SearchIndex, filters: dict, check) -> None:
    hits = search_index.search("bagaimana meningkatkan toleransi dan skor harmoni", k=5, filters=filters)
    assert hits and all(check(h) for h in hits)


def test_region_filters_return_cards_even_without_a_region_name(search_index: SearchIndex) -> None:
    hits = search_index.search("variabel terlemah", k=3, filters={"province_code": "65"})
    assert hits and all(h.kind == "region" for h in hits)


def test_invalid_filters_are_refused(search_index: SearchIndex) -> None:
    with pytest.raises(ValueError, match="forum"):
        search_index.search("fkub", filters={"kota": "Banjar"})
    with pytest.raises(ValueError, match="FKUB, FPK, FKDM"):
        search_index.search("fkub", filters={"forum": "FKUBB"})


def test_cards_answer_only_questions_that_name_a_region(search_index: SearchIndex) -> None:
    assert all(h.kind == "guidance" for h in search_index.search("kategori harmoni sedang dan target responden", k=10))
    top = search_index.search("skor ihai kota banjarmasin", k=3)[0]
    assert top.doc_id == "wilayah-63.71" and top.kind == "region"
    assert "Banjarmasin" in top.text and "data sampel sintetis" in top.text
    assert search_index.search("IHaI Provinsi Bali", k=1)[0].doc_id == "wilayah-51"


def test_typos_in_region_and_guidance_words_are_tolerated(search_index: SearchIndex) -> None:
    assert search_index.search("kota banjarmasn", k=1)[0].doc_id == "wilayah-63.71"
    assert search_index.search("selang kepercyaan", k=1)[0].doc_id == "selang-kepercayaan"


def test_query_without_known_words_still_returns_dense_hits(search_index: SearchIndex) -> None:
    assert len(search_index.search("qwertyuiop zxcvbnm", k=3)) == 3
    assert search_index.search("   ", k=3) == []


@pytest.mark.parametrize(
    ("title", "names"),
    [
        ("Indeks Kewaspadaan Nasional (IKN)", ["IKN", "Indeks", "Kewaspadaan", "Nasional"]),
        ("Apa Itu Indeks Harmoni Indonesia (IHaI)?", ["IHaI", "Indeks", "Harmoni", "Indonesia"]),
        ("FKDM: Dasar Hukum, Susunan, dan Tugas", ["FKDM"]),
        # Brackets that are not an acronym (a regulation, a qualifier) define nothing.
        ("SAKIP dan IKU (Perpres 29 Tahun 2014)", []),
        ("Kerangka IHaI 2025 (Asta Cita) — 8 Variabel", []),
    ],
)
def test_a_title_defines_its_acronym(title: str, names: list[str]) -> None:
    assert defined_names(title) == names


@pytest.mark.parametrize(
    ("question", "leading"),
    [
        # "cara" says what kind of question it is (steps); it is not the subject "Cara membaca" is about.
        ("bagaimana caranya skor IHaI dihitung", "cara-perhitungan#langkah-perhitungan"),
        ("cara membaca skor IHaI", "cara-perhitungan#cara-membaca"),
        # A word in most sections ("ihai") names none of them: "cara" looks for the steps, not "Kaitan dengan IHaI".
        ("cara mengaitkan IHaI ke RPJMN", "rpjmn-2025-2029#langkah-yang-disarankan"),
        # "berapa jam" wants a length of time, which the section with the provision shows.
        ("kebocoran data pribadi responden harus diberitahukan dalam berapa jam",
         "pelindungan-data-responden#ketentuan-yang-paling-relevan"),
        # A heading that is itself a question answers that question word: "siapa" is "Siapa menetapkan".
        ("status keadaan konflik itu ditetapkan oleh siapa", "status-keadaan-konflik#siapa-menetapkan"),
        # How a forum came to be set up asks its legal basis, not its members.
        ("pembentukan FPK diatur peraturan apa", "fpk-mandat#dasar-hukum"),
        # How it began is its history: the document whose best section answers the kind of question asked
        # wins, not the one whose headings only share a word ("Fakta pengukuran 2025").
        ("pertama kali IHaI diukur itu tahun berapa", "sejarah-ihai#linimasa"),
        # "apa saja" looks for a list: "Delapan variabel …" over "Seberapa pasti daftar variabel ini".
        ("komponen variabel 2025 apa saja", "kerangka-2025-asta-cita#delapan-variabel-dan-bobot-sementara"),
        # "itu sebenarnya apa" asks a definition, which the introduction gives.
        ("penghayat kepercayaan itu sebenarnya apa", "penghayat-kepercayaan#pengantar"),
        # A section headed with the very definition asked beats another document's introduction.
        ("maksud pembauran kebangsaan itu apa sih", "fpk-mandat#apa-itu-pembauran-kebangsaan"),
        # A document whose title defines the name asked about beats one that compares it with others or
        # names it among the forums; "itu indeks apa" asks a definition like "itu apa".
        ("IKO itu indeks apa sih", "indeks-kinerja-ormas#pengantar"),
        ("Indeks Kewaspadaan Nasional itu indeks apa", "indeks-kewaspadaan-nasional#pengantar"),
        ("FKUB itu lembaga apa", "fkub-mandat#pengantar"),
        # A question naming that name leans to its document too.
        ("IKN terdiri dari dimensi apa", "indeks-kewaspadaan-nasional#susunan"),
        # … and a definition gets its introduction, not its section defining another term ("Apa itu pembauran kebangsaan").
        ("FPK itu lembaga apa ya", "fpk-mandat#pengantar"),
        # "apa yang harus dilakukan" looks for what to do.
        ("kalau daerah kami belum terukur, apa yang harus dilakukan", "daerah-belum-terukur#yang-sebaiknya-dilakukan"),
        # The document naming what is asked leans the question its way only when no other title covers more
        # of it: penghayat and FKUB is the penghayat page's section on FKUB, not FKUB's membership rules.
        ("penghayat kepercayaan boleh duduk sebagai anggota FKUB?", "penghayat-kepercayaan#penghayat-dan-fkub"),
        # How two things relate or differ: the section on their relation, not the one naming one of them.
        ("tim kewaspadaan dini dan FKDM hubungannya bagaimana", "tim-kewaspadaan-dini-daerah#hubungan-dengan-fkdm"),
        ("apa yang membedakan tim kewaspadaan dini daerah dari FKDM", "tim-kewaspadaan-dini-daerah#hubungan-dengan-fkdm"),
        # "1.250" is one number, not a "1" that a numbered heading ("1. Tentukan baseline") would match.
        ("cara agar responden kami tembus 1.250 tahun depan", "meningkatkan-cakupan-survei#langkah-yang-disarankan"),
        # Which law applies: the introduction, which names it (UU 27/2022); its provisions come next.
        ("data responden e-survey dilindungi undang-undang apa", "pelindungan-data-responden#pengantar"),
        # What follows from something: its consequences.
        ("apa efeknya kalau pengisian survei sukarela", "survei-daring-bukan-sampel-probabilitas#akibatnya"),
        ("pengisian e-survey sukarela, dampaknya ke angka apa", "survei-daring-bukan-sampel-probabilitas#akibatnya"),
        # How indices differ: the comparison page's summary.
        ("perbedaan IHaI dengan IKO apa", "perbandingan-ihai-ikn-ikub#ringkasan"),
        ("IHaI dan IKN bedanya di mana", "perbandingan-ihai-ikn-ikub#ringkasan"),
        # The term defined is the one before "itu apa", whatever context follows it.
        ("IKO itu apa ya, katanya mirip IHaI", "indeks-kinerja-ormas#pengantar"),
        ("FPK itu apa ya, kok sering disebut di rapat", "fpk-mandat#pengantar"),
        # A relation heading answers only the relation it names: FKDM and IHaI, not "Hubungan dengan Kesbangpol".
        ("apa kaitan FKDM dengan IHaI", "fkdm-mandat#kaitan-dengan-ihai"),
        # "disusun" (drawn up) is not "Susunan" (a body's composition).
        ("rencana anggaran FKUB sebaiknya disusun seperti apa", "fkub-pendanaan-apbd#saran-penganggaran"),
        # A document's topics say what it answers beyond its title: "LKjIP" is a topic of the performance
        # report guidance, not of the page on when official results arrive.
        ("hasil resmi IHaI belum turun, apa yang kami tulis di LKjIP tahun ini",
         "laporan-kinerja-ihai#bila-hasil-resmi-belum-tersedia"),
        ("angka resmi IHaI belum diterima, realisasi IKU di LKjIP bagaimana",
         "laporan-kinerja-ihai#bila-hasil-resmi-belum-tersedia"),
        # Whether something is allowed is what the provision says, not what the news reported.
        ("apakah APBD boleh membiayai kegiatan FKUB", "fkub-pendanaan-apbd#ketentuannya"),
        ("bisakah kegiatan FKUB dibiayai APBD provinsi", "fkub-pendanaan-apbd#ketentuannya"),
        # What to check is the checklist.
        ("sebelum inspektorat mereviu Renstra, apa yang harus dicek", "reviu-apip-rpjmd-renstra#daftar-periksa-sebelum-reviu"),
        # A band's limits are in the section whose text gives each band with its limit.
        ("harmoni sedang mulai dari skor berapa", "kategori-harmoni#kategori-yang-dipakai-aplikasi-ini-sementara"),
        ("kisaran skor harmoni rendah", "kategori-harmoni#kategori-yang-dipakai-aplikasi-ini-sementara"),
        ("skor berapa sampai berapa yang masuk sedang", "kategori-harmoni#kategori-yang-dipakai-aplikasi-ini-sementara"),
        # "ada" (there is) is a grammatical word, and "keadaan" (a state of affairs) is not "ada".
        ("ada contoh perhitungan skornya nggak", "cara-perhitungan#contoh-sederhana"),
        ("ada gambaran hitungan sederhananya?", "cara-perhitungan#contoh-sederhana"),
        # "soal apa", "tuh apa", "apa sih … itu" ask a definition: what the variable captures.
        ("V6 itu soal apa", "variabel-v6#apa-yang-ditangkap"),
        ("variabel V2 tuh apa", "variabel-v2#apa-yang-ditangkap"),
        # A variable both frameworks describe is the current one's unless the question names the earlier one.
        ("variabel akulturasi budaya isinya tentang apa", "variabel-v6#apa-yang-ditangkap"),
        ("akulturasi budaya di kerangka 2024 isinya tentang apa", "variabel-x6#apa-yang-ditangkap"),
        ("X6 itu mengukur apa saja", "variabel-x6#apa-yang-ditangkap"),
        # What is judged is what the variable captures; "artinya" alone asks a meaning, not a low score's.
        ("yang dinilai di V2 apa", "variabel-v2#apa-yang-ditangkap"),
        ("V8 menilai apa dari warga", "variabel-v8#apa-yang-ditangkap"),
        ("partisipasi artinya apa", "aspek-partisipasi#apa-itu-partisipasi"),
        ("apa arti skor rendah di aspek partisipasi", "aspek-partisipasi#arti-skor-rendah"),
    ],
)
def test_the_kind_of_question_picks_the_section(search_index: SearchIndex, question: str, leading: str) -> None:
    hits = search_index.sections(question, k=3, filters={"level": "guidance"})
    assert hits[0].chunk_id == leading, [hit.chunk_id for hit in hits]


@pytest.mark.parametrize(
    ("question", "leading"),
    [
        # Sections of one document that the words alone do not tell apart: the one listing a question close to
        # this one leads (without the listed questions, the reported rule would).
        ("syarat provinsi layak dilaporkan apa ya", "target-responden-dan-kelayakan-laporan#aturan-yang-dipakai-aplikasi-ini"),
    ],
)  # fmt: skip
def test_a_section_whose_listed_questions_read_like_the_question_leads_its_document(
    search_index: SearchIndex, question: str, leading: str
) -> None:
    hits = search_index.sections(normalise(question), k=3, filters={"level": "guidance"})
    assert hits[0].chunk_id == leading, [hit.chunk_id for hit in hits]
