"""Every script in examples/ runs to the end (each is short), so none can rot."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
# The checkout under test comes first, installed or not.
ENV = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}


def test_there_are_examples():
    assert EXAMPLES


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script, tmp_path):
    proc = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env=ENV,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


# -- the README's code blocks run as written and print what their comments say --
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_PYTHON = re.findall(r"```python\n(.*?)```", README, flags=re.S)
README_COMMANDS = [
    line
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    for line in block.splitlines()
    if line.startswith("cemethod ") and not line.startswith("cemethod demo")
]  # the demo runs in tests/cli/test_cli.py; the install lines are CI's job


def test_the_readme_has_code_blocks():
    assert len(README_PYTHON) >= 3 and len(README_COMMANDS) >= 7


@pytest.mark.parametrize("block", README_PYTHON, ids=lambda b: b.split("\n")[0])
def test_readme_python_block_prints_what_it_says(block, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", block],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env=ENV,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    position = 0
    for said in re.findall(r"# -> (.*)", block):
        found = proc.stdout.find(said.strip(), position)
        assert found >= 0, (said, proc.stdout)
        position = found


@pytest.mark.parametrize("line", README_COMMANDS)
def test_readme_command_runs_in_an_empty_folder(line, tmp_path):
    argv = shlex.split(line, comments=True)[1:]
    proc = subprocess.run(
        [sys.executable, "-m", "cemethod", *argv, "--quiet"]
        if argv[0] != "examples"
        else [sys.executable, "-m", "cemethod", *argv],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env=ENV,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
