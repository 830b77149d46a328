"""The engine's planning answers: a region's PDF report attached to the answer (and offered after a profile),
and target paths for RPJMD/Renstra tables, checked against the results file; `ihai ask` names the command
that writes the report."""

from __future__ import annotations

import io
import math

from bot.commands import print_answer
from bot.engine.compose.kit import SYNTHETIC_LINE
from bot.engine.intents import Intent
from bot.engine.payloads import parse_payload
from bot.querylog import QueryLog
from reports.target import MIN_STEP
from tests.reports.test_report import Table, dec


def test_profile_offers_the_report_and_the_button_attaches_it(engine):
    profile = engine.ask("berapa ihai kota banjarbaru", "rencana-1")
    (button,) = [b for b in profile.followups if b.label == "Laporan PDF"]
    assert parse_payload(button.payload).intent == Intent.LAPORAN
    answer = engine.ask(button.payload, "rencana-1")
    assert answer.intent == "laporan" and answer.regions == ("63.72",)
    assert answer.document is not None and answer.document.code == "63.72"
    assert answer.document.year == engine.view.year
    assert answer.document.filename == engine.reports.filename("63.72")
    assert engine.report_pdf(answer.document).startswith(b"%PDF")
    assert answer.text.endswith(f"<i>{SYNTHETIC_LINE}</i>")


def test_nation_gets_no_report_and_is_asked_for_a_region(engine):
    answer = engine.ask("laporan pdf nasional", "rencana-2")
    assert answer.document is None
    assert "per kabupaten/kota atau provinsi" in answer.text


def test_target_path_follows_the_results_file(engine, results):
    table = Table(results)
    row = table.row("63.03")
    answer = engine.ask("target IHaI 2029 untuk RPJMD Kab Banjar", "rencana-3")
    assert answer.intent == "target" and answer.regions == ("63.03",)
    m = results.methodology
    se = row["ihai_se"] * (1 if row["target_met"] else math.sqrt(row["n_respondents"] / m.survey.target_respondents))
    step = max(math.ceil(round(m.z * math.sqrt(2) * se * 100, 9)) / 100, MIN_STEP)
    year = int(row["year"])
    path = " · ".join(f"{year + k}: {dec(min(row['ihai'] + step * k, 10))}" for k in range(1, 2030 - year))
    assert f"Jalur target: {path}" in answer.text
    assert f"+{dec(step)} poin per tahun" in answer.text
    assert {source.doc_id for source in answer.sources} == {"menetapkan-target-ihai", "ihai-dalam-rpjmd"}
    assert "bukan ketentuan" in answer.text and "bukan sampel probabilitas" in answer.text
    # "2029" ends the plan: no note that only one round is loaded.
    assert "saja" not in answer.text.split("\n")[0]
    later = engine.ask("kalau sampai 2030?", "rencana-3")
    assert later.intent == "target" and "2030:" in later.text


def test_ask_names_the_command_that_writes_the_report(engine, tmp_path):
    log = QueryLog(tmp_path / "log.sqlite3", "garam-rencana")
    out = io.StringIO()
    print_answer(engine, log, "minta laporan pdf kab banjar", "cli-laporan", out)
    log.close()
    year = engine.view.year
    assert f"Laporan PDF: ihai report 63.03 --year {year} --out laporan-ihai-{year}-63.03-kabupaten-banjar.pdf" \
        in out.getvalue()
