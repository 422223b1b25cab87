"""Compiled connectivity test of a batch of failure patterns (union-find)."""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["disconnected", "enumerate_unreliability", "find"]

MAX_ENUMERATION_EDGES = 22


@numba.njit(cache=True, nogil=True)
def find(parent, a):  # pragma: no cover - compiled
    """Root of ``a`` in the union-find forest ``parent`` (path halving)."""
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


@numba.njit(cache=True, nogil=True)
def disconnected(n_nodes, edges, X, terminals):  # pragma: no cover - compiled
    """Boolean (n,): the working links of each row of ``X`` (1 = failed) leave
    some terminal apart from ``terminals[0]``."""
    n, m = X.shape
    out = np.empty(n, dtype=np.bool_)
    parent = np.empty(n_nodes, dtype=np.int64)
    for s in range(n):
        for v in range(n_nodes):
            parent[v] = v
        for e in range(m):
            if X[s, e] == 0:
                a = find(parent, edges[e, 0])
                b = find(parent, edges[e, 1])
                if a != b:
                    parent[a] = b
        root = find(parent, terminals[0])
        apart = False
        for k in range(1, terminals.size):
            if find(parent, terminals[k]) != root:
                apart = True
                break
        out[s] = apart
    return out


def enumerate_unreliability(net, terminals, node_q=None, chunk=1 << 14) -> float:
    """Exact unreliability for any terminal set: the sum of the probabilities of
    the ``2^m`` failure patterns that leave a terminal apart (m <= 22); with
    ``node_q``, of the ``2^(m + n)`` patterns of the links and the nodes."""
    from cemethod.problems.networks._nodes import usable_failures

    q = net.q if node_q is None else np.concatenate([net.q, node_q])
    m = q.size
    terminals = np.asarray(terminals, dtype=np.int64)
    bits = np.arange(m, dtype=np.int64)
    parts = []
    for start in range(0, 1 << m, chunk):
        codes = np.arange(start, min(start + chunk, 1 << m), dtype=np.int64)
        x = ((codes[:, None] >> bits) & 1).astype(np.int8)  # 1 = failed
        links = x if node_q is None else usable_failures(net.edges, x)
        bad = disconnected(net.n_nodes, net.edges, links, terminals)
        if bad.any():
            prob = np.prod(np.where(x[bad] == 1, q, 1.0 - q), axis=1)
            parts.extend(prob.tolist())
    return math.fsum(parts)
