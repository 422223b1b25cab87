"""The 0/1 knapsack problem on the Bernoulli family (Rubinstein & Kroese 2004,
*The Cross-Entropy Method*, on combinatorial optimization with
constraints)."""

from __future__ import annotations

import numpy as np

from cemethod._validation import check_real, parameter_error
from cemethod.families import Bernoulli

__all__ = ["Knapsack", "knapsack_dp"]

_DP_CELLS = 50_000_000  # largest n * capacity the exact DP is run for


def _vector(value, name, func, n=None):
    a = np.asarray(value)
    if a.ndim != 1 or a.size == 0 or (n is not None and a.size != n):
        rule = "a non-empty 1-D array" + ("" if n is None else f" of length {n}")
        raise parameter_error(func, name, rule, a)
    if not np.issubdtype(a.dtype, np.number) or np.iscomplexobj(a):
        raise parameter_error(func, name, "an array of real numbers", a)
    a = a.astype(float)
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise parameter_error(func, name, "finite and non-negative", a)
    a.flags.writeable = False
    return a


def knapsack_dp(values, weights, capacity):
    """Exact 0/1 knapsack by dynamic programming over integer capacities.

    Parameters
    ----------
    values : array_like of shape (n,)
        Non-negative item values.
    weights : array_like of int, shape (n,)
        Non-negative integer weights.
    capacity : int
        Non-negative integer capacity.

    Returns
    -------
    best : float
        The largest total value of a subset of weight ``<= capacity``.
    x : ndarray of int8, shape (n,)
        One optimal subset (1 = item taken).

    Examples
    --------
    >>> from cemethod.problems import knapsack_dp
    >>> knapsack_dp([60, 100, 120], [10, 20, 30], 50)
    (220.0, array([0, 1, 1], dtype=int8))
    """
    func = "knapsack_dp"
    v = _vector(values, "values", func)
    w = _vector(weights, "weights", func, v.size)
    if np.any(w != np.floor(w)):
        raise parameter_error(func, "weights", "integers", w)
    cap = check_real(capacity, param="capacity", func=func, low=0.0)
    if cap != int(cap):
        raise parameter_error(func, "capacity", "an integer", capacity)
    cap = int(cap)
    w = w.astype(np.int64)
    n = v.size
    # best[c] = best value with capacity c using the items seen so far; one
    # vectorized update per item (Bellman recursion), decisions kept for the
    # traceback.
    best = np.zeros(cap + 1)
    take = np.zeros((n, cap + 1), dtype=bool)
    for i in range(n):
        if w[i] > cap:
            continue
        cand = np.full(cap + 1, -np.inf)
        cand[w[i] :] = best[: cap + 1 - w[i]] + v[i]
        take[i] = cand > best
        best = np.maximum(best, cand)
    x = np.zeros(n, dtype=np.int8)
    c = cap
    for i in range(n - 1, -1, -1):
        if take[i, c]:
            x[i] = 1
            c -= w[i]
    return float(best[cap]), x


class Knapsack:
    """0/1 knapsack: choose items of largest total value within the capacity.

    Parameters
    ----------
    values, weights : array_like of shape (n,)
        Non-negative item values and weights.
    capacity : float
        Capacity (non-negative).

    Notes
    -----
    Infeasible subsets (weight above capacity) are handled by ranking, not by
    a tuned penalty: ``problem(X)`` is the total value of a feasible row and
    ``-(weight - capacity)`` (the excess, negated) of an infeasible one. Every
    feasible value is ``>= 0``, so every infeasible row ranks below every
    feasible one and infeasible rows rank by their excess: the same order as
    the optimizer's ``constraints=`` (feasibility first, then violation), which
    :meth:`solve` can use instead (``use_constraints=True``, with
    :meth:`violation` and the plain :meth:`value`). ``optimum`` and
    ``optimal_solution`` come from :func:`knapsack_dp` when the weights and the
    capacity are integers and ``n * capacity`` is at most 5e7, else None.

    Examples
    --------
    >>> from cemethod.problems import Knapsack
    >>> kp = Knapsack([60, 100, 120], [10, 20, 30], 50)
    >>> kp([[0, 1, 1], [1, 1, 1]]).tolist()  # the second weighs 60 > 50
    [220.0, -10.0]
    >>> kp.optimum
    220.0
    >>> kp.solve(rng=0).fun
    220.0
    """

    direction = "maximize"

    def __init__(self, values, weights, capacity):
        func = "Knapsack"
        self.values = _vector(values, "values", func)
        self.weights = _vector(weights, "weights", func, self.values.size)
        self.capacity = check_real(capacity, param="capacity", func=func, low=0.0)
        self._dp = None

    def __repr__(self) -> str:
        return f"Knapsack(n_items={self.n_items}, capacity={self.capacity})"

    @property
    def n_items(self) -> int:
        """Number of items."""
        return self.values.size

    def _rows(self, X, func):
        X = np.asarray(X)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_items:
            raise parameter_error(
                func, "X", f"a 2-D 0/1 array with {self.n_items} columns", X
            )
        if not np.all((X == 0) | (X == 1)):
            raise parameter_error(func, "X", "an array of 0 and 1", X)
        return X.astype(float)

    def value(self, X) -> np.ndarray:
        """Total value of each row, feasible or not, shape (n,)."""
        return self._rows(X, "Knapsack.value") @ self.values

    def violation(self, X) -> np.ndarray:
        """Weight in excess of the capacity (0 = feasible), shape (n,); pass it
        as ``constraints=`` to :func:`cemethod.maximize`."""
        load = self._rows(X, "Knapsack.violation") @ self.weights
        return np.maximum(load - self.capacity, 0.0)

    def __call__(self, X) -> np.ndarray:
        """Value of feasible rows, minus the excess weight for the others."""
        X = self._rows(X, "Knapsack")
        excess = np.maximum(X @ self.weights - self.capacity, 0.0)
        return np.where(excess > 0, -excess, X @ self.values)

    def _solve_dp(self):
        if self._dp is None:
            integral = np.all(self.weights == np.floor(self.weights))
            small = self.n_items * (self.capacity + 1) <= _DP_CELLS
            if integral and small:
                cap = int(np.floor(self.capacity))
                self._dp = knapsack_dp(self.values, self.weights, cap)
            else:
                self._dp = (None, None)
        return self._dp

    @property
    def optimum(self):
        """The exact optimum (dynamic programming), or None (see Notes)."""
        return self._solve_dp()[0]

    @property
    def optimal_solution(self):
        """One optimal subset, or None."""
        return self._solve_dp()[1]

    def default_family(self) -> Bernoulli:
        """Every item taken with probability 1/2."""
        return Bernoulli.uniform(self.n_items)

    def default_options(self) -> dict:
        """Options checked on random instances of 20-30 items
        (tests/problems/knapsack/test_knapsack.py)."""
        return {
            "n_samples": max(200, 20 * self.n_items),
            "elite_fraction": 0.05,
            "smoothing": 0.7,
            "patience": 10,
        }

    def solve(self, *, use_constraints: bool = False, rng=None, **options):
        """:func:`cemethod.maximize` with the default family and options; with
        ``use_constraints`` the optimizer ranks by :meth:`violation` and
        maximizes the plain :meth:`value`."""
        from cemethod import maximize

        opts = {**self.default_options(), **options}
        if use_constraints:
            return maximize(
                self.value,
                self.default_family(),
                vectorized=True,
                constraints=self.violation,
                rng=rng,
                **opts,
            )
        return maximize(self, self.default_family(), vectorized=True, rng=rng, **opts)
