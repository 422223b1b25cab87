"""CE minimization with adaptive variance scaling and IPOP-style restarts.

This wraps the *plain* CE update (``update="ce"``) in a simplified variance
scaling. :func:`cemethod.minimize` now does better by default for the Gaussian
families: AMaLGaM's full update (SDR-triggered scaling, anticipated mean shift,
incremental covariance, ``cemethod.optimize._amalgam``) and, with
``max_evaluations``, IPOP restarts inside the optimizer. This function stays
for the plain update with restarts and for the results it gave before.

Plain CE with a Gaussian family collapses its covariance too early in curved
valleys (Rosenbrock): the maximum-likelihood fit of the elite shrinks the
spread faster than the mean can travel. Two remedies, both applied around
:class:`~cemethod.CrossEntropyOptimizer` through ``ask`` / ``tell``:

- adaptive variance scaling: after every update the fitted covariance is
  multiplied by ``c``; ``c`` grows while the best value improves and decays
  after ``stall_iterations`` iterations without improvement. This is the
  variance multiplier of the adaptive variance scaling / AMaLGaM estimators
  (Grahl, Bosman & Rothlauf 2006, "The correlation-triggered adaptive variance
  scaling IDEA", GECCO; Bosman, Grahl & Thierens 2008, "Enhancing the
  performance of maximum-likelihood Gaussian EDAs using anticipated mean
  shift", PPSN X), in the simplified form "improved -> increase, else decay";
- restarts with a growing sample size when a run converges without reaching
  ``target`` (the IPOP rule of Auger & Hansen 2005, "A restart CMA evolution
  strategy with increasing population size", CEC).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from cemethod._validation import check_int_at_least, check_real, parameter_error
from cemethod.families import Gaussian, MultivariateGaussian
from cemethod.optimize._evaluation import BatchEvaluator
from cemethod.optimize._optimizer import CrossEntropyOptimizer

__all__ = ["minimize_with_restarts"]

_FUNC = "minimize_with_restarts"
# Stop rules after which a new, larger run is started.
_RESTART_ON = {"stalled", "degenerate", "maxiter"}


def _scaled(family, c):
    """``family`` with its covariance multiplied by ``c``."""
    if isinstance(family, MultivariateGaussian):
        return MultivariateGaussian(family.mean, c * family.cov, family.min_variance)
    return Gaussian(family.mean, math.sqrt(c) * family.std)


def minimize_with_restarts(
    fun,
    family,
    *,
    vectorized=False,
    workers=None,
    on_error="raise",
    rng=None,
    max_evaluations=100_000,
    target=None,
    max_restarts=9,
    population_growth=2.0,
    variance_scaling="auto",
    scale_increase=1.1,
    scale_decrease=0.9,
    max_scale=10.0,
    stall_iterations=25,
    **options,
):
    """Minimize ``fun`` by CE with adaptive variance scaling and restarts.

    Parameters
    ----------
    fun : callable
        Objective, as for :func:`cemethod.minimize` (one sample, or a batch
        with ``vectorized=True``).
    family : SamplingFamily
        Initial family; every restart starts again from it.
    vectorized, workers, on_error : see :func:`cemethod.minimize`.
    rng : None, int or numpy.random.Generator
        One generator shared by all runs.
    max_evaluations : int, default=100_000
        Total budget over all runs (each run may finish its last batch, so
        the total can exceed it by less than one batch).
    target : float, optional
        Stop everything once a value ``<= target`` was found.
    max_restarts : int, default=9
        Restarts after a run converged (stalled, degenerate or ``maxiter``).
    population_growth : float, default=2.0
        ``n_samples`` of each restart is this factor times the previous one
        (IPOP, Auger & Hansen 2005); ``n_elite``, if given, grows alike.
    variance_scaling : {"auto", True, False}, default="auto"
        Multiply the fitted covariance by the adaptive factor ``c`` after
        every update. Needs a :class:`~cemethod.families.Gaussian` or
        :class:`~cemethod.families.MultivariateGaussian` family; "auto" uses it
        for those and not otherwise.
    scale_increase, scale_decrease : float, default=1.1, 0.9
        ``c <- min(max(c, 1) * scale_increase, max_scale)`` after an iteration
        that improved the best value; otherwise ``c <- c * scale_decrease``
        when ``c > 1`` or after ``stall_iterations`` iterations without
        improvement (else ``c`` returns to 1), as in AMaLGaM.
    max_scale : float, default=10.0
    stall_iterations : int, default=25
    **options
        Options of :class:`~cemethod.CrossEntropyOptimizer` (``n_samples``,
        ``elite_fraction``, ``smoothing``, ``patience``, ...), e.g. a problem's
        ``default_options()``.

    Returns
    -------
    CEResult
        The result of the run that found the best value, with ``nit``,
        ``nfev``, ``n_failures`` and ``elapsed`` summed over all runs and
        ``message`` saying how many runs there were. ``history`` and
        ``family`` are those of the best run.

    Examples
    --------
    >>> from cemethod import minimize_with_restarts
    >>> from cemethod.problems import Rosenbrock
    >>> f = Rosenbrock(4)
    >>> res = minimize_with_restarts(
    ...     f,
    ...     f.default_family(),
    ...     vectorized=True,
    ...     rng=0,
    ...     target=1e-6,
    ...     **f.default_options(),
    ... )
    >>> bool(res.fun <= 1e-6), res.status
    (True, 1)
    """
    max_evaluations = check_int_at_least(
        max_evaluations, param="max_evaluations", func=_FUNC, low=1
    )
    max_restarts = check_int_at_least(
        max_restarts, param="max_restarts", func=_FUNC, low=0
    )
    stall_iterations = check_int_at_least(
        stall_iterations, param="stall_iterations", func=_FUNC, low=1
    )
    growth = check_real(
        population_growth, param="population_growth", func=_FUNC, low=1.0
    )
    inc = check_real(scale_increase, param="scale_increase", func=_FUNC, low=1.0)
    dec = check_real(
        scale_decrease,
        param="scale_decrease",
        func=_FUNC,
        low=0.0,
        high=1.0,
        low_inclusive=False,
    )
    c_max = check_real(max_scale, param="max_scale", func=_FUNC, low=1.0)
    scalable = isinstance(family, (Gaussian, MultivariateGaussian))
    if variance_scaling == "auto":
        variance_scaling = scalable
    elif variance_scaling not in (True, False) or (variance_scaling and not scalable):
        raise parameter_error(
            _FUNC,
            "variance_scaling",
            '"auto", False, or True with a Gaussian or MultivariateGaussian family',
            variance_scaling,
        )
    for name, allowed in (("update", "ce"), ("restarts", 0)):
        given = options.pop(name, allowed)
        if not (isinstance(given, type(allowed)) and given == allowed):
            raise parameter_error(
                _FUNC,
                name,
                f"{allowed!r} or not given (this function runs the plain CE update "
                "and its own restarts; cemethod.minimize's default update and "
                "restarts are AMaLGaM's)",
                given,
            )
    if "direction" in options:
        raise parameter_error(
            _FUNC,
            "direction",
            "not given (this function minimizes)",
            options["direction"],
        )
    gen = np.random.default_rng(rng)
    n_samples, n_elite = options.pop("n_samples", None), options.pop("n_elite", None)

    runs, nfev, nit, n_failures, elapsed = [], 0, 0, 0, 0.0
    with BatchEvaluator(
        fun, vectorized=vectorized, workers=workers, on_error=on_error, func=_FUNC
    ) as evaluate:
        for _ in range(max_restarts + 1):
            opt = CrossEntropyOptimizer._create(
                _FUNC,
                family,
                dict(
                    options,
                    update="ce",
                    restarts=0,
                    n_samples=n_samples,
                    n_elite=n_elite,
                    max_evaluations=max_evaluations - nfev,
                    target=target,
                    rng=gen,
                    on_error=on_error,
                ),
            )
            c, stall, best = 1.0, 0, math.inf
            while not opt.stop():
                X = opt.ask()
                values = evaluate(X)[0]
                opt.tell(X, values)
                if not variance_scaling:
                    continue
                # Adaptive variance scaling (Grahl, Bosman & Rothlauf 2006).
                now = float(np.min(values))
                if now < best:
                    best, stall = now, 0
                    c = min(max(c, 1.0) * inc, c_max)
                else:
                    stall += 1
                    c = c * dec if c > 1.0 or stall >= stall_iterations else 1.0
                opt.family = _scaled(opt.family, c)
            res = opt.result()
            runs.append(res)
            nfev, nit = nfev + res.nfev, nit + res.nit
            n_failures, elapsed = n_failures + res.n_failures, elapsed + res.elapsed
            if not set(res.stop_reasons) <= _RESTART_ON or nfev >= max_evaluations:
                break
            # IPOP: the next run with a larger sample (Auger & Hansen 2005).
            n_samples = math.ceil(growth * opt.n_samples)
            n_elite = None if n_elite is None else math.ceil(growth * n_elite)
    best = min(runs, key=lambda r: (math.isnan(r.fun), r.fun))
    return dataclasses.replace(
        best,
        nit=nit,
        nfev=nfev,
        n_failures=n_failures,
        elapsed=elapsed,
        message=f"{best.message} (best of {len(runs)} runs)",
    )
