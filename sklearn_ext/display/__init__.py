"""Plots of the log loss in scikit-learn's display style (needs matplotlib).

Each display has ``from_estimator(estimator, X, y, ...)`` and (except the
learning curve) ``from_predictions(y_true, y_proba, ...)`` classmethods, and a
``plot(ax=None, ...)`` method that stores ``ax_``, ``figure_`` and the artists.
matplotlib is imported only when something is drawn.

Imports the rest of sklearn_ext, scikit-learn and cemethod's parameter checks.
"""

from sklearn_ext.display._learning_curve import LearningCurveLossDisplay
from sklearn_ext.display._loss_curve import LossCurveDisplay
from sklearn_ext.display._per_class import PerClassLossDisplay
from sklearn_ext.display._reliability import ReliabilityDisplay

__all__ = [
    "LearningCurveLossDisplay",
    "LossCurveDisplay",
    "PerClassLossDisplay",
    "ReliabilityDisplay",
]
