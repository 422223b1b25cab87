"""Input limits of the network problems (issue 14, item 4): sizes are checked
before anything is allocated, and the message names the limit and how to raise
it. Allocation is measured with tracemalloc (numpy reports its buffers to it)."""

import time
import tracemalloc

import networkx as nx
import numpy as np
import pytest

from cemethod.problems import NetworkDesign, NetworkReliability, as_network
from cemethod.problems.networks._graphs import MAX_EDGES, MAX_NODES


def _refused(call, *match):
    """Run ``call``; it must raise ValueError fast with little allocated."""
    tracemalloc.start()
    start = time.process_time()
    try:
        with pytest.raises(ValueError) as info:
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.process_time() - start < 0.5
    assert peak < 1 << 20, peak  # under 1 MiB: nothing sized by the input
    msg = str(info.value)
    for phrase in match:
        assert phrase in msg, msg
    return msg


def test_defaults():
    assert MAX_NODES == MAX_EDGES == 1_000_000


def test_a_huge_node_id_is_refused_before_allocating():
    # The ~22 GB of the issue: ids are indices, so node 299999999 meant 3e8 nodes.
    msg = _refused(
        lambda: as_network([(0, 1), (1, 299_999_999)], 0.1),
        "The 'graph' parameter of as_network must be a graph of at most "
        "max_nodes=1000000 nodes",
        "node 299999999 means 300000000 nodes",
        "as_network(graph, q, max_nodes=N)",
    )
    assert msg.endswith("Got a list with 300000000 nodes instead.")
    _refused(
        lambda: NetworkReliability([(0, 299_999_999)], 0, 299_999_999, q=0.1),
        "of NetworkReliability must be a graph of at most max_nodes=1000000",
    )
    _refused(
        lambda: NetworkDesign([(0, 10**12)], 0, 10**12, q=0.1, costs=[1.0], budget=1.0),
        "max_nodes=1000000",
    )
    _refused(lambda: as_network([(0, 1)], 0.1, n_nodes=10**9), "(n_nodes)")


def test_huge_edge_counts_and_dense_matrices_are_refused_before_allocating():
    many = [(0, 1)] * (MAX_EDGES + 1)  # one tuple, a million references
    _refused(lambda: as_network(many, 0.1), "at most max_edges=1000000 edges")
    # A 10^5 x 10^5 matrix as a zero-memory view: 5e9 possible links; copying
    # it as floats would take 80 GB.
    dense = np.broadcast_to(np.float64(0.01), (100_000, 100_000))
    _refused(
        lambda: as_network(dense),
        "max_edges=1000000",
        "a 100000 x 100000 matrix: up to n (n - 1) / 2 links",
    )
    # 1415 nodes is the first size whose n (n - 1) / 2 links exceed 10^6.
    zeros = np.zeros((1415, 1415))
    _refused(lambda: as_network(zeros, 0.1), "max_edges=1000000")
    path = 0.5 * (np.eye(1414, k=1) + np.eye(1414, k=-1))  # 999,691 possible
    assert as_network(path).n_edges == 1413


def test_limits_apply_to_every_input_form_and_can_be_raised():
    g = nx.complete_graph(10)  # 45 edges
    _refused(lambda: as_network(g, 0.1, max_edges=44), "max_edges=44")
    _refused(lambda: as_network(g, 0.1, max_nodes=9), "max_nodes=9")
    assert as_network(g, 0.1, max_nodes=10, max_edges=45).n_edges == 45
    _refused(lambda: as_network([(0, 10)], 0.1, max_nodes=10), "node 10 means 11")
    assert as_network([(0, 9)], 0.1, max_nodes=10).n_nodes == 10
    labels = [("a", "b"), ("c", "d")]
    _refused(lambda: as_network(labels, 0.1, max_nodes=3), "max_nodes=3")
    assert as_network(labels, 0.1, max_nodes=4).labels == ("a", "b", "c", "d")
    # A Network built with raised limits passes through the classes unchecked.
    net = as_network([(0, 1), (1, 2)], 0.1, max_nodes=3, max_edges=2)
    assert NetworkReliability(net, 0, 2).exact() == pytest.approx(1 - 0.9**2)
    for bad in (0, -1, 2.5, True, None):
        with pytest.raises(ValueError, match="'max_nodes'"):
            as_network([(0, 1)], 0.1, max_nodes=bad)
        with pytest.raises(ValueError, match="'max_edges'"):
            as_network([(0, 1)], 0.1, max_edges=bad)
