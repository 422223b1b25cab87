"""The ``cemethod`` command, driven as a subprocess as a user would run it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The checkout under test comes first, installed or not.
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def run_cli(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "cemethod", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=ENV,
        timeout=600,
    )


def test_demo_prints_a_passing_summary_and_writes_json(tmp_path):
    out = tmp_path / "results.json"
    proc = run_cli("demo", "--quiet", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "capability" in proc.stdout
    assert "FAIL" not in proc.stdout
    payload = json.loads(out.read_text())
    assert payload["seed"] == 0
    names = [row["name"] for row in payload["results"]]
    assert "log loss (breast cancer)" in names
    assert all(row["ok"] for row in payload["results"])
    # no temporary file is left behind by the atomic write
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]


def test_help_explains_options_with_an_example():
    proc = run_cli("demo", "--help")
    assert proc.returncode == 0
    assert "--seed" in proc.stdout
    assert "Example:" in proc.stdout


def test_unknown_command_fails_with_a_message():
    proc = run_cli("frobnicate")
    assert proc.returncode != 0
    assert "invalid choice" in proc.stderr
