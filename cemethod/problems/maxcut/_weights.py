"""Checks of the weight matrix of a max-cut problem, dense or sparse."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from cemethod._limits import check_memory
from cemethod._validation import parameter_error

__all__ = [
    "check_dense_weights",
    "check_sparse_weights",
    "dense_matrix",
    "symmetric_csr",
]


def check_dense_weights(weights, func: str) -> np.ndarray:
    w = np.asarray(weights)
    if w.ndim != 2 or w.shape[0] != w.shape[1] or w.shape[0] < 2:
        raise parameter_error(func, "weights", "a square matrix with n >= 2 rows", w)
    if not np.issubdtype(w.dtype, np.number) or np.iscomplexobj(w):
        raise parameter_error(func, "weights", "a matrix of real numbers", w)
    w = w.astype(float)
    if not np.all(np.isfinite(w)):
        raise parameter_error(func, "weights", "a matrix of finite numbers", w)
    if not np.array_equal(w, w.T):
        raise parameter_error(func, "weights", "a symmetric matrix", w)
    # Self-loops never cross a cut: drop them so the matrix products stay exact.
    np.fill_diagonal(w, 0.0)
    w.flags.writeable = False
    return w


def check_sparse_weights(weights, func: str) -> sp.csr_matrix:
    """A scipy.sparse weight matrix as a read-only CSR of float64 with sorted
    indices, no stored zeros and no diagonal."""
    if (
        weights.ndim != 2
        or weights.shape[0] != weights.shape[1]
        or (weights.shape[0] < 2)
    ):
        raise parameter_error(
            func, "weights", "a square matrix with n >= 2 rows", weights
        )
    if not np.issubdtype(weights.dtype, np.number) or np.iscomplexobj(
        weights.data if hasattr(weights, "data") else weights
    ):
        raise parameter_error(func, "weights", "a matrix of real numbers", weights)
    c = sp.coo_matrix(weights, dtype=np.float64)
    if not np.all(np.isfinite(c.data)):
        raise parameter_error(func, "weights", "a matrix of finite numbers", weights)
    off = c.row != c.col  # self-loops never cross a cut
    w = sp.csr_matrix((c.data[off], (c.row[off], c.col[off])), shape=c.shape)
    w.sum_duplicates()
    w.eliminate_zeros()
    if (w - w.T).count_nonzero():
        raise parameter_error(func, "weights", "a symmetric matrix", weights)
    w.sort_indices()
    for a in (w.data, w.indices, w.indptr):
        a.flags.writeable = False
    return w


def symmetric_csr(n: int, ij: np.ndarray, w: np.ndarray) -> sp.csr_matrix:
    """The symmetric n x n CSR matrix of the edges ``ij`` (repeats add up)."""
    rows = np.concatenate([ij[:, 0], ij[:, 1]])
    cols = np.concatenate([ij[:, 1], ij[:, 0]])
    return sp.csr_matrix((np.concatenate([w, w]), (rows, cols)), shape=(n, n))


def dense_matrix(func: str, n: int, value: float) -> np.ndarray:
    """An n x n matrix filled with ``value``, refused first when it and the
    problem's copy of it (16 bytes an entry) would not fit."""
    check_memory(
        func,
        f"{n} nodes",
        16.0 * n * n,
        "the dense weight matrix (sparse=True holds only the edges)",
    )
    return np.full((n, n), value)
