"""Best-improvement local search for tours: 2-opt and Or-opt with exact costs
for symmetric and asymmetric distances.

Each round evaluates every 2-opt move (reverse ``t[i+1..j]``; Croes 1958) and
every Or-opt move (move a segment of 1 to 3 consecutive nodes elsewhere,
forwards or reversed; Or 1976) as one vectorized (n, n) array of length
changes, applies the best improving move, and stops when none improves: the
result is a local optimum for both neighbourhoods. Reversing a segment of an
asymmetric tour also reverses its inner edges; that change is included through
prefix sums, so the same code is exact for ATSP. Kernels: no validation here.
"""

from __future__ import annotations

import numpy as np

from cemethod.optimize._minimize import minimize

__all__ = ["local_search", "memetic_run", "two_opt_deltas"]

_MAX_SEGMENT = 3  # Or-opt segment lengths 1..3


def _reversal_costs(D: np.ndarray, t: np.ndarray):
    """Prefix sums of the forward and the backward edge costs along ``t``
    (edges t[m] -> t[m + 1], m = 0..n-2): F[k] - F[h] is the cost of the path
    t[h..k], B[k] - B[h] the cost of walking it backwards."""
    fwd = D[t[:-1], t[1:]]
    bwd = D[t[1:], t[:-1]]
    zero = np.zeros(1, dtype=D.dtype)
    return np.concatenate([zero, np.cumsum(fwd)]), np.concatenate(
        [zero, np.cumsum(bwd)]
    )


def two_opt_deltas(D: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``delta[i, j]``: change of the tour length when ``t[i+1..j]`` is
    reversed (0 <= i < j <= n-1, j >= i + 2); other entries are +inf (as
    float) or the dtype maximum (as int). ``i = 0, j = n-1`` reverses the
    direction of the whole tour: the same tour (change 0 up to rounding) when
    ``D`` is symmetric, a different one for an ATSP."""
    n = t.size
    F, B = _reversal_costs(D, t)
    a = t[:, None]  # t[i]
    b = np.roll(t, -1)[:, None]  # t[i + 1]
    c = t[None, :]  # t[j]
    d = np.roll(t, -1)[None, :]  # t[j + 1 mod n]
    # inner edges of t[i+1..j] reversed: (B[j] - B[i+1]) - (F[j] - F[i+1])
    i1 = np.minimum(np.arange(n) + 1, n - 1)[:, None]
    inner = (B[None, :] - B[i1]) - (F[None, :] - F[i1])
    delta = D[a, c] + D[b, d] - D[a, b] - D[c, d] + inner
    i, j = np.ogrid[:n, :n]
    valid = j >= i + 2
    return np.where(valid, delta, _worst(D))


def _worst(D):
    return np.inf if D.dtype.kind == "f" else np.iinfo(D.dtype).max


def _or_opt_deltas(D: np.ndarray, t: np.ndarray, L: int):
    """Length changes of moving the segment t[i..i+L-1] (indices mod n) between
    t[j] and t[j+1]: forwards (index 0) and reversed (index 1), shape (2, n, n)."""
    n = t.size
    idx = np.arange(n)
    s = t[idx]
    e = t[(idx + L - 1) % n]
    p = t[(idx - 1) % n]
    q = t[(idx + L) % n]
    # inner edges of the segment, walked backwards minus forwards
    inner = np.zeros(n, dtype=D.dtype)
    for k in range(L - 1):
        x, y = t[(idx + k) % n], t[(idx + k + 1) % n]
        inner = inner + D[y, x] - D[x, y]
    remove = (D[p, q] - D[p, s] - D[e, q])[:, None]
    u = t[None, :]
    v = np.roll(t, -1)[None, :]
    base = remove - D[u, v]
    fwd = base + D[u, s[:, None]] + D[e[:, None], v]
    rev = base + D[u, e[:, None]] + D[s[:, None], v] + inner[:, None]
    # the insertion edge (t[j], t[j+1]) must not touch the segment:
    # j not in {i-1, ..., i+L-1} (mod n)
    offset = (idx[None, :] - idx[:, None]) % n
    valid = (offset >= L) & (offset != n - 1)
    worst = _worst(D)
    return np.stack([np.where(valid, fwd, worst), np.where(valid, rev, worst)])


def _apply_or_opt(t, i, L, j, reverse):
    n = t.size
    r = np.roll(t, -i)  # the segment first
    seg, rest = r[:L], r[L:]
    k = int(np.flatnonzero(rest == t[j])[0])
    if reverse:
        seg = seg[::-1]
    return np.concatenate([rest[: k + 1], seg, rest[k + 1 :]])[:n]


def local_search(D: np.ndarray, tour: np.ndarray, max_moves: int | None = None):
    """Best-improvement 2-opt + Or-opt from ``tour``; returns ``(tour, n_moves)``.

    Stops at a local optimum (no move shortens the tour by more than a rounding
    tolerance) or after ``max_moves`` moves.
    """
    t = np.array(tour, dtype=np.intp)
    n = t.size
    if n < 4:
        return t, 0
    scale = float(np.abs(D).max()) if D.size else 0.0
    # integer lengths: any negative change improves; floats: beyond rounding
    eps = 0 if D.dtype.kind in "iu" else 1e-9 * max(scale, 1.0) * n
    moves = 0
    while max_moves is None or moves < max_moves:
        d2 = two_opt_deltas(D, t)
        k2 = int(np.argmin(d2))
        best, move = d2.flat[k2], ("2opt", *divmod(k2, n))
        for L in range(1, min(_MAX_SEGMENT, n - 3) + 1):
            dor = _or_opt_deltas(D, t, L)
            k = int(np.argmin(dor))
            if dor.flat[k] < best:
                rev, i, j = np.unravel_index(k, dor.shape)
                best, move = dor.flat[k], ("or", int(i), L, int(j), bool(rev))
        if not best < -eps:
            break
        if move[0] == "2opt":
            _, i, j = move
            t[i + 1 : j + 1] = t[i + 1 : j + 1][::-1].copy()
        else:
            t = _apply_or_opt(t, *move[1:])
        moves += 1
    return t, moves


def memetic_run(problem, family, n_polish_elite: int, polish_one, **kwargs):
    """CE with the local search inside the loop: every iteration the
    ``n_polish_elite`` best sampled tours are replaced by their local optima
    (``polish_one(tour) -> (tour, length)``) before the CE update, so the
    elite, and the fitted transition matrix, are built from 2-opt / Or-opt
    optima (a memetic CE). ``kwargs`` are those of :func:`cemethod.minimize`
    (``workers``, ``callback``, ``progress``, ``checkpoint``, the optimizer's
    options, ...; ``problem`` is always evaluated as vectorized). Returns the
    :class:`CEResult`; its ``nfev`` counts the sampled tours, not the
    local-search moves. The local search runs in this process.
    """

    def refine(X, values):
        X = np.array(X)
        values = np.array(values, dtype=np.float64)
        for k in np.argsort(values, kind="stable")[:n_polish_elite]:
            X[k], values[k] = polish_one(X[k])
        return X, values

    return minimize(problem, family, vectorized=True, _refine=refine, **kwargs)
