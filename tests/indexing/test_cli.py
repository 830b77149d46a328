"""`ihai index build` and `ihai search` through the root command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ihai.cli import main


def test_build_is_incremental_and_says_what_it_embedded(
    index_copy: Path, sample_results_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "build", "--results", str(sample_results_dir), "--index", str(index_copy)]) == 0
    err = capsys.readouterr().err
    assert "Di-embed ulang: 0" in err and "kartu wilayah" in err


def test_build_without_results_warns_and_indexes_guidance_only(
    index_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "build", "--results", str(tmp_path / "belum-ada"), "--index", str(index_copy)]) == 0
    err = capsys.readouterr().err
    assert "Peringatan" in err and "0 kartu wilayah" in err
    manifest = json.loads((index_copy / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["results"] is None and not any(key.startswith("wilayah-") for key in manifest["chunks"])


def test_search_prints_hits_and_json(full_index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "dasar hukum fkub", "-k", "2", "--index", str(full_index_dir)]) == 0
    assert "fkub-mandat" in capsys.readouterr().out
    assert main(["search", "rumah ibadat", "--forum", "FKUB", "--json", "-k", "3", "--index", str(full_index_dir)]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 3 and all("FKUB" in hit["metadata"]["forums"] for hit in hits)
    assert {"chunk_id", "doc_id", "title", "text", "score", "kind", "metadata", "sources"} <= set(hits[0])


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "fkub", "--forum", "FKUBB"],
        ["search", "fkub", "--variable", "v99"],
        ["search", "fkub", "-k", "0"],
        ["search", "   "],
    ],
)
def test_search_user_errors_exit_2(argv: list[str], full_index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--index", str(full_index_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Galat:") and "Traceback" not in err


def test_stemmer_choice_sticks_until_changed(index_copy: Path, sample_results_dir: Path) -> None:
    def build(*extra: str) -> str:
        assert main(["index", "build", "--results", str(sample_results_dir), "--index", str(index_copy), *extra]) == 0
        return json.loads((index_copy / "manifest.json").read_text(encoding="utf-8"))["stemmer"]

    assert build("--stemmer", "snowball") == "snowball"
    assert build() == "snowball"
    assert build("--stemmer", "sastrawi") == "sastrawi"
