"""One-flip gains and tabu search for max-cut on a CSR adjacency matrix.

The gain of node ``i`` is the change of the cut value when ``i`` changes side:
``g_i = sum_j w_ij (1 if x_j == x_i else -1)`` (the same-side weight minus the
crossing weight at ``i``). Flipping ``i`` negates ``g_i`` and changes the gain
of each neighbour ``j`` by ``-2 w_ij`` (it was on ``i``'s side) or ``+2 w_ij``
(it was not): O(degree) per flip.

The tabu search is the one-flip tabu search of the max-cut literature (Glover
& Laguna 1997, "Tabu Search", Kluwer; Kochenberger, Hao, Lu, Wang & Glover
2013, "Solving large scale max cut problems via tabu search", J. Heuristics
19:565-571): each step flips the admissible node of largest gain (steepest
ascent, ties broken at random), even when that lowers the cut; a flipped node
stays tabu for ``tenure_min + U{0..tenure_span}`` steps unless flipping it
would beat the best cut found (aspiration). It keeps the best cut seen and
stops after ``max_steps`` steps or ``stall`` steps without a new best.

Kernels compiled with numba (imported on first use); no validation here.
"""

from __future__ import annotations

import numpy as np

__all__ = ["gains", "tabu_search"]

_kernels = None


def _compile():
    """The compiled kernels (imported once, on first use)."""
    global _kernels
    if _kernels is None:
        from cemethod.problems.maxcut import _tabu_numba as nb

        _kernels = (nb.gains_kernel, nb.flip_kernel, nb.tabu_kernel)
    return _kernels


def _csr_arrays(W):
    return (
        np.asarray(W.indptr, dtype=np.int64),
        np.asarray(W.indices, dtype=np.int64),
        np.asarray(W.data, dtype=np.float64),
    )


def gains(W, x) -> np.ndarray:
    """One-flip gains of the 0/1 vector ``x`` on the CSR matrix ``W``."""
    gains_kernel, _, _ = _compile()
    return gains_kernel(*_csr_arrays(W), np.ascontiguousarray(x, dtype=np.int8))


def flip_all(W, x, nodes):
    """Flip ``nodes`` one after the other from ``x``, keeping the gains up to
    date incrementally; returns ``(x, gains)`` (the kernel the tabu search runs,
    exposed for the tests)."""
    gains_kernel, flip_kernel, _ = _compile()
    arrays = _csr_arrays(W)
    x = np.array(x, dtype=np.int8)
    g = gains_kernel(*arrays, x)
    for i in nodes:
        flip_kernel(*arrays, x, g, int(i))
    return x, g


def tabu_search(
    W, x, value, *, max_steps, stall, tenure_min, tenure_span, seed, tol=None
):
    """Tabu search from the 0/1 vector ``x`` of cut value ``value``; returns
    ``(best_x, best_value, steps)``. ``best_value`` is ``value`` plus the sum of
    the gains of the flips (accumulated in float64; exact for integer
    weights)."""
    *_, tabu_kernel = _compile()
    arrays = _csr_arrays(W)
    if tol is None:
        scale = float(np.abs(arrays[2]).max()) if arrays[2].size else 1.0
        tol = 1e-9 * max(scale, 1.0)
    best_x, best, steps = tabu_kernel(
        *arrays,
        np.array(x, dtype=np.int8),
        float(value),
        int(max_steps),
        int(stall),
        int(tenure_min),
        int(tenure_span),
        float(tol),
        int(seed),
    )
    return best_x, float(best), int(steps)
