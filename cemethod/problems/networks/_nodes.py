"""Node failures: nodes that fail independently, each with its own probability.

A failed node takes its links down with it; a failed terminal leaves the network
down. The estimators that see the network through its failure pattern handle
this directly: crude Monte Carlo and enumeration draw or list the links and the
nodes together, and generalized splitting (``_splitting_numba``) gives every
node a birth time as it does every link. The methods built on link cuts or on
the links' birth order (CE with the cut mixture, turnip) do not, and refuse.
"""

from __future__ import annotations

import numpy as np

from cemethod._validation import parameter_error

__all__ = ["check_node_q", "node_graph", "usable_failures"]


def check_node_q(net, node_q, func):
    """The node failure probabilities as an array over the node indices, or
    None when every node is perfect.

    ``node_q``: one probability for every node, an array of ``n_nodes`` in the
    order of ``net.labels``, or a mapping ``label -> probability`` (nodes not
    named are perfect).
    """
    if node_q is None:
        return None
    rule = "made of probabilities in [0, 1]"
    if isinstance(node_q, dict):
        out = np.zeros(net.n_nodes)
        for label, value in node_q.items():
            index = net.node_index(label, func=func, param="node_q")
            out[index] = _probability(value, func, rule, node_q)
    else:
        arr = np.asarray(node_q)
        if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
            raise parameter_error(
                func, "node_q", "a probability, an array or a dict of them", node_q
            )
        if arr.ndim == 0:
            arr = np.full(net.n_nodes, float(arr))
        if arr.shape != (net.n_nodes,):
            raise parameter_error(
                func,
                "node_q",
                f"a probability or an array of {net.n_nodes} (one per node)",
                node_q,
            )
        out = arr.astype(float)
        if not np.all((out >= 0) & (out <= 1)):
            raise parameter_error(func, "node_q", rule, node_q)
    return out if out.any() else None


def _probability(value, func, rule, node_q):
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise parameter_error(func, "node_q", rule, node_q)
    if not 0.0 <= float(value) <= 1.0:
        raise parameter_error(func, "node_q", rule, node_q)
    return float(value)


def usable_failures(edges, X):
    """(n, m) link failures with the node failures folded in: ``X`` has the ``m``
    link columns then one column per node; a link is down when it or an end is."""
    m = edges.shape[0]
    links, nodes = X[:, :m], X[:, m:]
    return links | nodes[:, edges[:, 0]] | nodes[:, edges[:, 1]]


def _components(n, pairs):
    """The ``find`` of a union-find forest over ``n`` nodes joined by ``pairs``."""
    from cemethod.problems.networks._turnip import _union_find

    parent, find = _union_find(n)
    for u, v in pairs:
        parent[find(u)] = find(v)
    return find


def node_graph(net, terminals, node_q):
    """The graph splitting runs on with node failures, or the exact answer.

    Dead links and nodes (probability 1) and self-loops are dropped, the nodes
    relabelled. Returns ``(answer, None)`` with ``answer`` 1.0 (a terminal is
    dead or no live path joins the terminals) or 0.0 (perfect terminals joined
    by perfect links and nodes), else ``(None, (edges, rates, is_terminal,
    incidence))``: ``rates`` holds the ``m`` link rates then the node rates
    (``-log q``, ``inf`` for a perfect one) and ``incidence`` each node's links
    as ``(indptr, links)``.
    """
    edges, q = net.edges, net.q
    terminals = np.asarray(terminals)
    if np.any(node_q[terminals] == 1.0):
        return 1.0, None
    alive = node_q < 1.0
    keep = (q < 1.0) & (edges[:, 0] != edges[:, 1]) & alive[edges].all(axis=1)
    find = _components(net.n_nodes, edges[keep].tolist())
    if len({find(int(t)) for t in terminals}) > 1:
        return 1.0, None
    perfect = keep & (q == 0.0) & (node_q[edges] == 0.0).all(axis=1)
    find = _components(net.n_nodes, edges[perfect].tolist())
    if np.all(node_q[terminals] == 0.0) and len({find(int(t)) for t in terminals}) == 1:
        return 0.0, None
    index = np.cumsum(alive) - 1  # new label of each live node
    kept = np.ascontiguousarray(index[edges[keep]])
    n = int(alive.sum())
    is_terminal = np.zeros(n, dtype=np.bool_)
    is_terminal[index[terminals]] = True
    with np.errstate(divide="ignore"):
        rates = np.concatenate([-np.log(q[keep]), -np.log(node_q[alive])])
    ends = kept.ravel()  # link e appears at positions 2e and 2e + 1
    order = np.argsort(ends, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=n), out=indptr[1:])
    links = (order // 2).astype(np.int64)
    return None, (kept, rates, is_terminal, (indptr, links))
