"""Several rounds: the report's trend over a 2023 and a 2024 round (the 10-variable framework, scored by
the real pipeline from small exports built here) and the 2025 sample, checked against each round's
results file; and the two results layouts `load_rounds` reads."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.gazetteer import get_gazetteer
from knowledge.guidance import load_guidance
from reports.builder import ReportBuilder
from scoring.methodology import load_methodology
from scoring.pipeline import run_scoring
from scoring.report import write_outputs
from scoring.results import Results, ResultsError, load_results
from scoring.rounds import load_rounds
from tests.reports.conftest import pdf_text
from tests.reports.test_report import Table, dec, kabkota_codes, whole

RESPONDENTS = 60


def round_export(folder: Path, year: int, codes: list[str], lift: float, seed: int) -> Path:
    """A small 2023-framework export: RESPONDENTS per kab/kota, answers 1–5 leaning up by `lift`."""
    methodology = load_methodology("ihai-2023")
    rng = np.random.default_rng(seed)
    n = RESPONDENTS * len(codes)
    answers = np.clip(np.rint(rng.normal(3.2 + lift, 1.0, size=(n, len(methodology.item_keys)))), 1, 5).astype(int)
    frame = pd.DataFrame(answers, columns=methodology.item_keys)
    frame.insert(0, "kabkota", np.repeat(codes, RESPONDENTS))
    frame.insert(0, "submitted_at", [f"{year}-08-{1 + i % 20:02d}T{8 + i % 9:02d}:00:00" for i in range(n)])
    frame.insert(0, "respondent_id", [f"R{year}-{i}" for i in range(n)])
    frame["duration_seconds"] = 600
    path = folder / f"ekspor-{year}.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def rounds_dir(sample_results_dir: Path, sample_results: Results, tmp_path_factory: pytest.TempPathFactory) -> Path:
    table = Table(sample_results)
    code = kabkota_codes(table)[0]
    sibling = table.publishable("kabkota", table.row(code)["province_code"]).query("code != @code").iloc[0]["code"]
    root = tmp_path_factory.mktemp("putaran")
    exports = tmp_path_factory.mktemp("ekspor")
    for year, lift, seed in ((2023, 0.0, 23), (2024, 0.6, 24)):
        run = run_scoring([round_export(exports, year, [code, sibling], lift, seed)], load_methodology("ihai-2023"),
                          get_gazetteer())  # fmt: skip
        assert run.year == year
        write_outputs(run, root / str(year))
    shutil.copytree(sample_results_dir, root / "2025")
    return root


def test_rounds_are_read_per_year_and_flat(rounds_dir, sample_results_dir, tmp_path):
    assert [int(results.manifest["year"]) for results in load_rounds(rounds_dir).rounds] == [2023, 2024, 2025]
    assert [results.methodology.id for results in load_rounds(rounds_dir).rounds] == ["ihai-2023", "ihai-2023", "ihai-2025"]
    flat = load_rounds(sample_results_dir).rounds
    assert len(flat) == 1 and flat[0].directory == sample_results_dir
    with pytest.raises(ResultsError, match="ihai score"):
        load_rounds(tmp_path / "kosong")


def test_trend_over_three_rounds_matches_each_results_file(rounds_dir, sample_results, tmp_path):
    code = kabkota_codes(Table(sample_results))[0]
    builder = ReportBuilder(load_rounds(rounds_dir).rounds, get_gazetteer(), load_guidance())
    layout = pdf_text(builder.pdf(code), tmp_path, layout=True)
    flow = pdf_text(builder.pdf(code), tmp_path, layout=False)
    lines = layout.splitlines()
    previous: tuple[Results, pd.Series] | None = None
    for year in (2023, 2024, 2025):
        results = load_results(rounds_dir / str(year))
        table = Table(results)
        row = table.row(code)
        if previous is None:
            change = "–"
        else:
            before_results, before = previous
            delta = row["ihai"] - before["ihai"]
            margin = results.methodology.z * math.sqrt(row["ihai_se"] ** 2 + before["ihai_se"] ** 2)
            verdict = "melebihi ketidakpastian" if abs(delta) > margin else "dalam batas ketidakpastian"
            switched = "; kerangka berganti" if before_results.methodology.id != results.methodology.id else ""
            change = f"{'+' if delta >= 0 else '−'}{dec(abs(delta))} ({verdict}{switched})"
        expected = (f"{year} {results.methodology.id} {table.ihai(row['ihai'])} {dec(row['ihai_ci_low'])}–"
                    f"{dec(row['ihai_ci_high'])} {row['category']} {whole(row['n_respondents'])} {change}")  # fmt: skip
        assert expected in lines, expected
        previous = (results, row)
    assert "Kerangka berganti antarputaran: IHaI dan keempat dimensi dapat dibandingkan, variabelnya tidak." in flow
    # The 2024 report shows the rounds up to 2024 only, in the 2023 framework's variables.
    earlier = pdf_text(builder.pdf(code, 2024), tmp_path, layout=True)
    assert "\n2025 " not in earlier and "X10 Moderasi Beragama" in earlier


def test_a_region_measured_in_one_round_only_has_no_trend(rounds_dir, sample_results, tmp_path):
    earlier = set(load_results(rounds_dir / "2023").table["code"])
    code = next(code for code in Table(sample_results).publishable("kabkota")["code"] if code not in earlier)
    builder = ReportBuilder(load_rounds(rounds_dir).rounds, get_gazetteer(), load_guidance())
    flow = pdf_text(builder.pdf(code), tmp_path, layout=False)
    assert "Baru satu putaran yang dimuat untuk wilayah ini (2025)" in flow
