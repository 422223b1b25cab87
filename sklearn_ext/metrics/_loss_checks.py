"""Validation and reduction shared by the log-loss metrics (private).

The public functions of :mod:`sklearn_ext.metrics._classification` check their
inputs here once (house rule 1): probabilities (finite, in [0, 1], rows summing to
one), targets against the classes, sample weights; then :func:`reduce_losses`
averages or sums per-sample losses with scikit-learn's exact numpy calls.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from sklearn_ext.metrics._conventions import get_convention, sample_losses
from sklearn_ext.metrics._fused_scan import scan_probabilities
from sklearn_ext.metrics._labels import encode_labels
from sklearn_ext.metrics._validation import check_base, check_real, parameter_error

__all__ = [
    "as_proba",
    "check_lengths",
    "losses_for",
    "reduce_losses",
    "scaled",
    "validate",
]


def as_proba(y_proba, func):
    p = np.asarray(y_proba)
    if p.dtype != np.float64 and p.dtype != np.float32:
        # like scikit-learn's check_array(dtype=[float64, float32])
        try:
            p = p.astype(np.float64)
        except (TypeError, ValueError):
            raise parameter_error(func, "y_proba", "an array of numbers", p) from None
    if p.ndim == 2 and p.shape[1] == 1:
        p = p[:, 0]  # one column: the probability of the positive class
    if p.ndim not in (1, 2):
        raise parameter_error(
            func, "y_proba", f"a 1-D or 2-D array (got {p.ndim}-D)", p
        )
    if p.size == 0:
        raise parameter_error(func, "y_proba", "a non-empty array", p)
    return p


def _range_error(p, func):
    bad = p[~np.isfinite(p)]
    if bad.size:
        return parameter_error(func, "y_proba", "finite (no NaN or inf)", bad)
    bad = p[(p < 0) | (p > 1)]
    return parameter_error(func, "y_proba", "probabilities in [0, 1]", bad)


_UNSIGNED = {np.dtype(np.float64): np.uint64, np.dtype(np.float32): np.uint32}


def _in_unit_interval(p):
    """All of p in [0, 1] and finite, in one pass over the array.

    Viewed as unsigned integers, the non-negative floats keep their order, while
    negative numbers (sign bit), inf and NaN all lie above the bits of 1.0; only
    -0.0 is a false alarm, which the slow check below clears.
    """
    one = np.array(1, dtype=p.dtype).view(_UNSIGNED[p.dtype])
    if p.view(_UNSIGNED[p.dtype]).max() <= one:
        return True
    return bool(p.min() >= 0 and p.max() <= 1)  # NaN fails both comparisons


def _check_range(p, idx, func, warn):
    """Finite, in [0, 1], and (optionally) a warning when rows do not sum to 1.

    Returns the true-class column when the fused one-pass scan produced it on the
    way (large 2-D input), else None.
    """
    scan = scan_probabilities(p, idx)
    if scan is not None:
        true_column, in_range, lowest, highest = scan
    else:
        true_column, in_range = None, _in_unit_interval(p)
    if not in_range:
        raise _range_error(p, func)
    if p.ndim == 1 or not warn:  # [1 - p, p] sums to 1 within rounding
        return true_column
    if scan is None:
        sums = np.einsum("ij->i", p)  # several times faster than p.sum(axis=1)
        lowest, highest = sums.min(), sums.max()
    # scikit-learn: isclose(sums, 1, rtol=sqrt(eps), atol=1e-8) in the dtype
    dtype = p.dtype.type
    tol = dtype(1e-8) + dtype(math.sqrt(np.finfo(p.dtype).eps))
    if abs(lowest - 1) > tol or abs(highest - 1) > tol:
        warnings.warn(
            f"The y_proba values passed to {func} do not sum to one. Make sure to "
            "pass probabilities.",
            UserWarning,
            stacklevel=5,
        )
    return true_column


def _check_weights(sample_weight, n, func):
    """None or a 1-D array of n finite non-negative weights, dtype kept."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight)
    if w.dtype.kind not in "biuf":
        raise parameter_error(func, "sample_weight", "an array of numbers", w)
    if w.ndim != 1 or w.shape[0] != n:
        rule = f"a 1-D array of length n_samples={n}"
        raise parameter_error(func, "sample_weight", rule, w)
    if w.dtype.kind == "f" and not np.isfinite(w).all():
        bad = w[~np.isfinite(w)]
        raise parameter_error(func, "sample_weight", "finite (no NaN or inf)", bad)
    if w.min() < 0:
        raise parameter_error(func, "sample_weight", "non-negative", w[w < 0])
    return w


def check_lengths(y_true, proba, func):
    n = proba.shape[0]
    y_len = len(y_true) if hasattr(y_true, "__len__") else np.asarray(y_true).size
    if y_len != n:
        raise ValueError(
            f"The 'y_true' and 'y_proba' parameters of {func} must have the same "
            f"number of samples. Got {y_len} and {n} instead."
        )


def validate(func, y_true, y_proba, sample_weight, labels, conv):
    proba = as_proba(y_proba, func)
    n = proba.shape[0]
    check_lengths(y_true, proba, func)
    idx, classes = encode_labels(y_true, labels, func=func)
    n_columns = 2 if proba.ndim == 1 else proba.shape[1]
    if classes.shape[0] != n_columns:
        where = "'labels'" if labels is not None else "y_true; pass all in 'labels'"
        rule = (
            f"of shape (n_samples, n_classes) with {classes.shape[0]} classes ({where})"
        )
        raise parameter_error(func, "y_proba", rule, proba.shape)
    true_column = _check_range(proba, idx, func, conv.warns_unnormalized)
    w = _check_weights(sample_weight, n, func)
    return proba, idx, classes, w, true_column


def reduce_losses(losses, weights, reduction, func):
    """scikit-learn's ``_average``: np.average, np.dot or np.sum."""
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(losses.sum() if weights is None else np.dot(losses, weights))
    if weights is not None and not weights.any():
        raise parameter_error(func, "sample_weight", "not all zero", weights)
    return float(np.average(losses, weights=weights))


def scaled(value, base):
    return value if base is None else value / math.log(base)


def losses_for(
    func, y_true, y_proba, sample_weight, labels, base, smoothing, convention
):
    conv = get_convention(convention, func=func)
    base = check_base(base, func=func)
    smoothing = check_real(
        smoothing, param="label_smoothing", func=func, low=0, high=1,
        high_inclusive=False,
    )  # fmt: skip
    proba, idx, classes, w, true_column = validate(
        func, y_true, y_proba, sample_weight, labels, conv
    )
    losses = sample_losses(proba, idx, conv, smoothing, true_column)
    return losses, idx, classes, w, base
