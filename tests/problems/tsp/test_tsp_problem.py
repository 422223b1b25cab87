"""TSP / ATSP problems: the vectorized objective against a row-by-row loop, the
default family, the published optima, CE on instances whose optimum is known by
construction or by brute force, and the local search (never longer, a 2-opt and
Or-opt local optimum by exhaustive check)."""

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tsp_helpers import brute_force, reference_length

import cemethod as ce
from cemethod.families import Permutation
from cemethod.problems import ATSP, TSP
from cemethod.problems.tsp import TSPSolution
from cemethod.problems.tsp.tsplib import example_path, read_tsplib

TEST_DATA = Path(__file__).resolve().parent / "data" / "tsplib"


def _random_matrix(rng, n, symmetric, integer=True):
    D = rng.integers(1, 1000, (n, n)) if integer else rng.uniform(0.5, 10.0, (n, n))
    if symmetric:
        D = np.triu(D, 1)
        D = D + D.T
    np.fill_diagonal(D, 0)
    return D


def _circle(n, radius=100.0):
    """Cities on a circle in scrambled order: the optimum is the polygon, its
    length known in closed form, ``2 n r sin(pi / n)``."""
    perm = np.random.default_rng(n).permutation(n)
    angle = 2 * np.pi * perm / n
    xy = radius * np.column_stack([np.cos(angle), np.sin(angle)])
    D = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    D = 0.5 * (D + D.T)  # exactly symmetric
    return D, 2 * n * radius * math.sin(math.pi / n)


# -- objective --------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(3, 12),
    symmetric=st.booleans(),
    integer=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_vectorized_lengths_match_row_by_row(n, symmetric, integer, seed):
    rng = np.random.default_rng(seed)
    D = _random_matrix(rng, n, symmetric, integer)
    problem = (TSP if symmetric else ATSP)(D)
    X = np.array([rng.permutation(n) for _ in range(7)])
    values = problem(X)
    assert values.shape == (7,)
    assert values.dtype == (np.int64 if integer else np.float64)
    expected = [reference_length(D, x) for x in X]
    np.testing.assert_allclose(values, expected, rtol=1e-12)
    assert problem.tour_length(X[0]) == pytest.approx(expected[0], rel=1e-12)


def test_default_family_gives_valid_tours():
    tsp = TSP.from_tsplib(example_path("berlin52.tsp"))
    fam = tsp.default_family()
    assert isinstance(fam, Permutation) and fam.n_nodes == 52
    X = fam.sample(200, np.random.default_rng(0))
    assert np.all(np.sort(X, axis=1) == np.arange(52))
    assert np.all(tsp(X) > tsp.optimum)
    opts = tsp.default_options()
    assert opts["n_samples"] >= 500 and 0 < opts["smoothing"] <= 1


@pytest.mark.parametrize(
    "name", ["berlin52", "ulysses16", "st70", "gr24", "bayg29", "att48"]
)
def test_optimal_tour_attains_the_optimum(name):
    folder = TEST_DATA if (TEST_DATA / f"{name}.tsp").exists() else None
    path = folder / f"{name}.tsp" if folder else example_path(f"{name}.tsp")
    tour_path = (
        folder / f"{name}.opt.tour" if folder else example_path(f"{name}.opt.tour")
    )
    tsp = TSP.from_tsplib(path)
    tour = read_tsplib(tour_path).tour
    assert tsp.optimum is not None
    assert tsp.tour_length(tour) == tsp.optimum
    assert tsp(tour[None, :])[0] == tsp.optimum


def test_from_tsplib_kinds_and_optimum():
    atsp = TSP.from_tsplib(example_path("ftv33.atsp"))
    assert type(atsp) is ATSP and atsp.n == 34 and atsp.optimum == 1286
    assert atsp.name == "ftv33" and not np.array_equal(atsp.distances, atsp.distances.T)
    sym = ATSP.from_tsplib(example_path("burma14.tsp"))
    assert type(sym) is ATSP and sym.optimum == 3323
    none = TSP.from_tsplib(example_path("burma14.tsp"), optimum=None)
    assert none.optimum is None
    with pytest.raises(ValueError, match="TOUR file"):
        TSP.from_tsplib(example_path("berlin52.opt.tour"))
    with pytest.raises(ValueError, match="'optimum' parameter"):
        TSP.from_tsplib(example_path("burma14.tsp"), optimum="best")
    assert "burma14" in repr(none)


def test_distances_read_only_and_validation():
    tsp = TSP([[0, 1, 2], [1, 0, 3], [2, 3, 0]], name="t", optimum=6)
    with pytest.raises(ValueError):
        tsp.distances[0, 1] = 5
    with pytest.raises(ValueError, match=r"symmetric .*use ATSP"):
        TSP([[0, 1, 2], [2, 0, 3], [2, 3, 0]])
    with pytest.raises(ValueError, match="'distances' parameter of ATSP"):
        ATSP([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="non-negative"):
        TSP([[0, -1, 2], [-1, 0, 3], [2, 3, 0]])
    with pytest.raises(ValueError, match="'optimum' parameter"):
        TSP(np.ones((3, 3)), optimum=math.nan)
    with pytest.raises(ValueError, match=r"permutations of 0\.\.2"):
        tsp(np.array([[0, 1, 1]]))
    with pytest.raises(ValueError, match="3 columns"):
        tsp(np.array([[0, 1]]))
    with pytest.raises(ValueError, match="integers"):
        tsp(np.array([[0.5, 1, 2]]))
    with pytest.raises(ValueError, match="'max_moves' parameter"):
        tsp.polish([0, 1, 2], max_moves=-1)
    with pytest.raises(TypeError, match="'polish' parameter"):
        tsp.solve(polish=1)
    # float tours with integral values are accepted
    assert tsp(np.array([[0.0, 1.0, 2.0]]))[0] == 6


# -- CE on instances with a known optimum -----------------------------------


def test_ce_finds_the_polygon_on_a_circle():
    D, optimum = _circle(12)
    tsp = TSP(D, optimum=optimum)
    exact = 0
    for seed in range(5):
        res = ce.minimize(
            tsp,
            tsp.default_family(),
            vectorized=True,
            rng=seed,
            **tsp.default_options(),
        )
        assert res.fun >= optimum - 1e-9
        exact += res.fun <= optimum + 1e-9
    assert exact >= 4


def test_ce_solves_a_random_atsp_checked_by_brute_force():
    rng = np.random.default_rng(3)
    D = _random_matrix(rng, 9, symmetric=False)
    brute = brute_force(D)
    atsp = ATSP(D)
    found = [atsp.solve(rng=seed, polish=False).length for seed in range(5)]
    assert min(found) >= brute
    assert sum(f == brute for f in found) >= 4


def test_ce_pure_on_burma14_is_near_optimal():
    tsp = TSP.from_tsplib(example_path("burma14.tsp"))
    errors = [tsp.solve(rng=s, polish=False).relative_error for s in range(3)]
    assert min(errors) >= 0
    assert np.mean(errors) <= 0.02


def test_solve_with_polish_reaches_the_optimum_of_br17():
    atsp = ATSP.from_tsplib(example_path("br17.atsp"))
    sol = atsp.solve(rng=1)
    assert isinstance(sol, TSPSolution) and sol.polished
    assert sol.length == 39 and sol.relative_error == 0.0
    assert atsp.tour_length(sol.tour) == sol.length
    assert sol.result.fun >= sol.length  # the polish never makes it worse


def test_solve_same_seed_same_answer():
    tsp = TSP.from_tsplib(example_path("ulysses16.tsp"))
    a = tsp.solve(rng=5, maxiter=5)
    b = tsp.solve(rng=5, maxiter=5)
    np.testing.assert_array_equal(a.tour, b.tour)
    assert a.result.nfev == b.result.nfev == 5 * a.result.history[0].n_samples


# -- local search ------------------------------------------------------------


def _two_opt_improvable(D, t):
    n = len(t)
    base = reference_length(D, t)
    for i in range(n - 1):
        for j in range(i + 2, n):
            u = list(t)
            u[i + 1 : j + 1] = u[i + 1 : j + 1][::-1]
            if reference_length(D, u) < base - 1e-9:
                return True
    return False


def _or_opt_improvable(D, t):
    n = len(t)
    base = reference_length(D, t)
    for shift in range(n):
        r = list(np.roll(t, -shift))
        for L in (1, 2, 3):
            seg, rest = r[:L], r[L:]
            for k in range(len(rest) - 1):  # insert between rest[k], rest[k+1]
                for s in (seg, seg[::-1]):
                    u = rest[: k + 1] + s + rest[k + 1 :]
                    if reference_length(D, u) < base - 1e-9:
                        return True
    return False


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(4, 11),
    symmetric=st.booleans(),
    integer=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
# An ATSP whose only improving 2-opt move reverses the whole tour (once left out).
@example(n=4, symmetric=False, integer=False, seed=493472)
def test_polish_never_longer_and_locally_optimal(n, symmetric, integer, seed):
    rng = np.random.default_rng(seed)
    D = _random_matrix(rng, n, symmetric, integer)
    problem = (TSP if symmetric else ATSP)(D)
    tour = rng.permutation(n)
    polished, length = problem.polish(tour)
    assert sorted(polished) == list(range(n))
    assert length == pytest.approx(reference_length(D, polished), rel=1e-12)
    assert length <= reference_length(D, tour) + 1e-9
    assert not _two_opt_improvable(D, polished)
    assert not _or_opt_improvable(D, polished)


def test_polish_max_moves_and_large_instance():
    tsp = TSP.from_tsplib(TEST_DATA / "kroA100.tsp")
    tour = np.random.default_rng(0).permutation(100)
    _, ell = tsp.polish(tour, max_moves=1)
    assert ell < tsp.tour_length(tour)
    full, ell_full = tsp.polish(tour)
    assert ell_full < ell
    assert ell_full <= 1.08 * tsp.optimum  # 2-opt + Or-opt from a random tour
    assert not _two_opt_improvable(tsp.distances, full)


def test_polish_result_never_worse_than_ce():
    tsp = TSP.from_tsplib(example_path("berlin52.tsp"))
    res = ce.minimize(tsp, tsp.default_family(), vectorized=True, rng=0, maxiter=3)
    tour, length = tsp.polish_result(res, n_polish=2, rng=0)
    assert length <= res.fun and tsp.tour_length(tour) == length
    assert not _two_opt_improvable(tsp.distances, tour)
    again = tsp.polish_result(res, n_polish=2, rng=0)
    np.testing.assert_array_equal(again[0], tour)
    with pytest.raises(ValueError, match="'n_polish' parameter"):
        tsp.polish_result(res, n_polish=-1)
