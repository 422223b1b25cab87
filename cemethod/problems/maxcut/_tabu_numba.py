"""Compiled (numba) kernels of the max-cut tabu search (see ``_tabu``).

Imported on first use, so ``import cemethod`` does not compile them.
"""

import numba
import numpy as np

from cemethod._splitmix import uniform_below as _below

__all__ = ["flip_kernel", "gains_kernel", "tabu_kernel"]


@numba.njit(cache=True, nogil=True)
def gains_kernel(indptr, indices, data, x):
    n = x.size
    g = np.zeros(n)
    for i in range(n):
        s = 0.0
        xi = x[i]
        for k in range(indptr[i], indptr[i + 1]):
            if x[indices[k]] == xi:
                s += data[k]
            else:
                s -= data[k]
        g[i] = s
    return g


@numba.njit(cache=True, nogil=True)
def flip_kernel(indptr, indices, data, x, g, i):
    xi = x[i]
    for k in range(indptr[i], indptr[i + 1]):
        j = indices[k]
        if x[j] == xi:
            g[j] -= 2.0 * data[k]
        else:
            g[j] += 2.0 * data[k]
    g[i] = -g[i]
    x[i] = 1 - xi


@numba.njit(cache=True, nogil=True)
def tabu_kernel(
    indptr,
    indices,
    data,
    x,
    value,
    max_steps,
    stall,
    tenure_min,
    tenure_span,
    tol,
    seed,
):
    state = np.array([seed], dtype=np.uint64)  # seeded from the caller's Generator
    n = x.size
    g = gains_kernel(indptr, indices, data, x)
    tabu_until = np.zeros(n, dtype=np.int64)
    best_x = x.copy()
    best = value
    current = value
    since = 0
    step = 0
    while step < max_steps:
        step += 1
        chosen = -1
        chosen_gain = -np.inf
        ties = 0
        for i in range(n):
            gi = g[i]
            if tabu_until[i] >= step and current + gi <= best + tol:
                continue  # tabu and no aspiration
            if gi > chosen_gain + tol:
                chosen, chosen_gain, ties = i, gi, 1
            elif gi >= chosen_gain - tol:
                ties += 1
                if _below(state, ties) == 0:
                    chosen = i
        if chosen < 0:
            break
        current += g[chosen]
        flip_kernel(indptr, indices, data, x, g, chosen)
        extra = _below(state, tenure_span + 1)
        tabu_until[chosen] = step + tenure_min + extra
        if current > best + tol:
            best = current
            best_x[:] = x
            since = 0
        else:
            since += 1
            if since >= stall:
                break
    return best_x, best, step
