"""Array checks shared by the distribution metrics, activations and Keras losses.

They build on :mod:`sklearn_ext.metrics._validation` (one message format) and
keep the number of passes over large arrays small: a single ``min`` and ``max``
detect NaN (which propagates), infinities and out-of-range values at once.
"""

from __future__ import annotations

import numbers

import numpy as np

from sklearn_ext.metrics._validation import parameter_error

__all__ = [
    "as_float_array",
    "check_axis",
    "check_bool",
    "check_finite",
    "check_nonnegative",
    "check_unit_interval",
    "finish",
]


def as_float_array(x, *, param: str, func: str, min_ndim: int = 0):
    """``x`` as a float64 array (no copy if it already is one), non-empty."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise parameter_error(func, param, "an array of real numbers", x) from None
    if arr.ndim < min_ndim:
        raise parameter_error(func, param, f"an array of at least {min_ndim}-D", arr)
    if arr.size == 0:
        raise parameter_error(func, param, "a non-empty array", arr)
    return arr


def check_finite(arr, *, param: str, func: str):
    """Reject NaN and +-inf; returns (min, max).

    One ``min`` and one ``max`` pass: NaN propagates through both and infinities
    show up in them, so no boolean temporary is needed on the happy path.
    """
    lo, hi = arr.min(), arr.max()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise parameter_error(
            func, param, "finite (no NaN or inf)", arr[~np.isfinite(arr)]
        )
    return lo, hi


def check_nonnegative(arr, *, param: str, func: str):
    """Finite and >= 0; returns (min, max) (min 0 tells that zeros are present)."""
    lo, hi = check_finite(arr, param=param, func=func)
    if lo < 0:
        raise parameter_error(func, param, "non-negative", arr[arr < 0])
    return lo, hi


def check_unit_interval(arr, *, param: str, func: str, hint: str = ""):
    """Finite and in [0, 1]; returns (min, max)."""
    lo, hi = check_nonnegative(arr, param=param, func=func)
    if hi > 1:
        raise parameter_error(func, param, "in [0, 1]" + hint, arr[arr > 1])
    return lo, hi


def check_axis(axis, ndim: int, *, func: str) -> int:
    """An integer axis of an ``ndim``-D array, returned as a non-negative index."""
    ok = isinstance(axis, numbers.Integral) and not isinstance(axis, bool)
    if not ok or not -ndim <= axis < ndim:
        raise parameter_error(
            func,
            "axis",
            f"an integer in [{-ndim}, {ndim - 1}] (input is {ndim}-D)",
            axis,
        )
    return int(axis) % ndim


def finish(result):
    """A 0-d result as a Python float, anything else unchanged."""
    return float(result) if np.ndim(result) == 0 else result


def check_bool(value, *, param: str, func: str) -> bool:
    """A flag: True or False (numpy booleans included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise parameter_error(func, param, "a boolean (True or False)", value)
    return bool(value)
