"""Failure regions the final sampler misses: seen in the levels, absent after.

A family that cannot hold every failure region (a single Gaussian on two
separated regions) drifts onto one of them during the levels; its estimate is
then about the probability of that region alone, with a small error bar, since
the final run never draws from the others. The levels often *saw* the others:
the nominal and the early, broad samplers put some samples in every region.

Every level sample that reached ``gamma`` is kept with its sampler. Pooled with
the balance-heuristic weights ``f(x) / q(x)``, ``q = sum_j n_j g_j / n`` the
mixture of all the level samplers (Veach & Guibas 1995; Owen & Zhou 2000),
they give an unbiased estimate of the probability of any region. The region
that matters is where the final sampler ``g`` almost never draws: where one
draw, weighing ``f(x) / g(x)``, would be more than ``_DOMINANT`` of the whole
estimate. If the level hits put more than ``_MISSED_SHARE`` of the estimate
there, the final run cannot have seen that part, and the estimate is flagged.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import logsumexp

__all__ = ["missed_share"]

_DOMINANT = 0.2  # one final draw above this share of the estimate dominates it
_MISSED_SHARE = 0.1  # flag when the level hits put this much of l out of reach


def missed_share(hits, nominal, final_family, log_estimate, n_final):
    """Share of the estimate that the level hits put where the final sampler
    does not reach, and the number of those hits.

    ``hits`` is a list of ``(X_hit, sampler, n_drawn)``, one per level: the
    samples of that level in the event and the size of the level.
    """
    chunks = [(X, g, n) for X, g, n in hits if X.shape[0]]
    if not chunks or not math.isfinite(log_estimate):
        return 0.0, 0
    X = np.concatenate([c[0] for c in chunks])
    sizes = np.array([n for _, _, n in hits], dtype=float)
    samplers = [g for _, g, _ in hits]
    log_share = np.log(sizes / sizes.sum())[:, None]
    log_q = logsumexp(np.stack([g.log_pdf(X) for g in samplers]) + log_share, axis=0)
    log_f = nominal.log_pdf(X)
    # One final draw at x would add f(x) / g(x) / n_final to the estimate.
    log_draw = log_f - final_family.log_pdf(X) - math.log(n_final)
    out_of_reach = log_draw > log_estimate + math.log(_DOMINANT)
    if not out_of_reach.any():
        return 0.0, 0
    log_missed = logsumexp(log_f[out_of_reach] - log_q[out_of_reach]) - math.log(
        sizes.sum()
    )
    return float(math.exp(log_missed - log_estimate)), int(out_of_reach.sum())


def missed_note(share, n_hits):
    """The warning text when ``share`` is above the threshold and rests on at
    least two hits (one is noise of the pool estimate), else None."""
    if share <= _MISSED_SHARE or n_hits < 2:
        return None
    return (
        f"{n_hits} level samples in the event lie where the final sampler "
        f"almost never draws, and they put about {100 * share:.0f}% of the "
        "estimate there: the family has lost a failure region seen during the "
        "levels (the estimate is likely too small); use a mixture family "
        "(GaussianMixture) or more samples per level"
    )
