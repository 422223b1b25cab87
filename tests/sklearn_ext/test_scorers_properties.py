"""Properties of the scorers on a stub classifier (no fitting, many cases)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import entropy as sp_entropy
from sklearn.metrics import log_loss as sk_log_loss

import sklearn_ext


class _Fitted:
    """A 'fitted classifier': fixed classes_ and predict_proba rows."""

    def __init__(self, classes, proba):
        self.classes_ = np.asarray(classes)
        self._proba = np.asarray(proba)

    def predict_proba(self, X):
        return self._proba[np.asarray(X, dtype=int).ravel()]


@st.composite
def cases(draw):
    k = draw(st.integers(2, 5))
    n = draw(st.integers(1, 30))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    classes = rng.permutation(np.array(["u", "v", "w", "x", "y"])[:k])
    present = draw(st.integers(1, k))  # the test fold may miss classes
    y = rng.choice(classes[:present], size=n)
    proba = rng.dirichlet(np.full(k, 0.7), size=n)
    return classes, y, proba, rng.uniform(0.1, 2.0, size=n)


@given(cases())
@settings(max_examples=30, deadline=None)
def test_log_loss_scorers_use_classes(case):
    classes, y, proba, w = case
    est, X = _Fitted(classes, proba), np.arange(len(y))
    # sklearn sorts labels; our columns follow classes_ (a permutation of them)
    want = sk_log_loss(y, proba[:, np.argsort(classes)], labels=np.sort(classes),
                       sample_weight=w)  # fmt: skip
    for name in ("neg_log_loss", "neg_cross_entropy", "neg_kl_divergence"):
        got = sklearn_ext.get_scorer(name)(est, X, y, sample_weight=w)
        np.testing.assert_allclose(got, -want, rtol=1e-12)
    bits = sklearn_ext.get_scorer("neg_log_loss_bits")(est, X, y, sample_weight=w)
    np.testing.assert_allclose(bits, -want / np.log(2), rtol=1e-12)


@given(cases())
@settings(max_examples=20, deadline=None)
def test_column_permutation_invariance_and_soft_kl(case):
    classes, y, proba, _ = case
    X = np.arange(len(y))
    perm = np.random.default_rng(len(y)).permutation(len(classes))
    a = _Fitted(classes, proba)
    b = _Fitted(classes[perm], proba[:, perm])
    for name in ("neg_log_loss", "neg_js_divergence", "neg_focal_loss"):
        s = sklearn_ext.get_scorer(name)
        np.testing.assert_allclose(s(a, X, y), s(b, X, y), rtol=1e-12)
    # soft targets: KL equals scipy's relative entropy, and >= 0 with 0 at p = t
    soft = np.random.default_rng(1).dirichlet(np.ones(len(classes)), size=len(y))
    kl = sklearn_ext.get_scorer("neg_kl_divergence")
    np.testing.assert_allclose(
        -kl(a, X, soft), np.mean(sp_entropy(soft, proba, axis=1)), rtol=1e-10
    )
    assert abs(kl(_Fitted(classes, soft), X, soft)) < 1e-12
