"""k-terminal unreliability: every estimator and the enumeration against a
networkx brute force over all failure patterns."""

import itertools
import warnings

import networkx as nx
import numpy as np
import pytest

from cemethod.problems import NetworkReliability


def brute_force(graph, terminals, q):
    """Sum of P(pattern) over the patterns whose working links leave a terminal
    apart, with networkx components (independent of the code under test)."""
    edges = list(graph.edges())
    total = 0.0
    for failed in itertools.product([0, 1], repeat=len(edges)):
        h = nx.Graph()
        h.add_nodes_from(graph)
        h.add_edges_from(e for e, f in zip(edges, failed, strict=True) if not f)
        component = nx.node_connected_component(h, terminals[0])
        if any(t not in component for t in terminals[1:]):
            prob = np.prod(
                [qe if f else 1 - qe for qe, f in zip(q, failed, strict=True)]
            )
            total += prob
    return total


CASES = [
    ("petersen-like 12 links", nx.circulant_graph(8, [1, 3]), [0, 3, 5]),
    (
        "bridge with a tail",
        nx.Graph([(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (3, 4)]),
        [0, 3, 4],
    ),
    (
        "grid 3x4",
        nx.convert_node_labels_to_integers(nx.grid_2d_graph(3, 4)),
        [0, 5, 11, 6],
    ),
]


@pytest.mark.parametrize("name, graph, terminals", CASES, ids=[c[0] for c in CASES])
def test_k_terminal_exact_and_estimates(name, graph, terminals):
    q = np.linspace(0.02, 0.2, graph.number_of_edges())
    rel = NetworkReliability(graph, q=q, terminals=terminals)
    reference = brute_force(graph, terminals, q)
    assert rel.exact() == pytest.approx(reference, rel=1e-12)
    assert rel.terminals == tuple(terminals)
    for method in ("cross-entropy", "turnip"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            res = rel.estimate(1000, n_final=20_000, rng=5, method=method)
        assert abs(res.estimate - reference) < 4 * res.std_error, method
        assert res.relative_error < 0.1


def test_two_terminals_and_all_nodes_are_the_old_notions():
    g = nx.dodecahedral_graph()
    two = NetworkReliability(g, q=1e-2, terminals=[0, 15])
    assert (two.source, two.target) == (0, 15)
    assert two.exact() == NetworkReliability(g, 0, 15, q=1e-2).exact()
    every = NetworkReliability(g, q=1e-2, terminals=list(g))
    assert every.exact() == pytest.approx(
        NetworkReliability(g, q=1e-2).exact(), rel=1e-9
    )


def test_rare_k_terminal_event():
    # three terminals on the dodecahedron at q = 1e-4: the three terminal stars
    g = nx.dodecahedral_graph()
    rel = NetworkReliability(g, q=1e-4, terminals=[0, 7, 15])
    est = rel.estimate(rng=1)
    turnip = rel.estimate(rng=2, method="turnip", n_final=40_000)
    assert est.relative_error < 0.05 and turnip.relative_error < 0.1
    assert abs(est.estimate - turnip.estimate) < 4 * np.hypot(
        est.std_error, turnip.std_error
    )
    assert est.estimate == pytest.approx(3e-12, rel=0.1)  # three stars of 3 links


def test_k_terminal_validation():
    g = [(0, 1), (1, 2), (2, 3)]
    with pytest.raises(ValueError, match="'terminals' parameter of NetworkReliability"):
        NetworkReliability(g, 0, 3, 0.1, terminals=[0, 1, 2])
    with pytest.raises(ValueError, match="at least 2 distinct"):
        NetworkReliability(g, q=0.1, terminals=[1, 1])
    with pytest.raises(ValueError, match="a node of the graph"):
        NetworkReliability(g, q=0.1, terminals=[0, 9])
    with pytest.raises(ValueError, match="sequence"):
        NetworkReliability(g, q=0.1, terminals="01")
    big = NetworkReliability(
        nx.grid_2d_graph(5, 5), q=0.1, terminals=[(0, 0), (2, 2), (4, 4)]
    )
    with pytest.raises(ValueError, match="k-terminal sets are enumerated"):
        big.exact()


def test_exact_cost_says_before_exact_runs():
    grid = NetworkReliability(nx.grid_2d_graph(11, 11), (0, 0), (10, 10), q=1e-3)
    cost = grid.exact_cost()
    assert cost.method == "frontier" and cost.states > 25_000_000
    with pytest.raises(ValueError, match="max_states"):
        grid.exact()  # refused, as the cost said
    small = NetworkReliability(nx.grid_2d_graph(4, 4), (0, 0), (3, 3), q=1e-3)
    assert small.exact_cost().states <= 25_000_000
    three = NetworkReliability(nx.cycle_graph(6), q=0.1, terminals=[0, 2, 4])
    assert (three.exact_cost().method, three.exact_cost().states) == ("enumeration", 64)
