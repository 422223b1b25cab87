"""Soft targets, the reference-model KL, get_scorer and the scorer builder."""

import pickle

import numpy as np
import pytest
import sklearn
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy as sp_entropy
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss as sk_log_loss
from sklearn.model_selection import cross_val_score

import sklearn_ext
from sklearn_ext.metrics import d2_log_loss_score, log_loss
from sklearn_ext.scorers import kl_to_reference_scorer, make_proba_scorer


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 2))
    y = (X[:, 0] + 0.5 * rng.normal(size=50) > 0).astype(int)
    # soft targets: the share of 5 annotators voting for each class
    votes = rng.binomial(5, 1 / (1 + np.exp(-2 * X[:, 0])))
    soft = np.column_stack([5 - votes, votes]) / 5
    return X, y, soft, LogisticRegression().fit(X, y)


def test_soft_targets_kl_cross_entropy_js(fitted):
    X, _, soft, est = fitted
    p = est.predict_proba(X)
    kl = -sklearn_ext.get_scorer("neg_kl_divergence")(est, X, soft)
    ce = -sklearn_ext.get_scorer("neg_cross_entropy")(est, X, soft)
    js = -sklearn_ext.get_scorer("neg_js_divergence")(est, X, soft)
    np.testing.assert_allclose(kl, np.mean(sp_entropy(soft, p, axis=1)), rtol=1e-12)
    np.testing.assert_allclose(
        ce, kl + np.mean(sp_entropy(soft, axis=1)), rtol=1e-12
    )  # H(t, p) = H(t) + KL(t || p)
    np.testing.assert_allclose(
        js, np.mean(jensenshannon(soft, p, axis=1) ** 2), rtol=1e-10
    )


def test_hard_labels_kl_equals_log_loss(fitted):
    X, y, _, est = fitted
    kl = sklearn_ext.get_scorer("neg_kl_divergence")(est, X, y)
    onehot = np.eye(2)[y]
    assert kl == -sk_log_loss(y, est.predict_proba(X))
    assert kl == sklearn_ext.get_scorer("neg_kl_divergence")(est, X, onehot)


def test_soft_targets_checked(fitted):
    X, _, soft, est = fitted
    scorer = sklearn_ext.get_scorer("neg_kl_divergence")
    with pytest.raises(ValueError, match="rows that sum to 1"):
        scorer(est, X, soft * 0.5)
    with pytest.raises(ValueError, match="y_true"):
        scorer(est, X, np.ones((len(X), 3)) / 3)


def test_kl_to_reference(fitted):
    X, y, _, teacher = fitted
    student = LogisticRegression(C=0.05).fit(X, y)
    r, p = teacher.predict_proba(X), student.predict_proba(X)
    scorer = kl_to_reference_scorer(teacher, base=2)
    want = np.mean(sp_entropy(r, p, axis=1, base=2))
    np.testing.assert_allclose(scorer(student, X, y), -want, rtol=1e-12)
    assert scorer(teacher, X, y) == 0.0
    # usable in cross-validation, weighted directly
    w = np.linspace(0.5, 1.5, len(y))
    want_w = np.average(sp_entropy(r, p, axis=1, base=2), weights=w)
    np.testing.assert_allclose(scorer(student, X, y, sample_weight=w), -want_w,
                               rtol=1e-12)  # fmt: skip
    scores = cross_val_score(LogisticRegression(), X, y, cv=3, scoring=scorer)
    assert np.isfinite(scores).all() and (scores <= 0).all()


def test_kl_to_reference_aligns_classes():
    X = np.arange(12.0)[:, None]
    y = np.array(["x", "y", "z"] * 4)
    teacher = LogisticRegression().fit(X, y)
    # a student that never saw "y": its columns map to x and z; p(y) = 0 -> eps
    student = LogisticRegression().fit(X[y != "y"], y[y != "y"])
    r, ps = teacher.predict_proba(X), student.predict_proba(X)
    p = np.column_stack([ps[:, 0], np.zeros(len(X)), ps[:, 1]])
    eps = np.finfo(float).eps
    want = np.mean((r * (np.log(r) - np.log(np.clip(p, eps, 1 - eps)))).sum(axis=1))
    np.testing.assert_allclose(kl_to_reference_scorer(teacher)(student, X, y), -want,
                               rtol=1e-12)  # fmt: skip
    with pytest.raises(ValueError, match="reference does not know"):
        kl_to_reference_scorer(student)(teacher, X, y)
    with pytest.raises(ValueError, match="reference_estimator"):
        kl_to_reference_scorer(object())


def test_get_scorer_fallback_and_names():
    names = sklearn_ext.get_scorer_names()
    assert set(sklearn.metrics.get_scorer_names()) <= set(names)
    assert {"neg_log_loss_bits", "d2_log_loss", "neg_focal_loss"} <= set(names)
    assert names == sorted(names)
    assert repr(sklearn_ext.get_scorer("roc_auc")) == repr(
        sklearn.metrics.get_scorer("roc_auc")
    )
    a, b = (
        sklearn_ext.get_scorer("neg_log_loss"),
        sklearn_ext.get_scorer("neg_log_loss"),
    )
    assert a is not b
    assert sklearn_ext.get_scorer(None) is None
    with pytest.raises(ValueError, match="get_scorer_names"):
        sklearn_ext.get_scorer("neg_log_los")
    s = pickle.loads(pickle.dumps(a))
    assert repr(s) == "sklearn_ext.get_scorer('neg_log_loss')"


def test_make_proba_scorer(fitted):
    X, y, _, est = fitted
    p = est.predict_proba(X)
    s = make_proba_scorer(log_loss, base=2, label_smoothing=0.1)
    assert s(est, X, y) == -log_loss(y, p, base=2, label_smoothing=0.1)
    s = make_proba_scorer(d2_log_loss_score, greater_is_better=True)
    assert s(est, X, y) == d2_log_loss_score(y, p)
    # a metric without 'labels' does not receive it
    s = make_proba_scorer(lambda yt, yp: float(yp[:, 1].mean()), greater_is_better=True)
    assert s(est, X, y) == p[:, 1].mean()
    assert "greater_is_better=False" in repr(make_proba_scorer(log_loss))
    with pytest.raises(ValueError, match="metric"):
        make_proba_scorer("log_loss")
    with pytest.raises(TypeError, match="greater_is_better"):
        make_proba_scorer(log_loss, greater_is_better="yes")
