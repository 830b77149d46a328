"""Run an `ihai` command in a child process that kills itself with SIGKILL at a chosen point of the real code.

The point is a function or method named by its dotted path: the process dies right after it returns, or, for
`core.safe_write._swap_in` (the final swap), right before it runs. Used by the tests that check a run killed
at any point leaves the previous results or index whole.
"""

from __future__ import annotations

import subprocess
import sys

_KILLER = """
import importlib, os, signal, sys
target, attribute = sys.argv[1].rsplit(".", 1)
try:
    owner = importlib.import_module(target)
except ImportError:
    module_name, _, class_name = target.rpartition(".")
    owner = getattr(importlib.import_module(module_name), class_name)
original = getattr(owner, attribute)
def killed(*args, **kwargs):
    if attribute == "_swap_in":
        os.kill(os.getpid(), signal.SIGKILL)
    original(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
setattr(owner, attribute, staticmethod(killed) if isinstance(owner, type) else killed)
from ihai.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run_killed_at(point: str, arguments: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`ihai <arguments>` killed at `point`; the caller checks the return code is -SIGKILL."""
    return subprocess.run(
        [sys.executable, "-c", _KILLER, point, *arguments], capture_output=True, text=True, timeout=timeout, check=False
    )
