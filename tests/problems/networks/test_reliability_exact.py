"""Graph input and exact network unreliability.

References from outside the code under test: published dodecahedron values,
closed forms (series, parallel, bridge, cycle) and a pure-Python brute force
over all edge states with a union-find.
"""

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cemethod.problems import (
    Network,
    NetworkReliability,
    as_network,
    exact_unreliability,
)


def _dodecahedron_terminals():
    g = nx.dodecahedral_graph()
    dist = dict(nx.all_pairs_shortest_path_length(g))
    s, t = next((a, b) for a in g for b in g if dist[a][b] == 5)
    return g, s, t


def _brute(n, edges, q, s=None, t=None):
    """Sum of P(state) over disconnected states, union-find per state."""
    total = 0.0
    for state in itertools.product((0, 1), repeat=len(edges)):  # 1 = failed
        parent = list(range(n))

        def find(a, parent=parent):
            while parent[a] != a:
                a = parent[a]
            return a

        prob = 1.0
        for (u, v), x, qe in zip(edges, state, q, strict=True):
            prob *= qe if x else 1 - qe
            if not x:
                parent[find(u)] = find(v)
        roots = {find(v) for v in range(n)} if s is None else {find(s), find(t)}
        if len(roots) > 1:
            total += prob
    return total


# -- graph input ---------------------------------------------------------------


def test_networkx_labels_are_mapped():
    g = nx.Graph()
    g.add_edge("a", "b", q=0.1)
    g.add_edge("b", "c", q=0.2)
    net = as_network(g, "q")
    assert isinstance(net, Network)
    assert net.labels == ("a", "b", "c")
    assert net.edges.tolist() == [[0, 1], [1, 2]]
    assert net.q.tolist() == [0.1, 0.2]
    assert net.node_index("c", func="f", param="source") == 2


def test_edge_list_forms_agree():
    a = as_network([(0, 1, 0.1), (1, 2, 0.2)])
    b = as_network([(0, 1), (1, 2)], [0.1, 0.2])
    c = as_network(np.array([[0, 0.1, 0], [0.1, 0, 0.2], [0, 0.2, 0]]))
    d = as_network(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]), [0.1, 0.2])
    for net in (b, c, d):
        assert net.n_nodes == 3
        np.testing.assert_array_equal(net.edges, a.edges)
        np.testing.assert_array_equal(net.q, a.q)
    assert as_network([(0, 1)], 0.5, n_nodes=4).n_nodes == 4
    assert as_network([("x", "y")], 0.5).labels == ("x", "y")


@pytest.mark.parametrize(
    ("graph", "q", "match"),
    [
        ([(0, 1)], None, "'q'"),
        ([(0, 1)], [0.1, 0.2], "'q'"),
        ([(0, 1)], 1.5, "'q'"),
        ([(0, 1, 0.1)], 0.1, "'q'"),
        (np.array([[0, 0.2], [0.3, 0]]), None, "symmetric"),
        ([], 0.1, "'graph'"),
        (nx.DiGraph([(0, 1)]), 0.1, "undirected"),
        ([(0, -1)], 0.1, "'graph'"),
    ],
)
def test_bad_input_is_named(graph, q, match):
    with pytest.raises(ValueError, match=match):
        as_network(graph, q)


def test_wrong_type_and_unknown_terminal():
    with pytest.raises(TypeError, match="'graph'"):
        as_network("not a graph", 0.1)
    with pytest.raises(ValueError, match="'source'"):
        exact_unreliability([(0, 1)], 0.1, source=7, target=1)
    with pytest.raises(ValueError, match="'target'"):
        exact_unreliability([(0, 1)], 0.1, source=0)
    with pytest.raises(ValueError, match="'method'"):
        exact_unreliability([(0, 1)], 0.1, source=0, target=1, method="magic")


# -- exact values -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "published"),
    [
        (0.1, 2.8796013e-3),
        (0.01, 2.0618911e-6),
        (1e-3, 2.0060181e-9),
        (1e-4, 2.0006002e-12),
    ],
)
def test_dodecahedron_two_terminal(q, published):
    g, s, t = _dodecahedron_terminals()
    value = exact_unreliability(g, q, source=s, target=t)
    # Published to 8 digits; the sum of disconnection probabilities keeps
    # relative precision at tiny q (1 - reliability would not).
    assert value == pytest.approx(published, rel=5e-8)


@pytest.mark.parametrize("q", [0.05, 0.3])
def test_closed_forms(q):
    p = 1 - q
    series = [(0, 1), (1, 2), (2, 3)]
    assert exact_unreliability(series, q, source=0, target=3) == pytest.approx(1 - p**3)
    parallel = [(0, 1)] * 4
    assert exact_unreliability(parallel, q, source=0, target=1) == pytest.approx(q**4)
    bridge = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]
    rel = 2 * p**2 + 2 * p**3 - 5 * p**4 + 2 * p**5
    for method in ("enumeration", "frontier"):
        value = exact_unreliability(bridge, q, source=0, target=3, method=method)
        assert value == pytest.approx(1 - rel)
    cycle = [(i, (i + 1) % 6) for i in range(6)]  # all-terminal: <= 1 failure
    assert exact_unreliability(cycle, q) == pytest.approx(1 - p**6 - 6 * q * p**5)


def test_trivial_cases():
    assert exact_unreliability([(0, 1)], 0.3, source=0, target=0) == 0.0
    # An isolated node: the graph is always disconnected.
    assert exact_unreliability(as_network([(0, 1)], 0.1, n_nodes=3)) == 1.0
    assert exact_unreliability([(0, 1, 0.0), (1, 2, 1.0)], source=0, target=2) == 1
    assert exact_unreliability([(0, 1, 0.0), (1, 2, 0.0)], source=0, target=2) == 0
    assert exact_unreliability([(0, 0), (0, 1)], 0.25, source=0, target=1) == 0.25


@st.composite
def _small_graphs(draw, max_edges):
    n = draw(st.integers(2, 6))
    m = draw(st.integers(1, max_edges))
    ends = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = draw(st.lists(ends, min_size=m, max_size=m))
    q = draw(st.lists(st.floats(0.0, 1.0), min_size=m, max_size=m))
    s = draw(st.integers(0, n - 1))
    t = draw(st.integers(0, n - 1).filter(lambda v: v != s))
    return n, edges, q, s, t


@settings(max_examples=60, deadline=None)
@given(_small_graphs(max_edges=9))
def test_both_methods_match_brute_force(case):
    n, edges, q, s, t = case
    net = as_network(edges, q, n_nodes=n)
    ref_two = _brute(n, edges, q, s, t)
    ref_all = _brute(n, edges, q)
    for method in ("enumeration", "frontier"):
        two = exact_unreliability(net, source=s, target=t, method=method)
        assert two == pytest.approx(ref_two, abs=1e-12)
        assert exact_unreliability(net, method=method) == pytest.approx(
            ref_all, abs=1e-12
        )


def test_frontier_matches_enumeration_on_random_graphs():
    rng = np.random.default_rng(0)
    for _ in range(6):
        g = nx.gnm_random_graph(9, 16, seed=int(rng.integers(1 << 30)))
        q = rng.uniform(0.01, 0.5, g.number_of_edges())
        for s, t in [(0, 8), (None, None)]:
            a = exact_unreliability(g, q, source=s, target=t, method="enumeration")
            b = exact_unreliability(g, q, source=s, target=t, method="frontier")
            assert b == pytest.approx(a, rel=1e-10, abs=1e-15)


def test_min_cut_matches_networkx():
    from cemethod.problems.networks._graphs import min_cut

    rng = np.random.default_rng(4)
    for seed in range(5):
        g = nx.gnm_random_graph(9, 20, seed=seed)
        w = rng.uniform(0.1, 3.0, g.number_of_edges())
        net = as_network(g, 0.5)
        value, side = min_cut(9, net.edges, w, {0}, {8})
        h = nx.Graph()
        for (u, v), c in zip(net.edges.tolist(), w, strict=True):
            h.add_edge(u, v, capacity=c)
        if not nx.has_path(h, 0, 8):
            assert value == 0.0
            continue
        assert value == pytest.approx(nx.minimum_cut_value(h, 0, 8))
        crossing = side[net.edges[:, 0]] != side[net.edges[:, 1]]
        assert side[0] and not side[8]
        assert w[crossing].sum() == pytest.approx(value)


def test_shipped_dodecahedron_is_networkx_dodecahedron():
    nx = pytest.importorskip("networkx")
    from cemethod.problems import dodecahedron

    edges, source, target = dodecahedron()
    graph = nx.dodecahedral_graph()
    assert sorted(map(tuple, map(sorted, graph.edges()))) == sorted(edges)
    assert nx.shortest_path_length(graph, source, target) == 5


# -- cost estimate, edge order and limit (issue 14, item 3) -----------------------

BELL = [1, 1, 2, 5, 15, 52, 203, 877, 4140, 21147]  # OEIS A000110


def _grid(n):
    return nx.convert_node_labels_to_integers(nx.grid_2d_graph(n, n), ordering="sorted")


def _dp_states(net, s=None, t=None):
    from cemethod.problems.networks._exact import _frontier_dp, frontier_plan

    plan = frontier_plan(net, s, t)
    record = []
    value = _frontier_dp(net, s, t, plan.order, record)
    return plan, record, value


def test_state_bound_is_the_bell_numbers_and_complete_graphs_reach_it():
    from cemethod.problems.networks._order import state_bound

    assert [state_bound(k, 0) for k in range(10)] == BELL
    for n in (5, 7, 9):  # all-terminal K_n: every partition of n - 1 nodes occurs
        plan, record, _ = _dp_states(as_network(nx.complete_graph(n), 0.1))
        assert plan.width == n - 1
        assert max(record) == plan.peak_states == BELL[n - 1]


@pytest.mark.parametrize(
    ("graph", "s", "t"),
    [
        (_grid(6), 0, 35),
        (_grid(6), 14, 21),
        (_grid(6), None, None),
        (nx.dodecahedral_graph(), 0, 15),
        (nx.complete_graph(8), 0, 7),
        (nx.gnm_random_graph(20, 40, seed=3), 0, 19),
        (nx.gnm_random_graph(20, 40, seed=3), None, None),
    ],
)
def test_state_counts_stay_within_the_bound(graph, s, t):
    plan, record, _ = _dp_states(as_network(graph, 0.1), s, t)
    assert len(record) <= len(plan.order)
    assert max(record) <= plan.peak_states
    assert sum(record) <= plan.total_states


def test_every_heuristic_order_gives_the_enumerated_value():
    from cemethod.problems.networks import _order
    from cemethod.problems.networks._exact import _enumerate, _frontier_dp

    rng = np.random.default_rng(5)
    for seed in range(3):
        g = nx.gnm_random_graph(9, 16, seed=seed)
        net = as_network(g, rng.uniform(0.05, 0.6, 16))
        edges = net.edges.tolist()
        adj = _order._adjacency(9, edges)
        csr = _order._csr(9, edges)
        nodes = {
            "bfs": _order._bfs(csr, 0).tolist(),
            "rcm": _order._rcm(csr).tolist(),
            "greedy": _order._greedy(adj, 3),
            "treedec": _order._networkx_order(9, edges),
            "reversed": list(range(8, -1, -1)),
        }
        for s, t in [(0, 8), (None, None)]:
            reference = _enumerate(net, s, t)
            for name, node_order in nodes.items():
                assert sorted(node_order) == list(range(9)), name
                order = _order.edge_order(edges, node_order)
                value = _frontier_dp(net, s, t, order)
                assert value == pytest.approx(reference, rel=1e-10, abs=1e-15), name


def test_order_choice_removes_the_interior_terminal_penalty():
    # The BFS order grown from an interior terminal (the only order before)
    # has ring-shaped frontiers of width 10 on the 6 x 6 grid; the chosen one
    # has the width of a corner start, 6.
    from cemethod.problems.networks import _order

    net = as_network(_grid(6), 0.01)
    edges = net.edges.tolist()
    ring = _order.edge_order(edges, _order._bfs(_order._csr(36, edges), 14))
    width, _, total = _order.plan_cost(edges, ring, (14, 21))
    plan, record, value = _dp_states(net, 14, 21)
    assert width == 10 and plan.width == 6
    assert plan.total_states * 100 < total
    from cemethod.problems.networks._exact import _frontier_dp

    ring_record = []
    assert _frontier_dp(net, 14, 21, ring, ring_record) == pytest.approx(value)
    assert sum(ring_record) > 30 * sum(record)  # the states really visited


def test_width_lower_bound_is_the_degeneracy_minus_one():
    from cemethod.problems.networks._order import width_lower_bound

    assert width_lower_bound(12, nx.complete_graph(12).edges()) == 10
    assert width_lower_bound(36, _grid(6).edges()) == 1  # 2-degenerate
    assert width_lower_bound(7, [(0, i) for i in range(1, 7)]) == 0  # a star
    g = nx.gnm_random_graph(40, 100, seed=1)
    low = width_lower_bound(40, g.edges())
    assert low == max(nx.core_number(g).values()) - 1


def test_grid_10x10_is_admitted_and_matches_its_two_corner_cuts():
    # Two-terminal between opposite corners: the two degree-2 corners are the
    # minimum cuts, so l = 2 q^2 (1 + O(q)) (q = 1e-5: to about 1e-4).
    q = 1e-5
    rel = NetworkReliability(_grid(10), 0, 99, q=q)
    value = rel.exact()
    assert value == pytest.approx(2 * q**2, rel=1e-3)
    assert value > 2 * q**2 - q**4  # both cuts, less both together


@pytest.mark.parametrize(
    ("graph", "s", "t", "size"),
    [
        (_grid(11), 0, 120, "220 edges, 121 nodes; frontier dynamic program, "),
        (nx.gnm_random_graph(40, 100, seed=1), 0, 39, "100 edges, 40 nodes"),
        (nx.complete_graph(30), None, None, "435 edges, 30 nodes"),
        (nx.gnm_random_graph(3000, 15000, seed=2), 0, 1, "15000 edges"),
    ],
)
def test_too_costly_graphs_are_refused_fast(graph, s, t, size):
    import time

    rel = NetworkReliability(graph, s, t, q=0.01)
    start = time.process_time()
    with pytest.raises(ValueError) as info:
        rel.exact()
    assert time.process_time() - start < 1.0
    msg = str(info.value)
    assert msg.startswith("The 'max_states' parameter of NetworkReliability.exact")
    assert size in msg and "frontier width" in msg
    assert "(None: no limit), or estimate instead with" in msg
    assert "NetworkReliability.estimate()" in msg
    assert msg.endswith("Got 25000000 instead.")


def test_the_limit_can_be_raised_or_lifted():
    g, s, t = _dodecahedron_terminals()
    rel = NetworkReliability(g, s, t, q=1e-3)
    with pytest.raises(ValueError, match=r"at most .* states.*Got 100 instead"):
        rel.exact(max_states=100)
    assert rel.exact(max_states=None) == pytest.approx(2.0060181e-9, rel=5e-8)
    assert rel.exact(max_states=1e6) == pytest.approx(2.0060181e-9, rel=5e-8)
    with pytest.raises(ValueError, match=r"enumeration of the 2\^16 edge states"):
        exact_unreliability(
            nx.gnm_random_graph(8, 16, seed=0),
            0.1,
            method="enumeration",
            max_states=1000,
        )
    for bad in (0, -5, "many", True, float("nan")):
        with pytest.raises(ValueError, match="'max_states'"):
            rel.exact(max_states=bad)


def test_planning_a_large_sparse_graph_is_fast_and_says_more_than():
    # A 300 x 300 grid (179,400 edges, width 300) and a 3-regular graph of 10^5
    # nodes: too wide by far, refused in well under a second; above 80 frontier
    # nodes the bound is that of 80, so the message says "more than".
    import time

    n = 300
    idx = np.arange(n * n).reshape(n, n)
    right = np.stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()], axis=1)
    down = np.stack([idx[:-1].ravel(), idx[1:].ravel()], axis=1)
    grid = as_network(np.concatenate([right, down]).tolist(), 0.01)
    regular = as_network(nx.random_regular_graph(3, 100_000, seed=1), 0.01)
    for net, s, t in [(grid, 0, n * n - 1), (regular, 0, 99_999)]:
        rel = NetworkReliability(net, s, t)
        start = time.process_time()
        with pytest.raises(ValueError, match=r"more than [\d.]+e\+9\d states") as info:
            rel.exact()
        assert time.process_time() - start < 1.0
        assert f"{net.n_edges} edges" in str(info.value)
        assert "It would take at least" in str(info.value)
    with pytest.raises(ValueError, match="frontier width 300 along"):
        NetworkReliability(grid, 0, n * n - 1).exact()


def test_a_terminal_without_edges_is_settled_and_can_be_planned():
    from cemethod.problems.networks._exact import exact_cost, frontier_plan

    net = as_network([(0, 1), (1, 2)], 0.1, n_nodes=4)  # node 3: no edge
    assert exact_unreliability(net, source=0, target=3, method="frontier") == 1.0
    assert exact_cost(net, 0, 3).method == "none"
    assert frontier_plan(net, 0, 3).width == 1


def test_orders_are_planned_without_networkx(monkeypatch):
    import sys

    from cemethod.problems.networks._order import best_order

    # A 3 x 4 grid (17 edges) as an edge list; networkx made unimportable.
    edges = [(r * 4 + c, r * 4 + c + 1) for r in range(3) for c in range(3)]
    edges += [(r * 4 + c, r * 4 + c + 4) for r in range(2) for c in range(4)]
    with_nx = best_order(12, edges, (5, 6))
    monkeypatch.setitem(sys.modules, "networkx", None)
    plan = best_order(12, edges, (5, 6))
    assert plan.heuristic != "tree decomposition" and plan.width <= 4
    assert with_nx.total_states <= plan.total_states  # one candidate more
    value = exact_unreliability(edges, 0.1, source=5, target=6, method="frontier")
    reference = exact_unreliability(
        edges, 0.1, source=5, target=6, method="enumeration"
    )
    assert value == pytest.approx(reference, rel=1e-12)
