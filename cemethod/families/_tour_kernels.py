"""Batch kernels of the Permutation family: tour sampling with renormalised
transitions, its exact log-probability, edge counts and greedy tours.

All tours of a batch advance one step at a time (de Boer, Kroese, Mannor &
Rubinstein 2005, Algorithm 4.1): each step is O(batch * n) numpy work, so a
batch costs n such steps. The batch is cut into chunks that fit in cache.
When numba is installed, sampling and log-probabilities run compiled instead
(``_tour_kernels_numba``, same results, several times faster: the numpy steps
are bound by ``cumsum`` and memory traffic). Kernels do not validate input.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "compiled_kernels",
    "edge_counts",
    "greedy_tours",
    "sample_tours",
    "tour_log_probs",
]

_CHUNK_CELLS = 1 << 16  # tours * n per chunk: keeps the (chunk, n) arrays in cache
_compiled_kernels: tuple | None = None


def compiled_kernels():
    """The numba kernels, or None when numba is not installed (imported once)."""
    global _compiled_kernels
    if _compiled_kernels is None:
        try:
            from cemethod.families import _tour_kernels_numba as nb
        except (ImportError, RuntimeError):
            # RuntimeError: numba found no writable cache location; the numpy
            # kernels give the same tours.
            _compiled_kernels = ()
        else:
            _compiled_kernels = (nb.sample_tours_compiled, nb.tour_log_probs_compiled)
    return _compiled_kernels or None


def _chunk(n_tours: int, n: int) -> int:
    return max(1, min(n_tours, _CHUNK_CELLS // n))


def sample_tours(
    P: np.ndarray, starts: np.ndarray, u: np.ndarray, compiled: bool | None = None
) -> np.ndarray:
    """Tours from transition matrix ``P`` starting at ``starts`` (shape (m,)),
    driven by the uniforms ``u`` in [0, 1) of shape (m, n - 1).

    At each step the next node is drawn from ``P[current]`` restricted to the
    unvisited nodes and renormalised; if that restriction is all zero (a dead
    end) the next node is uniform among the unvisited ones. ``compiled=None``
    uses numba when it is installed.
    """
    kernels = compiled_kernels() if compiled in (None, True) else None
    if compiled and kernels is None:
        raise ImportError("numba is not installed")
    if kernels is not None:
        return kernels[0](P, starts.astype(np.intp), u)
    m, n = u.shape[0], P.shape[0]
    tours = np.empty((m, n), dtype=np.intp)
    step = _chunk(m, n)
    for a in range(0, m, step):
        b = min(a + step, m)
        tours[a:b] = _sample_chunk(P, starts[a:b], u[a:b])
    return tours


def _sample_chunk(P, starts, u):
    m, n = u.shape[0], P.shape[0]
    rows = np.arange(m)
    tours = np.empty((m, n), dtype=np.intp)
    unvisited = np.ones((m, n))
    cur = starts
    tours[:, 0] = cur
    unvisited[rows, cur] = 0.0
    w = np.empty((m, n))
    cs = np.empty((m, n))
    for t in range(1, n):
        np.take(P, cur, axis=0, out=w)
        w *= unvisited
        np.cumsum(w, axis=1, out=cs)
        total = cs[:, -1]
        thr = u[:, t - 1] * total
        # Inverse cdf: the first node whose cumulative weight exceeds thr; since
        # the cumulative sum is non-decreasing that node has positive weight.
        nxt = np.argmax(cs > thr[:, None], axis=1)
        bad = ~(total > thr)
        if bad.any():
            nxt[bad] = _fallback(w[bad], unvisited[bad], u[bad, t - 1])
        tours[:, t] = nxt
        unvisited[rows, nxt] = 0.0
        cur = nxt
    return tours


def _fallback(w, unvisited, u):
    """Rows where ``u * total`` rounded up to ``total`` take the last node of
    positive weight; dead ends (``total == 0``) draw uniformly among the
    unvisited nodes."""
    n = w.shape[1]
    out = n - 1 - np.argmax((w > 0)[:, ::-1], axis=1)
    dead = ~(w.sum(axis=1) > 0)
    if dead.any():
        cs = np.cumsum(unvisited[dead], axis=1)
        thr = np.minimum(np.floor(u[dead] * cs[:, -1]), cs[:, -1] - 1)
        # the (thr + 1)-th unvisited node
        out[dead] = np.argmax(cs > thr[:, None], axis=1)
    return out


def tour_log_probs(
    P: np.ndarray, tours: np.ndarray, compiled: bool | None = None
) -> np.ndarray:
    """Log-probability of each tour under the sampling rule of ``sample_tours``,
    given its first node (the start term is added by the caller)."""
    kernels = compiled_kernels() if compiled in (None, True) else None
    if compiled and kernels is None:
        raise ImportError("numba is not installed")
    if kernels is not None:
        return kernels[1](P, np.ascontiguousarray(tours, dtype=np.intp))
    m, n = tours.shape
    out = np.empty(m)
    step = _chunk(m, n)
    for a in range(0, m, step):
        b = min(a + step, m)
        out[a:b] = _log_prob_chunk(P, tours[a:b])
    return out


def _log_prob_chunk(P, tours):
    m, n = tours.shape
    rows = np.arange(m)
    unvisited = np.ones((m, n))
    cur = tours[:, 0]
    unvisited[rows, cur] = 0.0
    lp = np.zeros(m)
    w = np.empty((m, n))
    with np.errstate(divide="ignore"):
        for t in range(1, n):
            nxt = tours[:, t]
            np.take(P, cur, axis=0, out=w)
            w *= unvisited
            total = w.sum(axis=1)
            num = w[rows, nxt]
            dead = ~(total > 0)
            if dead.any():  # uniform among the n - t unvisited nodes
                num[dead] = 1.0
                total[dead] = n - t
            lp += np.log(num) - np.log(total)
            unvisited[rows, nxt] = 0.0
            cur = nxt
    return lp


def edge_counts(tours: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Weighted counts of the directed edges ``i -> j`` of the tours, including
    the closing edge from the last node back to the first (de Boer et al. 2005,
    eq. (33) numerator)."""
    m = tours.shape[0]
    src = tours
    dst = np.roll(tours, -1, axis=1)
    flat = (src * n + dst).ravel()
    w = np.broadcast_to(weights[:, None], (m, n)).ravel()
    return np.bincount(flat, w, minlength=n * n).reshape(n, n)


def greedy_tours(P: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """From each start, always move to the unvisited node of largest transition
    probability (first on ties; with a dead end all unvisited nodes tie)."""
    m, n = starts.size, P.shape[0]
    rows = np.arange(m)
    tours = np.empty((m, n), dtype=np.intp)
    visited = np.zeros((m, n), dtype=bool)
    cur = starts
    tours[:, 0] = cur
    visited[rows, cur] = True
    for t in range(1, n):
        w = np.where(visited, -1.0, P[cur])
        cur = np.argmax(w, axis=1)
        tours[:, t] = cur
        visited[rows, cur] = True
    return tours
