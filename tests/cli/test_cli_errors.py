"""Bad input files, help texts, interrupts and missing matplotlib for the
``cemethod`` command. The many message checks call ``cemethod.cli.main`` in this
process (the code path of the command, without paying an interpreter start per
case); exit codes, Ctrl-C and the import-level checks run it as a subprocess."""

import json
import os
import signal
import subprocess
import sys

import pytest
from cli_helpers import DATA, ENV, ROOT, run_cli

from cemethod.cli import main
from cemethod.cli._parser import build_parser

TSP_BAD = (
    "NAME : bad\nTYPE : TSP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\n"
    "NODE_COORD_SECTION\n1 0 0\n2 a b\n3 1 1\nEOF\n"
)
FASTA_BAD = ">one\nACGT\nAC1T\n"

# (command and options before the file, file name, content, expected phrases)
CASES = [
    (
        ["maxcut"],
        "graph.txt",
        "0 1\n0 2 3\n# comment\na b c d\n",
        [
            "graph.txt, line 4: expected 'u v [weight]' with integer node ids",
            "got 'a b c d'",
        ],
    ),
    (["maxcut"], "graph.txt", "0 1\n1 1 2\n", ["graph.txt, line 2", "loop"]),
    (
        ["maxcut"],
        "graph.txt",
        "0 1\n1 99999\n",
        ["graph.txt, line 2: expected node ids below 5000"],
    ),
    (
        ["maxcut"],
        "w.csv",
        "0,1,2\n1,0\n2,1,0\n",
        ["w.csv, line 2: expected 3 numbers", "got 2"],
    ),
    (["maxcut"], "w.csv", "0,1\n2,0\n", ["w.csv, line 1: expected a symmetric"]),
    (
        ["reliability", "--q", "0.1"],
        "net.txt",
        "0 1\n1 2 1.5\n",
        ["net.txt, line 2: expected a failure probability q in [0, 1]"],
    ),
    (
        ["reliability"],
        "net.txt",
        "0 1 0.1\n\n1 2\n",
        ["net.txt, line 3: expected a failure probability", "--q"],
    ),
    (
        ["reliability"],
        "net.csv",
        "0,0.1\n0.1,0\n0,0.2\n",
        ["net.csv, line 1: expected 3 numbers"],
    ),
    (["tsp"], "bad.tsp", TSP_BAD, ["bad.tsp", "line 7", "expected a coordinate"]),
    (
        ["schedule"],
        "jobs.csv",
        "p,w,d\n3,1,2\n0,1,4\n",
        ["jobs.csv, line 3: expected three numbers", "processing time > 0"],
    ),
    (
        ["schedule"],
        "jobs.csv",
        "p,weight,x\n1,1,1\n",
        ["jobs.csv, line 1: expected the header 'p,w,d'"],
    ),
    (["schedule"], "wt40.txt", "1 2 3\n4 x 6\n", ["wt40.txt, line 2", "integer"]),
    (
        ["buffer"],
        "line.json",
        '{\n  "service_rates": [1, 2],\n  "total_buffer": 3,,\n}',
        ["line.json, line 3: expected a JSON object"],
    ),
    (
        ["buffer"],
        "line.json",
        '{"service_rates": [1, 2],\n "total_buffer": 3,\n "speed": 4}',
        ["line.json, line 3: unknown key 'speed'"],
    ),
    (
        ["buffer"],
        "line.json",
        '{"service_rates": [1, 2],\n "failure_rates": [0.1],\n "total_buffer": 3}',
        ["line.json, line 2", "one per machine"],
    ),
    (
        ["align", "ACGT"],
        "b.fasta",
        FASTA_BAD,
        ["b.fasta, line 3", "invalid character '1'"],
    ),
    (
        ["align", "--matrix", "dna", "ACGT"],
        "c.fasta",
        ">c\nACGT\nACQT\n",
        ["c.fasta, line 3: expected letters of the alphabet ACGTN", "'Q'"],
    ),
]


def _main(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in argv])
    return exc.value.code, capsys.readouterr()


@pytest.mark.parametrize(("before", "name", "content", "phrases"), CASES)
def test_bad_file_names_the_file_and_line_and_writes_nothing(
    tmp_path, capsys, before, name, content, phrases
):
    path = tmp_path / name
    path.write_text(content)
    out = tmp_path / "out.json"
    code, captured = _main(
        [*before, path, "--json", out, "--plot", tmp_path / "p", "--quiet"], capsys
    )
    assert code == 2
    command = before[0]
    assert f"cemethod {command}: error: " in captured.err
    for phrase in phrases:
        assert phrase in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # nothing written


def test_evaluate_bad_files_name_file_and_line(tmp_path, capsys):
    (tmp_path / "y.csv").write_text("cat\ndog\nemu\n")
    (tmp_path / "p.csv").write_text("cat,dog\n0.9,0.1\n0.2,0.8\n0.5,0.5\n")
    code, cap = _main(["evaluate", tmp_path / "y.csv", tmp_path / "p.csv"], capsys)
    assert code == 2 and "y.csv, line 3: expected a class named in the header" in (
        cap.err
    )
    (tmp_path / "p.csv").write_text("cat,dog\n0.9,0.1\n0.2,0.8,0.1\n0.5,0.5\n")
    code, cap = _main(["evaluate", tmp_path / "y.csv", tmp_path / "p.csv"], capsys)
    assert code == 2 and "p.csv, line 3: expected 2 comma-separated" in cap.err


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["maxcut", "{bad}"], "g.txt"),
        (["buffer", "{bad}"], "line.json"),
        (["evaluate", "{bad}", "{good}"], "y.csv"),
        (["evaluate", "{good}", "{bad}"], "p.csv"),
        (["align", "{bad}", "ACGT"], "a.fasta"),
    ],
)
def test_a_file_that_is_not_utf8_is_named(tmp_path, capsys, argv, name):
    # before the shared reader, buffer, evaluate and align printed the codec's
    # "'utf-8' codec can't decode byte ..." without naming the file
    bad, good = tmp_path / name, tmp_path / "good.csv"
    bad.write_bytes(b"0 1\n\xff\xfe 2\n")
    good.write_text("0\n1\n")
    code, cap = _main([a.format(bad=bad, good=good) for a in argv], capsys)
    assert code == 2 and f"{bad}: not a UTF-8 text file" in cap.err
    assert "codec" not in cap.err


def test_missing_file_and_bad_literal_sequence_are_named(tmp_path, capsys):
    missing = tmp_path / "nope.tsp"
    code, cap = _main(["tsp", missing], capsys)
    assert code == 2 and f"{missing}: no such file" in cap.err
    code, cap = _main(["align", "AC1GT", "ACGT"], capsys)
    assert code == 2 and "AC1GT: no such file, and not a literal sequence" in cap.err


def test_option_values_are_checked_before_the_run(capsys):
    graph = DATA / "cli" / "maxcut5.txt"
    code, cap = _main(["maxcut", graph, "--elite", "1.5"], capsys)
    assert code == 2 and "--elite: expected a fraction in (0, 1)" in cap.err
    code, cap = _main(["maxcut", graph, "--smoothing", "0"], capsys)
    assert code == 2 and "--smoothing: expected a number in (0, 1]" in cap.err
    code, cap = _main(["maxcut", graph, "--json", "/no/such/dir/x.json"], capsys)
    assert code == 2 and "does not exist" in cap.err
    # a combination only the library can judge: n_elite above n_samples
    code, cap = _main(["maxcut", graph, "--samples", "10", "--elite", "20"], capsys)
    assert code == 2 and "'n_elite'" in cap.err


def test_help_of_every_command_lists_every_option_with_an_example(capsys):
    _, subparsers = build_parser()
    assert set(subparsers) == {
        "demo",
        "examples",
        "tsp",
        "maxcut",
        "reliability",
        "buffer",
        "align",
        "schedule",
        "evaluate",
    }
    for name, sub in subparsers.items():
        code, cap = _main([name, "--help"], capsys)
        assert code == 0
        text = " ".join(cap.out.split())  # argparse wraps lines
        assert f"Example: cemethod {name}" in text or "Examples: cemethod" in text
        for action in sub._actions:
            if action.dest == "help":
                continue
            for option in action.option_strings:
                assert option in text, (name, option)
            if action.option_strings:
                assert "e.g." in action.help, (name, action.option_strings)


def test_options_that_do_not_apply_are_not_offered(capsys):
    code, cap = _main(["evaluate", "y.csv", "p.csv", "--samples", "10"], capsys)
    assert code == 2 and "unrecognized arguments: --samples" in cap.err
    code, cap = _main(["reliability", "g.txt", "--workers", "2"], capsys)
    assert code == 2 and "unrecognized arguments: --workers" in cap.err


def test_bad_file_from_a_subprocess_exits_2_and_writes_nothing(tmp_path):
    graph = tmp_path / "graph.txt"
    graph.write_text("0 1 2\n1 2 x\n")
    out = tmp_path / "cut.json"
    proc = run_cli("maxcut", graph, "--json", out)
    assert proc.returncode == 2
    assert "graph.txt, line 2: expected 'u v [weight]'" in proc.stderr
    assert "got '1 2 x'" in proc.stderr and not out.exists()


def test_plot_without_matplotlib_names_the_option(tmp_path):
    fake = tmp_path / "fake"
    (fake / "matplotlib").mkdir(parents=True)
    (fake / "matplotlib" / "__init__.py").write_text("raise ImportError('absent')\n")
    env = {**ENV, "PYTHONPATH": os.pathsep.join([str(ROOT), str(fake)])}
    proc = run_cli(
        "maxcut", DATA / "cli" / "maxcut5.txt", "--plot", tmp_path / "p", env=env
    )
    assert proc.returncode == 2
    assert "--plot needs matplotlib" in proc.stderr
    assert "cut weight" not in proc.stdout  # refused before the run
    assert not (tmp_path / "p").exists()


def test_ctrl_c_exits_130_and_writes_nothing(tmp_path):
    # Ctrl-C in a terminal sends SIGINT to the whole process group, workers too
    out = tmp_path / "tour.json"
    tsp = DATA / "tsplib" / "berlin52.tsp"
    args = ["--workers", "2", "--time-limit", "120", "--json", out, "--plot", "p"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "cemethod", "tsp", str(tsp), *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env=ENV, start_new_session=True,
    )  # fmt: skip
    try:
        assert "berlin52" in proc.stdout.readline()  # printed when the run starts
        assert "tsp: iteration 1," in proc.stderr.readline()  # the workers run
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "interrupted; nothing written" in err
    assert "Traceback" not in err  # neither from the main process nor the workers
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_json_output_is_plain_json(tmp_path, capsys):
    out = tmp_path / "r.json"
    args = ["reliability", DATA / "cli" / "bridge.txt", "--source", 0, "--target", 3]
    code = main([str(a) for a in [*args, "--method", "exact", "--json", out]])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    payload = json.loads(out.read_text())
    assert payload["exact"] == pytest.approx(0.02152, abs=1e-12)  # 2p^2+2p^3-5p^4+2p^5
    assert "estimate" not in payload and "exact unreliability" in cap.out
