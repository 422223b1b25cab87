"""Greedy allocation and one-slot local search for :class:`BufferAllocation`.

The baseline of issue 20 and an optional polish of a CE answer. Both compare
candidates on common random numbers (every candidate of a step reads the same
``replications`` streams), so a difference between two neighbours is not
swamped by the run-to-run noise (Law & Kelton, Simulation Modeling and
Analysis, Sec. 11.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cemethod._validation import check_int_at_least, parameter_error

__all__ = ["HeuristicResult", "greedy_allocation", "local_search"]


@dataclass(frozen=True)
class HeuristicResult:
    """Allocation found by a heuristic.

    Attributes
    ----------
    x : ndarray of int, shape (d,)
    fun : float
        Its CRN mean throughput in the last step (optimistic: the best of
        the compared candidates).
    n_simulations : int
        Simulation runs used (candidates times replications, summed).
    n_steps : int
    """

    x: np.ndarray
    fun: float
    n_simulations: int
    n_steps: int


def _crn_means(problem, X, replications, rng):
    seeds = rng.integers(0, 2**63 - 1, size=replications)
    values = np.stack([problem(X, seed=int(s)) for s in seeds])
    return values.mean(axis=0), values


def greedy_allocation(problem, *, replications=5, rng=None):
    """Add the ``total_buffer`` slots one at a time, each to the buffer whose
    increment gives the highest CRN mean throughput (the one-slot greedy of
    the issue's baseline).

    Examples
    --------
    >>> from cemethod.problems import BufferAllocation
    >>> from cemethod.problems.production_line import greedy_allocation
    >>> prob = BufferAllocation([1.0, 1.2, 1.0], None, None, total_buffer=4)
    >>> greedy_allocation(prob, rng=0).x.tolist()
    [2, 2]
    """
    func = "greedy_allocation"
    replications = check_int_at_least(replications, param="replications", func=func)
    rng = np.random.default_rng(rng)
    d = problem.n_dims
    x = np.zeros(d, dtype=np.int64)
    used, fun = 0, float("nan")
    eye = np.eye(d, dtype=np.int64)
    for _ in range(problem.total_buffer):
        means, _ = _crn_means(problem, x + eye, replications, rng)
        used += d * replications
        best = int(np.argmax(means))
        x = x + eye[best]
        fun = float(means[best])
    return HeuristicResult(x, fun, used, problem.total_buffer)


def local_search(problem, x, *, replications=10, max_steps=100, rng=None):
    """Steepest ascent over the one-slot moves (one slot from buffer ``i`` to
    buffer ``j``) of allocation ``x``. A step compares ``x`` and its
    ``d (d - 1)`` neighbours on the same fresh CRN streams and moves only when
    the best neighbour beats ``x`` by more than two standard errors of the
    paired difference; it stops when no neighbour does or after ``max_steps``.
    """
    func = "local_search"
    replications = check_int_at_least(
        replications, param="replications", func=func, low=2
    )
    max_steps = check_int_at_least(max_steps, param="max_steps", func=func, low=0)
    rng = np.random.default_rng(rng)
    x = np.asarray(x, dtype=np.int64).copy()
    d = problem.n_dims
    if x.shape != (d,) or x.sum() != problem.total_buffer or np.any(x < 0):
        raise parameter_error(
            func, "x", f"{d} non-negative integers summing to "
            f"{problem.total_buffer}", x,
        )  # fmt: skip
    pairs = [(i, j) for i in range(d) for j in range(d) if i != j]
    used, fun, steps = 0, float("nan"), 0
    for steps in range(1, max_steps + 1):  # noqa: B007
        moves = [(i, j) for i, j in pairs if x[i] > 0]
        X = np.repeat(x[None, :], len(moves) + 1, axis=0)
        for k, (i, j) in enumerate(moves, start=1):
            X[k, i] -= 1
            X[k, j] += 1
        means, values = _crn_means(problem, X, replications, rng)
        used += len(X) * replications
        fun = float(means[0])
        if not moves:
            break
        diff = values[:, 1:] - values[:, :1]
        k = int(np.argmax(diff.mean(axis=0)))
        se = diff[:, k].std(ddof=1) / np.sqrt(replications)
        if diff[:, k].mean() <= 2.0 * se:
            break
        x = X[k + 1].copy()
        fun = float(means[k + 1])
    return HeuristicResult(x, fun, used, steps)
