"""More test functions of the benchmark suites: sphere, ellipsoid,
Styblinski-Tang and Schwefel 2.26, with their known minima.

Sphere and ellipsoid are the smooth, unimodal cases (the ellipsoid with
condition number 1e6, as in Hansen & Ostermeier 2001 and the BBOB suite);
Styblinski-Tang and Schwefel are separable multi-modal ones whose global
minimum lies away from the centre of the box (Jamil & Yang 2013, "A literature
survey of benchmark functions for global optimization problems", functions 144
and 128).
"""

from __future__ import annotations

import math

import numpy as np

from cemethod.problems.continuous._functions import _BoxFunction

__all__ = ["Ellipsoid", "Schwefel", "Sphere", "StyblinskiTang"]

# argmin of x^4 - 16 x^2 + 5 x: the root of 4 x^3 - 32 x + 5 near -2.9.
_ST_ARGMIN = -2.903534027771177
_SCHWEFEL_ARGMIN = 420.9687463599821  # argmax of x sin(sqrt(|x|)) on [0, 500]


class Sphere(_BoxFunction):
    """``sum_i x_i^2`` on ``[-5, 5]^d``; minimum 0 at the origin.

    Examples
    --------
    >>> from cemethod.problems import Sphere
    >>> Sphere(2)([[1.0, 2.0]])
    array([5.])
    """

    def __init__(self, n_dims=2):
        super().__init__(n_dims, -5.0, 5.0, 0.0, 0.0)

    def default_options(self) -> dict:
        """None beyond the library's defaults (AMaLGaM's update, made for
        smooth functions)."""
        return {}

    def _batch(self, X):
        return np.einsum("ij,ij->i", X, X)

    def _one(self, x):
        return sum(v * v for v in x)


class Ellipsoid(_BoxFunction):
    """``sum_i 10^(6 (i - 1) / (d - 1)) x_i^2`` on ``[-5, 5]^d`` (condition
    number 1e6); minimum 0 at the origin.

    Examples
    --------
    >>> from cemethod.problems import Ellipsoid
    >>> Ellipsoid(3)([[1.0, 1.0, 1.0]])
    array([1001001.])
    """

    min_dims = 2

    def __init__(self, n_dims=2):
        super().__init__(n_dims, -5.0, 5.0, 0.0, 0.0)
        self.weights = 10.0 ** (6.0 * np.arange(self.n_dims) / (self.n_dims - 1))
        self.weights.flags.writeable = False

    def default_options(self) -> dict:
        """None beyond the library's defaults (AMaLGaM's update, made for
        smooth functions)."""
        return {}

    def _batch(self, X):
        return (X * X) @ self.weights

    def _one(self, x):
        d = len(x)
        return sum(10.0 ** (6.0 * i / (d - 1)) * v * v for i, v in enumerate(x))


class StyblinskiTang(_BoxFunction):
    """``sum_i (x_i^4 - 16 x_i^2 + 5 x_i) / 2`` on ``[-5, 5]^d``; minimum
    ``-39.16616570377141 d`` at ``x_i = -2.903534...``.

    Examples
    --------
    >>> from cemethod.problems import StyblinskiTang
    >>> f = StyblinskiTang(2)
    >>> round(float(f([f.optimal_solution])[0]) - f.optimum, 9)
    0.0
    """

    def __init__(self, n_dims=2):
        v = _ST_ARGMIN
        value = 0.5 * (v**4 - 16.0 * v * v + 5.0 * v)
        super().__init__(n_dims, -5.0, 5.0, n_dims * value, v)

    def _batch(self, X):
        X2 = X * X
        return 0.5 * np.sum(X2 * X2 - 16.0 * X2 + 5.0 * X, axis=1)

    def _one(self, x):
        return 0.5 * sum(v**4 - 16.0 * v * v + 5.0 * v for v in x)


class Schwefel(_BoxFunction):
    """``418.98288727243374 d - sum_i x_i sin(sqrt(|x_i|))`` on ``[-500, 500]^d``;
    minimum about 0 at ``x_i = 420.968746...`` (the constant is ``d`` times
    the one-dimensional maximum, so the optimum is 0 to about 1e-12 d).

    Examples
    --------
    >>> from cemethod.problems import Schwefel
    >>> f = Schwefel(2)
    >>> abs(float(f([f.optimal_solution])[0])) < 1e-9
    True
    """

    def __init__(self, n_dims=2):
        self._offset = _SCHWEFEL_ARGMIN * math.sin(math.sqrt(_SCHWEFEL_ARGMIN))
        super().__init__(n_dims, -500.0, 500.0, 0.0, _SCHWEFEL_ARGMIN)

    def _batch(self, X):
        return self._offset * X.shape[1] - np.sum(
            X * np.sin(np.sqrt(np.abs(X))), axis=1
        )

    def _one(self, x):
        return self._offset * len(x) - sum(v * math.sin(math.sqrt(abs(v))) for v in x)
