"""``cemethod maxcut`` on G-set files: the header is the header, nodes count
from 1, and a file that contradicts its header is refused with its line (the
command used to read ``800 1600`` as an edge and solve a 1,601-node graph)."""

import json
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import ROOT, run_cli

from cemethod.cli import main

G12 = ROOT / "tests" / "problems" / "maxcut" / "data" / "G12.txt"


def _edges(path):
    lines = [ln.split() for ln in Path(path).read_text().splitlines() if ln.strip()]
    return [(int(i) - 1, int(j) - 1, float(w)) for i, j, w in lines[1:]]


def test_gset_file_is_read_with_its_header(tmp_path):
    out = tmp_path / "cut.json"
    proc = run_cli("maxcut", G12, "--seed", 0, "--samples", 200, "--json", out)
    assert proc.returncode == 0, proc.stderr
    assert "max-cut: 800 nodes, 1600 edges, total weight -4 (read as G-set)" in (
        proc.stdout
    )
    payload = json.loads(out.read_text())
    assert payload["n_nodes"] == 800
    x = np.array(payload["x"])
    cut = sum(w for i, j, w in _edges(G12) if x[i] != x[j])
    assert payload["cut"] == cut
    assert cut <= 556  # the best-known cut of G12 (Benlic & Hao 2013)


def _main(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in argv])
    return exc.value.code, capsys.readouterr()


@pytest.mark.parametrize(
    ("content", "options", "phrases"),
    [
        (
            "4 3\n1 2 1\n2 3 1\n",
            [],
            [
                "g.txt, line 1: the header declares 3 edges, but the file has 2",
                "--format edges",
            ],
        ),
        (
            "4 2\n1 2 1\n2 5 1\n",
            [],
            ["g.txt, line 3: expected nodes that are integers in 1..4"],
        ),
        ("4 2\n1 2 1\n2 3\n", [], ["g.txt, line 3: expected an edge 'i j w'"]),
        ("4 1\n1 2 1\n2 3 1\n", [], ["g.txt, line 3: the header (line 1) declares 1"]),
        (
            "0 1\n1 2\n",
            ["--format", "gset"],
            ["g.txt, line 1: expected the G-set header"],
        ),
    ],
)
def test_contradicting_gset_files_are_refused(
    tmp_path, capsys, content, options, phrases
):
    path = tmp_path / "g.txt"
    path.write_text(content)
    code, captured = _main(["maxcut", path, *options, "--quiet"], capsys)
    assert code == 2
    assert "cemethod maxcut: error: " in captured.err
    for phrase in phrases:
        assert phrase in captured.err
    if options:  # chosen, not detected: no hint about the detection
        assert "--format edges" not in captured.err


def test_format_edges_reads_a_gset_looking_file_as_an_edge_list_with_a_note(
    tmp_path, capsys
):
    path = tmp_path / "g.txt"
    path.write_text("3 2\n1 2 5\n0 3 1\n")  # an edge list whose first edge is 3-2
    out = tmp_path / "cut.json"
    code = main(
        [
            str(a)
            for a in ["maxcut", path, "--format", "edges", "--seed", 0, "--json", out]
        ]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert "looks like a G-set file" in captured.err
    payload = json.loads(out.read_text())
    assert payload["n_nodes"] == 4  # nodes 0..3, the first line an edge
    assert payload["cut"] == 7.0  # the path 0-3-2-1: all three edges cut


def test_plain_edge_lists_still_read_as_before(tmp_path, capsys):
    path = tmp_path / "g.txt"
    path.write_text("0 1\n1 2 2\n")
    out = tmp_path / "cut.json"
    assert main([str(a) for a in ["maxcut", path, "--seed", 0, "--json", out]]) == 0
    assert "(read as edge list)" in capsys.readouterr().out
    payload = json.loads(out.read_text())
    assert payload["n_nodes"] == 3 and payload["cut"] == 3.0


def test_tabu_mode_on_g12_lands_near_the_best_known_cut(tmp_path, capsys):
    out = tmp_path / "cut.json"
    argv = ["maxcut", G12, "--tabu", "--seed", 0, "--time-limit", 2, "--json", out]
    assert main([str(a) for a in argv]) == 0
    payload = json.loads(out.read_text())
    x = np.array(payload["x"])
    cut = sum(w for i, j, w in _edges(G12) if x[i] != x[j])
    assert payload["cut"] == cut
    # best known 556 (Benlic & Hao 2013); pure CE stops near 466 (16% below)
    assert 540 <= cut <= 556
    code, captured = _main(["maxcut", G12, "--tabu", "--polish"], capsys)
    assert code == 2 and "--tabu and --polish" in captured.err
    code, captured = _main(["maxcut", G12, "--workers", 2], capsys)
    assert code == 2 and "give --pure-ce" in captured.err


def test_default_mode_is_tabu_and_pure_ce_is_an_option(tmp_path):
    out = tmp_path / "cut.json"
    argv = ["maxcut", G12, "--seed", 0, "--time-limit", 2, "--json", out]
    assert main([str(a) for a in argv]) == 0
    assert json.loads(out.read_text())["cut"] >= 540  # the tabu mode's level
    argv = ["maxcut", G12, "--pure-ce", "--seed", 0, "--json", out]
    assert main([str(a) for a in argv]) == 0
    assert json.loads(out.read_text())["cut"] < 540  # pure CE: about 16% below


def test_dimacs_file_is_detected_and_read_from_one(tmp_path, capsys):
    # a 4-cycle with one heavy edge: the maximum cut takes all four edges
    path = tmp_path / "c4.col"
    path.write_text("c a square\np edge 4 4\ne 1 2 5\ne 2 3\ne 3 4\ne 4 1\n")
    out = tmp_path / "cut.json"
    assert main(["maxcut", str(path), "--seed", "0", "--json", str(out)]) == 0
    assert (
        "4 nodes, 4 edges, total weight 8 (read as DIMACS)" in capsys.readouterr().out
    )
    payload = json.loads(out.read_text())
    assert payload["cut"] == 8 and payload["n_nodes"] == 4


def test_dimacs_error_says_why_it_was_read_so(tmp_path, capsys):
    path = tmp_path / "bad.col"
    path.write_text("p edge 3 2\ne 1 2\n")
    code, captured = _main(["maxcut", path], capsys)
    assert code == 2
    assert "bad.col, line 1: the problem line declares 2 edges" in captured.err
    assert "read as a DIMACS file because" in captured.err
