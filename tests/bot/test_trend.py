"""Trend answers over the three sample rounds, every figure checked against the round's own results file;
answers for one named year come from that year's file; the trend chart; the weight-sensitivity wording."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from bot.engine.engine import Engine
from bot.engine.model import ChartRequest
from core.gazetteer import get_gazetteer
from scoring.results import RESULTS_PARQUET, Results, dimension_column
from scoring.rounds import Rounds
from tests.bot.conversation_checks import count_text, decimal, score_text

YEARS = (2023, 2024, 2025)


@pytest.fixture(scope="module")
def tables(rounds_root: Path) -> dict[int, pd.DataFrame]:
    """Each round's results file, read directly: the answers must say what the files hold."""
    return {year: pd.read_parquet(rounds_root / str(year) / RESULTS_PARQUET).set_index("code") for year in YEARS}


def _edges(results: Results) -> list[float]:
    return [band.lower for band in results.methodology.categories.bands]


def _year_line(text: str, year: int) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"{year}: "))


def _changed(before: pd.Series, after: pd.Series, z: float) -> tuple[str, bool]:
    difference = after["ihai"] - before["ihai"]
    word = "naik" if difference > 0 else "turun"
    return f"{word} {decimal(abs(difference))}", abs(difference) > z * math.hypot(before["ihai_se"], after["ihai_se"])


@pytest.mark.parametrize("question, code", [
    ("tren ihai kab banjar", "63.03"),
    ("bagaimana perkembangan ihai kalsel dari tahun ke tahun", "63"),
    ("ihai nasional naik atau turun dari tahun ke tahun?", "00"),
    ("Mohon izin, tren IHaI Kabupaten Sleman 2023 sampai 2025 untuk bahan RPJMD", "34.04"),
])  # fmt: skip
def test_trend_answer_states_every_round_and_change_from_the_files(
    engine: Engine, rounds: Rounds, tables: dict[int, pd.DataFrame], question: str, code: str
) -> None:
    answer = engine.ask(question, f"tren-{code}")
    assert answer.intent == "tren" and answer.regions == (code,)
    z = rounds.latest.methodology.z
    rows = {year: tables[year].loc[code] for year in YEARS}
    for year, results in zip(YEARS, rounds.rounds, strict=True):
        row, line = rows[year], _year_line(answer.text, year)
        assert score_text(row["ihai"], _edges(results)) in line
        assert f"{decimal(row['ihai_ci_low'])}–{decimal(row['ihai_ci_high'])}" in line
        assert row["category"] in line and f"n = {count_text(row['n_respondents'])}" in line
    lines = answer.text.splitlines()
    verdicts = 0
    for before, after in zip(YEARS, YEARS[1:], strict=False):
        moved, larger = _changed(rows[before], rows[after], z)
        line = next(line for line in lines if line.startswith(f"• {before} → {after}: "))
        assert moved in line
        assert ("lebih besar dari ketidakpastiannya" in line) == larger
        assert ("masih dalam ketidakpastian" in line) == (not larger)
        verdicts += larger
    # The framework change is stated where it cuts the series: between the 2024 and the 2025 line.
    cut = next(index for index, line in enumerate(lines) if "Kerangka berganti pada 2025" in line)
    assert lines[cut - 1].startswith("2024: ") and lines[cut + 1].startswith("2025: ")
    assert "variabel tidak" in lines[cut]
    assert "Uji beda dua putaran" in answer.text  # the test used is named
    dimensions = next(line for line in lines if line.startswith("Dimensi (2023 → 2024 → 2025): "))
    for dimension in rounds.latest.methodology.dimensions:
        column = dimension_column(dimension.key)
        series = " → ".join(decimal(rows[year][column]) for year in YEARS)
        moves = []
        for before, after in zip(YEARS, YEARS[1:], strict=False):
            a, b = rows[before], rows[after]
            if abs(b[column] - a[column]) > z * math.hypot(a[f"{column}_se"], b[f"{column}_se"]):
                moves.append(f"{'naik' if b[column] > a[column] else 'turun'} bermakna {before}→{after}")
        assert f"{dimension.name} {series} ({', '.join(moves) or 'perubahan dalam ketidakpastian'})" in dimensions
    assert answer.chart == ChartRequest("region_trend", code)
    assert answer.text.endswith("<i>Data sampel sintetis, bukan hasil resmi.</i>")
    assert answer.facts["series"] == {year: rows[year]["ihai"] for year in YEARS}


def test_the_trend_check_tells_significant_from_not(rounds: Rounds, tables: dict[int, pd.DataFrame]) -> None:
    """Over the kab/kota of all rounds, both verdicts occur: the test above can fail either way."""
    z = rounds.latest.methodology.z
    both = tables[2024].index[tables[2024]["level"] == "kabkota"].intersection(tables[2025].index)
    verdicts = {_changed(tables[2024].loc[code], tables[2025].loc[code], z)[1] for code in both}
    assert verdicts == {True, False}


def test_a_compared_year_gets_its_own_change(engine: Engine, rounds: Rounds, tables: dict[int, pd.DataFrame]) -> None:
    answer = engine.ask("apakah ihai jawa tengah membaik sejak 2023?", "sejak")
    assert answer.intent == "tren" and answer.regions == ("33",)
    moved, larger = _changed(tables[2023].loc["33"], tables[2025].loc["33"], rounds.latest.methodology.z)
    line = next(line for line in answer.text.splitlines() if line.startswith("• 2023 → 2025 (yang ditanyakan): "))
    assert moved in line and ("lebih besar dari ketidakpastiannya" in line) == larger


def test_a_question_naming_one_year_is_answered_from_that_round(engine: Engine, rounds: Rounds, tables) -> None:
    answer = engine.ask("ihai kota malang 2024", "tahun-2024")
    row = tables[2024].loc["35.73"]
    assert answer.intent == "profil" and answer.regions == ("35.73",)
    assert answer.text.startswith("<i>Hasil putaran 2024 (Indeks Harmoni Indonesia 2023/2024).")
    assert f"IHaI 2024: <b>{score_text(row['ihai'], _edges(rounds.rounds[1]))}</b>" in answer.text
    assert f"{decimal(row['ihai_ci_low'])}–{decimal(row['ihai_ci_high'])}" in answer.text
    assert count_text(row["n_respondents"]) in answer.text
    latest = engine.ask("ihai kota malang 2025", "tahun-2025")
    assert f"IHaI 2025: <b>{score_text(tables[2025].loc['35.73', 'ihai'], _edges(rounds.latest))}</b>" in latest.text
    assert "Hasil putaran" not in latest.text


def test_a_follow_up_region_keeps_the_trend(engine: Engine, tables: dict[int, pd.DataFrame]) -> None:
    engine.ask("tren ihai kab tapin", "lanjut")
    answer = engine.ask("kalau hulu sungai utara?", "lanjut")
    assert answer.intent == "tren" and answer.regions == ("63.08",)
    assert decimal(tables[2023].loc["63.08", "ihai_ci_low"]) in answer.text


def test_with_one_round_loaded_the_trend_says_so(results: Results, intent_classifier) -> None:
    alone = Engine(results, get_gazetteer(), intent_classifier)
    answer = alone.ask("tren ihai kab banjar", "satu")
    assert answer.intent == "tren" and "Baru satu putaran yang dimuat" in answer.text
    assert answer.chart is None


def test_trend_chart_is_a_png(engine: Engine) -> None:
    png = engine.chart_png(ChartRequest("region_trend", "63.03"))
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_profile_and_national_ranking_say_how_far_the_rank_rests_on_the_weights(
    engine: Engine, tables: dict[int, pd.DataFrame]
) -> None:
    kabkota = tables[2025][(tables[2025]["level"] == "kabkota") & tables[2025]["publishable"]]
    moving = kabkota[kabkota["rank_low"] < kabkota["rank_high"]]
    code = moving.index[len(moving) // 2]
    row = moving.loc[code]
    answer = engine.ask(f"ihai {code}", "bobot-profil")
    assert f"peringkat {count_text(row['rank_low'])}–{count_text(row['rank_high'])} tergantung bobot" in answer.text
    stability = row["category_stability"]
    assert ("kategori tetap di antara" in answer.text) == (stability >= 1)
    top = engine.ask("10 kab/kota dengan ihai tertinggi nasional", "bobot-peringkat")
    first = kabkota.sort_values(["ihai"], ascending=False).iloc[0]
    line = next(line for line in top.text.splitlines() if line.startswith("1. "))
    if first["rank_low"] < first["rank_high"]:
        assert f"peringkat {count_text(first['rank_low'])}–{count_text(first['rank_high'])} tergantung bobot" in line


def _expected_moves(tables: dict[int, pd.DataFrame], first: int, last: int, level: str, province: str | None,
                    z: float) -> pd.DataFrame:  # fmt: skip
    """Regions published in both rounds with their change and its verdict, straight from the files."""
    frames = []
    for year in (first, last):
        table = tables[year]
        chosen = table[(table["level"] == level) & table["publishable"].astype(bool) & table["ihai"].notna()]
        if province is not None:
            chosen = chosen[chosen["province_code"] == province]
        frames.append(chosen)
    before, after = frames[0], frames[1].loc[frames[1].index.intersection(frames[0].index)]
    difference = after["ihai"] - before.loc[after.index, "ihai"]
    se = (before.loc[after.index, "ihai_se"] ** 2 + after["ihai_se"] ** 2) ** 0.5
    moves = pd.DataFrame({"name": after["name"], "difference": difference, "significant": difference.abs() > z * se})
    return moves.sort_values("difference", ascending=False, kind="stable")


def _listed(text: str, title_start: str) -> list[str]:
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(title_start))
    listed = []
    for line in lines[start + 1:]:
        if not line[:1].isdigit():
            break
        listed.append(line)
    return listed


@pytest.mark.parametrize("question, province, session", [
    ("5 kab/kota dengan kenaikan ihai terbesar di jateng", "33", "naik-jateng"),
    ("kab/kota mana yang IHaI-nya turun paling banyak di jatim?", "35", "turun-jatim"),
])  # fmt: skip
def test_changes_ranked_between_the_last_two_rounds_from_the_files(
    engine: Engine, rounds: Rounds, tables: dict[int, pd.DataFrame], question: str, province: str, session: str
) -> None:
    answer = engine.ask(question, session)
    assert answer.intent == "peringkat" and answer.regions == (province,)
    moves = _expected_moves(tables, 2024, 2025, "kabkota", province, rounds.latest.methodology.z)
    rising = "kenaikan" in question
    chosen = (moves[moves["difference"] > 0] if rising else moves[moves["difference"] < 0].iloc[::-1]).head(5)
    name = tables[2025].loc[province, "name"]
    title = f"<b>{len(chosen)} kab/kota dengan {'kenaikan' if rising else 'penurunan'} IHaI terbesar di {name}, 2024 → 2025</b>"
    lines = _listed(answer.text, title)
    assert len(lines) == len(chosen) > 0
    for place, (line, (_, move)) in enumerate(zip(lines, chosen.iterrows(), strict=True), 1):
        word = "naik" if move["difference"] > 0 else "turun"
        assert line.startswith(f"{place}. {move['name']} — <b>{word} {decimal(abs(move['difference']))}</b>")
        assert line.endswith("· bermakna" if move["significant"] else "· dalam ketidakpastian")
    rose, fell = int((moves["difference"] > 0).sum()), int((moves["difference"] < 0).sum())
    assert f"Dari {count_text(len(moves))} kab/kota yang angkanya dipublikasikan pada kedua putaran: " \
           f"{count_text(rose)} naik dan {count_text(fell)} turun; " \
           f"{count_text(int(moves['significant'].sum()))} di antaranya" in answer.text  # fmt: skip
    assert "Kerangka berganti antara 2024 dan 2025" in answer.text and "Uji beda dua putaran" in answer.text


def test_provinces_ranked_by_change_between_the_years_asked(
    engine: Engine, rounds: Rounds, tables: dict[int, pd.DataFrame]
) -> None:
    answer = engine.ask("provinsi mana yang IHaI-nya naik paling tinggi dari 2023 ke 2025", "naik-provinsi")
    assert answer.intent == "peringkat" and answer.facts["years"] == [2023, 2025]
    moves = _expected_moves(tables, 2023, 2025, "provinsi", None, rounds.latest.methodology.z)
    chosen = moves[moves["difference"] > 0].head(5)
    lines = _listed(answer.text, f"<b>{len(chosen)} provinsi dengan kenaikan IHaI terbesar, 2023 → 2025</b>")
    assert [line.split(" — ")[0] for line in lines] == [f"{n}. Provinsi {name}" for n, name in enumerate(chosen["name"], 1)]
    assert answer.facts["changes"] == pytest.approx(moves["difference"].to_dict())
    # A follow-up keeps the question: changes, not levels.
    later = engine.ask("kalau kab/kota di kalsel?", "naik-provinsi")
    assert later.intent == "peringkat" and "kenaikan IHaI terbesar di Kalimantan Selatan" in later.text


def test_how_many_rose_is_answered_from_the_files_and_a_year_alone_follows_up(
    engine: Engine, rounds: Rounds, tables: dict[int, pd.DataFrame]
) -> None:
    answer = engine.ask("berapa kab/kota yang IHaI-nya naik dibanding tahun lalu?", "berapa-naik")
    moves = _expected_moves(tables, 2024, 2025, "kabkota", None, rounds.latest.methodology.z)
    assert answer.intent == "peringkat"
    assert (answer.facts["rose"], answer.facts["fell"]) == ((moves["difference"] > 0).sum(), (moves["difference"] < 0).sum())
    engine.ask("ihai kab bogor tahun 2023", "tahun-saja")
    later = engine.ask("yang 2024?", "tahun-saja")
    assert later.intent == "profil" and later.regions == ("32.01",)
    assert f"IHaI 2024: <b>{decimal(tables[2024].loc['32.01', 'ihai'])}" in later.text


def test_with_one_round_loaded_changes_cannot_be_ranked(results: Results, intent_classifier) -> None:
    alone = Engine(results, get_gazetteer(), intent_classifier)
    answer = alone.ask("5 kab/kota dengan kenaikan ihai terbesar di jateng", "satu-naik")
    assert answer.intent == "peringkat" and "Baru satu putaran hasil IHaI yang dimuat" in answer.text


def test_a_profile_leads_with_the_variable_or_dimension_asked_from_its_rounds_file(
    engine: Engine, rounds: Rounds, tables: dict[int, pd.DataFrame]
) -> None:
    latest, earlier = tables[2025], tables[2023]
    answer = engine.ask("skor v7 kab banjar berapa", "tanya-v7")
    lines = answer.text.splitlines()
    assert lines[1] == (f"<b>V7 Moderasi Beragama dan Toleransi Antarumat Beragama: {decimal(latest.loc['63.03', 'v7'])}</b> "
                        f"(provinsi {decimal(latest.loc['63', 'v7'])} · nasional {decimal(latest.loc['00', 'v7'])})")  # fmt: skip
    # A variable of the other framework is named as such, in either direction.
    other = engine.ask("v7 kab banjar 2024 berapa", "tanya-v7-2024")
    assert "V7 bukan variabel Indeks Harmoni Indonesia 2023/2024 yang dipakai putaran 2024 (variabelnya X1–X10)" in other.text
    old = engine.ask("x10 kab tapin 2023", "tanya-x10")
    assert f"<b>X10 Moderasi Beragama: {decimal(earlier.loc['63.05', 'x10'])}</b>" in old.text
    assert "X10 bukan variabel" in engine.ask("skor x10 kab tapin", "tanya-x10-2025").text
    # Elsewhere a variable of the other framework is left aside, never an error, and the answer says so.
    advice = engine.ask("saran fkub untuk x10 di tapin", "saran-x10")
    assert advice.intent == "saran" and advice.text.startswith("<i>X10 bukan variabel kerangka putaran 2025 (V1–V8)")
    guidance = engine.ask("x10 itu apa", "apa-x10")
    assert guidance.intent == "metodologi" and "bukan variabel" not in guidance.text
    dimension = engine.ask("dimensi ekonomi kalsel berapa", "tanya-dimensi").text.splitlines()[1]
    variables = " · ".join(f"{v.key.upper()} {decimal(latest.loc['63', v.key])}"
                           for v in rounds.latest.methodology.variables_of("ekonomi"))  # fmt: skip
    assert dimension == (f"<b>Dimensi Ekonomi: {decimal(latest.loc['63', 'dim_ekonomi'])}</b> "
                         f"(nasional {decimal(latest.loc['00', 'dim_ekonomi'])}) — variabel: {variables}")  # fmt: skip


def test_a_trend_of_one_dimension_leads_with_it_from_the_files(
    engine: Engine, rounds: Rounds, tables: dict[int, pd.DataFrame]
) -> None:
    answer = engine.ask("tren dimensi keberagamaan nasional", "tren-dimensi")
    assert answer.intent == "tren" and answer.regions == ("00",)
    rows = [tables[year].loc["00"] for year in YEARS]
    column, se = "dim_keberagamaan", "dim_keberagamaan_se"
    z = rounds.latest.methodology.z
    moves = [f"{'naik' if b[column] > a[column] else 'turun'} bermakna {y1}→{y2}"
             for (y1, a), (y2, b) in zip(zip(YEARS, rows, strict=True), zip(YEARS[1:], rows[1:], strict=True), strict=False)
             if abs(b[column] - a[column]) > z * math.hypot(a[se], b[se])]  # fmt: skip
    verdict = ", ".join(moves) or "perubahan dalam ketidakpastian"
    values = " → ".join(decimal(row[column]) for row in rows)
    assert answer.text.splitlines()[1] == f"<b>Dimensi Keberagamaan {values} ({verdict})</b> (2023 → 2024 → 2025)"


def test_answers_that_reason_with_the_latest_round_say_so_when_another_year_is_asked(
    engine: Engine, tables: dict[int, pd.DataFrame]
) -> None:
    gap = engine.ask("selisih ke harmoni tinggi kota yogyakarta 2024", "selisih-2024")
    assert gap.intent == "selisih_kategori"
    assert gap.text.startswith("<i>Jawaban ini memakai hasil terbaru, putaran 2025. Untuk angka putaran 2024")
    assert "tanyakan profil" not in engine.ask("selisih ke harmoni tinggi kota yogyakarta", "selisih-kini").text
    # A province with no kab/kota measured in 2023 has no category list that year, only that fact.
    earlier = tables[2023]
    measured = set(earlier[(earlier["level"] == "kabkota") & earlier["publishable"].astype(bool)]["province_code"])
    province = next(region for region in get_gazetteer().provinces() if region.code not in measured)
    answer = engine.ask(f"kab/kota harmoni rendah di provinsi {province.name} tahun 2023", "kategori-2023")
    assert answer.intent == "belum_diukur" and answer.regions == (province.code,)
    assert "belum diukur pada IHaI 2023" in answer.text


def test_a_trend_of_coverage_counts_the_kabkota_at_target_in_each_round(
    engine: Engine, rounds: Rounds, tables: dict[int, pd.DataFrame]
) -> None:
    answer = engine.ask("tren cakupan responden kalsel", "tren-cakupan")
    assert answer.intent == "tren" and answer.regions == ("63",)
    target = count_text(rounds.latest.methodology.survey.target_respondents)
    counts = " → ".join(f"{count_text(tables[year].loc['63', 'n_kabkota_at_target'])} ({year})" for year in YEARS)
    assert f"Kab/kota yang mencapai target {target} responden: {counts}" in answer.text.splitlines()
