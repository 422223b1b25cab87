"""Validation of the optimizer's settings, shared by the class and minimize/maximize.

Every check names the public function the user called (``minimize``,
``maximize`` or ``CrossEntropyOptimizer``), the parameter, the rule and the value.
"""

from __future__ import annotations

import inspect
import math
import numbers

import numpy as np

from cemethod._limits import check_memory
from cemethod._validation import check_choice, check_real, format_value, parameter_error
from cemethod.families._base import SamplingFamily
from cemethod.optimize._amalgam import ADAPTIVE_FAMILIES, SELECTION, default_sizes

__all__ = [
    "OPTION_NAMES",
    "check_bool",
    "check_int",
    "elite_size",
    "validate_options",
]

# Keyword options of CrossEntropyOptimizer (besides family), with their defaults.
OPTION_NAMES = (
    "n_samples",
    "elite_fraction",
    "n_elite",
    "smoothing",
    "std_smoothing",
    "std_smoothing_power",
    "elitism",
    "patience",
    "tol",
    "degenerate_tol",
    "maxiter",
    "max_evaluations",
    "target",
    "time_limit",
    "callback",
    "direction",
    "on_error",
    "rng",
    "sample_growth",
    "injection",
    "max_injections",
    "max_n_samples",
    "noise_window",
    "update",
    "restarts",
    "population_growth",
)


def check_int(value, *, param, func, low, high=None, allow_none=False):
    """Return ``value`` as an int after checking it is an integer in [low, high]."""
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    ok = ok and value >= low and (high is None or value <= high)
    if not ok:
        rule = f"an int in [{low}, {high}]" if high is not None else f"an int >= {low}"
        if allow_none:
            rule = "None or " + rule
        raise parameter_error(func, param, rule, value)
    return int(value)


def check_bool(value, *, param, func) -> bool:
    """Return ``value`` if it is a bool (numpy bools included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"The {param!r} parameter of {func} must be a bool. "
            f"Got {format_value(value)} instead."
        )
    return bool(value)


def accepts_keyword(method, name: str) -> bool:
    """True if ``method`` can be called with the keyword argument ``name``."""
    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(
        (p.name == name and p.kind is not inspect.Parameter.POSITIONAL_ONLY)
        or p.kind is inspect.Parameter.VAR_KEYWORD
        for p in parameters
    )


def elite_size(elite_fraction: float, n_samples: int) -> int:
    """``ceil(rho * N)``, at least 1; the epsilon absorbs rounding
    (0.1 * 30 = 3.0000000000000004)."""
    return max(1, math.ceil(elite_fraction * n_samples - 1e-9))


def _check_update(update, family, func, plain_options: tuple) -> str:
    """``update`` resolved: "auto" is AMaLGaM's for the Gaussian families,
    unless an option of the plain update (``std_smoothing``, ``sample_growth``,
    ``injection``) is given."""
    update = check_choice(update, ("auto", "ce", "amalgam"), param="update", func=func)
    adaptive_ok = isinstance(family, ADAPTIVE_FAMILIES)
    if update == "auto":
        return "amalgam" if adaptive_ok and not plain_options else "ce"
    if update == "amalgam" and plain_options:
        name, value = plain_options[0]
        raise parameter_error(
            func,
            name,
            "not given with update='amalgam' (an option of the plain CE update, "
            "update='ce')",
            value,
        )
    if update == "amalgam" and not adaptive_ok:
        raise parameter_error(
            func,
            "update",
            "'ce' or 'auto' for a family that is not Gaussian, MultivariateGaussian "
            f"or TruncatedGaussian ({type(family).__name__})",
            update,
        )
    return update


def _check_restarts(restarts, auto_on: bool, func):
    """Restarts after convergence: an int, or None for "until the budget is
    spent" ("auto" with AMaLGaM's update and ``max_evaluations``; else 0)."""
    if isinstance(restarts, str) and restarts == "auto":
        return None if auto_on else 0
    return check_int(restarts, param="restarts", func=func, low=0)


def validate_options(
    func,
    family,
    *,
    n_samples=None,
    elite_fraction=None,
    n_elite=None,
    smoothing=None,
    std_smoothing=None,
    std_smoothing_power=7.0,
    elitism=True,
    patience=5,
    tol=1e-8,
    degenerate_tol=1e-8,
    maxiter="default",
    max_evaluations=None,
    target=None,
    time_limit=None,
    callback=None,
    direction="minimize",
    on_error="raise",
    rng=None,
    sample_growth=1.0,
    max_n_samples=None,
    injection=None,
    max_injections=10,
    noise_window=None,
    update="auto",
    restarts="auto",
    population_growth=2.0,
) -> dict:
    """Check the settings; return them normalized (ints, floats, a Generator)."""
    if not isinstance(family, SamplingFamily):
        raise TypeError(
            f"The 'family' parameter of {func} must be a sampling family (an object "
            "with sample, log_pdf, fit, smooth, mode, is_degenerate and dispersion "
            f"methods). Got {format_value(family)} instead."
        )
    dim = int(np.size(family.mode()))
    # Options of the plain update that were given (their defaults are None, 1.0).
    plain_options = tuple(
        (name, value)
        for name, value, given in (
            ("std_smoothing", std_smoothing, std_smoothing is not None),
            ("sample_growth", sample_growth, sample_growth != 1.0),
            ("injection", injection, injection is not None),
        )
        if given
    )
    update = _check_update(update, family, func, plain_options)
    adaptive = update == "amalgam"
    # Default sample size: proportional to the dimension (the usual rule in the
    # CE literature), at least 100; AMaLGaM's 10 sqrt(d) for its update.
    n_samples = check_int(
        n_samples, param="n_samples", func=func, low=2, allow_none=True
    )
    if n_samples is None:
        n_samples = default_sizes(dim) if adaptive else max(100, 10 * dim)
    if elite_fraction is None:
        elite_fraction = SELECTION if adaptive else 0.1
    elite_fraction = check_real(
        elite_fraction,
        param="elite_fraction",
        func=func,
        low=0,
        high=1,
        low_inclusive=False,
    )
    n_elite = check_int(
        n_elite, param="n_elite", func=func, low=1, high=n_samples, allow_none=True
    )
    fixed_n_elite = n_elite is not None
    if n_elite is None:
        n_elite = elite_size(elite_fraction, n_samples)
    if smoothing is None and not adaptive:
        smoothing = 0.7
    if smoothing is not None:
        smoothing = check_real(
            smoothing, param="smoothing", func=func, low=0, high=1, low_inclusive=False
        )
    if std_smoothing is not None:
        std_smoothing = check_real(
            std_smoothing,
            param="std_smoothing",
            func=func,
            low=0,
            high=1,
            low_inclusive=False,
        )
        if not accepts_keyword(family.smooth, "std_alpha"):
            raise parameter_error(
                func,
                "std_smoothing",
                "None for a family whose smooth() has no 'std_alpha' keyword "
                f"({type(family).__name__})",
                std_smoothing,
            )
    std_smoothing_power = check_real(
        std_smoothing_power,
        param="std_smoothing_power",
        func=func,
        low=0,
        low_inclusive=False,
        high=math.inf,
        high_inclusive=False,
    )
    if isinstance(elitism, bool):
        n_keep = int(elitism)
    else:
        n_keep = check_int(elitism, param="elitism", func=func, low=0, high=n_elite)
    patience = check_int(patience, param="patience", func=func, low=1, allow_none=True)
    tol = check_real(tol, param="tol", func=func, low=0, high_inclusive=False)
    degenerate_tol = check_real(
        degenerate_tol, param="degenerate_tol", func=func, low=0
    )
    max_evaluations = check_int(
        max_evaluations, param="max_evaluations", func=func, low=1, allow_none=True
    )
    if isinstance(maxiter, str) and maxiter == "default":
        # AMaLGaM's small samples need many iterations: a budget bounds the run.
        maxiter = 1000 if not adaptive else (None if max_evaluations else 10_000)
    maxiter = check_int(maxiter, param="maxiter", func=func, low=1, allow_none=True)
    if target is not None:
        target = check_real(
            target,
            param="target",
            func=func,
            low=-math.inf,
            high=math.inf,
            low_inclusive=False,
            high_inclusive=False,
        )
    if time_limit is not None:
        time_limit = check_real(
            time_limit, param="time_limit", func=func, low=0, low_inclusive=False
        )
    if callback is not None and not callable(callback):
        raise TypeError(
            f"The 'callback' parameter of {func} must be None or a callable. "
            f"Got {format_value(callback)} instead."
        )
    direction = check_choice(
        direction, ("minimize", "maximize"), param="direction", func=func
    )
    on_error = check_choice(on_error, ("raise", "worst"), param="on_error", func=func)
    try:
        generator = np.random.default_rng(rng)
    except (TypeError, ValueError):
        raise parameter_error(
            func, "rng", "None, an int or a numpy.random.Generator", rng
        ) from None
    sample_growth = check_real(
        sample_growth,
        param="sample_growth",
        func=func,
        low=1,
        high=math.inf,
        high_inclusive=False,
    )
    max_n_samples = check_int(
        max_n_samples, param="max_n_samples", func=func, low=n_samples, allow_none=True
    )
    if max_n_samples is None:
        max_n_samples = 10 * n_samples
    _check_sample_memory(func, n_samples, dim)
    if injection is not None:
        injection = check_real(
            injection, param="injection", func=func, low=0, low_inclusive=False, high=1
        )
    max_injections = check_int(max_injections, param="max_injections", func=func, low=1)
    noise_window = check_int(
        noise_window, param="noise_window", func=func, low=2, allow_none=True
    )
    restarts = _check_restarts(
        restarts, adaptive and max_evaluations is not None and injection is None, func
    )
    if restarts != 0 and injection is not None:
        raise parameter_error(
            func,
            "restarts",
            "0 or 'auto' when injection is given (a run either widens its family "
            "or restarts it)",
            restarts,
        )
    population_growth = check_real(
        population_growth,
        param="population_growth",
        func=func,
        low=1,
        high=math.inf,
        high_inclusive=False,
    )
    return {
        "update": update,
        "restarts": restarts,
        "population_growth": population_growth,
        "noise_window": noise_window,
        "n_samples": n_samples,
        "elite_fraction": elite_fraction,
        "n_elite": n_elite,
        "fixed_n_elite": fixed_n_elite,
        "smoothing": smoothing,
        "std_smoothing": std_smoothing,
        "std_smoothing_power": std_smoothing_power,
        "n_keep": n_keep,
        "patience": patience,
        "tol": tol,
        "degenerate_tol": degenerate_tol,
        "maxiter": maxiter,
        "max_evaluations": max_evaluations,
        "target": target,
        "time_limit": time_limit,
        "callback": callback,
        "direction": direction,
        "on_error": on_error,
        "rng": generator,
        "sample_growth": sample_growth,
        "max_n_samples": max_n_samples,
        "injection": injection,
        "max_injections": max_injections,
    }


def _check_sample_memory(func, n_samples: int, dim: int) -> None:
    """Refuse a batch that cannot fit before it is drawn: the samples, a copy
    (sorting, the elite) and the values, 8 bytes an entry."""
    check_memory(
        func,
        f"n_samples={n_samples} samples of {dim} values",
        3.0 * n_samples * (dim + 2) * 8,
        "one batch of samples and their values",
    )
