"""The synthetic max-cut instance of de Boer et al. (2005), Section 3.1."""

from __future__ import annotations

import numbers

import numpy as np

from cemethod._validation import parameter_error
from cemethod.problems.maxcut._weights import dense_matrix

__all__ = ["synthetic_instance"]


def synthetic_instance(n, m, rng=None):
    """``(W, optimum, optimal_solution)`` of ``MaxCut.synthetic``: U(0, 1)
    diagonal blocks of sizes ``m`` and ``n - m``, all-ones off-diagonal blocks;
    optimum and solution only for ``m = n / 2`` (else None, None)."""
    func = "MaxCut.synthetic"
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 2:
        raise parameter_error(func, "n", "an int >= 2", n)
    if not isinstance(m, numbers.Integral) or isinstance(m, bool) or not (1 <= m < n):
        raise parameter_error(func, "m", f"an int in [1, {n - 1}]", m)
    rng = np.random.default_rng(rng)
    n, m = int(n), int(m)
    W = dense_matrix(func, n, 1.0)
    for lo, hi in ((0, m), (m, n)):
        k = hi - lo
        u = np.triu(rng.random((k, k)), 1)
        W[lo:hi, lo:hi] = u + u.T
    if 2 * m != n:
        return W, None, None
    block = np.zeros(n, dtype=np.int8)
    block[:m] = 1
    return W, float(m * (n - m)), block
