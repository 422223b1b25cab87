"""Keras-style cross-entropy losses: binary, categorical and sparse categorical.

Two conventions (``convention=``), documented with their measured agreement in
``docs/metric_conventions.md``:

* ``"exact"`` (default): float64 arithmetic and exact log-sigmoid /
  log-softmax for ``from_logits`` (a logit of 1000 with target 0 costs exactly
  1000 nats), with Keras' clipping of probabilities;
* ``"keras"``: Keras 3 on JAX op for op, in the dtype of ``y_pred`` (float32
  stays float32, so that values match a Keras training log); see
  ``_keras_ops``.

Shared semantics:

* probabilities are clipped to [1e-7, 1 - 1e-7] (``keras.backend.epsilon()``)
  before the log; categorical rows are first rescaled to sum to 1;
* label smoothing is y (1 - s) + 0.5 s (binary) or y (1 - s) + s / K
  (categorical, K classes);
* 2-D binary targets (multilabel indicators) give the mean over the labels of
  each sample, as Keras' ``axis=-1`` mean does; 1-D targets give one loss per
  sample, as Keras does for targets of shape (n_samples, 1);
* ``reduction="none"`` returns the per-sample losses times ``sample_weight``,
  as Keras does, so that "sum" is the sum of that array; "mean" is
  sum(w l) / sum(w), Keras' ``"mean_with_sample_weight"`` (which is its
  default ``"sum_over_batch_size"`` when no weights are given).
"""

from __future__ import annotations

import numbers

import numpy as np

from sklearn_ext.metrics._activations import _softmax
from sklearn_ext.metrics._info_checks import (
    as_float_array,
    check_finite,
    check_unit_interval,
)
from sklearn_ext.metrics._keras_ops import (
    binary_losses,
    categorical_losses,
    label_mean,
    true_class_losses,
)
from sklearn_ext.metrics._loss_common import (
    binary_inputs,
    binary_logs,
    categorical_logs,
    categorical_pred,
    check_label_smoothing,
    check_options,
    class_labels,
    reduce,
    targets,
)
from sklearn_ext.metrics._validation import parameter_error

__all__ = [
    "binary_cross_entropy",
    "categorical_cross_entropy",
    "cross_entropy_gradient",
    "sparse_categorical_cross_entropy",
]


# ------------------------------------------------------------------ public ---
def binary_cross_entropy(
    y_true,
    y_pred,
    *,
    from_logits=False,
    label_smoothing=0.0,
    sample_weight=None,
    reduction="mean",
    base=None,
    convention="exact",
):
    """Binary cross-entropy -[y log p + (1 - y) log(1 - p)], Keras semantics.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        Targets in [0, 1] (0/1 labels, or soft targets). A 2-D array is a
        multilabel indicator: the loss of a sample is the mean over its labels.
    y_pred : array-like of the shape of y_true
        Probabilities of the positive class, clipped to [1e-7, 1 - 1e-7] as in
        Keras, or logits if ``from_logits``.
    from_logits : bool, default=False
        Read ``y_pred`` as logits: log p = log-sigmoid(z), exact for any finite
        z (a logit of 1000 with target 0 costs exactly 1000 nats), with either
        convention (Keras' JAX backend uses log-sigmoid too).
    label_smoothing : float in [0, 1), default=0.0
        Targets become y (1 - s) + 0.5 s.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    reduction : {"mean", "sum", "none"}, default="mean"
        "mean" is sum(w l) / sum(w) (Keras' "mean_with_sample_weight"; its
        default "sum_over_batch_size" divides by n_samples instead); "sum" is
        sum(w l); "none" returns w l per sample.
    base : float or None, default=None
        Logarithm base (None: nats, 2: bits).
    convention : {"exact", "keras"}, default="exact"
        "exact": float64 and exact log-sigmoid for logits. "keras": Keras 3
        on JAX in the dtype of ``y_pred`` (float32 kept); in float64 the mean
        over labels is rounded to float32, as Keras' ``ops.mean`` does.

    Returns
    -------
    float or ndarray of shape (n_samples,)

    Examples
    --------
    >>> from sklearn_ext.metrics import binary_cross_entropy
    >>> round(binary_cross_entropy([1, 0], [0.9, 0.2]), 6)
    0.164252
    >>> binary_cross_entropy([0.0], [1000.0], from_logits=True)
    1000.0
    >>> binary_cross_entropy(
    ...     [[1, 0], [0, 1]], [[1.0, 0.0], [0.5, 0.5]], reduction="none", base=2
    ... )
    array([1.4427e-07, 1.0000e+00])
    """
    func = "binary_cross_entropy"
    opts = check_options(func, from_logits, reduction, base, convention)
    from_logits, scale, keras = opts
    s = check_label_smoothing(label_smoothing, func)
    y, z = binary_inputs(y_true, y_pred, func, from_logits, keras)
    if s:
        y = y * (1.0 - s) + 0.5 * s
    if keras:
        losses = label_mean(binary_losses(y, z, from_logits))
    else:
        log_p, log_q = binary_logs(z, from_logits)
        losses = -(y * log_p + (1.0 - y) * log_q)
        if losses.ndim == 2:
            losses = losses.mean(axis=1)
    return reduce(losses, reduction, sample_weight, scale, func, keras=keras)


def categorical_cross_entropy(
    y_true,
    y_pred,
    *,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
    sample_weight=None,
    reduction="mean",
    base=None,
    convention="exact",
):
    """Categorical cross-entropy -sum_k y_k log p_k, Keras semantics.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, n_classes)
        One-hot or soft targets in [0, 1].
    y_pred : array-like of shape (n_samples, n_classes)
        Non-negative scores, rescaled to sum to 1 along ``axis`` and clipped to
        [1e-7, 1 - 1e-7] as in Keras; or logits if ``from_logits`` (then
        log p = log-softmax(z), exact for any finite logits).
    from_logits : bool, default=False
        Read ``y_pred`` as logits.
    label_smoothing : float in [0, 1), default=0.0
        Targets become y (1 - s) + s / n_classes.
    axis : int, default=-1
        The class axis of the 2-D arrays (the other axis indexes samples).
    sample_weight, reduction, base, convention
        As in :func:`binary_cross_entropy` (here "keras" keeps float64 all
        through: only the binary losses' label mean is rounded to float32).

    Returns
    -------
    float or ndarray of shape (n_samples,)

    Examples
    --------
    >>> from sklearn_ext.metrics import categorical_cross_entropy
    >>> y = [[0, 1, 0], [0, 0, 1]]
    >>> p = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
    >>> round(categorical_cross_entropy(y, p), 6)
    1.176939
    >>> categorical_cross_entropy([[1, 0]], [[0.0, 1000.0]], from_logits=True)
    1000.0
    """
    func = "categorical_cross_entropy"
    opts = check_options(func, from_logits, reduction, base, convention)
    from_logits, scale, keras = opts
    s = check_label_smoothing(label_smoothing, func)
    z, ax = categorical_pred(y_pred, func, from_logits, axis, keras)
    y = as_float_array(y_true, param="y_true", func=func)
    if y.shape != np.shape(y_pred):
        rule = f"an array of the shape of y_pred {np.shape(y_pred)}"
        raise parameter_error(func, "y_true", rule, y)
    y = y.T if ax == 0 else y
    check_unit_interval(y, param="y_true", func=func)
    if keras:
        y = y.astype(z.dtype, copy=False)
        if s:  # Keras: s / cast(n_classes, dtype), in the dtype
            y = y * (1.0 - s) + z.dtype.type(s) / z.dtype.type(y.shape[1])
        losses = categorical_losses(y, z, from_logits)
    else:
        if s:
            y = y * (1.0 - s) + s / y.shape[1]
        losses = -(y * categorical_logs(z, from_logits)).sum(axis=1)
    return reduce(losses, reduction, sample_weight, scale, func, keras=keras)


def sparse_categorical_cross_entropy(
    y_true,
    y_pred,
    *,
    from_logits=False,
    ignore_class=None,
    sample_weight=None,
    reduction="mean",
    base=None,
    convention="exact",
):
    """Cross-entropy -log p_y with integer class indices, Keras semantics.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, 1)
        Integer class indices in [0, n_classes).
    y_pred : array-like of shape (n_samples, n_classes)
        Scores rescaled and clipped as in :func:`categorical_cross_entropy`, or
        logits if ``from_logits``.
    from_logits : bool, default=False
        Read ``y_pred`` as logits.
    ignore_class : int or None, default=None
        Samples with this label (which may lie outside the class range, e.g. a
        "void" label 255) are left out of the numerator and the denominator of
        the mean; with ``reduction="none"`` their loss is 0, as in Keras.
    sample_weight, reduction, base, convention
        As in :func:`binary_cross_entropy` (here "keras" keeps float64 all
        through: only the binary losses' label mean is rounded to float32).

    Returns
    -------
    float or ndarray of shape (n_samples,)

    Examples
    --------
    >>> from sklearn_ext.metrics import sparse_categorical_cross_entropy
    >>> p = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
    >>> round(sparse_categorical_cross_entropy([1, 2], p), 6)
    1.176939
    >>> round(sparse_categorical_cross_entropy([1, -1], p, ignore_class=-1), 6)
    0.051293
    """
    func = "sparse_categorical_cross_entropy"
    opts = check_options(func, from_logits, reduction, base, convention)
    from_logits, scale, keras = opts
    ok = isinstance(ignore_class, numbers.Integral) and not isinstance(
        ignore_class, (bool, np.bool_)
    )
    if ignore_class is not None and not ok:
        raise parameter_error(func, "ignore_class", "None or an integer", ignore_class)
    z, _ = categorical_pred(y_pred, func, from_logits, -1, keras)
    labels, valid = class_labels(y_true, z.shape[0], z.shape[1], func, ignore_class)
    if not valid.any():
        rule = "a label that leaves at least one sample"
        raise parameter_error(func, "ignore_class", rule, ignore_class)
    if keras:
        losses = true_class_losses(z, labels, from_logits)
    else:
        log_p = categorical_logs(z, from_logits)
        losses = -log_p[np.arange(z.shape[0]), labels]
    return reduce(losses, reduction, sample_weight, scale, func, valid, keras)


def cross_entropy_gradient(y_true, logits):
    """Gradient of the per-sample categorical cross-entropy w.r.t. the logits.

    For l(z) = -sum_k y_k log-softmax(z)_k the gradient is
    softmax(z) sum_k y_k - y, i.e. softmax(z) - y for targets summing to 1
    (one-hot labels included).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        Integer class indices, or one-hot / soft targets in [0, 1].
    logits : array-like of shape (n_samples, n_classes)
        Finite logits.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)

    Examples
    --------
    >>> from sklearn_ext.metrics import cross_entropy_gradient
    >>> cross_entropy_gradient([0], [[0.0, 0.0]])
    array([[-0.5,  0.5]])
    """
    func = "cross_entropy_gradient"
    z = as_float_array(logits, param="logits", func=func, min_ndim=2)
    if z.ndim != 2:
        raise parameter_error(func, "logits", "a 2-D array", z)
    check_finite(z, param="logits", func=func)
    y = targets(y_true, z.shape, func)
    return _softmax(z, 1) * y.sum(axis=1, keepdims=True) - y
