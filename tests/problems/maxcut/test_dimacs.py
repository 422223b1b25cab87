"""The DIMACS graph reader: the G12 graph written in DIMACS form by hand reads
as the G-set file does, weights default to 1, comments anywhere, and files that
break a rule are refused with their line."""

import itertools
from pathlib import Path

import numpy as np
import pytest

from cemethod.problems import MaxCut
from cemethod.problems.maxcut import looks_like_dimacs, read_dimacs, read_gset

G12 = Path(__file__).resolve().parent / "data" / "G12.txt"


def _write(tmp_path, text, name="g.col"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_g12_in_dimacs_form_reads_as_the_gset_file(tmp_path):
    lines = [ln.split() for ln in G12.read_text().splitlines() if ln.strip()]
    n, m = lines[0]
    body = "".join(f"e {i} {j} {w}\n" for i, j, w in lines[1:])
    path = _write(tmp_path, f"c G12 (Helmberg & Rendl)\nc\np edge {n} {m}\n{body}")
    g, ref = read_dimacs(path), read_gset(G12)
    assert g.n_nodes == ref.n_nodes == 800
    assert np.array_equal(g.edges, ref.edges)
    assert np.array_equal(g.weights, ref.weights)
    assert looks_like_dimacs(path) and not looks_like_dimacs(G12)
    x = np.random.default_rng(0).integers(0, 2, size=(5, 800))
    assert np.array_equal(MaxCut.from_dimacs(path)(x), MaxCut.from_gset(G12)(x))


def test_unweighted_edges_weigh_one_and_cut_matches_brute_force(tmp_path):
    # the Petersen graph, nodes 1..10: its maximum cut is 12 (by enumeration)
    edges = [(i, (i + 1) % 5) for i in range(5)]
    edges += [(i, i + 5) for i in range(5)]
    edges += [(5 + i, 5 + (i + 2) % 5) for i in range(5)]
    text = "p col 10 15\nc comment between lines\n"
    text += "".join(f"e {u + 1} {v + 1}\n" for u, v in edges)
    problem = MaxCut.from_dimacs(_write(tmp_path, text))
    assert problem.n_nodes == 10 and problem.total_weight == 15.0
    X = np.array(list(itertools.product([0, 1], repeat=10)))
    by_hand = [sum(x[u] != x[v] for u, v in edges) for x in X]
    assert np.array_equal(problem(X), np.array(by_hand, dtype=float))
    assert max(by_hand) == 12


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("", "no problem line"),
        ("c only a comment\n", "no problem line"),
        ("e 1 2\np edge 2 1\n", "line 1: expected the DIMACS problem line"),
        ("p edge 1 0\n", "line 1: expected the DIMACS problem line"),
        ("p cut 3 1\ne 1 2\n", "line 1: expected the DIMACS problem line"),
        ("p edge 3 x\n", "line 1: expected the DIMACS problem line"),
        ("p edge 3 1\ne 1 2\ne 2 3\n", "line 3: the problem line (line 1) declares 1"),
        ("p edge 3 2\ne 1 2\n", "declares 2 edges, but the file has 1 edge lines"),
        ("p edge 3 1\ne 1 4\n", "line 2: expected nodes that are integers in 1..3"),
        ("p edge 3 1\ne 0 2\n", "DIMACS numbers nodes from 1"),
        ("p edge 3 1\ne 2 2\n", "line 2: expected an edge between two different"),
        ("p edge 3 1\ne 1 2 nan\n", "line 2: expected a finite number as the weight"),
        ("p edge 3 1\na 1 2 1\n", "line 2: expected an edge line 'e i j'"),
        ("p edge 3 1\ne 1 2 1 1\n", "line 2: expected an edge line 'e i j'"),
        ("p edge 3 1\np edge 3 1\n", "line 2: expected an edge line"),
    ],
)
def test_files_that_break_a_rule_are_refused_with_their_line(tmp_path, text, phrase):
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=r"g\.col") as err:
        read_dimacs(path)
    assert phrase in str(err.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        read_dimacs(tmp_path / "absent.col")
