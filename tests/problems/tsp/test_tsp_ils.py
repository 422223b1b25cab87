"""The compiled candidate-list local search and iterated local search (issue 15):
neighbour lists against sorting, local optima checked by independent scans of
every 2-opt / Or-opt move, tours staying permutations with lengths recomputed
from scratch, symmetric and asymmetric instances, reproducible seeds, and the
default solve() reaching TSPLIB optima."""

from pathlib import Path

import numpy as np
import pytest

from cemethod.problems import ATSP, TSP
from cemethod.problems.tsp._ils import Candidates, neighbour_lists
from cemethod.problems.tsp.tsplib import example_path

DATA = Path(__file__).resolve().parent / "data" / "tsplib"


def _euclidean(seed, n, asym=0.0):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 1000, (n, 2))
    D = np.rint(np.linalg.norm(xy[:, None] - xy[None], axis=2))
    if asym:
        D = D + np.rint(asym * rng.uniform(0, 100, (n, n)))
        np.fill_diagonal(D, 0)
    return D.astype(np.int64), xy


def _length(D, t):
    """The closed tour length, recomputed with a plain loop."""
    return sum(int(D[t[i], t[(i + 1) % len(t)]]) for i in range(len(t)))


def _is_tour(t, n):
    return sorted(int(x) for x in t) == list(range(n))


def _best_two_opt(D, t):
    """Smallest length change of reversing t[i+1..j], all i < j."""
    n, base, best = len(t), _length(D, t), 0
    for i in range(n - 1):
        for j in range(i + 2, n):
            u = list(t[: i + 1]) + list(t[i + 1 : j + 1][::-1]) + list(t[j + 1 :])
            best = min(best, _length(D, u) - base)
    return best


def _best_or_opt(D, t, reverse):
    """Smallest length change of moving a segment of 1-3 cities elsewhere
    (forwards, and reversed when ``reverse``)."""
    n, base, best = len(t), _length(D, t), 0
    for shift in range(n):
        r = list(np.roll(t, -shift))
        for L in (1, 2, 3):
            if n - L < 3:
                continue
            seg, rest = r[:L], r[L:]
            for k in range(len(rest) - 1):
                for s in (seg, seg[::-1]) if reverse else (seg,):
                    u = rest[: k + 1] + s + rest[k + 1 :]
                    best = min(best, _length(D, u) - base)
    return best


# -- neighbour lists ----------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_neighbour_lists_match_sorting(seed):
    rng = np.random.default_rng(seed)
    n, k = 30, 8
    D = rng.integers(1, 50, (n, n))  # many ties: broken by the city number
    np.fill_diagonal(D, 0)
    out, inn = neighbour_lists(D, k)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        assert list(out[i]) == sorted(others, key=lambda j: (D[i, j], j))[:k]
        assert list(inn[i]) == sorted(others, key=lambda j: (D[j, i], j))[:k]
    S, xy = _euclidean(seed, n)
    tree, same = neighbour_lists(S, k, coordinates=xy)
    assert same is tree
    ref, none = neighbour_lists(S, k)
    assert none is None  # symmetric: the in lists are the out lists
    for i in range(n):  # rounding can swap near-equal neighbours: compare sets
        assert np.sort(S[i, tree[i]]).tolist() == np.sort(S[i, ref[i]]).tolist()


# -- local optima against independent scans -----------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_symmetric_local_search_is_a_true_local_optimum(seed):
    n = 9 + seed
    D, _ = _euclidean(seed, n)
    cand = Candidates(D, symmetric=True, k=n - 1)  # complete lists: every move
    start = np.random.default_rng(seed).permutation(n)
    t = cand.local_search(start)
    assert _is_tour(t, n)
    assert _length(D, t) <= _length(D, start)
    assert _best_two_opt(D, t) == 0
    assert _best_or_opt(D, t, reverse=True) == 0


@pytest.mark.parametrize("seed", range(6))
def test_asymmetric_local_search_is_an_or_opt_optimum(seed):
    n = 9 + seed
    D, _ = _euclidean(seed, n, asym=1.0)
    assert not np.array_equal(D, D.T)
    cand = Candidates(D, symmetric=False, k=n - 1)
    start = np.random.default_rng(seed).permutation(n)
    t = cand.local_search(start)
    assert _is_tour(t, n)
    assert _length(D, t) <= _length(D, start)
    assert _best_or_opt(D, t, reverse=False) == 0  # no reversing move used


@pytest.mark.parametrize("symmetric", [True, False])
def test_candidate_search_and_ils_on_larger_instances(symmetric):
    n = 150
    D, _ = _euclidean(11, n, asym=0.0 if symmetric else 2.0)
    cand = Candidates(D, symmetric=symmetric)
    assert cand.out.shape == (n, 10)
    start = np.random.default_rng(0).permutation(n)
    ls = cand.local_search(start)
    kicked = cand.ils(start, 20 * n, seed=5)
    for t in (ls, kicked):
        assert _is_tour(t, n)
    assert _length(D, kicked) < _length(D, ls) < _length(D, start)
    np.testing.assert_array_equal(kicked, cand.ils(start, 20 * n, seed=5))
    other = cand.ils(start, 20 * n, seed=6)
    assert _is_tour(other, n)


def test_ils_on_float_distances_and_tiny_instances():
    D, _ = _euclidean(3, 40)
    F = D / 7.0
    cand = Candidates(F, symmetric=True)
    assert cand.eps > 0
    t = cand.ils(np.arange(40), 400, seed=0)
    assert _is_tour(t, 40)
    for n in (3, 4, 5, 7):  # too small to kick: the local search alone
        T, _ = _euclidean(n, n)
        out = Candidates(T, symmetric=True).ils(np.arange(n), 10, seed=0)
        assert _is_tour(out, n)


# -- the public methods -------------------------------------------------------


def test_polish_with_kicks_is_reproducible_and_never_longer():
    tsp = TSP.from_tsplib(DATA / "kroA100.tsp")
    start = np.random.default_rng(1).permutation(100)
    _, ell = tsp.polish(start)
    kicked, ell_k = tsp.polish(start, n_kicks=2000, rng=3)
    assert ell_k <= ell <= tsp.tour_length(start)
    assert tsp.tour_length(kicked) == ell_k
    np.testing.assert_array_equal(kicked, tsp.polish(start, n_kicks=2000, rng=3)[0])
    with pytest.raises(ValueError, match="'n_kicks' parameter"):
        tsp.polish(start, n_kicks=-1)


def test_atsp_polish_with_kicks_stays_valid():
    atsp = ATSP.from_tsplib(DATA / "ftv44.atsp")
    start = np.random.default_rng(0).permutation(atsp.n)
    tour, length = atsp.polish(start, n_kicks=5 * atsp.n, rng=0)
    assert _is_tour(tour, atsp.n)
    assert length == _length(atsp.distances, tour) <= _length(atsp.distances, start)
    assert length >= atsp.optimum


@pytest.mark.parametrize(
    ("path", "optimum"),
    [(example_path("berlin52.tsp"), 7542), (DATA / "eil51.tsp", 426)],
)
def test_default_solve_reaches_the_optimum(path, optimum):
    tsp = TSP.from_tsplib(path)
    sol = tsp.solve(rng=0)
    assert sol.length == optimum == tsp.optimum
    assert _is_tour(sol.tour, tsp.n) and tsp.tour_length(sol.tour) == optimum


def test_solve_is_reproducible_with_a_seed():
    tsp = TSP.from_tsplib(DATA / "st70.tsp")
    runs = [tsp.solve(rng=4, maxiter=2, n_kicks=300).tour for _ in range(2)]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert _is_tour(runs[0], 70)
