"""The G-set reader: real files (one shipped beside the tests, the others from
the shared data when present), round trips, and files that break a rule."""

import os
from pathlib import Path

import numpy as np
import pytest

from cemethod.problems import MaxCut, read_gset
from cemethod.problems.maxcut import looks_like_gset, write_gset

HERE = Path(__file__).resolve().parent
G12 = HERE / "data" / "G12.txt"  # a copy of the G-set file G12 (Helmberg & Rendl)


def _shared_gset():
    """The G-set folder of the shared data: $CEMETHOD_GSET_DIR, else
    ``shared/data/gset`` beside the checkout or one of its parents."""
    if os.environ.get("CEMETHOD_GSET_DIR"):
        return Path(os.environ["CEMETHOD_GSET_DIR"])
    for up in HERE.parents[3:6]:
        if (up / "shared" / "data" / "gset").is_dir():
            return up / "shared" / "data" / "gset"
    return HERE / "no-shared-data"


SHARED = _shared_gset()

# (name, n, m) from the table of the shared data's README (Helmberg & Rendl 2000)
SIZES = [
    ("G2", 800, 19176),
    ("G6", 800, 19176),
    ("G12", 800, 1600),
    ("G15", 800, 4661),
    ("G18", 800, 4694),
    ("G23", 2000, 19990),
    ("G32", 2000, 4000),
    ("G44", 1000, 9990),
]


def _edges_by_hand(path):
    """The file parsed with nothing but str.split (the reference)."""
    lines = [ln.split() for ln in Path(path).read_text().splitlines() if ln.strip()]
    n, m = int(lines[0][0]), int(lines[0][1])
    rows = [(int(i) - 1, int(j) - 1, float(w)) for i, j, w in lines[1:]]
    return n, m, rows


def test_g12_reads_as_800_nodes_1600_edges_from_one():
    g = read_gset(G12)
    assert g.n_nodes == 800 and g.edges.shape == (1600, 2)
    n, m, rows = _edges_by_hand(G12)
    assert (n, m) == (800, 1600)
    assert g.edges.tolist() == [[i, j] for i, j, _ in rows]
    assert g.weights.tolist() == [w for *_, w in rows]
    assert g.edges.min() == 0 and g.edges.max() == 799  # 1-based in the file
    assert set(g.weights.tolist()) == {-1.0, 1.0}  # toroidal, +1/-1 weights
    assert looks_like_gset(G12)


def test_from_gset_is_sparse_and_cut_values_match_the_edges():
    p = MaxCut.from_gset(G12)
    assert p.is_sparse and p.n_nodes == 800 and p.n_edges == 1600
    _, _, rows = _edges_by_hand(G12)
    i, j, w = (np.array(c) for c in zip(*rows, strict=True))
    assert p.total_weight == w.sum()
    X = np.random.default_rng(0).integers(0, 2, size=(5, 800))
    reference = [(w * (x[i] != x[j])).sum() for x in X]
    np.testing.assert_array_equal(p(X), reference)
    assert [p.evaluate_one(x) for x in X] == reference


@pytest.mark.parametrize(("name", "n", "m"), SIZES)
def test_shared_gset_files_match_their_published_sizes(name, n, m):
    path = SHARED / f"{name}.txt"
    if not path.exists():
        pytest.skip(f"{path} not present")
    p = MaxCut.from_gset(path)
    assert (p.n_nodes, p.n_edges) == (n, m)


def test_round_trip(tmp_path):
    p = MaxCut.from_gset(G12)
    edges, weights = p.edges()
    write_gset(tmp_path / "g.txt", p.n_nodes, edges, weights)
    q = MaxCut.from_gset(tmp_path / "g.txt")
    assert (q.adjacency != p.adjacency).nnz == 0
    rng = np.random.default_rng(1)
    dense = rng.integers(-3, 4, size=(6, 6)) * (rng.random((6, 6)) < 0.6)
    dense = np.triu(dense, 1) + np.triu(dense, 1).T
    r = MaxCut(dense)
    write_gset(tmp_path / "h.txt", 6, *r.edges())
    np.testing.assert_array_equal(
        MaxCut.from_gset(tmp_path / "h.txt").weights.toarray(), r.weights
    )


def test_repeated_edges_add_up(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("3 3\n1 2 1\n2 1 2\n2 3 -1\n")
    assert MaxCut.from_gset(path).weights.toarray().tolist() == [
        [0, 3, 0],
        [3, 0, -1],
        [0, -1, 0],
    ]


BAD = [
    ("", "empty file"),
    ("800\n1 2 1\n", "line 1: expected the G-set header 'n m'"),
    ("1 0\n", "line 1: expected the G-set header 'n m'"),
    ("4 x\n1 2 1\n", "line 1: expected the G-set header"),
    ("4 2\n1 2 1\n", "line 1: the header declares 2 edges, but the file has 1"),
    ("4 1\n1 2 1\n3 4 1\n", "line 3: the header (line 1) declares 1 edges"),
    ("4 2\n1 2 1\n\n0 3 1\n", "line 4: expected nodes that are integers in 1..4"),
    ("4 2\n1 2 1\n3 5 1\n", "line 3: expected nodes that are integers in 1..4"),
    ("4 2\n1 2 1\n3 4\n", "line 3: expected an edge 'i j w' (three fields)"),
    ("4 2\n1 2 1\n3 3 1\n", "line 3: expected an edge between two different"),
    ("4 2\n1 2 1\n3 4 nan\n", "line 3: expected a finite number as the weight"),
    ("4 2\n1 2 1\n3 4 one\n", "line 3: expected a finite number as the weight"),
    ("4 2\n1 2.5 1\n3 4 1\n", "line 2: expected nodes that are integers"),
]


@pytest.mark.parametrize(("content", "message"), BAD)
def test_malformed_files_are_refused_with_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(ValueError, match=r"bad\.txt") as exc:
        read_gset(path)
    assert message in str(exc.value)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        read_gset(tmp_path / "nothing.txt")
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ValueError, match="not a UTF-8 text file"):
        read_gset(tmp_path / "b.txt")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("800 1600\n1 785 1\n", True),
        ("0 1\n0 2 3\n", False),  # n = 0: an edge list starting with an edge
        ("0 1\n1 2\n", False),
        ("3 2\n1 2\n", False),  # second line unweighted: an edge list
        ("3 2 1\n1 2 1\n", False),
        ("3\n", False),
    ],
)
def test_format_sniff(tmp_path, content, expected):
    path = tmp_path / "g.txt"
    path.write_text(content)
    assert looks_like_gset(path) is expected
