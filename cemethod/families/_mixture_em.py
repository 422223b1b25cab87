"""Private: the weighted EM algorithm behind :class:`GaussianMixture`.

Works on standardized coordinates (the caller divides by the weighted
standard deviations), on distinct rows whose weights sum to one.
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


def _lse(a):
    """Row-wise log-sum-exp of finite values (the E-step's hot path)."""
    top = a.max(axis=1)
    return top + np.log(np.exp(a - top[:, None]).sum(axis=1))


def _log_lik(z, w, pi, means, covs):
    """Weighted mean log-likelihood of the mixture ``(pi, means, covs)``."""
    log_p = np.log(pi) + component_logpdf(z, means, np.linalg.cholesky(covs))
    return float(w @ _lse(log_p))


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
    for _ in range(_LLOYD_STEPS):
        dist = np.square(z[:, None, :] - centers[None]).sum(axis=2)
        label = np.argmin(dist, axis=1)
        mass = np.bincount(label, weights=w, minlength=len(centers))
        keep = mass > 0
        sums = np.stack(
            [np.bincount(label, weights=w * c, minlength=len(centers)) for c in z.T],
            axis=1,
        )
        new = centers.copy()
        new[keep] = sums[keep] / mass[keep, None]
        if np.array_equal(new, centers):
            break
        centers = new
    dist = np.square(z[:, None, :] - centers[None]).sum(axis=2)
    label = np.argmin(dist, axis=1)
    mass = np.bincount(label, weights=w, minlength=len(centers))
    dz = z - centers[label]
    pooled = (dz * w[:, None]).T @ dz
    return mass[mass > 0], centers[mass > 0], pooled


def _m_step(z, wr, floor, diag):
    """Weights, means and floored covariances from the weighted responsibilities."""
    mass = wr.sum(axis=0)
    means = (wr.T @ z) / mass[:, None]
    covs = np.empty((len(mass), z.shape[1], z.shape[1]))
    for j in range(len(mass)):
        dz = z - means[j]
        covs[j] = (dz * wr[:, j : j + 1]).T @ dz / mass[j]
    if diag:
        covs *= np.eye(z.shape[1])
    covs += floor * np.eye(z.shape[1])
    return mass / mass.sum(), means, covs


def _em(z, w, k, floor, diag, gen):
    """One EM run from a k-means++ seeding: ``(log_lik, weights, means, covs)``."""
    d = z.shape[1]
    mass, centers, pooled = _seed_centers(z, w, k, gen)
    pooled = np.diag(np.diag(pooled)) if diag else pooled
    pi = mass / mass.sum()
    means = centers
    covs = np.repeat((pooled + floor * np.eye(d))[None], len(pi), axis=0)
    previous = -math.inf
    for _ in range(_MAX_ITER):
        log_p = np.log(pi) + component_logpdf(z, means, np.linalg.cholesky(covs))
        top = _lse(log_p)
        log_lik = float(w @ top)
        if log_lik - previous < _TOL:
            break
        previous = log_lik
        wr = w[:, None] * np.exp(log_p - top[:, None])
        mass = wr.sum(axis=0)
        ess = np.square(mass) / np.maximum(np.square(wr).sum(axis=0), 1e-300)
        keep = (mass >= _MIN_WEIGHT) & (ess >= d + 1)
        keep[np.argmax(mass)] = True
        if not keep.all():
            wr, previous = wr[:, keep], -math.inf
        pi, means, covs = _m_step(z, wr, floor, diag)
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
    best = None
    for k in ks:
        if best is not None and k * (_n_params(1, d, diag) + 1) > ess:
            break  # fewer effective points than parameters per component
        if k == 1:
            pi, means, covs = _m_step(z, w[:, None], floor, diag)
            fit = (_log_lik(z, w, pi, means, covs), pi, means, covs)
        else:
            runs = (_em(z, w, k, floor, diag, gen) for _ in range(_N_INIT))
            fit = max(runs, key=lambda f: f[0])
        bic = -2 * ess * fit[0] + _n_params(fit[1].size, d, diag) * math.log(ess)
        if best is not None and bic >= best[0]:
            break  # the first k that does not improve the BIC ends the search
        best = (bic, *fit[1:])
    return best[1:]
