"""Gaussian sampling families: independent coordinates and full covariance.

The CE update of a Gaussian family is the weighted mean and the weighted
(maximum-likelihood, divide-by-total-weight) variance or covariance of the
elite sample (Rubinstein & Kroese 2004, sec. 5.1; Kroese, Porotsky &
Rubinstein 2006, eq. (6)-(7)).

A standard deviation of exactly zero is allowed so that a collapsed family can
be represented. Such a coordinate is a point mass at its mean, and its
density is taken with respect to that point mass: it adds ``0`` to the log
density at the mean and makes it ``-inf`` anywhere else. A singular
covariance matrix is handled in the same spirit: the density is taken with
respect to Lebesgue measure on the affine support (as
``scipy.stats.multivariate_normal(..., allow_singular=True)`` does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import solve_triangular

from .._validation import check_real, parameter_error
from ._params import (
    ArrayFamily,
    all_finite,
    check_alpha,
    check_fit_data,
    check_n,
    check_previous,
    check_samples,
    param_vector,
    readonly,
    trusted,
    weighted_moments,
)

__all__ = ["Gaussian", "MultivariateGaussian"]

_LOG_2PI = math.log(2.0 * math.pi)


def _independent_normal_logpdf(x, mean, std):
    """Sum over columns of the normal log density; zero std = point mass."""
    positive = std > 0
    if positive.all():
        z = (x - mean) / std
        return -0.5 * np.einsum("ij,ij->i", z, z) - (
            np.log(std).sum() + 0.5 * mean.size * _LOG_2PI
        )
    z = (x[:, positive] - mean[positive]) / std[positive]
    out = -0.5 * np.einsum("ij,ij->i", z, z) - (
        np.log(std[positive]).sum() + 0.5 * positive.sum() * _LOG_2PI
    )
    off = np.any(x[:, ~positive] != mean[~positive], axis=1)
    out[off] = -np.inf
    return out


@dataclass(frozen=True, eq=False)
class Gaussian(ArrayFamily):
    """Independent normal coordinates, ``X_j ~ N(mean_j, std_j**2)``.

    Parameters
    ----------
    mean : array-like of shape (d,)
        Means; a scalar gives ``d = 1``.
    std : float or array-like of shape (d,)
        Standard deviations, finite and ``>= 0``; a scalar is broadcast. A zero
        standard deviation makes that coordinate a point mass at its mean (see
        the module docstring for how its density is defined).

    Notes
    -----
    ``fit`` is the weighted mean and weighted MLE standard deviation, the CE
    update for the normal family (Kroese, Porotsky & Rubinstein 2006).
    ``smooth`` mixes mean and standard deviation linearly, the usual CE
    parameterisation (de Boer et al. 2005, eq. (12)); the optional
    ``std_alpha`` lets an optimizer use a separate, e.g. dynamic, smoothing for
    the standard deviation.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.families import Gaussian
    >>> g = Gaussian([0.0, 1.0], 2.0)
    >>> g.sample(3, np.random.default_rng(0)).shape
    (3, 2)
    >>> g.fit(np.array([[0.0, 1.0], [2.0, 3.0]]), weights=[1, 3])
    Gaussian(mean=array([1.5, 2.5]), std=array([0.866, 0.866]))
    """

    mean: np.ndarray
    std: np.ndarray

    def __post_init__(self):
        mean = param_vector(
            self.mean,
            param="mean",
            func="Gaussian",
            rule="a non-empty 1-D array of finite numbers",
        )
        std = param_vector(
            self.std,
            param="std",
            func="Gaussian",
            size=mean.size,
            low=0.0,
            rule=f"a finite number >= 0 or an array of {mean.size} of them",
        )
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "std", std)

    @classmethod
    def _from_trusted(cls, mean, std) -> Gaussian:
        """Internal: from fresh float arrays valid by construction (``fit``,
        ``smooth``: std >= 0); non-finite values go through the checks."""
        if not all_finite(mean, std):
            return cls(mean, std)
        return trusted(cls, mean=mean, std=std)

    def __repr__(self):
        return f"Gaussian(mean={self.mean!r}, std={self.std!r})"

    @property
    def dim(self) -> int:
        """Number of coordinates ``d``."""
        return self.mean.size

    def sample(self, n, rng=None) -> np.ndarray:
        """``n`` independent draws, shape ``(n, d)``; ``rng``: Generator or seed."""
        n = check_n(n, "Gaussian.sample")
        out = np.random.default_rng(rng).standard_normal((n, self.dim))
        out *= self.std
        out += self.mean
        return out

    def log_pdf(self, x) -> np.ndarray:
        """Log density of each row of ``x`` (shape ``(n, d)``), shape ``(n,)``."""
        x = check_samples(x, self.dim, "Gaussian.log_pdf")
        return _independent_normal_logpdf(x, self.mean, self.std)

    def fit(self, x, weights=None) -> Gaussian:
        """Weighted mean and weighted MLE standard deviation of the rows of ``x``."""
        x, w = check_fit_data(x, weights, self.dim, "Gaussian.fit")
        mean, var = weighted_moments(x, w)
        return Gaussian._from_trusted(mean, np.sqrt(var))

    def smooth(self, previous, alpha, *, std_alpha=None) -> Gaussian:
        """``alpha * self + (1 - alpha) * previous`` for mean and std.

        ``std_alpha`` (default ``alpha``) smooths the standard deviation
        separately, e.g. the dynamic smoothing of Kroese, Porotsky & Rubinstein
        (2006), which the optimizer computes.
        """
        alpha = check_alpha(alpha, "Gaussian.smooth")
        beta = (
            alpha
            if std_alpha is None
            else check_alpha(std_alpha, "Gaussian.smooth", "std_alpha")
        )
        check_previous(self, previous, "Gaussian.smooth", Gaussian)
        return Gaussian._from_trusted(
            alpha * self.mean + (1 - alpha) * previous.mean,
            beta * self.std + (1 - beta) * previous.std,
        )

    def mode(self) -> np.ndarray:
        """The mean."""
        return self.mean.copy()

    def is_degenerate(self, atol=1e-8) -> bool:
        """True when every standard deviation is ``<= atol``."""
        return bool(self.dispersion() <= atol)

    def dispersion(self) -> float:
        """The largest standard deviation."""
        return float(self.std.max())


def _factorize(cov: np.ndarray):
    """``(factor, log_det, null_basis)`` with ``factor @ factor.T == cov``.

    Cholesky when ``cov`` is positive definite; otherwise the eigenvectors of
    the positive eigenvalues (threshold as in scipy's ``_PSD``), the density
    then living on the span of ``factor``.
    """
    w, v = np.linalg.eigh(cov)
    eps = 1e6 * np.finfo(float).eps * np.abs(w).max()
    keep = w > eps
    if keep.all():
        chol = np.linalg.cholesky(cov)
        return chol, 2.0 * np.log(np.diag(chol)).sum(), None
    factor = v[:, keep] * np.sqrt(w[keep])
    return factor, np.log(w[keep]).sum(), v[:, ~keep]


def check_covariance(value, d: int, func: str, param: str = "cov") -> np.ndarray:
    """``value`` as a symmetric positive semi-definite ``(d, d)`` float array
    (symmetrized; a scalar is accepted when ``d == 1``)."""
    rule = f"a symmetric positive semi-definite finite array of shape ({d}, {d})"
    try:
        cov = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise parameter_error(func, param, rule, value) from None
    if cov.ndim == 0 and d == 1:
        cov = cov.reshape(1, 1)
    if cov.shape != (d, d) or not np.all(np.isfinite(cov)):
        raise parameter_error(func, param, rule, value)
    scale = np.abs(cov).max()
    if not np.allclose(cov, cov.T, rtol=1e-10, atol=1e-12 * scale):
        raise parameter_error(func, param, rule, value)
    cov = 0.5 * (cov + cov.T)
    eig = np.linalg.eigvalsh(cov)
    if eig[0] < -1e6 * np.finfo(float).eps * max(scale, 1e-300):
        raise parameter_error(func, param, rule, value)
    return cov


@dataclass(frozen=True, eq=False)
class MultivariateGaussian(ArrayFamily):
    """A normal distribution with full covariance, ``X ~ N(mean, cov)``.

    Parameters
    ----------
    mean : array-like of shape (d,)
        The mean vector.
    cov : array-like of shape (d, d)
        Symmetric positive semi-definite covariance. A singular ``cov`` is
        allowed (a collapsed family); its density is taken on the affine support
        and is ``-inf`` off it.
    min_variance : float, default 0.0
        A ridge added by ``fit`` to the diagonal of the fitted covariance (not to
        ``cov`` itself), to keep the fitted family positive definite when the
        elite sample is small or collapsed. Carried over to fitted and smoothed
        families. The default ``0`` gives the plain weighted MLE.

    Notes
    -----
    Sampling uses the Cholesky factor computed once at construction.
    ``fit`` is the weighted mean and the weighted covariance divided by the sum
    of the weights (the MLE, hence the CE update). ``smooth`` mixes mean and
    covariance linearly, which keeps the covariance positive semi-definite.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.families import MultivariateGaussian
    >>> g = MultivariateGaussian([0.0, 0.0], [[1.0, 0.5], [0.5, 2.0]])
    >>> x = g.sample(4, np.random.default_rng(0))
    >>> g.log_pdf(x).shape
    (4,)
    >>> g.log_pdf(np.zeros((1, 2)))
    array([-2.118])
    """

    mean: np.ndarray
    cov: np.ndarray
    min_variance: float = 0.0
    _factor: np.ndarray = field(init=False, repr=False, compare=False)
    _log_det: float = field(init=False, repr=False, compare=False)
    _null: np.ndarray | None = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        func = "MultivariateGaussian"
        mean = param_vector(
            self.mean,
            param="mean",
            func=func,
            rule="a non-empty 1-D array of finite numbers",
        )
        cov = check_covariance(self.cov, mean.size, func)
        min_variance = check_real(
            self.min_variance,
            param="min_variance",
            func=func,
            low=0.0,
            high=math.inf,
            high_inclusive=False,
        )
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "cov", readonly(cov))
        object.__setattr__(self, "min_variance", min_variance)
        self._set_factor()

    def _set_factor(self):
        factor, log_det, null = _factorize(self.cov)
        object.__setattr__(self, "_factor", readonly(factor))
        object.__setattr__(self, "_log_det", float(log_det))
        object.__setattr__(self, "_null", None if null is None else readonly(null))

    def __getattr__(self, name):
        # Families built by _from_trusted factorize on first use: the fitted
        # family of an iteration is only smoothed, never sampled.
        if name in ("_factor", "_log_det", "_null") and "cov" in self.__dict__:
            self._set_factor()
            return self.__dict__[name]
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )

    @classmethod
    def _from_trusted(cls, mean, cov, min_variance) -> MultivariateGaussian:
        """Internal: from fresh float arrays valid by construction (``fit``,
        ``smooth``: ``cov`` PSD up to rounding, ``min_variance`` checked);
        skips the symmetry and eigenvalue checks, symmetrizes as ``__init__``
        does and factorizes on first use. Non-finite values go through the
        checks."""
        if not all_finite(mean, cov):
            return cls(mean, cov, min_variance)
        return trusted(
            cls, mean=mean, cov=0.5 * (cov + cov.T), min_variance=min_variance
        )

    def __repr__(self):
        extra = f", min_variance={self.min_variance!r}" if self.min_variance else ""
        return f"MultivariateGaussian(mean={self.mean!r}, cov={self.cov!r}{extra})"

    @property
    def dim(self) -> int:
        """Number of coordinates ``d``."""
        return self.mean.size

    def sample(self, n, rng=None) -> np.ndarray:
        """``n`` independent draws, shape ``(n, d)``; ``rng``: Generator or seed."""
        n = check_n(n, "MultivariateGaussian.sample")
        z = np.random.default_rng(rng).standard_normal((n, self._factor.shape[1]))
        out = z @ self._factor.T
        out += self.mean
        return out

    def log_pdf(self, x) -> np.ndarray:
        """Log density of each row of ``x`` (shape ``(n, d)``), shape ``(n,)``."""
        x = check_samples(x, self.dim, "MultivariateGaussian.log_pdf")
        dx = x - self.mean
        rank = self._factor.shape[1]
        if self._null is None:
            y = solve_triangular(self._factor, dx.T, lower=True, check_finite=False)
        else:
            # Coordinates in the eigenbasis of the support, scaled to unit variance.
            y = (dx @ self._factor / np.square(self._factor).sum(axis=0)).T
        out = -0.5 * (np.einsum("ij,ij->j", y, y) + rank * _LOG_2PI + self._log_det)
        if self._null is not None and self._null.shape[1]:
            off = np.abs(dx @ self._null).max(axis=1)
            tol = 1e-9 * np.maximum(1.0, np.abs(x).max(axis=1))
            out[off > tol] = -np.inf
        return out

    def fit(self, x, weights=None) -> MultivariateGaussian:
        """Weighted mean and weighted MLE covariance (plus ``min_variance``)."""
        x, w = check_fit_data(x, weights, self.dim, "MultivariateGaussian.fit")
        shift = x[0]  # exact mean and zero covariance for constant columns
        mean_dx = w @ (x - shift)
        dx = x - shift - mean_dx
        cov = (dx * w[:, None]).T @ dx
        mean = shift + mean_dx
        cov[np.diag_indices_from(cov)] += self.min_variance
        return MultivariateGaussian._from_trusted(mean, cov, self.min_variance)

    def smooth(self, previous, alpha, *, std_alpha=None) -> MultivariateGaussian:
        """``alpha * self + (1 - alpha) * previous`` for mean and covariance.

        ``std_alpha`` (default ``alpha``) smooths the covariance separately, so
        the optimizer's ``std_smoothing`` (the dynamic smoothing of Kroese,
        Porotsky & Rubinstein 2006, applied to the covariance) slows its
        collapse in curved valleys. A convex combination of covariances stays
        positive semi-definite.
        """
        alpha = check_alpha(alpha, "MultivariateGaussian.smooth")
        beta = (
            alpha
            if std_alpha is None
            else check_alpha(std_alpha, "MultivariateGaussian.smooth", "std_alpha")
        )
        check_previous(
            self, previous, "MultivariateGaussian.smooth", MultivariateGaussian
        )
        return MultivariateGaussian._from_trusted(
            alpha * self.mean + (1 - alpha) * previous.mean,
            beta * self.cov + (1 - beta) * previous.cov,
            self.min_variance,
        )

    def mode(self) -> np.ndarray:
        """The mean."""
        return self.mean.copy()

    def is_degenerate(self, atol=1e-8) -> bool:
        """True when every marginal variance is ``<= min_variance + atol**2``.

        The ridge ``min_variance`` is the floor a fitted family cannot go
        below, so reaching it counts as collapsed.
        """
        return bool(np.diag(self.cov).max() <= self.min_variance + atol**2)

    def dispersion(self) -> float:
        """The largest marginal standard deviation, ``sqrt(max(diag(cov)))``."""
        return float(np.sqrt(np.diag(self.cov).max()))
