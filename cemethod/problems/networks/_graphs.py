"""Graph input for the network problems, and the batched connectivity kernel.

Every accepted input (a networkx graph, an edge list, an adjacency or
failure-probability matrix) is normalised to a :class:`Network`: the number of
nodes, an ``(m, 2)`` integer edge array and the per-edge failure probabilities.
networkx is optional and imported only when a networkx graph is passed.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from cemethod._validation import format_value, parameter_error

__all__ = [
    "MAX_EDGES",
    "MAX_NODES",
    "Network",
    "as_network",
    "min_cut",
    "minimax_distances",
]

# Input limits of as_network, checked before anything is allocated: an integer
# node id is an array index, so one id of 3e8 would mean 3e8 nodes (the ~22 GB
# of issue 14). Both can be raised per call (max_nodes=, max_edges=).
MAX_NODES = 1_000_000
MAX_EDGES = 1_000_000


@dataclass(frozen=True, eq=False)
class Network:
    """An undirected multigraph with independent edge failure probabilities.

    Attributes
    ----------
    n_nodes : int
        Number of nodes, indexed ``0 .. n_nodes - 1``.
    edges : ndarray of shape (m, 2), int64
        End points of each edge (parallel edges and self-loops allowed).
    q : ndarray of shape (m,), float64
        Failure probability of each edge, in [0, 1].
    labels : tuple
        The original label of each node (``labels[i]`` is node ``i``).
    """

    n_nodes: int
    edges: np.ndarray
    q: np.ndarray
    labels: tuple

    @property
    def n_edges(self) -> int:
        return int(self.edges.shape[0])

    def node_index(self, label, *, func: str, param: str) -> int:
        """Index of the node with this label (a label of the input graph)."""
        try:
            hash(label)
        except TypeError:
            raise parameter_error(func, param, "a node of the graph", label) from None
        index = {lab: i for i, lab in enumerate(self.labels)}
        if label not in index or isinstance(label, bool):
            raise parameter_error(func, param, "a node of the graph", label)
        return index[label]

    def terminals(self, source, target, *, func: str) -> tuple[int | None, int | None]:
        """Indices of two distinct terminals, or (None, None) when both are None
        (all-terminal reliability)."""
        if (source is None) != (target is None):
            raise parameter_error(
                func, "target", "given together with 'source'", target
            )
        if source is None:
            return None, None
        s = self.node_index(source, func=func, param="source")
        t = self.node_index(target, func=func, param="target")
        if s == t:
            raise parameter_error(
                func, "target", "a node other than the source", target
            )
        return s, t


def _is_networkx(graph) -> bool:
    module = type(graph).__module__ or ""
    return module.split(".")[0] == "networkx"


def _check_q(q, m, func):
    q_arr = np.asarray(q)
    if not (
        np.issubdtype(q_arr.dtype, np.number) or q_arr.dtype == bool
    ) or np.iscomplexobj(q_arr):
        raise parameter_error(func, "q", "a real number or an array of them", q)
    q_arr = np.broadcast_to(q_arr.astype(float), (m,)) if q_arr.ndim == 0 else q_arr
    if q_arr.shape != (m,):
        raise parameter_error(
            func, "q", f"a probability or an array of {m} probabilities", q
        )
    if not np.all((q_arr >= 0) & (q_arr <= 1)):
        raise parameter_error(func, "q", "made of probabilities in [0, 1]", q)
    return np.array(q_arr, dtype=float)


class _Shown:
    """A value for an error message shown by its description (a huge input's
    ``repr`` would cost as much as the input)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def _check_sizes(func, n, m, max_nodes, max_edges, graph, hint=""):
    """Refuse ``n`` nodes or ``m`` edges above the limits (before allocating)."""
    for count, limit, what in ((n, max_nodes, "nodes"), (m, max_edges, "edges")):
        if count > limit:
            name = f"max_{what}"
            shown = _Shown(f"a {type(graph).__name__} with {count} {what}")
            raise parameter_error(
                func,
                "graph",
                f"a graph of at most {name}={limit} {what}{hint}; raise the "
                f"limit with as_network(graph, q, {name}=N) and pass the Network "
                "it returns",
                shown,
            )


def _from_networkx(graph, q, func, max_nodes, max_edges):
    _check_sizes(
        func,
        graph.number_of_nodes(),
        graph.number_of_edges(),
        max_nodes,
        max_edges,
        graph,
    )
    labels = tuple(graph.nodes())
    index = {lab: i for i, lab in enumerate(labels)}
    if graph.is_directed():
        raise parameter_error(func, "graph", "an undirected graph", graph)
    edge_data = list(graph.edges(data=True))
    edges = np.array([(index[u], index[v]) for u, v, _ in edge_data], dtype=np.int64)
    if isinstance(q, str):
        missing = [(u, v) for u, v, d in edge_data if q not in d]
        if missing:
            raise parameter_error(
                func, "q", f"an edge attribute present on every edge ({q!r})", q
            )
        q = [d[q] for _, _, d in edge_data]
    return labels, edges.reshape(-1, 2), q


def _from_edge_list(graph, q, n_nodes, func, max_nodes, max_edges):
    _check_sizes(func, 0, len(graph), max_nodes, max_edges, graph)
    rows = list(graph)
    lengths = {len(r) if isinstance(r, (tuple, list)) else -1 for r in rows}
    if not rows or not lengths <= {2, 3} or len(lengths) != 1:
        raise parameter_error(
            func, "graph", "a non-empty list of (u, v) or (u, v, q) tuples", graph
        )
    ends = [(r[0], r[1]) for r in rows]
    if lengths == {3}:
        if q is not None:
            raise parameter_error(
                func, "q", "None when the edge list carries probabilities", q
            )
        q = [r[2] for r in rows]
    flat = [x for e in ends for x in e]
    if all(isinstance(x, numbers.Integral) and not isinstance(x, bool) for x in flat):
        if min(flat) < 0:
            raise parameter_error(
                func, "graph", "an edge list of node indices >= 0", graph
            )
        n = max(flat) + 1 if n_nodes is None else n_nodes
        hint = (
            f" (integer nodes are indices: node {max(flat)} means {max(flat) + 1} "
            "nodes; number them 0, 1, ... or use other labels, e.g. strings)"
            if n_nodes is None
            else " (n_nodes)"
        )
        _check_sizes(func, n, 0, max_nodes, max_edges, graph, hint)
        if max(flat) >= n:
            raise parameter_error(
                func, "n_nodes", f"larger than every node index ({max(flat)})", n_nodes
            )
        labels = tuple(range(n))
        edges = np.array(ends, dtype=np.int64)
    else:
        if n_nodes is not None:
            raise parameter_error(
                func, "n_nodes", "None when the nodes are not integer indices", n_nodes
            )
        labels = tuple(dict.fromkeys(flat))
        _check_sizes(func, len(labels), 0, max_nodes, max_edges, graph)
        index = {lab: i for i, lab in enumerate(labels)}
        edges = np.array([(index[u], index[v]) for u, v in ends], dtype=np.int64)
    return labels, edges, q


def _from_matrix(matrix, q, func, max_nodes, max_edges):
    a = np.asarray(matrix)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise parameter_error(func, "graph", "a square matrix", matrix)
    n = a.shape[0]  # up to n (n - 1) / 2 links, and n^2 entries to copy
    hint = f" (a {n} x {n} matrix: up to n (n - 1) / 2 links)"
    _check_sizes(func, n, n * (n - 1) // 2, max_nodes, max_edges, matrix, hint)
    if not np.issubdtype(a.dtype, np.number) and a.dtype != bool:
        raise parameter_error(func, "graph", "a numeric matrix", matrix)
    a = a.astype(float)
    if not np.array_equal(a, a.T) or np.any(a < 0) or np.any(a > 1):
        raise parameter_error(
            func, "graph", "a symmetric matrix with entries in [0, 1]", matrix
        )
    iu, ju = np.triu_indices(a.shape[0], k=1)
    vals = a[iu, ju]
    keep = vals != 0
    edges = np.stack([iu[keep], ju[keep]], axis=1).astype(np.int64)
    if np.all(np.isin(vals, (0.0, 1.0))):
        return tuple(range(a.shape[0])), edges, q  # 0/1 adjacency: q given apart
    if q is not None:
        raise parameter_error(
            func, "q", "None when the matrix holds failure probabilities", q
        )
    return tuple(range(a.shape[0])), edges, vals[keep]


def as_network(
    graph,
    q=None,
    *,
    n_nodes=None,
    max_nodes=MAX_NODES,
    max_edges=MAX_EDGES,
    func="as_network",
) -> Network:
    """Normalise a graph description to a :class:`Network`.

    Parameters
    ----------
    graph : Network, networkx.Graph or MultiGraph, list of tuples, or ndarray
        * a :class:`Network` (returned as is);
        * a networkx graph (undirected); node labels are kept in ``labels``;
        * an edge list ``[(u, v), ...]`` or ``[(u, v, q_uv), ...]``; integer
          nodes are indices (``n_nodes`` defaults to the largest plus one), other
          hashable labels are numbered in order of appearance;
        * a symmetric numpy array (lists are read as edge lists): a 0/1
          adjacency matrix (then ``q`` is required), or a failure-probability
          matrix whose non-zero entries are the failure probabilities of the
          links and zeros mean "no link". The diagonal is ignored.
    q : float, array_like of shape (m,), str or None
        Edge failure probabilities (one for all edges, or one per edge in edge
        order), or for a networkx graph the name of an edge attribute. None when
        the input carries them.
    n_nodes : int, optional
        Number of nodes for an integer edge list (isolated nodes at the end).
    max_nodes, max_edges : int, default=1_000_000
        Input limits, checked before anything is allocated (``ValueError``
        naming the limit): the number of nodes (for an integer edge list the
        largest id plus one, as ids are indices), and the number of edges (for
        a matrix of ``n`` nodes its ``n (n - 1) / 2`` possible links). The
        classes that take a graph (:class:`NetworkReliability`, ...) use the
        defaults; for larger inputs build the :class:`Network` here and pass it.

    Examples
    --------
    >>> net = as_network([(0, 1), (1, 2)], q=0.1)
    >>> net.n_nodes, net.edges.tolist(), net.q.tolist()
    (3, [[0, 1], [1, 2]], [0.1, 0.1])
    >>> import numpy as np
    >>> as_network(np.array([[0, 0.2], [0.2, 0]])).q
    array([0.2])
    """
    if n_nodes is not None and (
        not isinstance(n_nodes, numbers.Integral)
        or isinstance(n_nodes, bool)
        or n_nodes < 1
    ):
        raise parameter_error(func, "n_nodes", "None or a positive integer", n_nodes)
    for name, value in (("max_nodes", max_nodes), ("max_edges", max_edges)):
        if (
            not isinstance(value, numbers.Integral)
            or isinstance(value, bool)
            or value < 1
        ):
            raise parameter_error(func, name, "a positive integer", value)
    if isinstance(graph, Network):
        if q is not None:
            raise parameter_error(func, "q", "None when graph is a Network", q)
        return graph
    if _is_networkx(graph):
        labels, edges, q = _from_networkx(graph, q, func, max_nodes, max_edges)
    elif isinstance(graph, np.ndarray):
        labels, edges, q = _from_matrix(graph, q, func, max_nodes, max_edges)
    elif isinstance(graph, (list, tuple)):
        labels, edges, q = _from_edge_list(
            graph, q, n_nodes, func, max_nodes, max_edges
        )
    else:
        raise TypeError(
            f"The 'graph' parameter of {func} must be a networkx graph, an edge "
            f"list or a square matrix. Got {format_value(graph)} instead."
        )
    if q is None:
        raise parameter_error(
            func, "q", "given when the graph carries no failure probabilities", q
        )
    q = _check_q(q, edges.shape[0], func)
    edges.setflags(write=False)
    q.setflags(write=False)
    return Network(len(labels), edges, q, labels)


def minimax_distances(n_nodes, edges, times, root) -> np.ndarray:
    """Bottleneck (minimax) distances from ``root`` for a batch of edge times.

    ``out[v, k]`` is the smallest ``tau`` such that ``root`` and ``v`` are joined
    by edges with ``times[k, e] <= tau``: the time at which ``v`` joins the
    component of ``root`` when edge ``e`` is born at ``times[k, e]`` (the merge
    process of Elperin, Gertsbakh & Lomonosov 1991). With 0/1 failure
    indicators as times, ``out[v, k] == 0`` iff ``v`` is reached by working
    edges. Label-correcting sweeps over the edges, vectorized over the batch.

    Returns an array of shape ``(n_nodes, n)``.
    """
    y = np.ascontiguousarray(np.asarray(times, dtype=float).T)  # (m, n)
    n = y.shape[1]
    d = np.full((n_nodes, n), np.inf)
    d[root] = 0.0
    us, vs = edges[:, 0].tolist(), edges[:, 1].tolist()
    buf = np.empty(n)
    changed = True
    while changed:
        changed = False
        for e, (u, v) in enumerate(zip(us, vs, strict=True)):
            # Relax both directions: d[v] <- min(d[v], max(d[u], y_e)).
            np.maximum(d[u], y[e], out=buf)
            if np.any(buf < d[v]):
                np.minimum(d[v], buf, out=d[v])
                changed = True
            np.maximum(d[v], y[e], out=buf)
            if np.any(buf < d[u]):
                np.minimum(d[u], buf, out=d[u])
                changed = True
    return d


def min_cut(n_nodes, edges, weights, sources, sinks):
    """A minimum-weight edge cut separating the node sets ``sources`` and ``sinks``.

    Edmonds-Karp maximum flow (max-flow = min-cut) on the undirected graph,
    each edge a pair of opposite arcs of capacity ``weights[e]`` (parallel
    edges add up). Returns ``(value, side)``: the cut weight and a boolean
    mask of the nodes on the sources' side. ``value`` is ``inf`` when the sets
    meet or are joined by infinite-weight edges. Small graphs only (pure
    Python).
    """
    sources, sinks = set(sources), set(sinks)
    if sources & sinks:
        return math.inf, None
    cap = [{} for _ in range(n_nodes)]
    w_list = np.asarray(weights, dtype=float).tolist()
    for (u, v), w in zip(edges.tolist(), w_list, strict=True):
        if u == v or w <= 0:
            continue
        cap[u][v] = cap[u].get(v, 0.0) + w
        cap[v][u] = cap[v].get(u, 0.0) + w
    flow = 0.0
    while True:
        parent = dict.fromkeys(sources)
        queue = list(sources)
        end = None
        for u in queue:
            if u in sinks:
                end = u
                break
            for v, c in cap[u].items():
                if c > 1e-12 * max(1.0, flow) and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if end is None:
            side = np.zeros(n_nodes, dtype=bool)
            side[list(parent)] = True
            return flow, side
        path = []
        v = end
        while parent[v] is not None:
            path.append((parent[v], v))
            v = parent[v]
        push = min(cap[u][v] for u, v in path)
        if math.isinf(push):
            return math.inf, None
        for u, v in path:
            cap[u][v] -= push
            cap[v][u] = cap[v].get(u, 0.0) + push
        flow += push
