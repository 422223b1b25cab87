"""Reliability diagram with the expected calibration error."""

from __future__ import annotations

import numpy as np

from cemethod._validation import check_int_at_least
from sklearn_ext.display._common import axes, binary_inputs, predict_proba
from sklearn_ext.metrics._labels import encode_labels
from sklearn_ext.metrics._validation import check_choice, parameter_error


def _bins(confidence, correct, n_bins, strategy):
    """Binned calibration as ``sklearn.calibration.calibration_curve`` does it,
    plus the expected calibration error (Naeini, Cooper & Hauskrecht 2015):
    ``ECE = sum_b n_b / n * |accuracy_b - confidence_b|``."""
    if strategy == "quantile":
        edges = np.percentile(confidence, np.linspace(0, 100, n_bins + 1))
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], confidence)
    total = np.bincount(ids, minlength=n_bins)
    sums = np.bincount(ids, weights=confidence, minlength=n_bins)
    hits = np.bincount(ids, weights=correct, minlength=n_bins)
    keep = total > 0
    frac, mean = hits[keep] / total[keep], sums[keep] / total[keep]
    ece = float(np.sum(total[keep] / confidence.size * np.abs(frac - mean)))
    return frac, mean, total[keep], ece


class ReliabilityDisplay:
    """Reliability diagram: observed frequency against mean predicted
    probability per bin, the diagonal, and the expected calibration error
    (ECE) in the legend. Binary problems use the probability of ``pos_label``
    (the legend says "positive-class ECE"); multiclass problems the top label
    (confidence = largest probability, outcome = whether the argmax is the
    true class; "top-label ECE", the ECE of :func:`cross_entropy_report`).

    Parameters
    ----------
    prob_true, prob_pred : ndarray of shape (n_nonempty_bins,)
        Observed frequency (accuracy) and mean predicted probability per bin.
    counts : ndarray of shape (n_nonempty_bins,)
        Samples per bin.
    ece : float
        Expected calibration error.
    top_label : bool
        Whether the diagram is the multiclass top-label one.
    name : str, default=None
        Name of the model, shown in the legend.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The binned calibration curve.
    ref_line_ : matplotlib Line2D
        The diagonal (perfect calibration).
    ax_, figure_ : matplotlib Axes and Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_ext.display import ReliabilityDisplay
    >>> d = ReliabilityDisplay.from_predictions(
    ...     [0, 0, 1, 1], [0.1, 0.4, 0.6, 0.9], n_bins=2
    ... )
    >>> d.prob_true.tolist(), d.prob_pred.tolist(), round(d.ece, 4)
    ([0.0, 1.0], [0.25, 0.75], 0.25)
    >>> d.line_.get_label()
    'Model (positive-class ECE = 0.2500)'
    """

    def __init__(self, *, prob_true, prob_pred, counts, ece, top_label, name=None):
        self.prob_true = np.asarray(prob_true, dtype=float)
        self.prob_pred = np.asarray(prob_pred, dtype=float)
        self.counts = np.asarray(counts)
        self.ece = float(ece)
        self.top_label = bool(top_label)
        self.name = name

    def plot(self, ax=None, *, name=None, ref_line=True):
        """Draw the diagram on ``ax`` (new axes if None)."""
        ax, fig = axes(ax, "ReliabilityDisplay.plot")
        name = (self.name if name is None else name) or "Model"
        self.ref_line_ = None
        if ref_line:
            (self.ref_line_,) = ax.plot(
                [0, 1], [0, 1], "k:", label="Perfectly calibrated"
            )
        # Name the ECE: the binary one (probability of the positive class) and
        # the top-label one (as cross_entropy_report's) differ on the same data.
        kind = "top-label" if self.top_label else "positive-class"
        (self.line_,) = ax.plot(
            self.prob_pred, self.prob_true, "s-",
            label=f"{name} ({kind} ECE = {self.ece:.4f})",
        )  # fmt: skip
        if self.top_label:
            ax.set_xlabel("Mean confidence (top label)")
            ax.set_ylabel("Accuracy (top label)")
        else:
            ax.set_xlabel("Mean predicted probability")
            ax.set_ylabel("Fraction of positives")
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.legend(loc="upper left")
        self.ax_, self.figure_ = ax, fig
        return self

    @classmethod
    def from_predictions(
        cls, y_true, y_proba, *, n_bins=10, strategy="uniform", pos_label=None,
        labels=None, name=None, ax=None, **kwargs,
    ):  # fmt: skip
        """Display of labels and predicted probabilities, plotted.

        ``y_proba`` of shape ``(n,)`` or ``(n, 2)`` is binary (probability of
        ``pos_label``); ``(n, k > 2)`` is multiclass with columns in the order
        of ``labels`` (default: sorted labels of ``y_true``).
        """
        func = "ReliabilityDisplay.from_predictions"
        strategy = check_choice(
            strategy, ("uniform", "quantile"), param="strategy", func=func
        )
        n_bins = check_int_at_least(n_bins, param="n_bins", func=func)
        proba = np.asarray(y_proba, dtype=float)
        top_label = proba.ndim == 2 and proba.shape[1] > 2
        if top_label:
            # as cross_entropy_report does: a label missing from labels is an error
            idx, classes = encode_labels(y_true, labels, func=func)
            if proba.shape != (idx.shape[0], classes.size):
                raise parameter_error(
                    func, "y_proba", f"of shape ({idx.shape[0]}, {classes.size})",
                    proba,
                )  # fmt: skip
            confidence = proba.max(axis=1)
            correct = proba.argmax(axis=1) == idx
        else:
            correct, confidence, _ = binary_inputs(y_true, proba, pos_label, func)
        frac, mean, counts, ece = _bins(
            confidence, correct.astype(float), n_bins, strategy
        )
        disp = cls(
            prob_true=frac, prob_pred=mean, counts=counts, ece=ece,
            top_label=top_label, name=name,
        )  # fmt: skip
        return disp.plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, name=None, **kwargs):
        """Display of a fitted classifier's ``predict_proba`` on ``X``."""
        proba, classes = predict_proba(
            estimator, X, "ReliabilityDisplay.from_estimator"
        )
        name = type(estimator).__name__ if name is None else name
        if proba.shape[1] == 2:
            kwargs.setdefault("pos_label", classes[1])
        return cls.from_predictions(y, proba, labels=classes, name=name, **kwargs)
