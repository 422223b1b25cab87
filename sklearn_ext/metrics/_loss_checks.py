"""Validation and reduction shared by the log-loss metrics (private).

The public functions of :mod:`sklearn_ext.metrics._classification` check their
inputs here once (house rule 1): probabilities (finite, in [0, 1], rows summing to
one), targets against the classes, sample weights; then :func:`reduce_losses`
averages or sums per-sample losses with scikit-learn's exact numpy calls.
"""

from __future__ import annotations

import math

import numpy as np

from sklearn_ext.metrics._conventions import get_convention, sample_losses
from sklearn_ext.metrics._fused_scan import scan_probabilities
from sklearn_ext.metrics._labels import encode_labels
from sklearn_ext.metrics._validation import (
    check_base,
    check_real,
    parameter_error,
    warn_user,
    with_sklearn_text,
)

__all__ = [
    "as_proba",
    "check_lengths",
    "losses_for",
    "reduce_losses",
    "resolve_y_pred",
    "scaled",
    "validate",
]

_KEPT = (np.dtype(np.float64), np.dtype(np.float32), np.dtype(np.float16))


def resolve_y_pred(y_proba, y_pred, func):
    """scikit-learn 1.9's rename of ``y_pred`` to ``y_proba``, same texts."""
    if not (isinstance(y_pred, str) and y_pred == "deprecated"):
        if y_proba is not None:
            raise ValueError(
                "Cannot use both `y_pred` and `y_proba`. `y_pred` is deprecated, "
                f"use `y_proba` instead (in {func})."
            )
        warn_user(
            "`y_pred` was renamed to `y_proba` in version 1.9 and will be removed "
            "in 1.11. Use `y_proba` instead.",
            FutureWarning,
        )
        return y_pred
    if y_proba is None:
        raise TypeError(f"{func}() missing the required argument 'y_proba'")
    return y_proba


def as_proba(y_proba, func, keep_float16=True):
    """``y_proba`` as a 1-D or 2-D float array (float64, float32 or float16 kept).

    scikit-learn 1.9's ``check_array(dtype=supported_float_dtypes)`` keeps the
    three, so float16 is computed in float16 there too; other dtypes become
    float64. Complex input is refused (numpy would drop the imaginary part).
    """
    try:
        p = np.asarray(y_proba)
    except ValueError:  # numpy's "inhomogeneous shape" for ragged lists
        rule = "a rectangular array of numbers (rows of equal length)"
        raise parameter_error(func, "y_proba", rule, y_proba) from None
    if p.dtype.kind == "c":
        rule = "real probabilities (complex numbers are not probabilities)"
        error = parameter_error(func, "y_proba", rule, p)
        raise with_sklearn_text(error, "Complex data not supported")
    if p.dtype not in _KEPT or (p.dtype == np.float16 and not keep_float16):
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
    """The error for NaN, inf or values outside [0, 1], with scikit-learn's text."""
    bad = p[~np.isfinite(p)]
    if bad.size:
        error = parameter_error(func, "y_proba", "finite (no NaN or inf)", bad)
        if np.isnan(bad).any():
            return with_sklearn_text(error, "Input contains NaN.")
        text = f"Input contains infinity or a value too large for {p.dtype!r}."
        return with_sklearn_text(error, text)
    bad = p[(p < 0) | (p > 1)]
    error = parameter_error(func, "y_proba", "probabilities in [0, 1]", bad)
    if p.max() > 1:
        text = f"y_prob contains values greater than 1: {p.max()}"
    else:
        text = f"y_prob contains values lower than 0: {p.min()}"
    return with_sklearn_text(error, text)


_UNSIGNED = {
    np.dtype(np.float64): np.uint64,
    np.dtype(np.float32): np.uint32,
    np.dtype(np.float16): np.uint16,
}


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


def _check_range(p, idx, warn, func, proba_name="y_prob"):
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
        warn_user(
            f"The {proba_name} values do not sum to one. Make sure to pass "
            "probabilities.",
            UserWarning,
        )  # scikit-learn's text, so that filters written for it apply
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
    if not w.any():  # scikit-learn refuses it whatever `normalize` is
        text = "Sample weights must contain at least one non-zero number."
        error = parameter_error(func, "sample_weight", "not all zero", w)
        raise with_sklearn_text(error, text)
    return w


def _length(x):
    return len(x) if hasattr(x, "__len__") else np.asarray(x).size


def check_lengths(y_true, proba, func, sample_weight=None):
    """Equal numbers of samples, with scikit-learn's message appended."""
    n = proba.shape[0]
    y_len = _length(y_true)
    w_len = None if sample_weight is None else _length(sample_weight)
    if y_len == n and w_len in (None, n):
        return
    lengths = [n, y_len] + ([] if w_len is None else [w_len])
    text = f"Found input variables with inconsistent numbers of samples: {lengths}"
    if y_len != n:
        error = ValueError(
            f"The 'y_true' and 'y_proba' parameters of {func} must have the same "
            f"number of samples. Got {y_len} and {n} instead."
        )
    else:
        rule = f"a 1-D array of length n_samples={n}"
        error = parameter_error(func, "sample_weight", rule, sample_weight)
    raise with_sklearn_text(error, text)


def _classes_error(func, labels, classes, n_columns, shape):
    where = "'labels'" if labels is not None else "y_true; pass all in 'labels'"
    rule = f"of shape (n_samples, n_classes) with {classes.shape[0]} classes ({where})"
    error = parameter_error(func, "y_proba", rule, shape)
    if labels is None:
        text = (
            f"y_true and y_prob contain different number of classes: "
            f"{classes.shape[0]} vs {n_columns}. Please provide the true labels "
            "explicitly through the labels argument. Classes found in y_true: "
            f"{classes}"
        )
    else:
        text = (
            "The number of classes in labels is different from that in y_prob. "
            f"Classes found in labels: {classes}"
        )
    return with_sklearn_text(error, text)


def validate(func, y_true, y_proba, sample_weight, labels, conv):
    proba = as_proba(y_proba, func, conv.keeps_float16)
    n = proba.shape[0]
    check_lengths(y_true, proba, func, sample_weight)
    idx, classes = encode_labels(
        y_true, labels, func=func, sort_labels=conv.sorts_labels,
        warn_unsorted=conv.warns_unsorted_labels,
    )  # fmt: skip
    n_columns = 2 if proba.ndim == 1 else proba.shape[1]
    if classes.shape[0] != n_columns:
        raise _classes_error(func, labels, classes, n_columns, proba.shape)
    true_column = _check_range(
        proba, idx, conv.warns_unnormalized, func, conv.proba_name
    )
    w = _check_weights(sample_weight, n, func)
    return proba, idx, classes, w, true_column


def reduce_losses(losses, weights, reduction, func):
    """scikit-learn's ``_average``: np.average, np.dot or np.sum."""
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(losses.sum() if weights is None else np.dot(losses, weights))
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
