"""Edge orders for the frontier dynamic program, and its cost before it runs.

The frontier programme (:mod:`cemethod.problems.networks._exact`) adds the
edges one at a time in some order; after edge ``p`` its *frontier* is the set
of nodes with an edge already added and an edge still to come. A state is a
partition of the frontier into the components of the working edges seen so
far, plus the blocks holding the terminals, so the number of states after edge
``p`` is at most the number of such marked partitions of a set of ``k_p``
nodes (:func:`state_bound`): ``sum_b S(k_p, b) g_p(b)`` with ``S`` the Stirling
numbers of the second kind and ``g_p(b)`` the number of ways to place the marks
of the terminals already seen (1, ``b`` or ``b (b - 1)``; all-terminal: 1). It
grows like the Bell numbers, ``e^{k log k}``, so the order that keeps the
frontier narrow is everything: :func:`best_order` tries a few heuristics and
keeps the one of least bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = ["FrontierPlan", "best_order", "state_bound", "width_lower_bound"]

_GREEDY_MAX_WORK = 400_000  # greedy order: about n * width set operations
_NX_MAX_NODES = 300  # networkx's treewidth heuristics: small graphs only
_STIRLING_MAX = 80  # exact bounds up to this frontier size, then a lower bound


def _stirling_rows(kmax):
    rows = [[1]]
    for k in range(1, kmax + 1):
        prev = rows[-1]
        row = [0] * (k + 1)
        for b in range(1, k + 1):
            row[b] = b * (prev[b] if b < k else 0) + prev[b - 1]
        rows.append(row)
    return rows


_STIRLING = _stirling_rows(_STIRLING_MAX)


@lru_cache(maxsize=1024)
def state_bound(k: int, n_marks: int) -> int:
    """Upper bound on the states of one step: partitions of ``k`` frontier nodes
    with ``n_marks`` (0, 1 or 2) distinct marked blocks.

    Exact for a frontier whose every partition is reachable (a clique: the
    all-terminal programme on the complete graph reaches it). Above 80 nodes
    the bound ``S(80, .)`` of 80 nodes is returned (already ~1e88).
    """
    k = min(int(k), _STIRLING_MAX)
    row = _STIRLING[k]
    if k == 0:
        return 1
    if n_marks == 0:
        return sum(row)
    if n_marks == 1:
        return sum(s * b for b, s in enumerate(row))
    return sum(s * b * (b - 1) for b, s in enumerate(row))


@dataclass(frozen=True)
class FrontierPlan:
    """An edge order and what the frontier programme will cost along it.

    Attributes
    ----------
    order : ndarray of int
        Edge indices in processing order.
    heuristic : str
        The node-order heuristic it came from.
    width : int
        Largest frontier (nodes with edges on both sides of the step).
    peak_states : int
        Upper bound on the states held after any one step.
    total_states : int
        Upper bound on the states summed over the steps (about half the work:
        each state makes two transitions).
    """

    order: list
    heuristic: str
    width: int
    peak_states: int
    total_states: int


def _adjacency(n, edges):
    adj = [set() for _ in range(n)]
    for u, v in edges:
        if u != v:
            adj[u].add(v)
            adj[v].add(u)
    return [sorted(a) for a in adj]


def _csr(n, edges):
    """The symmetric 0/1 adjacency matrix of the edges (scipy CSR)."""
    from scipy.sparse import coo_matrix

    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    a = coo_matrix(
        (np.ones(2 * len(e)), (np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]])),
        shape=(n, n),
    ).tocsr()
    a.sum_duplicates()
    return a


def _bfs(csr, start):
    """BFS order from ``start`` (neighbours in increasing order), then the
    nodes it does not reach in increasing order (their edges do not meet the
    terminals' component, so they come last and cost little)."""
    from scipy.sparse.csgraph import breadth_first_order

    n = csr.shape[0]
    order = breadth_first_order(csr, start, directed=False, return_predecessors=False)
    rest = np.ones(n, dtype=bool)
    rest[order] = False
    return np.concatenate([order, np.flatnonzero(rest)])


def _peripheral(csr, start):
    """A node far from ``start`` (the last of a BFS, twice): a pseudo-peripheral
    start for BFS-like orders (George & Liu 1979)."""
    from scipy.sparse.csgraph import breadth_first_order

    u = start
    for _ in range(2):
        u = int(
            breadth_first_order(csr, u, directed=False, return_predecessors=False)[-1]
        )
    return u


def _rcm(csr):
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    return reverse_cuthill_mckee(csr, symmetric_mode=True)


def _greedy(adj, start):
    """Place next the candidate node that grows the frontier least (ties: the
    one with most placed neighbours); a vertex-separation heuristic."""
    n = len(adj)
    nb = [set(a) for a in adj]
    placed = [False] * n
    open_deg = [len(a) for a in nb]  # unplaced neighbours
    frontier = set()
    cand = set()
    order = []
    cur = start
    rest = iter(range(n))
    while True:
        placed[cur] = True
        order.append(cur)
        cand.discard(cur)
        for v in nb[cur]:
            open_deg[v] -= 1
            if not placed[v]:
                cand.add(v)
        frontier.add(cur)
        frontier = {v for v in frontier if open_deg[v] > 0}
        if len(order) == n:
            return order
        if not cand:
            cur = next(v for v in rest if not placed[v])
            continue

        def growth(v, frontier=frontier):
            closes = sum(1 for f in nb[v] if f in frontier and open_deg[f] == 1)
            return (open_deg[v] > 0) - closes, -len(nb[v] & frontier), v

        cur = min(cand, key=growth)


def _networkx_order(n, edges):
    """Nodes in the order a tree decomposition (networkx min-fill heuristic)
    introduces them, bags visited depth first."""
    import networkx as nx
    from networkx.algorithms.approximation import treewidth_min_fill_in

    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((u, v) for u, v in edges if u != v)
    _, tree = treewidth_min_fill_in(g)
    order, seen = [], set()
    for bag in nx.dfs_preorder_nodes(tree) if tree.number_of_nodes() else []:
        for v in sorted(bag):
            if v not in seen:
                seen.add(v)
                order.append(v)
    return order + [v for v in range(n) if v not in seen]


def edge_order(edges, node_order):
    """Edges sorted by the rank of their later end point, then the earlier
    (ties in edge order)."""
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    node_order = np.asarray(node_order, dtype=np.int64)
    rank = np.empty(max(int(e.max(initial=-1)) + 1, len(node_order)), dtype=np.int64)
    rank[node_order] = np.arange(len(node_order))
    ru, rv = rank[e[:, 0]], rank[e[:, 1]]
    return np.lexsort((np.minimum(ru, rv), np.maximum(ru, rv)))


def plan_cost(edges, order, terminals):
    """(width, peak bound, total bound) of the frontier programme along ``order``.

    ``total`` is a Python int (exact); a frontier wider than 80 nodes makes
    both bounds lower bounds of the true ones (see :func:`state_bound`).
    """
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)[
        np.asarray(order, dtype=np.int64)
    ]
    m = len(e)
    if m == 0:
        return 0, 1, 0
    n = max(int(e.max()), *terminals, 0) + 1
    steps = np.repeat(np.arange(m), 2)
    first = np.full(n, m)
    last = np.full(n, -1)
    np.minimum.at(first, e.ravel(), steps)
    np.maximum.at(last, e.ravel(), steps)
    used = last >= 0
    delta = np.bincount(first[used], minlength=m + 1) - np.bincount(
        last[used], minlength=m + 1
    )
    size = np.cumsum(delta)[:m]  # frontier after each step
    # A terminal on the frontier is in its own node's block: no choice. Its
    # mark is free (a block of the partition) once it has left the frontier.
    marks = np.zeros(m, dtype=np.int64)
    for t in terminals:
        if last[t] >= 0:
            marks[last[t] :] += 1
    capped = np.minimum(size, _STIRLING_MAX)  # state_bound's own cap
    keys, counts = np.unique(capped * 3 + marks, return_counts=True)
    peak = total = 0
    for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
        bound = state_bound(key // 3, key % 3)
        peak = max(peak, bound)
        total += count * bound
    return int(size.max()), peak, total


def width_lower_bound(n, edges) -> int:
    """A frontier width no edge order can beat: the degeneracy minus one.

    The frontiers of an edge order, each with the current edge's end points,
    are the bags of a path decomposition, so ``width >= pathwidth - 1 >=
    treewidth - 1``, and the treewidth is at least the degeneracy (the largest
    minimum degree of a subgraph, from repeatedly removing a node of least
    degree; parallel edges and loops do not count).
    """
    adj = [set() for _ in range(n)]
    for u, v in edges:
        if u != v:
            adj[u].add(v)
            adj[v].add(u)
    degree = [len(a) for a in adj]
    buckets = [set() for _ in range(max(degree, default=0) + 1)]
    for v, d in enumerate(degree):
        buckets[d].add(v)
    removed = [False] * n
    best = low = 0
    for _ in range(n):
        low = max(0, low - 1)
        while not buckets[low]:
            low += 1
        v = buckets[low].pop()
        removed[v] = True
        best = max(best, low)
        for w in adj[v]:
            if not removed[w]:
                buckets[degree[w]].discard(w)
                degree[w] -= 1
                buckets[degree[w]].add(w)
    return max(0, best - 1)


def best_order(n, edges, terminals=()):
    """The least costly of a few edge orders (see the module docstring).

    Heuristics: BFS from the first terminal (or node 0), BFS from a
    pseudo-peripheral node, reverse Cuthill-McKee (scipy), a greedy
    vertex-separation order from a peripheral node and from the terminals
    (when ``n`` times the degree times the best width so far is small), and,
    if networkx is installed and the graph small, the introduction order of
    a min-fill tree decomposition. Cost: the total state bound (the work),
    then the peak. Numpy and scipy throughout but the last two: about 0.1 s
    for 10^5 edges.
    """
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    csr = _csr(n, edges)
    start = terminals[0] if terminals else 0
    far = _peripheral(csr, start)
    makers = [
        ("BFS from a terminal", lambda: _bfs(csr, start)),
        ("BFS from a peripheral node", lambda: _bfs(csr, far)),
        ("reverse Cuthill-McKee", lambda: _rcm(csr)),
    ]
    work = max(n, csr.nnz)  # greedy: about n * degree * width set operations
    if work <= _GREEDY_MAX_WORK:
        adj = []  # built on first use

        def greedy(t):
            if not adj:
                adj.extend(_adjacency(n, edges.tolist()))
            return _greedy(adj, t)

        makers += [
            ("greedy frontier", lambda t=t: greedy(t)) for t in (far, *terminals)
        ]
    if n <= _NX_MAX_NODES and len(edges) <= 4 * _NX_MAX_NODES:
        try:
            import networkx  # noqa: F401
        except ImportError:
            pass
        else:
            makers.append(
                ("tree decomposition", lambda: _networkx_order(n, edges.tolist()))
            )
    best = None
    for name, make in makers:
        if name == "greedy frontier" and work * max(1, best.width) > _GREEDY_MAX_WORK:
            continue
        order = edge_order(edges, make())
        width, peak, total = plan_cost(edges, order, terminals)
        if best is None or (total, peak) < (best.total_states, best.peak_states):
            best = FrontierPlan(order, name, width, peak, total)
    return best


def log10(value: int) -> float:
    """``log10`` of a (possibly huge) positive integer."""
    return math.log10(value) if value < 1 << 1000 else len(str(value)) - 1
