"""Numerics of the von Mises-Fisher-Nakagami family: Bessel functions, the vMF
normalizing constant, Wood's sampler and the Nakagami density.

The vMF density on the unit sphere ``S^{d-1}`` is ``C_d(kappa) exp(kappa mu.a)``
with ``C_d(kappa) = kappa^{nu} / ((2 pi)^{d/2} I_{nu}(kappa))``, ``nu = d/2 - 1``
(Mardia & Jupp 2000, sec. 9.3.2), and ``C_d(0) = Gamma(d/2) / (2 pi^{d/2})``,
the inverse area of the sphere. ``log I_nu`` is taken from the exponentially
scaled ``scipy.special.ive`` where that is a normal float; where it underflows
(large ``nu``, small ``kappa``) from the power series when ``kappa^2 / 4 <
nu + 1`` and otherwise from the uniform (Debye) asymptotic expansion of Olver
(DLMF 10.41.3) with four correction terms, whose relative error is below
``1e-12`` for ``nu >= 50``, the only orders at which ``ive`` underflows
outside the series' range.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import gammaln, ive, xlogy

__all__: list[str] = []

_TINY = 1e-290  # ive results below this lose relative precision (subnormals)


def _debye_log_iv(nu, kappa):
    """``log I_nu(kappa)`` by the uniform asymptotic expansion (DLMF 10.41.3)."""
    z = kappa / nu
    s = np.sqrt(1.0 + z * z)
    t = 1.0 / s
    eta = s + np.log(z / (1.0 + s))
    t2 = t * t
    u1 = t * (3.0 - 5.0 * t2) / 24.0
    u2 = t2 * (81.0 - 462.0 * t2 + 385.0 * t2 * t2) / 1152.0
    u3 = (
        t * t2 * (30375.0 - 369603.0 * t2 + 765765.0 * t2**2 - 425425.0 * t2**3)
    ) / 414720.0
    u4 = (
        t2
        * t2
        * (
            4465125.0
            - 94121676.0 * t2
            + 349922430.0 * t2**2
            - 446185740.0 * t2**3
            + 185910725.0 * t2**4
        )
    ) / 39813120.0
    series = 1.0 + u1 / nu + u2 / nu**2 + u3 / nu**3 + u4 / nu**4
    return (
        nu * eta - 0.5 * np.log(2.0 * math.pi * nu) - 0.5 * np.log(s) + np.log(series)
    )


def _series_log_iv(nu, kappa, terms=60):
    """``log I_nu(kappa)`` by the power series (DLMF 10.25.2), for ``kappa^2 / 4
    < nu + 1`` where the term ratio ``(kappa^2 / 4) / (j (nu + j))`` is < 1/j."""
    q = 0.25 * kappa * kappa
    total = np.ones_like(kappa)
    term = np.ones_like(kappa)
    for j in range(1, terms):
        term = term * q / (j * (nu + j))
        total = total + term
    return nu * np.log(0.5 * kappa) - gammaln(nu + 1.0) + np.log(total)


def log_iv(nu: float, kappa) -> np.ndarray:
    """``log I_nu(kappa)`` for ``nu >= 0`` and ``kappa > 0`` (array), stably for
    large ``nu`` and ``kappa``."""
    kappa = np.asarray(kappa, dtype=float)
    with np.errstate(all="ignore"):
        scaled = ive(nu, kappa)
        out = np.log(scaled) + kappa
    bad = ~(np.isfinite(scaled) & (scaled > _TINY))
    if bad.any():
        k = kappa[bad]
        small = 0.25 * k * k < nu + 1.0
        fix = np.empty_like(k)
        if small.any():
            fix[small] = _series_log_iv(nu, k[small])
        if (~small).any():
            fix[~small] = _debye_log_iv(nu, k[~small])
        out = np.array(out, copy=True)
        out[bad] = fix
    return out


def log_sphere_area(d: int) -> float:
    """``log`` of the area ``2 pi^{d/2} / Gamma(d/2)`` of ``S^{d-1}``."""
    return math.log(2.0) + 0.5 * d * math.log(math.pi) - math.lgamma(0.5 * d)


def vmf_log_norm(d: int, kappa) -> np.ndarray:
    """``log C_d(kappa)``; exactly ``-log_sphere_area(d)`` at ``kappa = 0``."""
    kappa = np.atleast_1d(np.asarray(kappa, dtype=float))
    nu = 0.5 * d - 1.0
    out = np.full(kappa.shape, -log_sphere_area(d))
    pos = (kappa > 0) & np.isfinite(kappa)
    if pos.any():
        k = kappa[pos]
        out[pos] = nu * np.log(k) - 0.5 * d * math.log(2 * math.pi) - log_iv(nu, k)
    out[np.isinf(kappa)] = np.inf
    return out


def mean_resultant(d: int, kappa) -> np.ndarray:
    """``A_d(kappa) = I_{d/2}(kappa) / I_{d/2-1}(kappa) = E[mu.a]`` (0 at 0, 1 at
    infinity)."""
    kappa = np.atleast_1d(np.asarray(kappa, dtype=float))
    out = np.zeros(kappa.shape)
    pos = (kappa > 0) & np.isfinite(kappa)
    if pos.any():
        k = kappa[pos]
        nu = 0.5 * d - 1.0
        out[pos] = np.exp(log_iv(nu + 1.0, k) - log_iv(nu, k))
    out[np.isinf(kappa)] = 1.0
    return out


def banerjee_kappa(rbar, d: int) -> np.ndarray:
    """``kappa = rbar (d - rbar^2) / (1 - rbar^2)`` (Banerjee, Dhillon, Ghosh &
    Sra 2005, eq. (4.4)); ``inf`` once ``1 - rbar`` is at rounding level."""
    rbar = np.clip(np.asarray(rbar, dtype=float), 0.0, 1.0)
    with np.errstate(divide="ignore"):
        kappa = rbar * (d - rbar * rbar) / (1.0 - rbar * rbar)
    kappa[rbar >= 1.0 - 1e-13] = np.inf
    return kappa


def wood_cosines(kappa: float, d: int, n: int, rng) -> np.ndarray:
    """``n`` draws of ``w = mu.a`` for ``a ~ vMF(mu, kappa)`` on ``S^{d-1}``.

    Wood (1994), "Simulation of the von Mises Fisher distribution",
    Communications in Statistics - Simulation and Computation 23(1), 157-164:
    rejection from a transformed Beta((d-1)/2, (d-1)/2) draw. ``1 - w``,
    ``1 + w`` and ``1 - x0 w`` are formed without cancellation so that large
    ``kappa`` keeps its precision; returns ``(w, 1 - w^2)``.
    """
    h = 0.5 * (d - 1)
    b = (d - 1) / (2.0 * kappa + math.sqrt(4.0 * kappa * kappa + (d - 1) ** 2))
    one_m_x0 = 2.0 * b / (1.0 + b)
    x0 = (1.0 - b) / (1.0 + b)
    log_1m_x0sq = math.log(one_m_x0 * 2.0 / (1.0 + b))
    w_out, s_out, got = np.empty(n), np.empty(n), 0
    while got < n:
        m = max(16, int(1.3 * (n - got)))
        z = rng.beta(h, h, size=m)
        den = 1.0 - (1.0 - b) * z
        one_m_w = 2.0 * b * z / den
        one_p_w = 2.0 * (1.0 - z) / den
        w = 1.0 - one_m_w
        u = rng.random(m)
        with np.errstate(divide="ignore"):
            # kappa (w - x0) + (d - 1) log((1 - x0 w) / (1 - x0^2)) >= log u
            log_t = np.log(one_m_x0 + x0 * one_m_w) - log_1m_x0sq
            ok = kappa * (one_m_x0 - one_m_w) + (d - 1) * log_t >= np.log(u)
        take = min(int(ok.sum()), n - got)
        w_out[got : got + take] = w[ok][:take]
        s_out[got : got + take] = (one_m_w * one_p_w)[ok][:take]
        got += take
    return w_out, s_out


def vmf_sample(mu: np.ndarray, kappa: float, n: int, rng, scale) -> np.ndarray:
    """``scale[i] * a_i`` for ``n`` unit vectors ``a_i ~ vMF(mu, kappa)``: uniform
    (normalized normal draws) at ``kappa = 0``, ``mu`` itself at ``kappa =
    inf``, Wood's cosine plus a uniform direction orthogonal to ``mu``
    otherwise. Written as one scaling of the normal draws plus a rank-one
    update, so that large ``(n, d)`` batches make a single temporary."""
    d = mu.size
    if math.isinf(kappa):
        return np.outer(scale, mu)
    g = rng.standard_normal((n, d))
    sq = np.einsum("ij,ij->i", g, g)
    if kappa == 0:
        g *= (scale / np.sqrt(sq))[:, None]
        return g
    w, s = wood_cosines(kappa, d, n, rng)
    p = g @ mu
    perp2 = sq - p * p  # |g - (g.mu) mu|^2
    close = perp2 <= 1e-6 * sq  # cancellation: recompute those rows
    if close.any():
        rows = g[close] - np.outer(p[close], mu)
        perp2[close] = np.einsum("ij,ij->i", rows, rows)
    coef = scale * np.sqrt(s / perp2)
    g *= coef[:, None]
    g += np.outer(scale * w - coef * p, mu)
    return g


def nakagami_sample(m: float, omega: float, n: int, rng) -> np.ndarray:
    """``n`` radii from Nakagami(m, Omega): ``r^2 ~ Gamma(m, scale Omega / m)``;
    ``r = sqrt(Omega)`` when ``m = inf``."""
    if math.isinf(m):
        return np.full(n, math.sqrt(omega))
    return np.sqrt(rng.gamma(m, omega / m, size=n))


def radial_log_pdf(r, r2, d, m, omega):
    """``log f_N(r; m, Omega) - (d - 1) log r`` for each radius (rows) and each
    component (columns), ``(2 m - d) log r`` by ``xlogy`` so that the nominal
    ``m = d/2`` is finite at ``r = 0``. Components with ``m = inf`` (a sphere of
    radius ``sqrt(Omega)``) give ``-(d - 1) log r`` on it, ``-inf`` off it."""
    m = np.asarray(m, dtype=float)
    omega = np.asarray(omega, dtype=float)
    fin = np.isfinite(m)
    out = np.empty((r.size, m.size))
    if fin.any():
        mf, of = m[fin], omega[fin]
        const = math.log(2.0) + mf * np.log(mf / of) - gammaln(mf)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, fin] = (
                const + xlogy(2.0 * mf - d, r[:, None]) - (mf / of) * r2[:, None]
            )
    for k in np.flatnonzero(~fin):
        r0 = math.sqrt(omega[k])
        on = np.abs(r - r0) <= 1e-9 * max(r0, 1.0)
        with np.errstate(divide="ignore"):
            out[:, k] = np.where(on, -(d - 1) * np.log(r), -np.inf)
    return out


def logsumexp_rows(a):
    """Row-wise ``log sum exp`` (``-inf`` rows stay ``-inf``, ``+inf`` wins)."""
    top = a.max(axis=1)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = safe + np.log(np.exp(a - safe[:, None]).sum(axis=1))
    return np.where(np.isfinite(top), out, top)


def nakagami_radius_gap(m):
    """``1 - (E r)^2 / Omega = 1 - Gamma(m + 1/2)^2 / (m Gamma(m)^2)``, the
    relative variance of a Nakagami radius (series for large ``m``)."""
    m = np.asarray(m, dtype=float)
    out = np.zeros(m.shape)
    big = m > 1e4
    fin = np.isfinite(m) & ~big
    mf = m[fin]
    out[fin] = -np.expm1(2.0 * (gammaln(mf + 0.5) - gammaln(mf)) - np.log(mf))
    mb = m[big & np.isfinite(m)]
    out[big & np.isfinite(m)] = 0.25 / mb - 1.0 / (32.0 * mb * mb)
    return out
