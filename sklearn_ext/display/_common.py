"""Shared helpers of the displays: lazy matplotlib, axes, probability checks."""

from __future__ import annotations

import numpy as np

from sklearn_ext.metrics._validation import parameter_error


def import_pyplot(func: str):
    """``matplotlib.pyplot``, or an ImportError saying how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is installed here
        raise ImportError(
            f"{func} needs matplotlib: pip install 'cemethod[plot]' "
            "(or pip install matplotlib)."
        ) from exc
    return plt


def axes(ax, func: str):
    """``(ax, figure)``: the given axes, or new ones."""
    if ax is None:
        _, ax = import_pyplot(func).subplots()
    return ax, ax.figure


def predict_proba(estimator, X, func: str):
    """``(proba, classes)`` of a fitted classifier."""
    if not hasattr(estimator, "predict_proba"):
        raise parameter_error(
            func, "estimator", "a fitted classifier with predict_proba", estimator
        )
    return np.asarray(estimator.predict_proba(X)), np.asarray(estimator.classes_)


def binary_inputs(y_true, y_proba, pos_label, func: str):
    """``(is_positive, p_positive, pos_label)`` for a binary problem.

    ``y_proba`` is the probability of ``pos_label`` (shape ``(n,)``) or the two
    columns of ``predict_proba`` in sorted label order. ``pos_label`` defaults
    to the larger label, as in scikit-learn.
    """
    y_true = np.asarray(y_true)
    y_proba = np.asarray(y_proba, dtype=float)
    classes = np.unique(y_true)
    if y_true.ndim != 1 or classes.size > 2:
        raise parameter_error(func, "y_true", "binary labels (1-D)", y_true)
    if y_proba.ndim == 2 and y_proba.shape[1] == 2:
        if pos_label is not None and classes.size == 2 and pos_label == classes[0]:
            y_proba = y_proba[:, 0]
        else:
            y_proba = y_proba[:, 1]
    if y_proba.shape != y_true.shape:
        raise parameter_error(
            func,
            "y_proba",
            f"of shape ({y_true.shape[0]},) or ({y_true.shape[0]}, 2)",
            y_proba,
        )
    if not np.all((y_proba >= 0) & (y_proba <= 1)):
        raise parameter_error(func, "y_proba", "probabilities in [0, 1]", y_proba)
    if pos_label is None:
        pos_label = classes[-1]
    elif pos_label not in classes.tolist() and classes.size == 2:
        raise parameter_error(
            func, "pos_label", f"one of {classes.tolist()}", pos_label
        )
    return y_true == pos_label, y_proba, pos_label
