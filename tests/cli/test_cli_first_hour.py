"""A new user's first hour: the shipped example files one command away, every
``--help`` example running as printed from an empty folder, a fast ``--help``
that loads no numerical library, and a one-line hint for a missing extra."""

import json
import os
import shlex
import subprocess
import sys

import pytest
from cli_helpers import ENV, ROOT, run_cli

from cemethod.cli import main
from cemethod.cli._examples import shipped_files
from cemethod.cli._parser import build_parser


def _help_examples():
    _, subparsers = build_parser()
    for name, sub in subparsers.items():
        for line in sub.description.split("Example")[1].splitlines()[1:]:
            if line.strip().startswith(f"cemethod {name}"):
                yield shlex.split(line.strip())[1:]


HELP_EXAMPLES = [e for e in _help_examples() if e[0] != "demo"]  # the demo: test_cli


def test_every_command_has_a_help_example():
    _, subparsers = build_parser()
    assert {e[0] for e in HELP_EXAMPLES} == set(subparsers) - {"demo"}


@pytest.mark.parametrize("argv", HELP_EXAMPLES, ids=" ".join)
def test_help_example_runs_as_printed_in_an_empty_folder(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "--quiet"] if argv[0] != "examples" else argv) == 0
    if "--json" in argv:
        out = tmp_path / argv[argv.index("--json") + 1]
        assert json.loads(out.read_text())
    for name in argv[1:]:  # no example overwrites its own input file
        if name in shipped_files() and argv[0] != "examples":
            assert not (tmp_path / name).exists()


def test_examples_lists_and_copies_the_shipped_files(tmp_path, capsys):
    files = shipped_files()
    assert {"burma14.tsp", "maxcut5.txt", "bridge.txt", "line.json"} <= set(files)
    assert {"jobs.csv", "wt40.txt", "seq1.fasta", "y_true.csv", "y_proba.csv"} <= set(
        files
    )
    assert main(["examples"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in files)
    (tmp_path / "jobs.csv").write_text("mine\n")
    assert main(["examples", "--copy", str(tmp_path / ".")]) == 0
    assert "1 already there" in capsys.readouterr().out
    assert (tmp_path / "jobs.csv").read_text() == "mine\n"  # never overwritten
    for name, path in files.items():
        if name != "jobs.csv":
            assert (tmp_path / name).read_bytes() == path.read_bytes()


def test_a_shipped_name_is_found_from_any_folder_and_a_path_is_not(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert main(["maxcut", "maxcut5.txt", "--pure-ce", "--samples", "100"]) == 0
    assert "using the example file shipped with cemethod" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["maxcut", "./maxcut5.txt"])
    assert exc.value.code == 2 and "no such file" in capsys.readouterr().err


def test_help_is_fast_and_loads_no_numerical_library():
    code = (
        "import contextlib, io, sys\n"
        "from cemethod.cli._parser import build_parser\n"
        "parser, subs = build_parser()\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    parser.print_help()\n"
        "    for sub in subs.values(): sub.print_help()\n"
        "heavy = {'numpy', 'scipy', 'numba', 'sklearn', 'sklearn_ext', 'matplotlib'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=ENV
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
    for argv in (["--help"], ["tsp", "--help"], ["examples"]):
        proc = run_cli(*argv)
        assert proc.returncode == 0, proc.stderr
    code = (
        "import sys, runpy\nsys.argv = ['cemethod', 'demo', '--help']\n"
        "try:\n    runpy.run_module('cemethod', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted({'numpy', 'scipy', 'numba'} & set(sys.modules)), "
        "file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=ENV
    )
    assert proc.stderr.strip().endswith("[]"), proc.stderr


def test_plot_without_matplotlib_is_a_one_line_hint_naming_the_extra(tmp_path):
    fake = tmp_path / "fake"
    (fake / "matplotlib").mkdir(parents=True)
    (fake / "matplotlib" / "__init__.py").write_text("raise ImportError('absent')\n")
    env = {**ENV, "PYTHONPATH": os.pathsep.join([str(ROOT), str(fake)])}
    proc = run_cli("demo", "--plot", tmp_path / "p", env=env, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "cemethod demo: --plot needs matplotlib, which is not installed: "
        'pip install "cemethod[plot]"'
    ]
    assert not (tmp_path / "p").exists()


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    # `cemethod examples | head -1` once the reader is gone: stdout is a pipe
    # whose read end is closed, so the first write fails with EPIPE.
    code = (
        "import os, sys\n"
        "r, w = os.pipe(); os.close(r); os.dup2(w, 1)\n"
        "from cemethod.cli import main\n"
        "sys.exit(main(['examples']))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=tmp_path, env=ENV
    )
    err = proc.stderr.decode()
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert proc.returncode == 141
