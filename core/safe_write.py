"""Writing generated files safely: a directory replaced in one step, a private file private from its creation.

`ihai score` (results) and `ihai index build` (the search index) write several files that are only
meaningful together. They write them into a staging directory beside the target and, once everything is
written, swap it with the target using Linux's `renameat2(RENAME_EXCHANGE)`: readers see either the old
set or the new one, never a mix, and a process killed at any point leaves the old set untouched.

Where the exchange is not available (another OS or a file system without it) the swap falls back to two
renames, target → `.<name>.old-<pid>` then staging → target; a kill between them leaves the old set under
the backup name, and the next `replacing_directory` on that target puts it back before doing anything else.
Staging directories of killed runs are removed by the next run.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_STAGING = "staging"
_BACKUP = "old"


class ForeignEntriesError(FileExistsError):
    """The target holds entries the writer does not own; replacing it would delete them."""

    def __init__(self, target: Path, names: list[str]) -> None:
        super().__init__(errno.EEXIST, f"{target} berisi file lain: {', '.join(names)}")
        self.target = target
        self.names = names


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths; False when the system offers no such call."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _siblings(target: Path, kind: str) -> Iterator[tuple[Path, int]]:
    """Staging or backup directories of `target` with the id of the process that made them."""
    prefix = f".{target.name}.{kind}-"
    for path in target.parent.glob(f"{prefix}*"):
        pid = path.name.removeprefix(prefix).partition("-")[0]
        if pid.isdigit():
            yield path, int(pid)


def recover(target: Path) -> None:
    """Undo what a killed run left behind: restore a backup whose swap was cut short, drop stale staging."""
    for backup, pid in _siblings(target, _BACKUP):
        if not _alive(pid):
            if target.exists():
                shutil.rmtree(backup, ignore_errors=True)
            else:
                backup.rename(target)
    for staging, pid in _siblings(target, _STAGING):
        if not _alive(pid):
            shutil.rmtree(staging, ignore_errors=True)


def check_writable_dir(target: Path, owned: Iterable[str] | None = None) -> None:
    """Raise what writing into (or replacing) directory `target` would raise, before any work is done.

    Raises:
        NotADirectoryError: `target`, or a folder on its way, is a file.
        ForeignEntriesError: `target` holds entries not in `owned` (when `owned` is given).
        PermissionError: the folder that would hold `target`, or `target` itself, is not writable.
    """
    target = Path(target).absolute()
    nearest = next(path for path in (target, *target.parents) if path.exists())
    if not nearest.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "bukan folder", str(nearest))
    writable = [nearest]
    if nearest == target:
        if owned is not None:
            allowed = set(owned)
            foreign = sorted(entry.name for entry in target.iterdir() if entry.name not in allowed)
            if foreign:
                raise ForeignEntriesError(target, foreign)
        writable = [target, target.parent] if owned is not None else [target]
    for path in writable:
        if not os.access(path, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "izin ditolak", str(path))


def _swap_in(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    if _exchange(staging, target):
        # The swap is done; the staging path now holds the previous content, which is no longer needed.
        shutil.rmtree(staging, ignore_errors=True)
        return
    backup = target.with_name(f".{target.name}.{_BACKUP}-{os.getpid()}-{secrets.token_hex(4)}")
    target.rename(backup)
    staging.rename(target)
    shutil.rmtree(backup, ignore_errors=True)


@contextlib.contextmanager
def replacing_directory(target: Path, owned: Iterable[str] | None = None) -> Iterator[Path]:
    """Yield an empty staging directory that replaces `target` in one step when the block ends normally.

    `owned` names every entry the writer may find in an existing target; any other entry stops the
    replacement before anything is written (`ForeignEntriesError`), so that pointing a command at a folder
    of one's own never deletes it. The staging directory takes the target's permissions, or the default
    ones (umask) for a new target. On an exception the staging directory is removed and the target is
    left as it was.

    Raises:
        NotADirectoryError: `target` exists and is not a directory.
        ForeignEntriesError: `target` holds entries not in `owned`.
        OSError: the parent cannot be created or written.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "bukan folder", str(target))
    if owned is not None and target.is_dir():
        check_writable_dir(target, owned)
    staging = target.with_name(f".{target.name}.{_STAGING}-{os.getpid()}-{secrets.token_hex(4)}")
    staging.mkdir()
    try:
        if target.is_dir():
            os.chmod(staging, stat.S_IMODE(target.stat().st_mode))
        yield staging
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def create_private(path: Path) -> int:
    """Create a new file readable and writable by its owner only (mode 0600 from the first instant),
    and return its descriptor; the file must not exist yet."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
