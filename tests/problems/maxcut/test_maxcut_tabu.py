"""Sparse max-cut, incremental one-flip gains and the tabu search / memetic CE,
against brute force and recomputation from the edge list."""

import itertools
import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from cemethod.problems import MaxCut
from cemethod.problems.maxcut._tabu import flip_all, gains


def _random_graph(rng, n, density=0.5, signed=True):
    """A dense symmetric integer weight matrix (the reference for both paths)."""
    low = -3 if signed else 1
    w = rng.integers(low, 4, size=(n, n)) * (rng.random((n, n)) < density)
    w = np.triu(w, 1)
    return (w + w.T).astype(float)


def _cut_by_edges(W, x):
    """Sum over the pairs i < j on different sides: the definition."""
    n = len(W)
    return sum(W[i][j] for i in range(n) for j in range(i + 1, n) if x[i] != x[j])


def _brute_force_max(W):
    n = len(W)
    return max(
        _cut_by_edges(W, (0, *bits)) for bits in itertools.product((0, 1), repeat=n - 1)
    )


@pytest.mark.parametrize("seed", range(4))
def test_sparse_cut_values_equal_the_definition_and_the_dense_path(seed):
    rng = np.random.default_rng(seed)
    W = _random_graph(rng, 9)
    dense, sparse = MaxCut(W), MaxCut(sp.csr_matrix(W))
    assert sparse.is_sparse and not dense.is_sparse
    X = np.array(list(itertools.product((0, 1), repeat=9)))
    reference = np.array([_cut_by_edges(W, x) for x in X])
    np.testing.assert_array_equal(sparse(X), reference)
    np.testing.assert_array_equal(dense(X), reference)
    assert [sparse.evaluate_one(x) for x in X[::37]] == list(reference[::37])
    assert sparse.total_weight == dense.total_weight == np.triu(W, 1).sum()
    assert sparse.n_edges == dense.n_edges == np.count_nonzero(np.triu(W, 1))
    assert reference.max() == _brute_force_max(W)


def test_sparse_constructors_checks_and_local_search_agree_with_dense():
    rng = np.random.default_rng(5)
    W = _random_graph(rng, 30, density=0.2)
    i, j = np.nonzero(np.triu(W, 1))
    rows = [(a, b, W[a, b]) for a, b in zip(i, j, strict=True)]
    p = MaxCut.from_edge_list(rows, n_nodes=30, sparse=True)
    assert p.is_sparse
    np.testing.assert_array_equal(p.weights.toarray(), W)
    X = rng.integers(0, 2, size=(6, 30))
    x_dense, v_dense = MaxCut(W).local_search(X)
    x_sparse, v_sparse = p.local_search(X)
    np.testing.assert_array_equal(x_sparse, x_dense)
    np.testing.assert_array_equal(v_sparse, v_dense)
    loops = sp.csr_matrix(W + np.eye(30))  # the diagonal is dropped
    np.testing.assert_array_equal(MaxCut(loops).weights.toarray(), W)
    with pytest.raises(ValueError, match=r"'weights'.*symmetric"):
        MaxCut(sp.csr_matrix(np.triu(W, 1)))
    bad = sp.csr_matrix(W)
    bad.data[0] = np.inf
    with pytest.raises(ValueError, match=r"'weights'.*finite"):
        MaxCut(bad)
    with pytest.raises(ValueError, match=r"'weights'.*square"):
        MaxCut(sp.csr_matrix(np.ones((2, 3))))
    with pytest.raises(ValueError, match=r"'sparse'.*bool"):
        MaxCut.from_edge_list([(0, 1)], sparse="yes")


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 12),
    seed=st.integers(0, 2**32 - 1),
    flips=st.lists(st.integers(0, 11), max_size=40),
)
def test_incremental_gains_equal_recomputed_gains_after_random_flips(n, seed, flips):
    rng = np.random.default_rng(seed)
    W = _random_graph(rng, n)
    p = MaxCut(sp.csr_matrix(W))
    x0 = rng.integers(0, 2, size=n)
    x, g = flip_all(p.adjacency, x0, [f % n for f in flips])
    expected_x = x0.copy()
    for f in flips:
        expected_x[f % n] ^= 1
    np.testing.assert_array_equal(x, expected_x)
    base = _cut_by_edges(W, x)
    for i in range(n):
        y = x.copy()
        y[i] ^= 1
        assert g[i] == _cut_by_edges(W, y) - base  # integers: exact
    np.testing.assert_array_equal(g, gains(p.adjacency, x))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 40), seed=st.integers(0, 2**32 - 1), steps=st.integers(0, 200))
def test_tabu_search_is_never_worse_than_its_start(n, seed, steps):
    rng = np.random.default_rng(seed)
    W = _random_graph(rng, n, density=0.3)
    p = MaxCut(sp.csr_matrix(W))
    x0 = rng.integers(0, 2, size=n)
    x, value = p.tabu_search(x0, max_steps=steps, rng=seed)
    assert value >= _cut_by_edges(W, x0)
    assert value == _cut_by_edges(W, x)  # the value is the cut of x


@pytest.mark.parametrize("seed", range(5))
def test_tabu_search_finds_the_brute_force_maximum_of_small_signed_graphs(seed):
    rng = np.random.default_rng(100 + seed)
    W = _random_graph(rng, 12)
    _, value = MaxCut(W).tabu_search(np.zeros(12, dtype=int), rng=seed)
    assert value == _brute_force_max(W)


def _bipartite(rng, n, density):
    """Random positive weights between two random halves only: the maximum cut
    is every edge (total weight), attained by the bipartition."""
    side = rng.integers(0, 2, size=n)
    mask = (side[:, None] != side[None, :]) & (rng.random((n, n)) < density)
    w = np.triu(rng.integers(1, 5, size=(n, n)) * mask, 1)
    return sp.csr_matrix((w + w.T).astype(float))


@pytest.mark.parametrize("seed", range(3))
def test_memetic_solve_cuts_every_edge_of_sparse_bipartite_graphs(seed):
    rng = np.random.default_rng(seed)
    W = _bipartite(rng, 300, 0.02)
    p = MaxCut(W)
    res = p.solve(polish="tabu", rng=seed, maxiter=10)
    assert res.fun == p.total_weight == W.sum() / 2
    x = np.asarray(res.x)
    edges, _ = p.edges()
    assert np.all(x[edges[:, 0]] != x[edges[:, 1]])  # every edge crosses
    assert res.fun == p(x[None, :])[0]


def test_memetic_solve_reaches_the_synthetic_optimum_and_a_brute_force_one():
    p = MaxCut.synthetic(60, 30, rng=0)
    assert p.solve(polish="tabu", rng=1, maxiter=5).fun == p.optimum == 900.0
    W = _random_graph(np.random.default_rng(7), 14)
    assert MaxCut(W).solve(polish="tabu", rng=0, maxiter=5).fun == _brute_force_max(W)


def test_twenty_thousand_nodes_never_make_a_dense_matrix():
    n = 20_000
    ring = np.arange(n)
    W = sp.csr_matrix((np.ones(n), (ring, (ring + 1) % n)), shape=(n, n))
    tracemalloc.start()
    try:
        p = MaxCut(W + W.T)
        x = np.zeros(n, dtype=int)
        values = p(np.vstack([x, ring % 2]))
        best, value = p.tabu_search(x, max_steps=2 * n, rng=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert values.tolist() == [0.0, n]  # even ring: alternating sides cut all
    assert value == p(best[None, :])[0] > 0
    assert peak < 50e6  # a dense 20000 x 20000 float matrix is 3.2 GB


def test_tabu_validation():
    p = MaxCut([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match=r"'x' parameter of MaxCut.tabu_search"):
        p.tabu_search([0, 2])
    with pytest.raises(ValueError, match=r"'max_steps'.*>= 0"):
        p.tabu_search([0, 1], max_steps=-1)
    with pytest.raises(ValueError, match=r"'polish_elite' parameter of MaxCut.solve"):
        p.solve(polish="tabu", polish_elite=0)
    with pytest.raises(TypeError, match="'polish'"):
        p.solve(polish="tab")
