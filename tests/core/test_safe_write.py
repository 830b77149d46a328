"""Replacing a directory in one step, recovering after a kill, and files private from their creation."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from core import safe_write
from core.safe_write import ForeignEntriesError, create_private, recover, replacing_directory


def _contents(directory: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(directory.iterdir())}


def test_new_target_is_created_with_the_staged_files(tmp_path: Path) -> None:
    target = tmp_path / "hasil"
    with replacing_directory(target) as staging:
        assert staging.parent == tmp_path and staging != target and not target.exists()
        (staging / "a.txt").write_text("baru")
    assert _contents(target) == {"a.txt": "baru"}
    assert [path.name for path in tmp_path.iterdir()] == ["hasil"]


def test_existing_target_is_replaced_whole_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "hasil"
    target.mkdir()
    (target / "a.txt").write_text("lama")
    (target / "b.txt").write_text("lama")
    os.chmod(target, 0o750)
    with replacing_directory(target, owned=["a.txt", "b.txt"]) as staging:
        (staging / "a.txt").write_text("baru")
        assert _contents(target) == {"a.txt": "lama", "b.txt": "lama"}  # untouched until the block ends
    assert _contents(target) == {"a.txt": "baru"}
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert [path.name for path in tmp_path.iterdir()] == ["hasil"]


def test_an_error_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "hasil"
    target.mkdir()
    (target / "a.txt").write_text("lama")
    with pytest.raises(RuntimeError), replacing_directory(target) as staging:
        (staging / "a.txt").write_text("setengah")
        raise RuntimeError("gagal di tengah")
    assert _contents(target) == {"a.txt": "lama"}
    assert [path.name for path in tmp_path.iterdir()] == ["hasil"]


def test_foreign_entries_stop_the_replacement_before_anything_is_written(tmp_path: Path) -> None:
    target = tmp_path / "dokumen"
    target.mkdir()
    (target / "laporan.docx").write_text("milik pengguna")
    with pytest.raises(ForeignEntriesError) as error, replacing_directory(target, owned=["a.txt"]):
        pytest.fail("the block must not run")
    assert error.value.names == ["laporan.docx"]
    assert _contents(target) == {"laporan.docx": "milik pengguna"}


def test_a_file_in_place_of_the_target_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "hasil"
    target.write_text("bukan folder")
    with pytest.raises(NotADirectoryError), replacing_directory(target):
        pytest.fail("the block must not run")
    assert target.read_text() == "bukan folder"


def test_without_the_exchange_call_the_two_rename_fallback_replaces_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safe_write, "_exchange", lambda first, second: False)
    target = tmp_path / "hasil"
    target.mkdir()
    (target / "a.txt").write_text("lama")
    with replacing_directory(target) as staging:
        (staging / "a.txt").write_text("baru")
    assert _contents(target) == {"a.txt": "baru"}
    assert [path.name for path in tmp_path.iterdir()] == ["hasil"]


def _dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_recover_restores_a_backup_left_between_the_two_renames_and_drops_stale_staging(tmp_path: Path) -> None:
    pid = _dead_pid()
    target = tmp_path / "hasil"
    backup = tmp_path / f".hasil.old-{pid}-0000"
    backup.mkdir()
    (backup / "a.txt").write_text("lama")
    staging = tmp_path / f".hasil.staging-{pid}-0000"
    staging.mkdir()
    (staging / "a.txt").write_text("setengah")
    live = tmp_path / f".hasil.staging-{os.getpid()}-0000"  # a run still going: left alone
    live.mkdir()
    recover(target)
    assert _contents(target) == {"a.txt": "lama"}
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["hasil", live.name])


def test_private_file_is_0600_from_creation_and_never_reuses_a_path(tmp_path: Path) -> None:
    old_umask = os.umask(0)  # even with a permissive umask
    try:
        path = tmp_path / "karantina.csv"
        with os.fdopen(create_private(path), "w") as handle:
            assert stat.S_IMODE(os.fstat(handle.fileno()).st_mode) == 0o600
            handle.write("x")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):
        create_private(path)
