"""The target helper: the yearly path recomputed here from the results file (z·√2·SE, at 1,250
respondents for a kab/kota under target, rounded up to 0.01, at least 0.10, capped at 10), the indicator
rows, the refusals, and `ihai target` / `ihai report` on the command line."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ihai.cli import main
from reports.content import plain_rows
from reports.target import MIN_STEP, TargetError, caveat_lines, plan_lines, plan_target, table_lines
from scoring.methodology import load_methodology
from scoring.results import Results
from tests.reports.conftest import pdf_text
from tests.reports.test_report import Table, dec, kabkota_codes, whole


def expected_step(row, results: Results) -> float:
    m = results.methodology
    se = row["ihai_se"]
    if row["level"] == "kabkota" and not row["target_met"]:
        se *= math.sqrt(row["n_respondents"] / m.survey.target_respondents)
    return max(math.ceil(round(m.z * math.sqrt(2) * se * 100, 9)) / 100, MIN_STEP)


@pytest.mark.parametrize("which", ["at-target", "under-target", "province"])
def test_plan_follows_the_results_file(which, sample_results):
    table = Table(sample_results)
    code = {"at-target": kabkota_codes(table)[0], "under-target": kabkota_codes(table)[1],
            "province": table.publishable("provinsi").iloc[0]["code"]}[which]  # fmt: skip
    row = table.row(code)
    year = int(row["year"])
    plan = plan_target(plain_rows(sample_results)[code], sample_results.methodology, year, 2029, True)
    step = expected_step(row, sample_results)
    assert plan.step == pytest.approx(step)
    assert [year for year, _ in plan.path] == list(range(year + 1, 2030))
    for offset, (_, value) in enumerate(plan.path, 1):
        assert value == pytest.approx(min(row["ihai"] + step * offset, 10.0))
    text = "\n".join(plan_lines(plan) + table_lines(plan) + caveat_lines(plan))
    assert f"Baseline {year}: {table.ihai(row['ihai'])} ({row['category']}), interval kepercayaan 95% " \
           f"{dec(row['ihai_ci_low'])}–{dec(row['ihai_ci_high'])}, n = {whole(row['n_respondents'])}" in text
    assert "Jalur target: " + " · ".join(f"{y}: {dec(v)}" for y, v in plan.path) in text
    assert "Target: " + " · ".join(f"{y} {dec(v)}" for y, v in plan.path) in text
    higher = [band for band in sample_results.methodology.categories.bands if band.lower > row["ihai"]]
    assert f"Selisih ke {higher[0].label} (mulai {dec(higher[0].lower)}): {dec(higher[0].lower - row['ihai'])} poin" in text
    assert "bukan ketentuan" in text and "bukan sampel probabilitas" in text and "sintetis" in text
    indicators = [r.indicator for r in plan.rows]
    assert indicators[0] == f"Indeks Harmoni Indonesia (IHaI) {plan.region}"
    weakest = sorted(sample_results.methodology.variable_keys, key=lambda key: row[key])[:2]
    for key in weakest:
        assert any(f"Skor variabel {key.upper()} " in indicator for indicator in indicators)
        assert f"Baseline: {dec(row[key])} ({year})" in text
    if which == "under-target":
        assert "belum ada baseline resmi" in text
    if which == "province":
        assert f"Baseline: {whole(row['n_kabkota_at_target'])} dari {whole(row['n_kabkota_total'])} ({year})" in text


@given(ihai=st.floats(0.5, 9.99), se=st.floats(0.001, 0.4), n=st.integers(30, 5000), years=st.integers(1, 10))
def test_path_rises_by_at_least_the_detectable_change_and_stays_on_the_scale(ihai, se, n, years):
    methodology = load_methodology("ihai-2025")
    row = {"code": "63.03", "name": "Kabupaten Banjar", "level": "kabkota", "ihai": ihai, "ihai_se": se,
           "ihai_ci_low": ihai - 1.96 * se, "ihai_ci_high": ihai + 1.96 * se, "n_respondents": n,
           "target_met": n >= 1250, "category": methodology.category(ihai),
           **{key: ihai for key in methodology.variable_keys}}  # fmt: skip
    plan = plan_target(row, methodology, 2025, 2025 + years, False)
    assert plan.step >= max(plan.detectable, MIN_STEP) - 1e-12
    assert plan.step < max(plan.detectable, MIN_STEP) + 0.01
    values = [value for _, value in plan.path]
    assert len(values) == years and all(v <= methodology.scale.score_max for v in values)
    assert all(b >= a for a, b in zip([ihai, *values], values, strict=False))


def test_refusals_say_why(sample_results):
    rows = plain_rows(sample_results)
    methodology = sample_results.methodology
    code = kabkota_codes(Table(sample_results))[0]
    with pytest.raises(TargetError, match="sesudah tahun baseline"):
        plan_target(rows[code], methodology, 2025, 2025, True)
    with pytest.raises(TargetError, match="paling lambat 2035"):
        plan_target(rows[code], methodology, 2025, 2040, True)
    with pytest.raises(TargetError, match="kabupaten/kota atau provinsi"):
        plan_target(rows["00"], methodology, 2025, 2029, True)
    unpublished = next((r for r in rows.values() if r["level"] == "kabkota" and r["ihai"] is None), None)
    if unpublished is not None:
        with pytest.raises(TargetError, match="baseline belum"):
            plan_target(unpublished, methodology, 2025, 2029, True)


def test_target_and_report_commands(sample_results_dir, sample_results, tmp_path, capsys):
    table = Table(sample_results)
    code = kabkota_codes(table)[0]
    row = table.row(code)
    csv_path = tmp_path / "target.csv"
    assert main(["target", code, "--until", "2029", "--results", str(sample_results_dir), "--csv", str(csv_path)]) == 0
    out = capsys.readouterr().out
    step = expected_step(row, sample_results)
    path = [dec(row["ihai"] + step * k) for k in range(1, 5)]
    assert "Jalur target: " + " · ".join(f"{2025 + k}: {value}" for k, value in enumerate(path, 1)) in out
    with csv_path.open(encoding="utf-8-sig") as handle:
        first = next(csv.DictReader(handle))
    assert [first[str(year)] for year in range(2026, 2030)] == path
    assert first["Baseline"] == f"{table.ihai(row['ihai'])} ({row['year']})"

    pdf_path = tmp_path / "laporan.pdf"
    assert main(["report", row["name"], "--results", str(sample_results_dir), "--out", str(pdf_path)]) == 0
    assert table.ihai(row["ihai"]) in pdf_text(pdf_path.read_bytes(), tmp_path, layout=False)
    capsys.readouterr()

    for argv, message in (
        (["report", "banjar", "--out", str(tmp_path / "b.pdf")], "63.03 Kabupaten Banjar"),
        (["report", "kota sukamakmur", "--out", str(tmp_path / "c.pdf")], "tidak dikenal"),
        (["report", code, "--out", str(tmp_path / "laporan.txt")], "berakhiran .pdf"),
        (["report", code, "--out", str(tmp_path / "tidak-ada" / "x.pdf")], "folder yang ada"),
        (["report", "00", "--out", str(tmp_path / "d.pdf")], "kabupaten/kota atau provinsi"),
        (["target", code, "--until", "2020"], "sesudah tahun baseline"),
        (["target", code, "--year", "2019"], "tidak dimuat"),
    ):
        assert main([*argv, "--results", str(sample_results_dir)]) == 2, argv
        assert message in capsys.readouterr().err, argv
    assert main(["report", code, "--results", str(tmp_path / "kosong"), "--out", str(tmp_path / "e.pdf")]) == 2
    assert "ihai score" in capsys.readouterr().err
    assert not (Path(tmp_path) / "b.pdf").exists()
