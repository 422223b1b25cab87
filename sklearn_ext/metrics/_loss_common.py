"""Private building blocks of the Keras-style and focal losses.

Input checks (one message format), Keras' clipping constant, exact
log-probabilities from logits, label handling and the reductions. The
``convention="keras"`` arithmetic itself is in ``_keras_ops``.
"""

from __future__ import annotations

import numpy as np

from sklearn_ext.metrics._activations import _log_sigmoid, _log_softmax
from sklearn_ext.metrics._info_checks import (
    as_float_array,
    check_axis,
    check_bool,
    check_finite,
    check_nonnegative,
    check_unit_interval,
)
from sklearn_ext.metrics._keras_ops import reduce_keras, working_dtype
from sklearn_ext.metrics._validation import (
    check_base,
    check_choice,
    check_real,
    check_sample_weight,
    log_scale,
    parameter_error,
    reduce_losses,
)

__all__ = [
    "CONVENTIONS",
    "EPSILON",
    "binary_inputs",
    "binary_logs",
    "categorical_logs",
    "categorical_pred",
    "check_label_smoothing",
    "check_options",
    "class_labels",
    "reduce",
    "targets",
]

EPSILON = 1e-7  # keras.backend.epsilon()
CONVENTIONS = ("exact", "keras")


def check_options(func, from_logits, reduction, base, convention="exact"):
    """Validate the keywords common to every loss.

    Returns (from_logits, scale, keras) with ``keras`` True for
    ``convention="keras"``.
    """
    from_logits = check_bool(from_logits, param="from_logits", func=func)
    check_choice(reduction, ("mean", "sum", "none"), param="reduction", func=func)
    keras = check_choice(convention, CONVENTIONS, param="convention", func=func)
    return from_logits, log_scale(check_base(base, func=func)), keras == "keras"


def keras_dtype(y_pred):
    """The dtype Keras computes in: float32 kept, anything else float64."""
    return working_dtype(np.asarray(y_pred))


def binary_inputs(y_true, y_pred, func, from_logits, keras=False):
    """(n,) or (n, n_labels) targets in [0, 1] and predictions of that shape.

    Both float64, or with ``keras`` both in the dtype of ``y_pred`` (float32
    kept), as Keras casts ``y_true`` to the dtype of ``y_pred``.
    """
    y = as_float_array(y_true, param="y_true", func=func, min_ndim=1)
    z = as_float_array(y_pred, param="y_pred", func=func, min_ndim=1)
    for name, arr in (("y_true", y), ("y_pred", z)):
        if arr.ndim > 2:
            raise parameter_error(func, name, "a 1-D or 2-D array", arr)
    if z.shape in ((*y.shape, 1), y.shape[:1]) and y.shape[1:] in ((), (1,)):
        y = y.reshape(z.shape)  # (n,) against (n, 1), as Keras squeezes
    if z.shape != y.shape:
        rule = f"an array of the shape of y_true {y.shape}"
        raise parameter_error(func, "y_pred", rule, z)
    check_unit_interval(y, param="y_true", func=func)
    if from_logits:
        check_finite(z, param="y_pred", func=func)
    else:
        check_unit_interval(z, param="y_pred", func=func, hint=" (or from_logits)")
    if keras:
        dtype = keras_dtype(y_pred)
        return y.astype(dtype, copy=False), z.astype(dtype, copy=False)
    return y, z


def binary_logs(z, from_logits):
    """(log p, log(1 - p)) from logits (exact) or clipped probabilities."""
    if from_logits:
        return _log_sigmoid(z), _log_sigmoid(-z)
    p = np.clip(z, EPSILON, 1.0 - EPSILON)
    return np.log(p), np.log(1.0 - p)


def categorical_pred(y_pred, func, from_logits, axis, keras=False):
    """2-D predictions as (n_samples, n_classes), classes last; and the axis.

    float64, or with ``keras`` in the dtype Keras computes in.
    """
    z = as_float_array(y_pred, param="y_pred", func=func, min_ndim=2)
    if z.ndim != 2:
        raise parameter_error(func, "y_pred", "a 2-D array", z)
    ax = check_axis(axis, 2, func=func)
    if ax == 0:
        z = z.T
    if from_logits:
        check_finite(z, param="y_pred", func=func)
    else:
        check_nonnegative(z, param="y_pred", func=func)
        if not np.all(z.sum(axis=1) > 0):
            raise parameter_error(func, "y_pred", "rows with a positive sum", z)
    if keras:
        z = z.astype(keras_dtype(y_pred), copy=False)
    return z, ax


def categorical_logs(z, from_logits):
    """log-probabilities, (n, K): log-softmax, or Keras' rescale-and-clip."""
    if from_logits:
        return _log_softmax(z, 1)
    p = np.clip(z / z.sum(axis=1, keepdims=True), EPSILON, 1.0 - EPSILON)
    return np.log(p)


def class_labels(y_true, n_samples, n_classes, func, ignore=None):
    """Integer labels in [0, n_classes) of shape (n,) (or (n, 1)); also a mask.

    Labels equal to ``ignore`` may lie outside the range; the mask is False there.
    """
    y = np.asarray(y_true)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or y.shape[0] != n_samples:
        rule = f"a 1-D array of n_samples={n_samples} class indices"
        raise parameter_error(func, "y_true", rule, y)
    if y.dtype.kind not in "iu":
        f = as_float_array(y, param="y_true", func=func)
        if not np.all(np.isfinite(f) & (f == np.round(f))):
            raise parameter_error(func, "y_true", "integer class indices", y)
        y = f.astype(np.int64)
    valid = np.ones(n_samples, dtype=bool) if ignore is None else y != ignore
    bad = valid & ((y < 0) | (y >= n_classes))
    if bad.any():
        rule = f"class indices in [0, {n_classes - 1}]"
        raise parameter_error(func, "y_true", rule, y[bad])
    return np.where(valid, y, 0), valid


def targets(y_true, shape, func):
    """One-hot or soft targets of ``shape`` (n, K), or 1-D class indices."""
    if np.ndim(y_true) == 2 and np.shape(y_true) == shape:
        y = as_float_array(y_true, param="y_true", func=func)
        check_unit_interval(y, param="y_true", func=func)
        return y
    labels, _ = class_labels(y_true, shape[0], shape[1], func)
    return np.eye(shape[1])[labels]


def reduce(losses, reduction, sample_weight, scale, func, valid=None, keras=False):
    """Scale to ``base``, weight, drop ignored samples, and reduce.

    "none" returns the weighted per-sample losses (0 for ignored samples), as
    Keras does; "sum" their sum; "mean" sum(w l) / sum(w) over kept samples.
    With ``keras`` in the dtype of the losses, in Keras' order.
    """
    n = losses.shape[0]
    w = check_sample_weight(sample_weight, n, func=func)
    if scale != 1.0:
        losses = losses * scale
    if keras:
        ignored_all = valid is not None and w is not None and not w[valid].any()
        if reduction == "mean" and ignored_all:
            rule = "not all zero on the samples that are not ignored"
            raise parameter_error(func, "sample_weight", rule, w)
        return reduce_keras(losses, reduction, w, valid)
    if valid is not None and not valid.all():
        losses = np.where(valid, losses, 0.0)
        if reduction == "mean":
            if w is not None and not w[valid].any():
                rule = "not all zero on the samples that are not ignored"
                raise parameter_error(func, "sample_weight", rule, w)
            losses = losses[valid]
            w = None if w is None else w[valid]
    if reduction == "none":
        return losses if w is None else losses * w
    return reduce_losses(losses, reduction, w)


def check_label_smoothing(value, func):
    """A float in [0, 1)."""
    return check_real(
        value, param="label_smoothing", func=func, low=0.0, high=1.0,
        high_inclusive=False,
    )  # fmt: skip
