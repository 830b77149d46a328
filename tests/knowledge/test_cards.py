"""Region cards: Indonesian text and metadata from a results table."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from core.numbers import number, score
from knowledge.cards import build_region_cards
from scoring.methodology import load_methodology
from scoring.results import Results, load_results, result_columns

METHODOLOGY = load_methodology("ihai-2025")


def _row(**values: object) -> dict[str, object]:
    figures = {f"dim_{d}": 7.0 for d in METHODOLOGY.dimension_keys}
    figures |= {v: 7.0 for v in METHODOLOGY.variable_keys} | {f"aspect_{a}": 7.0 for a in METHODOLOGY.aspect_keys}
    row: dict[str, object] = {column: None for column in result_columns(METHODOLOGY)}
    row |= {"year": 2025, "methodology": "ihai-2025", "weights_provisional": True, "synthetic": True} | figures
    return row | values


def _results(synthetic: bool = True) -> Results:
    rows = [
        _row(level="kabkota", code="63.03", name="Kabupaten Banjar", province_code="63",
             province_name="Kalimantan Selatan", n_respondents=1302, target_met=True, publishable=True,
             ihai=6.7234, ihai_se=0.06, ihai_ci_low=6.6058, ihai_ci_high=6.8410, category="Harmoni Sedang",
             dim_keberagamaan=6.12, v7=5.98, weakest_dimension="keberagamaan", weakest_variable="v7",
             rank_in_province=1, rank_national=2, reporting_eligible=True, category_probability=0.9996),
        _row(level="kabkota", code="63.04", name="Kabupaten Barito Kuala", province_code="63",
             province_name="Kalimantan Selatan", n_respondents=12, target_met=False, publishable=False,
             reporting_eligible=False, **{c: None for c in ("dim_ekonomi", "v1")}),
        _row(level="kabkota", code="64.01", name="Kabupaten Paser", province_code="64",
             province_name="Kalimantan Timur", n_respondents=480, target_met=False, publishable=True, ihai=6.9,
             ihai_se=0.1, ihai_ci_low=6.7, ihai_ci_high=7.1, category="Harmoni Sedang", weakest_dimension="ekonomi",
             weakest_variable="v2", v2=6.5, dim_ekonomi=6.6, rank_in_province=1, rank_national=1,
             reporting_eligible=False, category_probability=0.8412),
        _row(level="provinsi", code="63", name="Kalimantan Selatan", province_code="63",
             province_name="Kalimantan Selatan", n_respondents=1314, publishable=True, ihai=6.7234, ihai_se=0.06,
             ihai_ci_low=6.6058, ihai_ci_high=6.8410, category="Harmoni Sedang", weakest_dimension="keberagamaan",
             weakest_variable="v7", rank_national=2, ihai_min=6.7234, ihai_max=6.7234, n_kabkota_total=13,
             n_kabkota_measured=1, n_kabkota_at_target=1, reporting_eligible=False),
        _row(level="provinsi", code="64", name="Kalimantan Timur", province_code="64",
             province_name="Kalimantan Timur", n_respondents=480, publishable=True, ihai=6.9, ihai_se=0.1,
             ihai_ci_low=6.7, ihai_ci_high=7.1, category="Harmoni Sedang", rank_national=1, ihai_min=6.9,
             ihai_max=6.9, n_kabkota_total=10, n_kabkota_measured=1, n_kabkota_at_target=0, reporting_eligible=False),
        _row(level="nasional", code="00", name="Indonesia", n_respondents=1794, publishable=True, ihai=6.81,
             ihai_se=0.05, ihai_ci_low=6.71, ihai_ci_high=6.91, category="Harmoni Sedang", ihai_min=6.72,
             ihai_max=6.9, n_kabkota_total=514, n_kabkota_measured=2, n_kabkota_at_target=1, reporting_eligible=False),
    ]
    table = pd.DataFrame(rows, columns=result_columns(METHODOLOGY))
    for column in ("rank_in_province", "rank_national", "n_kabkota_total", "n_kabkota_measured", "n_kabkota_at_target"):
        table[column] = table[column].astype("Int64")
    return Results(table, {"synthetic": synthetic}, METHODOLOGY, Path("hasil"))


@pytest.fixture(scope="module")
def cards() -> dict:
    return {card.id: card for card in build_region_cards(_results())}


def test_one_card_per_region_with_stable_ids(cards: dict) -> None:
    assert list(cards) == ["wilayah-63.03", "wilayah-63.04", "wilayah-64.01", "wilayah-63", "wilayah-64", "wilayah-00"]


def test_kabkota_card_states_score_weakest_coverage_and_rank(cards: dict) -> None:
    card = cards["wilayah-63.03"]
    assert card.title == "IHaI 2025 Kabupaten Banjar, Kalimantan Selatan"
    for phrase in (
        "6,72",
        "kategori Harmoni Sedang",
        "selang kepercayaan 95%: 6,61–6,84",
        "Keyakinan kategori: lebih dari 99%.",
        "Dimensi terlemah: Keberagamaan (6,12)",
        "Variabel terlemah: V7 Moderasi Beragama dan Toleransi Antarumat Beragama (5,98)",
        "Responden: 1.302 dari target 1.250",
        "sudah mencapai target",
        "Peringkat 1 dari 1 kab/kota terukur di Kalimantan Selatan dan 2 dari 2 secara nasional",
        "bobot variabel dan batas kategori masih sementara",
        "data sampel sintetis",
    ):
        assert phrase in card.text, phrase
    assert card.metadata == {
        "level": "kabkota", "code": "63.03", "name": "Kabupaten Banjar", "province_code": "63",
        "province_name": "Kalimantan Selatan", "year": 2025, "ihai": 6.7234, "category": "Harmoni Sedang",
        "publishable": True, "dimensions": ["keberagamaan"], "variables": ["v7"], "synthetic": True,
        "methodology": "ihai-2025",
    }


def test_below_target_and_unpublishable_cards(cards: dict) -> None:
    assert "belum mencapai target" in cards["wilayah-64.01"].text
    assert "Keyakinan kategori: 84%." in cards["wilayah-64.01"].text
    small = cards["wilayah-63.04"]
    assert "Baru 12 responden" in small.text and "minimal 30" in small.text and "kategori" not in small.text
    assert small.metadata["ihai"] is None and small.metadata["dimensions"] == []


def test_province_and_nation_cards_state_coverage_and_eligibility(cards: dict) -> None:
    province = cards["wilayah-63"].text
    assert province.startswith("Provinsi Kalimantan Selatan.")
    assert "rata-rata 1 kab/kota terukur dari 13 kab/kota" in province
    assert "Kelayakan laporan: belum layak" in province and "Peringkat 2 dari 2 provinsi terukur" in province
    assert cards["wilayah-00"].text.startswith("Indonesia (nasional).")
    assert cards["wilayah-00"].metadata["province_code"] is None


def test_summary_has_words_but_no_figures(cards: dict) -> None:
    summary = cards["wilayah-63.03"].summary
    assert "Moderasi Beragama" in summary and "target responden tercapai" in summary
    assert not re.search(r"\d[,.]\d", summary)


def test_real_data_cards_are_labelled_only_when_synthetic() -> None:
    assert all("data sampel sintetis" not in card.text for card in build_region_cards(_results(synthetic=False)))


def test_cards_from_the_scored_sample(sample_results_dir: Path) -> None:
    results = load_results(sample_results_dir)
    cards = build_region_cards(results)
    assert len(cards) == len(results.table) and len({c.id for c in cards}) == len(cards)
    assert all("data sampel sintetis" in card.text for card in cards)


def test_cards_cover_every_round_with_each_change(rounds_root: Path) -> None:
    from scoring.rounds import change, load_rounds

    rounds = load_rounds(rounds_root)
    cards = {card.id: card for card in build_region_cards(rounds.rounds)}
    codes = set().union(*(set(results.table["code"]) for results in rounds.rounds))
    assert set(cards) == {f"wilayah-{code}" for code in codes}
    tables = {results.manifest["year"]: results.table.set_index("code") for results in rounds.rounds}
    edges = METHODOLOGY.band_edges
    for code in ("63.03", "63", "00"):
        text = cards[f"wilayah-{code}"].text
        rows = {year: table.loc[code] for year, table in tables.items()}
        assert cards[f"wilayah-{code}"].title.startswith("IHaI 2025 ")
        for year, row in rows.items():
            assert f"{year} {score(row['ihai'], edges)} ({row['category']}, kerangka " in text
        for before, after in ((2023, 2024), (2024, 2025)):
            step = change(rows[before]["ihai"], rows[before]["ihai_se"], rows[after]["ihai"], rows[after]["ihai_se"], METHODOLOGY.z)
            judged = "lebih besar dari ketidakpastiannya" if step.significant else "masih dalam ketidakpastian"
            assert f"Perubahan {before}–{after}: {step.direction} {number(abs(step.difference))}, {judged}." in text
    row = tables[2025].loc["63.03"]
    if row["rank_low"] != row["rank_high"]:
        assert f"peringkat nasional {row['rank_low']}–{row['rank_high']} tergantung bobot" in cards["wilayah-63.03"].text
