"""A mixed continuous / categorical problem with an optimum known by construction.

In the spirit of the mixed examples of CEoptim (Benham, Duan, Kroese & Liquet
2017, "CEoptim: cross-entropy R package for optimization", J. Stat. Softw.
77(8)), which samples continuous variables from normal densities and discrete
ones from categorical distributions side by side: here the best continuous
point depends on the categorical choices, so the two parts must be learnt
together.
"""

from __future__ import annotations

import numbers

import numpy as np

from cemethod._validation import parameter_error
from cemethod.families import Categorical, Gaussian, Product

__all__ = ["MixedQuadratic"]


class MixedQuadratic:
    """``f(x, c) = ||x - t(c)||^2 + sum_i penalty_i[c_i]`` to minimize.

    A solution is a row ``[x_1..x_d, c_1..c_k]``: ``d`` real coordinates then
    ``k`` categorical positions, position ``i`` taking values in
    ``{0, ..., n_values[i] - 1}``. The target ``t(c) = sum_i shift_i[c_i]``
    moves with the categories, and each ``penalty_i`` is >= 0 with a single
    zero at ``c*_i``. Both terms are >= 0, so the minimum is 0, attained only at
    ``c = c*`` and ``x = t(c*)``.

    Parameters
    ----------
    n_continuous : int, default=3
        Number ``d`` of real coordinates.
    n_values : sequence of int, default=(3, 4, 5)
        Number of values of each categorical position (each >= 2).
    rng : None, int or numpy.random.Generator, default=0
        Draws ``c*`` uniformly, the shifts from U(-2, 2) and the penalties of
        the other values from U(1, 5).

    Examples
    --------
    >>> import cemethod as ce
    >>> from cemethod.problems import MixedQuadratic
    >>> p = MixedQuadratic(n_continuous=2, n_values=(3, 4), rng=0)
    >>> float(p(p.optimal_solution[None, :])[0])
    0.0
    >>> res = ce.minimize(
    ...     p, p.default_family(), vectorized=True, rng=0, **p.default_options()
    ... )
    >>> res.x[2:].tolist() == p.optimal_solution[2:].tolist(), res.fun < 1e-8
    (True, True)
    """

    direction = "minimize"
    optimum = 0.0

    def __init__(self, n_continuous=3, n_values=(3, 4, 5), rng=0):
        func = "MixedQuadratic"
        if (
            not isinstance(n_continuous, numbers.Integral)
            or isinstance(n_continuous, bool)
            or n_continuous < 1
        ):
            raise parameter_error(func, "n_continuous", "an int >= 1", n_continuous)
        try:
            n_values = tuple(int(k) for k in n_values)
        except (TypeError, ValueError):
            raise parameter_error(
                func, "n_values", "a sequence of ints >= 2", n_values
            ) from None
        if not n_values or min(n_values) < 2:
            raise parameter_error(func, "n_values", "a sequence of ints >= 2", n_values)
        rng = np.random.default_rng(rng)
        self.n_continuous = int(n_continuous)
        self.n_values = n_values
        self.best_categories = np.array([rng.integers(k) for k in n_values])
        self.shifts = [rng.uniform(-2.0, 2.0, (k, self.n_continuous)) for k in n_values]
        self.penalties = []
        for k, best in zip(n_values, self.best_categories, strict=True):
            pen = rng.uniform(1.0, 5.0, k)
            pen[best] = 0.0
            self.penalties.append(pen)
        target = sum(
            s[c] for s, c in zip(self.shifts, self.best_categories, strict=True)
        )
        self.optimal_solution = np.concatenate([target, self.best_categories]).astype(
            float
        )

    def __repr__(self) -> str:
        return (
            f"MixedQuadratic(n_continuous={self.n_continuous}, "
            f"n_values={self.n_values})"
        )

    @property
    def n_dims(self) -> int:
        """Columns of a solution row: real coordinates then categories."""
        return self.n_continuous + len(self.n_values)

    def _split(self, X, func):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_dims:
            raise parameter_error(
                func, "X", f"a 2-D array with {self.n_dims} columns", X
            )
        return X[:, : self.n_continuous], X[:, self.n_continuous :]

    def is_feasible(self, X) -> np.ndarray:
        """Rows whose categorical columns hold valid integer values."""
        _, C = self._split(X, "MixedQuadratic.is_feasible")
        k = np.array(self.n_values)
        return np.all((np.round(C) == C) & (C >= 0) & (k > C), axis=1)

    def __call__(self, X) -> np.ndarray:
        """Objective values of the rows of ``X``, shape ``(n,)``."""
        x, C = self._split(X, "MixedQuadratic.__call__")
        if not self.is_feasible(X).all():
            raise parameter_error(
                "MixedQuadratic.__call__",
                "X",
                f"integer categories in [0, n_values) in the last {len(self.n_values)}"
                " columns",
                C,
            )
        C = C.astype(np.intp)
        target = np.zeros_like(x)
        total = np.zeros(x.shape[0])
        for i, (shift, pen) in enumerate(zip(self.shifts, self.penalties, strict=True)):
            target += shift[C[:, i]]
            total += pen[C[:, i]]
        return total + np.sum((x - target) ** 2, axis=1)

    def evaluate_one(self, row) -> float:
        """The objective at one row, by a plain loop (reference)."""
        row = [float(v) for v in np.asarray(row, dtype=float).ravel()]
        x, c = row[: self.n_continuous], [int(v) for v in row[self.n_continuous :]]
        out = 0.0
        for i, ci in enumerate(c):
            out += float(self.penalties[i][ci])
        for j, xj in enumerate(x):
            t = sum(float(self.shifts[i][ci, j]) for i, ci in enumerate(c))
            out += (xj - t) ** 2
        return out

    def default_family(self) -> Product:
        """``Product([Gaussian(0, 5), Categorical(uniform)])``."""
        probs = [np.full(k, 1.0 / k) for k in self.n_values]
        return Product(
            [
                Gaussian(np.zeros(self.n_continuous), np.full(self.n_continuous, 5.0)),
                Categorical(probs),
            ]
        )

    def default_options(self) -> dict:
        """CE settings that find the optimum (N = 200, rho = 0.1, alpha = 0.7)."""
        return {"n_samples": 200, "elite_fraction": 0.1, "smoothing": 0.7}
