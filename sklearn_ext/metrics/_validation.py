"""Checks at the public boundary of the metrics, with one message format.

Every public metric validates its arguments here and then calls a private kernel
that does not validate again (house rule 1). Messages name the function, the
parameter, the rule and the offending value (house rule 2), e.g.::

    The 'base' parameter of entropy must be a positive number other than 1.
    Got -2 instead.
"""

from __future__ import annotations

import math
import numbers
import os
import sys
import warnings

import numpy as np

from cemethod._validation import (
    check_choice,
    check_real,
    format_value,
    parameter_error,
)

__all__ = [
    "check_array_finite",
    "check_base",
    "check_choice",
    "check_probabilities",
    "check_real",
    "check_sample_weight",
    "format_value",
    "log_scale",
    "parameter_error",
    "reduce_losses",
    "warn_user",
    "with_sklearn_text",
]

# .../sklearn_ext/, spelled as the code objects of its modules spell it
_PACKAGE = os.path.dirname(os.path.dirname(__file__)) + os.sep

REDUCTIONS = ("mean", "sum", "none")


def warn_user(message: str, category=UserWarning) -> None:
    """``warnings.warn`` attributed to the first caller outside ``sklearn_ext``.

    The public functions reach the checks through different depths of private
    helpers, so a fixed ``stacklevel`` would point into the package for some.
    """
    frame, level = sys._getframe(1), 2  # stacklevel 2: the caller of this
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def with_sklearn_text(error: ValueError, text: str) -> ValueError:
    """``error`` followed by scikit-learn's own message for the same input.

    Code (and scikit-learn's tests) that match scikit-learn's message keep
    working, while the message still names our function and parameter.
    """
    return ValueError(f"{error} (scikit-learn: {text})")


def check_base(base, *, func: str) -> float | None:
    """Validate the logarithm base: None (nats) or a positive number other than 1."""
    if base is None:
        return None
    ok = isinstance(base, numbers.Real) and not isinstance(base, bool)
    if not ok or not math.isfinite(base) or base <= 0 or base == 1:
        raise parameter_error(
            func, "base", "None (nats) or a positive number other than 1", base
        )
    return float(base)


def log_scale(base: float | None) -> float:
    """The factor that turns nats into units of ``base``: 1 / ln(base)."""
    return 1.0 if base is None else 1.0 / math.log(base)


def check_array_finite(x, *, param: str, func: str, ndim=None, dtype=None):
    """Convert to a floating array and reject NaN, inf, empty input and bad ndim.

    Integer and boolean input becomes float64; float32 stays float32 (so that the
    dtype's eps is the one scikit-learn uses).
    """
    arr = np.asarray(x)
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise parameter_error(func, param, "an array of numbers", x) from None
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    if ndim is not None and arr.ndim not in np.atleast_1d(ndim):
        allowed = " or ".join(f"{d}-D" for d in np.atleast_1d(ndim))
        raise parameter_error(func, param, f"a {allowed} array (got {arr.ndim}-D)", arr)
    if arr.size == 0:
        raise parameter_error(func, param, "a non-empty array", arr)
    if not np.isfinite(arr).all():
        bad = arr[~np.isfinite(arr)]
        raise parameter_error(func, param, "finite (no NaN or inf)", bad)
    return arr


def check_probabilities(p, *, param: str, func: str, ndim=None, dtype=None):
    """Like :func:`check_array_finite`, and every value must lie in [0, 1]."""
    arr = check_array_finite(p, param=param, func=func, ndim=ndim, dtype=dtype)
    if arr.min() < 0 or arr.max() > 1:
        bad = arr[(arr < 0) | (arr > 1)]
        raise parameter_error(func, param, "probabilities in [0, 1]", bad)
    return arr


def check_sample_weight(sample_weight, n_samples: int, *, func: str):
    """None, or a 1-D float64 array of ``n_samples`` finite non-negative weights."""
    if sample_weight is None:
        return None
    w = check_array_finite(
        sample_weight, param="sample_weight", func=func, dtype=np.float64
    )
    if w.ndim != 1 or w.shape[0] != n_samples:
        raise parameter_error(
            func,
            "sample_weight",
            f"a 1-D array of length n_samples={n_samples}",
            w,
        )
    if w.min() < 0:
        raise parameter_error(func, "sample_weight", "non-negative", w[w < 0])
    if not w.any():
        raise parameter_error(func, "sample_weight", "not all zero", w)
    return w


def reduce_losses(losses, reduction: str, sample_weight=None):
    """Apply ``reduction`` ("mean", "sum" or "none") to per-sample losses.

    "mean" is the weighted mean sum(w * l) / sum(w), computed as
    :func:`numpy.average` does so that results match scikit-learn bit for bit.
    """
    if reduction == "none":
        return losses
    if reduction == "sum":
        if sample_weight is not None:
            losses = losses * sample_weight
        return float(losses.sum())
    return float(np.average(losses, weights=sample_weight))
