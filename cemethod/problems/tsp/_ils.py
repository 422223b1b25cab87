"""Candidate neighbour lists and the Python side of the compiled local search
and iterated local search (``_ils_kernels``). Kernels: no validation here."""

from __future__ import annotations

import numpy as np

from cemethod.problems.tsp._ils_kernels import ils, local_search_nb

__all__ = ["Candidates", "neighbour_lists"]

N_NEIGHBOURS = 10  # candidate neighbours per city
MAX_BLOCK = 50  # longest block a double-bridge kick moves


def neighbour_lists(D: np.ndarray, k: int, coordinates=None):
    """``(out, in)``: for each city its ``k`` nearest cities by ``D[i, j]``
    (out) and by ``D[j, i]`` (in), nearest first, shape (n, k).

    With ``coordinates`` (Euclidean instances) the out list comes from a
    k-d tree (scipy.spatial.cKDTree), O(n k log n), ordered by ``D``;
    otherwise from a stable sort of the rows of ``D`` (ties by the city
    number, so the lists are deterministic).
    """
    n = D.shape[0]
    k = int(min(k, n - 1))
    if coordinates is not None:
        from scipy.spatial import cKDTree

        _, idx = cKDTree(coordinates).query(coordinates, k=min(k + 1, n))
        out = np.empty((n, k), dtype=np.intp)
        for i in range(n):
            row = idx[i][idx[i] != i][:k]
            out[i] = row[np.lexsort((row, D[i, row]))]
        return out, out
    return _nearest(D, k), (_nearest(D.T, k) if not _is_sym(D) else None)


def _is_sym(D):
    return np.array_equal(D, D.T)


def _nearest(D, k):
    """The k nearest by row, nearest first, ties by the city number: a stable
    sort of each row (O(n^2 log n), below the cost of building ``D``)."""
    n = D.shape[0]
    W = D.astype(np.float64, copy=True)
    W[np.arange(n), np.arange(n)] = np.inf
    order = np.argsort(W, axis=1, kind="stable")[:, :k]
    return np.ascontiguousarray(order, dtype=np.intp)


class Candidates:
    """The float64 distance matrix, the neighbour lists and the tolerance of
    one instance, prepared once for the compiled kernels."""

    def __init__(self, D: np.ndarray, symmetric: bool, k: int = N_NEIGHBOURS):
        self.D = np.ascontiguousarray(D, dtype=np.float64)
        self.symmetric = bool(symmetric)
        out = _nearest(self.D, min(k, D.shape[0] - 1))
        self.out = out
        self.inn = out if symmetric else _nearest(self.D.T, out.shape[1])
        scale = float(np.abs(self.D).max()) if self.D.size else 0.0
        # integer lengths are exact in float64: any negative change improves
        integer = D.dtype.kind in "iu"
        self.eps = 0.0 if integer else 1e-9 * max(scale, 1.0)

    def local_search(self, tour) -> np.ndarray:
        """2-opt (symmetric) and Or-opt local optimum from ``tour``."""
        t = np.ascontiguousarray(tour, dtype=np.intp)
        return local_search_nb(self.D, self.out, self.inn, self.symmetric, self.eps, t)

    def ils(self, tour, n_kicks: int, seed: int, max_block: int = MAX_BLOCK):
        """Iterated local search from ``tour`` with ``n_kicks`` kicks."""
        t = np.ascontiguousarray(tour, dtype=np.intp)
        return ils(
            self.D,
            self.out,
            self.inn,
            self.symmetric,
            self.eps,
            t,
            int(n_kicks),
            int(max_block),
            int(seed),
        )
