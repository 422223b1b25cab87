"""sklearn_ext: cross-entropy metrics for scikit-learn users.

The metrics live in :mod:`sklearn_ext.metrics`.
"""

from sklearn_ext import metrics

__all__ = ["metrics"]
