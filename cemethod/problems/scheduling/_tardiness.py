"""Single-machine total weighted tardiness, 1 || sum w_j T_j, as a CE problem
over job orders (Rubinstein & Kroese 2004, *The Cross-Entropy Method*,
Chapter 4, the node placement formulation).

Why a position-assignment family and not :class:`cemethod.families.Permutation`:
the tardiness of a job depends on its completion time, that is on the *set* of
jobs before it, which a position-by-job matrix captures directly ("job j goes
early"); a node-transition matrix only learns which job *follows* which, the
right statistic for tour lengths but a weak one here.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from cemethod._limits import check_memory
from cemethod._validation import parameter_error
from cemethod.problems.scheduling._placement import PositionAssignment

__all__ = ["PositionAssignment", "WeightedTardiness"]


def _vector(value, name, n=None, *, positive=False):
    func = "WeightedTardiness"
    a = np.asarray(value)
    if a.ndim != 1 or a.size == 0 or (n is not None and a.size != n):
        rule = "a non-empty 1-D array" + ("" if n is None else f" of length {n}")
        raise parameter_error(func, name, rule, a)
    if not np.issubdtype(a.dtype, np.number) or np.iscomplexobj(a):
        raise parameter_error(func, name, "an array of real numbers", a)
    a = a.astype(float)
    if not np.all(np.isfinite(a)) or np.any(a < 0) or (positive and np.any(a <= 0)):
        rule = "finite and positive" if positive else "finite and non-negative"
        raise parameter_error(func, name, rule, a)
    a.flags.writeable = False
    return a


@functools.lru_cache(maxsize=8)
def _moves(n: int) -> np.ndarray:
    """Position maps of every pairwise interchange and every insertion (job at
    position a moved to position b): rows of an ``(M, n)`` index array."""
    base = np.arange(n)
    maps = []
    for a in range(n):
        for b in range(a + 1, n):  # interchange a <-> b
            m = base.copy()
            m[a], m[b] = b, a
            maps.append(m)
    for a in range(n):
        rest = np.delete(base, a)
        for b in range(n):
            if b not in (a, a - 1):  # b = a - 1 is the interchange (a-1, a)
                maps.append(np.insert(rest, b, a))
    out = np.array(maps, dtype=np.intp).reshape(-1, n)
    out.flags.writeable = False
    return out


class WeightedTardiness:
    """Total weighted tardiness of job orders on one machine (minimize).

    Parameters
    ----------
    processing, weights, due : array_like of shape (n,)
        Processing times (positive), weights and due dates (non-negative).
    optimum : float, optional
        Known optimal value (the OR-Library ``wtopt`` files give it).

    Notes
    -----
    A solution is a permutation ``x`` (``x[k]`` = job processed ``k``-th). Its
    value is ``sum_k w[x_k] * max(0, C_k - d[x_k])`` with completion times
    ``C_k = p[x_0] + ... + p[x_k]``; a batch of orders is evaluated at once.
    The default family is :class:`PositionAssignment` (see the module
    docstring for why).

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.problems import WeightedTardiness
    >>> wt = WeightedTardiness([3, 2, 4], [1, 2, 1], [2, 3, 4])
    >>> wt([[0, 1, 2], [1, 0, 2]]).tolist()  # C = 3,5,9 and 2,5,9
    [10.0, 8.0]
    >>> res = wt.solve(rng=0)
    >>> res.x.tolist(), res.fun
    ([1, 0, 2], 8.0)
    """

    direction = "minimize"

    def __init__(self, processing, weights, due, optimum=None):
        self.processing = _vector(processing, "processing", positive=True)
        n = self.processing.size
        # the family's n x n position probabilities, their update and the
        # per-position costs of the polish: about 24 bytes an entry
        check_memory(
            "WeightedTardiness", f"{n} jobs", 24.0 * n * n,
            f"the {n} x {n} job-position matrices",
        )  # fmt: skip
        self.weights = _vector(weights, "weights", n)
        self.due = _vector(due, "due", n)
        if optimum is not None:
            optimum = float(optimum)
        self.optimum = optimum
        self.optimal_solution = None

    def __repr__(self) -> str:
        return f"WeightedTardiness(n_jobs={self.n_jobs}, optimum={self.optimum})"

    @property
    def n_jobs(self) -> int:
        """Number of jobs."""
        return self.processing.size

    def __call__(self, X) -> np.ndarray:
        """Total weighted tardiness of each order (rows of ``X``), shape (n,)."""
        X = np.asarray(X)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_jobs:
            raise parameter_error(
                "WeightedTardiness", "X", f"a 2-D array with {self.n_jobs} columns", X
            )
        X = X.astype(np.intp, copy=False)
        if X.size and not np.array_equal(
            np.sort(X, axis=1), np.broadcast_to(np.arange(self.n_jobs), X.shape)
        ):
            raise parameter_error(
                "WeightedTardiness",
                "X",
                f"rows that are permutations of 0..{self.n_jobs - 1}",
                X,
            )
        completion = np.cumsum(self.processing[X], axis=1)
        tardiness = np.maximum(completion - self.due[X], 0.0)
        return np.einsum("ij,ij->i", self.weights[X], tardiness)

    def default_family(self) -> PositionAssignment:
        """Uniform position-by-job matrix (every order equally likely)."""
        return PositionAssignment.uniform(self.n_jobs)

    def default_options(self) -> dict:
        """Options tuned on the OR-Library wt40 set (see bench_scheduling.py)."""
        return {
            "n_samples": max(200, 25 * self.n_jobs),
            "elite_fraction": 0.02,
            "smoothing": 0.5,
            "patience": 10,
        }

    def local_search(self, order, *, max_rounds: int = 1000):
        """Best-improvement descent over all pairwise interchanges and all
        insertions (adjacent interchange included); returns ``(order, value,
        n_evaluations)`` at a local optimum (or after ``max_rounds`` moves)."""
        order = np.asarray(order, dtype=np.intp).copy()
        if order.shape != (self.n_jobs,) or not np.array_equal(
            np.sort(order), np.arange(self.n_jobs)
        ):
            raise parameter_error(
                "WeightedTardiness.local_search",
                "order",
                f"a permutation of 0..{self.n_jobs - 1}",
                order,
            )
        value = float(self(order)[0])
        moves = _moves(self.n_jobs)
        nfev = 1
        for _ in range(max_rounds):
            if moves.shape[0] == 0 or value == 0.0:
                break
            cand = order[moves]
            vals = self(cand)
            nfev += len(vals)
            k = int(np.argmin(vals))
            if not vals[k] < value:
                break
            order, value = cand[k], float(vals[k])
        return order, value, nfev

    def interchange_pass(self, X, *, max_passes: int = 5) -> np.ndarray:
        """Adjacent pairwise interchange on a batch of orders: sweep positions
        ``k = 0 .. n-2`` and swap the jobs at ``k, k + 1`` when that lowers the
        total weighted tardiness; repeat up to ``max_passes`` sweeps (or until
        none swaps). Vectorized over rows; only the two jobs' terms change, so
        each test costs O(1) per row."""
        X = np.array(X, dtype=np.intp, copy=True)
        if X.ndim != 2 or X.shape[1] != self.n_jobs:
            raise parameter_error(
                "WeightedTardiness.interchange_pass",
                "X",
                f"a 2-D array with {self.n_jobs} columns",
                X,
            )
        p, w, d = self.processing, self.weights, self.due
        for _ in range(max_passes):
            start = np.zeros(X.shape[0])
            changed = False
            for k in range(self.n_jobs - 1):
                a, b = X[:, k], X[:, k + 1]
                both = start + p[a] + p[b]
                keep = w[a] * np.maximum(start + p[a] - d[a], 0) + w[b] * np.maximum(
                    both - d[b], 0
                )
                swap = w[b] * np.maximum(start + p[b] - d[b], 0) + w[a] * np.maximum(
                    both - d[a], 0
                )
                better = swap < keep
                if better.any():
                    changed = True
                    X[better, k], X[better, k + 1] = b[better], a[better]
                start += p[X[:, k]]
            if not changed:
                break
        return X

    def solve(self, *, polish=False, rng=None, **options):
        """Run the CE method with the default family and options.

        Parameters
        ----------
        polish : {False, "final", "samples", True}, default=False
            ``False``: the plain CE method (:func:`cemethod.minimize`).
            ``"final"``: finish with :meth:`local_search` (interchanges and
            insertions) from the best order and from the mode of the final
            family. ``"samples"``: every sampled order first goes through
            :meth:`interchange_pass` and the CE update learns from the improved
            orders (a Lamarckian hybrid through the ask / tell interface).
            ``True``: both. With polish, ``x``/``fun`` are the polished ones;
            ``nfev`` counts the final local search but not the O(1) swap tests
            of the interchange passes.
        rng : None, int or numpy.random.Generator
        **options
            Override :meth:`default_options` (any option of
            :class:`cemethod.CrossEntropyOptimizer`).
        """
        from cemethod import CrossEntropyOptimizer, minimize

        if polish not in (False, True, "final", "samples"):
            raise parameter_error(
                "WeightedTardiness.solve",
                "polish",
                "one of False, True, 'final', 'samples'",
                polish,
            )
        opts = {**self.default_options(), **options}
        if polish in (True, "samples"):
            opt = CrossEntropyOptimizer(self.default_family(), rng=rng, **opts)
            while not opt.stop():
                X = self.interchange_pass(opt.ask())
                opt.tell(X, self(X))
            res = opt.result()
        else:
            res = minimize(
                self, self.default_family(), vectorized=True, rng=rng, **opts
            )
        if polish in (False, "samples"):
            return res
        # Descend from the best order and from the mode of the final family.
        x, fun, nfev = self.local_search(res.x)
        x2, fun2, nfev2 = self.local_search(res.x_mode)
        if fun2 < fun:
            x, fun = x2, fun2
        return dataclasses.replace(res, x=x, fun=fun, nfev=res.nfev + nfev + nfev2)
