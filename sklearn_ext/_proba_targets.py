"""Score functions comparing target distributions with ``predict_proba``.

The targets are either hard labels (turned into one-hot rows with ``labels``, the
column order of ``y_proba``) or a 2-D array of distributions (soft targets: the
label shares of several annotators, a teacher model's probabilities). The
predicted probabilities are clipped to ``[eps, 1 - eps]`` (``eps`` of float64), as
:func:`sklearn.metrics.log_loss` does, so that a zero probability gives a large
finite loss instead of ``inf``; with one-hot targets the cross-entropy is then
scikit-learn's log loss. These are the kernels of the scorers in
:mod:`sklearn_ext.scorers`.
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

from sklearn_ext.metrics import categorical_focal_loss, js_divergence
from sklearn_ext.metrics._labels import encode_labels
from sklearn_ext.metrics._validation import (
    check_base,
    check_probabilities,
    check_sample_weight,
    log_scale,
    parameter_error,
)

__all__ = [
    "cross_entropy_score",
    "focal_loss_score",
    "js_divergence_score",
    "kl_divergence_score",
]

_EPS = np.finfo(np.float64).eps
# Tolerance on the row sums of soft targets (they are probabilities).
_ROW_SUM_TOL = 1e-6


def _proba(y_proba, func):
    p = check_probabilities(y_proba, param="y_proba", func=func, dtype=np.float64)
    if p.ndim == 1:  # probability of the greater label, as in log_loss
        p = np.column_stack([1.0 - p, p])
    if p.ndim != 2:
        raise parameter_error(func, "y_proba", "a 1-D or 2-D array", p.shape)
    return p


def targets_and_proba(y_true, y_proba, labels, func):
    """Validated (targets, proba), both float64 of shape (n_samples, n_classes)."""
    p = _proba(y_proba, func)
    n, k = p.shape
    y = np.asarray(y_true)
    if y.ndim == 2 and y.dtype.kind in "biuf":
        t = check_probabilities(y, param="y_true", func=func, dtype=np.float64)
        if t.shape != p.shape:
            rule = f"of the shape of y_proba {p.shape} (soft targets)"
            raise parameter_error(func, "y_true", rule, t.shape)
        bad = np.abs(t.sum(axis=1) - 1.0) > _ROW_SUM_TOL
        if bad.any():
            rule = "rows that sum to 1 (soft targets are distributions)"
            raise parameter_error(func, "y_true", rule, t[bad][:3])
        return t, p
    if y.shape[:1] != (n,):
        rule = f"of length n_samples={n} (the rows of y_proba)"
        raise parameter_error(func, "y_true", rule, y.shape)
    idx, classes = encode_labels(y, labels, func=func)
    if classes.shape[0] != k:
        rule = f"a column per class: {classes.shape[0]} classes"
        raise parameter_error(func, "y_proba", rule, p.shape)
    t = np.zeros((n, k))
    t[np.arange(n), idx] = 1.0
    return t, p


def _mean(losses, sample_weight, base, func):
    w = check_sample_weight(sample_weight, losses.shape[0], func=func)
    return float(np.average(losses, weights=w)) * log_scale(check_base(base, func=func))


def cross_entropy_score(y_true, y_proba, *, labels=None, sample_weight=None, base=None):
    """Mean cross-entropy H(t_i, p_i) = -sum_k t_ik log p_ik of targets and predictions.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        Hard labels, or soft targets (one distribution per row).
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities, columns in the order of ``labels``.
    labels : array-like of shape (n_classes,), default=None
        The classes in column order (for hard labels; sorted classes of
        ``y_true`` by default).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    base : float, default=None
        Logarithm base (None: nats).

    Returns
    -------
    float

    Examples
    --------
    >>> from sklearn_ext._proba_targets import cross_entropy_score
    >>> round(cross_entropy_score([[0.5, 0.5]], [[0.5, 0.5]], base=2), 6)
    1.0
    """
    func = "cross_entropy_score"
    t, p = targets_and_proba(y_true, y_proba, labels, func)
    losses = -xlogy(t, np.clip(p, _EPS, 1 - _EPS)).sum(axis=1)
    return _mean(losses, sample_weight, base, func)


def kl_divergence_score(y_true, y_proba, *, labels=None, sample_weight=None, base=None):
    """Mean KL(t_i || p_i) = sum_k t_ik log(t_ik / p_ik) of targets and predictions.

    For hard labels H(t_i) = 0, so this is the cross-entropy (the log loss).

    Parameters
    ----------
    y_true, y_proba, labels, sample_weight, base
        As in :func:`cross_entropy_score`.

    Returns
    -------
    float

    Examples
    --------
    >>> from sklearn_ext._proba_targets import kl_divergence_score
    >>> kl_divergence_score([[0.5, 0.5]], [[0.5, 0.5]])
    0.0
    """
    func = "kl_divergence_score"
    t, p = targets_and_proba(y_true, y_proba, labels, func)
    losses = (xlogy(t, t) - xlogy(t, np.clip(p, _EPS, 1 - _EPS))).sum(axis=1)
    return _mean(losses, sample_weight, base, func)


def js_divergence_score(y_true, y_proba, *, labels=None, sample_weight=None, base=None):
    """Mean Jensen-Shannon divergence JS(t_i, p_i) (finite, at most log 2).

    Parameters
    ----------
    y_true, y_proba, labels, sample_weight, base
        As in :func:`cross_entropy_score`.

    Returns
    -------
    float

    Examples
    --------
    >>> from sklearn_ext._proba_targets import js_divergence_score
    >>> js_divergence_score([0, 1], [[0.0, 1.0], [1.0, 0.0]], base=2)
    1.0
    """
    func = "js_divergence_score"
    t, p = targets_and_proba(y_true, y_proba, labels, func)
    return _mean(js_divergence(t, p, axis=1), sample_weight, base, func)


def focal_loss_score(
    y_true, y_proba, *, labels=None, sample_weight=None, gamma=2.0, alpha=None
):
    """Mean categorical focal loss (Lin et al. 2017, eq. 5) of hard or soft targets.

    Parameters
    ----------
    y_true, y_proba, labels, sample_weight
        As in :func:`cross_entropy_score`.
    gamma, alpha
        As in :func:`sklearn_ext.metrics.categorical_focal_loss`.

    Returns
    -------
    float

    Examples
    --------
    >>> from sklearn_ext._proba_targets import focal_loss_score
    >>> round(focal_loss_score(["a", "b"], [[0.9, 0.1], [0.5, 0.5]]), 6)
    0.08717
    """
    t, p = targets_and_proba(y_true, y_proba, labels, "focal_loss_score")
    return categorical_focal_loss(
        t, p, gamma=gamma, alpha=alpha, sample_weight=sample_weight
    )
