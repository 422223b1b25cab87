"""The binary log-loss curves with a model's predictions on them."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from sklearn_ext.display._common import axes, binary_inputs, predict_proba
from sklearn_ext.metrics._validation import parameter_error

_EPS = np.finfo(np.float64).eps  # clipping of sklearn.metrics.log_loss


class LossCurveDisplay:
    """``-log p`` (true class positive) and ``-log(1 - p)`` (negative) over the
    predicted probability ``p`` of the positive class, with the predictions of a
    binary classifier drawn on the curve of their true class.

    Parameters
    ----------
    is_positive : ndarray of bool, shape (n_samples,)
        Whether each sample belongs to ``pos_label``.
    y_proba : ndarray of shape (n_samples,)
        Predicted probability of ``pos_label``.
    pos_label : label
        The positive class.
    name : str, default=None
        Name of the model, shown in the title.

    Attributes
    ----------
    loss_ : float
        Mean log loss in nats (probabilities clipped to ``[eps, 1 - eps]``).
    lines_ : list of two matplotlib Line2D
        The positive and the negative curve.
    points_ : list of two matplotlib PathCollection
        The positive and the negative samples.
    ax_, figure_ : matplotlib Axes and Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_ext.display import LossCurveDisplay
    >>> d = LossCurveDisplay.from_predictions([0, 1, 1], [0.2, 0.9, 0.4])
    >>> round(d.loss_, 4)
    0.4149
    >>> len(d.lines_), d.ax_.get_ylabel()
    (2, 'Log loss (nats)')
    """

    def __init__(self, *, is_positive, y_proba, pos_label, name=None):
        self.is_positive = np.asarray(is_positive, dtype=bool)
        self.y_proba = np.asarray(y_proba, dtype=float)
        self.pos_label = pos_label
        self.name = name
        p = np.clip(self.y_proba, _EPS, 1 - _EPS)
        self.sample_losses_ = -np.log(np.where(self.is_positive, p, 1 - p))
        self.loss_ = float(self.sample_losses_.mean())

    def plot(self, ax=None, *, name=None, n_points=200, show_predictions=True):
        """Draw the curves (and the predictions) on ``ax`` (new axes if None)."""
        ax, fig = axes(ax, "LossCurveDisplay.plot")
        name = self.name if name is None else name
        # Evenly spaced in logit so the curves reach the most confident points.
        p = np.clip(self.y_proba, _EPS, 1 - _EPS)
        reach = max(7.0, float(np.abs(np.log(p) - np.log1p(-p)).max(initial=0.0)))
        grid = expit(np.linspace(-reach, reach, n_points))
        pos = f"y = {self.pos_label}"
        (up,) = ax.plot(grid, -np.log(grid), label=f"-log p  ({pos})")
        (down,) = ax.plot(
            grid, -np.log1p(-grid), label=f"-log(1 - p)  (y != {pos[4:]})"
        )
        self.lines_ = [up, down]
        self.points_ = []
        if show_predictions:
            for mask, line in ((self.is_positive, up), (~self.is_positive, down)):
                self.points_.append(
                    ax.scatter(
                        self.y_proba[mask],
                        self.sample_losses_[mask],
                        color=line.get_color(),
                        s=12,
                        alpha=0.6,
                        zorder=3,
                    )
                )
        ax.set_xlabel(f"Predicted probability of {pos}")
        ax.set_ylabel("Log loss (nats)")
        title = f"mean log loss = {self.loss_:.4f}"
        ax.set_title(f"{name}: {title}" if name else title)
        ax.legend(loc="upper center")
        self.ax_, self.figure_ = ax, fig
        return self

    @classmethod
    def from_predictions(
        cls, y_true, y_proba, *, pos_label=None, name=None, ax=None, **kwargs
    ):
        """Display of binary labels and predicted probabilities, plotted.

        ``y_proba``: probability of ``pos_label`` (default: the larger label),
        shape ``(n,)``, or the two ``predict_proba`` columns.
        """
        is_pos, p, pos_label = binary_inputs(
            y_true, y_proba, pos_label, "LossCurveDisplay.from_predictions"
        )
        disp = cls(is_positive=is_pos, y_proba=p, pos_label=pos_label, name=name)
        return disp.plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, pos_label=None, name=None, **kwargs):
        """Display of a fitted binary classifier's ``predict_proba`` on ``X``."""
        proba, classes = predict_proba(estimator, X, "LossCurveDisplay.from_estimator")
        pos_label = classes[-1] if pos_label is None else pos_label
        if pos_label not in classes.tolist():
            raise parameter_error(
                "LossCurveDisplay.from_estimator",
                "pos_label",
                f"one of the classes {classes.tolist()}",
                pos_label,
            )
        column = proba[:, list(classes).index(pos_label)] if proba.ndim == 2 else proba
        name = type(estimator).__name__ if name is None else name
        return cls.from_predictions(y, column, pos_label=pos_label, name=name, **kwargs)
