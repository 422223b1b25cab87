"""Focal loss (Lin, Goyal, Girshick, He & Dollar 2017), binary and categorical.

Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017, eq. (5):
FL(p_t) = -alpha_t (1 - p_t)^gamma log(p_t). The factor (1 - p_t)^gamma scales
down well-classified examples; gamma = 0 and no alpha give the cross-entropy
exactly (same clipping, same logs). Probabilities are clipped and logits read
as in the Keras-style cross-entropies of :mod:`sklearn_ext.metrics._keras`.

``convention="exact"`` (default) computes in float64 with exact log-sigmoid /
log-softmax for logits and the focal factor from the same logs.
``convention="keras"`` is Keras 3's ``binary_focal_crossentropy`` /
``categorical_focal_crossentropy`` on JAX op for op in the dtype of ``y_pred``:
the sigmoid / softmax is applied and then clipped to [1e-7, 1 - 1e-7], so that
a logit of +-1000 on the wrong side costs about 16 nats (times the focal and
alpha factors) instead of 1000; for soft targets Keras' focal factor is
(1 - p_t)^gamma with p_t = y p + (1 - y)(1 - p), times the whole binary
cross-entropy.
"""

from __future__ import annotations

import numpy as np

from sklearn_ext.metrics._info_checks import as_float_array
from sklearn_ext.metrics._keras_ops import binary_focal, categorical_focal, label_mean
from sklearn_ext.metrics._loss_common import (
    binary_inputs,
    binary_logs,
    categorical_logs,
    categorical_pred,
    check_options,
    reduce,
    targets,
)
from sklearn_ext.metrics._validation import check_real, parameter_error

__all__ = ["binary_focal_loss", "categorical_focal_loss"]


def _check_gamma(gamma, func):
    return check_real(gamma, param="gamma", func=func, low=0.0)


def binary_focal_loss(
    y_true,
    y_pred,
    *,
    gamma=2.0,
    alpha=0.25,
    from_logits=False,
    sample_weight=None,
    reduction="mean",
    base=None,
    convention="exact",
):
    """Binary focal loss of Lin et al. (2017), eq. (5).

    With p the predicted probability of class 1,

        FL = -[alpha y (1 - p)^gamma log p + (1 - alpha) (1 - y) p^gamma log(1 - p)],

    which for a 0/1 label is -alpha_t (1 - p_t)^gamma log p_t with p_t = p,
    alpha_t = alpha if y = 1 and p_t = 1 - p, alpha_t = 1 - alpha if y = 0
    (Lin et al.'s convention: ``alpha`` weights the positive class). Soft
    targets weight the two terms linearly. ``alpha=None`` drops the alpha_t
    factor; ``gamma=0, alpha=None`` is :func:`binary_cross_entropy` exactly.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        Targets in [0, 1]; a 2-D multilabel indicator gives the mean over the
        labels of each sample.
    y_pred : array-like of the shape of y_true
        Probabilities of class 1 (clipped to [1e-7, 1 - 1e-7] as in Keras), or
        logits if ``from_logits`` (exact log-sigmoid with "exact"; with
        "keras" the sigmoid, then the clip, as in Keras).
    gamma : float >= 0, default=2.0
        Focusing parameter.
    alpha : float in [0, 1] or None, default=0.25
        Weight of the positive class (the negative class gets 1 - alpha);
        None is Keras' ``apply_class_balancing=False``.
    from_logits : bool, default=False
        Read ``y_pred`` as logits.
    sample_weight, reduction, base
        As in :func:`binary_cross_entropy`.
    convention : {"exact", "keras"}, default="exact"
        "exact": float64, exact log-sigmoid; "keras": Keras 3 on JAX in the
        dtype of ``y_pred`` (see the module docstring; in float64 ``gamma``
        and the label mean are rounded to float32, as Keras does).

    Returns
    -------
    float or ndarray of shape (n_samples,)

    Examples
    --------
    >>> from sklearn_ext.metrics import binary_focal_loss
    >>> # -0.25 * (1 - 0.9)**2 * log(0.9) and -0.75 * 0.2**2 * log(0.8)
    >>> binary_focal_loss([1, 0], [0.9, 0.2], reduction="none").round(6)
    array([0.000263, 0.006694])
    >>> round(binary_focal_loss([1, 0], [0.9, 0.2], gamma=0.0, alpha=None), 6)
    0.164252
    """
    func = "binary_focal_loss"
    opts = check_options(func, from_logits, reduction, base, convention)
    from_logits, scale, keras = opts
    gamma = _check_gamma(gamma, func)
    if alpha is not None:
        alpha = check_real(alpha, param="alpha", func=func, low=0.0, high=1.0)
    y, z = binary_inputs(y_true, y_pred, func, from_logits, keras)
    if keras:
        losses = label_mean(binary_focal(y, z, from_logits, gamma, alpha))
        return reduce(losses, reduction, sample_weight, scale, func, keras=True)
    log_p, log_q = binary_logs(z, from_logits)
    # (1 - p)^gamma = exp(gamma log(1 - p)): exact 1 for gamma = 0, no overflow.
    pos = np.exp(gamma * log_q) * log_p
    neg = np.exp(gamma * log_p) * log_q
    if alpha is not None:
        pos, neg = alpha * pos, (1.0 - alpha) * neg
    losses = -(y * pos + (1.0 - y) * neg)
    if losses.ndim == 2:
        losses = losses.mean(axis=1)
    return reduce(losses, reduction, sample_weight, scale, func)


def categorical_focal_loss(
    y_true,
    y_pred,
    *,
    gamma=2.0,
    alpha=None,
    from_logits=False,
    axis=-1,
    sample_weight=None,
    reduction="mean",
    base=None,
    convention="exact",
):
    """Categorical focal loss, FL = -sum_k alpha_k y_k (1 - p_k)^gamma log p_k.

    The multi-class form of Lin et al. (2017), eq. (5), as in Keras'
    ``CategoricalFocalCrossentropy``: for a one-hot target it is
    -alpha_t (1 - p_t)^gamma log p_t with t the true class. ``gamma=0,
    alpha=None`` is :func:`categorical_cross_entropy` exactly.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        Integer class indices, or one-hot / soft targets in [0, 1].
    y_pred : array-like of shape (n_samples, n_classes)
        Non-negative scores, rescaled and clipped as in
        :func:`categorical_cross_entropy`, or logits if ``from_logits``.
    gamma : float >= 0, default=2.0
        Focusing parameter.
    alpha : None, float >= 0 or array-like of shape (n_classes,), default=None
        Class weights alpha_k (one number for all classes, or one per class);
        None means 1.
    from_logits : bool, default=False
        Read ``y_pred`` as logits (exact log-softmax with "exact"; with
        "keras" the softmax, then Keras' rescale-and-clip).
    axis : int, default=-1
        The class axis of ``y_pred`` (the other axis indexes samples).
    sample_weight, reduction, base
        As in :func:`binary_cross_entropy`.
    convention : {"exact", "keras"}, default="exact"
        "exact": float64, exact log-softmax; "keras": Keras 3 on JAX in the
        dtype of ``y_pred`` (``gamma`` and ``alpha`` rounded to float32, as
        Keras' ``convert_to_tensor`` does). Keras' default alpha is 0.25.

    Returns
    -------
    float or ndarray of shape (n_samples,)

    Examples
    --------
    >>> from sklearn_ext.metrics import categorical_focal_loss
    >>> p = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]  # -(1 - p_t)^2 log p_t:
    >>> categorical_focal_loss([1, 2], p, reduction="none").round(6)
    array([0.000128, 1.865094])
    >>> round(categorical_focal_loss([1, 2], p, gamma=0.0), 6)
    1.176939
    """
    func = "categorical_focal_loss"
    opts = check_options(func, from_logits, reduction, base, convention)
    from_logits, scale, keras = opts
    gamma = _check_gamma(gamma, func)
    z, ax = categorical_pred(y_pred, func, from_logits, axis, keras)
    if np.ndim(y_true) == 2 and ax == 0:
        y_true = np.transpose(y_true)
    y = targets(y_true, z.shape, func)
    if alpha is not None:
        a = as_float_array(alpha, param="alpha", func=func)
        ok = a.ndim == 0 or a.shape == (z.shape[1],)
        if not (ok and np.all(np.isfinite(a)) and np.all(a >= 0)):
            rule = f"None, a number >= 0 or {z.shape[1]} numbers >= 0 (one per class)"
            raise parameter_error(func, "alpha", rule, alpha)
    if keras:
        y = y.astype(z.dtype, copy=False)
        losses = categorical_focal(y, z, from_logits, gamma, alpha)
        return reduce(losses, reduction, sample_weight, scale, func, keras=True)
    log_p = categorical_logs(z, from_logits)
    # (1 - p_k)^gamma with p_k = exp(log p_k); 0**0 = 1 keeps gamma = 0 exact.
    terms = (1.0 - np.exp(log_p)) ** gamma * log_p
    if alpha is not None:
        terms = terms * a
    losses = -(y * terms).sum(axis=1)
    return reduce(losses, reduction, sample_weight, scale, func)
