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
    order : list of int
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


def _bfs(adj, start):
    n = len(adj)
    seen = [False] * n
    order = []
    for root in [start, *range(n)]:
        if seen[root]:
            continue
        seen[root] = True
        queue = [root]
        for u in queue:
            for v in adj[u]:
                if not seen[v]:
                    seen[v] = True
                    queue.append(v)
        order.extend(queue)
    return order


def _peripheral(adj, start):
    """A node far from ``start`` (the last of a BFS, twice): a pseudo-peripheral
    start for BFS-like orders (George & Liu 1979)."""
    u = start
    for _ in range(2):
        u = _bfs(adj, u)[-1]
    return u


def _rcm(n, edges):
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    a = coo_matrix(
        (np.ones(2 * len(e)), (np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]])),
        shape=(n, n),
    ).tocsr()
    return reverse_cuthill_mckee(a, symmetric_mode=True).tolist()


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
    """Edges sorted by the rank of their later end point, then the earlier."""
    rank = {v: i for i, v in enumerate(node_order)}
    keys = [(max(rank[u], rank[v]), min(rank[u], rank[v])) for u, v in edges]
    return sorted(range(len(keys)), key=keys.__getitem__)


def plan_cost(edges, order, terminals):
    """(width, peak bound, total bound) of the frontier programme along ``order``."""
    first, last = {}, {}
    for pos, e in enumerate(order):
        for v in edges[e]:
            first.setdefault(v, pos)
            last[v] = pos
    delta = [0] * (len(order) + 1)
    for v, f in first.items():
        delta[f] += 1
        delta[last[v]] -= 1
    # A terminal on the frontier is in its own node's block: no choice. Its
    # mark is free (a block of the partition) once it has left the frontier.
    gone_at = [last.get(t, -1) for t in terminals]
    width = size = peak = total = 0
    for pos in range(len(order)):
        size += delta[pos]
        marks = sum(1 for g in gone_at if 0 <= g <= pos)
        bound = state_bound(size, marks)
        width, peak, total = max(width, size), max(peak, bound), total + bound
    return width, peak, total


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
    (when ``n`` times the best width so far is small), and, if networkx is
    installed and the graph small, the introduction order of a min-fill tree
    decomposition. Cost: the total state bound (the work), then the peak.
    """
    edges = [tuple(e) for e in edges]
    adj = _adjacency(n, edges)
    start = terminals[0] if terminals else 0
    far = _peripheral(adj, start)
    makers = [
        ("BFS from a terminal", lambda: _bfs(adj, start)),
        ("BFS from a peripheral node", lambda: _bfs(adj, far)),
        ("reverse Cuthill-McKee", lambda: _rcm(n, edges)),
        ("greedy frontier", lambda: _greedy(adj, far)),
    ]
    makers += [("greedy frontier", lambda t=t: _greedy(adj, t)) for t in terminals]
    if n <= _NX_MAX_NODES:
        try:
            import networkx  # noqa: F401
        except ImportError:
            pass
        else:
            makers.append(("tree decomposition", lambda: _networkx_order(n, edges)))
    best = None
    for name, make in makers:
        if name == "greedy frontier" and n * best.width > _GREEDY_MAX_WORK:
            continue
        order = edge_order(edges, make())
        width, peak, total = plan_cost(edges, order, terminals)
        if best is None or (total, peak) < (best.total_states, best.peak_states):
            best = FrontierPlan(order, name, width, peak, total)
    return best


def log10(value: int) -> float:
    """``log10`` of a (possibly huge) positive integer."""
    return math.log10(value) if value < 1 << 1000 else len(str(value)) - 1
