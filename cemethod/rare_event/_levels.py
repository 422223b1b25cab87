"""The level loop of multilevel cross-entropy importance sampling.

de Boer, Kroese, Mannor & Rubinstein (2005), Algorithm 2.1, with the guard of
the modified CE algorithm (Homem-de-Mello & Rubinstein 2002; Rubinstein &
Kroese 2004) for a level that does not advance. Internally the event is
always ``s >= target`` (scores are negated for ``direction="less"``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from cemethod.rare_event._refine import SamplePool
from cemethod.rare_event._screening import screen

__all__ = []

# A stalled level multiplies the sample size by _GROWTH, up to _MAX_GROWTH
# times the original (Homem-de-Mello & Rubinstein 2002).
_GROWTH = 2
_MAX_GROWTH = 16


@dataclass
class LevelRun:
    """What the levels produced: the final IS family and the bookkeeping."""

    family: object
    levels: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    # (X, s, sampling family) of the last level, for reuse_level_samples.
    last_sample: tuple | None = None
    frozen: dict = field(default_factory=dict)
    reached: bool = False
    # Every level sample (a SamplePool), for the refits of a staged final run.
    pool: object = None
    # (samples in the event, sampler, level size) per level, for _collapse.
    hits: list = field(default_factory=list)

    def add_level(self, X, s, proposal, target):
        """Record a level's sample (the pool, and its samples in the event)."""
        self.pool.add(X, s, proposal)
        self.hits.append((X[s >= target], proposal, X.shape[0]))


class NoWeightError(ValueError):
    """No level sample has a positive finite weight (the family misses the
    nominal support, or a smoothed indicator underflowed on a plateau)."""


def scaled_weights(log_w, what, proposal):
    """``exp(log_w - max(log_w))``: weights up to a common factor, which the fit
    ignores; ``what`` names them in the error raised when none is positive."""
    top = np.max(log_w)
    if not np.isfinite(top):
        raise NoWeightError(
            f"estimate_rare_event: {what} are all zero or not finite; the "
            f"importance-sampling family {proposal!r} puts its mass outside the "
            "nominal support."
        )
    return np.exp(log_w - top)


def update(run, proposal, X, weights, nominal, smoothing, delta, level):
    """Fit the next family on ``X`` and record ``level``.

    The weighted MLE solves the CE program (de Boer et al. 2005, eq. (10),
    (13)); smoothing is their eq. (12); ``delta > 0`` screens the parameters.
    """
    updated = proposal.fit(X, weights=weights)
    if smoothing < 1.0:
        updated = updated.smooth(proposal, smoothing)
    if delta:
        updated = screen(updated, nominal, run.frozen, delta)
    run.levels.append(level)
    run.family = updated


def warn_not_reached(run, why):
    """Warn (at the line calling ``estimate_rare_event``) and note that the
    levels ended short of the event for the reason ``why``."""
    note = (
        f"{why}; the final importance-sampling run uses the last family "
        "(unbiased, but the variance may be large)"
    )
    # user -> estimate_rare_event -> the level loop -> here
    warnings.warn(note, RuntimeWarning, stacklevel=4)
    run.notes.append(note)


def _next_level(s, previous, target, n_elite, min_elite):
    """``gamma_t``: the ``(1 - rho)`` sample quantile (de Boer et al. 2005,
    eq. (9)), capped at ``target``; ``None`` when it does not advance and fewer
    than ``min_elite`` samples lie strictly above ``previous``."""
    k = s.size - n_elite
    level = min(float(np.partition(s, k)[k]), target)
    if level > previous:
        return level
    # Modified CE: keep only the samples strictly above the previous level.
    above = s[s > previous]
    if above.size >= min_elite:
        return min(float(above.min()), target)
    return None


def multilevel(
    scorer, nominal, target, n_samples, rho, smoothing, max_levels, delta, rng
) -> LevelRun:
    """Run the levels; return the family for the final importance-sampling run."""
    run = LevelRun(family=nominal, pool=SamplePool(nominal))
    n = n_samples
    previous = -math.inf
    # Fewest elite samples a stalled level may fit on (fixed, not growing with n).
    min_elite = max(10, math.ceil(rho * n_samples / 10))
    for _ in range(max_levels):
        proposal = run.family
        X, s = scorer(proposal, n, rng)
        run.add_level(X, s, proposal, target)
        level = _next_level(s, previous, target, max(1, math.ceil(rho * n)), min_elite)
        if level is None:
            if n >= _MAX_GROWTH * n_samples:
                run.notes.append(f"the levels stalled with {n} samples per level")
                break
            n *= _GROWTH
            continue
        elite = X[s >= level]
        # Likelihood ratios f(x; u) / f(x; v) up to a common factor (log space).
        weights = scaled_weights(
            nominal.log_pdf(elite) - proposal.log_pdf(elite),
            "the likelihood ratios f(x; u) / f(x; v) of the elite samples",
            proposal,
        )
        update(run, proposal, elite, weights, nominal, smoothing, delta, level)
        run.last_sample = (X, s, proposal)
        previous = level
        if level >= target:
            run.reached = True
            break
    if not run.reached:
        # The stall note, if any, says why.
        why = run.notes.pop() if run.notes else None
        warn_not_reached(run, why or f"gamma was not reached after {max_levels} levels")
    if n != n_samples:
        run.notes.append(f"the level sample size grew to {n} to pass a stall")
    return run
