"""Shared by the ``cemethod`` command tests: where the checkout and its data
are, and the command run as a subprocess as a user runs it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The checkout under test comes first, installed or not.
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
DATA = ROOT / "cemethod" / "data"


def run_cli(*args, cwd=ROOT, env=ENV, timeout=300):
    """``python -m cemethod ARGS`` (each argument passed through ``str``)."""
    return subprocess.run(
        [sys.executable, "-m", "cemethod", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )
