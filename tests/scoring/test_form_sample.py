"""The form-style sample end to end: the export a form tool would hand over, plus its mapping, scores to
exactly the canonical export's results; `ihai mapping suggest` drafts a mapping that does the same."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core.gazetteer import get_gazetteer
from ihai.cli import main
from scoring.mapping import load_mapping
from scoring.methodology import Methodology, load_methodology
from scoring.pipeline import ScoringRun, run_scoring
from scoring.quality import REASONS
from scoring.results import RESULTS_PARQUET
from scoring.sample import MAPPING_SUFFIX, POPULATION_SUFFIX, SampleExport, write_sample
from scoring.sample_form import HEADERS, to_form_style
from scoring.suggest import suggest_mapping

IHAI = str(Path(sys.executable).with_name("ihai"))
SEED = 2025


@pytest.fixture(scope="module")
def methodology() -> Methodology:
    return load_methodology("ihai-2025")


@pytest.fixture(scope="module")
def canonical(sample_export_path: Path) -> SampleExport:
    return SampleExport(frame=pd.read_parquet(sample_export_path), calibration={}, methodology="ihai-2025")


@pytest.fixture(scope="module")
def form_csv(canonical: SampleExport, methodology: Methodology, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole sample as a form tool's CSV (semicolons, BOM, decimal commas) with its mapping beside it."""
    form = to_form_style(canonical, methodology, get_gazetteer())
    return write_sample(form, tmp_path_factory.mktemp("formulir"), seed=SEED, fmt="csv")


def _mapping_path(export: Path) -> Path:
    return export.with_name(export.stem + MAPPING_SUFFIX)


def test_form_export_looks_like_a_form_tools(form_csv: Path, methodology: Methodology) -> None:
    head = pd.read_csv(form_csv, sep=";", dtype=str, keep_default_na=False, nrows=2_000, encoding="utf-8-sig")
    assert list(head.columns[:4]) == ["Cap waktu", "ID Responden", "Provinsi", "Kabupaten/Kota"]
    assert head.columns[4] == f"1. {methodology.items[0].statement}"
    assert head["Cap waktu"].str.fullmatch(r"\d\d/03/2025 \d\d\.\d\d\.\d\d").all()
    answers = set(head[head.columns[4]])
    assert {"Sangat Setuju", "Setuju", "Netral", "Tidak Setuju"} <= answers
    assert set(head[HEADERS["sex"]]) == {"Laki-laki", "Perempuan"}
    assert head[HEADERS["weight"]].str.contains(",").any() and not head[HEADERS["weight"]].str.contains(r"\.").any()
    manifest = json.loads(form_csv.with_name(form_csv.stem + ".manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True and manifest["style"] == "formulir"
    assert manifest["files"]["mapping"] == _mapping_path(form_csv).name


def _assert_same_outcome(form: ScoringRun, canonical: ScoringRun) -> None:
    pd.testing.assert_frame_equal(form.results, canonical.results)
    pd.testing.assert_frame_equal(form.quality.accepted.drop(columns=["sex", "age_group"]),
                                  canonical.quality.accepted.drop(columns=["sex", "age_group"]))  # fmt: skip
    assert form.quality.quarantine["_source_row"].tolist() == canonical.quality.quarantine["_source_row"].tolist()
    # "x" is out of scale among numbers and an unknown word among words: the one difference in reasons.
    form_counts, canonical_counts = form.quality.reason_counts, canonical.quality.reason_counts
    assert form_counts["label_tidak_dikenal"] > 0
    assert form_counts["nilai_di_luar_skala"] + form_counts["label_tidak_dikenal"] == canonical_counts["nilai_di_luar_skala"]
    others = [reason for reason in REASONS if reason not in ("nilai_di_luar_skala", "label_tidak_dikenal")]
    assert {reason: form_counts[reason] for reason in others} == {reason: canonical_counts[reason] for reason in others}


def test_form_export_with_its_mapping_gives_the_canonical_results(
    form_csv: Path, sample_export_path: Path, sample_results_dir: Path, methodology: Methodology
) -> None:
    gazetteer = get_gazetteer()
    mapping = load_mapping(_mapping_path(form_csv), methodology, gazetteer)
    form = run_scoring([form_csv], methodology, gazetteer, mapping=mapping)
    canonical = run_scoring([sample_export_path], methodology, gazetteer)
    _assert_same_outcome(form, canonical)
    pd.testing.assert_frame_equal(form.results, pd.read_parquet(sample_results_dir / RESULTS_PARQUET))
    pd.testing.assert_series_equal(form.quality.accepted["sex"], canonical.quality.accepted["sex"])
    pd.testing.assert_series_equal(form.quality.accepted["age_group"], canonical.quality.accepted["age_group"])


def test_suggested_mapping_reads_the_form_export_like_the_written_one(
    canonical: SampleExport, methodology: Methodology, tmp_path: Path
) -> None:
    # The first 40,000 rows keep this test quick; every kind of row is among them.
    head = SampleExport(frame=canonical.frame.head(40_000), calibration={}, methodology="ihai-2025")
    form_path = write_sample(to_form_style(head, methodology, get_gazetteer()), tmp_path / "formulir", seed=SEED, fmt="csv")
    suggestion = suggest_mapping(form_path, methodology)
    assert suggestion.matched == 3 + len(methodology.item_keys)
    # The one thing it cannot place is the faulty "x" answers, which are meant to reach the quarantine.
    assert len(suggestion.unmatched) == 1 and suggestion.unmatched[0].startswith("jawaban 'x' (butir v")
    draft = tmp_path / "draf.toml"
    draft.write_text(suggestion.text, encoding="utf-8")
    written = load_mapping(_mapping_path(form_path), methodology, get_gazetteer())
    suggested = load_mapping(draft, methodology, get_gazetteer())
    assert suggested.spec.items == written.spec.items and suggested.spec.region == written.spec.region
    assert suggested.spec.format == written.spec.format and suggested.answers == written.answers

    canonical_path = write_sample(head, tmp_path / "kanonik", seed=SEED, fmt="parquet")
    form = run_scoring([form_path], methodology, get_gazetteer(), mapping=suggested)
    _assert_same_outcome(form, run_scoring([canonical_path], methodology, get_gazetteer()))


def test_suggest_names_what_it_cannot_match(methodology: Methodology, tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"Waktu isi": ["01/03/2025 10:00:00"], "Nomor": ["A1"], "Daerah": ["Tapin"], "Q1": ["Setuju banget"]}, dtype="str"
    )
    path = tmp_path / "aneh.csv"
    frame.to_csv(path, index=False)
    suggestion = suggest_mapping(path, methodology)
    assert "respondent_id" in suggestion.unmatched and "kabkota" in suggestion.unmatched and "v8_3" in suggestion.unmatched
    assert '# v8_3 = "?"  # BELUM COCOK' in suggestion.text
    draft = tmp_path / "draf.toml"
    draft.write_text(suggestion.text, encoding="utf-8")
    # Scoring with the draft stops with a message naming what is still missing.
    assert main(["score", str(path), "--mapping", str(draft), "--out", str(tmp_path / "hasil")]) == 2


def test_sample_and_suggest_as_commands(tmp_path: Path) -> None:
    sample = subprocess.run(
        [IHAI, "sample", "--style", "form", "--out", "formulir", "--seed", "3"], cwd=tmp_path, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert sample.returncode == 0, sample.stderr
    export = tmp_path / "formulir" / "ihai-2025-sampel-sintetis-seed3-formulir.parquet"
    assert export.is_file() and _mapping_path(export).is_file()
    assert export.with_name(export.stem + POPULATION_SUFFIX).is_file()

    suggest = subprocess.run(
        [IHAI, "mapping", "suggest", str(export), "--out", "draf.toml"], cwd=tmp_path, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert suggest.returncode == 0, suggest.stderr
    assert "27 dari 27 kolom wajib cocok" in suggest.stderr and (tmp_path / "draf.toml").is_file()
    again = subprocess.run([IHAI, "mapping", "suggest", str(export), "--out", "draf.toml"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert again.returncode == 2 and "draf.toml: file sudah ada" in again.stderr
