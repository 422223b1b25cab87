"""TSPLIB reader: every edge-weight format and distance function against the
TSPLIB 95 definitions written out in plain Python, every optimal tour against
the published optimum, exact ATSP/TSP optima by Held-Karp dynamic programming,
and the error messages for malformed files."""

import math
from pathlib import Path

import numpy as np
import pytest

from cemethod.problems.tsp.tsplib import (
    example_names,
    example_path,
    published_optimum,
    read_best_solutions,
    read_tsplib,
)

TEST_DATA = Path(__file__).resolve().parent / "data" / "tsplib"
PACKAGE_DATA = Path(str(example_path("berlin52.tsp"))).parent


def _path(name):
    for folder in (TEST_DATA, PACKAGE_DATA):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(name)


OPT_TOURS = sorted(
    p.name for d in (TEST_DATA, PACKAGE_DATA) for p in d.glob("*.opt.tour")
)


def _write(tmp_path, text, name="x.tsp"):
    path = tmp_path / name
    path.write_text(text)
    return path


# -- optimal tours vs the published optima ------------------------------------


def test_there_are_optimal_tours():
    assert len(OPT_TOURS) == 18


@pytest.mark.parametrize("tour_file", OPT_TOURS)
def test_optimal_tour_length_is_the_published_optimum(tour_file):
    tour = read_tsplib(_path(tour_file))
    assert tour.type == "TOUR"
    inst = read_tsplib(_path(tour.name + ".tsp"))
    assert inst.dimension == tour.dimension == tour.tour.size
    assert sorted(tour.tour) == list(range(inst.dimension))
    t = tour.tour
    # plain Python sum over the edges, closing edge included
    length = sum(int(inst.distances[t[k], t[(k + 1) % t.size]]) for k in range(t.size))
    table = read_best_solutions(PACKAGE_DATA / "bestSolutions-tsp.txt")
    assert length == table[inst.name] == published_optimum(inst.name)


def test_best_solution_tables():
    tsp = read_best_solutions(PACKAGE_DATA / "bestSolutions-tsp.txt")
    atsp = read_best_solutions(PACKAGE_DATA / "bestSolutions-atsp.txt")
    assert tsp["berlin52"] == 7542 and tsp["pla85900"] == 142382641
    assert atsp["br17"] == 39 and atsp["ry48p"] == 14422  # file without final newline
    assert published_optimum("kro124p", "ATSP") == atsp["kro124"] == 36230
    assert published_optimum("berlin52", "ATSP") is None
    with pytest.raises(ValueError, match="'kind' parameter of published_optimum"):
        published_optimum("berlin52", "tsp")


def test_best_solutions_bad_line(tmp_path):
    path = _write(tmp_path, "a : 1\nb 2\n", "best.txt")
    with pytest.raises(
        ValueError, match=r"best\.txt.*line 2: expected 'name : integer'"
    ):
        read_best_solutions(path)


def test_shipped_files():
    names = example_names()
    assert {"burma14.tsp", "berlin52.tsp", "br17.atsp"} <= set(names)
    for name in names:
        assert read_tsplib(example_path(name)).dimension >= 14
    with pytest.raises(ValueError, match="'name' parameter of example_path"):
        example_path("nosuch.tsp")


# -- Held-Karp: exact optima of small instances, independent of the CE code ---


def _held_karp(D):
    """Exact shortest Hamiltonian cycle length by dynamic programming over
    subsets (Held & Karp 1962), vectorized over the last node."""
    n = D.shape[0]
    m = n - 1  # nodes 1..n-1 as bits 0..m-1
    big = np.iinfo(np.int64).max // 4
    dp = np.full((1 << m, m), big, dtype=np.int64)
    for j in range(m):
        dp[1 << j, j] = D[0, j + 1]
    W = D[1:, 1:]
    bits = np.arange(m)
    for mask in range(1, 1 << m):
        # dp[mask, j] is still `big` for j outside mask, so the minimum over
        # all j is the minimum over the last nodes j in mask.
        best = np.min(dp[mask][:, None] + W, axis=0)
        ks = bits[(mask >> bits) & 1 == 0]
        nxt = mask | (1 << ks)
        dp[nxt, ks] = np.minimum(dp[nxt, ks], best[ks])
    full = (1 << m) - 1
    return int(np.min(dp[full] + D[1:, 0]))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "kind"), [("br17.atsp", "ATSP"), ("gr17.tsp", "TSP")])
def test_held_karp_optimum_is_published(name, kind):
    inst = read_tsplib(_path(name))
    assert inst.type == kind
    assert _held_karp(inst.distances) == published_optimum(inst.name, kind)


def test_held_karp_on_tiny_brute_force():
    import itertools

    rng = np.random.default_rng(0)
    D = rng.integers(1, 50, (7, 7))
    brute = min(
        sum(D[t[k], t[(k + 1) % 7]] for k in range(7))
        for t in ((0, *p) for p in itertools.permutations(range(1, 7)))
    )
    assert _held_karp(D) == brute


# -- distance functions, written out as in TSPLIB 95 Section 2 ------------------


def _nint(x):
    return int(x + 0.5)


def _geo_ref(xi, yi, xj, yj):
    pi = 3.141592
    rrr = 6378.388

    def rad(v):
        deg = int(v)  # C (int): truncation toward zero
        mn = v - deg
        return pi * (deg + 5.0 * mn / 3.0) / 180.0

    lat_i, lon_i, lat_j, lon_j = rad(xi), rad(yi), rad(xj), rad(yj)
    q1 = math.cos(lon_i - lon_j)
    q2 = math.cos(lat_i - lat_j)
    q3 = math.cos(lat_i + lat_j)
    return int(rrr * math.acos(0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)) + 1.0)


def _att_ref(xi, yi, xj, yj):
    xd, yd = xi - xj, yi - yj
    rij = math.sqrt((xd * xd + yd * yd) / 10.0)
    tij = _nint(rij)
    return tij + 1 if tij < rij else tij


REFERENCES = {
    "EUC_2D": lambda a, b: _nint(math.dist(a, b)),
    "CEIL_2D": lambda a, b: math.ceil(math.dist(a, b)),
    "MAN_2D": lambda a, b: _nint(abs(a[0] - b[0]) + abs(a[1] - b[1])),
    "MAX_2D": lambda a, b: max(_nint(abs(a[0] - b[0])), _nint(abs(a[1] - b[1]))),
    "ATT": lambda a, b: _att_ref(*a, *b),
    "GEO": lambda a, b: _geo_ref(*a, *b),
    "EUC_3D": lambda a, b: _nint(math.dist(a, b)),
    "MAN_3D": lambda a, b: _nint(sum(abs(u - v) for u, v in zip(a, b, strict=True))),
    "MAX_3D": lambda a, b: max(_nint(abs(u - v)) for u, v in zip(a, b, strict=True)),
}


@pytest.mark.parametrize("ewt", sorted(REFERENCES))
def test_coordinate_distances(tmp_path, ewt):
    rng = np.random.default_rng(len(ewt))
    dim = 3 if ewt.endswith("3D") else 2
    n = 9
    if ewt == "GEO":  # DDD.MM latitude / longitude, some negative
        coords = np.round(rng.uniform(-80, 80, (n, 2)), 2)
    else:
        coords = np.round(rng.uniform(-500, 500, (n, dim)), 3)
    lines = "\n".join(
        f"{i + 1} " + " ".join(repr(float(c)) for c in row)
        for i, row in enumerate(coords)
    )
    text = f"NAME : t\nTYPE : TSP\nDIMENSION : {n}\nEDGE_WEIGHT_TYPE : {ewt}\n"
    text += f"NODE_COORD_SECTION\n{lines}\nEOF\n"
    D = read_tsplib(_write(tmp_path, text)).distances
    assert D.dtype == np.int64
    for i in range(n):
        for j in range(n):
            if i != j:
                a, b = tuple(coords[i]), tuple(coords[j])
                assert D[i, j] == REFERENCES[ewt](a, b), (i, j)
    assert np.all(np.diagonal(D) == 0)


def test_ceil_and_euc_differ_on_purpose(tmp_path):
    text = "TYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: {}\nNODE_COORD_SECTION\n"
    text += "1 0 0\n2 3 4.1\n3 0 1.2\nEOF\n"
    euc = read_tsplib(_write(tmp_path, text.format("EUC_2D"))).distances
    ceil = read_tsplib(_write(tmp_path, text.format("CEIL_2D"))).distances
    assert euc[0, 1] == 5 and ceil[0, 1] == 6  # sqrt(25.81) = 5.08
    assert euc[0, 2] == 1 and ceil[0, 2] == 2


def test_geo_known_distance():
    # burma14 from the shipped file: hand-checked first row.
    D = read_tsplib(example_path("burma14.tsp")).distances
    assert D[0, 1] == _geo_ref(16.47, 96.10, 16.47, 94.44) == 153


# -- explicit formats ----------------------------------------------------------

N_EXPLICIT = 5
_RNG = np.random.default_rng(7)
_SYM = np.triu(_RNG.integers(1, 100, (N_EXPLICIT, N_EXPLICIT)), 1)
_SYM = _SYM + _SYM.T + np.diag(_RNG.integers(0, 3, N_EXPLICIT))


def _layout(fmt, M):
    """The weights in the order TSPLIB 95 Section 1.5 lists them."""
    n = M.shape[0]
    if fmt == "FULL_MATRIX":
        return [M[i, j] for i in range(n) for j in range(n)]
    diag = "DIAG" in fmt
    upper = fmt.startswith("UPPER")
    by_row = fmt.endswith("ROW")
    out = []
    for a in range(n):  # a = row (ROW formats) or column (COL formats)
        for b in range(n):
            i, j = (a, b) if by_row else (b, a)
            keep = (
                (j > i or (diag and j == i)) if upper else (j < i or (diag and j == i))
            )
            if keep:
                out.append(M[i, j])
    return out


@pytest.mark.parametrize(
    "fmt",
    [
        "FULL_MATRIX",
        "UPPER_ROW",
        "LOWER_ROW",
        "UPPER_DIAG_ROW",
        "LOWER_DIAG_ROW",
        "UPPER_COL",
        "LOWER_COL",
        "UPPER_DIAG_COL",
        "LOWER_DIAG_COL",
    ],
)
def test_explicit_formats(tmp_path, fmt):
    weights = _layout(fmt, _SYM)
    # wrap the numbers 4 to a line: TSPLIB data need not follow matrix rows
    body = "\n".join(
        " ".join(str(w) for w in weights[k : k + 4]) for k in range(0, len(weights), 4)
    )
    text = (
        f"NAME: m\nTYPE: TSP\nDIMENSION: {N_EXPLICIT}\nEDGE_WEIGHT_TYPE: EXPLICIT\n"
        f"EDGE_WEIGHT_FORMAT: {fmt}\nEDGE_WEIGHT_SECTION\n{body}\nEOF\n"
    )
    data = read_tsplib(_write(tmp_path, text))
    expected = _SYM.copy()
    if "DIAG" not in fmt and fmt != "FULL_MATRIX":
        np.fill_diagonal(expected, 0)
    np.testing.assert_array_equal(data.distances, expected)
    assert data.edge_weight_format == fmt


def test_full_matrix_asymmetric_kept_as_is():
    data = read_tsplib(example_path("br17.atsp"))
    assert data.type == "ATSP" and data.dimension == 17
    assert data.distances[0, 0] == 9999 and data.distances[0, 1] == 3
    assert not np.array_equal(data.distances, data.distances.T)


def test_explicit_with_display_data():
    data = read_tsplib(_path("bays29.tsp"))
    assert data.coordinates.shape == (29, 2)
    assert data.distances[0, 1] == 107


# -- tours and other sections --------------------------------------------------


def test_tour_section_variants(tmp_path):
    base = "NAME : t.opt.tour\nTYPE : TOUR\nDIMENSION : 4\nTOUR_SECTION\n"
    for body in ("3 1\n4 2\n-1\nEOF\n", "3 1 4 2 -1\n", "3\n1\n4\n2\n-1\n-1\nEOF\n"):
        data = read_tsplib(_write(tmp_path, base + body))
        assert data.name == "t" and list(data.tour) == [2, 0, 3, 1]
    data = read_tsplib(_write(tmp_path, base[:-1] + " 3 1 4\n2 -1\nEOF\n"))
    assert list(data.tour) == [2, 0, 3, 1]  # data on the section's line
    # a second tour is skipped; the section ends with an extra -1
    data = read_tsplib(_write(tmp_path, base + "1 2 3 4 -1\n4 3 2 1 -1\n-1\nEOF\n"))
    assert list(data.tour) == [0, 1, 2, 3]


def test_fixed_edges_and_comments(tmp_path):
    text = (
        "NAME: f\nCOMMENT: one\nCOMMENT : two\nTYPE: TSP\nDIMENSION: 4\n"
        "EDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 0 1\n3 1 1\n4 1 0\n"
        "FIXED_EDGES_SECTION\n1 2\n3 4\n-1\nEOF\n"
    )
    data = read_tsplib(_write(tmp_path, text))
    assert data.comment == "one\ntwo"
    np.testing.assert_array_equal(data.fixed_edges, [[0, 1], [2, 3]])
    assert data.tour is None


_HEAD = "NAME: bad\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\n"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (_HEAD + "NODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF\n", 8, "NODE_COORD_SECTION"),
        (_HEAD + "NODE_COORD_SECTION\n1 0 0\n2 1 x\n3 2 2\n", 7, "a coordinate"),
        (_HEAD + "NODE_COORD_SECTION\n1 0 0\n1 1 1\n3 2 2\n", 7, "each node number"),
        (_HEAD + "NODE_COORD_SECTION\n1 0 0 5\n2 1 1\n3 2 2\n", 6, "2 coordinates"),
        (_HEAD + "FOO: 3\n", 5, "a specification line"),
        ("TYPE: CVRP\n", 1, "TYPE one of TSP, ATSP, TOUR"),
        ("TYPE: TSP\nDIMENSION: three\n", 2, "DIMENSION an integer"),
        ("TYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: XRAY1\n", 3, "EDGE_WEIGHT_TYPE"),
        (_HEAD, 4, "a NODE_COORD_SECTION for EUC_2D"),
        ("TYPE: TSP\nNODE_COORD_SECTION\n", 2, "a DIMENSION line"),
        (
            "TYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EXPLICIT\n"
            "EDGE_WEIGHT_FORMAT: UPPER_ROW\nEDGE_WEIGHT_SECTION\n1 2\nEOF\n",
            7,
            "3 integer edge weights",
        ),
        (
            "TYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EXPLICIT\n"
            "EDGE_WEIGHT_FORMAT: UPPER_ROW\nEDGE_WEIGHT_SECTION\n1 2 3 4\nEOF\n",
            6,
            "the end of the section",
        ),
        (
            "TYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EXPLICIT\n"
            "EDGE_WEIGHT_FORMAT: UPPER_ROW\nEDGE_WEIGHT_SECTION\n1 2.5 3\nEOF\n",
            6,
            "an integer edge weight",
        ),
        ("TYPE: TOUR\nDIMENSION: 3\nTOUR_SECTION\n1 2 2 -1\n", 4, "each once"),
        ("TYPE: TOUR\nDIMENSION: 3\nTOUR_SECTION\n1 2 -1\n", 4, "3 nodes before -1"),
        ("TYPE: TOUR\nDIMENSION: 3\nTOUR_SECTION\n1 2 3\nEOF\n", 5, "then -1"),
        ("TYPE: TOUR\nDIMENSION: 3\n", 2, "a TOUR_SECTION"),
    ],
)
def test_malformed_files_name_file_line_and_expectation(tmp_path, text, line, expected):
    path = _write(tmp_path, text, "broken.tsp")
    with pytest.raises(ValueError) as info:
        read_tsplib(path)
    message = str(info.value)
    assert "broken.tsp" in message
    assert f"line {line}:" in message
    assert expected in message


def test_path_type_error():
    with pytest.raises(TypeError, match="'path' parameter of read_tsplib"):
        read_tsplib(42)
