"""Private: compiled (numba) kernels of the weighted EM in ``_mixture_em``.

The whole EM run (Dempster, Laird & Rubin 1977; weighted as in the CE update
of Kurtz & Song 2013, improved CE of Geyer, Papaioannou & Straub 2019) runs in
one call, instead of some twenty numpy calls per iteration with their
temporaries: per iteration one Cholesky factor per component, the d x d
products over the rows as BLAS matrix products (as numpy did), and the
log-sum-exp, responsibilities and their sums as loops over the rows, which
compile to SIMD loops (the rows are the columns of ``zt``, (d, n); ``exp`` from
``_vector_math``). The fit equals the numpy formulas of the E- and M-steps to
roundoff; only the order of the sums differs. Kernels do not validate input.
Imported lazily by ``_mixture_em`` (numba takes ~0.3 s to load).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from cemethod.families._vector_math import exp_nonpositive

__all__ = ["em_run", "lloyd", "m_step_log_lik"]

_LOG_2PI = math.log(2.0 * math.pi)
# The sums may be reordered (vectorized); no flag that assumes finite values.
_SUMS = {"reassoc", "contract", "nsz", "arcp"}


@numba.njit(cache=True, nogil=True)
def _cholesky_t(covs, k, ut, log_det):  # pragma: no cover - compiled
    """Upper factors ``ut[j] = L_j^T`` of ``covs[j] = L_j L_j^T`` and the log
    determinants; False when a matrix is not positive definite (numpy's
    cholesky raises LinAlgError there)."""
    d = covs.shape[1]
    for j in range(k):
        s = 0.0
        for c in range(d):  # column c of L is row c of ut
            acc = covs[j, c, c]
            for b in range(c):
                acc -= ut[j, b, c] * ut[j, b, c]
            if not acc > 0.0:
                return False
            diag = math.sqrt(acc)
            ut[j, c, c] = diag
            s += math.log(diag)
            for r in range(c + 1, d):
                acc = covs[j, r, c]
                for b in range(c):
                    acc -= ut[j, b, r] * ut[j, b, c]
                ut[j, c, r] = acc / diag
            for r in range(c):
                ut[j, c, r] = 0.0
        log_det[j] = 2.0 * s
    return True


@numba.njit(cache=True, nogil=True, fastmath=_SUMS)
def _dot(x, y):  # pragma: no cover - compiled
    s = 0.0
    for i in range(x.size):
        s += x[i] * y[i]
    return s


@numba.njit(cache=True, nogil=True, fastmath=_SUMS)
def _sum(x):  # pragma: no cover - compiled
    s = 0.0
    for i in range(x.size):
        s += x[i]
    return s


@numba.njit(cache=True, nogil=True)
def _lower_inverse(ut, j):  # pragma: no cover - compiled
    """``L_j^{-1}`` (lower triangular) from ``ut[j] = L_j^T``."""
    d = ut.shape[1]
    x = np.zeros((d, d))
    for c in range(d):
        x[c, c] = 1.0 / ut[j, c, c]
        for r in range(c + 1, d):
            acc = 0.0
            for b in range(c, r):
                acc += ut[j, b, r] * x[b, c]
            x[r, c] = -acc / ut[j, r, r]
    return x


@numba.njit(cache=True, nogil=True, fastmath=_SUMS)
def _log_terms(zt, means, ut, offset, k):  # pragma: no cover - compiled
    """``log pi_j + log N(z_i | mean_j, L_j L_j^T)``, (k, n), with ``offset``
    the terms without ``z``: ``L_j^{-1} (z - mean_j)`` as one matrix product
    (BLAS; faster than triangular solves row by row, also at d = 2)."""
    d, n = zt.shape
    out = np.empty((k, n))
    dz = np.empty((d, n))
    for j in range(k):
        for a in range(d):
            mu = means[j, a]
            for i in range(n):
                dz[a, i] = zt[a, i] - mu
        y = np.dot(_lower_inverse(ut, j), dz)
        for i in range(n):
            out[j, i] = 0.0
        for a in range(d):
            for i in range(n):
                out[j, i] += y[a, i] * y[a, i]
        for i in range(n):
            out[j, i] = offset[j] - 0.5 * out[j, i]
    return out


@numba.njit(cache=True, nogil=True, fastmath={"contract"})
def _e_step(zt, w, pi, means, ut, log_det, k, wrt, mass, sq, sums):  # pragma: no cover
    """Weighted mean log-likelihood of the mixture on the rows of ``zt.T``;
    fills the weighted responsibilities ``wrt`` (k, n), their sums ``mass``,
    sums of squares ``sq`` and the weighted sums of the rows ``sums`` (k, d).
    Loops over the rows innermost, so that they run as SIMD loops."""
    d, n = zt.shape
    offset = np.empty(k)
    for j in range(k):
        offset[j] = math.log(pi[j]) - 0.5 * (d * _LOG_2PI + log_det[j])
    log_p = _log_terms(zt, means, ut, offset, k)
    top = log_p[0].copy()
    for j in range(1, k):
        for i in range(n):
            top[i] = max(top[i], log_p[j, i])
    s = np.zeros(n)
    for j in range(k):  # log-sum-exp: sum_j exp(log_p - top), >= 1
        for i in range(n):
            wrt[j, i] = exp_nonpositive(log_p[j, i] - top[i])
            s[i] += wrt[j, i]
    lse = np.empty(n)
    for i in range(n):
        lse[i] = top[i] + math.log(s[i])
        s[i] = w[i] / s[i]
    for j in range(k):  # w_i * exp(log_p - lse): the weighted responsibilities
        for i in range(n):
            wrt[j, i] *= s[i]
        mass[j] = _sum(wrt[j])
        sq[j] = _dot(wrt[j], wrt[j])
        for a in range(d):
            sums[j, a] = _dot(wrt[j], zt[a])
    return _dot(w, lse)


@numba.njit(cache=True, nogil=True, fastmath=_SUMS)
def _m_step(
    zt, wrt, mass, sums, cols, floor, diag, pi, means, covs
):  # pragma: no cover
    """Weights, means and floored covariances of the components ``cols`` of
    ``wrt`` (written to positions 0..len(cols)-1); covariances about the new
    means, as the numpy formulas."""
    d, n = zt.shape
    m = cols.size
    total = 0.0
    for q in range(m):
        total += mass[cols[q]]
    dz = np.empty((d, n))
    t = np.empty(n)
    tt = np.empty((1, 1) if diag else (d, n))
    for q in range(m):
        j = cols[q]
        pi[q] = mass[j] / total
        for a in range(d):
            means[q, a] = sums[j, a] / mass[j]
            for i in range(n):
                dz[a, i] = zt[a, i] - means[q, a]
        covs[q] = 0.0
        if not diag:  # sum_i r_i dz_i dz_i^T as one matrix product (BLAS)
            for a in range(d):
                for i in range(n):
                    tt[a, i] = wrt[j, i] * dz[a, i]
            covs[q] = np.dot(tt, dz.T) / mass[j]
        else:  # only the diagonal
            for a in range(d):
                for i in range(n):
                    t[i] = wrt[j, i] * dz[a, i]
                covs[q, a, a] = _dot(t, dz[a]) / mass[j]
        for a in range(d):
            covs[q, a, a] += floor


@numba.njit(cache=True, nogil=True)
def em_run(
    zt, w, pi, means, covs, floor, diag, tol, max_iter, min_weight
):  # pragma: no cover
    """EM on the rows of ``z``, given as ``zt = z.T`` (C-contiguous), from
    ``(pi, means, covs)`` (updated in place): returns ``(log_lik, k, ok)``
    with the fit in the first ``k`` entries.

    Each iteration: E-step, stop when the log-likelihood gains less than
    ``tol``, drop the components whose weight is below ``min_weight`` or whose
    effective sample size is below ``d + 1`` (never the heaviest), M-step. After
    ``max_iter`` iterations the last M-step's fit is returned with the previous
    log-likelihood, as the numpy loop did. ``ok`` is False when a covariance is
    not positive definite.
    """
    d, n = zt.shape
    k = pi.size
    wrt = np.empty((k, n))
    mass = np.empty(k)
    sq = np.empty(k)
    sums = np.empty((k, d))
    ut = np.zeros((k, d, d))
    log_det = np.empty(k)
    cols = np.empty(k, dtype=np.intp)
    previous = -np.inf
    log_lik = -np.inf
    for _ in range(max_iter):
        if not _cholesky_t(covs, k, ut, log_det):
            return log_lik, k, False
        log_lik = _e_step(zt, w, pi, means, ut, log_det, k, wrt, mass, sq, sums)
        if log_lik - previous < tol:
            break
        previous = log_lik
        heavy = 0
        for j in range(1, k):
            if mass[j] > mass[heavy]:
                heavy = j
        m = 0
        for j in range(k):
            ess = mass[j] * mass[j] / max(sq[j], 1e-300)
            if j == heavy or (mass[j] >= min_weight and ess >= d + 1):
                cols[m] = j
                m += 1
        if m < k:
            previous = -np.inf  # a dropped component: no stop on this step
        _m_step(zt, wrt, mass, sums, cols[:m], floor, diag, pi, means, covs)
        k = m
    return log_lik, k, True


@numba.njit(cache=True, nogil=True)
def m_step_log_lik(zt, w, floor, diag):  # pragma: no cover
    """The one-component fit to the rows of ``zt.T`` (an M-step with all
    responsibilities 1) and its weighted mean log-likelihood:
    ``(log_lik, pi, means, covs, ok)``."""
    d, n = zt.shape
    wrt = w.reshape((1, n)).copy()
    sums = np.empty((1, d))
    mass = np.array([_dot(w, np.ones(n))])
    for a in range(d):
        sums[0, a] = _dot(w, zt[a])
    pi, means, covs = np.empty(1), np.empty((1, d)), np.empty((1, d, d))
    cols = np.zeros(1, dtype=np.intp)
    _m_step(zt, wrt, mass, sums, cols, floor, diag, pi, means, covs)
    ut, log_det = np.zeros((1, d, d)), np.empty(1)
    if not _cholesky_t(covs, 1, ut, log_det):
        return -np.inf, pi, means, covs, False
    sq = np.empty(1)
    log_lik = _e_step(zt, w, pi, means, ut, log_det, 1, wrt, mass, sq, sums)
    return log_lik, pi, means, covs, True


@numba.njit(cache=True, nogil=True)
def lloyd(z, w, centers, steps):  # pragma: no cover - compiled
    """Weighted Lloyd steps from ``centers`` (in place; stops when the centers
    stop moving), then the masses of the final cells and the pooled
    within-cell scatter ``sum_i w_i (z_i - c_i)(z_i - c_i)^T``: ``(mass,
    pooled)``. Empty cells keep their center (and have mass 0)."""
    n, d = z.shape
    k = centers.shape[0]
    label = np.empty(n, dtype=np.intp)
    mass = np.empty(k)
    sums = np.empty((k, d))
    for step in range(steps + 1):
        for i in range(n):
            best, pick = np.inf, 0
            for j in range(k):
                dist = 0.0
                for a in range(d):
                    diff = z[i, a] - centers[j, a]
                    dist += diff * diff
                if dist < best:  # the first nearest, as argmin
                    best, pick = dist, j
            label[i] = pick
        mass[:] = 0.0
        sums[:] = 0.0
        for i in range(n):
            j = label[i]
            mass[j] += w[i]
            for a in range(d):
                sums[j, a] += w[i] * z[i, a]
        if step == steps:
            break
        moved = False
        for j in range(k):
            if mass[j] > 0:
                for a in range(d):
                    new = sums[j, a] / mass[j]
                    if new != centers[j, a]:
                        moved = True
                    centers[j, a] = new
        if not moved:
            break
    pooled = np.zeros((d, d))
    dz = np.empty(d)
    for i in range(n):
        for a in range(d):
            dz[a] = z[i, a] - centers[label[i], a]
        for a in range(d):
            t = w[i] * dz[a]
            for b in range(a, d):
                pooled[a, b] += t * dz[b]
    for a in range(d):
        for b in range(a + 1, d):
            pooled[b, a] = pooled[a, b]
    return mass, pooled
