"""Learning from real questions: review what the assistant was unsure of, import a help desk's labels,
and the intent model learns them at the next build."""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine.classifier import IntentClassifier
from bot.engine.intents import Intent
from bot.engine.resolve import Resolver
from bot.engine.slots import SlotReader
from bot.engine.training.build import LABELLED_FILE, load_or_build, sources_hash, training_sources
from bot.engine.understand import Understander
from bot.learning import LabelError, import_labels, read_labels, review_rows, write_review
from bot.querylog import QueryLog
from core.gazetteer import get_gazetteer
from scoring.methodology import load_methodology


@pytest.fixture(scope="module")
def understander(intent_classifier: IntentClassifier) -> Understander:
    gazetteer = get_gazetteer()
    slots = SlotReader(load_methodology("ihai-2025"))
    return Understander(slots, Resolver(gazetteer, slots.is_known_word, slots.is_slip), gazetteer, intent_classifier)


def _log(tmp_path: Path) -> QueryLog:
    log = QueryLog(tmp_path / "ihai.sqlite3", "garam-uji")
    asked = [
        ("berapa ihai kota banjarbaru", "profil"),  # understood: not for review
        ("cuaca besok gimana", "di_luar_cakupan"),  # a fallback
        ("=HYPERLINK(\"http://x\",\"klik\") maksudnya", "pilih_maksud"),  # a fallback with a formula
        ("cuaca besok gimana", "di_luar_cakupan"),  # the same text again: one row
    ]
    for number, (text, intent) in enumerate(asked):
        log.record(asker="cli:x", channel="cli", text=text, intent=intent, regions=(), latency_ms=1.0,
                   asked_at=1_800_000_000 + number)  # fmt: skip
    return log


def test_review_lists_fallbacks_once_safe_to_open_and_private(tmp_path: Path, understander: Understander) -> None:
    log = _log(tmp_path)
    rows = review_rows(log.questions(0), understander)
    log.close()
    assert [row.text for row in rows] == ["cuaca besok gimana", '=HYPERLINK("http://x","klik") maksudnya']
    assert rows[0].answered == "di_luar_cakupan" and rows[0].predicted and 0 < rows[0].confidence <= 1
    out = tmp_path / "tinjauan.csv"
    write_review(rows, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with out.open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert written[1]["text"].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    assert all(row["label"] == "" for row in written)


def test_labels_come_back_as_training_data_and_rebuild_the_model(tmp_path: Path, understander: Understander) -> None:
    labelled = tmp_path / "berlabel.csv"
    labelled.write_text(
        "waktu,kanal,text,dijawab_sebagai,tebakan,keyakinan,alternatif,label\n"
        "x,cli,'=SUM(1) itu skor apa,pilih_maksud,profil,0.3,,metodologi\n"
        "x,cli,apa kabar ihai kita,pilih_maksud,sapaan,0.4,,\n"
        "x,cli,rapor merah sleman di mana,pilih_maksud,profil,0.4,,terlemah\n",
        encoding="utf-8",
    )
    rows = read_labels(labelled)
    assert rows == [("=SUM(1) itu skor apa", Intent.METODOLOGI), ("rapor merah sleman di mana", Intent.TERLEMAH)]
    methodology = load_methodology("ihai-2025")
    before = sources_hash(training_sources(tmp_path), methodology)
    assert import_labels(rows, tmp_path) == (2, 0)
    assert import_labels(rows, tmp_path) == (0, 2)  # imported twice, kept once
    assert (tmp_path / "training" / LABELLED_FILE).is_file()
    assert sources_hash(training_sources(tmp_path), methodology) != before  # the next build retrains
    model = load_or_build(tmp_path / "model", methodology, get_gazetteer(), tmp_path)
    assert model.training_hash == sources_hash(training_sources(tmp_path), methodology)


def test_a_bad_label_names_the_file_and_row(tmp_path: Path) -> None:
    bad = tmp_path / "salah.csv"
    bad.write_text("text,label\nihai tapin,profile\n", encoding="utf-8")
    with pytest.raises(LabelError, match=r"salah.csv, baris 2: label 'profile'"):
        read_labels(bad)
    missing = tmp_path / "tanpa-kolom.csv"
    missing.write_text("pertanyaan\nihai tapin\n", encoding="utf-8")
    with pytest.raises(LabelError, match="kolom 'text' dan 'label'"):
        read_labels(missing)


def test_ihai_log_import_exits_2_on_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "salah.csv"
    bad.write_text("text,label\nihai tapin,bukan_intent\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "ihai.cli", "log", "import", str(bad)],
        capture_output=True, text=True, env={**os.environ, "IHAI_DATA_DIR": str(tmp_path)}, check=False,
    )  # fmt: skip
    assert run.returncode == 2 and "baris 2" in run.stderr and "Traceback" not in run.stderr


def test_a_model_just_trained_answers_as_the_same_model_loaded(tmp_path: Path) -> None:
    """The file keeps half precision; the model in memory is rounded to it, so a start that trains and a start
    that loads read every message alike."""
    texts = ["berapa ihai _kabkota", "skor _kabkota brp", "dimensi terlemah _kabkota", "paling lemah di mana _kabkota",
             "halo selamat pagi", "terima kasih banyak", "apa itu ihai", "bagaimana ihai dihitung"]  # fmt: skip
    labels = [Intent.PROFIL, Intent.PROFIL, Intent.TERLEMAH, Intent.TERLEMAH, Intent.SAPAAN, Intent.SAPAAN,
              Intent.METODOLOGI, Intent.METODOLOGI]  # fmt: skip
    trained = IntentClassifier.train(texts, labels, "hash-uji")
    trained.save(tmp_path / "model.npz")
    loaded = IntentClassifier.load(tmp_path / "model.npz")
    for text in [*texts, "ihai _kabkota dan dimensi terlemahnya", "pagi, mau tanya cara hitung"]:
        assert trained.scores(text) == loaded.scores(text)
