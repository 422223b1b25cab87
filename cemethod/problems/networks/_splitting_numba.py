"""Compiled kernels of generalized splitting for network unreliability
(see ``_splitting``).

State: the birth times ``Y`` (m,) of the merge process, ``Y_e ~ Exp(lambda_e)``;
link ``e`` is up at level ``gamma`` when ``Y_e <= gamma``. The score is the
connection time ``S(Y)``, the smallest ``gamma`` at which the up links join the
terminals, and ``{S > gamma}`` is "the links up at ``gamma`` leave a terminal
apart". Botev, L'Ecuyer, Rubino, Simard & Tuffin (2013), sec. 3-4.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from cemethod._splitmix import next_uniform
from cemethod.problems.networks._connectivity import find

__all__ = ["connection_times", "gibbs_sweeps", "splitting_counts"]


@numba.njit(cache=True, nogil=True)
def _rebuild(edges, y, gamma, is_terminal, parent, n_term):
    """Union-find of the links up at ``gamma``; ``n_term[root]`` counts the
    terminals of each component."""
    for v in range(parent.size):
        parent[v] = v
        n_term[v] = 1 if is_terminal[v] else 0
    for e in range(y.size):
        if y[e] <= gamma:
            a = find(parent, edges[e, 0])
            b = find(parent, edges[e, 1])
            if a != b:
                parent[a] = b
                n_term[b] += n_term[a]


@numba.njit(cache=True, nogil=True)
def _apart(edges, y, gamma, is_terminal, k, parent, n_term):
    """True when the links up at ``gamma`` leave a terminal apart (S > gamma)."""
    _rebuild(edges, y, gamma, is_terminal, parent, n_term)
    for v in range(parent.size):
        if is_terminal[v]:
            return n_term[find(parent, v)] < k
    return False


@numba.njit(cache=True, nogil=True)
def _sweep(edges, rates, y, gamma, is_terminal, k, parent, n_term, state):
    """One systematic-scan Gibbs sweep of ``Y`` given ``S(Y) > gamma``.

    Given the other links, ``Y_e`` is free (its nominal exponential) unless
    ``e`` up would join every terminal; then it is an exponential conditioned
    on ``Y_e > gamma``, ``gamma + Exp(lambda_e)`` (memoryless). The components
    of the other up links are those of the current state when ``e`` is down;
    they are rebuilt only after a link went down (a removal can split one).
    """
    _rebuild(edges, y, gamma, is_terminal, parent, n_term)
    stale = False
    for e in range(y.size):
        draw = -math.log(next_uniform(state)) / rates[e]
        if y[e] <= gamma:  # up: down or up, the terminals stay apart either way
            y[e] = draw
            if draw > gamma:
                stale = True
            continue
        if stale:
            _rebuild(edges, y, gamma, is_terminal, parent, n_term)
            stale = False
        a = find(parent, edges[e, 0])
        b = find(parent, edges[e, 1])
        if a != b and n_term[a] + n_term[b] == k:  # e would join them all
            y[e] = gamma + draw
        else:
            y[e] = draw
            if draw <= gamma and a != b:
                parent[a] = b
                n_term[b] += n_term[a]


@numba.njit(cache=True, nogil=True)
def gibbs_sweeps(
    edges, rates, Y, gamma, is_terminal, k, n_sweeps, seed
):  # pragma: no cover
    """``n_sweeps`` Gibbs sweeps of every row of ``Y`` (in place) at ``gamma``."""
    state = np.array([seed], dtype=np.uint64)
    parent = np.empty(is_terminal.size, dtype=np.int64)
    n_term = np.empty(is_terminal.size, dtype=np.int64)
    for i in range(Y.shape[0]):
        for _ in range(n_sweeps):
            _sweep(edges, rates, Y[i], gamma, is_terminal, k, parent, n_term, state)


@numba.njit(cache=True, nogil=True)
def connection_times(edges, Y, is_terminal, k):  # pragma: no cover - compiled
    """``S(Y)`` of every row: the birth time of the link that joins the last
    terminal (links added in the order of their birth)."""
    n, _m = Y.shape
    out = np.empty(n)
    parent = np.empty(is_terminal.size, dtype=np.int64)
    n_term = np.empty(is_terminal.size, dtype=np.int64)
    for i in range(n):
        for v in range(parent.size):
            parent[v] = v
            n_term[v] = 1 if is_terminal[v] else 0
        out[i] = math.inf
        for e in np.argsort(Y[i]):
            a = find(parent, edges[e, 0])
            b = find(parent, edges[e, 1])
            if a != b:
                parent[a] = b
                n_term[b] += n_term[a]
                if n_term[b] == k:
                    out[i] = Y[i, e]
                    break
    return out


@numba.njit(cache=True, nogil=True)
def splitting_counts(
    edges, rates, levels, split, is_terminal, k, seeds, max_sweeps
):  # pragma: no cover
    """Independent runs of generalized splitting with fixed levels.

    Botev & Kroese (2012), Algorithm 2: one chain from the nominal law; at level
    ``t`` every chain is advanced ``split`` times by one Gibbs sweep at
    ``gamma_t``, and each state beyond ``gamma_{t+1}`` goes on to the next
    level. The run returns the number of states beyond the last level, so
    ``count / split ** (T - 1)`` is an unbiased estimate of ``P(S > gamma_T)``.
    Depth first, so memory is ``T`` states whatever the count.

    Returns ``(counts, sweeps, cut_short)``: a run that exceeds ``max_sweeps``
    stops with the count it has (the levels are far off; the caller says so).
    """
    n_levels = levels.size
    m = rates.size
    n_nodes = is_terminal.size
    counts = np.zeros(seeds.size, dtype=np.int64)
    sweeps = np.zeros(seeds.size, dtype=np.int64)
    cut_short = np.zeros(seeds.size, dtype=np.bool_)
    parent = np.empty(n_nodes, dtype=np.int64)
    n_term = np.empty(n_nodes, dtype=np.int64)
    chain = np.empty((n_levels, m))
    tries = np.zeros(n_levels, dtype=np.int64)
    state = np.zeros(1, dtype=np.uint64)
    for r in range(seeds.size):
        state[0] = seeds[r]
        for e in range(m):
            chain[0, e] = -math.log(next_uniform(state)) / rates[e]
        if not _apart(edges, chain[0], levels[0], is_terminal, k, parent, n_term):
            continue
        t = 0
        tries[0] = 0
        count = 0
        work = 0
        while t >= 0:
            if t == n_levels - 1:  # a state beyond the last level
                count += 1
                t -= 1
                continue
            if tries[t] == split:
                t -= 1
                continue
            tries[t] += 1
            work += 1
            if work > max_sweeps:
                cut_short[r] = True
                break
            y = chain[t]
            _sweep(edges, rates, y, levels[t], is_terminal, k, parent, n_term, state)
            if _apart(edges, y, levels[t + 1], is_terminal, k, parent, n_term):
                chain[t + 1, :] = y
                tries[t + 1] = 0
                t += 1
        counts[r] = count
        sweeps[r] = work
    return counts, sweeps, cut_short
