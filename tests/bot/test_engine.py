"""Engine behaviour the conversation set does not pin down: guidance with an index, rules for regions
under target or below the publication minimum, real (non-synthetic) results, and the never-raise promise."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from bot.engine import render
from bot.engine.classifier import IntentClassifier
from bot.engine.compose.kit import SYNTHETIC_LINE
from bot.engine.engine import Engine
from core.gazetteer import get_gazetteer
from knowledge.guidance import load_guidance
from scoring.methodology import load_methodology
from scoring.pipeline import run_scoring
from scoring.report import write_outputs
from scoring.results import Results, aspect_column, load_results


@pytest.fixture
def make_engine(intent_classifier: IntentClassifier) -> Callable[..., Engine]:
    """Engines these tests build themselves. One classifier serves every framework: it reads mask tokens
    ("_variabel"), which each engine's own methodology produces."""

    def make(results: Results, **changes: Any) -> Engine:
        return Engine(results, get_gazetteer(), intent_classifier, load_guidance(), **changes)

    return make


def _first_kabkota(results: Results, **where: Any) -> pd.Series:
    table = results.table
    rows = table[(table["level"] == "kabkota") & table["publishable"]]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows.sort_values("code").iloc[0]


def _weakest_dimension_line(results: Results, row: pd.Series) -> str:
    """ "Dimensi terlemah: Budaya (5,78)", read from the results file."""
    dimension = row["weakest_dimension"]
    name = next(d.name for d in results.methodology.dimensions if d.key == dimension)
    return f"Dimensi terlemah: {name} ({render.number(row[f'dim_{dimension}'])})"


def test_guidance_answer_leads_with_the_section_that_answers_and_cites_its_sources(
    results: Results, search_index, make_engine
) -> None:
    engine = make_engine(results, index=search_index)
    answer = engine.ask("apa saja tugas fkub?", "g")
    assert answer.intent == "metodologi"
    assert answer.facts["sections"][0] == "fkub-mandat#tugas"  # the duties, not the introduction
    doc = next(d for d in load_guidance() if d.id == "fkub-mandat")
    assert answer.text.startswith(f"<b>{render.escape(doc.title)}</b>\n<b>Tugas</b>")
    assert answer.sources[0].doc_id == "fkub-mandat" and SYNTHETIC_LINE not in answer.text
    [more] = [b for b in answer.followups if b.label == "Selengkapnya"]
    whole = engine.ask(more.payload, "g")
    assert whole.intent == "dokumen" and "Susunan" in whole.text and len(whole.text) > len(answer.text)
    # The whole document is an aside: the conversation goes on where it was.
    assert engine.ask("kalau fpk?", "g").intent != "dokumen"


@pytest.mark.parametrize(
    ("question", "leading"),
    [
        # One variable named: its own page, even where general pages outrank it in the search.
        ("V3 itu sebenarnya ngukur apa", "variabel-v3#apa-yang-ditangkap"),
        ("variabel v6 tentang apa sih", "variabel-v6#apa-yang-ditangkap"),
        # One dimension named: its page, not the framework's list of all eight variables that names it too.
        ("variabel di dimensi keberagamaan apa saja", "dimensi-keberagamaan#variabel"),
        ("dimensi ekonomi mencakup variabel apa", "dimensi-ekonomi#variabel"),
    ],
)
def test_a_named_variable_is_answered_from_its_own_page(
    results: Results, search_index, make_engine, question: str, leading: str
) -> None:
    answer = make_engine(results, index=search_index).ask(question, "variable-page")
    assert answer.intent == "metodologi" and answer.facts["sections"][0] == leading


def test_without_index_guidance_says_so_and_figures_still_work(engine: Engine) -> None:
    answer = engine.ask("apa itu moderasi beragama?", "no-index")
    assert answer.intent == "metodologi" and answer.facts["index_ready"] is False
    assert "belum siap" in answer.text
    assert engine.ask("ihai kota banjarbaru", "no-index").intent == "profil"


def test_how_a_figure_is_computed_names_the_framework_and_provisional_weights(engine: Engine, results: Results) -> None:
    answer = engine.ask("bagaimana angka ini dihitung?", "method")
    methodology = results.methodology
    assert methodology.name in answer.text
    assert answer.facts["weights_provisional"] is methodology.weights_provisional is True
    assert "bobot sementara" in answer.text.lower()


def test_region_under_target_is_marked_indicative(engine: Engine, results: Results) -> None:
    row = _first_kabkota(results, target_met=False)
    answer = engine.ask(f"ihai {row['code']}", "under-target")
    assert "di bawah target" in answer.text and "indikatif" in answer.text
    assert answer.facts["target_met"] is False


def test_region_below_publication_minimum_shows_no_figure(results: Results, make_engine) -> None:
    row = _first_kabkota(results)
    table = results.table.copy()
    mask = table["code"] == row["code"]
    figures = ["ihai", "ihai_se", "ihai_ci_low", "ihai_ci_high", "category", "rank_in_province", "rank_national"]
    table.loc[mask, figures] = pd.NA
    table.loc[mask, ["n_respondents", "publishable"]] = [12, False]
    engine = make_engine(dataclasses.replace(results, table=table))
    answer = engine.ask(f"ihai {row['code']}", "small")
    assert answer.intent == "profil"
    assert "12" in answer.text and "tidak dipublikasikan" in answer.text
    assert answer.facts == {"n": 12, "publishable": False}
    assert answer.chart is None


def test_real_results_carry_no_sample_line(results: Results, make_engine) -> None:
    real = dataclasses.replace(results, manifest={**results.manifest, "synthetic": False})
    answer = make_engine(real).ask("ihai kota banjarbaru", "real")
    assert answer.intent == "profil" and SYNTHETIC_LINE not in answer.text


def test_help_says_where_the_figures_come_from(results: Results, engine: Engine, make_engine) -> None:
    sample = engine.ask("aplikasi ini datanya dari mana? resmi?", "help-sample")
    real = dataclasses.replace(results, manifest={**results.manifest, "synthetic": False})
    computed = make_engine(real).ask("aplikasi ini datanya dari mana? resmi?", "help-real")
    assert sample.intent == computed.intent == "bantuan"
    assert "data sampel sintetis" in sample.text and "bukan hasil resmi" in sample.text
    assert "data sampel" not in computed.text and "dihitung asisten ini dari data e-survey" in computed.text


def test_an_internal_error_becomes_an_apology(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine.dialogue, "turn", broken)
    with caplog.at_level(logging.ERROR):
        answer = engine.ask("ihai kalsel", "broken")
    assert answer.intent == "galat" and "Maaf" in answer.text and answer.followups
    assert "boom" in caplog.text


def test_profile_says_how_sure_the_category_is_and_shows_the_aspects(engine: Engine, results: Results) -> None:
    table = results.table
    kabkota = table[(table["level"] == "kabkota") & table["publishable"]].sort_values("category_probability")
    unsure, sure = kabkota.iloc[0], kabkota.iloc[-1]
    assert unsure["category_probability"] < 0.9 <= 0.995 <= sure["category_probability"]  # the sample has both

    answer = engine.ask(f"ihai {unsure['code']}", "certainty")
    expected = render.percent(unsure["category_probability"])
    assert f"Keyakinan kategori: {expected} — skor dekat batas kategori" in answer.text
    for aspect in results.methodology.aspects:
        assert f"{aspect.name} {render.number(unsure[aspect_column(aspect.key)])}" in answer.text

    assert "Keyakinan kategori: lebih dari 99%" in engine.ask(f"ihai {sure['code']}", "certainty").text


def test_guidance_prefers_the_results_framework_unless_another_is_named(
    results: Results, search_index, make_engine
) -> None:
    engine = make_engine(results, index=search_index)
    assert results.methodology.id == "ihai-2025"
    plain = engine.ask("apa itu moderasi beragama?", "fw")
    named = engine.ask("apa itu x10 moderasi beragama?", "fw")
    assert "variabel-x10" not in [source.doc_id for source in plain.sources[:1]]
    assert named.sources[0].doc_id == "variabel-x10"


def test_how_to_questions_lead_with_the_steps(results: Results, search_index, make_engine) -> None:
    engine = make_engine(results, index=search_index)
    rpjmd = engine.ask("bagaimana memasukkan IHaI ke RPJMD?", "steps")
    assert rpjmd.facts["sections"][0] == "ihai-dalam-rpjmd#langkah-yang-disarankan"
    coverage = engine.ask("responden kami kurang, gimana cara naikin partisipasi survei?", "steps")
    assert coverage.intent == "metodologi"
    assert coverage.facts["sections"][0].startswith("meningkatkan-cakupan-survei#")


def test_results_of_the_2023_framework_are_answered_in_its_terms(tmp_path, make_engine) -> None:
    """Nothing in the engine is tied to the 2025 framework: score a small 2023/2024-style export with the
    real pipeline and ask about it."""
    methodology = load_methodology("ihai-2023")
    rng = np.random.default_rng(2024)
    codes = ["63.03", "63.71", "63.72"]
    export = pd.DataFrame({
        "respondent_id": [f"r{i}" for i in range(40 * len(codes))],
        "submitted_at": "2024-03-10T10:00:00",
        "kabkota": np.repeat(codes, 40),
        "duration_seconds": 300,
    } | {item: rng.integers(1, 6, 40 * len(codes)) for item in methodology.item_keys})  # fmt: skip
    export.to_csv(tmp_path / "ekspor-2024.csv", index=False)
    write_outputs(run_scoring([tmp_path / "ekspor-2024.csv"], methodology, get_gazetteer()), tmp_path / "hasil")
    results = load_results(tmp_path / "hasil")
    engine = make_engine(results)
    row = results.row("63.03")

    profile = engine.ask("ihai kab banjar", "2023")
    assert profile.intent == "profil" and f"IHaI 2024: <b>{render.number(row['ihai'])}</b>" in profile.text
    weakest = engine.ask("dimensi terlemahnya?", "2023")
    variable = row["weakest_variable"]
    assert variable.startswith("x") and f"{variable.upper()} {methodology.variable(variable).name}" in weakest.text
    method = engine.ask("bagaimana ihai dihitung?", "2023")
    x10 = render.number(methodology.variable("x10").weight).rstrip("0").rstrip(",")
    assert methodology.name in method.text and "bobot resmi" in method.text and f"X10 {x10}%" in method.text
    ranking = engine.ask("pluralisme terendah di kalsel", "2023")
    assert ranking.intent == "peringkat" and "X3 Pluralisme" in ranking.text


def test_sources_are_one_tap_away_and_do_not_disturb_the_conversation(engine: Engine) -> None:
    advice = engine.ask("saran FKUB untuk Tapin", "sumber")
    [button] = [b for b in advice.followups if b.payload.startswith("sumber ")]
    doc_id = button.payload.removeprefix("sumber ")
    assert doc_id == advice.sources[0].doc_id and len(button.payload.encode()) <= 64

    listed = engine.ask(button.payload, "sumber")
    doc = next(d for d in load_guidance() if d.id == doc_id)
    assert listed.intent == "sumber" and doc.title in listed.text
    web = [ref for ref in doc.sources if "https://" in ref]
    assert web and all(ref.split(": ", 1)[1] in listed.text for ref in web)  # full addresses, linkable

    followup = engine.ask("kalau Tabalong?", "sumber")  # the chat still knows it was advice for FKUB
    assert followup.intent == "saran" and followup.regions == ("63.09",) and "FKUB" in followup.text
    assert engine.ask("sumber dokumen-yang-tidak-ada", "sumber").intent != "sumber"


def test_province_coverage_names_the_kabkota_under_target(engine: Engine, results: Results) -> None:
    table = results.table
    kabkota = table[table["level"] == "kabkota"]
    province = kabkota[~kabkota["target_met"].astype(bool)]["province_code"].value_counts().index[0]
    under = kabkota[(kabkota["province_code"] == province) & ~kabkota["target_met"].astype(bool)]
    under = under.sort_values("n_respondents")
    answer = engine.ask(f"cakupan responden provinsi {province}", "gaps")
    assert answer.intent == "cakupan" and answer.regions == (province,)
    for _, row in under.head(10).iterrows():
        assert f"{row['name']} (n = {render.count(row['n_respondents'])}" in answer.text
    if len(under) > 10:
        assert f"dan {len(under) - 10} lainnya" in answer.text
    spread = engine.ask(f"ihai provinsi {province}", "gaps").text
    measured = kabkota[(kabkota["province_code"] == province) & kabkota["publishable"].astype(bool)]
    for label, n in measured["category"].value_counts().items():
        assert f"{label} {n}" in spread


def test_category_listing_matches_the_results_file(engine: Engine, results: Results) -> None:
    table = results.table
    kabkota = table[(table["level"] == "kabkota") & table["publishable"].astype(bool)]
    for label in (band.label for band in results.methodology.categories.bands):
        answer = engine.ask(f"kab/kota mana saja yang {label.lower()}", f"kategori-{label}")
        members = kabkota[kabkota["category"] == label]
        assert answer.intent == "kategori"
        assert f"{len(members)} dari {len(kabkota)} kab/kota secara nasional berkategori {label}" in answer.text
        assert sorted(answer.facts["codes"]) == sorted(members["code"])


def test_a_nationwide_list_is_about_the_nation_and_keeps_the_region_talked_about(engine: Engine) -> None:
    engine.ask("skor kota banjarbaru", "nation-list")
    listed = engine.ask("10 kab/kota terendah se-indonesia", "nation-list")
    banded = engine.ask("kab/kota mana saja yang harmoni tinggi secara nasional", "nation-band")
    assert (listed.intent, listed.regions, banded.intent, banded.regions) == ("peringkat", ("00",), "kategori", ("00",))
    assert engine.ask("dimensi terlemahnya apa", "nation-list").regions == ("63.72",)


def test_figures_for_a_year_not_loaded_say_which_rounds_are(engine: Engine, results: Results) -> None:
    missing = min(engine.rounds.years) - 2
    other = engine.ask(f"ihai kalsel {missing}", "tahun")
    assert other.text.startswith(f"<i>Hasil IHaI tahun {missing} tidak dimuat di asisten ini (putaran yang tersedia: 2023, 2024 dan 2025)")
    assert "tidak dimuat" not in engine.ask(f"ihai kalsel {engine.view.year}", "tahun").text
    assert "tidak dimuat" not in engine.ask(f"apa itu perpres 58 tahun {missing}", "tahun").text


def test_a_weighted_profile_says_how_it_was_weighted(results: Results, make_engine) -> None:
    row = _first_kabkota(results)
    table = results.table.copy()
    table.loc[table["code"] == row["code"], "weighting"] = "raking: sex, age_group"
    weighted = make_engine(dataclasses.replace(results, table=table)).ask(f"ihai {row['code']}", "bobot")
    assert "dibobot ke jumlah penduduk menurut jenis kelamin dan kelompok umur (raking)" in weighted.text
    assert "Pembobotan" not in make_engine(results).ask(f"ihai {row['code']}", "bobot").text


def test_advice_from_a_region_weakness_names_its_weakest_dimension(results: Results, engine: Engine) -> None:
    row = _first_kabkota(results)
    answer = engine.ask(f"saran untuk FKDM {row['name']}", "weakest-advice")
    assert answer.intent == "saran"
    assert _weakest_dimension_line(results, row) in answer.text


def test_a_comparison_shows_the_variable_asked(results: Results, engine: Engine) -> None:
    first, second = _first_kabkota(results), _first_kabkota(results, province_code="63")
    answer = engine.ask(f"{first['name']} vs {second['name']} untuk V6", "compare-variable")
    assert answer.intent == "bandingkan"
    assert all(f"V6 {results.methodology.variable('v6').name} {render.number(row['v6'])}" in answer.text
               for row in (first, second))  # fmt: skip


def test_a_comparison_by_an_aspect_shows_the_aspects(results: Results, engine: Engine) -> None:
    first, second = _first_kabkota(results), _first_kabkota(results, province_code="63")
    answer = engine.ask(f"bandingkan {first['name']} dan {second['name']} dari sisi akseptabilitas", "compare-aspect")
    aspect = next(a for a in results.methodology.aspects if a.key == "akseptabilitas")
    assert answer.intent == "bandingkan"
    assert all(f"{aspect.name} {render.number(row[aspect_column(aspect.key)])}" in answer.text for row in (first, second))


def test_advice_for_a_named_dimension_leads_with_its_score(results: Results, engine: Engine) -> None:
    row = _first_kabkota(results)
    answer = engine.ask(f"FPK {row['name']} bisa bikin program apa buat naikin dimensi budaya?", "dimension-advice")
    name = next(d.name for d in results.methodology.dimensions if d.key == "budaya")
    assert answer.intent == "saran"
    assert f"Dimensi yang ditanyakan: {name} ({render.number(row['dim_budaya'])})." in answer.text


def test_follow_ups_that_lean_on_the_last_answer(results: Results, engine: Engine) -> None:
    first, second = _first_kabkota(results), _first_kabkota(results, province_code="63")
    # "bedanya berapa poin?" after two regions: the two compared.
    engine.ask(f"skor {first['name']}", "followups-a")
    engine.ask(f"kalau {second['name']}?", "followups-a")
    answer = engine.ask("bedanya berapa poin?", "followups-a")
    assert (answer.intent, set(answer.regions)) == ("bandingkan", {first["code"], second["code"]})
    # "rank di <its province>?" after a kab/kota: its rank there (the profile shows it).
    engine.ask(f"skor {second['name']}", "followups-b")
    answer = engine.ask("rank di kalsel?", "followups-b")
    assert (answer.intent, answer.regions) == ("profil", (second["code"],))
    # A bare ordinal after a list: that item.
    listed = engine.ask("5 kab/kota terendah di kalsel", "followups-c").facts["listed"]
    answer = engine.ask("kelima?", "followups-c")
    assert (answer.intent, answer.regions) == ("profil", (listed[4],))
    answer = engine.ask("yg paling buntut V5-nya brp", "followups-c")  # "buntut": the tail, the last one
    assert (answer.intent, answer.regions) == ("profil", (listed[-1],))
    # Another forum after general advice: the same advice, for that forum.
    engine.ask("kegiatan FKUB buat naikin toleransi antarumat apa aja", "followups-d")
    answer = engine.ask("kalau dari FPK?", "followups-d")
    assert (answer.intent, answer.facts["forums"], answer.facts["focus_variables"]) == ("saran_umum", ["FPK"], ["v7"])
    # A region "in particular" after one forum's general advice: that forum's advice for the region.
    for session, ask in (("followups-e", "Untuk {} khususnya bagaimana?"), ("followups-f", "kalau {} gimana?")):
        engine.ask("apa saja yang bisa dilakukan FKUB untuk menaikkan IHaI?", session)
        answer = engine.ask(ask.format(second["name"]), session)
        assert (answer.intent, answer.regions, answer.facts["forums"]) == ("saran", (second["code"],), ["FKUB"])


@pytest.mark.parametrize("ask", ["Urutkan semua kab/kota di Kalsel dari IHaI tertinggi", "ranking seluruh kabupaten kalsel"])
def test_every_kabkota_of_a_province_ranked_lists_them_all(results: Results, engine: Engine, ask: str) -> None:
    table = results.table
    publishable = table[(table["level"] == "kabkota") & table["code"].str.startswith("63.") & table["publishable"]]
    expected = list(publishable.sort_values("ihai", ascending=False, kind="stable")["code"])
    answer = engine.ask(ask, f"semua-{ask[:5]}")
    assert answer.intent == "peringkat" and len(expected) > 5
    assert answer.facts["listed"] == expected
    # The position after the fifth is in the list, so "urutan ke-6" is that kab/kota.
    assert engine.ask("urutan ke-6 lemahnya di mana?", f"semua-{ask[:5]}").regions == (expected[5],)


def test_a_gap_answer_names_the_dimension_to_push_first(results: Results, engine: Engine) -> None:
    row = _first_kabkota(results)
    answer = engine.ask(f"{row['name']} kurang berapa ke kategori berikutnya, dimensi mana yg perlu didorong?", "gap-dim")
    assert answer.intent == "selisih_kategori"
    assert _weakest_dimension_line(results, row) + "." in answer.text


def test_a_ranking_by_an_aspect_ranks_that_aspect_and_its_button_keeps_it(engine: Engine, results: Results) -> None:
    table = results.table
    column = aspect_column("partisipasi")
    kabkota = table[(table["level"] == "kabkota") & table["publishable"]].sort_values([column, "code"])
    answer = engine.ask("7 kab/kota yg partisipasinya paling rendah secara nasional", "aspect-ranking")
    assert answer.intent == "peringkat" and "Partisipasi" in answer.text
    position = 0
    for _, row in kabkota.head(7).iterrows():  # the lowest first, each with its aspect score from the file
        found = answer.text.index(f"{row['name']} — <b>{render.number(row[column])}</b>", position)
        position = found + 1
    flipped = next(button for button in answer.followups if "tertinggi" in button.label)
    top = engine.ask(flipped.payload, "aspect-ranking")
    best = kabkota.iloc[-1]
    assert f"{best['name']} — <b>{render.number(best[column])}</b>" in top.text


def test_a_ranking_by_respondents_lists_the_counts_of_the_file(engine: Engine, results: Results) -> None:
    table = results.table
    east_java = table[(table["province_code"] == "35") & (table["level"] == "kabkota") & table["publishable"]]
    fewest = east_java.sort_values(["n_respondents", "code"], ascending=[False, True]).tail(5).iloc[::-1]
    answer = engine.ask("5 kab/kota yang respondennya paling sedikit di jatim", "respondent-ranking")
    assert answer.intent == "peringkat" and "jumlah responden tersedikit" in answer.text
    position = 0
    for _, row in fewest.iterrows():  # the fewest first, each with its count as the file has it
        position = answer.text.index(f"{row['name']} — <b>{render.count(row['n_respondents'])}</b>", position) + 1


@pytest.mark.parametrize(
    ("text", "scope", "column", "below", "value"),
    [("tolong list kab/kota di jatim yang skornya di bawah 7", "35", "ihai", True, 7.0),
     ("kab/kota di kalsel yang respondennya kurang dari 1.000", "63", "n_respondents", True, 1000.0),
     ("kab/kota yang skornya di atas 7,5 secara nasional", None, "ihai", False, 7.5)],
)  # fmt: skip
def test_regions_past_a_value_are_those_of_the_file(
    engine: Engine, results: Results, text: str, scope: str | None, column: str, below: bool, value: float
) -> None:
    """ "di bawah 7" is a value to compare with, not seven regions; compared as shown, to two decimals."""
    table = results.table
    kabkota = table[(table["level"] == "kabkota") & table["publishable"].astype(bool)]
    if scope is not None:
        kabkota = kabkota[kabkota["province_code"] == scope]
    shown = kabkota[column].round(2)
    expected = kabkota[shown < value if below else shown > value]
    answer = engine.ask(text, f"threshold-{text}")
    assert answer.intent == "peringkat" and answer.regions == (scope or "00",)
    assert sorted(answer.facts["codes"]) == sorted(expected["code"])
    assert f"{len(expected)} dari {len(kabkota)} kab/kota" in answer.text
