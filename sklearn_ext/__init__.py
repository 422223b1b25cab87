"""sklearn_ext: cross-entropy metrics for scikit-learn users.

The metrics live in :mod:`sklearn_ext.metrics`; scorers for ``scoring=`` in
:mod:`sklearn_ext.scorers`; :func:`~sklearn_ext.report.cross_entropy_report`
summarises a classifier's probabilities; :mod:`sklearn_ext.display` draws the loss
curve, per-class losses, the reliability diagram and the learning curve (matplotlib,
optional); and
:class:`sklearn_ext.model_selection.CrossEntropySearchCV` tunes hyperparameters
with the cross-entropy method.

Imports scikit-learn and cemethod's core (the search runs the CE optimizer), never
cemethod.cli or cemethod.problems.
"""

from sklearn_ext import metrics
from sklearn_ext.report import cross_entropy_report
from sklearn_ext.scorers import (
    get_scorer,
    get_scorer_names,
    kl_to_reference_scorer,
    make_proba_scorer,
)

__all__ = [
    "cross_entropy_report",
    "get_scorer",
    "get_scorer_names",
    "kl_to_reference_scorer",
    "make_proba_scorer",
    "metrics",
]
