"""`ihai ask` (one question and --jsonl batches), the query log's statistics, and what `ihai run`
prepares on a fresh clone."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.commands import answer_lines, print_answer
from bot.querylog import SALT_FILE, QueryLog, query_log_salt
from core.config import Settings
from ihai.run import prepare_steps


@pytest.fixture
def querylog(tmp_path: Path):
    log = QueryLog(tmp_path / "log.sqlite3", "garam-cli")
    yield log
    log.close()


def test_ask_prints_plain_text_and_suggestions(engine, querylog):
    out = io.StringIO()
    print_answer(engine, querylog, "IHaI Kota Banjarbaru &", "cli-1", out)
    text = out.getvalue()
    assert "Kota Banjarbaru" in text and "<b>" not in text and "&amp;" not in text
    assert "Tanya lanjut: Dimensi terlemah | Saran forum" in text


def test_jsonl_keeps_context_per_session_and_survives_bad_lines(engine, querylog):
    lines = [
        json.dumps({"session": "a", "text": "IHaI Kota Banjarbaru"}),
        json.dumps({"session": "b", "text": "IHaI Kabupaten Tanah Laut"}),
        "{ini bukan json",
        "",
        json.dumps({"session": "a", "text": "kalau dimensi terlemahnya?"}),
        json.dumps(["daftar"]),
        json.dumps({"session": "b", "text": "saran FKUB"}),
        json.dumps({"session": "c"}),
    ]
    results = [json.loads(output) for output in answer_lines(engine, querylog, lines)]
    assert [result.get("line") for result in results] == [1, 2, 3, 5, 6, 7, 8]
    first, second, bad_json, followup, bad_shape, advice, no_text = results
    assert first["intent"] == "profil" and first["regions"] == ["63.72"] and first["answer"].startswith("<b>")
    assert second["regions"] == ["63.01"]
    assert followup["session"] == "a" and followup["intent"] == "terlemah" and followup["regions"] == ["63.72"]
    assert advice["intent"] == "saran" and advice["regions"] == ["63.01"] and advice["sources"]
    for error in (bad_json, bad_shape, no_text):
        assert set(error) <= {"line", "error", "session"} and error["error"].startswith("baris tidak valid")
    assert querylog.stats().last_7_days == 4


def test_without_a_configured_salt_each_installation_draws_its_own(tmp_path: Path):
    first = Settings(data_dir=tmp_path / "a", _env_file=None)
    second = Settings(data_dir=tmp_path / "b", _env_file=None)
    assert first.query_log_salt is None
    salt = query_log_salt(first)
    assert len(salt) == 64 and salt == query_log_salt(first)  # kept, so pseudonyms stay stable
    assert salt != query_log_salt(second)
    assert (tmp_path / "a" / SALT_FILE).stat().st_mode & 0o077 == 0
    configured = Settings(data_dir=tmp_path / "c", query_log_salt="garam-tetap", _env_file=None)
    assert query_log_salt(configured) == "garam-tetap" and not (tmp_path / "c" / SALT_FILE).exists()


def test_run_prepares_only_what_is_missing(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    index = ["index", "build", "--results", str(settings.results_dir)]

    def score(year: int) -> list[str]:
        export = settings.sample_dir / f"ihai-{year}-sampel-sintetis-seed2025.parquet"
        return ["score", str(export), "--year", str(year), "--out", str(settings.results_dir / str(year))]

    # Nothing yet: three sample rounds, each written and scored into its own folder.
    assert prepare_steps(settings) == [
        step
        for year in (2023, 2024, 2025)
        for step in (["sample", "--year", str(year), "--out", str(settings.sample_dir)], score(year))
    ] + [index]
    settings.sample_dir.mkdir()
    (settings.sample_dir / "ihai-2024-sampel-sintetis-seed2025.parquet").write_text("")
    assert score(2024) in prepare_steps(settings)
    assert ["sample", "--year", "2024", "--out", str(settings.sample_dir)] not in prepare_steps(settings)
    # A round exists (maybe real data): nothing is re-scored, and no sample round is added beside it.
    (settings.results_dir / "2025").mkdir(parents=True)
    (settings.results_dir / "2025" / "manifest.json").write_text("{}")
    assert prepare_steps(settings) == [index]
    # A sample round this version cannot read (here: no results table) is regenerated; a real one is not.
    (settings.results_dir / "2025" / "manifest.json").write_text('{"synthetic": true}')
    assert prepare_steps(settings) == [["sample", "--year", "2025", "--out", str(settings.sample_dir)], score(2025), index]
    (settings.results_dir / "2025" / "manifest.json").write_text('{"synthetic": false}')
    assert prepare_steps(settings) == [index]


def test_run_retires_sample_results_left_in_the_root_by_an_older_version(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    settings.results_dir.mkdir()
    (settings.results_dir / "manifest.json").write_text('{"synthetic": true}')
    (settings.results_dir / "results.parquet").write_text("")
    assert len(prepare_steps(settings)) == 7  # three rounds sampled and scored, then the index
    assert list(settings.results_dir.iterdir()) == []
    # Real results left there stay, and count as a round: nothing is added beside them.
    (settings.results_dir / "manifest.json").write_text('{"synthetic": false}')
    assert prepare_steps(settings) == [["index", "build", "--results", str(settings.results_dir)]]
