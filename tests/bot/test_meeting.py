"""Meeting mode in the engine: the brief a help desk pins (figures checked against the results file), and
a conversation focused on a province (`ChatContext.focus`), which the channels set for a meeting."""

from __future__ import annotations

import pandas as pd
import pytest

from bot.assistant import Assistant
from bot.engine import render
from bot.engine.context import ChatContext
from bot.engine.intents import Intent
from bot.engine.model import ChartRequest
from bot.engine.payloads import Payload, encode
from scoring.results import Results, dimension_column

PROVINCE = "63"  # Kalimantan Selatan


@pytest.fixture(scope="module")
def table(results: Results) -> pd.DataFrame:
    return results.table


def test_the_brief_states_the_provinces_figures_from_the_results_file(engine, results, table) -> None:
    answer = engine.ask(encode(Payload(Intent.RAPAT, regions=(PROVINCE,))), "rapat-ringkasan")
    methodology = results.methodology
    row = table.set_index("code").loc[PROVINCE]
    kabkota = table[(table["level"] == "kabkota") & (table["province_code"] == PROVINCE)]
    published = kabkota[kabkota["publishable"]]
    lines = answer.text.split("\n")

    assert answer.intent == "rapat" and answer.regions == (PROVINCE,)
    assert "Provinsi Kalimantan Selatan" in lines[0]
    score_line = next(line for line in lines if line.startswith("IHaI "))
    assert render.score(row["ihai"], methodology.band_edges) in score_line and row["category"] in score_line
    assert render.interval(row["ihai_ci_low"], row["ihai_ci_high"]) in score_line
    spread = next(line for line in lines if line.startswith("Sebaran kategori"))
    for band in methodology.categories.bands:
        assert f"{band.label} {int((published['category'] == band.label).sum())}" in spread
    under = kabkota[~kabkota["target_met"].astype(bool)].sort_values("n_respondents")
    assert len(under) >= 1  # the sample has a kab/kota under target here: the line this test is about
    gaps = next(line for line in lines if line.startswith("Belum mencapai target"))
    for _, kab in under.head(10).iterrows():
        target = methodology.survey.target_respondents
        assert f"{kab['name']} (n = {render.count(kab['n_respondents'])}, kurang " \
               f"{render.count(target - kab['n_respondents'])})" in gaps  # fmt: skip
    weakest = sorted(methodology.dimensions, key=lambda d: row[dimension_column(d.key)])[:2]
    assert next(line for line in lines if line.startswith("Dimensi terlemah")) == "Dimensi terlemah: " + " · ".join(
        f"{d.name} {render.number(row[dimension_column(d.key)])}" for d in weakest)
    lowest = published.sort_values(["ihai", "code"], ascending=[True, False]).head(3)
    assert next(line for line in lines if line.startswith("Kab/kota terendah")) == "Kab/kota terendah: " + " · ".join(
        f"{kab['name']} {render.score(kab['ihai'], methodology.band_edges)}" for _, kab in lowest.iterrows())
    assert answer.chart == ChartRequest("province_ranking", PROVINCE)
    assert [button.label for button in answer.followups][:1] == ["Peringkat kab/kota"]
    assert len(answer.text) < 1200  # short enough to pin


def test_a_conversation_focused_on_a_province_reads_shared_names_and_lists_there(engine) -> None:
    assert engine.ask("berapa ihai banjar", "tanpa-fokus").intent == "pilih_wilayah"
    engine.store.save("fokus", ChatContext(focus=(PROVINCE,)))
    assert engine.ask("berapa ihai banjar", "fokus").regions == ("63.03",)  # Kabupaten Banjar, not Kota Banjar
    ranking = engine.ask("5 kab/kota terendah", "fokus")
    assert ranking.intent == "peringkat" and ranking.facts["scope"] == PROVINCE
    assert engine.store.load("fokus").focus == (PROVINCE,)  # every answer keeps the focus
    # A list asked nationally, or of the provinces, stays so.
    assert engine.ask("5 kab/kota terendah secara nasional", "fokus").facts["scope"] == ""
    assert engine.ask("peringkat provinsi", "fokus").facts["scope"] == "provinsi"


def test_the_assistant_seeds_and_clears_a_focus_and_resumes_saved_contexts(engine) -> None:
    assistant = Assistant(engine)
    assistant.set_focus("rapat-grup", (PROVINCE,))
    assert assistant.focus_of("rapat-grup") == (PROVINCE,)
    # A member entering the meeting starts on the province: "dimensi terlemahnya?" is about it.
    assistant.prepare("anggota", focus=assistant.focus_of("rapat-grup"))
    assert engine.ask("dimensi terlemahnya?", "anggota").regions == (PROVINCE,)
    engine.ask("berapa ihai tapin", "anggota")
    assistant.keep_context("anggota", "pesan-1")
    engine.ask("berapa ihai kota banjarbaru", "anggota")
    # A reply to the Tapin answer continues from Tapin, for anyone.
    assistant.prepare("anggota-lain", resume="pesan-1", focus=(PROVINCE,))
    assert engine.ask("dimensi terlemahnya?", "anggota-lain").regions == ("63.05",)
    # The meeting ends: the focus goes, the conversation stays.
    assistant.set_focus("rapat-grup", ())
    assistant.prepare("anggota", focus=assistant.focus_of("rapat-grup"))
    assert engine.store.load("anggota").focus == () and engine.store.load("anggota").regions == ("63.72",)


def test_region_search_offers_every_region_of_a_shared_name_first(engine) -> None:
    assistant = Assistant(engine)
    found = assistant.find_regions("banjar")
    assert found[:2] == ["63.03", "32.79"] and {"63.71", "63.72", "33.04"} <= set(found)
    assert assistant.find_regions("kota banjar")[0] == "32.79"
    assert assistant.find_regions("63.05") == ["63.05"]
    assert assistant.find_regions("banjarmsin")[0] == "63.71"  # a typo
    assert assistant.find_regions("   ") == [] and assistant.find_regions("zzzzqqq") == []
    assert assistant.find_provinces("kalsel") == ["63"] and assistant.find_provinces("jambi") == ["15"]
    assert assistant.find_provinces("kalimantan selatn") == ["63"] and assistant.find_provinces("tapin") == []
