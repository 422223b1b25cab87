"""Private helpers shared by the continuous families.

Parameter vectors are stored as read-only float arrays; the families are frozen
dataclasses whose equality and pickling go through their fields (pickling
rebuilds through ``__init__``, so a restored family is validated and read-only
again).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .._validation import check_real, parameter_error

__all__: list[str] = []


def readonly(array: np.ndarray) -> np.ndarray:
    """A read-only float copy of ``array``."""
    out = np.array(array, dtype=float, copy=True)
    out.setflags(write=False)
    return out


def trusted(cls, **fields):
    """An instance of the frozen dataclass ``cls`` without ``__post_init__``.

    Internal fast path for ``fit`` / ``smooth``, whose results are valid by
    construction: every array passed must be a fresh float array no one else
    holds, or an already read-only parameter array of a validated family
    (fresh arrays are made read-only here, in place). Pickling still goes
    through ``__init__`` and so re-validates.
    """
    obj = object.__new__(cls)
    for value in fields.values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    vars(obj).update(fields)  # what object.__setattr__ would do, field by field
    return obj


def all_finite(*arrays) -> bool:
    """True when every entry is finite (one reduction per array: a nan or an
    infinity makes the sum non-finite; a finite sum that overflows only sends
    the caller to the validating constructor)."""
    return all(math.isfinite(np.add.reduce(a, axis=None)) for a in arrays)


def param_vector(
    value, *, param: str, func: str, size: int | None = None, rule: str, low=None
):
    """A finite 1-D float vector (a scalar broadcasts to ``size``).

    ``low`` is an inclusive lower bound checked element-wise; ``rule`` is the
    text of the error message.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise parameter_error(func, param, rule, value) from None
    if arr.ndim == 0 and size is not None:
        arr = np.full(size, float(arr))
    elif arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size == 0 or (size is not None and arr.size != size):
        raise parameter_error(func, param, rule, value)
    if not np.all(np.isfinite(arr)) or (low is not None and np.any(arr < low)):
        raise parameter_error(func, param, rule, value)
    return readonly(arr)


def check_samples(x, dim: int, func: str) -> np.ndarray:
    """Rows of ``x`` as a float array of shape ``(n, dim)``."""
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise parameter_error(func, "x", f"an array of shape (n, {dim})", x)
    return arr


def check_fit_data(x, weights, dim: int, func: str):
    """Validated ``(x, w)`` for a weighted fit; ``w`` sums to one."""
    x = check_samples(x, dim, func)
    if x.shape[0] == 0 or not np.isfinite(x).all():
        raise parameter_error(func, "x", "a non-empty array of finite values", x)
    if weights is None:
        return x, np.full(x.shape[0], 1.0 / x.shape[0])
    w = np.asarray(weights, dtype=float)
    rule = (
        f"an array of shape ({x.shape[0]},) of finite non-negative numbers "
        "with a positive sum"
    )
    if w.shape != (x.shape[0],) or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise parameter_error(func, "weights", rule, weights)
    total = w.sum()
    if not total > 0:
        raise parameter_error(func, "weights", rule, weights)
    return x, w / total


def _shifted_mean(x: np.ndarray, w: np.ndarray):
    """``(shift, dx, mean_dx)``: the rows shifted by the first one and their
    weighted mean (``w`` sums to one).

    The shift makes a constant column give exactly its value and a variance of
    exactly zero (a collapsed fit stays exactly collapsed).
    """
    shift = x[0]
    dx = x - shift
    return shift, dx, w @ dx


def weighted_mean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted mean per column, bit for bit the mean of
    :func:`weighted_moments` without the cost of its variance."""
    shift, _, mean_dx = _shifted_mean(x, w)
    return shift + mean_dx


def weighted_moments(x: np.ndarray, w: np.ndarray):
    """Weighted mean and (MLE, divide-by-total-weight) variance per column.

    ``w`` sums to one. Two passes, so the variance does not lose precision to
    cancellation.
    """
    shift, dx, mean_dx = _shifted_mean(x, w)
    var = w @ np.square(dx - mean_dx)
    return shift + mean_dx, var


def check_alpha(alpha, func: str, param: str = "alpha") -> float:
    """A smoothing parameter in (0, 1]."""
    if type(alpha) is float and 0.0 < alpha <= 1.0:  # the optimizer's case
        return alpha
    return check_real(
        alpha, param=param, func=func, low=0.0, high=1.0, low_inclusive=False
    )


def check_previous(self, previous, func: str, cls: type, same: tuple[str, ...] = ()):
    """``previous`` must be a ``cls`` of the same shape and fixed fields."""
    ok = isinstance(previous, cls)
    for name in same:
        a, b = getattr(self, name), getattr(previous, name)
        ok = ok and (a is b or np.array_equal(a, b))
    if ok:
        ok = previous.dim == self.dim  # every continuous family: mode shape (dim,)
    if not ok:
        extra = f" with the same {', '.join(same)}" if same else ""
        rule = f"a {cls.__name__} of the same dimension{extra}"
        raise parameter_error(func, "previous", rule, previous)


class ArrayFamily:
    """Equality, hashing and pickling for frozen dataclasses holding arrays."""

    def _values(self):
        return tuple(getattr(self, f.name) for f in dataclasses.fields(self) if f.init)

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(
            np.array_equal(a, b)
            for a, b in zip(self._values(), other._values(), strict=True)
        )

    def __hash__(self):
        return hash(
            (
                type(self).__name__,
                *(np.asarray(v, dtype=float).tobytes() for v in self._values()),
            )
        )

    def __reduce__(self):
        return (type(self), self._values())


def check_n(n, func: str) -> int:
    """A sample size: a non-negative integer."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 0:
        raise parameter_error(func, "n", "a non-negative integer", n)
    return int(n)
