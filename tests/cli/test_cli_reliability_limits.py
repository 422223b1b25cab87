"""``cemethod reliability`` on inputs beyond its limits (issue 14, items 3-4):
huge node ids, too many edges, dense matrices and exact values too costly to
compute exit 2 with a message naming the file, the line, the limit and the
option that raises it, before anything sized by the input is allocated."""

import json
import time
import tracemalloc

import numpy as np
import pytest
from cli_helpers import run_cli

from cemethod.cli import main


def _main(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # usage errors exit through argparse
        code = exc.code
    return code, capsys.readouterr()


def _grid_file(path, n):
    lines = []
    for r in range(n):
        for c in range(n):
            v = r * n + c
            if c + 1 < n:
                lines.append(f"{v} {v + 1}")
            if r + 1 < n:
                lines.append(f"{v} {v + n}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_huge_node_ids_are_names_not_array_sizes(tmp_path, capsys):
    # The file of the issue named node 299999999 and the command allocated
    # ~22 GB. Ids are now numbered compactly: three nodes, an exact answer.
    graph = tmp_path / "huge.txt"
    graph.write_text("0 1 0.1\n1 299999999 0.2\n0 299999999 0.1\n")
    out = tmp_path / "r.json"
    argv = ["reliability", graph, "--source", 0, "--target", 299999999]
    tracemalloc.start()
    try:
        code, cap = _main([*argv, "--method", "exact", "--json", out], capsys)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 0, cap.err
    assert peak < 50 << 20, peak
    payload = json.loads(out.read_text())
    assert payload["n_nodes"] == 3 and payload["target"] == 299999999
    # Direct link (q = 0.1) in parallel with the path 0-1-299999999.
    assert payload["exact"] == pytest.approx(0.1 * (1 - 0.9 * 0.8), rel=1e-12)
    code, cap = _main([*argv[:-1], 2, "--method", "exact"], capsys)
    assert code == 2
    assert "--target 2: expected a node of" in cap.err
    assert "0, 1, 299999999" in cap.err


def test_node_ids_beyond_int64_are_a_line_error(tmp_path, capsys):
    graph = tmp_path / "g.txt"
    graph.write_text("0 1 0.1\n1 99999999999999999999 0.1\n")
    code, cap = _main(["reliability", graph, "--method", "exact"], capsys)
    assert code == 2 and "g.txt, line 2: expected 'u v [q]'" in cap.err
    assert "Traceback" not in cap.err


def test_all_terminal_counts_only_the_nodes_of_the_file(tmp_path, capsys):
    # Ids 0, 1, 3 are a path of three nodes (there is no node 2 in the file).
    graph = tmp_path / "gap.txt"
    graph.write_text("0 1 0.1\n1 3 0.1\n")
    out = tmp_path / "r.json"
    code, cap = _main(
        ["reliability", graph, "--method", "exact", "--json", out], capsys
    )
    assert code == 0, cap.err
    assert json.loads(out.read_text())["exact"] == pytest.approx(1 - 0.9**2)


def test_too_many_edges_exit_2_at_the_line_beyond_the_limit(tmp_path, capsys):
    graph = tmp_path / "chain.txt"
    graph.write_text("# a chain\n" + "".join(f"{i} {i + 1}\n" for i in range(30)))
    code, cap = _main(["reliability", graph, "--q", 0.1, "--max-edges", 10], capsys)
    assert code == 2
    assert "chain.txt, line 12: more than 10 edges, the limit --max-edges 10" in (
        cap.err
    )
    assert "e.g. --max-edges 20" in cap.err
    code, cap = _main(
        ["reliability", graph, "--q", 0.1, "--max-edges", 30, "--method", "exact"],
        capsys,
    )
    assert code == 0, cap.err


def test_a_file_too_large_for_the_limit_is_not_read(tmp_path, capsys):
    graph = tmp_path / "big.txt"
    graph.write_text("0 1\n" * 1000)  # 4000 bytes
    code, cap = _main(["reliability", graph, "--q", 0.1, "--max-edges", 20], capsys)
    assert code == 2
    assert "big.txt: 4000 bytes, more than the 2000 a graph of --max-edges 20" in (
        cap.err
    )


def test_a_dense_matrix_beyond_the_limit_names_the_row(tmp_path, capsys):
    graph = tmp_path / "dense.csv"
    np.savetxt(graph, np.full((60, 60), 0.01), delimiter=",", fmt="%g")
    code, cap = _main(["reliability", graph, "--max-edges", 1000], capsys)
    assert code == 2
    # Row 46 is the first with 46 * 45 / 2 = 1035 > 1000 possible links.
    assert "dense.csv, line 46: a 60 x 60 matrix has up to 1770 links" in cap.err
    assert "the limit --max-edges 1000" in cap.err


def test_an_exact_value_too_costly_is_refused_fast(tmp_path, capsys):
    graph = _grid_file(tmp_path / "grid11.txt", 11)  # 220 edges, width 11
    argv = ["reliability", graph, "--source", 0, "--target", 120, "--q", 0.01]
    start = time.process_time()
    code, cap = _main([*argv, "--method", "exact"], capsys)
    assert time.process_time() - start < 1.0
    assert code == 2
    assert "grid11.txt: no exact value: at most 1.62e+08 states" in cap.err
    assert "frontier width 11" in cap.err
    assert "above the limit --max-states 25000000" in cap.err
    assert "--max-states 1.7e+08" in cap.err and "--method ce" in cap.err
    # auto: says why there is no exact value, and estimates.
    out = tmp_path / "r.json"
    code, cap = _main([*argv, "--samples", 100, "--json", out], capsys)
    assert code == 0, cap.err
    assert "no exact value: at most 1.62e+08 states" in cap.out
    payload = json.loads(out.read_text())
    assert "exact" not in payload and payload["estimate"]["estimate"] > 0


def test_auto_gives_the_exact_value_beyond_30_edges_when_it_is_cheap(tmp_path):
    # The 6 x 6 grid (60 edges) between opposite corners: two corner cuts of
    # two edges, so l = 2 q^2 (1 + O(q)).
    graph = _grid_file(tmp_path / "grid6.txt", 6)
    out = tmp_path / "r.json"
    proc = run_cli(
        "reliability", graph, "--source", 0, "--target", 35, "--q", 1e-5,
        "--method", "exact", "--json", out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(out.read_text())
    assert payload["exact"] == pytest.approx(2e-10, rel=1e-3)
    assert payload["exact_method"] == "frontier dynamic program"
