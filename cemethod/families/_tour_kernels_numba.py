"""Compiled (numba) versions of the tour kernels of ``_tour_kernels``.

They follow the numpy kernels operation for operation (the same sums in the
same order, the same inverse-cdf rule and fallbacks), so a seed gives the same
tours with or without numba. Each tour keeps its unvisited nodes in a sorted
list, so step ``t`` costs O(n - t) and no batch-sized temporaries are made.
Imported only when numba is installed.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["sample_tours_compiled", "tour_log_probs_compiled"]


@numba.njit(cache=True, nogil=True)
def _unvisited_list(n, start, unv):  # pragma: no cover - compiled
    k = 0
    for j in range(n):
        if j != start:
            unv[k] = j
            k += 1
    return k


@numba.njit(cache=True, nogil=True)
def _remove(unv, k, pos):  # pragma: no cover - compiled
    for a in range(pos, k - 1):
        unv[a] = unv[a + 1]


@numba.njit(cache=True, nogil=True)
def sample_tours_compiled(P, starts, u):  # pragma: no cover - compiled
    m = u.shape[0]
    n = P.shape[0]
    out = np.empty((m, n), dtype=np.intp)
    unv = np.empty(n, dtype=np.intp)
    for r in range(m):
        cur = starts[r]
        out[r, 0] = cur
        k = _unvisited_list(n, cur, unv)
        for t in range(1, n):
            total = 0.0
            for a in range(k):
                total += P[cur, unv[a]]
            thr = u[r, t - 1] * total
            pick = -1
            if total > thr:  # inverse cdf: first node whose cumulative sum > thr
                s = 0.0
                for a in range(k):
                    s += P[cur, unv[a]]
                    if s > thr:
                        pick = a
                        break
            elif total > 0.0:  # u * total rounded up to total: last positive node
                for a in range(k - 1, -1, -1):
                    if P[cur, unv[a]] > 0.0:
                        pick = a
                        break
            else:  # dead end: uniform among the k unvisited nodes
                pick = min(math.floor(u[r, t - 1] * k), k - 1)
            nxt = unv[pick]
            _remove(unv, k, pick)
            k -= 1
            out[r, t] = nxt
            cur = nxt
    return out


@numba.njit(cache=True, nogil=True)
def tour_log_probs_compiled(P, tours):  # pragma: no cover - compiled
    m, n = tours.shape
    out = np.empty(m)
    unv = np.empty(n, dtype=np.intp)
    for r in range(m):
        cur = tours[r, 0]
        k = _unvisited_list(n, cur, unv)
        lp = 0.0
        for t in range(1, n):
            nxt = tours[r, t]
            total = 0.0
            pos = 0
            for a in range(k):
                total += P[cur, unv[a]]
                if unv[a] == nxt:
                    pos = a
            if total > 0.0:
                num = P[cur, nxt]
                lp += math.log(num) - math.log(total) if num > 0.0 else -math.inf
            else:  # dead end: uniform among the k unvisited nodes
                lp -= math.log(k)
            _remove(unv, k, pos)
            k -= 1
            cur = nxt
        out[r] = lp
    return out
