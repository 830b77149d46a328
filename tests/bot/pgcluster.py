"""A throwaway PostgreSQL cluster for the tests and `bench.load`: Debian's server binaries, a temporary
directory, a Unix socket only (no TCP port), trust authentication, stopped and deleted at exit.

A missing server is a failure, never a skip (`make postgres` installs it, as root, as CI does).
As root the server runs as the `postgres` user (it refuses to run as root).
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

_counter = itertools.count(1)
_shared: TemporaryCluster | None = None


def server_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(Path(path).parts[4]))
    if not found:
        raise RuntimeError(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: run 'make postgres' "
            "(as root: apt-get install -y postgresql)."
        )
    return Path(found[-1]).parent


class TemporaryCluster:
    def __init__(self) -> None:
        self.bindir = server_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="ihai-pg-"))
        self.data = self.root / "data"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "--auth=trust", "--username=postgres", "--encoding=UTF8",
                  "--no-locale", "--no-sync")
        options = (f"-k {self.root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")
        self.running = True

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.root}"

    def new_database(self) -> str:
        import psycopg

        name = f"ihai_test_{os.getpid()}_{next(_counter)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.running:
            self.running = False
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def shared_cluster() -> TemporaryCluster:
    """One cluster per test process, started on first use and stopped at exit."""
    global _shared
    if _shared is None:
        _shared = TemporaryCluster()
        atexit.register(_shared.stop)
    return _shared


@pytest.fixture
def postgres_url() -> str:
    """A fresh, empty database on the shared throwaway cluster."""
    return shared_cluster().new_database()
