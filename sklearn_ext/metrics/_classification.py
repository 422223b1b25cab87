"""Classification metrics built on the log loss.

The inputs are validated once (house rule 1, in ``_loss_checks``), then the
per-sample losses come from ``_conventions.sample_losses``, which gathers the
probability of the true class instead of building one-hot matrices. By default the
results equal scikit-learn 1.9's ``log_loss`` and ``d2_log_loss_score`` bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sklearn_ext.metrics._conventions import get_convention, sample_losses
from sklearn_ext.metrics._loss_checks import (
    as_proba,
    check_lengths,
    losses_for,
    reduce_losses,
    resolve_y_pred,
    scaled,
    validate,
)
from sklearn_ext.metrics._validation import check_choice, parameter_error, warn_user

__all__ = [
    "PerClassLogLoss",
    "d2_log_loss_score",
    "log_loss",
    "log_loss_per_class",
    "perplexity",
]


def log_loss(
    y_true,
    y_proba=None,
    *,
    normalize=True,
    sample_weight=None,
    labels=None,
    base=None,
    label_smoothing=0.0,
    reduction=None,
    convention="sklearn",
    y_pred="deprecated",
):
    """Log loss (cross-entropy of the predicted probabilities), sklearn-compatible.

    With the defaults this equals :func:`sklearn.metrics.log_loss` bit for bit:
    probabilities are clipped to ``[eps, 1 - eps]`` with ``eps`` the machine epsilon
    of their dtype (float32 stays float32), rows are not renormalised and a
    ``UserWarning`` says when they do not sum to one. scikit-learn 1.9's
    warnings, keyword names and error texts are kept too (see
    ``docs/metric_conventions.md``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        True labels (numbers or strings), or a one-hot indicator matrix.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities; columns in the order of ``labels`` (sorted classes
        of ``y_true`` by default). 1-D: probability of the greater label.
    normalize : bool, default=True
        Mean over samples if True, sum otherwise (ignored when ``reduction`` is set).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights; the mean is ``sum(w * loss) / sum(w)``.
    labels : array-like of shape (n_classes,), default=None
        All classes. With the scikit-learn conventions the columns of ``y_proba``
        follow the *sorted* labels, and a ``UserWarning`` says so when ``labels``
        is given in another order (as in scikit-learn 1.9); with "keras" and
        "torch" they follow the order given.
    base : float, default=None
        Logarithm base: None for nats, 2 for bits, any positive number but 1.
    label_smoothing : float in [0, 1), default=0.0
        Score against targets ``(1 - s) * onehot + s / n_classes``.
    reduction : {"mean", "sum", "none"}, default=None
        Overrides ``normalize``; "none" returns the per-sample losses (unweighted,
        dtype of ``y_proba``; float64 with the "sklearn<1.x" conventions, as
        those versions).
    convention : {"sklearn", "sklearn<1.9", "sklearn<1.7", "sklearn<1.5", \
            "sklearn<1.3", "sklearn<1.2", "keras", "torch"}, default="sklearn"
        Whose clipping and renormalisation to reproduce:

        ===========  =========  ==========================  ===================
        convention   clip eps   rows not summing to 1       p(true class) = 0
        ===========  =========  ==========================  ===================
        sklearn      dtype eps  warning, used as given      36.04 nats (f64)
        sklearn<1.9  dtype eps  warning, used as given      36.04 nats (f64)
        sklearn<1.7  dtype eps  warning, used as given      36.04 nats (f64)
        sklearn<1.5  dtype eps  clipped, then renormalised  36.04 nats (f64)
        sklearn<1.3  dtype eps  clipped, then renormalised  36.04 nats (f64)
        sklearn<1.2  1e-15      clipped, then renormalised  about 34.5 nats
        keras        1e-7       renormalised, then clipped  16.12 nats
        torch        none       warning, used as given      inf (1-D: 100)
        ===========  =========  ==========================  ===================

        "sklearn" is scikit-learn 1.9; "sklearn<1.9" is 1.7 and 1.8 and
        "sklearn<1.7" 1.5 and 1.6, which take the log of float32 probabilities
        in float64 (float64 losses) and differ in their warnings; "sklearn<1.5"
        is 1.3 and 1.4, "sklearn<1.3" 1.2 (renormalising, log in float64);
        "sklearn<1.2" is 1.1 and older (measured against each version, bit for
        bit but for 1 ulp of numpy 1.x's float64 log with 1.1).
        "keras" is Keras 3 on the JAX backend op for op, in the dtype of
        ``y_proba`` (within 2 ulp of Keras 3.15, measured by the parity tests).
        "torch" is PyTorch's ``NLLLoss`` of ``log p`` (1-D: ``BCELoss``, with its
        ``log1p(-p)``), within 2 ulp of PyTorch 2.14 per sample.
        See ``docs/metric_conventions.md`` for the full table.
    y_pred : array-like, deprecated
        The former name of ``y_proba``, accepted with scikit-learn 1.9's
        ``FutureWarning``; giving both is a ``ValueError``.

    Returns
    -------
    loss : float or ndarray of shape (n_samples,)

    Examples
    --------
    >>> from sklearn_ext.metrics import log_loss
    >>> log_loss(
    ...     ["spam", "ham", "ham", "spam"],
    ...     [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]],
    ... )
    0.21616
    >>> log_loss([1, 1, 0], [0.57, 0.58, 0.48], reduction="none").round(2)
    array([0.56, 0.54, 0.65])
    >>> round(log_loss([1, 1, 0], [0.57, 0.58, 0.48], normalize=False), 2)
    1.76
    >>> round(log_loss([0, 1], [[0.5, 0.5], [0.5, 0.5]], base=2), 6)
    1.0
    """
    y_proba = resolve_y_pred(y_proba, y_pred, "log_loss")
    return log_loss_value(
        "log_loss", y_true, y_proba, normalize=normalize, sample_weight=sample_weight,
        labels=labels, base=base, label_smoothing=label_smoothing,
        reduction=reduction, convention=convention,
    )  # fmt: skip


def log_loss_value(
    func, y_true, y_proba, *, normalize=True, sample_weight=None, labels=None,
    base=None, label_smoothing=0.0, reduction=None, convention="sklearn",
):  # fmt: skip
    """:func:`log_loss` whose errors name ``func`` (for the report, accumulators)."""
    if reduction is not None:
        check_choice(reduction, ("mean", "sum", "none"), param="reduction", func=func)
        if not normalize:
            raise parameter_error(
                func, "normalize", "left at True when 'reduction' is given", normalize
            )
    else:
        reduction = "mean" if normalize else "sum"
    losses, _, _, w, base = losses_for(
        func, y_true, y_proba, sample_weight, labels, base, label_smoothing, convention
    )
    return scaled(reduce_losses(losses, w, reduction, func), base)


@dataclass(frozen=True)
class PerClassLogLoss:
    """Log loss broken down by true class (see :func:`log_loss_per_class`).

    Attributes
    ----------
    labels : ndarray of shape (n_classes,)
        The classes, in the order of the columns of ``y_proba``.
    loss : ndarray of shape (n_classes,)
        Weighted mean loss of the samples of each true class (NaN without any).
    support : ndarray of shape (n_classes,), int
        Number of samples of each true class.
    weight : ndarray of shape (n_classes,)
        Total sample weight of each class (equal to ``support`` without weights).
    total : float
        The overall mean, ``sum(weight * loss) / sum(weight)`` = :func:`log_loss`.
    """

    labels: np.ndarray
    loss: np.ndarray
    support: np.ndarray
    weight: np.ndarray
    total: float


def log_loss_per_class(
    y_true,
    y_proba,
    *,
    labels=None,
    sample_weight=None,
    base=None,
    label_smoothing=0.0,
    convention="sklearn",
):
    """Mean log loss and support of every true class.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        True labels, or a one-hot indicator matrix.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities (see :func:`log_loss`).
    labels : array-like of shape (n_classes,), default=None
        All classes, in the order of the columns of ``y_proba``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    base : float, default=None
        Logarithm base (None: nats).
    label_smoothing : float in [0, 1), default=0.0
        As in :func:`log_loss`.
    convention : {"sklearn", "sklearn<1.9", "sklearn<1.7", "sklearn<1.5", \
            "sklearn<1.3", "sklearn<1.2", "keras", "torch"}, default="sklearn"
        As in :func:`log_loss`.

    Returns
    -------
    PerClassLogLoss
        Frozen dataclass with ``labels``, ``loss``, ``support``, ``weight`` and
        ``total``; the weight-averaged class losses give back ``total``.

    Examples
    --------
    >>> from sklearn_ext.metrics import log_loss_per_class
    >>> r = log_loss_per_class(["a", "b", "b"], [[0.5, 0.5], [0.2, 0.8], [0.6, 0.4]])
    >>> r.labels.tolist(), r.support.tolist(), r.loss.round(4).tolist()
    (['a', 'b'], [1, 2], [0.6931, 0.5697])
    """
    return per_class_value(
        "log_loss_per_class", y_true, y_proba, labels=labels,
        sample_weight=sample_weight, base=base, label_smoothing=label_smoothing,
        convention=convention,
    )  # fmt: skip


def per_class_value(
    func, y_true, y_proba, *, labels=None, sample_weight=None, base=None,
    label_smoothing=0.0, convention="sklearn",
):  # fmt: skip
    """:func:`log_loss_per_class` whose errors name ``func``."""
    losses, idx, classes, w, base = losses_for(
        func, y_true, y_proba, sample_weight, labels, base, label_smoothing,
        convention,
    )  # fmt: skip
    k = classes.shape[0]
    support = np.bincount(idx, minlength=k)
    if w is None:
        weight = support.astype(np.float64)
        total_loss = np.bincount(idx, weights=losses, minlength=k)
    else:
        weight = np.bincount(idx, weights=w, minlength=k)
        total_loss = np.bincount(idx, weights=losses * w, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        loss = np.where(weight > 0, total_loss / weight, np.nan)
    total = reduce_losses(losses, w, "mean", func)
    return PerClassLogLoss(
        classes, scaled(loss, base), support, weight, scaled(total, base)
    )


def perplexity(
    y_true,
    y_proba,
    *,
    sample_weight=None,
    labels=None,
    base=None,
    label_smoothing=0.0,
    convention="sklearn",
):
    """Perplexity: exp of the mean log loss in nats.

    The same number as ``base ** log_loss(..., base=base)``, so ``base`` does not
    change the value (it is accepted for symmetry with :func:`log_loss`). It is the
    effective number of equally likely classes: 1 for perfect predictions,
    ``n_classes`` for uniform ones.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        True labels, or a one-hot indicator matrix.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities (see :func:`log_loss`).
    labels : array-like of shape (n_classes,), default=None
        All classes, in the order of the columns of ``y_proba``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    base : float, default=None
        Accepted for symmetry with :func:`log_loss`; the value does not depend
        on it.
    label_smoothing : float in [0, 1), default=0.0
        As in :func:`log_loss`.
    convention : {"sklearn", "sklearn<1.9", "sklearn<1.7", "sklearn<1.5", \
            "sklearn<1.3", "sklearn<1.2", "keras", "torch"}, default="sklearn"
        As in :func:`log_loss`.

    Returns
    -------
    float

    Examples
    --------
    >>> from sklearn_ext.metrics import perplexity
    >>> perplexity([0, 1, 2], [[1 / 3, 1 / 3, 1 / 3]] * 3)
    3.0
    """
    losses, _, _, w, _ = losses_for(
        "perplexity", y_true, y_proba, sample_weight, labels, base, label_smoothing,
        convention,
    )  # fmt: skip
    return math.exp(reduce_losses(losses, w, "mean", "perplexity"))


def d2_log_loss_score(
    y_true, y_proba=None, *, sample_weight=None, labels=None, y_pred="deprecated",
    convention="sklearn",
):  # fmt: skip
    """D² score: fraction of log loss explained, as scikit-learn computes it.

    ``1 - log_loss(y, p) / log_loss(y, prior)`` where the prior predicts the
    (weighted) class frequencies of ``y_true`` for every sample; 1 is best, 0 is no
    better than the prior and it can be negative. Equals
    :func:`sklearn.metrics.d2_log_loss_score` bit for bit. With fewer than two
    samples it warns (``UndefinedMetricWarning``) and returns NaN.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        True labels, or a one-hot indicator matrix.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities (see :func:`log_loss`).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    labels : array-like of shape (n_classes,), default=None
        All classes; the columns of ``y_proba`` follow them sorted (a
        ``UserWarning`` says so when they are given unsorted).
    y_pred : array-like, deprecated
        The former name of ``y_proba`` (scikit-learn 1.9's ``FutureWarning``).
    convention : {"sklearn", "sklearn<1.9", "sklearn<1.7"}, default="sklearn"
        The scikit-learn version whose log loss the numerator repeats (see
        :func:`log_loss`; the prior's loss is float64 in all of them).

    Returns
    -------
    float

    Examples
    --------
    >>> from sklearn_ext.metrics import d2_log_loss_score
    >>> round(d2_log_loss_score([0, 1, 1, 0], [0.1, 0.8, 0.7, 0.4]), 4)
    0.5686
    """
    y_proba = resolve_y_pred(y_proba, y_pred, "d2_log_loss_score")
    return d2_value(
        "d2_log_loss_score", y_true, y_proba, sample_weight, labels, convention
    )


D2_CONVENTIONS = ("sklearn", "sklearn<1.9", "sklearn<1.7")  # d2 exists from 1.5


def d2_value(
    func, y_true, y_proba, sample_weight=None, labels=None, convention="sklearn"
):
    """:func:`d2_log_loss_score` whose errors name ``func``."""
    check_choice(convention, D2_CONVENTIONS, param="convention", func=func)
    conv = get_convention(convention, func=func)
    proba = as_proba(y_proba, func)
    check_lengths(y_true, proba, func, sample_weight)
    if proba.shape[0] < 2:
        from sklearn.exceptions import UndefinedMetricWarning

        msg = "D^2 score is not well-defined with less than two samples."
        warn_user(msg, UndefinedMetricWarning)
        return float("nan")
    proba, idx, classes, w, true_column = validate(
        func, y_true, proba, sample_weight, labels, conv
    )
    losses = sample_losses(proba, idx, conv, true_column=true_column)
    numerator = reduce_losses(losses, w, "sum", func)
    k, n = classes.shape[0], proba.shape[0]
    # The prior: np.average(onehot, axis=0, weights=w) with exactly integer counts
    # or the sequential per-class sums of w that numpy's axis-0 reduction makes.
    if w is None:
        prior = np.bincount(idx, minlength=k).astype(np.float64) / n
    else:
        scale = w.sum(dtype=np.result_type(w.dtype, np.float64))  # > 0: validated
        prior = np.bincount(idx, weights=w, minlength=k) / scale
    eps = np.finfo(np.float64).eps
    prior_losses = -np.log(np.clip(prior, eps, 1 - eps))[idx]
    denominator = reduce_losses(prior_losses, w, "sum", func)
    return float(1 - (numerator / denominator))
