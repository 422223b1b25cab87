"""Reference rare-event problems with exact probabilities.

Each problem is a small frozen dataclass: a vectorized score ``problem(X) ->
(n,)``, the level ``gamma``, the ``direction`` of the event, the nominal
``default_family()`` and the ``exact`` probability ``P(S(X) >= gamma)``.

- :class:`SumOfExponentials`: ``X_1 + ... + X_n`` of independent exponentials
  with a common mean ``m``; exact value the gamma survival function
  ``scipy.stats.gamma(n, scale=m).sf(gamma)``.
- :class:`LinearLimitState`: ``sum(U_i) / sqrt(d)`` of standard normals;
  exact value ``Phi(-beta)``.
- :class:`BridgeNetwork`: the stochastic shortest path of de Boer, Kroese,
  Mannor & Rubinstein (2005), sec. 2.1 and 3.2: five exponential edge lengths,
  ``S`` the shortest of the four paths through the bridge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from cemethod._validation import check_real, parameter_error
from cemethod.families import Exponential, Gaussian

__all__ = [
    "BridgeNetwork",
    "LinearLimitState",
    "SharedExponential",
    "SumOfExponentials",
]


def _check_dims(n_dims, func):
    if (
        isinstance(n_dims, bool)
        or not isinstance(n_dims, (int, np.integer))
        or n_dims < 1
    ):
        raise parameter_error(func, "n_dims", "an integer >= 1", n_dims)
    return int(n_dims)


@dataclass(frozen=True)
class SumOfExponentials:
    """``P(X_1 + ... + X_n >= gamma)`` for independent exponentials of mean ``mean``.

    Parameters
    ----------
    n_dims : int, default=10
    gamma : float, default=40.0
    mean : float, default=1.0

    Examples
    --------
    >>> p = SumOfExponentials(10, 40.0)
    >>> p.exact
    3.9259322e-09
    >>> p(np.array([[1.0] * 10])), p.direction
    (array([10.]), 'greater')
    """

    n_dims: int = 10
    gamma: float = 40.0
    mean: float = 1.0
    direction = "greater"

    def __post_init__(self):
        func = "SumOfExponentials"
        object.__setattr__(self, "n_dims", _check_dims(self.n_dims, func))
        object.__setattr__(
            self, "gamma", check_real(self.gamma, param="gamma", func=func)
        )
        mean = check_real(
            self.mean, param="mean", func=func, low=0.0, low_inclusive=False
        )
        object.__setattr__(self, "mean", mean)

    def __call__(self, X) -> np.ndarray:
        return np.asarray(X, dtype=float).sum(axis=1)

    def default_family(self) -> Exponential:
        """The nominal family: ``n_dims`` exponentials of mean ``mean``."""
        return Exponential(np.full(self.n_dims, self.mean))

    @property
    def exact(self) -> float:
        """``scipy.stats.gamma(n_dims, scale=mean).sf(gamma)``."""
        return float(stats.gamma(self.n_dims, scale=self.mean).sf(self.gamma))


@dataclass(frozen=True)
class LinearLimitState:
    """``P(sum(U_i) / sqrt(d) >= beta)`` for ``d`` independent standard normals.

    Parameters
    ----------
    n_dims : int, default=2
    beta : float, default=3.5
        The level ``gamma`` (the reliability index).

    Examples
    --------
    >>> p = LinearLimitState(100)
    >>> round(p.exact, 12), p.gamma
    (0.000232629079, 3.5)
    """

    n_dims: int = 2
    beta: float = 3.5
    direction = "greater"

    def __post_init__(self):
        func = "LinearLimitState"
        object.__setattr__(self, "n_dims", _check_dims(self.n_dims, func))
        object.__setattr__(self, "beta", check_real(self.beta, param="beta", func=func))

    @property
    def gamma(self) -> float:
        """The level: ``beta``."""
        return self.beta

    def __call__(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        return X.sum(axis=1) / math.sqrt(X.shape[1])

    def default_family(self) -> Gaussian:
        """The nominal family: ``n_dims`` standard normals."""
        return Gaussian(np.zeros(self.n_dims), 1.0)

    @property
    def exact(self) -> float:
        """``Phi(-beta)``."""
        return float(stats.norm.sf(self.beta))


@dataclass(frozen=True)
class BridgeNetwork:
    """The bridge network: ``P(S(X) >= gamma)`` for the shortest path length ``S``.

    Five independent exponential edge lengths with ``means``; the paths from
    source to sink are ``{1, 4}, {1, 3, 5}, {2, 3, 4}, {2, 5}``, so ``S(X) =
    min(X1 + X4, X1 + X3 + X5, X2 + X3 + X4, X2 + X5)`` (de Boer, Kroese,
    Mannor & Rubinstein 2005, sec. 2.1; their sec. 3.2 estimates ``P(S >= 2)``
    with the default means).

    ``exact`` is known for the default means and ``gamma = 2``:
    1.3424598e-5, checked in the test suite by numerical integration of
    ``E[P(S >= gamma | X1, X2, X3)]`` (the conditional probability is a product
    of two exponential survival functions). It is None otherwise.

    Examples
    --------
    >>> p = BridgeNetwork()
    >>> p(np.array([[1.0, 1.0, 1.0, 1.0, 1.0]])), p.exact
    (array([2.]), 1.3424598e-05)
    """

    gamma: float = 2.0
    means: tuple = (0.25, 0.4, 0.1, 0.3, 0.2)
    direction = "greater"

    def __post_init__(self):
        func = "BridgeNetwork"
        object.__setattr__(
            self, "gamma", check_real(self.gamma, param="gamma", func=func)
        )
        means = np.asarray(self.means, dtype=float)
        if means.shape != (5,) or not np.all(np.isfinite(means) & (means > 0)):
            raise parameter_error(
                func, "means", "5 positive finite numbers", self.means
            )
        object.__setattr__(self, "means", tuple(float(m) for m in means))

    def __call__(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        x1, x2, x3, x4, x5 = X.T
        return np.minimum(
            np.minimum(x1 + x4, x1 + x3 + x5), np.minimum(x2 + x3 + x4, x2 + x5)
        )

    def default_family(self) -> Exponential:
        """The nominal family: ``Exponential(means)``."""
        return Exponential(np.array(self.means))

    @property
    def n_dims(self) -> int:
        """Five edges."""
        return 5

    @property
    def exact(self) -> float | None:
        """1.3424598e-5 for the default problem, None otherwise."""
        if self.gamma == 2.0 and self.means == (0.25, 0.4, 0.1, 0.3, 0.2):
            return 1.3424598e-5
        return None


@dataclass(frozen=True, eq=False)
class SharedExponential:
    """``n_dims`` independent exponentials that share one mean: a one-parameter
    CE family for symmetric problems such as :class:`SumOfExponentials`.

    It is a natural exponential family with sufficient statistic ``sum(x)``, so
    its CE update (weighted MLE, de Boer et al. 2005, eq. (14)) is the weighted
    mean of all entries of the elite rows. With one parameter instead of
    ``n_dims`` the likelihood ratio carries far less estimation noise in high
    dimension.

    Examples
    --------
    >>> fam = SharedExponential(1.0, 3)
    >>> fam.fit(np.array([[1.0, 2.0, 3.0], [3.0, 4.0, 5.0]]), weights=[1, 1]).mean
    3.0
    >>> float(fam.log_pdf(np.array([[1.0, 1.0, 1.0]]))[0])
    -3.0
    """

    mean: float
    n_dims: int

    def __post_init__(self):
        func = "SharedExponential"
        mean = check_real(
            self.mean, param="mean", func=func, low=0.0, low_inclusive=False
        )
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "n_dims", _check_dims(self.n_dims, func))

    def sample(self, n, rng=None) -> np.ndarray:
        """``n`` draws, shape ``(n, n_dims)``."""
        return np.random.default_rng(rng).exponential(self.mean, size=(n, self.n_dims))

    def log_pdf(self, x) -> np.ndarray:
        """Log density of each row; ``-inf`` off the positive orthant."""
        x = np.asarray(x, dtype=float)
        out = -x.sum(axis=1) / self.mean - self.n_dims * math.log(self.mean)
        out[np.any(x < 0, axis=1)] = -np.inf
        return out

    def fit(self, x, weights=None) -> SharedExponential:
        """Weighted mean of all entries of the rows: the CE update."""
        x = np.asarray(x, dtype=float)
        w = np.ones(x.shape[0]) if weights is None else np.asarray(weights, dtype=float)
        return SharedExponential(float(w @ x.mean(axis=1) / w.sum()), self.n_dims)

    def smooth(self, previous, alpha) -> SharedExponential:
        """``alpha * self.mean + (1 - alpha) * previous.mean``."""
        return SharedExponential(
            alpha * self.mean + (1 - alpha) * previous.mean, self.n_dims
        )

    def mode(self) -> np.ndarray:
        """The origin."""
        return np.zeros(self.n_dims)

    def is_degenerate(self, atol=1e-8) -> bool:
        """True when the mean is at most ``atol``."""
        return self.mean <= atol

    def dispersion(self) -> float:
        """The standard deviation, equal to the mean."""
        return self.mean
