"""Scorers for ``scoring=`` in scikit-learn's model selection tools.

Every scorer calls ``estimator.predict_proba(X)`` and takes the class labels from
the fitted estimator's ``classes_`` (pipelines and meta-estimators expose it too),
so a cross-validation fold whose test part lacks a class is scored against the
right columns instead of failing (scikit-learn's ``"neg_log_loss"`` gives NaN
there). Losses are negated so that greater is better, as scikit-learn requires.

Why subclass the private ``sklearn.metrics._scorer._BaseScorer``: the public
:func:`sklearn.metrics.make_scorer` cannot pass ``labels=estimator.classes_`` to
the metric, and scikit-learn's search and validation tools recognise scorers
(``isinstance(scorer, _BaseScorer)``) to route metadata such as ``sample_weight``
(``set_score_request``) and to tell whether they accept sample weights. The
subclass overrides only ``_score``; ``__call__``, ``set_score_request`` and
``_get_metadata_request`` are scikit-learn's own. ``predict_proba`` is called
directly rather than through scikit-learn's response cache, which reduces binary
probabilities to one column.
"""

from __future__ import annotations

import inspect

import numpy as np
from sklearn.metrics import get_scorer as _sklearn_get_scorer
from sklearn.metrics import get_scorer_names as _sklearn_get_scorer_names
from sklearn.metrics._scorer import _BaseScorer

from sklearn_ext._proba_targets import (
    cross_entropy_score,
    focal_loss_score,
    kl_divergence_score,
    targets_and_proba,
)
from sklearn_ext._proba_targets import js_divergence_score as _js_score
from sklearn_ext.metrics import d2_log_loss_score, log_loss, perplexity
from sklearn_ext.metrics._validation import format_value, parameter_error

__all__ = [
    "get_scorer",
    "get_scorer_names",
    "kl_to_reference_scorer",
    "make_proba_scorer",
    "register_scorers",
    "unregister_scorers",
]


def _classes(estimator):
    classes = getattr(estimator, "classes_", None)
    if classes is None or isinstance(classes, list):  # multi-output: not ours
        return None
    return np.asarray(classes)


def _sorted_columns(proba, classes):
    """Columns and classes in sorted order: the metrics that mirror scikit-learn
    read ``y_proba``'s columns as the sorted ``labels`` (and warn otherwise)."""
    classes = np.asarray(classes)
    order = np.argsort(classes, kind="stable")
    proba = np.asarray(proba)
    if proba.ndim != 2 or proba.shape[1] != classes.shape[0]:
        return proba, classes
    if np.array_equal(order, np.arange(order.shape[0])):
        return proba, classes
    return proba[:, order], classes[order]


class _ProbaScorer(_BaseScorer):
    """Scorer on ``predict_proba`` with ``labels=estimator.classes_`` injected."""

    def __init__(self, score_func, sign, kwargs, name=None):
        super().__init__(score_func, sign, kwargs, response_method="predict_proba")
        self._name = name
        try:
            params = inspect.signature(score_func).parameters
        except (TypeError, ValueError):  # no introspectable signature
            params = {}
        self._pass_labels = "labels" in params

    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        self._warn_overlap(
            message=(
                "There is an overlap between the keyword arguments of this scorer "
                "and the passed metadata."
            ),
            kwargs=kwargs,
        )
        proba = estimator.predict_proba(X)
        scoring_kwargs = {**self._kwargs, **kwargs}
        classes = _classes(estimator)
        if self._pass_labels and classes is not None and "labels" not in scoring_kwargs:
            if np.ndim(y_true) == 1:  # soft targets keep classes_' column order
                proba, classes = _sorted_columns(proba, classes)
            scoring_kwargs["labels"] = classes
        return self._sign * self._score_func(y_true, proba, **scoring_kwargs)

    def __repr__(self):
        if self._name is not None:
            return f"sklearn_ext.get_scorer({self._name!r})"
        name = getattr(self._score_func, "__name__", repr(self._score_func))
        sign = "" if self._sign > 0 else ", greater_is_better=False"
        kw = "".join(f", {k}={v!r}" for k, v in self._kwargs.items())
        return f"make_proba_scorer({name}{sign}{kw})"


def make_proba_scorer(metric, *, greater_is_better=False, **kwargs):
    """Build a scorer from any metric ``metric(y_true, y_proba, **kwargs)``.

    The scorer calls ``estimator.predict_proba(X)``; when ``metric`` has a
    ``labels`` parameter it receives ``labels=estimator.classes_`` (unless given
    in ``kwargs``). A loss (``greater_is_better=False``) is negated.

    Parameters
    ----------
    metric : callable
        ``metric(y_true, y_proba, **kwargs)`` returning a float.
    greater_is_better : bool, default=False
        False for losses (the scorer returns ``-metric``).
    **kwargs
        Fixed keyword arguments of ``metric`` (e.g. ``base=2``).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None)``; supports
        ``set_score_request`` under metadata routing.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_ext.metrics import log_loss
    >>> from sklearn_ext.scorers import make_proba_scorer
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    >>> clf = LogisticRegression().fit(X, y)
    >>> scorer = make_proba_scorer(log_loss, base=2)
    >>> bool(scorer(clf, X, y) == -log_loss(y, clf.predict_proba(X), base=2))
    True
    """
    if not callable(metric):
        raise parameter_error(
            "make_proba_scorer", "metric", "a callable metric(y_true, y_proba)", metric
        )
    if not isinstance(greater_is_better, (bool, np.bool_)):
        raise TypeError(
            "The 'greater_is_better' parameter of make_proba_scorer must be a bool. "
            f"Got {format_value(greater_is_better)} instead."
        )
    return _ProbaScorer(metric, 1 if greater_is_better else -1, kwargs)


# name -> (metric, greater_is_better, fixed kwargs); what each compares is in
# docs/scorers.md.
_SCORERS = {
    "neg_log_loss": (log_loss, False, {}),
    "neg_log_loss_bits": (log_loss, False, {"base": 2}),
    "neg_cross_entropy": (cross_entropy_score, False, {}),
    "neg_kl_divergence": (kl_divergence_score, False, {}),
    "neg_js_divergence": (_js_score, False, {}),
    "neg_focal_loss": (focal_loss_score, False, {}),
    "neg_perplexity": (perplexity, False, {}),
    "d2_log_loss": (d2_log_loss_score, True, {}),
}


def get_scorer(scoring):
    """A scorer by name: ours first, then scikit-learn's.

    Our names: ``neg_log_loss`` (nats, labels from ``classes_``),
    ``neg_log_loss_bits``, ``neg_cross_entropy``, ``neg_kl_divergence``,
    ``neg_js_divergence`` (the last three also accept soft targets as ``y``),
    ``neg_focal_loss`` (gamma=2), ``neg_perplexity`` and ``d2_log_loss``. Any other
    string goes to :func:`sklearn.metrics.get_scorer`; callables and None are
    returned as they are.

    Parameters
    ----------
    scoring : str, callable or None
        A scorer name.

    Returns
    -------
    scorer : callable
        A new scorer object on every call (safe to ``set_score_request`` on).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> import sklearn_ext
    >>> X, y = [[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]], [0, 0, 0, 1, 1, 1]
    >>> scorer = sklearn_ext.get_scorer("neg_log_loss_bits")
    >>> cross_val_score(LogisticRegression(), X, y, cv=3, scoring=scorer).shape
    (3,)
    >>> sklearn_ext.get_scorer("accuracy")  # scikit-learn's
    make_scorer(accuracy_score, response_method='predict')
    """
    if isinstance(scoring, str) and scoring in _SCORERS:
        metric, greater, kwargs = _SCORERS[scoring]
        return _ProbaScorer(metric, 1 if greater else -1, dict(kwargs), name=scoring)
    try:
        return _sklearn_get_scorer(scoring)
    except ValueError:
        raise ValueError(
            f"The 'scoring' parameter of get_scorer must be one of "
            f"sklearn_ext.get_scorer_names(). Got {format_value(scoring)} instead."
        ) from None


def get_scorer_names():
    """All names :func:`get_scorer` accepts: ours and scikit-learn's, sorted.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import sklearn_ext
    >>> "neg_kl_divergence" in sklearn_ext.get_scorer_names()
    True
    >>> "roc_auc" in sklearn_ext.get_scorer_names()
    True
    """
    return sorted(set(_SCORERS) | set(_sklearn_get_scorer_names()))


def _reference_kl(y_reference, y_proba, *, sample_weight=None, base=None):
    return kl_divergence_score(
        y_reference, y_proba, sample_weight=sample_weight, base=base
    )


class _ReferenceKLScorer(_ProbaScorer):
    """-mean KL(reference.predict_proba(X) || estimator.predict_proba(X))."""

    def __init__(self, reference, kwargs):
        super().__init__(_reference_kl, -1, kwargs)
        self._reference = reference

    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        ref = np.asarray(self._reference.predict_proba(X), dtype=np.float64)
        proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
        ref_classes = _classes(self._reference)
        classes = _classes(estimator)
        if ref_classes is not None and classes is not None:
            # columns of the scored model in the reference's class order; a class
            # the model never saw gets probability 0 (clipped to eps).
            pos = {c: i for i, c in enumerate(ref_classes.tolist())}
            missing = [c for c in classes.tolist() if c not in pos]
            if missing:
                raise ValueError(
                    "kl_to_reference_scorer: the scored estimator has classes the "
                    f"reference does not know: {format_value(np.asarray(missing))}."
                )
            aligned = np.zeros((proba.shape[0], ref_classes.shape[0]))
            aligned[:, [pos[c] for c in classes.tolist()]] = proba
            proba = aligned
        targets_and_proba(ref, proba, None, "kl_to_reference_scorer")  # shapes
        value = _reference_kl(ref, proba, **{**self._kwargs, **kwargs})
        return self._sign * value + 0.0  # no -0.0

    def __repr__(self):
        return f"kl_to_reference_scorer({self._reference!r})"


def kl_to_reference_scorer(reference_estimator, *, base=None):
    """Scorer of -mean KL(reference || model) between two models' predictions.

    For each sample the reference's ``predict_proba`` row r_i (e.g. a teacher in
    distillation, or the production model) is compared with the scored model's
    row p_i: KL(r_i || p_i) = sum_k r_ik log(r_ik / p_ik), averaged over samples
    (weighted by ``sample_weight``) and negated. ``y`` is ignored. Columns are
    matched through both models' ``classes_``.

    Parameters
    ----------
    reference_estimator : fitted classifier
        Has ``predict_proba``; it is not refitted.
    base : float, default=None
        Logarithm base (None: nats, 2: bits).

    Returns
    -------
    scorer : callable

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_ext.scorers import kl_to_reference_scorer
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    >>> teacher = LogisticRegression(C=100.0).fit(X, y)
    >>> scorer = kl_to_reference_scorer(teacher)
    >>> scorer(teacher, X, y)  # a model agrees with itself
    0.0
    >>> bool(scorer(LogisticRegression(C=0.01).fit(X, y), X, y) < 0)
    True
    """
    if not hasattr(reference_estimator, "predict_proba"):
        raise parameter_error(
            "kl_to_reference_scorer",
            "reference_estimator",
            "a fitted estimator with predict_proba",
            type(reference_estimator).__name__,
        )
    kwargs = {} if base is None else {"base": base}
    return _ReferenceKLScorer(reference_estimator, kwargs)


def register_scorers(*, overwrite=False):
    """Make our names usable as strings in ``scoring=`` (also list scoring).

    scikit-learn has no public registry, so this adds our scorers to its private
    table ``sklearn.metrics._scorer._SCORERS`` (process-wide). Names scikit-learn
    already has (``neg_log_loss``) are kept unless ``overwrite=True``. Undo with
    :func:`unregister_scorers`. Without registering, pass scorer objects from
    :func:`get_scorer` (single, dict scoring) instead.

    Parameters
    ----------
    overwrite : bool, default=False
        Replace scikit-learn's scorers of the same name.

    Returns
    -------
    dict
        ``{name: previous scorer or None}`` for every name changed; pass it to
        :func:`unregister_scorers`.

    Examples
    --------
    >>> import sklearn.metrics
    >>> from sklearn_ext.scorers import register_scorers, unregister_scorers
    >>> changed = register_scorers()
    >>> "neg_kl_divergence" in sklearn.metrics.get_scorer_names()
    True
    >>> unregister_scorers(changed)
    >>> "neg_kl_divergence" in sklearn.metrics.get_scorer_names()
    False
    """
    from sklearn.metrics import _scorer

    changed = {}
    for name in _SCORERS:
        if name in _scorer._SCORERS and not overwrite:
            continue
        changed[name] = _scorer._SCORERS.get(name)
        _scorer._SCORERS[name] = get_scorer(name)
    return changed


def unregister_scorers(changed):
    """Undo :func:`register_scorers` (restore what it returned).

    Parameters
    ----------
    changed : dict
        The return value of :func:`register_scorers`.

    Examples
    --------
    >>> from sklearn_ext.scorers import register_scorers, unregister_scorers
    >>> unregister_scorers(register_scorers(overwrite=True))
    """
    from sklearn.metrics import _scorer

    for name, previous in changed.items():
        if previous is None:
            _scorer._SCORERS.pop(name, None)
        else:
            _scorer._SCORERS[name] = previous
