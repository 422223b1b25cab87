"""A Gaussian mixture family whose CE update is the weighted EM algorithm.

A single Gaussian cannot cover a failure domain made of several separated
regions: the CE levels drift onto one of them and the estimate misses the
others, with a small error bar. The remedy of Kurtz & Song (2013),
"Cross-entropy-based adaptive importance sampling using Gaussian mixture",
Structural Safety 42, revisited by Geyer, Papaioannou & Straub (2019),
"Cross entropy-based importance sampling using Gaussian densities
revisited", Structural Safety 76, is a Gaussian mixture proposal whose CE
update (the weighted MLE) is computed by the EM algorithm with the
likelihood ratios as weights.

EM only finds a local maximum, so ``fit`` seeds it robustly (weighted
k-means++ and a few Lloyd steps, best of several seedings), floors every
covariance relative to the data's spread, drops components that lose their
weight, and chooses the number of components by BIC with the effective
sample size of the weights (see :class:`GaussianMixture`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.special import logsumexp

from .._validation import check_choice, check_real, parameter_error
from ._mixture_em import component_logpdf, fit_mixture
from ._params import (
    ArrayFamily,
    all_finite,
    check_alpha,
    check_fit_data,
    check_n,
    check_previous,
    check_samples,
    readonly,
    trusted,
    weighted_moments,
)
from .gaussian import MultivariateGaussian, check_covariance

__all__ = ["GaussianMixture"]


def _check_options(n_components, max_components, covariance, reg_covar, func):
    if n_components != "auto" and (
        isinstance(n_components, (bool, np.bool_))
        or not isinstance(n_components, (int, np.integer))
        or n_components < 1
    ):
        rule = "'auto' or an integer >= 1"
        raise parameter_error(func, "n_components", rule, n_components)
    if (
        isinstance(max_components, (bool, np.bool_))
        or not isinstance(max_components, (int, np.integer))
        or max_components < 1
    ):
        rule = "an integer >= 1"
        raise parameter_error(func, "max_components", rule, max_components)
    check_choice(covariance, ("full", "diag"), param="covariance", func=func)
    reg_covar = check_real(
        reg_covar, param="reg_covar", func=func, low=0.0, low_inclusive=False
    )
    if not math.isfinite(reg_covar):
        raise parameter_error(func, "reg_covar", "a finite number > 0", reg_covar)
    k = n_components if n_components == "auto" else int(n_components)
    return k, int(max_components), reg_covar


@dataclass(frozen=True, eq=False)
class GaussianMixture(ArrayFamily):
    """A mixture of ``k`` normal distributions, ``sum_j w_j N(means_j, cov_j)``.

    Parameters
    ----------
    weights : array-like of shape (k,)
        Positive mixing weights; normalized to sum to one.
    means : array-like of shape (k, d)
        Component means.
    covariances : array-like of shape (k, d, d)
        Symmetric positive semi-definite component covariances (a singular one
        has its density on its affine support, as in
        :class:`MultivariateGaussian`).
    n_components : 'auto' or int, default 'auto'
        What ``fit`` does: an integer fits that many components (fewer if
        some are dropped); ``'auto'`` chooses ``k`` in ``1..max_components``
        by BIC (see Notes).
    max_components : int, default 4
        The largest ``k`` that ``n_components='auto'`` tries.
    covariance : {'full', 'diag'}, default 'full'
        Whether ``fit`` estimates full or diagonal component covariances.
    reg_covar : float, default 1e-6
        The covariance floor of ``fit``: ``reg_covar`` times the weighted
        variance of the data is added to each coordinate's variance of every
        component, so no component becomes singular, whatever the scale.
        A coordinate that is constant in the data stays exactly constant.

    Notes
    -----
    ``fit(x, weights)`` is the weighted maximum-likelihood estimate computed by
    EM (Kurtz & Song 2013): the E-step's responsibilities are multiplied by
    the weights (likelihood ratios in a CE level), the M-step is the weighted
    mean and covariance of each component. EM runs in coordinates
    standardized by the weighted mean and standard deviation; it is seeded
    by weighted k-means++ (with a fixed internal seed, so a fit is a
    deterministic function of the data, see the source) and ten Lloyd steps,
    the best of three seedings kept. It stops when the weighted mean
    log-likelihood gains less than 1e-5, after 100 steps at most. A component
    whose weight falls below 1e-3, or whose effective sample size falls below
    ``d + 1``, is dropped and EM goes on with the others. One component is the
    closed form (the weighted mean and covariance, plus the floor). The Lloyd
    steps and the EM iterations run compiled (numba): the first fit in a new
    environment compiles them (a few seconds, then cached on disk).

    ``n_components='auto'`` minimizes ``BIC = -2 n_e L_k + p_k log n_e``
    over ``k``, where ``L_k`` is the weighted mean log-likelihood of the fit
    with ``k`` components, ``p_k`` its number of free parameters and
    ``n_e = (sum w)^2 / sum w^2`` Kish's effective sample size. With equal
    weights this is Schwarz's BIC; with likelihood-ratio weights the weighted
    log-likelihood is worth about ``n_e`` independent observations, so
    ``n_e`` is the sample size the penalty must count (using the number of
    rows would let a few heavy points justify spurious components). Only
    ``k <= n_e / (p_1 + 1)`` are tried, ``p_1`` being the parameters of one
    component (``d + d (d + 1) / 2``, or ``2 d`` for diagonal covariances):
    at least as many effective points per component as it has parameters,
    which keeps the mixture from chasing a few points (the CE optimizer's small
    elite samples get one component). They are tried in increasing order,
    and the search ends at the first ``k`` that does not lower the BIC.
    Repeated rows are merged (their weights summed) before anything else, so
    that integer weights act exactly as repetition, also in ``n_e``: rows
    repeated in an unweighted sample count once, with their multiplicity as
    weight (a continuous sample has no repeated rows).

    ``smooth(previous, alpha)`` pairs the components of the two mixtures by
    nearest means (an optimal assignment of squared distances) and mixes the
    weights, means and covariances of each pair linearly. When the numbers of
    components differ there is no such pairing and the fresh fit ``self`` is
    returned unsmoothed.

    ``mode()`` runs the fixed-point (mean-shift) iteration of Carreira-Perpinan
    (2000) from every component mean and keeps the best point.

    As the nominal family of :func:`~cemethod.estimate_rare_event`
    use :meth:`standard` (or any mixture): each CE update calls the current
    family's ``fit``, so every level refits a mixture. With the plain CE
    levels (``method="ce"``) a level's elite sample is small (``rho *
    n_samples`` points shared by the components), and a component on a minor
    failure region, fitted on a few points, can shrink and be lost, which
    underestimates the probability with a small error bar (the sensitivity
    Geyer et al. 2019 report for mixtures). The improved CE levels
    (``method="ice"``), which fit on every sample of a level, and a few
    thousand samples per level were reliable in the tests.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.families import GaussianMixture
    >>> nominal = GaussianMixture.standard(2)
    >>> float(nominal.log_pdf(np.zeros((1, 2)))[0])  # -log(2 pi)
    -1.8378770664093453
    >>> rng = np.random.default_rng(0)
    >>> x = np.concatenate([rng.normal(-4, 1, (300, 2)), rng.normal(4, 1, (300, 2))])
    >>> fitted = nominal.fit(x)
    >>> fitted.weights.size, np.round(np.sort(fitted.means[:, 0]))
    (2, array([-4.,  4.]))
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    n_components: int | str = "auto"
    max_components: int = 4
    covariance: str = "full"
    reg_covar: float = 1e-6
    _parts: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        func = "GaussianMixture"
        rule = "a non-empty 1-D array of finite positive numbers"
        try:
            weights = np.asarray(self.weights, dtype=float)
        except (TypeError, ValueError):
            raise parameter_error(func, "weights", rule, self.weights) from None
        if (
            weights.ndim != 1
            or weights.size == 0
            or not np.all(np.isfinite(weights))
            or np.any(weights <= 0)
        ):
            raise parameter_error(func, "weights", rule, self.weights)
        k = weights.size
        rule = f"a finite array of shape ({k}, d), d >= 1"
        try:
            means = np.asarray(self.means, dtype=float)
        except (TypeError, ValueError):
            raise parameter_error(func, "means", rule, self.means) from None
        if (
            means.ndim != 2
            or means.shape[0] != k
            or means.shape[1] == 0
            or not np.all(np.isfinite(means))
        ):
            raise parameter_error(func, "means", rule, self.means)
        d = means.shape[1]
        try:
            covs = np.asarray(self.covariances, dtype=float)
        except (TypeError, ValueError):
            covs = None
        if covs is None or covs.shape != (k, d, d):
            rule = f"an array of shape ({k}, {d}, {d}) of covariance matrices"
            raise parameter_error(func, "covariances", rule, self.covariances)
        covs = np.stack([check_covariance(c, d, func, "covariances") for c in covs])
        n_components, max_components, reg_covar = _check_options(
            self.n_components,
            self.max_components,
            self.covariance,
            self.reg_covar,
            func,
        )
        object.__setattr__(self, "weights", readonly(weights / weights.sum()))
        object.__setattr__(self, "means", readonly(means))
        object.__setattr__(self, "covariances", readonly(covs))
        object.__setattr__(self, "n_components", n_components)
        object.__setattr__(self, "max_components", max_components)
        object.__setattr__(self, "reg_covar", reg_covar)

    def __getattr__(self, name):
        # The components are built on first use (fitted families are often
        # only smoothed, never sampled).
        if name == "_parts" and "covariances" in self.__dict__:
            parts = tuple(
                MultivariateGaussian._from_trusted(m, c, 0.0)
                for m, c in zip(self.means, self.covariances, strict=True)
            )
            object.__setattr__(self, "_parts", parts)
            return parts
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )

    def __hash__(self):
        arrays = (self.weights, self.means, self.covariances)
        return hash(
            (
                type(self).__name__,
                *(a.tobytes() for a in arrays),
                *self._options().values(),
            )
        )

    def _options(self):
        return {
            "n_components": self.n_components,
            "max_components": self.max_components,
            "covariance": self.covariance,
            "reg_covar": self.reg_covar,
        }

    @classmethod
    def _from_trusted(cls, weights, means, covariances, options) -> GaussianMixture:
        """Internal: from fresh float arrays valid by construction (``fit``,
        ``smooth``); non-finite values go through the checks."""
        if not all_finite(weights, means, covariances):
            return cls(weights, means, covariances, **options)
        return trusted(
            cls,
            weights=weights / weights.sum(),
            means=means,
            covariances=0.5 * (covariances + covariances.transpose(0, 2, 1)),
            **options,
        )

    @classmethod
    def standard(cls, d: int, **options) -> GaussianMixture:
        """The standard normal on ``R^d`` as a one-component mixture.

        Its ``log_pdf`` is exactly the standard normal's, so it serves as the
        nominal family of :func:`~cemethod.estimate_rare_event`,
        whose CE updates then call its ``fit`` and refit mixtures. ``options``
        are the fit options (``n_components``, ``max_components``, ...).
        """
        if (
            isinstance(d, (bool, np.bool_))
            or not isinstance(d, (int, np.integer))
            or d < 1
        ):
            raise parameter_error("GaussianMixture.standard", "d", "an integer >= 1", d)
        d = int(d)
        return cls(np.ones(1), np.zeros((1, d)), np.eye(d)[None], **options)

    def __repr__(self):
        extra = "".join(
            f", {k}={v!r}"
            for k, v in self._options().items()
            if v != type(self).__dataclass_fields__[k].default
        )
        return (
            f"GaussianMixture(weights={self.weights!r}, means={self.means!r}, "
            f"covariances={self.covariances!r}{extra})"
        )

    @property
    def dim(self) -> int:
        """Number of coordinates ``d``."""
        return self.means.shape[1]

    @property
    def components(self) -> tuple[MultivariateGaussian, ...]:
        """The components as :class:`MultivariateGaussian` families."""
        return self._parts

    def sample(self, n, rng=None) -> np.ndarray:
        """``n`` independent draws, shape ``(n, d)``; ``rng``: Generator or seed."""
        n = check_n(n, "GaussianMixture.sample")
        rng = np.random.default_rng(rng)
        cum = np.cumsum(self.weights)
        label = np.minimum(
            np.searchsorted(cum, rng.random(n) * cum[-1], "right"), cum.size - 1
        )
        z = rng.standard_normal((n, self.dim))
        out = np.empty((n, self.dim))
        for j, part in enumerate(self._parts):
            rows = label == j
            factor = part._factor
            out[rows] = z[rows, : factor.shape[1]] @ factor.T + part.mean
        return out

    def log_pdf(self, x) -> np.ndarray:
        """Log density of each row of ``x`` (shape ``(n, d)``), shape ``(n,)``."""
        x = check_samples(x, self.dim, "GaussianMixture.log_pdf")
        if all(p._null is None for p in self._parts):  # all positive definite
            chols = [p._factor for p in self._parts]
            terms = component_logpdf(x, self.means, chols)
        else:
            terms = np.stack([p.log_pdf(x) for p in self._parts], axis=1)
        if self.weights.size == 1:
            return terms[:, 0]  # exactly the component's density
        with np.errstate(divide="ignore"):
            return logsumexp(terms + np.log(self.weights), axis=1)

    def fit(self, x, weights=None) -> GaussianMixture:
        """The weighted MLE by EM (see the class Notes for the choices)."""
        x, w = check_fit_data(x, weights, self.dim, "GaussianMixture.fit")
        # Merge repeated rows (summing their weights): the fit then depends
        # only on the weighted set of distinct points, so integer weights act
        # exactly as repetition, also in the effective sample size of the BIC.
        x, inverse = np.unique(x[w > 0], axis=0, return_inverse=True)
        w = np.bincount(inverse.ravel(), weights=w[w > 0])
        mean, var = weighted_moments(x, w)
        free = var > 0  # constant columns stay exactly constant
        d, diag = int(free.sum()), self.covariance == "diag"
        one = np.ones(1)
        if d == 0:
            cov = np.zeros((1, self.dim, self.dim))
            return GaussianMixture._from_trusted(
                one, mean[None].copy(), cov, self._options()
            )
        scale = np.sqrt(var[free])
        z = (x[:, free] - mean[free]) / scale
        ks = (
            range(1, self.max_components + 1)
            if self.n_components == "auto"
            else [self.n_components]
        )
        pi, zmeans, zcovs = fit_mixture(z, w, ks, self.reg_covar, diag)
        means = np.repeat(mean[None], pi.size, axis=0)
        means[:, free] = mean[free] + zmeans * scale
        covs = np.zeros((pi.size, self.dim, self.dim))
        block = np.ix_(free, free)
        for j in range(pi.size):
            covs[j][block] = zcovs[j] * np.outer(scale, scale)
        return GaussianMixture._from_trusted(pi, means, covs, self._options())

    def smooth(self, previous, alpha, *, std_alpha=None) -> GaussianMixture:
        """``alpha * self + (1 - alpha) * previous``, component by component.

        Components are paired by nearest means; with different numbers of
        components ``self`` is returned (see the class Notes). ``std_alpha``
        (default ``alpha``) smooths the covariances separately.
        """
        func = "GaussianMixture.smooth"
        alpha = check_alpha(alpha, func)
        beta = alpha if std_alpha is None else check_alpha(std_alpha, func, "std_alpha")
        check_previous(self, previous, func, GaussianMixture)
        if previous.weights.size != self.weights.size:
            return self
        cost = np.square(self.means[:, None, :] - previous.means[None]).sum(axis=2)
        _, perm = linear_sum_assignment(cost)
        return GaussianMixture._from_trusted(
            alpha * self.weights + (1 - alpha) * previous.weights[perm],
            alpha * self.means + (1 - alpha) * previous.means[perm],
            beta * self.covariances + (1 - beta) * previous.covariances[perm],
            self._options(),
        )

    def _overall_variance(self) -> np.ndarray:
        """Per-coordinate variance of the mixture (law of total variance)."""
        center = self.weights @ self.means
        within = self.weights @ np.diagonal(self.covariances, axis1=1, axis2=2)
        return within + self.weights @ np.square(self.means - center)

    def mode(self) -> np.ndarray:
        """The most likely point found by mean-shift from each component mean."""
        if self.weights.size == 1:
            return self.means[0].copy()
        candidates = [m.copy() for m in self.means]
        try:
            prec = np.linalg.inv(self.covariances)
        except np.linalg.LinAlgError:
            prec = None  # a singular component: the best mean is the answer
        if prec is not None and np.all(np.isfinite(prec)):
            pm = np.einsum("kij,kj->ki", prec, self.means)
            for start in self.means:
                y = start.copy()
                for _ in range(500):
                    lp = np.array([p.log_pdf(y[None])[0] for p in self._parts])
                    r = np.exp(
                        lp + np.log(self.weights) - logsumexp(lp + np.log(self.weights))
                    )
                    new = np.linalg.solve(np.einsum("k,kij->ij", r, prec), r @ pm)
                    done = np.abs(new - y).max() <= 1e-12 * (1 + np.abs(y).max())
                    y = new
                    if done:
                        break
                candidates.append(y)
        points = np.array(candidates)
        return points[np.argmax(self.log_pdf(points))].copy()

    def is_degenerate(self, atol=1e-8) -> bool:
        """True when the mixture's variance in every coordinate is ``<= atol**2``
        (all components collapsed onto one point)."""
        return bool(self._overall_variance().max() <= atol**2)

    def dispersion(self) -> float:
        """The largest standard deviation of the mixture (within and between
        components)."""
        return float(np.sqrt(self._overall_variance().max()))
