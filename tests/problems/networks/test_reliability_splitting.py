"""Generalized splitting (Botev et al. 2013): the Gibbs kernel against exact
conditional probabilities, unbiasedness with fixed levels, estimates and
coverage against the exact unreliability."""

import itertools
import math
import warnings

import networkx as nx
import numpy as np
import pytest

from cemethod.problems import NetworkReliability
from cemethod.problems.networks import _splitting_numba as kernel
from cemethod.problems.networks._splitting import _kernel_graph

BRIDGE = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]


def graph_of(rel, node_q=None):
    answer, graph = _kernel_graph(rel.network, rel._terminal_nodes(), node_q)
    assert answer is None
    return graph


def conditional_up_probabilities(rel, gamma, node_q=None):
    """P(component up at gamma | terminals apart at gamma) for every link (then
    every node), by enumerating the up/down patterns with networkx components
    (independent of the kernel). A link is usable when it and its ends are up."""
    edges = rel.network.edges.tolist()
    n, m = rel.network.n_nodes, len(edges)
    q = rel.q if node_q is None else np.concatenate([rel.q, node_q])
    up = 1.0 - q**gamma  # P(Exp(-log q) <= gamma)
    total, per_component = 0.0, np.zeros(q.size)
    for pattern in itertools.product([0, 1], repeat=q.size):
        node_up = [True] * n if node_q is None else pattern[m:]
        h = nx.Graph()
        h.add_nodes_from(range(n))
        h.add_edges_from(
            (a, b)
            for (a, b), u in zip(edges, pattern[:m], strict=True)
            if u and node_up[a] and node_up[b]
        )
        if not (node_up[0] and node_up[3] and nx.has_path(h, 0, 3)):
            prob = np.prod(np.where(np.array(pattern) == 1, up, 1.0 - up))
            total += prob
            per_component += prob * np.array(pattern)
    return per_component / total


@pytest.mark.parametrize("with_nodes", [False, True])
def test_gibbs_sweeps_sample_the_conditional_law(with_nodes):
    rel = NetworkReliability(BRIDGE, 0, 3, q=np.array([0.1, 0.2, 0.3, 0.15, 0.25]))
    node_q = np.array([0.05, 0.3, 0.2, 0.1]) if with_nodes else None
    graph = graph_of(rel, node_q)
    gamma = 0.6
    # start every chain inside {S > gamma}: everything born late
    Y = np.full((10_000, graph[1].size), 5.0)
    for seed in range(30):  # burn-in
        kernel.gibbs_sweeps(graph, Y, gamma, 2, with_nodes, 1, seed)
    frequencies = []
    for seed in range(30, 50):
        kernel.gibbs_sweeps(graph, Y, gamma, 2, with_nodes, 1, seed)
        times = kernel.connection_times(graph, Y, 2, with_nodes)
        assert np.all(times > gamma)  # the chain never leaves the event
        frequencies.append((gamma >= Y).mean(axis=0))
    expected = conditional_up_probabilities(rel, gamma, node_q)
    np.testing.assert_allclose(np.mean(frequencies, axis=0), expected, atol=0.008)


def test_connection_times_agree_with_the_minimax_paths():
    rel = NetworkReliability(nx.petersen_graph(), 0, 7, q=0.05)
    graph = graph_of(rel)
    Y = np.random.default_rng(0).exponential(1.0, size=(200, rel.n_edges))
    times = kernel.connection_times(graph, Y, 2, False)
    np.testing.assert_array_equal(times, rel.connection_time(Y))


def test_fixed_levels_give_an_unbiased_estimate():
    # Unbiased for any fixed levels (Botev & Kroese 2012, Thm. 1), even poor ones.
    rel = NetworkReliability(BRIDGE, 0, 3, q=0.1)
    graph = graph_of(rel)
    for levels, split in (([0.2, 0.5, 0.7, 1.0], 2), ([0.4, 1.0], 3)):
        seeds = np.arange(1, 40_001, dtype=np.uint64)
        counts, _, cut_short = kernel.splitting_counts(
            graph, np.array(levels), split, 2, False, seeds, 10_000
        )
        assert not cut_short.any()
        z = counts / split ** (len(levels) - 1)
        se = z.std(ddof=1) / math.sqrt(z.size)
        assert abs(z.mean() - rel.exact()) < 4 * se, levels


CASES = {
    "bridge q=0.1": lambda: NetworkReliability(BRIDGE, 0, 3, 0.1),
    "dodecahedron q=1e-3": lambda: NetworkReliability(
        nx.dodecahedral_graph(), 0, 15, 1e-3
    ),
    "K8 q=1e-3": lambda: NetworkReliability(nx.complete_graph(8), 0, 1, 1e-3),
    "K7 all-terminal q=1e-2": lambda: NetworkReliability(nx.complete_graph(7), q=1e-2),
    "grid 5x5 inner q=0.2": lambda: NetworkReliability(
        nx.grid_2d_graph(5, 5), (1, 1), (3, 2), 0.2
    ),
    "petersen unequal q": lambda: NetworkReliability(
        nx.petersen_graph(), q=np.linspace(0.01, 0.2, 15)
    ),
    "parallel, perfect and dead links": lambda: NetworkReliability(
        [(0, 1, 0.1), (0, 1, 0.2), (1, 2, 0.0), (2, 3, 0.3), (1, 3, 1.0), (0, 3, 0.5)],
        0,
        3,
    ),
    "three terminals": lambda: NetworkReliability(
        nx.circulant_graph(8, [1, 3]), q=0.05, terminals=[0, 3, 5]
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_splitting_estimates_the_exact_unreliability(name):
    rel = CASES[name]()
    exact = rel.exact()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # enough runs in the event: no warning
        res = rel.estimate(1000, method="splitting", n_final=4000, rng=3)
    assert res.method == "splitting" and res.levels[-1] == 1.0
    assert list(res.levels) == sorted(res.levels)
    assert abs(res.estimate - exact) < 4 * res.std_error
    assert res.relative_error < 0.15
    assert res.confidence_interval.low <= exact <= res.confidence_interval.high


def test_splitting_is_reproducible():
    rel = CASES["dodecahedron q=1e-3"]()
    a = rel.estimate(500, method="splitting", rng=7)
    b = rel.estimate(500, method="splitting", rng=np.random.default_rng(7))
    assert (a.estimate, a.std_error, a.levels) == (b.estimate, b.std_error, b.levels)


def coverage(n_seeds):
    rel = NetworkReliability(nx.complete_graph(6), 0, 1, 0.01)
    exact = rel.exact()
    inside = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for seed in range(n_seeds):  # 1000 runs (300: coverage 0.89, 41% flagged)
            res = rel.estimate(1000, method="splitting", n_final=1000, rng=seed)
            ci = res.confidence_interval
            inside.append(ci.low <= exact <= ci.high)
    return np.mean(inside)


@pytest.mark.slow
def test_interval_coverage_over_seeds():
    assert 0.9 <= coverage(200) <= 0.99


def test_interval_coverage_fast_subset():
    assert coverage(40) >= 0.825  # P(fail) < 1% at a true coverage of 0.95


def test_too_few_runs_in_the_event_warn():
    rel = NetworkReliability(nx.complete_graph(8), 0, 1, 1e-4)
    with pytest.warns(RuntimeWarning, match="Too few runs carry the estimate"):
        res = rel.estimate(200, method="splitting", n_final=20, rng=0)
    assert res.degenerate_weights
    assert "splitting runs" in res.message
