"""Mergeable accumulators: one mean loss over data seen in pieces.

Each accumulator keeps the weighted sum of per-sample losses, the sum of the
weights and the number of samples. ``update`` adds a batch (summed with numpy's
pairwise summation), the running totals are compensated (Neumaier's variant of
Kahan summation), and ``merge`` adds another accumulator's totals, so batches,
chunks of a file or dask partitions accumulated separately and merged in any
order give the value of one call on all the data up to rounding (about 1e-15
relative). They pickle, so they travel between processes.
"""

from __future__ import annotations

import copy

import numpy as np
from scipy.special import xlogy

from sklearn_ext.metrics._classification import log_loss_value
from sklearn_ext.metrics._information import entropy
from sklearn_ext.metrics._validation import (
    check_array_finite,
    check_base,
    format_value,
    log_scale,
    parameter_error,
)

__all__ = ["CrossEntropyAccumulator", "EntropyAccumulator", "LogLossAccumulator"]

_EPS = np.finfo(np.float64).eps


def _neumaier(total, comp, x):
    """Add ``x`` to the compensated sum ``total + comp`` (Neumaier 1974)."""
    t = total + x
    if abs(total) >= abs(x):
        comp += (total - t) + x
    else:
        comp += (x - t) + total
    return t, comp


def _weights(sample_weight, n, func):
    if sample_weight is None:
        return None
    w = check_array_finite(
        sample_weight, param="sample_weight", func=func, dtype=np.float64
    )
    if w.shape != (n,) or w.min() < 0:
        rule = f"a 1-D array of n_samples={n} non-negative weights"
        raise parameter_error(func, "sample_weight", rule, w)
    return w


class _MeanAccumulator:
    """Compensated sums of w * loss and of w; subclasses compute the losses."""

    def __init__(self, *, base=None):
        self.base = check_base(base, func=type(self).__name__)
        self._loss = (0.0, 0.0)
        self._weight = (0.0, 0.0)
        self.n_samples_ = 0

    def _key(self):
        return (type(self), self.base)

    def _add(self, losses, sample_weight, func):
        w = _weights(sample_weight, losses.shape[0], func)
        if w is None:
            loss_sum, weight_sum = float(np.sum(losses)), float(losses.shape[0])
        else:
            loss_sum, weight_sum = float(np.dot(losses, w)), float(np.sum(w))
        self._loss = _neumaier(*self._loss, loss_sum)
        self._weight = _neumaier(*self._weight, weight_sum)
        self.n_samples_ += int(losses.shape[0])
        return self

    def merge(self, other):
        """Add the totals of ``other`` (same kind, labels and base) in place.

        Parameters
        ----------
        other : accumulator of the same class

        Returns
        -------
        self
        """
        if not isinstance(other, _MeanAccumulator) or not _same(self, other):
            raise parameter_error(
                f"{type(self).__name__}.merge",
                "other",
                f"a {type(self).__name__} with the same labels and base",
                other,
            )
        for name in ("_loss", "_weight"):
            total, comp = getattr(self, name)
            o_total, o_comp = getattr(other, name)
            total, comp = _neumaier(total, comp, o_total)
            setattr(self, name, _neumaier(total, comp, o_comp))
        self.n_samples_ += other.n_samples_
        return self

    def __add__(self, other):
        return copy.deepcopy(self).merge(other)

    def result(self):
        """The weighted mean loss over everything added so far.

        Returns
        -------
        float
        """
        weight = self._weight[0] + self._weight[1]
        if weight <= 0:
            raise ValueError(
                f"{type(self).__name__}.result: no samples with positive weight "
                f"were added (n_samples_={self.n_samples_})."
            )
        return (self._loss[0] + self._loss[1]) / weight * log_scale(self.base)

    def __repr__(self):
        return f"{type(self).__name__}(n_samples_={self.n_samples_})"


def _same(a, b):
    if a._key()[:2] != b._key()[:2]:
        return False
    la, lb = getattr(a, "labels", None), getattr(b, "labels", None)
    if la is None or lb is None:
        return la is None and lb is None
    return la.shape == lb.shape and bool(np.all(la == lb))


class LogLossAccumulator(_MeanAccumulator):
    """Log loss accumulated over batches; equals one :func:`log_loss` call.

    Parameters
    ----------
    labels : array-like of shape (n_classes,)
        All classes, in the order of the columns of ``y_proba`` (a batch need not
        contain every class).
    base : float, default=None
        Logarithm base of the result (None: nats, 2: bits).

    Attributes
    ----------
    n_samples_ : int
        Number of samples added.

    Examples
    --------
    >>> from sklearn_ext.metrics import LogLossAccumulator, log_loss
    >>> y, p = [0, 1, 1, 0], [[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.5, 0.5]]
    >>> a = LogLossAccumulator([0, 1]).update(y[:1], p[:1])
    >>> b = LogLossAccumulator([0, 1]).update(y[1:], p[1:])
    >>> a.merge(b).result(), log_loss(y, p)
    (0.383119, 0.383119)
    """

    def __init__(self, labels, *, base=None):
        super().__init__(base=base)
        self.labels = np.asarray(labels)
        if self.labels.ndim != 1 or self.labels.shape[0] < 2:
            raise parameter_error(
                "LogLossAccumulator", "labels", "a 1-D array of >= 2 classes", labels
            )

    def update(self, y_true, y_proba, sample_weight=None):
        """Add a batch (scikit-learn's ``log_loss`` per-sample losses).

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels, each one of ``labels``.
        y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
            Predicted probabilities, columns in the order of ``labels``.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights (a batch may weigh 0).

        Returns
        -------
        self
        """
        func = "LogLossAccumulator.update"
        losses = log_loss_value(
            func, y_true, y_proba, labels=self.labels, reduction="none"
        )
        losses = np.asarray(losses, dtype=np.float64)
        return self._add(losses, sample_weight, func)

    def __repr__(self):
        return (
            f"LogLossAccumulator(labels={format_value(self.labels)}, "
            f"n_samples_={self.n_samples_})"
        )


class CrossEntropyAccumulator(_MeanAccumulator):
    """Mean cross-entropy of targets (hard or soft) and predicted probabilities.

    The accumulated value of the ``neg_cross_entropy`` scorer's metric,
    mean_i -sum_k t_ik log p_ik with p clipped to [eps, 1 - eps]; soft targets are
    rows of distributions.

    Parameters
    ----------
    labels : array-like of shape (n_classes,), default=None
        Classes in column order; needed for hard labels (not for soft targets).
    base : float, default=None
        Logarithm base of the result.

    Attributes
    ----------
    n_samples_ : int

    Examples
    --------
    >>> from sklearn_ext.metrics import CrossEntropyAccumulator
    >>> acc = CrossEntropyAccumulator(base=2)
    >>> acc.update([[0.5, 0.5]], [[0.5, 0.5]]).update([[1.0, 0.0]], [[0.25, 0.75]])
    CrossEntropyAccumulator(n_samples_=2)
    >>> acc.result()  # (1 + 2) / 2 bits
    1.5
    """

    def __init__(self, labels=None, *, base=None):
        super().__init__(base=base)
        self.labels = None if labels is None else np.asarray(labels)

    def update(self, y_true, y_proba, sample_weight=None):
        """Add a batch.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
            Hard labels (with ``labels``) or soft targets.
        y_proba : array-like of shape (n_samples, n_classes)
            Predicted probabilities.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self
        """
        # late import: sklearn_ext._proba_targets imports sklearn_ext.metrics
        from sklearn_ext._proba_targets import targets_and_proba

        func = "CrossEntropyAccumulator.update"
        t, p = targets_and_proba(y_true, y_proba, self.labels, func)
        losses = -xlogy(t, np.clip(p, _EPS, 1 - _EPS)).sum(axis=1)
        return self._add(losses, sample_weight, func)


class EntropyAccumulator(_MeanAccumulator):
    """Mean Shannon entropy of predicted distributions (rows of ``y_proba``).

    Parameters
    ----------
    base : float, default=None
        Logarithm base of the result.

    Attributes
    ----------
    n_samples_ : int

    Examples
    --------
    >>> from sklearn_ext.metrics import EntropyAccumulator
    >>> acc = EntropyAccumulator(base=2).update([[0.5, 0.5], [1.0, 0.0]])
    >>> acc.result()
    0.5
    """

    def update(self, y_proba, sample_weight=None):
        """Add a batch of distributions.

        Parameters
        ----------
        y_proba : array-like of shape (n_samples, n_classes)
            Probabilities; every row sums to 1.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self
        """
        func = "EntropyAccumulator.update"
        p = check_array_finite(y_proba, param="y_proba", func=func, ndim=2,
                               dtype=np.float64)  # fmt: skip
        losses = np.atleast_1d(entropy(p, axis=1))
        return self._add(losses, sample_weight, func)
