"""The final local polish of a continuous CE result (scipy SLSQP / trust-constr).

The CE method brings the sample to the neighbourhood of the optimum but, with
a Gaussian family and feasibility-first ranking, the mean stays inside the
feasible set: when the optimum lies on a constraint boundary the best sample
ends a few percent above it (issue 20). A gradient method started from the CE
point converges there quickly (Kroese, Porotsky & Rubinstein 2006 pair CE with
a local search for the same reason). The polished point is kept only if it is
feasible (exactly: violation 0 as the CE ranking measures it) and strictly
better; otherwise the CE point is returned unchanged.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings

import numpy as np

from cemethod._validation import format_value
from cemethod.families import (
    Gaussian,
    GaussianMixture,
    MultivariateGaussian,
    TruncatedGaussian,
)
from cemethod.optimize._constraints import ConstraintSet

__all__ = ["check_polish", "polish_result"]

_METHODS = ("SLSQP", "trust-constr")
_CONTINUOUS = (Gaussian, MultivariateGaussian, TruncatedGaussian, GaussianMixture)


def check_polish(polish, *, constraints, family, noisy, func):
    """The scipy method to polish with, or None (no polish).

    ``"auto"`` (the default) polishes when the constraints are scipy objects,
    the family is continuous and the objective is not declared noisy.
    """
    valid = polish is True or polish is False
    valid = valid or (isinstance(polish, str) and polish in ("auto", *_METHODS))
    if not valid:
        raise ValueError(
            f"The 'polish' parameter of {func} must be 'auto', True, False, "
            f"'SLSQP' or 'trust-constr'. Got {format_value(polish)} instead."
        )
    if polish is False:
        return None
    continuous = isinstance(family, _CONTINUOUS)
    if polish == "auto":
        structured = isinstance(constraints, ConstraintSet)
        return "SLSQP" if structured and continuous and not noisy else None
    if noisy:
        raise ValueError(
            f"The 'polish' parameter of {func} must be False or 'auto' with a "
            "noisy objective (noisy, replications > 1, noise_seed or "
            "reevaluate_elite): "
            "a gradient method on noisy values follows the noise. "
            f"Got {polish!r} instead."
        )
    if not continuous:
        raise ValueError(
            f"The 'polish' parameter of {func} needs a continuous family "
            "(Gaussian, MultivariateGaussian, TruncatedGaussian, GaussianMixture). "
            f"Got {polish!r} with {type(family).__name__}."
        )
    if constraints is not None and not isinstance(constraints, ConstraintSet):
        raise ValueError(
            f"The 'polish' parameter of {func} needs the constraints as scipy "
            "LinearConstraint / NonlinearConstraint / Bounds objects (a violation "
            "callable has no gradient to follow). Got a callable with "
            f"polish={polish!r}."
        )
    return "SLSQP" if polish is True else polish


class _OutOfBudget(Exception):
    """The polish reached what is left of max_evaluations or time_limit."""


class _Objective:
    """``x -> sign * fun(x)`` on one point: counts calls, keeps the best
    feasible point evaluated, and stops at the remaining budget."""

    def __init__(self, fun, vectorized, sign, feasible, max_calls, deadline):
        self.fun, self.vectorized, self.sign = fun, vectorized, sign
        self.feasible, self.max_calls, self.deadline = feasible, max_calls, deadline
        self.calls, self.best, self.best_x = 0, math.inf, None

    def __call__(self, x):
        out_of_calls = self.max_calls is not None and self.calls >= self.max_calls
        if out_of_calls or (
            self.deadline is not None and time.perf_counter() > self.deadline
        ):
            raise _OutOfBudget
        self.calls += 1
        x = np.array(x, dtype=np.float64)
        value = self.fun(x[None, :])[0] if self.vectorized else self.fun(x)
        value = self.sign * float(value)
        if not math.isfinite(value):
            return math.inf
        if value < self.best and self.feasible(x):
            self.best, self.best_x = value, x
        return value


def _box(family, dim):
    """The family's support box (TruncatedGaussian), else None."""
    if isinstance(family, TruncatedGaussian):
        return np.asarray(family.lower), np.asarray(family.upper)
    return None


def _feasible_toward(x_new, x_ce, violation, box):
    """``x_new`` pulled back along the segment to the feasible ``x_ce`` until
    its violation is exactly 0 (bisection; for a convex feasible set the
    segment is feasible up to the boundary). None if no such point is found."""
    if box is not None:
        x_new = np.clip(x_new, *box)
    if violation is None or violation(x_new[None, :])[0] == 0.0:
        return x_new
    lo, hi = 0.0, 1.0  # x_ce + lo * step is feasible, + hi * step is not
    step = x_new - x_ce
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if violation((x_ce + mid * step)[None, :])[0] == 0.0:
            lo = mid
        else:
            hi = mid
    return x_ce + lo * step if lo > 0.0 else None


def polish_result(res, fun, *, method, vectorized, constraints, family, settings):
    """``res`` with ``x``/``fun`` from a local scipy run if that is better.

    Starts at ``res.x``; the constraint objects and the family's box go to
    scipy. The answer is the best feasible point the polish evaluated, if it
    beats the CE point. Evaluations count in ``nfev`` and stay within what is
    left of ``max_evaluations`` and ``time_limit``; the message says what
    happened. Without a feasible CE point, or after a time-limit or callback
    stop, the result is returned as it is.
    """
    if method is None or not math.isfinite(res.fun) or res.status in (4, 5):
        return res
    if res.constraint_violation not in (None, 0.0):
        return res
    from scipy.optimize import Bounds, minimize

    sign = 1.0 if res.direction == "minimize" else -1.0
    x0 = np.asarray(res.x, dtype=np.float64).ravel()
    box = _box(family, x0.size)
    kwargs = {}
    structured = isinstance(constraints, ConstraintSet)
    if structured:
        kwargs["constraints"] = constraints.scipy_constraints()
        if constraints.bounds is not None:
            lo, hi = constraints.bounds
            if box is not None:
                lo, hi = np.maximum(lo, box[0]), np.minimum(hi, box[1])
            box = (lo, hi)
    if box is not None:
        kwargs["bounds"] = Bounds(*box)

    def feasible(x):
        inside = box is None or bool(np.all((x >= box[0]) & (x <= box[1])))
        return inside and (not structured or constraints(x[None, :])[0] == 0.0)

    budget = settings.get("max_evaluations")
    limit = settings.get("time_limit")
    f = _Objective(
        fun,
        vectorized,
        sign,
        feasible,
        None if budget is None else max(budget - res.nfev, 0),
        None if limit is None else time.perf_counter() + limit - res.elapsed,
    )
    # Tight tolerances: the CE point is already close, and the aim is the
    # boundary optimum to well within 0.1%.
    options = {"maxiter": 500}
    if method == "SLSQP":
        options["ftol"] = 1e-12
    else:
        options.update(gtol=1e-10, xtol=1e-12)
    note = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = minimize(f, x0, method=method, options=options, **kwargs)
        x_new = _feasible_toward(
            np.asarray(out.x, dtype=np.float64),
            x0,
            constraints if structured else None,
            box,
        )
        if x_new is not None:
            f(x_new)  # recorded by f if feasible and the best so far
    except _OutOfBudget:
        note = "the evaluation budget ran out"
    except Exception as exc:  # a failing polish must not lose the CE answer
        note = f"it raised {type(exc).__name__}: {exc}"
    if f.best < sign * res.fun:
        x_out, fun_out = f.best_x.reshape(np.shape(res.x)), sign * f.best
        text = f"Polished by {method}: fun {res.fun:.10g} -> {fun_out:.10g}"
        if note:
            text += f" (stopped early: {note})"
    else:
        x_out, fun_out = res.x, res.fun
        text = f"Polish by {method} kept the CE point ({note or 'no improvement'})"
    return dataclasses.replace(
        res,
        x=x_out,
        fun=fun_out,
        nfev=res.nfev + f.calls,
        message=f"{res.message} {text}, {f.calls} evaluations.",
    )
