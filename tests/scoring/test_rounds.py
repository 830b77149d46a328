"""Survey rounds: synthetic 2023 and 2024 rounds in the 10-variable framework beside 2025, one results folder
per round, the round's year from the data or `--year`, and the rounds read back in order."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.results import MANIFEST_JSON, OUTPUT_FILES, ResultsError
from scoring.rounds import change, comparable_metrics, load_rounds, round_directories
from scoring.sample import ROUND_PLANS

IHAI = str(Path(sys.executable).with_name("ihai"))


@pytest.fixture(scope="module")
def rounds(rounds_root: Path):
    return load_rounds(rounds_root)


def test_three_rounds_each_with_its_framework_and_label(rounds) -> None:
    assert rounds.years == (2023, 2024, 2025)
    assert [entry.methodology.id for entry in rounds.rounds] == ["ihai-2023", "ihai-2023", "ihai-2025"]
    for entry in rounds.rounds:
        plan = ROUND_PLANS[entry.manifest["year"]]
        assert entry.synthetic and entry.table["synthetic"].all()
        assert entry.manifest["accepted"] == plan.total_accepted
        kabkota = entry.level("kabkota")
        assert len(kabkota) == plan.n_measured and int(kabkota["target_met"].sum()) == plan.n_at_target
        assert (entry.table["year"] == plan.year).all()  # the year read from the submissions
    assert rounds.latest.manifest["year"] == 2025


def test_earlier_rounds_cover_a_subset_and_change_plausibly(rounds) -> None:
    tables = [entry.level("kabkota").set_index("code") for entry in rounds.rounds]
    assert set(tables[0].index) <= set(tables[1].index) <= set(tables[2].index)
    national = [entry.row("00")["ihai"] for entry in rounds.rounds]
    assert all(0 < later - earlier < 0.3 for earlier, later in zip(national, national[1:], strict=False))
    for earlier, later in zip(tables, tables[1:], strict=False):
        both = earlier.index.intersection(later.index)
        difference = later.loc[both, "ihai"] - earlier.loc[both, "ihai"]
        # Regions keep their level from one year to the next, give or take a few tenths.
        assert np.corrcoef(earlier.loc[both, "ihai"], later.loc[both, "ihai"])[0, 1] > 0.9
        assert 0.05 < difference.std() < 0.4
        assert (earlier.loc[both, "weakest_dimension"] == later.loc[both, "weakest_dimension"]).mean() > 0.4


def test_comparable_figures_across_frameworks(rounds) -> None:
    first, second, latest = rounds.rounds
    assert comparable_metrics(first, second)[:5] == ["ihai", "dim_ekonomi", "dim_sosial", "dim_budaya", "dim_keberagamaan"]
    assert "x10" in comparable_metrics(first, second)
    assert comparable_metrics(second, latest) == ["ihai", "dim_ekonomi", "dim_sosial", "dim_budaya", "dim_keberagamaan"]


def test_change_is_judged_by_the_difference_test() -> None:
    assert change(6.0, 0.02, 6.1, 0.02, 1.959964).significant is True  # 0.1 > 1.96 × 0.028
    assert change(6.0, 0.05, 6.1, 0.05, 1.959964).significant is False  # 0.1 < 1.96 × 0.071
    assert change(6.0, None, 6.1, 0.05, 1.959964).significant is None
    assert change(6.0, 0.02, 5.9, 0.02, 1.959964).direction == "turun"


def test_a_year_held_twice_is_refused_and_a_root_round_is_read(rounds_root: Path, tmp_path: Path) -> None:
    root = tmp_path / "hasil"
    shutil.copytree(rounds_root / "2024", root / "2024")
    shutil.copytree(rounds_root / "2024", root / "2099")  # named 2099, but its manifest says 2024
    with pytest.raises(ResultsError, match="Dua folder hasil untuk putaran 2024"):
        load_rounds(root)
    shutil.rmtree(root / "2099")
    for name in OUTPUT_FILES:  # results left in the root by a version before rounds: a round too
        shutil.copy(rounds_root / "2023" / name, root / name)
    assert round_directories(root) == [root, root / "2024"]
    assert load_rounds(root).years == (2023, 2024)
    with pytest.raises(ResultsError, match="Hasil IHaI belum ada"):
        load_rounds(tmp_path / "kosong")


def _ihai(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([IHAI, *arguments], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def test_sample_and_score_a_round_as_commands(tmp_path: Path) -> None:
    sample = _ihai(["sample", "--year", "2023", "--out", "sampel", "--seed", "5"], tmp_path)
    assert sample.returncode == 0, sample.stderr
    assert "DATA SAMPEL SINTETIS" in sample.stderr and "putaran 2023" in sample.stderr
    export = tmp_path / "sampel" / "ihai-2023-sampel-sintetis-seed5.parquet"
    manifest = json.loads(export.with_name("ihai-2023-sampel-sintetis-seed5.manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True and manifest["methodology"] == "ihai-2023" and manifest["year"] == 2023
    assert set(pd.read_parquet(export, columns=None).columns) >= {"x1_1", "x10_3"}

    # No --out: the round's folder under the data folder, named by the year the submissions carry; the
    # framework is the one the sample manifest names.
    scored = _ihai(["score", str(export)], tmp_path)
    assert scored.returncode == 0, scored.stderr
    results = tmp_path / "data" / "results" / "2023"
    written = json.loads((results / MANIFEST_JSON).read_text(encoding="utf-8"))
    assert written["year"] == 2023 and written["methodology"]["id"] == "ihai-2023"

    # --year sets another round, and says that the submissions carry another year.
    relabelled = _ihai(["score", str(export), "--year", "2024", "--weightings", "10"], tmp_path)
    assert relabelled.returncode == 0, relabelled.stderr
    assert "bertahun 2023" in relabelled.stderr and "putaran 2024" in relabelled.stderr
    written = json.loads((tmp_path / "data" / "results" / "2024" / MANIFEST_JSON).read_text(encoding="utf-8"))
    assert written["year"] == 2024 and written["sensitivity"]["weightings"] == 13
    assert load_rounds(tmp_path / "data" / "results").years == (2023, 2024)
    # The second round's workbook holds the first.
    assert "Putaran 2023" in pd.ExcelFile(tmp_path / "data" / "results" / "2024" / "results.xlsx").sheet_names
