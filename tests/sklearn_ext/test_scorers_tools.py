"""The scorers inside scikit-learn's model selection and inspection tools."""

import numpy as np
import pytest
import sklearn
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss as sk_log_loss
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    KFold,
    RandomizedSearchCV,
    cross_val_score,
    cross_validate,
    learning_curve,
    validation_curve,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_ext
from sklearn_ext.metrics import log_loss

OURS = [
    "neg_log_loss",
    "neg_log_loss_bits",
    "neg_cross_entropy",
    "neg_kl_divergence",
    "neg_js_divergence",
    "neg_focal_loss",
    "neg_perplexity",
    "d2_log_loss",
]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.array(["a", "b", "c"])[(X[:, 0] + rng.normal(size=60) > 0).astype(int)
                                   + (X[:, 1] > 0.8)]  # fmt: skip
    return X, y


def _by_hand(name, est, X, y):
    """Reference value of each scorer from scikit-learn / closed forms."""
    p = est.predict_proba(X)
    ll = sk_log_loss(y, p, labels=est.classes_)
    t = (np.asarray(y)[:, None] == est.classes_[None, :]).astype(float)
    if name in ("neg_log_loss", "neg_cross_entropy", "neg_kl_divergence"):
        return -ll
    if name == "neg_log_loss_bits":
        return -ll / np.log(2)
    if name == "neg_perplexity":
        return -np.exp(ll)
    if name == "neg_focal_loss":
        return -np.mean(-((1 - p) ** 2 * np.log(p) * t).sum(axis=1))
    if name == "neg_js_divergence":
        m = (t + p) / 2
        from scipy.stats import entropy

        return -np.mean(0.5 * entropy(t, m, axis=1) + 0.5 * entropy(p, m, axis=1))
    prior = t.mean(axis=0)
    return 1 - ll / sk_log_loss(y, np.tile(prior, (len(y), 1)), labels=est.classes_)


@pytest.mark.parametrize("name", OURS)
def test_direct_call_matches_reference(name, data):
    X, y = data
    est = LogisticRegression().fit(X, y)
    scorer = sklearn_ext.get_scorer(name)
    np.testing.assert_allclose(scorer(est, X, y), _by_hand(name, est, X, y),
                               rtol=1e-12)  # fmt: skip


@pytest.mark.parametrize("name", OURS)
def test_cross_val_score_each_fold(name, data):
    X, y = data
    cv = KFold(3)
    scores = cross_val_score(LogisticRegression(), X, y, cv=cv,
                             scoring=sklearn_ext.get_scorer(name))  # fmt: skip
    for s, (tr, te) in zip(scores, cv.split(X), strict=True):
        est = LogisticRegression().fit(X[tr], y[tr])
        np.testing.assert_allclose(s, _by_hand(name, est, X[te], y[te]), rtol=1e-12)


def test_sorted_binary_kfold_absent_class():
    X = np.random.default_rng(2).normal(size=(40, 2))
    y = (np.arange(40) >= 20).astype(int)  # sorted: each test fold holds one class
    cv = KFold(4)
    with pytest.warns(UserWarning, match="Scoring failed"):
        theirs = cross_val_score(LogisticRegression(), X, y, cv=cv,
                                 scoring="neg_log_loss")  # fmt: skip
    assert np.isnan(theirs).all()  # scikit-learn 1.9.1: error -> nan in every fold
    ours = cross_val_score(LogisticRegression(), X, y, cv=cv,
                           scoring=sklearn_ext.get_scorer("neg_log_loss"))  # fmt: skip
    assert np.isfinite(ours).all()
    for s, (tr, te) in zip(ours, cv.split(X), strict=True):
        est = LogisticRegression().fit(X[tr], y[tr])
        want = log_loss(y[te], est.predict_proba(X[te]), labels=est.classes_)
        assert s == -want
        assert s == -sk_log_loss(y[te], est.predict_proba(X[te]), labels=[0, 1])


def test_pipeline_classes(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X[:40], y[:40])
    got = sklearn_ext.get_scorer("neg_log_loss")(pipe, X[40:], y[40:])
    want = sk_log_loss(y[40:], pipe.predict_proba(X[40:]), labels=pipe.classes_)
    assert got == -want


@pytest.mark.parametrize(
    "search",
    [
        lambda s: GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3,
                               scoring=s),
        lambda s: RandomizedSearchCV(LogisticRegression(), {"C": [0.1, 1.0, 10.0]},
                                     n_iter=2, cv=3, scoring=s, random_state=0),
        lambda s: HalvingGridSearchCV(LogisticRegression(), {"C": [0.1, 1.0, 10.0]},
                                      cv=3, scoring=s, min_resources=30,
                                      random_state=0),
    ],
)  # fmt: skip
def test_searches(search, data):
    X, y = data
    scorer = sklearn_ext.get_scorer("neg_kl_divergence")
    gs = search(scorer).fit(X, y)
    assert np.isfinite(gs.cv_results_["mean_test_score"]).all()
    # the refitted best model scores the same as the scorer applied by hand
    assert gs.score(X, y) == scorer(gs.best_estimator_, X, y)
    assert gs.score(X, y) == -log_loss(y, gs.predict_proba(X))
    assert scorer(gs, X, y) == gs.score(X, y)  # the search itself has classes_


def test_grid_search_selects_by_our_score(data):
    X, y = data
    scorer = sklearn_ext.get_scorer("neg_log_loss_bits")
    grid = [0.01, 1.0, 10.0]
    gs = GridSearchCV(LogisticRegression(), {"C": grid}, cv=KFold(3),
                      scoring=scorer).fit(X, y)  # fmt: skip
    means = [np.mean(cross_val_score(LogisticRegression(C=c), X, y, cv=KFold(3),
                                     scoring=scorer)) for c in grid]  # fmt: skip
    assert gs.best_params_["C"] == grid[int(np.argmax(means))]


def test_cross_validate_dict_and_list(data):
    X, y = data
    scoring = {
        "bits": sklearn_ext.get_scorer("neg_log_loss_bits"),
        "d2": sklearn_ext.get_scorer("d2_log_loss"),
        "acc": "accuracy",
    }
    res = cross_validate(LogisticRegression(), X, y, cv=KFold(3), scoring=scoring)
    nats = cross_val_score(
        LogisticRegression(),
        X,
        y,
        cv=KFold(3),
        scoring=sklearn_ext.get_scorer("neg_log_loss"),
    )
    np.testing.assert_allclose(res["test_bits"], nats / np.log(2), rtol=1e-12)
    assert res["test_acc"].shape == (3,) and np.isfinite(res["test_d2"]).all()
    # list scoring takes names; after register_scorers ours are among them
    added = sklearn_ext.scorers.register_scorers()
    try:
        res = cross_validate(
            LogisticRegression(),
            X,
            y,
            cv=KFold(3),
            scoring=["neg_log_loss_bits", "accuracy"],
        )
    finally:
        sklearn_ext.scorers.unregister_scorers(added)
    np.testing.assert_allclose(res["test_neg_log_loss_bits"], nats / np.log(2),
                               rtol=1e-12)  # fmt: skip
    assert "neg_log_loss_bits" not in sklearn.metrics.get_scorer_names()


def test_learning_and_validation_curve(data):
    X, y = data
    scorer = sklearn_ext.get_scorer("neg_js_divergence")
    _, train, test = learning_curve(
        LogisticRegression(), X, y, cv=KFold(3), train_sizes=[0.5, 1.0], scoring=scorer
    )
    assert np.isfinite(train).all() and np.isfinite(test).all()
    full = cross_val_score(LogisticRegression(), X, y, cv=KFold(3), scoring=scorer)
    np.testing.assert_array_equal(test[1], full)  # train size 1.0 = plain CV
    train, test = validation_curve(LogisticRegression(), X, y, param_name="C",
                                      param_range=[0.1, 10.0], cv=KFold(3),
                                      scoring=scorer)  # fmt: skip
    assert train.shape == (2, 3)
    np.testing.assert_array_equal(test[1], cross_val_score(
        LogisticRegression(C=10.0), X, y, cv=KFold(3), scoring=scorer))  # fmt: skip


def test_permutation_importance(data):
    X, y = data
    est = LogisticRegression().fit(X, y)

    def by_hand(est, X, y):
        return -sk_log_loss(y, est.predict_proba(X), labels=est.classes_)

    kw = dict(n_repeats=3, random_state=0)
    ours = permutation_importance(est, X, y, scoring=sklearn_ext.get_scorer(
        "neg_log_loss"), **kw)  # fmt: skip
    ref = permutation_importance(est, X, y, scoring=by_hand, **kw)
    np.testing.assert_array_equal(ours.importances, ref.importances)
    assert ours.importances_mean[0] > ours.importances_mean[2]  # 2 is noise


def test_sample_weight_routing_off_and_on(data):
    X, y = data
    w = np.random.default_rng(1).uniform(0.1, 2.0, size=len(y))
    cv = list(KFold(3).split(X))
    with sklearn.config_context(enable_metadata_routing=False):
        scorer = sklearn_ext.get_scorer("neg_log_loss")
        res = cross_validate(
            LogisticRegression(),
            X,
            y,
            cv=cv,
            scoring=scorer,
            params={"sample_weight": w},
        )["test_score"]
        with pytest.raises(RuntimeError, match="metadata routing"):
            scorer.set_score_request(sample_weight=True)
    for s, (tr, te) in zip(res, cv, strict=True):  # weights reach fit only
        est = LogisticRegression().fit(X[tr], y[tr], sample_weight=w[tr])
        assert s == -sk_log_loss(y[te], est.predict_proba(X[te]))
    # the direct call takes sample_weight either way
    est = LogisticRegression().fit(X, y)
    want = sk_log_loss(y, est.predict_proba(X), sample_weight=w)
    assert scorer(est, X, y, sample_weight=w) == -want
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = sklearn_ext.get_scorer("neg_log_loss").set_score_request(
            sample_weight=True
        )
        clf = LogisticRegression().set_fit_request(sample_weight=False)
        res = cross_validate(
            clf, X, y, cv=cv, scoring=scorer, params={"sample_weight": w}
        )["test_score"]
        gs = GridSearchCV(clf, {"C": [1.0]}, cv=cv, scoring=scorer)
        gs.fit(X, y, sample_weight=w)
    for s, (tr, te) in zip(res, cv, strict=True):  # weights reach the score only
        est = LogisticRegression().fit(X[tr], y[tr])
        want = sk_log_loss(y[te], est.predict_proba(X[te]), sample_weight=w[te])
        assert s == -want
    np.testing.assert_allclose(gs.cv_results_["mean_test_score"][0], res.mean(),
                               rtol=1e-12)  # fmt: skip


@pytest.mark.slow
def test_parallel_n_jobs(data):
    X, y = data
    scorer = sklearn_ext.get_scorer("neg_perplexity")
    a = cross_val_score(LogisticRegression(), X, y, cv=KFold(3), scoring=scorer)
    b = cross_val_score(LogisticRegression(), X, y, cv=KFold(3), scoring=scorer,
                        n_jobs=2)  # fmt: skip
    np.testing.assert_array_equal(a, b)
