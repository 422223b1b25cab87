"""Bars of the mean log loss of each true class."""

from __future__ import annotations

import numpy as np

from sklearn_ext.display._common import axes, predict_proba
from sklearn_ext.metrics import log_loss_per_class


class PerClassLossDisplay:
    """Mean log loss of the samples of each true class, as bars whose labels
    carry the class support, with the overall mean as a horizontal line.

    Parameters
    ----------
    labels : ndarray of shape (n_classes,)
        The classes.
    loss : ndarray of shape (n_classes,)
        Mean log loss of each class (NaN for a class without samples).
    support : ndarray of shape (n_classes,)
        Number of samples of each class.
    total : float
        Mean log loss over all samples.
    name : str, default=None
        Name of the model, shown in the title.

    Attributes
    ----------
    bars_ : matplotlib BarContainer
    line_ : matplotlib Line2D
        The overall mean.
    ax_, figure_ : matplotlib Axes and Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_ext.display import PerClassLossDisplay
    >>> d = PerClassLossDisplay.from_predictions(
    ...     ["a", "b", "b"], [[0.5, 0.5], [0.2, 0.8], [0.6, 0.4]]
    ... )
    >>> [round(float(b.get_height()), 4) for b in d.bars_]
    [0.6931, 0.5697]
    >>> [t.get_text() for t in d.ax_.get_xticklabels()]
    ['a\\n(n=1)', 'b\\n(n=2)']
    """

    def __init__(self, *, labels, loss, support, total, name=None):
        self.labels = np.asarray(labels)
        self.loss = np.asarray(loss, dtype=float)
        self.support = np.asarray(support)
        self.total = float(total)
        self.name = name

    def plot(self, ax=None, *, name=None, **bar_kwargs):
        """Draw the bars on ``ax`` (new axes if None); ``bar_kwargs`` go to
        ``ax.bar``."""
        ax, fig = axes(ax, "PerClassLossDisplay.plot")
        name = self.name if name is None else name
        x = np.arange(self.labels.size)
        self.bars_ = ax.bar(x, self.loss, **bar_kwargs)
        ax.set_xticks(
            x, [f"{c}\n(n={n})" for c, n in zip(self.labels, self.support, strict=True)]
        )
        self.line_ = ax.axhline(
            self.total,
            color="k",
            linestyle="--",
            label=f"overall mean = {self.total:.4f}",
        )
        ax.set_xlabel("True class")
        ax.set_ylabel("Mean log loss (nats)")
        ax.set_title("Log loss per class" + (f": {name}" if name else ""))
        ax.legend()
        self.ax_, self.figure_ = ax, fig
        return self

    @classmethod
    def from_predictions(
        cls, y_true, y_proba, *, labels=None, sample_weight=None, name=None, ax=None,
        **kwargs,
    ):  # fmt: skip
        """Display of labels and predicted probabilities (columns in the order
        of ``labels``, default the sorted labels of ``y_true``), plotted."""
        r = log_loss_per_class(
            y_true, y_proba, labels=labels, sample_weight=sample_weight
        )
        disp = cls(
            labels=r.labels, loss=r.loss, support=r.support, total=r.total, name=name
        )
        return disp.plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, name=None, **kwargs):
        """Display of a fitted classifier's ``predict_proba`` on ``X``."""
        proba, classes = predict_proba(
            estimator, X, "PerClassLossDisplay.from_estimator"
        )
        name = type(estimator).__name__ if name is None else name
        return cls.from_predictions(y, proba, labels=classes, name=name, **kwargs)
