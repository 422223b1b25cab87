"""The level loop of the improved cross-entropy method (iCE).

Papaioannou, Geyer & Straub (2019), "Improved cross entropy-based importance
sampling with a flexible mixture model", Reliability Engineering & System
Safety 191, 106564, sec. 3. Instead of the elite indicator ``1{S >= gamma_t}``
of the multilevel CE method, level ``t`` targets the density proportional to
``f(x; u) Phi(-G(x) / sigma_t)`` with ``G = gamma - S`` (the event is ``G <=
0``) and a width ``sigma_t`` that shrinks to 0:

- ``sigma_t`` solves ``CoV(Phi(-G / sigma) / Phi(-G / sigma_{t-1})) = delta``
  on the ``N`` samples of the level (their eq. (20); ``sigma_0 = inf``), so
  consecutive targets stay close by construction: the level cannot stall;
- the CE update is the weighted MLE over *all* ``N`` samples with weights
  ``W = f(x; u) Phi(-G / sigma_t) / f(x; v_{t-1})`` (their eq. (18)), not only
  the ``rho N`` elite; the fitted parameters are much less noisy when there
  are many of them;
- the levels stop when ``CoV(1{G <= 0} / Phi(-G / sigma_{t-1})) <= delta``
  (their eq. (21)): the current family already fits the event itself.

The final importance-sampling run is then drawn afresh (possibly in stages,
see ``_rare_refine``); the algorithm of the paper instead reuses the last
level's sample, which ``reuse_level_samples=True`` does here too, with the
caveat that its stopping rule looked at that sample.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import log_ndtr

from cemethod.rare_event._levels import (
    LevelRun,
    scaled_weights,
    update,
    warn_not_reached,
)
from cemethod.rare_event._refine import SamplePool

__all__ = []


def _cov(log_w):
    """Coefficient of variation of ``exp(log_w)`` (``inf`` when all are 0)."""
    top = np.max(log_w)
    if not np.isfinite(top):
        return math.inf
    w = np.exp(log_w - top)
    mean = w.mean()
    return math.sqrt(max(float(w @ w) / w.size - mean * mean, 0.0)) / mean


def _log_smooth(G, sigma):
    """``log Phi(-G / sigma)``; the limit ``log(1/2)`` for ``sigma = inf``."""
    if math.isinf(sigma):
        return np.full(G.shape, math.log(0.5))
    return log_ndtr(-G / sigma)


def next_width(G, previous, delta):
    """``sigma_t``: ``CoV(Phi(-G / sigma) / Phi(-G / previous)) = delta``.

    The CoV grows as ``sigma`` shrinks (from 0 at ``sigma = previous``), so the
    root is bracketed and found by Brent's method on ``log sigma``. Returns
    ``0.0`` when even the limit ``sigma -> 0`` (the indicator itself) is
    within ``delta``.
    """
    base = _log_smooth(G, previous)
    # A failed evaluation (G = +inf, on_error="worst") has ratio 0 (0 / 0 in
    # the limit of a large G).
    outside = np.isposinf(G)
    finite = np.abs(G[np.isfinite(G)])
    scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    hi = min(previous, 1e3 * scale)
    lo = 1e-12 * scale

    def cov(sigma):
        with np.errstate(invalid="ignore"):
            log_ratio = _log_smooth(G, sigma) - base
        return _cov(np.where(outside, -math.inf, log_ratio))

    if cov(lo) <= delta:
        return 0.0
    return math.exp(
        brentq(
            lambda z: cov(math.exp(z)) - delta,
            math.log(lo),
            math.log(hi),
            xtol=1e-6,
        )
    )


def _converged(G, sigma, delta):
    """Their eq. (21): the CoV of ``1{G <= 0} / Phi(-G / sigma)``."""
    hit = G <= 0
    if not hit.any():
        return False
    if sigma == 0:  # the previous fit already used the indicator
        return True
    log_w = np.where(hit, -_log_smooth(G, sigma), -math.inf)
    return _cov(log_w) <= delta


def _stalled(fraction, previous, rho, n):
    """Guard: at least ``rho`` of the samples hit, and that fraction no longer
    grows by more than two standard errors from the previous level."""
    return fraction >= rho and fraction - previous <= 2 * math.sqrt(
        fraction * (1 - fraction) / n
    )


def improved_levels(
    scorer,
    nominal,
    target,
    n_samples,
    rho,
    smoothing,
    max_levels,
    delta,
    rng,
    *,
    delta_cov,
) -> LevelRun:
    """Run the iCE levels; ``run.levels`` holds the widths ``sigma_t``.

    The arguments are those of ``_rare_levels.multilevel``, plus ``delta_cov``.
    """
    run = LevelRun(family=nominal, pool=SamplePool(nominal))
    sigma = math.inf
    fraction = 0.0
    for _ in range(max_levels):
        proposal = run.family
        X, s = scorer(proposal, n_samples, rng)
        run.last_sample = (X, s, proposal)
        run.add_level(X, s, proposal, target)
        G = target - s
        previous, fraction = fraction, float(np.mean(G <= 0))
        if _converged(G, sigma, delta_cov):
            run.reached = True
            break
        if _stalled(fraction, previous, rho, n_samples):
            run.reached = True
            run.notes.append(
                f"the iCE levels stopped when the fraction of samples in the event "
                f"stopped growing ({fraction:.3g}, after {previous:.3g})"
            )
            break
        sigma = next_width(G, sigma, delta_cov)
        XX, ss = run.pool.samples()
        GG = target - ss
        log_w = run.pool.log_weights()
        if sigma > 0:
            log_w = log_w + _log_smooth(GG, sigma)
        else:  # the indicator itself: weights on the hits only
            log_w = np.where(GG <= 0, log_w, -math.inf)
        w = scaled_weights(
            log_w, "the iCE weights f(x; u) Phi(-G / sigma) / f(x; v)", proposal
        )
        # Rows below 1e-12 of the largest weight change the fit by less than
        # rounding but cost time.
        keep = w > 1e-12
        update(run, proposal, XX[keep], w[keep], nominal, smoothing, delta, sigma)
    if not run.reached:
        warn_not_reached(
            run, f"the iCE levels did not converge after {max_levels} levels"
        )
    return run
