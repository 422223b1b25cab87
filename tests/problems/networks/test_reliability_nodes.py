"""Node failures: enumeration against a networkx brute force over the link and
node patterns, splitting and crude Monte Carlo against it, and the refusals."""

import itertools
import warnings

import networkx as nx
import numpy as np
import pytest

from cemethod.problems import NetworkReliability


def brute_force(graph, terminals, q, node_q):
    """Sum of P(pattern) over the link and node patterns that leave a terminal
    apart or failed (networkx components; independent of the code under test)."""
    edges, nodes = list(graph.edges()), list(graph)
    total = 0.0
    for failed in itertools.product([0, 1], repeat=len(edges) + len(nodes)):
        node_down = dict(zip(nodes, failed[len(edges) :], strict=True))
        h = nx.Graph()
        h.add_nodes_from(v for v in nodes if not node_down[v])
        h.add_edges_from(
            (a, b)
            for (a, b), f in zip(edges, failed[: len(edges)], strict=True)
            if not f and not node_down[a] and not node_down[b]
        )
        down = any(node_down[t] for t in terminals) or any(
            not nx.has_path(h, terminals[0], t) for t in terminals[1:]
        )
        if down:
            p = np.r_[q, node_q]
            total += np.prod(np.where(np.array(failed) == 1, p, 1 - p))
    return total


BRIDGE = nx.Graph([(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)])
CASES = [
    ("bridge, two terminals", BRIDGE, [0, 3], 0.1, [0.05, 0.2, 0.3, 0.1]),
    ("bridge, perfect terminals", BRIDGE, [0, 3], 0.2, [0.0, 0.3, 0.3, 0.0]),
    ("cycle, three terminals", nx.cycle_graph(6), [0, 2, 4], 0.1, [0.1] * 6),
    ("K4 all-terminal", nx.complete_graph(4), [0, 1, 2, 3], 0.3, [0.05] * 4),
    (
        "dead and perfect nodes",
        nx.Graph([(0, 1), (1, 3), (0, 2), (2, 3), (1, 2), (0, 4), (4, 3)]),
        [0, 3],
        0.25,
        [0.0, 1.0, 0.2, 0.0, 0.5],
    ),
]
IDS = [c[0] for c in CASES]


def build(graph, terminals, q, node_q):
    if len(terminals) == 2:
        return NetworkReliability(graph, *terminals, q=q, node_q=node_q)
    if len(terminals) == graph.number_of_nodes():
        return NetworkReliability(graph, q=q, node_q=node_q)
    return NetworkReliability(graph, q=q, terminals=terminals, node_q=node_q)


@pytest.mark.parametrize("name, graph, terminals, q, node_q", CASES, ids=IDS)
def test_exact_enumerates_links_and_nodes(name, graph, terminals, q, node_q):
    rel = build(graph, terminals, q, node_q)
    q_links = np.full(graph.number_of_edges(), q)
    reference = brute_force(graph, terminals, q_links, np.array(node_q))
    assert rel.exact() == pytest.approx(reference, rel=1e-12)
    assert rel.exact_cost().states == 2**rel.n_components


@pytest.mark.parametrize("name, graph, terminals, q, node_q", CASES, ids=IDS)
def test_splitting_and_crude_agree_with_the_enumeration(
    name, graph, terminals, q, node_q
):
    rel = build(graph, terminals, q, node_q)
    exact = rel.exact()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = rel.estimate(1000, n_final=3000, rng=4)
    assert res.method == "splitting"
    assert "method='auto' ran splitting (node failures)" in res.message
    assert abs(res.estimate - exact) < 4 * res.std_error
    crude = rel.crude_monte_carlo(40_000, rng=5)
    assert abs(crude.estimate - exact) < 4 * crude.std_error


def test_rare_failure_with_unreliable_nodes():
    # the dodecahedron at link q = 1e-3 and node q = 1e-4 (perfect terminals):
    # every node next to a terminal is a cut of one node with its 2 other links
    g = nx.dodecahedral_graph()
    node_q = {v: 1e-4 for v in g if v not in (0, 15)}
    rel = NetworkReliability(g, 0, 15, q=1e-3, node_q=node_q)
    res = rel.estimate(2000, n_final=4000, rng=0)
    # the leading terms: 3 neighbours of each terminal, each failing alone, take
    # the terminal down only with its 2 other links: 2 * 3 * 1e-4 * 1e-6
    # ... plus the link cuts of 3 links: 2 * 1e-9; below 1% from the others
    leading = 2 * 3 * 1e-4 * (1e-3) ** 2 + 2 * (1e-3) ** 3
    assert res.estimate == pytest.approx(leading, rel=0.25)
    assert res.relative_error < 0.2


def test_splitting_with_nodes_on_a_grid_against_crude_monte_carlo():
    rel = NetworkReliability(
        nx.grid_2d_graph(6, 6), (0, 0), (5, 5), q=0.05, node_q=0.02
    )
    split = rel.estimate(1000, n_final=4000, rng=1)
    crude = rel.crude_monte_carlo(200_000, rng=2)
    assert abs(split.estimate - crude.estimate) < 4 * np.hypot(
        split.std_error, crude.std_error
    )
    assert split.relative_error < 0.1


def test_score_folds_node_failures_into_links():
    rel = NetworkReliability(BRIDGE, 0, 3, q=0.1, node_q=0.1)
    assert rel.n_components == 9
    links_up = [0] * 5
    patterns = [
        [*links_up, 0, 0, 0, 0],  # all up
        [*links_up, 1, 0, 0, 0],  # a terminal failed
        [*links_up, 0, 1, 0, 0],  # node 1 failed: 0-2-3 still joins
        [*links_up, 0, 1, 1, 0],  # both middle nodes failed
        [0, 1, 0, 0, 1, 0, 1, 0, 0],  # node 1 and links 0-2, 2-3 failed
    ]
    np.testing.assert_array_equal(rel.score(patterns), [0, 1, 0, 1, 1])
    family = rel.default_family()
    assert family.sample(5, rng=0).shape == (5, 9)


def test_perfect_nodes_are_no_node_failures():
    rel = NetworkReliability(BRIDGE, 0, 3, q=0.1, node_q=0.0)
    assert rel.node_q is None and rel.n_components == 5
    assert rel.estimate(rng=0).method == "cross-entropy"


def test_a_dead_terminal_is_a_failed_network():
    rel = NetworkReliability(BRIDGE, 0, 3, q=0.1, node_q={3: 1.0})
    res = rel.estimate(rng=0)
    assert (res.estimate, res.n_evaluations) == (1.0, 0)
    assert rel.exact() == pytest.approx(1.0, rel=1e-15)


def test_node_failure_validation():
    g = nx.cycle_graph(4)
    with pytest.raises(ValueError, match="'node_q' parameter of NetworkReliability"):
        NetworkReliability(g, 0, 2, q=0.1, node_q=[0.1, 0.2])
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        NetworkReliability(g, 0, 2, q=0.1, node_q=[0.1, 0.2, 1.5, 0.0])
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        NetworkReliability(g, 0, 2, q=0.1, node_q={1: "high"})
    with pytest.raises(ValueError, match="a node of the graph"):
        NetworkReliability(g, 0, 2, q=0.1, node_q={9: 0.1})
    rel = NetworkReliability(g, 0, 2, q=0.1, node_q={1: 0.1})
    for method in ("cross-entropy", "turnip", "permutation"):
        with pytest.raises(ValueError, match="node failures"):
            rel.estimate(method=method)
    with pytest.raises(ValueError, match="link failures only"):
        rel.cut_start()
    with pytest.raises(ValueError, match="link failures only"):
        rel.connection_time(np.ones(4))
    big = NetworkReliability(nx.grid_2d_graph(4, 4), (0, 0), (3, 3), 0.1, node_q=0.1)
    with pytest.raises(ValueError, match="node failures are enumerated"):
        big.exact()
