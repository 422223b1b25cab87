"""Private helpers shared by the discrete families (Bernoulli, Categorical,
Permutation, Product): read-only parameter arrays, checks of ``n``, ``weights``
and ``alpha``, value equality and pickling that re-validates.
"""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np

from cemethod._validation import format_value, parameter_error

from ._params import all_finite, check_alpha, trusted

__all__ = [
    "ArrayFamilyMixin",
    "check_alpha",
    "check_n_samples",
    "check_same_kind",
    "check_weights",
    "entropy_rows",
    "integral_rows",
    "permutation_rows",
    "readonly",
    "trusted_probs",
]


def readonly(array: np.ndarray) -> np.ndarray:
    """An owned, read-only copy of ``array`` (parameters are immutable)."""
    out = np.array(array, copy=True)
    if out.dtype.kind == "f":
        out += 0.0  # -0.0 -> 0.0, so equal parameters hash equally
    out.flags.writeable = False
    return out


def trusted_probs(cls, array: np.ndarray, **fields):
    """An instance of the frozen dataclass ``cls`` whose first field is the
    probability array ``array``, without ``__post_init__`` (see
    :func:`cemethod.families._params.trusted`).

    Internal fast path for ``fit`` / ``smooth``, whose results are valid by
    construction: ``array`` must be a fresh float array no one else holds (it
    is normalised like :func:`readonly`, in place, and made read-only);
    ``fields`` are the other, already validated, fields of a family. An
    ``array`` with a non-finite entry goes through the validating constructor
    ``cls(array, **fields)`` instead (and its error message).
    """
    if not all_finite(array):
        return cls(array, **fields)
    array += 0.0  # -0.0 -> 0.0, as readonly
    return trusted(cls, **{next(iter(cls.__dataclass_fields__)): array}, **fields)


def check_n_samples(n, func: str) -> int:
    """``n`` as a non-negative Python int."""
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 0:
        raise parameter_error(func, "n", "a non-negative integer", n)
    return int(n)


def check_weights(weights, n: int, func: str) -> np.ndarray:
    """Non-negative finite sample weights of shape ``(n,)`` with a positive sum."""
    if weights is None:
        if n == 0:
            raise parameter_error(func, "x", "a non-empty sample (at least one row)", n)
        return np.ones(n)
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise parameter_error(func, "weights", f"a 1-D array of length {n}", w)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise parameter_error(func, "weights", "finite and non-negative", w)
    if not w.sum() > 0:
        raise parameter_error(func, "weights", "of positive sum", w)
    return w


def check_same_kind(family, previous, func: str, **attrs) -> None:
    """``previous`` must be the same class with equal structural attributes."""
    if type(previous) is not type(family):
        raise TypeError(
            f"The 'previous' parameter of {func} must be a "
            f"{type(family).__name__}. Got {type(previous).__name__} instead."
        )
    for name, value in attrs.items():
        other = getattr(previous, name)
        if type(other) is int and type(value) is int:  # a size: skip numpy
            same = other == value
        else:
            same = other is value or np.array_equal(
                np.asarray(other), np.asarray(value)
            )
        if not same:
            raise parameter_error(
                func,
                "previous",
                f"a family with {name} equal to {format_value(value)}",
                other,
            )


def integral_rows(x: np.ndarray, low, high) -> tuple[np.ndarray, np.ndarray]:
    """Integer version of ``x`` (2-D) and a row mask of rows whose entries are all
    integers ``low <= v < high`` (``low``/``high`` broadcast against the columns).

    Entries of invalid rows are replaced by ``low`` so the result is safe to use
    as an index.
    """
    x = np.asarray(x)
    if x.dtype == bool:
        x = x.astype(np.intp)
    if np.issubdtype(x.dtype, np.integer):
        good = (x >= low) & (x < high)
    elif np.issubdtype(x.dtype, np.floating):
        with np.errstate(invalid="ignore"):
            good = (x >= low) & (x < high) & (x == np.floor(x))
    else:
        raise TypeError(f"Expected a numeric array, got dtype {x.dtype}.")
    if good.all():
        xi = x.astype(np.intp, copy=False)
    else:
        xi = np.where(good, x, low).astype(np.intp)
    ok = good.all(axis=1)
    return xi, ok


def permutation_rows(x, size: int, func: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer rows of ``x`` (2-D, ``size`` columns) and a mask of the rows that
    are permutations of ``0..size-1``; a wrong shape is a ValueError of ``func``."""
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != size:
        raise parameter_error(func, "x", f"a 2-D array with {size} columns", x)
    xi, ok = integral_rows(x, 0, size)
    seen = np.zeros(xi.shape, dtype=bool)
    seen[np.arange(xi.shape[0])[:, None], xi] = True
    return xi, ok & seen.all(axis=1)


def entropy_rows(p: np.ndarray) -> np.ndarray:
    """Entropy in nats of each row of ``p`` (last axis), with 0 log 0 = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(p), 0.0)
    return terms.sum(axis=-1)


class ArrayFamilyMixin:
    """Value equality, hashing and re-validating pickling for frozen dataclasses
    whose fields hold read-only arrays (dataclass ``eq`` would compare arrays
    element-wise and fail)."""

    def _field_values(self):
        return tuple(getattr(self, f.name) for f in dataclasses.fields(self))

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        for a, b in zip(self._field_values(), other._field_values(), strict=True):
            if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                if not np.array_equal(a, b):
                    return False
            elif a != b:
                return False
        return True

    def __hash__(self):
        parts = []
        for v in self._field_values():
            if isinstance(v, np.ndarray):
                parts.append((v.shape, v.tobytes()))
            else:
                parts.append(v)
        return hash((type(self).__name__, *parts))

    def __reduce__(self):
        # Rebuild through __init__ so the arrays are validated and read-only
        # again after unpickling (pickle does not keep the writeable flag).
        return (type(self), self._field_values())
