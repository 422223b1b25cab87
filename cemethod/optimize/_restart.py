"""Restarts with a growing sample (IPOP) and the adaptive update's state.

When a run has converged (its level stalled, its family degenerated, or
AMaLGaM's variance multiplier collapsed) and budget is left, the optimizer
starts again from its initial family with the sample size multiplied by
``population_growth``: the IPOP rule of Auger & Hansen (2005), "A restart CMA
evolution strategy with increasing population size", CEC, which BGT (Bosman,
Grahl & Thierens 2013, Section 3) use for AMaLGaM too. The best point found
so far stays the result's; the new run does not inherit the old elite.
"""

from __future__ import annotations

import math

from cemethod.optimize._amalgam import AdaptiveGaussianUpdate
from cemethod.optimize._options import elite_size
from cemethod.optimize._stopping import stall_levels

__all__ = ["maybe_restart", "new_adaptive_update"]

_RESTART_ON = {"stalled", "degenerate", "no_improvement"}


def new_adaptive_update(family, settings):
    """AMaLGaM's state for a run of ``settings`` (None for the plain CE update)."""
    if settings["update"] != "amalgam":
        return None
    return AdaptiveGaussianUpdate(
        family, settings["n_samples"], settings["n_elite"], settings["smoothing"]
    )


def maybe_restart(opt) -> None:
    """Restart ``opt`` (IPOP) if only convergence rules fired and restarts and
    budget are left; a reached target or an exhausted budget ends the run."""
    s = opt._settings
    limit = s["restarts"]
    if limit is not None and len(opt._restarts) >= limit:
        return
    fired = opt.stop().keys()
    if not fired or not fired <= _RESTART_ON:
        return
    growth = s["population_growth"]
    n = math.ceil(growth * opt._n_samples)
    if s["fixed_n_elite"]:
        n_elite = min(n, math.ceil(growth * opt._n_elite))
    else:
        n_elite = elite_size(s["elite_fraction"], n)
    opt._n_samples, opt._n_elite = n, n_elite
    opt.family = opt._initial_family
    if opt._adaptive is not None:
        opt._adaptive = AdaptiveGaussianUpdate(
            opt._initial_family, n, n_elite, s["smoothing"]
        )
    opt._keep = None
    opt._restarts.append(opt._nit)
    opt._stall_from = len(stall_levels(opt))
