"""Exact steady-state throughput of a small serial production line (CTMC).

The line: machines ``0 .. m-1`` with exponential processing rates ``mu_i``,
operation-dependent failures (a machine fails only while it processes a part,
at rate ``f_i``; it keeps the part and resumes it after an exponential repair
of rate ``r_i``), and ``m - 1`` finite buffers, buffer ``i`` of capacity ``b_i``
between machines ``i`` and ``i + 1``. Blocking after service: a machine that
finished a part and finds buffer and next machine full keeps the part and is
blocked until a slot frees. The first machine is never starved, the last never
blocked (Buzacott & Shanthikumar 1993, "Stochastic Models of Manufacturing
Systems", Ch. 5; Gershwin 1994, "Manufacturing Systems Engineering", Ch. 3).

A state is (machine states, buffer levels); machine states are ``WORKING``,
``DOWN`` (failed, holds an unfinished part), ``BLOCKED`` (holds a finished part)
and ``STARVED`` (empty). The reachable states are enumerated from the empty
line, the generator ``Q`` is built sparse and ``pi Q = 0, sum(pi) = 1`` is
solved with scipy; the throughput is ``mu_{m-1} * P(last machine WORKING)``,
the rate of completions at the last machine. The transition rule
(:func:`complete`) is the same one the simulator follows.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse
import scipy.sparse.linalg

from cemethod._validation import check_int_at_least
from cemethod.problems.production_line._checks import check_line

__all__ = [
    "BLOCKED",
    "DOWN",
    "STARVED",
    "WORKING",
    "complete",
    "exact_throughput",
    "line_throughput",
]

WORKING, DOWN, BLOCKED, STARVED = 0, 1, 2, 3


def _pull(state: list, level: list, j: int) -> None:
    """Machine ``j`` just released its part: it takes the next one, if any.

    A blocked upstream machine hands its finished part on (into the buffer,
    which stays full, or straight to ``j`` when the buffer has no slot) and
    itself pulls in turn: the release propagates upstream.
    """
    while True:
        if j == 0:  # an unlimited supply of raw parts
            state[0] = WORKING
            return
        if state[j - 1] == BLOCKED:
            state[j] = WORKING
            j -= 1
        elif level[j - 1] > 0:
            level[j - 1] -= 1
            state[j] = WORKING
            return
        else:
            state[j] = STARVED
            return


def complete(state: list, level: list, capacity, i: int) -> bool:
    """Machine ``i`` finishes its part (in place); True if it left the line."""
    m = len(state)
    if i == m - 1:
        _pull(state, level, i)
        return True
    if state[i + 1] == STARVED:  # the next machine takes the part at once
        state[i + 1] = WORKING
        _pull(state, level, i)
    elif level[i] < capacity[i]:
        level[i] += 1
        _pull(state, level, i)
    else:  # blocking after service
        state[i] = BLOCKED
    return False


def _generator(mu, f, r, capacity):
    """Reachable states (list of tuples) and the sparse generator ``Q``."""
    m = len(mu)
    start = (WORKING,) + (STARVED,) * (m - 1), (0,) * (m - 1)
    index = {start: 0}
    states = [start]
    rows, cols, vals = [], [], []
    k = 0
    while k < len(states):
        machine, level = states[k]
        for i in range(m):
            moves = []
            if machine[i] == WORKING:
                s, b = list(machine), list(level)
                complete(s, b, capacity, i)
                moves.append(((tuple(s), tuple(b)), mu[i]))
                if f[i] > 0:
                    s = list(machine)
                    s[i] = DOWN
                    moves.append(((tuple(s), level), f[i]))
            elif machine[i] == DOWN:
                s = list(machine)
                s[i] = WORKING
                moves.append(((tuple(s), level), r[i]))
            for target, rate in moves:
                j = index.get(target)
                if j is None:
                    j = index[target] = len(states)
                    states.append(target)
                rows.append(k)
                cols.append(j)
                vals.append(rate)
        k += 1
    return states, np.array(rows), np.array(cols), np.array(vals, dtype=float)


def stationary_distribution(mu, f, r, capacity):
    """Reachable states and their stationary probabilities ``pi``."""
    states, rows, cols, vals = _generator(mu, f, r, capacity)
    n = len(states)
    if n == 1:
        return states, np.ones(1)
    # pi Q = 0 is Q^T pi = 0: entry (j, i) holds the rate i -> j and the
    # diagonal -(outflow of j). The balance equation of state 0 is replaced by
    # sum(pi) = 1 (the chain is irreducible on the states reachable from the
    # empty line).
    out = np.bincount(rows, vals, minlength=n)
    a_row = np.concatenate([cols, np.arange(n)])
    a_col = np.concatenate([rows, np.arange(n)])
    a_val = np.concatenate([vals, -out])
    keep = a_row != 0
    a_row = np.concatenate([a_row[keep], np.zeros(n, dtype=a_row.dtype)])
    a_col = np.concatenate([a_col[keep], np.arange(n)])
    a_val = np.concatenate([a_val[keep], np.ones(n)])
    A = scipy.sparse.csc_matrix((a_val, (a_row, a_col)), shape=(n, n))
    rhs = np.zeros(n)
    rhs[0] = 1.0
    return states, scipy.sparse.linalg.spsolve(A, rhs)


def exact_throughput(mu, f, r, capacity) -> float:
    """Steady-state throughput of one line (kernel: no validation)."""
    mu = [float(v) for v in mu]
    states, pi = stationary_distribution(
        mu, [float(v) for v in f], [float(v) for v in r], [int(c) for c in capacity]
    )
    working = np.array([s[0][-1] == WORKING for s in states])
    return float(mu[-1] * pi[working].sum())


def line_throughput(
    service_rates, buffers, failure_rates=None, repair_rates=None, *, max_states=10**6
):
    """Exact steady-state throughput of serial production lines (small ones).

    Builds the continuous-time Markov chain of the line (machine states and
    buffer levels, module docstring) and solves ``pi Q = 0`` with scipy; the
    throughput is the rate of completions at the last machine.

    Parameters
    ----------
    service_rates : array_like, shape (m,) or (n, m)
        Exponential processing rates ``mu_i`` of the ``m >= 2`` machines.
    buffers : array_like of int, shape (m - 1,) or (n, m - 1)
        Capacities ``b_i >= 0`` of the buffers between consecutive machines
        (slots besides the machines themselves: blocking after service lets
        ``b_i + 2`` parts sit between the two machines).
    failure_rates : array_like, optional
        Rates ``f_i >= 0`` of operation-dependent failures (default 0: reliable).
    repair_rates : array_like, optional
        Rates ``r_i > 0`` of the exponential repairs (default 1).
    max_states : int, default=10**6
        Refuse lines whose state space may exceed this (the bound used is
        ``3**m * prod(b_i + 1)``).

    Returns
    -------
    float, or ndarray of shape (n,) for a batch.

    Examples
    --------
    Two reliable machines with a buffer of ``b`` slots form an M/M/1/K queue
    with ``K = b + 2`` (the throughput is ``mu_2 * (1 - P(empty))``):

    >>> from cemethod.problems import line_throughput
    >>> rho, K = 1.0 / 2.0, 3
    >>> round(2.0 * (rho - rho ** (K + 1)) / (1 - rho ** (K + 1)), 10)
    0.9333333333
    >>> round(line_throughput([1.0, 2.0], [1]), 10)
    0.9333333333
    """
    func = "line_throughput"
    max_states = check_int_at_least(max_states, param="max_states", func=func)
    mu, f, r, cap, single = check_line(
        func, service_rates, buffers, failure_rates, repair_rates
    )
    m = mu.shape[1]
    bound = 3.0**m * np.prod(cap + 1.0, axis=1)
    if np.any(bound > max_states):
        raise ValueError(
            f"The line given to {func} may have up to {int(bound.max())} states, "
            f"more than max_states={max_states}; estimate its throughput with "
            "simulate_line_throughput instead."
        )
    out = np.array(
        [exact_throughput(mu[k], f[k], r[k], cap[k]) for k in range(mu.shape[0])]
    )
    return float(out[0]) if single else out
