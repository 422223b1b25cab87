"""Compiled kernels of generalized splitting for network unreliability
(see ``_splitting``).

State: the birth times ``Y`` of the merge process, ``Y_e ~ Exp(lambda_e)`` for
the ``m`` links, then (with node failures) one per node; a component is up at
level ``gamma`` when ``Y <= gamma``, and a link is *usable* when it and both its
ends are up. The score is the connection time ``S(Y)``, the smallest ``gamma``
at which the usable links join the terminals, and ``{S > gamma}`` is "the
usable links at ``gamma`` leave a terminal apart". Botev, L'Ecuyer, Rubino,
Simard & Tuffin (2013), sec. 3-4.

``node_rates`` empty: perfect nodes, ``Y`` has ``m`` entries. A perfect link or
node has rate ``inf`` (born at 0), a dead one rate 0 (never born).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from cemethod._splitmix import next_uniform
from cemethod.problems.networks._connectivity import find

__all__ = ["connection_times", "gibbs_sweeps", "splitting_counts"]


@numba.njit(cache=True, nogil=True)
def _usable(edges, y, e, gamma, nodes):  # pragma: no cover - compiled
    if y[e] > gamma:
        return False
    if not nodes:
        return True
    m = edges.shape[0]
    return y[m + edges[e, 0]] <= gamma and y[m + edges[e, 1]] <= gamma


@numba.njit(cache=True, nogil=True)
def _join(parent, n_term, a, b):  # pragma: no cover - compiled
    """Union of the roots ``a`` and ``b``; returns the new root."""
    if a != b:
        parent[a] = b
        n_term[b] += n_term[a]
    return b


@numba.njit(cache=True, nogil=True)
def _rebuild(edges, y, gamma, is_terminal, nodes, parent, n_term):  # pragma: no cover
    """Union-find of the usable links at ``gamma``; ``n_term[root]`` counts the
    terminals of each component."""
    for v in range(parent.size):
        parent[v] = v
        n_term[v] = 1 if is_terminal[v] else 0
    for e in range(edges.shape[0]):
        if _usable(edges, y, e, gamma, nodes):
            _join(parent, n_term, find(parent, edges[e, 0]), find(parent, edges[e, 1]))


@numba.njit(cache=True, nogil=True)
def _apart(edges, y, gamma, is_terminal, k, nodes, parent, n_term):  # pragma: no cover
    """True when the usable links at ``gamma`` leave a terminal apart."""
    _rebuild(edges, y, gamma, is_terminal, nodes, parent, n_term)
    for v in range(parent.size):
        if is_terminal[v]:
            return n_term[find(parent, v)] < k
    return False


@numba.njit(cache=True, nogil=True)
def _sweep_links(edges, rates, y, gamma, is_terminal, k, nodes, parent, n_term, state):
    """Gibbs updates of the link times given ``S(Y) > gamma``.

    Given the rest, ``Y_e`` is free (its nominal exponential) unless ``e`` up
    would join every terminal; then it is an exponential conditioned on
    ``Y_e > gamma``: ``gamma + Exp(lambda_e)`` (memoryless). The components of
    the other usable links are those of the current state when ``e`` is down;
    they are rebuilt only after a usable link went down (it may split one).
    """
    _rebuild(edges, y, gamma, is_terminal, nodes, parent, n_term)
    stale = False
    for e in range(edges.shape[0]):
        draw = -math.log(next_uniform(state)) / rates[e]
        if y[e] <= gamma:  # up: down or up, the terminals stay apart either way
            if draw > gamma and _usable(edges, y, e, gamma, nodes):
                stale = True
            y[e] = draw
            continue
        y[e] = gamma  # probe: would e be usable if up?
        if not _usable(edges, y, e, gamma, nodes):
            y[e] = draw  # an end is down: e changes nothing
            continue
        if stale:
            y[e] = 2.0 * gamma + 1.0
            _rebuild(edges, y, gamma, is_terminal, nodes, parent, n_term)
            stale = False
        a = find(parent, edges[e, 0])
        b = find(parent, edges[e, 1])
        if a != b and n_term[a] + n_term[b] == k:  # e would join them all
            y[e] = gamma + draw
        else:
            y[e] = draw
            if draw <= gamma:
                _join(parent, n_term, a, b)
    return stale


@numba.njit(cache=True, nogil=True)
def _sweep_nodes(
    edges,
    incidence,
    y,
    gamma,
    is_terminal,
    k,
    rates,
    parent,
    n_term,
    mark,
    state,
    stale,
):
    """Gibbs updates of the node times, as for the links: a down node ``v`` is
    conditioned on ``Y_v > gamma`` when bringing it up (with its usable links)
    would join every terminal. ``incidence`` is a CSR list of each node's links."""
    indptr, links = incidence
    m = edges.shape[0]
    for v in range(is_terminal.size):
        draw = -math.log(next_uniform(state)) / rates[m + v]
        if y[m + v] <= gamma:  # up: free; going down may split a component
            if draw > gamma:
                stale = True
            y[m + v] = draw
            continue
        if stale:
            _rebuild(edges, y, gamma, is_terminal, True, parent, n_term)
            stale = False
        # v is down, so it is alone; the terminals of the components it joins:
        y[m + v] = gamma
        total = n_term[v]
        for i in range(indptr[v], indptr[v + 1]):
            e = links[i]
            if _usable(edges, y, e, gamma, True):
                r = find(parent, edges[e, 0] + edges[e, 1] - v)
                if r != v and not mark[r]:
                    mark[r] = 1
                    total += n_term[r]
        for i in range(indptr[v], indptr[v + 1]):  # clear the marks
            e = links[i]
            mark[find(parent, edges[e, 0] + edges[e, 1] - v)] = 0
        if total == k:
            y[m + v] = gamma + draw
            continue
        y[m + v] = draw
        if draw <= gamma:
            root = v
            for i in range(indptr[v], indptr[v + 1]):
                e = links[i]
                if _usable(edges, y, e, gamma, True):
                    u = edges[e, 0] + edges[e, 1] - v  # the other end
                    root = _join(parent, n_term, find(parent, u), find(parent, root))
    return stale


@numba.njit(cache=True, nogil=True)
def _sweep(graph, y, gamma, k, nodes, work, state):  # pragma: no cover - compiled
    """One systematic-scan Gibbs sweep of ``Y`` given ``S(Y) > gamma``."""
    edges, rates, is_terminal, incidence = graph
    parent, n_term, mark = work
    stale = _sweep_links(
        edges, rates, y, gamma, is_terminal, k, nodes, parent, n_term, state
    )
    if nodes:
        _sweep_nodes(
            edges, incidence, y, gamma, is_terminal, k, rates, parent, n_term,
            mark, state, stale,
        )  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _workspace(n_nodes):  # pragma: no cover - compiled
    return (
        np.empty(n_nodes, dtype=np.int64),
        np.empty(n_nodes, dtype=np.int64),
        np.zeros(n_nodes, dtype=np.int64),
    )


@numba.njit(cache=True, nogil=True)
def gibbs_sweeps(graph, Y, gamma, k, nodes, n_sweeps, seed):  # pragma: no cover
    """``n_sweeps`` Gibbs sweeps of every row of ``Y`` (in place) at ``gamma``."""
    state = np.array([seed], dtype=np.uint64)
    work = _workspace(graph[2].size)
    for i in range(Y.shape[0]):
        for _ in range(n_sweeps):
            _sweep(graph, Y[i], gamma, k, nodes, work, state)


@numba.njit(cache=True, nogil=True)
def connection_times(graph, Y, k, nodes):  # pragma: no cover - compiled
    """``S(Y)`` of every row: the time the link that joins the last terminal
    becomes usable (links added in that order)."""
    edges, _, is_terminal, _ = graph
    n = Y.shape[0]
    m = edges.shape[0]
    out = np.empty(n)
    parent, n_term, _ = _workspace(is_terminal.size)
    usable_at = np.empty(m)
    for i in range(n):
        for v in range(parent.size):
            parent[v] = v
            n_term[v] = 1 if is_terminal[v] else 0
        for e in range(m):
            usable_at[e] = Y[i, e]
            if nodes:
                a, b = edges[e, 0], edges[e, 1]
                usable_at[e] = max(usable_at[e], Y[i, m + a], Y[i, m + b])
        out[i] = math.inf
        for e in np.argsort(usable_at):
            if usable_at[e] == math.inf:
                break
            root = _join(
                parent, n_term, find(parent, edges[e, 0]), find(parent, edges[e, 1])
            )
            if n_term[root] == k:
                out[i] = usable_at[e]
                break
    return out


@numba.njit(cache=True, nogil=True)
def splitting_counts(graph, levels, split, k, nodes, seeds, max_sweeps):
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
    edges, rates, is_terminal, _ = graph
    n_levels = levels.size
    counts = np.zeros(seeds.size, dtype=np.int64)
    sweeps = np.zeros(seeds.size, dtype=np.int64)
    cut_short = np.zeros(seeds.size, dtype=np.bool_)
    work = _workspace(is_terminal.size)
    parent, n_term, _ = work
    chain = np.empty((n_levels, rates.size))
    tries = np.zeros(n_levels, dtype=np.int64)
    state = np.zeros(1, dtype=np.uint64)
    for r in range(seeds.size):
        state[0] = seeds[r]
        for j in range(rates.size):
            chain[0, j] = -math.log(next_uniform(state)) / rates[j]
        if not _apart(
            edges, chain[0], levels[0], is_terminal, k, nodes, parent, n_term
        ):
            continue
        t = 0
        tries[0] = 0
        count = 0
        done = 0
        while t >= 0:
            if t == n_levels - 1:  # a state beyond the last level
                count += 1
                t -= 1
                continue
            if tries[t] == split:
                t -= 1
                continue
            tries[t] += 1
            done += 1
            if done > max_sweeps:
                cut_short[r] = True
                break
            y = chain[t]
            _sweep(graph, y, levels[t], k, nodes, work, state)
            if _apart(edges, y, levels[t + 1], is_terminal, k, nodes, parent, n_term):
                chain[t + 1, :] = y
                tries[t + 1] = 0
                t += 1
        counts[r] = count
        sweeps[r] = done
    return counts, sweeps, cut_short
