"""Variance injection: widen a converged sampling family so the search can leave
a local optimum.

When the CE family has collapsed (or gamma_t has stopped moving) on a point that
is not the global optimum, more iterations only resample that point. Variance
injection (Botev & Kroese 2004, "Global likelihood optimization via the
cross-entropy method with an application to mixture models", Section 3.1; used
with CEoptim by Benham, Duan, Kroese & Liquet 2017) gives the family back part
of its initial spread and lets the CE update continue from there. The location
(mean, mode) is kept, so the search restarts *around* the best region found,
not from scratch as a restart would.

``inject(family, initial, weight)`` mixes the spread of ``family`` with that of
``initial`` (the family the run started from):

* Gaussian, TruncatedGaussian: ``std <- (1 - w) std + w std_0``, mean kept;
* MultivariateGaussian: ``cov <- (1 - w) cov + w cov_0``, mean kept;
* Product: part by part;
* any other family (Bernoulli, Categorical, Permutation, ...): its own
  ``smooth`` towards the initial family, ``p <- (1 - w) p + w p_0``, the
  discrete analogue (probabilities pulled back towards the initial ones, so
  every value can be sampled again);
* a user's family may define ``inject(initial, weight)`` and is then asked.
"""

from __future__ import annotations

import math

from cemethod.families import (
    Gaussian,
    MultivariateGaussian,
    Product,
    TruncatedGaussian,
)
from cemethod.optimize._stopping import stall_levels

__all__ = ["inject", "maybe_inject"]


def inject(family, initial, weight: float):
    """Return ``family`` with a share ``weight`` of the spread of ``initial``.

    Parameters
    ----------
    family : SamplingFamily
        The current (converged) family.
    initial : SamplingFamily
        The family the run started from, of the same type and dimension.
    weight : float in (0, 1]
        Share of the initial spread mixed back in (1 = the initial spread).

    Returns
    -------
    SamplingFamily
        A new family of the same type; ``family`` is not changed.

    Examples
    --------
    >>> from cemethod.families import Bernoulli, Gaussian
    >>> inject(Gaussian([1.0, 2.0], [0.0, 0.1]), Gaussian([0.0, 0.0], [1.0, 1.0]), 0.5)
    Gaussian(mean=array([1., 2.]), std=array([0.5 , 0.55]))
    >>> inject(Bernoulli([1.0, 0.0]), Bernoulli([0.5, 0.5]), 0.2).p
    array([0.9, 0.1])
    """
    own = getattr(family, "inject", None)
    if callable(own):
        return own(initial, weight)
    if type(family) is not type(initial):
        raise TypeError(
            "Variance injection needs the current and the initial family to be of "
            f"the same type; got {type(family).__name__} and "
            f"{type(initial).__name__}."
        )
    keep = 1.0 - weight
    if isinstance(family, Gaussian):
        return Gaussian(family.mean, keep * family.std + weight * initial.std)
    if isinstance(family, TruncatedGaussian):
        return TruncatedGaussian(
            family.mean,
            keep * family.std + weight * initial.std,
            family.lower,
            family.upper,
        )
    if isinstance(family, MultivariateGaussian):
        return MultivariateGaussian(
            family.mean,
            keep * family.cov + weight * initial.cov,
            family.min_variance,
        )
    if isinstance(family, Product):
        parts = tuple(
            inject(part, part0, weight)
            for part, part0 in zip(family.parts, initial.parts, strict=True)
        )
        return Product(parts, family.widths)
    # weight 1 is the initial family itself; smooth rejects alpha = 0.
    return initial if keep == 0.0 else family.smooth(initial, keep)


def maybe_inject(opt) -> None:
    """Widen ``opt``'s family instead of stopping on a stalled level or a
    degenerate family, at most ``max_injections`` times. The best point is
    kept (elitism) and the stall rule starts afresh. Only when no other rule
    fired: a reached target or an exhausted budget (maxiter,
    max_evaluations, time_limit) ends the run as it would without injection."""
    s = opt._settings
    if len(opt._injections) >= s["max_injections"]:
        return
    fired = opt.stop().keys()
    if fired and fired <= {"stalled", "degenerate"}:
        opt.family = inject(opt.family, opt._initial_family, s["injection"])
        opt._injections.append(opt._nit)
        opt._stall_from = len(stall_levels(opt))
        # FACE: the widened family is judged afresh; against the collapsed
        # family's level no sample could improve and FACE would grow the
        # sample to N_max and stop "hard".
        opt._face_gamma = math.inf
