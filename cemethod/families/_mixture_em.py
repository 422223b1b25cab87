"""Private: the weighted EM algorithm behind :class:`GaussianMixture`.

Works on standardized coordinates (the caller divides by the weighted
standard deviations), on distinct rows whose weights sum to one. The seeding
draws here; the Lloyd steps and the EM iterations run compiled
(``_em_kernels``).
"""

from __future__ import annotations

import math

import numpy as np

__all__: list[str] = []

_LOG_2PI = math.log(2.0 * math.pi)
# EM stops when the weighted mean log-likelihood (per unit weight, in
# standardized coordinates) gains less than _TOL, or after _MAX_ITER steps.
_TOL = 1e-5
_MAX_ITER = 100
_LLOYD_STEPS = 10
_N_INIT = 3  # seedings per number of components; the best log-likelihood wins
# A component is dropped when its weight falls below _MIN_WEIGHT or its
# effective sample size below d + 1 (too few points for a covariance).
_MIN_WEIGHT = 1e-3
# fit() takes no rng, yet a fit must be a deterministic function of the data
# that honours the protocol: integer weights act as repetition, zero weights
# as removal, a common factor changes nothing. A seed hashed from the data
# would break this (repeated rows hash differently), so the seedings draw from
# a Generator with this fixed seed, made afresh in each fit, by inverse-CDF
# sampling on the cumulative weights, which picks the same point whether a
# row is repeated or weighted.
_SEED = 0x5EED_C0DE


def component_logpdf(z, means, chols):
    """``log N(z_i | means_j, L_j L_j^T)`` for positive definite factors, (n, k)."""
    out = np.empty((z.shape[0], means.shape[0]))
    d = z.shape[1]
    # (z - mean) @ inv(L).T: a batch of d x d inverses is far cheaper than
    # triangular solves with n right-hand sides.
    invs = np.linalg.inv(np.asarray(chols))
    for j, (mean, chol, inv) in enumerate(zip(means, chols, invs, strict=True)):
        y = (z - mean) @ inv.T
        log_det = 2.0 * np.log(np.diag(chol)).sum()
        out[:, j] = -0.5 * (np.einsum("ij,ij->i", y, y) + d * _LOG_2PI + log_det)
    return out


def _kernels():
    """The compiled kernels, imported on the first fit (numba loads slowly)."""
    from cemethod.families import _em_kernels

    return _em_kernels


def _not_positive_definite():
    return np.linalg.LinAlgError("Matrix is not positive definite")


def _seed_centers(z, w, k, gen):
    """Weighted k-means++ (Arthur & Vassilvitskii 2007) then Lloyd steps."""
    cum = np.cumsum(w)
    picks = [min(np.searchsorted(cum, gen.random() * cum[-1], "right"), len(w) - 1)]
    d2 = np.square(z - z[picks[0]]).sum(axis=1)
    for _ in range(1, k):
        cum = np.cumsum(w * d2)
        if not cum[-1] > 0:
            break  # every point with weight sits on a center
        i = min(np.searchsorted(cum, gen.random() * cum[-1], "right"), len(w) - 1)
        picks.append(i)
        d2 = np.minimum(d2, np.square(z - z[i]).sum(axis=1))
    centers = z[picks].copy()
    mass, pooled = _kernels().lloyd(z, w, centers, _LLOYD_STEPS)
    return mass[mass > 0], centers[mass > 0], pooled


def _em(z, zt, w, k, floor, diag, gen):
    """One EM run from a k-means++ seeding: ``(log_lik, weights, means, covs)``;
    ``zt`` is ``z.T``, C-contiguous (the kernels' layout)."""
    d = z.shape[1]
    mass, centers, pooled = _seed_centers(z, w, k, gen)
    pooled = np.diag(np.diag(pooled)) if diag else pooled
    pi = mass / mass.sum()
    means = centers
    covs = np.repeat((pooled + floor * np.eye(d))[None], len(pi), axis=0)
    log_lik, k, ok = _kernels().em_run(
        zt, w, pi, means, covs, floor, diag, _TOL, _MAX_ITER, _MIN_WEIGHT
    )
    if not ok:
        raise _not_positive_definite()
    return log_lik, pi[:k].copy(), means[:k].copy(), covs[:k].copy()


def _fit_one(zt, w, floor, diag):
    """The one-component fit and its log-likelihood (no iterations needed)."""
    log_lik, pi, means, covs, ok = _kernels().m_step_log_lik(zt, w, floor, diag)
    if not ok:
        raise _not_positive_definite()
    return log_lik, pi, means, covs


def _n_params(k, d, diag):
    return (k - 1) + k * d + k * (d if diag else d * (d + 1) // 2)


def fit_mixture(z, w, ks, floor, diag):
    """``(weights, means, covs)`` of the weighted EM fit to standardized rows
    ``z`` (distinct, ``w`` summing to one), with the number of components
    the BIC's choice among ``ks`` (see GaussianMixture's Notes)."""
    d = z.shape[1]
    ess = 1.0 / np.square(w).sum()
    gen = np.random.default_rng(_SEED)
    zt = np.ascontiguousarray(z.T)
    best = None
    for k in ks:
        if best is not None and k * (_n_params(1, d, diag) + 1) > ess:
            break  # fewer effective points than parameters per component
        if k == 1:
            fit = _fit_one(zt, w, floor, diag)
        else:
            runs = (_em(z, zt, w, k, floor, diag, gen) for _ in range(_N_INIT))
            fit = max(runs, key=lambda f: f[0])
        bic = -2 * ess * fit[0] + _n_params(fit[1].size, d, diag) * math.log(ess)
        if best is not None and bic >= best[0]:
            break  # the first k that does not improve the BIC ends the search
        best = (bic, *fit[1:])
    return best[1:]
