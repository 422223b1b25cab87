"""Buffer allocation and throughput maximization in serial production lines.

Noisy objectives for the cross-entropy method: the steady-state throughput of
a line, estimated by simulation (``_line_simulation``), checked against the
exact value of its continuous-time Markov chain (``_line_markov``).

- :class:`BufferAllocation`: Alon, Kroese, Raviv & Rubinstein (2005),
  "Application of the cross-entropy method to the buffer allocation problem
  in a simulation-based environment", Ann. Oper. Res. 134:137-151. Given the
  machines' processing, failure and repair rates, share ``total_buffer`` slots
  among the ``m - 1`` buffers to maximize the throughput.
- :class:`ThroughputMaximization`: Pichitlamken, Nelson & Hong (2006), "A
  sequential procedure for neighborhood selection-of-the-best in optimization
  via simulation", Eur. J. Oper. Res. 173:283-298: choose integer service
  rates (sum at most 20) and buffer sizes (sum at most 20) of a reliable
  3-station line; the optimum, about 5.776, is at rates (6, 7, 7) and buffers
  (12, 8) or its mirror (7, 7, 6), (8, 12).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from cemethod._limits import check_memory
from cemethod._validation import (
    check_choice,
    check_int_at_least,
    check_real,
    parameter_error,
)
from cemethod.families import Categorical, SequentialAllocation
from cemethod.problems.production_line._checks import (
    MAX_CANDIDATES,
    MAX_STEPS,
    check_candidates,
    check_integral,
    check_line,
    check_steps,
)
from cemethod.problems.production_line._markov import line_throughput
from cemethod.problems.production_line._simulation import run_replications

__all__ = ["BufferAllocation", "LineOptimum", "ThroughputMaximization"]


@dataclass(frozen=True)
class LineOptimum:
    """Result of an exhaustive enumeration with the exact throughput.

    Attributes
    ----------
    x : ndarray of shape (k, d)
        Every maximizer (ties within a relative 1e-9), in enumeration order.
    fun : float
        The maximal exact throughput.
    n_candidates : int
        Number of points enumerated.

    Examples
    --------
    >>> from cemethod.problems import BufferAllocation
    >>> best = BufferAllocation(
    ...     [1.0, 2.0], None, None, total_buffer=3
    ... ).enumerate_optimum()
    >>> best.x.tolist(), best.n_candidates
    ([[3]], 1)
    """

    x: np.ndarray
    fun: float
    n_candidates: int


def _compositions(total: int, parts: int) -> np.ndarray:
    """All vectors of ``parts`` non-negative integers summing to ``total``
    (stars and bars), shape ``(C(total + parts - 1, parts - 1), parts)``."""
    rows = []
    for bars in itertools.combinations(range(total + parts - 1), parts - 1):
        edges = (-1, *bars, total + parts - 1)
        rows.append([edges[k + 1] - edges[k] - 1 for k in range(parts)])
    return np.array(rows, dtype=np.int64).reshape(-1, parts)


def _best(X, values) -> LineOptimum:
    top = values.max()
    keep = values >= top - 1e-9 * abs(top)
    return LineOptimum(X[keep], float(top), len(X))


class _LineProblem:
    """Simulation plumbing shared by the two problems (not public)."""

    direction = "maximize"

    def _setup(self, func, horizon, warmup, estimator, rng, compiled, rate, max_steps):
        self.horizon = check_real(
            horizon, param="horizon", func=func, low=0.0, low_inclusive=False
        )
        self.warmup = check_real(warmup, param="warmup", func=func, low=0.0)
        self.max_steps = check_int_at_least(
            max_steps, param="max_steps", func=func, low=1
        )
        check_steps(func, rate, self.warmup, self.horizon, self.max_steps)
        self.estimator = check_choice(
            estimator, ("completions", "busy"), param="estimator", func=func
        )
        if compiled not in (None, True, False):
            raise parameter_error(func, "compiled", "None, True or False", compiled)
        self.compiled = compiled
        self._rng = np.random.default_rng(rng)

    def _simulate(self, mu, f, r, cap, lam, seed):
        """One replication per line. With ``seed`` every line reads the same
        uniforms (common random numbers), so equal lines get equal values and
        are simulated once; without it each line draws its own from ``rng``."""
        if seed is None:
            rng, common = self._rng, False
            index = np.arange(mu.shape[0])
        else:
            rng, common = np.random.default_rng(seed), True
            key = np.concatenate([mu, f, r, cap, lam[:, None]], axis=1)
            _, first, index = np.unique(
                key, axis=0, return_index=True, return_inverse=True
            )
            mu, f, r, cap, lam = (a[first] for a in (mu, f, r, cap, lam))
        values = run_replications(
            mu, f, r, cap, lam, horizon=self.horizon, warmup=self.warmup,
            replications=1, rng=rng, common=common, estimator=self.estimator,
            compiled=self.compiled,
        )  # fmt: skip
        return values[:, 0][index.ravel()]

    def _decision(self, X, func):
        X, single = check_integral(X, param="X", func=func, width=self.n_dims)
        if np.any(X < 0):
            raise parameter_error(func, "X", "non-negative integers", X)
        return X, single


class BufferAllocation(_LineProblem):
    """Share ``total_buffer`` slots among the buffers of a production line.

    The line has ``m`` machines with exponential processing times, failures
    and repairs and ``m - 1`` buffers between them, blocking after service
    (see :func:`~cemethod.problems.line_throughput`). Failures are
    operation-dependent: a machine fails only while it processes a part, at
    rate ``f_i``, and resumes the same part after an exponential repair of
    rate ``r_i``. The decision ``x`` is the vector of the ``m - 1`` buffer
    capacities; the objective is the steady-state throughput, estimated by
    one simulation run of ``horizon`` time units per call (noisy).

    Parameters
    ----------
    service_rates : array_like, shape (m,)
    failure_rates : array_like, shape (m,), optional
        Default 0 (reliable machines).
    repair_rates : array_like, shape (m,), optional
        Default 1.
    total_buffer : int
        Number of slots to allocate; allocations must use exactly this many.
    horizon, warmup : float
        Measured and discarded simulated time per evaluation.
    estimator : {"completions", "busy"}
        See :func:`~cemethod.problems.simulate_line_throughput`.
    rng : None, int or numpy.random.Generator
        Uniforms of the calls without ``seed``.
    compiled : None or bool
        Numba kernel (None: when installed) or the numpy one.
    max_steps : int, default=10_000_000
        Refuse a line whose simulation takes more steps than this (about
        ``rate * (warmup + horizon)``, ``rate`` the sum over the machines of
        ``max(mu + f, r)``), which would run for a very long time.

    Notes
    -----
    Representation: :class:`~cemethod.families.SequentialAllocation`, the
    matrix of probabilities ``p_ij`` that buffer ``i`` gets ``j`` slots,
    sampled buffer by buffer within the slots left (Alon et al. 2005), so
    every candidate uses exactly ``total_buffer`` slots; the CE update is the
    weighted MLE of those truncated categoricals. :meth:`constraints` (the
    violation ``|sum(x) - total_buffer|``) remains for other families.
    :func:`~cemethod.problems.production_line.greedy_allocation` and
    :func:`~cemethod.problems.production_line.local_search` are the one-slot
    baseline and polish.

    Examples
    --------
    >>> import cemethod as ce
    >>> from cemethod.problems import BufferAllocation
    >>> prob = BufferAllocation([1.0, 1.2, 1.0], None, None, total_buffer=4, rng=0)
    >>> opt = prob.enumerate_optimum()
    >>> opt.x.tolist(), round(opt.fun, 4)
    ([[2, 2]], 0.7799)
    >>> res = ce.maximize(prob, prob.default_family(), rng=1, **prob.default_options())
    >>> res.x.tolist()
    [2, 2]
    """

    def __init__(
        self,
        service_rates,
        failure_rates,
        repair_rates,
        total_buffer,
        *,
        horizon=1000.0,
        warmup=100.0,
        estimator="completions",
        rng=None,
        compiled=None,
        max_steps=MAX_STEPS,
    ):
        func = "BufferAllocation"
        self.total_buffer = check_int_at_least(
            total_buffer, param="total_buffer", func=func, low=0
        )
        if np.ndim(service_rates) != 1:
            raise parameter_error(
                func, "service_rates", "a 1-D array (one line)", service_rates
            )
        m = max(np.size(service_rates), 2)
        mu, f, r, _, _ = check_line(
            func, service_rates, np.zeros(m - 1, dtype=int), failure_rates,
            repair_rates,
        )  # fmt: skip
        if mu.shape[0] != 1:
            raise parameter_error(
                func, "failure_rates", "1-D arrays (one line)", failure_rates
            )
        self.service_rates, self.failure_rates, self.repair_rates = mu[0], f[0], r[0]
        self.n_dims = mu.shape[1] - 1
        # the family's (buffers, total_buffer + 1) probability table, its
        # update and the simulation state of a batch: bounded before use
        check_memory(
            func,
            f"total_buffer={self.total_buffer} slots over {self.n_dims} buffers",
            32.0 * self.n_dims * (self.total_buffer + 1),
            "the allocation family's probability table",
        )
        rate = float(np.maximum(mu[0] + f[0], r[0]).sum())
        self._setup(func, horizon, warmup, estimator, rng, compiled, rate, max_steps)

    def __repr__(self) -> str:
        return (
            f"BufferAllocation(m={self.n_dims + 1}, "
            f"total_buffer={self.total_buffer}, horizon={self.horizon})"
        )

    def __call__(self, X, seed=None):
        """Simulated throughput of each allocation (row of ``X``), shape (n,),
        or a float for one allocation. ``seed``: common random numbers."""
        X, single = self._decision(X, "BufferAllocation.__call__")
        n = X.shape[0]
        line = lambda a: np.broadcast_to(a, (n, a.size))  # noqa: E731
        lam = np.full(n, np.maximum(self.service_rates + self.failure_rates,
                                    self.repair_rates).sum())  # fmt: skip
        mu, f, r = (line(a) for a in (self.service_rates, self.failure_rates,
                                      self.repair_rates))  # fmt: skip
        values = self._simulate(mu, f, r, X, lam, seed)
        return float(values[0]) if single else values

    def constraints(self, X) -> np.ndarray:
        """Violation ``|sum(x) - total_buffer|`` of each row (0 = feasible)."""
        X, _ = self._decision(X, "BufferAllocation.constraints")
        return np.abs(X.sum(axis=1) - self.total_buffer).astype(float)

    def default_family(self) -> SequentialAllocation:
        """Allocations of exactly ``total_buffer`` slots drawn buffer by buffer
        (Alon et al. 2005): every sample is feasible, no rejection by the sum.
        Starts balanced (each buffer's row the Binomial(total, 1 / d) mass)."""
        return SequentialAllocation.balanced(self.n_dims, self.total_buffer)

    def default_options(self) -> dict:
        """Keyword arguments for :func:`cemethod.maximize` that suit the
        problem: vectorized calls, common random numbers (``noise_seed``),
        re-evaluated elite points, and a slow
        smoothing (0.3): near the end the elite is often one point, the winner
        of one noisy draw, and a slow update makes the family a vote over many
        iterations with fresh draws instead of following a few of them. The
        family samples feasible allocations only, so no constraint is passed;
        the sample size grows with the buffers, not with the slots. Pass
        ``noisy=True`` as well (as ``cemethod buffer`` and the demo do) for the
        noise-aware stop rule, KN selection and ``result.honest``."""
        return {
            "vectorized": True,
            "noise_seed": True,
            "reevaluate_elite": True,
            "replications": 1,
            "n_samples": int(min(1000, max(100, 50 * self.n_dims))),
            "elite_fraction": 0.1,
            "smoothing": 0.3,
            "patience": 5,
            "maxiter": 100,
        }

    def exact_throughput(self, allocation):
        """Exact throughput (CTMC) of one allocation or a batch (small lines)."""
        X, single = self._decision(allocation, "BufferAllocation.exact_throughput")
        out = line_throughput(
            self.service_rates, X, self.failure_rates, self.repair_rates
        )
        return float(out[0]) if single else out

    def check_enumeration(self, max_candidates=MAX_CANDIDATES) -> int:
        """The number of allocations :meth:`enumerate_optimum` tries; a
        ValueError above ``max_candidates`` (checked before any is built)."""
        count = math.comb(self.total_buffer + self.n_dims - 1, self.n_dims - 1)
        check_candidates("BufferAllocation.enumerate_optimum", count, max_candidates)
        return count

    def enumerate_optimum(self, *, max_candidates=MAX_CANDIDATES) -> LineOptimum:
        """Best allocation(s) by exhaustive enumeration with the exact throughput
        (refused above ``max_candidates`` allocations)."""
        self.check_enumeration(max_candidates)
        X = _compositions(self.total_buffer, self.n_dims)
        return _best(X, np.atleast_1d(self.exact_throughput(X)))


class ThroughputMaximization(_LineProblem):
    """Choose the service rates and buffer sizes of a reliable flow line.

    The problem of Pichitlamken, Nelson & Hong (2006), Sec. 5: ``m`` stations
    in series with exponential service of integer rates ``r_i``, an unlimited
    supply in front of the first, finite buffers in front of the others and
    blocking after service. The decision is
    ``x = (r_1, ..., r_m, b_2, ..., b_m)`` with integers ``r_i >= 1``,
    ``sum(r) <= total_rate``, ``b_i >= 1``, ``sum(b) <= total_buffer``, where
    ``b_i`` counts the places at station ``i`` *including its server* (the
    paper's convention: ``b_i - 1`` waiting slots in the notation of
    :func:`~cemethod.problems.line_throughput`). The objective is the
    steady-state throughput, one simulation run per call (noisy). With the
    published sizes (3 stations, 20 and 20) the optimum is about 5.776 at
    ``(6, 7, 7, 12, 8)`` and its mirror ``(7, 7, 6, 8, 12)``.

    Parameters
    ----------
    n_stations : int, default=3
    total_rate : int, default=20
    total_buffer : int, default=20
    horizon, warmup, estimator, rng, compiled, max_steps
        As in :class:`BufferAllocation`.

    Notes
    -----
    Representation: one :class:`~cemethod.families.Categorical` position per
    variable over ``0 .. max`` with no mass on 0, so samples are the decision
    in its own units; the budgets are handled by :meth:`constraints`. Every
    line is uniformized at the rate ``max(total_rate, sum(r))``, so feasible
    candidates share the time scale of their common random numbers.

    Examples
    --------
    >>> from cemethod.problems import ThroughputMaximization
    >>> prob = ThroughputMaximization(rng=0)
    >>> round(prob.exact_throughput([6, 7, 7, 12, 8]), 3)
    5.776
    >>> prob.constraints([[6, 7, 7, 12, 8], [7, 7, 7, 12, 8]]).tolist()
    [0.0, 1.0]
    """

    def __init__(
        self,
        n_stations=3,
        total_rate=20,
        total_buffer=20,
        *,
        horizon=2000.0,
        warmup=100.0,
        estimator="completions",
        rng=None,
        compiled=None,
        max_steps=MAX_STEPS,
    ):
        func = "ThroughputMaximization"
        self.n_stations = check_int_at_least(
            n_stations, param="n_stations", func=func, low=2
        )
        m = self.n_stations
        self.total_rate = check_int_at_least(
            total_rate, param="total_rate", func=func, low=m
        )
        self.total_buffer = check_int_at_least(
            total_buffer, param="total_buffer", func=func, low=m - 1
        )
        self.n_dims = 2 * m - 1
        widest = max(self.total_rate - (m - 1), self.total_buffer - (m - 2)) + 1
        check_memory(
            func,
            f"n_stations={m}, total_rate={self.total_rate}, "
            f"total_buffer={self.total_buffer}",
            32.0 * self.n_dims * widest,
            "the family's probability table",
        )
        # the fastest line the family can draw: every rate at its largest
        rate = float(m * (self.total_rate - (m - 1)))
        self._setup(func, horizon, warmup, estimator, rng, compiled, rate, max_steps)

    def __repr__(self) -> str:
        return (
            f"ThroughputMaximization(n_stations={self.n_stations}, "
            f"total_rate={self.total_rate}, total_buffer={self.total_buffer})"
        )

    def _split(self, X, func):
        X, single = self._decision(X, func)
        if np.any(X < 1):
            raise parameter_error(func, "X", "integers >= 1", X)
        return X[:, : self.n_stations], X[:, self.n_stations :], single

    def __call__(self, X, seed=None):
        """Simulated throughput of each row of ``X``, shape (n,), or a float
        for one row. ``seed``: common random numbers."""
        rates, places, single = self._split(X, "ThroughputMaximization.__call__")
        mu = rates.astype(float)
        zeros = np.zeros_like(mu)
        lam = np.maximum(self.total_rate, mu.sum(axis=1))
        values = self._simulate(mu, zeros, zeros + 1.0, places - 1, lam, seed)
        return float(values[0]) if single else values

    def constraints(self, X) -> np.ndarray:
        """Budget overrun ``max(0, sum(r) - total_rate) + max(0, sum(b) -
        total_buffer)`` of each row (0 = feasible)."""
        rates, places, _ = self._split(X, "ThroughputMaximization.constraints")
        over_r = np.maximum(rates.sum(axis=1) - self.total_rate, 0)
        over_b = np.maximum(places.sum(axis=1) - self.total_buffer, 0)
        return (over_r + over_b).astype(float)

    def default_family(self) -> Categorical:
        """Uniform over ``1 .. total_rate - (m - 1)`` for each rate and
        ``1 .. total_buffer - (m - 2)`` for each buffer."""
        m = self.n_stations
        k_rate = self.total_rate - (m - 1)
        k_buf = self.total_buffer - (m - 2)
        rows = [np.r_[0.0, np.full(k_rate, 1.0 / k_rate)]] * m
        rows += [np.r_[0.0, np.full(k_buf, 1.0 / k_buf)]] * (m - 1)
        return Categorical(rows)

    def default_options(self) -> dict:
        """Keyword arguments for :func:`cemethod.maximize` (see
        :meth:`BufferAllocation.default_options`)."""
        return {
            "vectorized": True,
            "constraints": self.constraints,
            "noise_seed": True,
            "reevaluate_elite": True,
            "replications": 1,
            "n_samples": 1000,
            "elite_fraction": 0.05,
            "smoothing": 0.3,
            "patience": 5,
            "maxiter": 100,
        }

    def exact_throughput(self, x):
        """Exact throughput (CTMC) of one decision or a batch."""
        rates, places, single = self._split(
            x, "ThroughputMaximization.exact_throughput"
        )
        out = line_throughput(rates.astype(float), places - 1)
        return float(out[0]) if single else out

    def check_enumeration(self, max_candidates=MAX_CANDIDATES) -> int:
        """The number of decisions :meth:`enumerate_optimum` tries; a
        ValueError above ``max_candidates`` (checked before any is built)."""
        m = self.n_stations
        count = math.comb(self.total_rate - 1, m - 1) * math.comb(
            self.total_buffer - 1, m - 2
        )
        check_candidates(
            "ThroughputMaximization.enumerate_optimum", count, max_candidates
        )
        return count

    def enumerate_optimum(self, *, max_candidates=MAX_CANDIDATES) -> LineOptimum:
        """Best decision(s) by exhaustive enumeration with the exact throughput,
        over the points that use both budgets in full (the throughput of an
        exponential line does not decrease when a rate or a buffer grows, so
        a maximizer lies there): 3249 points, some 20 s, for the published sizes."""
        m = self.n_stations
        self.check_enumeration(max_candidates)
        rates = _compositions(self.total_rate - m, m) + 1
        places = _compositions(self.total_buffer - (m - 1), m - 1) + 1
        X = np.concatenate(
            [np.repeat(rates, len(places), axis=0), np.tile(places, (len(rates), 1))],
            axis=1,
        )
        return _best(X, self.exact_throughput(X))
