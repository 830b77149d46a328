"""The one-page region report, typeset by Typst and read back with pdftotext: every figure it prints is
checked against the results file (formatted here, independently of the report code), for a kab/kota
and for a province with all its kab/kota; A4, one page for a kab/kota, and the sample-data label."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from core.gazetteer import get_gazetteer
from knowledge.guidance import actions_for, load_guidance
from reports.builder import ReportBuilder
from reports.content import ReportError
from scoring.results import SYNTHETIC_LABEL, Results, aspect_column, dimension_column, load_results
from tests.reports.conftest import pdf_info, pdf_text

A4_POINTS = "595.276 x 841.89 pts (A4)"


def dec(value: float, decimals: int = 2) -> str:
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def score_text(value: float, edges: list[float]) -> str:
    """An IHaI as printed: more decimals where two would round it onto a category edge above it."""
    decimals = 2
    while any(float(f"{value:.{decimals}f}") >= edge > value for edge in edges):
        decimals += 1
    return dec(value, decimals)


def whole(value: int) -> str:
    return f"{int(value):,}".replace(",", ".")


def pct(share: float) -> str:
    return f"{round(share * 100)}%"


def chance(probability: float) -> str:
    return "lebih dari 99%" if probability >= 0.995 else pct(probability)


def weight_text(percent: float) -> str:
    return dec(percent).rstrip("0").rstrip(",") + "%"


class Table:
    """The results file as the tests read it."""

    def __init__(self, results: Results) -> None:
        self.results = results
        self.m = results.methodology
        self.rows = results.table.set_index("code", drop=False).rename_axis(None)
        self.edges = [band.lower for band in self.m.categories.bands]

    def row(self, code: str) -> pd.Series:
        return self.rows.loc[code]

    def publishable(self, level: str, province: str | None = None) -> pd.DataFrame:
        rows = self.rows[(self.rows["level"] == level) & self.rows["ihai"].notna()]
        return rows if province is None else rows[rows["province_code"] == province]

    def ihai(self, value: float) -> str:
        return score_text(value, self.edges)


@pytest.fixture(scope="module")
def table(sample_results: Results) -> Table:
    return Table(sample_results)


def kabkota_codes(table: Table) -> list[str]:
    kabkota = table.publishable("kabkota").sort_values("code")
    return [kabkota[kabkota["target_met"].astype(bool)].iloc[0]["code"],
            kabkota[~kabkota["target_met"].astype(bool)].iloc[0]["code"]]  # fmt: skip


def province_code(table: Table) -> str:
    """A province with a kab/kota that has no results or too few respondents, so every kind of row shows."""
    gazetteer = get_gazetteer()
    for code in table.publishable("provinsi").sort_values("code")["code"]:
        members = [region.code for region in gazetteer.kabkota(code)]
        if any(m not in table.rows.index or pd.isna(table.rows.loc[m, "ihai"]) for m in members):
            return code
    pytest.fail("the sample has no province with an unmeasured or unpublished kab/kota")


def components_lines(table: Table, columns: list[pd.Series]) -> list[str]:
    """The components table's rows as pdftotext -layout prints them: label, weight, then each column's value."""
    m = table.m
    lines = ["IHaI 100% " + " ".join(table.ihai(c["ihai"]) for c in columns)]
    for dimension in m.dimensions:
        variables = m.variables_of(dimension.key)
        lines.append(f"Dimensi {dimension.name} {weight_text(sum(v.weight for v in variables))} "
                     + " ".join(dec(c[dimension_column(dimension.key)]) for c in columns))  # fmt: skip
        lines += [f"{v.key.upper()} {v.name} {weight_text(v.weight)} " + " ".join(dec(c[v.key]) for c in columns)
                  for v in variables]  # fmt: skip
    lines += [f"Aspek {a.name} " + " ".join(dec(c[aspect_column(a.key)]) for c in columns) for a in m.aspects]
    return lines


def common_checks(table: Table, row: pd.Series, layout: str, flow: str, builder: ReportBuilder) -> None:
    m = table.m
    lines = layout.splitlines()
    assert SYNTHETIC_LABEL.upper() in layout and SYNTHETIC_LABEL in flow
    for line in components_lines(table, [row] + ([table.row(row["province_code"])] if row["level"] == "kabkota" else [])
                                 + [table.row("00")]):  # fmt: skip
        assert line in lines, line
    assert f"keyakinan kategori {chance(row['category_probability'])}" in flow
    assert f"galat baku {dec(row['ihai_se'], 3)}" in flow
    # Weakest parts, from the file's scores.
    dimension = min(m.dimensions, key=lambda d: row[dimension_column(d.key)])
    assert f"Dimensi terlemah: {dimension.name} ({dec(row[dimension_column(dimension.key)])})" in flow
    assert dimension.key == row["weakest_dimension"]
    weakest = sorted(m.variable_keys, key=lambda key: row[key])
    assert weakest[0] == row["weakest_variable"]
    assert "Variabel terendah: " + " · ".join(
        f"{key.upper()} {m.variable(key).name} ({dec(row[key])})" for key in weakest[:3]
    ) in flow
    aspect = min(m.aspects, key=lambda a: row[aspect_column(a.key)])
    assert f"Aspek terendah: {aspect.name} ({dec(row[aspect_column(aspect.key)])})" in flow
    # Each forum's actions for the two weakest variables, with their basis.
    actions = [a for doc in load_guidance() for a in doc.actions]
    for forum in ("FKUB", "FPK", "FKDM"):
        chosen = actions_for(actions, forum, weakest[:2], m, 2)
        assert chosen, forum
        for action in chosen:
            assert f"{forum} — {action.text} (dasar: {action.basis_text}; sumber: " in flow
    # Methodology notes.
    for note in (m.weights_note, m.categories.note, "bukan sampel probabilitas"):
        assert note in flow
    assert f"Baru satu putaran yang dimuat untuk wilayah ini ({row['year']})" in flow


@pytest.mark.parametrize("which", [0, 1], ids=["at-target", "under-target"])
def test_kabkota_report_prints_every_figure_of_the_results_file(which, table, builder, tmp_path):
    code = kabkota_codes(table)[which]
    row = table.row(code)
    pdf = builder.pdf(code)
    info = pdf_info(pdf, tmp_path)
    assert info["Page size"] == A4_POINTS and info["Pages"] == "1"
    layout, flow = pdf_text(pdf, tmp_path, layout=True), pdf_text(pdf, tmp_path, layout=False)
    lines = layout.splitlines()
    assert row["name"] in lines[:5] and f"Provinsi {row['province_name']} · kode {code}" in flow

    in_province = len(table.publishable("kabkota", row["province_code"]))
    national = len(table.publishable("kabkota"))
    target = table.m.survey.target_respondents
    values = (f"{table.ihai(row['ihai'])} {row['category']} {dec(row['ihai_ci_low'])}–{dec(row['ihai_ci_high'])} "
              f"{row['rank_in_province']} dari {in_province} {whole(row['n_respondents'])}")  # fmt: skip
    assert values in lines, values
    assert f"nasional {row['rank_national']} dari {national}" in flow
    status = "target tercapai" if row["target_met"] else "di bawah target"
    assert f"target {whole(target)} ({pct(row['n_respondents'] / target)}), {status}" in flow
    assert ("indikatif" in flow) is not bool(row["target_met"])
    common_checks(table, row, layout, flow, builder)


def test_province_report_lists_all_its_kabkota(table, builder, tmp_path):
    code = province_code(table)
    row = table.row(code)
    pdf = builder.pdf(code)
    assert pdf_info(pdf, tmp_path)["Page size"] == A4_POINTS
    layout, flow = pdf_text(pdf, tmp_path, layout=True), pdf_text(pdf, tmp_path, layout=False)
    lines = layout.splitlines()
    assert f"Provinsi {row['name']}" in lines[:5]
    provinces = len(table.publishable("provinsi"))
    values = (f"{table.ihai(row['ihai'])} {row['category']} {dec(row['ihai_ci_low'])}–{dec(row['ihai_ci_high'])} "
              f"{row['rank_national']} dari {provinces} {whole(row['n_kabkota_measured'])} dari "
              f"{whole(row['n_kabkota_total'])}")  # fmt: skip
    assert values in lines, values
    assert f"rentang kab/kota {dec(row['ihai_min'])}–{dec(row['ihai_max'])}" in flow
    assert f"{whole(row['n_kabkota_at_target'])} mencapai target" in flow
    met = "terpenuhi" if row["reporting_eligible"] else "belum terpenuhi"
    assert f"(semua kab/kota diukur dan mencapai target): {met}." in flow
    common_checks(table, row, layout, flow, builder)

    minimum = table.m.survey.min_publishable
    members = get_gazetteer().kabkota(code)
    assert len(members) == row["n_kabkota_total"]
    for region in members:
        if region.code not in table.rows.index:
            expected = f"– {region.name} 0 tidak – – belum diukur"
        else:
            member = table.row(region.code)
            if pd.isna(member["ihai"]):
                expected = (f"– {region.name} {whole(member['n_respondents'])} tidak – – di bawah {minimum} "
                            "responden")  # fmt: skip
            else:
                expected = (f"{member['rank_in_province']} {region.name} {whole(member['n_respondents'])} "
                            f"{'ya' if member['target_met'] else 'tidak'} {table.ihai(member['ihai'])} "
                            f"{dec(member['ihai_ci_low'])}–{dec(member['ihai_ci_high'])} {member['category']}")  # fmt: skip
        assert expected in lines, expected
    lowest = table.publishable("kabkota", code).sort_values(["ihai", "code"]).iloc[0]
    assert f"Kab/kota dengan IHaI terendah: {lowest['name']} ({table.ihai(lowest['ihai'])})" in flow


def test_weight_stability_is_shown_when_the_results_carry_it(sample_results_dir, table, tmp_path):
    """The weight-sensitivity columns (issue 12, item 2) are optional: shown when present."""
    code = kabkota_codes(table)[0]
    copy = tmp_path / "hasil"
    shutil.copytree(sample_results_dir, copy)
    frame = pd.read_parquet(copy / "results.parquet")
    at = frame["code"] == code
    frame["category_stability"] = pd.Series([math.nan] * len(frame), dtype="float64").where(~at, 0.87)
    frame["rank_low"] = pd.Series([None] * len(frame), dtype="Int64").mask(at, 210)
    frame["rank_high"] = pd.Series([None] * len(frame), dtype="Int64").mask(at, 236)
    frame.to_parquet(copy / "results.parquet")
    results = load_results(copy)
    row = results.table.set_index("code").loc[code]
    builder = ReportBuilder([results], get_gazetteer(), load_guidance())
    flow = pdf_text(builder.pdf(code), tmp_path, layout=False)
    assert (f"kategori bertahan pada {pct(row['category_stability'])} pembobotan yang diuji; peringkat nasional "
            f"{row['rank_low']}–{row['rank_high']} tergantung bobot") in flow  # fmt: skip
    other = kabkota_codes(table)[1]
    assert "tergantung bobot" not in pdf_text(builder.pdf(other), tmp_path, layout=False)


def test_regions_without_a_report_are_refused_with_a_reason(table, builder):
    gazetteer = get_gazetteer()
    unmeasured = next(r for r in gazetteer.kabkota() if r.code not in table.rows.index)
    unpublished = table.rows[(table.rows["level"] == "kabkota") & table.rows["ihai"].isna()]
    cases = {"99.99": "tidak dikenal", unmeasured.code: "belum diukur", "00": "kabupaten/kota atau provinsi"}
    if not unpublished.empty:
        cases[unpublished.iloc[0]["code"]] = "di bawah batas publikasi"
    for code, reason in cases.items():
        assert not builder.reportable(code)
        with pytest.raises(ReportError, match=reason):
            builder.report(code)
    with pytest.raises(ReportError, match="tidak dimuat"):
        builder.report(kabkota_codes(table)[0], 2019)


def test_reports_are_deterministic(table, builder):
    code = kabkota_codes(table)[0]
    assert builder.pdf(code) == builder.pdf(code)


def test_filename_names_round_code_and_region(table, builder):
    code = kabkota_codes(table)[0]
    slug = "-".join(table.row(code)["name"].lower().split())
    assert builder.filename(code) == f"laporan-ihai-{table.row(code)['year']}-{code}-{slug}.pdf"


def test_readme_page_is_a_generated_report():
    """The README shows docs/laporan-contoh.png, rendered by pdftoppm from `ihai report 63.03`."""
    root = Path(__file__).parents[2]
    assert (root / "docs" / "laporan-contoh.png").read_bytes().startswith(b"\x89PNG")
    assert "docs/laporan-contoh.png" in (root / "README.md").read_text(encoding="utf-8")


def test_a_report_carries_the_bot_link_and_a_qr_code_that_scans_to_it(sample_results, tmp_path):
    """With the bot's username known, the report's corner shows the region's Telegram deep link and its QR
    code; a phone camera (zxing-cpp here) reads the printed code as exactly that link, and the page count
    stays one."""
    import io
    import subprocess

    import zxingcpp
    from PIL import Image

    from core.deeplink import region_link
    from tests.reports.conftest import poppler

    rows = sample_results.table
    code = rows[(rows["level"] == "kabkota") & rows["publishable"]].sort_values("code")["code"].iloc[0]
    linked = ReportBuilder([sample_results], get_gazetteer(), load_guidance(), "ihai_asisten_bot")
    pdf = linked.pdf(code)
    url = region_link(code, "ihai_asisten_bot").url
    assert url.removeprefix("https://") in pdf_text(pdf, tmp_path, layout=False).replace(" ", "")
    assert pdf_info(pdf, tmp_path)["Pages"] == "1"
    path = tmp_path / "qr.pdf"
    path.write_bytes(pdf)
    png = subprocess.run([poppler("pdftoppm"), "-r", "300", "-png", "-f", "1", "-l", "1", str(path)],
                         check=True, capture_output=True).stdout  # fmt: skip
    assert [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))] == [url]
