"""The Pareto k-hat diagnostic of importance-sampling weights.

Vehtari, Simpson, Gelman, Yao & Gabry (2024), "Pareto smoothed importance
sampling", JMLR 25(72): fit a generalized Pareto distribution to the largest
weights; its shape ``k`` says how many moments the weights have (``1 / k``). With
``k > 0.7`` (fewer than about 1.4 moments) the central limit theorem is too slow
for the sample at hand and the estimate and its normal interval are not to be
trusted, whatever the effective sample size says; the threshold is
``min(1 - 1 / log10(S), 0.7)`` for ``S`` weights (their eq. (13)).

The fit is the empirical-Bayes estimator of Zhang & Stephens (2009),
"A new and efficient estimation method for the generalized Pareto
distribution", Technometrics 51(3), with the weakly informative prior on ``k``
of Vehtari et al. (2024, sec. 3.1): ``k`` here is the shape, positive for heavy
tails (the negative of Zhang & Stephens' ``k``).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["k_hat_threshold", "pareto_k_hat"]

_MIN_TAIL = 5  # fewer tail points than this: no fit
_MAX_TIES = 0.2  # fewer tail points than this share above the threshold: flat


def _gpd_shape(x: np.ndarray) -> float:
    """Zhang-Stephens estimate of the GPD shape from exceedances ``x`` > 0,
    sorted ascending (location 0)."""
    n = x.size
    m = 30 + int(math.sqrt(n))
    j = np.arange(1, m + 1, dtype=float)
    # Grid of theta = -xi / sigma values, centred on the data's scale.
    quartile = x[int(n / 4 + 0.5) - 1]
    theta = 1.0 / x[-1] + (1.0 - np.sqrt(m / (j - 0.5))) / (3.0 * quartile)
    k = np.log1p(-theta[:, None] * x).mean(axis=1)  # profile shape at each theta
    log_lik = n * (np.log(-theta / k) - k - 1.0)
    # Posterior weights of the grid points (a softmax of the profile likelihood).
    weights = np.exp(log_lik - log_lik.max())
    weights /= weights.sum()
    theta_post = float(weights @ theta)
    shape = float(np.log1p(-theta_post * x).mean())
    return (n * shape + 10 * 0.5) / (n + 10)  # prior: k ~ N(0.5, ...), 10 points


def pareto_k_hat(log_terms) -> float:
    """k-hat of the positive terms given as logs (``-inf`` entries are zeros).

    Uses the ``M = min(0.2 S, 3 sqrt(S))`` largest of the ``S`` positive terms,
    as exceedances over the next one. NaN when there are too few terms;
    ``-inf`` when the tail is flat: fewer than a fifth of the largest terms
    above the next one (capped weights, or crude Monte Carlo's ones).
    """
    logs = np.asarray(log_terms, dtype=float)
    logs = np.sort(logs[np.isfinite(logs)])
    s = logs.size
    tail = int(min(0.2 * s, 3 * math.sqrt(s)))
    if tail < _MIN_TAIL:
        return math.nan
    top = logs[-1]
    w = np.exp(logs[-(tail + 1) :] - top)  # scale-free: the shape ignores it
    x = w[1:] - w[0]
    above = x > 1e-12 * x[-1]
    # Mostly ties at the threshold: the weights are capped (a bounded defensive
    # mixture, crude Monte Carlo's ones), the light-tail case; the GPD fit
    # presumes a continuous tail and would read the few points above the cap
    # as a heavy one.
    if x[-1] <= 0 or np.count_nonzero(above) < max(_MIN_TAIL, _MAX_TIES * tail):
        return -math.inf
    return _gpd_shape(x[above])


def k_hat_threshold(n_terms: int) -> float:
    """Above this k-hat the estimate from ``n_terms`` weights is unreliable."""
    if n_terms <= 10:
        return 0.0
    return min(1.0 - 1.0 / math.log10(n_terms), 0.7)
