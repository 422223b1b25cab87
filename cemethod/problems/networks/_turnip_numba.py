"""Compiled kernels of permutation Monte Carlo and turnip (see ``_turnip``).

The merge process of Elperin, Gertsbakh & Lomonosov (1991): edge ``e`` is born at
an ``Exp(lambda_e)`` time, ``lambda_e = -log q_e``, so that it is up at time 1 with
probability ``1 - q_e``. Given the order of the births, the time at which the
terminals join is a sum of independent exponentials whose rates are the total
rates of the edges still unborn (permutation Monte Carlo) or still joining two
components (turnip: Gertsbakh & Shpungin 2010, ch. 9); its survival at 1 is the
conditional unreliability.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from cemethod.problems.networks._connectivity import find as _find

__all__ = ["merge_log_survivals"]

_REL_TOL = 1e-9  # accepted error bound of the divided-difference recurrence


@numba.njit(cache=True, nogil=True)
def _divided_differences(rates, r, work, out):  # pragma: no cover - compiled
    """log P(X(1) = j), j = 1..r, of the pure-birth chain with decreasing rates,
    by the Newton divided differences of exp (Opitz): ``T[i, j] = (L_i T[i+1, j] -
    L_{j-1} T[i, j-1]) / (L_i - L_j)``, in log space, one diagonal at a time.

    Returns a bound on the relative error (each subtraction multiplies the error
    of its operands by ``(a + b) / (a - b)``); NaN when a subtraction failed.
    """
    log_t, err, log_rate = work[0], work[1], work[2]
    for i in range(r):
        log_rate[i] = math.log(rates[i])
        log_t[i] = -rates[i]
        err[i] = 1e-16
    out[0] = log_t[0]
    worst = 1e-16
    for d in range(1, r):
        for i in range(r - d):
            j = i + d
            # a = L_i T[i+1, j], b = L_{j-1} T[i, j-1]; T[i, j] = (a - b) / gap
            log_a = log_rate[i] + log_t[i + 1]
            ratio = math.exp(log_rate[j - 1] + log_t[i] - log_a)  # b / a
            if not ratio < 1.0:
                return math.nan  # a <= b in floating point: no digit left
            log_t[i] = log_a + math.log1p(-ratio) - math.log(rates[i] - rates[j])
            err[i] = (err[i + 1] + ratio * err[i]) / (1.0 - ratio) + 1e-16
        out[d] = log_t[0]
        worst = max(worst, err[0])
    return worst


@numba.njit(cache=True, nogil=True)
def _uniformized(rates, r, pi, out):  # pragma: no cover - compiled
    """log P(X(1) <= r) by uniformization at rate L_1: a Poisson mixture of the
    embedded chain, every term positive (no cancellation); cost ~ L_1 * r."""
    u = rates[0]
    for k in range(r):
        pi[k] = 0.0
    pi[0] = 1.0
    log_scale = 0.0
    total = -math.inf
    log_pois = -u
    n_max = int(u + 12.0 * math.sqrt(u) + 50.0)
    for n in range(n_max + 1):
        s = 0.0
        for k in range(r):
            s += pi[k]
        if s > 0.0:
            term = log_pois + log_scale + math.log(s)
            total = max(total, term) + math.log1p(math.exp(-abs(total - term)))
        carry = 0.0
        top = 0.0
        for k in range(r):
            moved = pi[k] * (rates[k] / u)
            pi[k] = pi[k] - moved + carry
            carry = moved
            top = max(top, pi[k])
        if 0.0 < top < 1e-200:
            for k in range(r):
                pi[k] /= top
            log_scale += math.log(top)
        log_pois += math.log(u) - math.log(n + 1.0)
    out[0] = total
    return total


@numba.njit(cache=True, nogil=True)
def _log_survival(rates, r, work, pi, first):  # pragma: no cover - compiled
    """log P(Exp(rates[0]) + ... + Exp(rates[r-1]) > 1), rates decreasing."""
    if r == 0:
        return -math.inf
    err = _divided_differences(rates, r, work, first)
    if err == err and err < _REL_TOL:
        top = -math.inf
        for k in range(r):
            top = max(top, first[k])
        if top == -math.inf:
            return top
        s = 0.0
        for k in range(r):
            s += math.exp(first[k] - top)
        return top + math.log(s)
    return _uniformized(rates, r, pi, first)


@numba.njit(cache=True, nogil=True)
def merge_log_survivals(
    n_nodes, edges, rates, is_terminal, n_terminals, uniforms, turnip
):  # pragma: no cover - compiled
    """For each row of ``uniforms`` (one merge process, shape (n, m)), the log of
    the conditional probability that the terminals are still apart at time 1,
    and the number of steps. ``turnip``: edges inside a component leave the pool
    as soon as they become internal."""
    n, m = uniforms.shape
    out = np.empty(n)
    steps = np.empty(n, dtype=np.int64)
    parent = np.empty(n_nodes, dtype=np.int64)
    count = np.empty(n_nodes, dtype=np.int64)
    pool = np.empty(m, dtype=np.int64)
    lam = np.empty(m)
    work = np.empty((3, m))
    pi = np.empty(m)
    first = np.empty(m)
    for s in range(n):
        for v in range(n_nodes):
            parent[v] = v
            count[v] = 1 if is_terminal[v] else 0
        size = m
        for e in range(m):
            pool[e] = e
        r = 0
        while True:
            total = 0.0
            for k in range(size):
                total += rates[pool[k]]
            lam[r] = total
            u = uniforms[s, r] * total
            pick = size - 1
            acc = 0.0
            for k in range(size):
                acc += rates[pool[k]]
                if acc >= u:
                    pick = k
                    break
            e = pool[pick]
            pool[pick] = pool[size - 1]
            size -= 1
            r += 1
            a = _find(parent, edges[e, 0])
            b = _find(parent, edges[e, 1])
            joined = False
            if a != b:
                parent[a] = b
                count[b] += count[a]
                joined = count[b] == n_terminals
            if joined or size == 0:
                break
            if turnip and a != b:
                keep = 0
                for k in range(size):
                    f = pool[k]
                    if _find(parent, edges[f, 0]) != _find(parent, edges[f, 1]):
                        pool[keep] = f
                        keep += 1
                size = keep
                if size == 0:
                    break
        steps[s] = r
        out[s] = _log_survival(lam, r, work, pi, first)
    return out, steps
