"""Markdown sections become chunks that carry their document's metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexing.chunking import chunk_guidance, split_sections
from knowledge.guidance import GUIDANCE_DIR, GuidanceError, load_guidance, parse_guidance

DOC = """---
id: contoh-dokumen
title: Contoh Dokumen
topics: [contoh]
forums: [FKUB]
dimensions: [keberagamaan]
variables: [v7]
sources: [{kind: rekomendasi_proyek, title: "Sumber A"}]
basis: rekomendasi_proyek
---
Pengantar singkat.

## Tugas
Isi tugas.

## Tugas
Isi kedua dengan judul sama.

### Rincian Lebih Lanjut
Rincian.

## Dasar/Sumber
- Sumber A
"""


def test_sections_split_on_headings() -> None:
    assert split_sections("Awal.\n\n## Satu\nA\n\n## Dua\nB") == [("", "Awal."), ("Satu", "A"), ("Dua", "B")]
    assert split_sections("## Kosong\n\n## Isi\nX") == [("Isi", "X")]


def test_chunk_ids_metadata_and_sources(tmp_path: Path) -> None:
    path = tmp_path / "contoh-dokumen.md"
    path.write_text(DOC, encoding="utf-8")
    chunks = chunk_guidance(parse_guidance(path))
    assert [c.id for c in chunks] == [
        "contoh-dokumen#pengantar",
        "contoh-dokumen#tugas",
        "contoh-dokumen#tugas-2",
        "contoh-dokumen#rincian-lebih-lanjut",
    ]
    first = chunks[0]
    assert first.doc_id == "contoh-dokumen" and first.kind == "guidance" and first.title == "Contoh Dokumen"
    assert first.metadata["forums"] == ["FKUB"] and first.metadata["variables"] == ["v7"]
    assert first.metadata["level"] == "guidance"
    assert first.sources == ("Sumber A",)
    # The source list is carried by every hit, so the section itself is not indexed.
    assert not any("Sumber A" in c.text for c in chunks)
    assert "Contoh Dokumen" in first.lexical_text and "contoh" in first.lexical_text


def test_every_real_document_yields_uniquely_named_chunks() -> None:
    chunks = [chunk for doc in load_guidance(GUIDANCE_DIR) for chunk in chunk_guidance(doc)]
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids))
    assert {c.doc_id for c in chunks} == {doc.id for doc in load_guidance(GUIDANCE_DIR)}


def test_a_sections_questions_are_indexed_with_it_and_never_shown(tmp_path: Path) -> None:
    path = tmp_path / "contoh-dokumen.md"
    asked = DOC.replace("basis: rekomendasi_proyek", 'basis: rekomendasi_proyek\nquestions: {tugas-2: ["forum ini kerjanya apa aja"]}')
    path.write_text(asked, encoding="utf-8")
    chunks = {c.id: c for c in chunk_guidance(parse_guidance(path))}
    second = chunks["contoh-dokumen#tugas-2"]
    assert "forum ini kerjanya apa aja" in second.lexical_text and "forum ini kerjanya apa aja" in second.dense_text
    assert "kerjanya" not in second.text  # the answer shows the section, not the questions
    assert not any("kerjanya" in c.lexical_text for c in chunks.values() if c is not second)


def test_questions_for_a_section_that_does_not_exist_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "contoh-dokumen.md"
    path.write_text(DOC.replace("basis: rekomendasi_proyek", 'basis: rekomendasi_proyek\nquestions: {tugas-9: ["apa"]}'))
    with pytest.raises(GuidanceError, match=r"contoh-dokumen\.md.*tugas-9"):
        chunk_guidance(parse_guidance(path))
