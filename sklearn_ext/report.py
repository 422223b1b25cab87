"""A ``classification_report`` for predicted probabilities: where the log loss goes.

Per class: the support, the mean log loss of its samples, their share of the total
loss and the mean probability the model gave to the true class. Overall: the log
loss in nats and bits, the prior-only baseline and the D² skill against it, the
mean entropy of the predictions, the KL divergence of the mean prediction from
the empirical prior, the perplexity and the top-label expected calibration error.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import xlogy

from cemethod._limits import check_memory
from sklearn_ext._report_format import as_frame, as_text, band
from sklearn_ext.metrics._classification import (
    d2_value,
    log_loss_value,
    per_class_value,
)
from sklearn_ext.metrics._labels import encode_labels
from sklearn_ext.metrics._validation import (
    check_choice,
    check_real,
    parameter_error,
)

__all__ = ["cross_entropy_report", "expected_calibration_error"]

_FUNC = "cross_entropy_report"


def _top_label_ece(proba, idx, w, n_bins):
    """Top-label ECE with equal-width bins (see expected_calibration_error)."""
    conf = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == idx).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # bin m holds edges[m] < conf <= edges[m + 1]; bin 0 also holds conf = 0
    b = np.searchsorted(edges[1:-1], conf, side="left")
    weight = np.bincount(b, weights=w, minlength=n_bins)
    gap = np.bincount(b, weights=w * (correct - conf), minlength=n_bins)
    # sum_m (W_m / W) |acc_m - conf_m| = sum_m |sum_{i in m} w_i (c_i - conf_i)| / W
    return float(np.abs(gap).sum() / weight.sum())


def expected_calibration_error(y_true, y_proba, *, labels=None, sample_weight=None,
                               n_bins=10):  # fmt: skip
    """Top-label expected calibration error with equal-width confidence bins.

    With conf_i = max_k p_ik, pred_i its class (the first maximum in column
    order) and c_i = 1 if pred_i is the true class else 0, the samples go to
    ``n_bins`` bins B_m = (e_m, e_{m+1}], e = ``numpy.linspace(0, 1, n_bins + 1)``
    (the first bin also holds conf = 0), and::

        ECE = sum_m (W_m / W) |acc_m - conf_m|,

    with W_m the total weight of bin m, W the total weight, acc_m and conf_m the
    weighted means of c_i and conf_i in bin m (empty bins count 0).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities, columns in the order of ``labels``.
    labels : array-like of shape (n_classes,), default=None
        Classes in column order (sorted classes of ``y_true`` by default).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    n_bins : int, default=10
        Number of equal-width bins.

    Returns
    -------
    float
        In [0, 1]; 0 for a perfectly calibrated top label.

    Examples
    --------
    >>> from sklearn_ext.report import expected_calibration_error
    >>> y = [0, 0, 1, 1]
    >>> p = [[0.9, 0.1], [0.8, 0.2], [0.35, 0.65], [0.6, 0.4]]
    >>> # bins (0.8, 0.9]: conf 0.9, acc 1; (0.7, 0.8]: 0.8, 1; (0.6, 0.7]: 0.65
    >>> # and 0.6 (bin (0.5, 0.6]), acc 1 and 0 -> (0.1 + 0.2 + 0.35 + 0.6) / 4
    >>> round(expected_calibration_error(y, p), 4)
    0.3125
    """
    func = "expected_calibration_error"
    proba, idx, _, w = _inputs(y_true, y_proba, labels, sample_weight, func)
    n_bins = _check_bins(n_bins, func)
    return _top_label_ece(proba, idx, w, n_bins)


def _check_bins(n_bins, func):
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)):
        raise parameter_error(func, "n_bins", "an int >= 1", n_bins)
    n_bins = int(check_real(n_bins, param="n_bins", func=func, low=1))
    # the bin edges and the two per-bin sums: 24 bytes a bin
    check_memory(func, f"n_bins={n_bins}", 24.0 * n_bins, "the calibration bins")
    return n_bins


def _inputs(y_true, y_proba, labels, sample_weight, func):
    # log_loss_per_class validates everything (labels, shapes, weights)
    per = per_class_value(func, y_true, y_proba, labels=labels,
                          sample_weight=sample_weight)  # fmt: skip
    proba = np.asarray(y_proba, dtype=np.float64)
    if proba.ndim == 2 and proba.shape[1] == 1:
        proba = proba[:, 0]
    if proba.ndim == 1:  # probability of the greater label
        proba = np.column_stack([1.0 - proba, proba])
    idx, _ = encode_labels(y_true, per.labels, func=func)
    n = proba.shape[0]
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    return proba, idx, per, w


def _compute(y_true, y_proba, labels, sample_weight, n_bins):
    proba, idx, per, w = _inputs(y_true, y_proba, labels, sample_weight, _FUNC)
    k, total_weight = proba.shape[1], w.sum()
    ll = float(per.total)
    class_loss = np.nan_to_num(per.loss) * per.weight  # total loss of each class
    share = class_loss / class_loss.sum() if class_loss.sum() > 0 else class_loss
    p_true = proba[np.arange(proba.shape[0]), idx]
    sum_p_true = np.bincount(idx, weights=w * p_true, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p_true = np.where(per.weight > 0, sum_p_true / per.weight, np.nan)
    prior = per.weight / total_weight
    baseline = log_loss_value(_FUNC, y_true, np.tile(prior, (proba.shape[0], 1)),
                              labels=per.labels,
                              sample_weight=sample_weight)  # fmt: skip
    mean_pred = np.average(proba, axis=0, weights=w)
    row_entropy = -xlogy(proba, proba).sum(axis=1)
    overall = {
        "log_loss": ll,
        "log_loss_bits": ll / math.log(2),
        "baseline_log_loss": float(baseline),
        "d2_log_loss": float(d2_value(_FUNC, y_true, y_proba, sample_weight,
                                      per.labels)),
        "mean_entropy": float(np.average(row_entropy, weights=w)),
        "kl_prior": float((xlogy(prior, prior) - xlogy(prior, mean_pred)).sum()),
        "perplexity": math.exp(ll),
        "ece": _top_label_ece(proba, idx, w, n_bins),
        "n_bins": n_bins,
    }  # fmt: skip
    rows = [
        {"support": int(s), "log_loss": float(a), "loss_share": float(b),
         "mean_p_true": float(c)}
        for s, a, b, c in zip(per.support, per.loss, share, mean_p_true, strict=True)
    ]  # fmt: skip
    everyone = {"support": int(per.support.sum()), "log_loss": ll, "loss_share": 1.0,
                "mean_p_true": float(np.average(p_true, weights=w))}  # fmt: skip
    return per.labels, rows, everyone, overall


def cross_entropy_report(
    y_true,
    y_proba,
    *,
    labels=None,
    sample_weight=None,
    target_names=None,
    digits=4,
    output_dict=False,
    output="text",
    bands=False,
    n_bins=10,
):
    """Report of the log loss per class and overall, like ``classification_report``.

    Per class (rows): ``support`` (number of samples), ``log_loss`` (weighted mean
    loss of its samples, nats), ``loss_share`` (its part of the total loss; the
    shares sum to 1) and ``mean_p_true`` (weighted mean probability given to the
    true class); a last row ``all`` for every sample.

    Overall: ``log_loss`` (nats) and ``log_loss_bits``; ``baseline_log_loss``, the
    log loss of predicting the (weighted) class frequencies of ``y_true`` for
    every sample; ``d2_log_loss`` = 1 - log_loss / baseline (equals
    :func:`sklearn.metrics.d2_log_loss_score`); ``mean_entropy`` of the predicted
    rows; ``kl_prior`` = KL(prior || mean predicted distribution), which is 0 when
    the predictions are calibrated in the large; ``perplexity`` = exp(log_loss);
    ``ece``, the top-label expected calibration error with ``n_bins`` equal-width
    bins (defined in :func:`expected_calibration_error`).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities, columns in the order of the sorted classes
        (scikit-learn 1.9's rule for ``log_loss``).
    labels : array-like of shape (n_classes,), default=None
        The classes (default: those of ``y_true``); columns follow them sorted,
        and ``labels`` given unsorted warns, as in scikit-learn 1.9.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    target_names : list of str, default=None
        Display names of the classes, in the order of ``labels`` as given
        (default: ``str`` of the labels).
    digits : int, default=4
        Decimals in the text output.
    output_dict : bool, default=False
        Same as ``output="dict"`` (the ``classification_report`` spelling).
    output : {"text", "dict", "frame"}, default="text"
        ``"dict"``: ``{"per_class": {name: row}, "all": row, "overall": {...}}``.
        ``"frame"``: a pandas DataFrame with a row per class and ``all``; the
        overall numbers are in ``frame.attrs["overall"]`` (needs pandas).
    bands : bool, default=False
        Add the ROUGH interpretation band of the log loss (a popular rule of
        thumb: 0 perfect, < 0.02 great, < 0.05 on the right track, < 0.20 fine,
        0.20-0.30 "mediocre" (our label; the rule leaves it unlabelled), > 0.30 not
        great, > 1 terrible, > 2 something is broken) with a caveat: log loss
        depends on the number of classes and their balance, so read it beside
        the D² skill.
    n_bins : int, default=10
        Number of equal-width bins of the ECE.

    Returns
    -------
    str, dict or pandas.DataFrame

    Examples
    --------
    >>> from sklearn_ext import cross_entropy_report
    >>> y = ["cat", "cat", "dog", "dog"]
    >>> p = [[0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.3, 0.7]]
    >>> print(cross_entropy_report(y, p, digits=3))  # doctest: +NORMALIZE_WHITESPACE
                      support     log_loss   loss_share  mean_p_true
    <BLANKLINE>
             cat            2        0.308        0.515        0.750
             dog            2        0.290        0.485        0.750
    <BLANKLINE>
             all            4        0.299        1.000        0.750
    <BLANKLINE>
    log loss (nats)                      0.299
    log loss (bits)                      0.431
    prior-only baseline (nats)           0.693
    D2 skill vs baseline                 0.569
    mean entropy of predictions (nats)   0.527
    KL(prior || mean prediction) (nats)  0.000
    perplexity                           1.349
    ECE (top-label)                      0.250  (10 bins)
    >>> r = cross_entropy_report(y, p, output="dict", bands=True)
    >>> r["overall"]["band"], round(r["per_class"]["dog"]["log_loss"], 4)
    ('mediocre', 0.2899)
    """
    func = _FUNC
    output = check_choice(output, ("text", "dict", "frame"), param="output", func=func)
    if output_dict:
        if output == "frame":
            raise parameter_error(func, "output_dict",
                                  "False when output='frame'", output_dict)  # fmt: skip
        output = "dict"
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)):
        raise parameter_error(func, "digits", "an int >= 0", digits)
    check_real(digits, param="digits", func=func, low=0)
    n_bins = _check_bins(n_bins, func)
    classes, rows, everyone, overall = _compute(y_true, y_proba, labels,
                                                sample_weight, n_bins)  # fmt: skip
    if target_names is None:
        names = [str(c) for c in classes]
    else:
        names = [str(t) for t in target_names]
        if len(names) != len(classes):
            rule = f"a list of {len(classes)} names (one per class)"
            raise parameter_error(func, "target_names", rule, target_names)
        if labels is not None:
            # names follow `labels` as given (as in classification_report); the
            # rows follow the classes in column order (sorted: log_loss's rule)
            given = dict(zip(np.asarray(labels).tolist(), names, strict=True))
            names = [given[c] for c in np.asarray(classes).tolist()]
    if bands:
        overall["band"] = band(overall["log_loss"])
    report = {"per_class": dict(zip(names, rows, strict=True)), "all": everyone,
              "overall": overall}  # fmt: skip
    if output == "dict":
        return report
    if output == "frame":
        return as_frame(report)
    return as_text(report, int(digits))
