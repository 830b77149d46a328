"""`ihai sample` and `ihai score` run as commands, as a user runs them: exit codes, messages, files, and a
run killed at any point leaving the previous results whole.

Permission cases run the command without the capabilities that let root read and write anything
(`setpriv`, util-linux), so they test the real refusal even in CI, which runs as root.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from core.gazetteer import get_gazetteer
from scoring.methodology import load_methodology
from scoring.pipeline import run_scoring
from scoring.report import write_outputs
from scoring.results import MANIFEST_JSON, OUTPUT_FILES, QUARANTINE_CSV, load_results
from tests.kill_at import run_killed_at

IHAI = str(Path(sys.executable).with_name("ihai"))
EXIT_USER_ERROR = 2
WITHOUT_ROOT_POWERS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def _run(arguments: list[str], cwd: Path, prefix: list[str] | None = None, timeout: float = 180) -> Ran:
    done = subprocess.run(
        [*(prefix or []), IHAI, *arguments], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def _without_root_powers() -> list[str]:
    """A prefix under which root is refused like anyone else; nothing is needed for another user."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.fail("setpriv (util-linux) is needed to test permission errors as root")
    return WITHOUT_ROOT_POWERS


def _small_export(path: Path, rows: int = 60) -> Path:
    methodology = load_methodology("ihai-2025")
    data = {
        "respondent_id": [f"K{index:03d}" for index in range(rows)],
        "submitted_at": ["2025-03-04T09:00:00"] * rows,
        "kabkota": ["Kota Banjarbaru"] * rows,
    }
    data |= {key: [str((index + position) % 5 + 1) for index in range(rows)] for position, key in enumerate(methodology.item_keys)}
    frame = pd.DataFrame(data, dtype="str")
    {".csv": lambda: frame.to_csv(path, index=False), ".parquet": lambda: frame.to_parquet(path, index=False),
     ".xlsx": lambda: frame.to_excel(path, index=False)}[path.suffix]()  # fmt: skip
    return path


# --- the commands working -------------------------------------------------------------------------------------


def test_sample_then_score_as_commands(tmp_path: Path) -> None:
    sample = _run(["sample", "--out", "sampel", "--seed", "7"], cwd=tmp_path)
    assert sample.code == 0, sample.err
    assert "DATA SAMPEL SINTETIS" in sample.err
    data = tmp_path / "sampel" / "ihai-2025-sampel-sintetis-seed7.parquet"
    assert data.is_file() and data.with_name("ihai-2025-sampel-sintetis-seed7.manifest.json").is_file()

    scored = _run(["score", str(data), "--out", "hasil"], cwd=tmp_path)
    assert scored.code == 0, scored.err
    assert "Traceback" not in scored.err
    results = tmp_path / "hasil"
    assert sorted(path.name for path in results.iterdir()) == sorted(OUTPUT_FILES)
    manifest = json.loads((results / MANIFEST_JSON).read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True and manifest["seed"] == 7
    assert manifest["rows_read"] == manifest["accepted"] + manifest["quarantined"]
    # The summary printed at the end says what the manifest says, in Indonesian numbers.
    assert f"{manifest['accepted']:,}".replace(",", ".") in scored.err
    assert oct(os.stat(results / QUARANTINE_CSV).st_mode & 0o777) == "0o600"


# --- every exit-2 case ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    arguments: list[str]
    message: str
    unprivileged: bool = False


def _cases(root: Path) -> list[Case]:
    """Each case gets its own files under `root`; the message must name the path and the problem."""
    good = _small_export(root / "baik.csv")

    unreadable = _small_export(root / "rahasia.csv")
    os.chmod(unreadable, 0)
    (root / "latin1.csv").write_bytes("respondent_id;kabkota\nR1;Bogor\xe9\n".encode("latin-1"))
    _small_export(root / "sampel.csv")
    (root / "sampel.manifest.json").write_text("{rusak", encoding="utf-8")
    (root / "file-biasa").write_text("bukan folder", encoding="utf-8")
    (root / "lain").mkdir()
    (root / "lain" / "laporan.docx").write_text("milik pengguna", encoding="utf-8")
    (root / "terkunci").mkdir()
    os.chmod(root / "terkunci", 0o555)
    twice = root / "ganda.xlsx"
    frame = pd.read_csv(good, dtype=str)
    frame.insert(0, "KabKota ", frame["kabkota"])
    frame.to_excel(twice, index=False)
    truncated = _small_export(root / "terpotong.parquet")
    truncated.write_bytes(truncated.read_bytes()[:300])
    (root / "judul.csv").write_text(",".join(pd.read_csv(good, nrows=0).columns) + "\n", encoding="utf-8")
    partial = root / "sebagian.csv"
    frame.drop(columns=["KabKota ", "kabkota", "v8_3"]).to_csv(partial, index=False)
    (root / "ekspor.json").write_text("{}", encoding="utf-8")

    return [
        Case("missing", ["score", "tidak-ada.csv"], "tidak-ada.csv: file tidak ditemukan"),
        Case("directory", ["score", "lain"], "lain: ini sebuah folder, bukan file"),
        Case("unreadable", ["score", "rahasia.csv"], "rahasia.csv: tidak dapat dibaca (izin ditolak)", unprivileged=True),
        Case("extension", ["score", "ekspor.json"], "ekspor.json: format file '.json' tidak didukung"),
        Case("encoding", ["score", "latin1.csv"], "latin1.csv: bukan teks CSV berenkode UTF-8 (byte tidak valid di baris 2)"),
        Case("manifest", ["score", "sampel.csv"], "sampel.manifest.json: manifest sampel di samping sampel.csv rusak"),
        Case("out_is_file", ["score", "baik.csv", "--out", "file-biasa"], "file-biasa: --out menunjuk ke sebuah file"),
        Case("out_under_file", ["score", "baik.csv", "--out", "file-biasa/hasil"], "file-biasa/hasil: --out menunjuk"),
        Case("out_foreign", ["score", "baik.csv", "--out", "lain"], "lain: folder hasil berisi file lain (laporan.docx)"),
        Case("out_denied", ["score", "baik.csv", "--out", "terkunci/hasil"], "terkunci/hasil: tidak dapat menulis (izin ditolak)",
             unprivileged=True),  # fmt: skip
        Case("duplicate_xlsx", ["score", "ganda.xlsx"], "ganda.xlsx: kolom muncul lebih dari sekali: kabkota"),
        Case("truncated", ["score", "terpotong.parquet"], "terpotong.parquet: tidak dapat dibaca sebagai file Parquet"),
        Case("header_only", ["score", "judul.csv"], "judul.csv: tidak ada baris data"),
        Case("missing_columns", ["score", "sebagian.csv"], "sebagian.csv: kolom wajib tidak ada: kabkota, v8_3"),
        Case("methodology", ["score", "baik.csv", "--methodology", "ihai-1999"], "Metodologi 'ihai-1999' tidak ditemukan"),
        Case("sample_out_is_file", ["sample", "--out", "file-biasa"], "file-biasa: --out menunjuk ke sebuah file"),
        Case("sample_out_denied", ["sample", "--out", "terkunci/sampel"], "terkunci/sampel: tidak dapat menulis (izin ditolak)",
             unprivileged=True),  # fmt: skip
    ]


def test_every_unusable_input_or_output_exits_2_with_a_message(tmp_path: Path) -> None:
    cases = _cases(tmp_path)

    def run(case: Case) -> tuple[Case, Ran]:
        prefix = _without_root_powers() if case.unprivileged else None
        return case, _run(case.arguments, cwd=tmp_path, prefix=prefix)

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(run, cases))
    failures = []
    for case, ran in outcomes:
        if ran.code != EXIT_USER_ERROR or case.message not in ran.err or "Traceback" in ran.err:
            failures.append(f"{case.name}: exit {ran.code}, stderr {ran.err.strip()[-300:]!r}")
    assert not failures, "\n".join(failures)
    # Nothing was written where the commands were refused.
    assert sorted(path.name for path in (tmp_path / "lain").iterdir()) == ["laporan.docx"]
    assert not (tmp_path / "hasil").exists() and not (tmp_path / "terkunci" / "hasil").exists()


# --- a kill at any point leaves the previous results whole ------------------------------------------------------


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@pytest.fixture
def previous_results(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A results folder from an earlier run on another export."""
    export = _small_export(tmp_path / "lama.csv")
    write_outputs(run_scoring([export], load_methodology("ihai-2025"), get_gazetteer()), tmp_path / "hasil")
    return tmp_path / "hasil", _snapshot(tmp_path / "hasil")


def _assert_intact(results: Path, before: dict[str, bytes]) -> None:
    assert _snapshot(results) == before
    assert [Path(entry["path"]).name for entry in load_results(results).manifest["inputs"]] == ["lama.csv"]


# Each point kills the process with SIGKILL right there, through the real code path.
KILL_POINTS = {
    "after_excel": "scoring.report.write_excel",
    "after_quarantine": "scoring.report.write_quarantine",
    "after_manifest_built": "scoring.report.build_manifest",
    "before_swap": "core.safe_write._swap_in",
}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_score_killed_while_writing_leaves_the_previous_results(
    previous_results: tuple[Path, dict[str, bytes]], point: str
) -> None:
    results, before = previous_results
    export = _small_export(results.parent / "baru.csv", rows=90)
    done = run_killed_at(KILL_POINTS[point], ["score", str(export), "--out", str(results)])
    assert done.returncode == -signal.SIGKILL, done.stderr
    _assert_intact(results, before)


def test_score_killed_at_a_real_moment_then_rerun(
    previous_results: tuple[Path, dict[str, bytes]], sample_export_path: Path
) -> None:
    results, before = previous_results
    process = subprocess.Popen(
        [IHAI, "score", str(sample_export_path), "--out", str(results)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    staging = f".{results.name}.staging-{process.pid}-*"
    deadline = time.monotonic() + 120
    while not list(results.parent.glob(staging)) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before it started writing"
    _assert_intact(results, before)

    # The next run removes what the killed one left and replaces the results.
    ran = _run(["score", str(sample_export_path), "--out", str(results)], cwd=results.parent)
    assert ran.code == 0, ran.err
    assert list(results.parent.glob(f".{results.name}.*")) == []
    assert load_results(results).manifest["inputs"][0]["path"] == str(sample_export_path)
