"""Log loss along a learning curve."""

from __future__ import annotations

import numpy as np

from sklearn_ext.display._common import axes


class LearningCurveLossDisplay:
    """Train and test log loss against the number of training samples, mean
    over the cross-validation folds with a band of one standard deviation.

    Parameters
    ----------
    train_sizes : ndarray of shape (n_sizes,)
        Numbers of training samples.
    train_losses, test_losses : ndarray of shape (n_sizes, n_folds)
        Log loss (nats) of every size and fold.
    name : str, default=None
        Name of the model, shown in the title.

    Attributes
    ----------
    lines_ : list of two matplotlib Line2D
        Mean train and mean test loss.
    fill_between_ : list of two matplotlib PolyCollection
        The standard-deviation bands.
    ax_, figure_ : matplotlib Axes and Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from sklearn_ext.display import LearningCurveLossDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> d = LearningCurveLossDisplay.from_estimator(
    ...     GaussianNB(),
    ...     X,
    ...     y,
    ...     train_sizes=[0.3, 1.0],
    ...     cv=3,
    ...     shuffle=True,
    ...     random_state=0,
    ... )
    >>> d.test_losses.shape, [line.get_label() for line in d.lines_]
    ((2, 3), ['Train', 'Test'])
    """

    def __init__(self, *, train_sizes, train_losses, test_losses, name=None):
        self.train_sizes = np.asarray(train_sizes)
        self.train_losses = np.asarray(train_losses, dtype=float)
        self.test_losses = np.asarray(test_losses, dtype=float)
        self.name = name

    def plot(self, ax=None, *, name=None, std_display_style="fill_between"):
        """Draw the curves on ``ax`` (new axes if None); bands unless
        ``std_display_style=None``."""
        ax, fig = axes(ax, "LearningCurveLossDisplay.plot")
        name = self.name if name is None else name
        self.lines_, self.fill_between_ = [], []
        for label, losses in (("Train", self.train_losses), ("Test", self.test_losses)):
            mean, std = losses.mean(axis=1), losses.std(axis=1)
            (line,) = ax.plot(self.train_sizes, mean, "o-", label=label)
            self.lines_.append(line)
            if std_display_style == "fill_between":
                self.fill_between_.append(
                    ax.fill_between(
                        self.train_sizes,
                        mean - std,
                        mean + std,
                        alpha=0.2,
                        color=line.get_color(),
                    )
                )
        ax.set_xlabel("Number of training samples")
        ax.set_ylabel("Log loss (nats)")
        ax.set_title("Learning curve" + (f": {name}" if name else ""))
        ax.legend()
        self.ax_, self.figure_ = ax, fig
        return self

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, train_sizes=(0.1, 0.325, 0.55, 0.775, 1.0),
        cv=None, n_jobs=None, shuffle=False, random_state=None, name=None,
        ax=None, **kwargs,
    ):  # fmt: skip
        """Run :func:`sklearn.model_selection.learning_curve` with the log loss
        (:func:`sklearn_ext.get_scorer` ``"neg_log_loss"``: the classes of the
        fitted estimator named, so folds missing a class still score) and plot
        it. ``train_sizes``, ``cv``, ``n_jobs``, ``shuffle`` and ``random_state``
        go to ``learning_curve``.
        """
        from sklearn.model_selection import learning_curve

        from sklearn_ext.scorers import get_scorer

        sizes, train, test = learning_curve(
            estimator,
            X,
            y,
            train_sizes=np.asarray(train_sizes),
            cv=cv,
            n_jobs=n_jobs,
            shuffle=shuffle,
            random_state=random_state,
            scoring=get_scorer("neg_log_loss"),
        )
        name = type(estimator).__name__ if name is None else name
        disp = cls(train_sizes=sizes, train_losses=-train, test_losses=-test, name=name)
        return disp.plot(ax=ax, **kwargs)
