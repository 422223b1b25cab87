"""Compiled connectivity test of a batch of failure patterns (union-find)."""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["disconnected"]


@numba.njit(cache=True, nogil=True)
def _find(parent, a):  # pragma: no cover - compiled
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
                a = _find(parent, edges[e, 0])
                b = _find(parent, edges[e, 1])
                if a != b:
                    parent[a] = b
        root = _find(parent, terminals[0])
        apart = False
        for k in range(1, terminals.size):
            if _find(parent, terminals[k]) != root:
                apart = True
                break
        out[s] = apart
    return out
