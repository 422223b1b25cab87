"""Encoding of ``y_true`` against the classes (private).

:func:`encode_labels` turns the targets into integer column indices ``idx`` (so that
``y_proba[i, idx[i]]`` is the probability of the true class) and returns the classes
in column order. scikit-learn's ``LabelBinarizer`` builds an ``(n, K)`` one-hot matrix
after sorting with ``np.unique``; for integer targets whose value range is small
compared with ``n`` we instead use min/max, a ``bincount`` and a lookup table, which
is O(n) and allocates at most one ``(n,)`` integer array.
"""

from __future__ import annotations

import numpy as np

from sklearn_ext.metrics._factorize import (
    factorize_categorical,
    factorize_str_list,
    factorize_strings,
    python_ints_as_int64,
    python_scalar_type,
)
from sklearn_ext.metrics._validation import (
    format_value,
    parameter_error,
    warn_user,
    with_sklearn_text,
)

__all__ = ["encode_labels"]

# A lookup table is used while the value range is at most this factor times n
# (plus a constant for small inputs); beyond that, sorting is cheaper.
_TABLE_FACTOR = 4
_TABLE_SLACK = 4096


def _as_targets(y_true, func):
    try:
        y = np.asarray(y_true)
    except ValueError:  # numpy's "inhomogeneous shape" for ragged lists
        rule = "a 1-D array of labels (a ragged sequence cannot be one)"
        raise parameter_error(func, "y_true", rule, y_true) from None
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim not in (1, 2):
        raise parameter_error(
            func, "y_true", f"a 1-D array of labels (got {y.ndim}-D)", y
        )
    if y.shape[0] == 0:
        raise parameter_error(func, "y_true", "a non-empty array", y)
    if y.dtype.kind == "f":
        if not np.isfinite(y).all():
            raise parameter_error(func, "y_true", "finite labels", y[~np.isfinite(y)])
        if not (y == np.floor(y)).all():
            raise parameter_error(
                func, "y_true", "class labels, not continuous values", y
            )
    if y.dtype.kind == "u" and y.size and y.max() <= np.iinfo(np.int64).max:
        y = y.astype(np.int64)
    return y


def _encode_indicator(y, func):
    """A one-hot indicator matrix: the classes are its column numbers."""
    if y.dtype.kind not in "biuf" or not np.isin(y, (0, 1)).all():
        raise parameter_error(func, "y_true", "a 0/1 label indicator matrix", y)
    if not (y.sum(axis=1) == 1).all():
        raise parameter_error(
            func, "y_true", "an indicator matrix with exactly one 1 per row", y
        )
    return np.argmax(y, axis=1), np.arange(y.shape[1])


def _encode_integers_by_table(y, lo, hi):
    """Present classes and their indices via bincount + lookup (no sorting)."""
    shifted = y if lo == 0 else y - lo
    if hi - lo == 1:  # min and max are both attained: two classes, no counting
        return shifted, np.array([lo, hi], dtype=y.dtype)
    present = np.flatnonzero(np.bincount(shifted, minlength=hi - lo + 1))
    if lo == 0 and present.size == hi + 1:
        return shifted, present.astype(y.dtype)  # y already is 0..K-1
    table = np.empty(hi - lo + 1, dtype=np.intp)
    table[present] = np.arange(present.size)
    return table[shifted], (present + lo).astype(y.dtype)


def _unique(y, func, param):
    try:
        return np.unique(y, return_inverse=True)
    except TypeError:
        raise parameter_error(
            func,
            param,
            "labels of one comparable type (all numbers or all strings)",
            y,
        ) from None


def _encode_inferred(y, func):
    if y.dtype.kind in "iu":
        lo, hi = int(y.min()), int(y.max())
        if hi - lo < _TABLE_FACTOR * y.shape[0] + _TABLE_SLACK:
            return _encode_integers_by_table(y, lo, hi)
    kind = python_scalar_type(y)  # object arrays of only str or only int
    if kind is str:
        classes, idx = factorize_str_list(y.tolist())
        return idx, classes
    if kind is int:
        ints = python_ints_as_int64(y)
        if ints is not None:  # np.unique of Python ints: object classes
            idx, classes = _encode_inferred(ints, func)
            return idx, classes.astype(object)
    factorized = factorize_strings(y)
    if factorized is not None:
        return factorized[1], factorized[0]
    classes, idx = _unique(y, func, "y_true")
    return idx.reshape(-1), classes


def _undeclared(y_true, labels):
    """scikit-learn's rendering of the values of ``y_true`` not in ``labels``."""
    try:
        return set(y_true) - set(labels)
    except TypeError:  # unhashable entries: scikit-learn fails earlier there
        return None


def _missing_error(y, classes, found, func, y_true=None, labels=None):
    missing = y[~found] if found.shape == y.shape else y
    error = ValueError(
        f"The 'y_true' parameter of {func} must only contain values listed in "
        f"'labels' ({format_value(np.asarray(classes))}). "
        f"Got {format_value(np.asarray(missing))} instead."
    )
    undeclared = None if y_true is None else _undeclared(y_true, labels)
    if undeclared is None:
        return error
    text = (
        f"y_true contains values {undeclared} not belonging to the passed "
        f"labels {labels}."
    )
    return with_sklearn_text(error, text)


def _encode_against(y, classes, func, y_true=None, labels=None):
    """Indices of ``y`` in ``classes`` (kept in the order of ``classes``).

    ``y_true`` and ``labels``, the caller's objects, only serve the message.
    """
    k = classes.shape[0]
    if y.dtype.kind in "iu" and classes.dtype.kind in "iu":
        lo = min(int(y.min()), int(classes.min()))
        hi = max(int(y.max()), int(classes.max()))
        first = int(classes[0])
        if (
            y.dtype.kind == "i"
            and first <= lo
            and hi < first + k
            and np.array_equal(classes, np.arange(first, first + k))
        ):  # the classes are first, first + 1, ...: no lookup needed
            return y if first == 0 else y - first
        if hi - lo < _TABLE_FACTOR * y.shape[0] + _TABLE_SLACK:
            table = np.full(hi - lo + 1, -1, dtype=np.intp)
            table[classes - lo] = np.arange(k)
            idx = table[y - lo]
            found = idx >= 0
            if not found.all():
                raise _missing_error(y, classes, found, func, y_true, labels)
            return idx
    order = np.argsort(classes, kind="stable")
    ordered = classes[order]
    factorized = factorize_strings(y) if classes.dtype.kind == "U" else None
    if factorized is None and python_scalar_type(y) is str:
        factorized = factorize_str_list(y.tolist())
    if factorized is not None:  # search the few distinct values, not all of y
        distinct, codes = factorized
        try:
            pos = np.minimum(np.searchsorted(ordered, distinct), k - 1)
            found = ordered[pos] == distinct
        except TypeError:  # e.g. string labels against integer targets
            found = np.zeros(distinct.shape, dtype=bool)
        if not np.all(found):
            raise _missing_error(y, classes, found[codes], func, y_true, labels)
        return order[pos][codes]
    try:
        pos = np.searchsorted(ordered, y)
        np.minimum(pos, k - 1, out=pos)
        found = ordered[pos] == y
    except TypeError:  # e.g. string labels against integer targets
        found = np.zeros(y.shape, dtype=bool)
    if not np.all(found):
        raise _missing_error(y, classes, np.asarray(found), func, y_true, labels)
    return order[pos]


def _is_nan(v):
    return isinstance(v, (float, np.floating)) and v != v


def _check_labels(labels, func):
    """The classes as an array, and the same sorted (validated once)."""
    try:
        classes = np.asarray(labels)
    except ValueError:
        rule = "a 1-D array of class labels (a ragged sequence cannot be one)"
        raise parameter_error(func, "labels", rule, labels) from None
    if classes.ndim != 1:
        raise parameter_error(func, "labels", "a 1-D array of class labels", classes)
    if classes.dtype.kind == "u":
        classes = classes.astype(np.int64)
    if classes.dtype.kind == "f" and not np.isfinite(classes).all():
        bad = classes[~np.isfinite(classes)]
        raise parameter_error(func, "labels", "finite class labels (no NaN)", bad)
    if classes.dtype.kind == "O" and any(_is_nan(v) for v in classes.tolist()):
        raise parameter_error(func, "labels", "class labels without NaN", classes)
    uniq = _unique(classes, func, "labels")[0]
    if uniq.shape[0] != classes.shape[0]:
        raise parameter_error(func, "labels", "free of duplicates", classes)
    if classes.shape[0] < 2:
        rule = "at least two class labels"
        text = f"The labels array needs to contain at least two labels, got {uniq}."
        raise with_sklearn_text(parameter_error(func, "labels", rule, classes), text)
    return classes, uniq


def _sorted_labels(labels, classes, uniq, warn=True):
    """scikit-learn's order: sorted, with 1.7's warning when it differs."""
    if warn and not np.array_equal(uniq, classes):
        warn_user(
            f"Labels passed were {labels}. But this function "
            "assumes labels are ordered lexicographically. "
            f"Pass the ordered labels={uniq.tolist()} and ensure that "
            "the columns of y_prob correspond to this ordering.",
            UserWarning,
        )
    return uniq


def encode_labels(
    y_true, labels=None, *, func: str, sort_labels: bool = False,
    warn_unsorted: bool = True,
):  # fmt: skip
    """Integer column index of every target and the classes in column order.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        Class labels, or a one-hot indicator matrix.
    labels : array-like of shape (n_classes,), default=None
        The classes in the order of the columns of ``y_proba``. Without it the
        classes are the sorted distinct values of ``y_true`` (as scikit-learn's
        ``LabelBinarizer`` orders them).
    func : str
        Name of the public function, for error messages.
    sort_labels : bool, default=False
        Order the columns by the sorted ``labels``, as scikit-learn's
        ``LabelBinarizer`` does, and warn (scikit-learn 1.9's ``UserWarning``)
        when ``labels`` was given in another order. False keeps the given order.
    warn_unsorted : bool, default=True
        With ``sort_labels``: whether to give that warning (scikit-learn before
        1.7 sorted silently).

    Returns
    -------
    idx : ndarray of shape (n_samples,), integer
        ``classes[idx[i]] == y_true[i]``.
    classes : ndarray of shape (n_classes,)
    """
    if labels is None:
        categorical = factorize_categorical(y_true)  # pandas: codes, no objects
        if categorical is not None:
            return categorical
    y = _as_targets(y_true, func)
    if y.ndim == 2:
        idx, classes = _encode_indicator(y, func)
        if labels is not None:
            classes, uniq = _check_labels(labels, func)
            if sort_labels:
                classes = _sorted_labels(labels, classes, uniq, warn_unsorted)
            if classes.shape[0] != y.shape[1]:
                raise parameter_error(
                    func,
                    "labels",
                    f"of length {y.shape[1]} (the columns of the indicator y_true)",
                    classes,
                )
        return idx, classes
    if labels is None:
        idx, classes = _encode_inferred(y, func)
        if classes.shape[0] < 2:
            error = ValueError(
                f"The 'y_true' parameter of {func} contains a single class "
                f"({np.asarray(classes)[:1].tolist()[0]!r}); pass all the classes "
                f"through 'labels'. Got {format_value(np.asarray(classes))} instead."
            )
            text = (
                f"y_true contains only one label ({classes[0]}). Please provide the "
                "list of all expected class labels explicitly through the labels "
                "argument."
            )
            raise with_sklearn_text(error, text)
        return idx, classes
    classes, uniq = _check_labels(labels, func)
    if sort_labels:
        classes = _sorted_labels(labels, classes, uniq, warn_unsorted)
    return _encode_against(y, classes, func, y_true, labels), classes
