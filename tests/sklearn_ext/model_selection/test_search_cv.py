"""CrossEntropySearchCV against optima known by construction and against
RandomizedSearchCV's behaviour (keys, multimetric, error_score, n_jobs)."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from scipy import stats
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import RandomizedSearchCV, cross_val_score

from sklearn_ext.model_selection import CrossEntropySearchCV, FloatRange, IntRange

X = np.zeros((20, 1))
Y = np.arange(20) % 2
FAIL = -1  # value of `a` whose fit raises


class KnownScore(BaseEstimator):
    """Score is a known function of the params: max at a=3, b=1e-2, kind='good'."""

    def __init__(self, a=0, b=1.0, kind="bad"):
        self.a = a
        self.b = b
        self.kind = kind

    def fit(self, X, y=None):
        if self.a == FAIL:
            raise ValueError("this value of a fails")
        self.fitted_ = True
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        penalty = {"good": 0.0, "bad": 1.0, "worse": 2.0}[self.kind]
        return -((self.a - 3) ** 2) - (math.log10(self.b) + 2) ** 2 - penalty


def known(params):
    """The score of a params dict, computed here rather than by the estimator."""
    return KnownScore(**params).score(X)


def search(space, **kw):
    kw = {"cv": 2, "random_state": 0, **kw}
    return CrossEntropySearchCV(KnownScore(), space, **kw).fit(X, Y)


GRID = {
    "a": list(range(10)),
    "b": [1e-4, 1e-3, 1e-2, 1e-1, 1.0],
    "kind": ["bad", "good", "worse"],
}
BEST = {"a": 3, "b": 1e-2, "kind": "good"}


def test_finds_the_best_of_a_discrete_grid():
    s = search(GRID, n_iter=80, n_candidates_per_generation=10)
    assert s.best_params_ == BEST
    assert s.best_score_ == 0.0
    # Brute force over the 150-point grid: the optimum is unique.
    grid = [
        {"a": a, "b": b, "kind": k}
        for a in GRID["a"]
        for b in GRID["b"]
        for k in GRID["kind"]
    ]
    scores = [known(p) for p in grid]
    assert grid[int(np.argmax(scores))] == BEST
    # Scores in cv_results_ are the known function of the params.
    got = s.cv_results_["mean_test_score"]
    np.testing.assert_allclose(got, [known(p) for p in s.cv_results_["params"]])
    # The search concentrates: later generations score better than the first.
    gen = s.candidate_generation_
    assert got[gen == gen.max()].mean() > got[gen == 0].mean()
    # The final categorical distribution is most likely at the optimum.
    cat, _ = s.sampling_families_
    assert cat.mode().tolist() == [GRID[k].index(BEST[k]) for k in sorted(GRID)]


def test_candidates_are_distinct_and_space_exhaustion_stops():
    s = search({"a": [0, 1, 2], "kind": ["bad", "good"]}, n_iter=50)
    params = s.cv_results_["params"]
    keys = {(p["a"], p["kind"]) for p in params}
    assert len(params) == len(keys) == 6
    assert s.stop_reason_ == "exhausted"
    assert s.best_params_ == {"a": 2, "kind": "good"}


def test_ranges_find_continuous_optimum():
    space = {"a": IntRange(0, 20), "b": FloatRange(1e-5, 1.0, log=True)}
    s = search(space, n_iter=120, n_candidates_per_generation=20, patience=None)
    assert s.best_params_["a"] == 3
    assert isinstance(s.best_params_["a"], int)
    assert abs(math.log10(s.best_params_["b"]) + 2) < 0.3
    a = np.array([p["a"] for p in s.cv_results_["params"]])
    b = np.array([p["b"] for p in s.cv_results_["params"]])
    assert a.min() >= 0 and a.max() <= 20
    assert b.min() >= 1e-5 and b.max() <= 1.0


def test_scipy_distributions():
    space = {"a": stats.randint(0, 20), "b": stats.loguniform(1e-5, 1.0)}
    s = search(space, n_iter=60, n_candidates_per_generation=15)
    params = s.cv_results_["params"]
    assert all(isinstance(p["a"], int) and 0 <= p["a"] <= 19 for p in params)
    assert all(1e-5 <= p["b"] <= 1.0 for p in params)
    assert abs(s.best_params_["a"] - 3) <= 1


def test_cv_results_keys_match_randomized_search():
    kw = {"cv": 2, "return_train_score": True}
    ce = search(GRID, n_iter=10, **kw)
    rs = RandomizedSearchCV(KnownScore(), GRID, n_iter=10, random_state=0, **kw)
    rs.fit(X, Y)
    assert set(ce.cv_results_) == set(rs.cv_results_)
    for attr in ("best_params_", "best_score_", "best_estimator_", "refit_time_"):
        assert hasattr(ce, attr)


def _score(est, X, y):
    return est.score(X, y)


def _neg_score(est, X, y):
    return -est.score(X, y)


def test_multimetric_ranks_by_refit_name():
    scoring = {"good": _score, "bad": _neg_score}
    s = search(GRID, n_iter=60, scoring=scoring, refit="good")
    assert s.best_params_ == BEST
    assert s.best_score_ == s.cv_results_["mean_test_good"].max()
    # Ranking by the other metric goes the opposite way: its best is the worst.
    s = search(GRID, n_iter=30, scoring=scoring, refit="bad")
    assert s.best_score_ == s.cv_results_["mean_test_bad"].max() > 10
    with pytest.raises(ValueError, match="'refit'"):
        search(GRID, n_iter=10, scoring=scoring, refit=False)


def test_error_score():
    space = {"a": [FAIL, 2, 3, 4], "kind": ["good"]}
    with pytest.warns(FitFailedWarning):
        s = search(space, n_iter=10, error_score=np.nan)
    params = s.cv_results_["params"]
    scores = s.cv_results_["mean_test_score"]
    failed = np.array([p["a"] == FAIL for p in params])
    assert failed.any()
    assert np.isnan(scores[failed]).all() and np.isfinite(scores[~failed]).all()
    assert s.best_params_ == {"a": 3, "kind": "good"}
    with pytest.raises(ValueError, match="this value of a fails"):
        search({"a": [FAIL]}, n_iter=3, error_score="raise")


def test_n_jobs_and_random_state_reproducible():
    space = {"a": IntRange(0, 20), "b": FloatRange(1e-5, 1.0, log=True)}
    one = search(space, n_iter=20, n_candidates_per_generation=5)
    two = search(space, n_iter=20, n_candidates_per_generation=5, n_jobs=2)
    again = search(space, n_iter=20, n_candidates_per_generation=5)
    other = search(space, n_iter=20, n_candidates_per_generation=5, random_state=1)
    assert one.cv_results_["params"] == two.cv_results_["params"]
    assert one.cv_results_["params"] == again.cv_results_["params"]
    assert one.cv_results_["params"] != other.cv_results_["params"]
    np.testing.assert_array_equal(
        one.cv_results_["mean_test_score"], two.cv_results_["mean_test_score"]
    )


def test_stopping_rules():
    s = search(GRID, n_iter=None, max_generations=3, n_candidates_per_generation=4)
    assert (s.n_generations_, s.stop_reason_) == (3, "max_generations")
    # Without a budget the first generation is twice the later ones.
    np.testing.assert_array_equal(np.bincount(s.candidate_generation_), [8, 4, 4])
    s = search(GRID, n_iter=None, max_generations=2, n_initial=5)
    np.testing.assert_array_equal(np.bincount(s.candidate_generation_), [5, 10])
    s = search({"a": [3], "b": FloatRange(0.5, 2.0)}, n_iter=200, patience=2)
    assert s.stop_reason_ == "patience"
    s = search(GRID, n_iter=23, n_candidates_per_generation=10)
    assert s.stop_reason_ == "n_iter" and len(s.cv_results_["params"]) == 23
    np.testing.assert_array_equal(np.bincount(s.candidate_generation_), [10, 10, 3])


def test_verbose_prints_generations(capsys):
    search(GRID, n_iter=10, n_candidates_per_generation=5, verbose=1)
    out = capsys.readouterr().out
    assert "generation 2" in out and "Fitting 2 folds" in out


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"n_iter": 0}, "'n_iter' parameter of CrossEntropySearchCV"),
        ({"elite_fraction": 1.5}, "'elite_fraction'"),
        ({"smoothing": 0}, "'smoothing'"),
        ({"n_iter": None}, "'n_iter'.*max_generations"),
        ({"random_state": "x"}, "'random_state'"),
    ],
)
def test_validation_errors_name_the_parameter(kw, match):
    with pytest.raises(ValueError, match=match):
        search(GRID, **kw)


@pytest.mark.parametrize(
    ("space", "match"),
    [
        ({"a": 5}, r"param_distributions\['a'\]"),
        ({"a": []}, r"param_distributions\['a'\]"),
        ({}, "param_distributions"),
        ([GRID, GRID], "exactly one dict"),
    ],
)
def test_bad_spaces(space, match):
    with pytest.raises(ValueError, match=match):
        search(space, n_iter=3)


def test_range_validation():
    with pytest.raises(ValueError, match="'high' parameter of IntRange"):
        IntRange(5, 1)
    with pytest.raises(ValueError, match=r"'low' parameter of FloatRange.*log"):
        FloatRange(0.0, 1.0, log=True)
    with pytest.raises(ValueError, match=r"'low' parameter of IntRange.*integer"):
        IntRange(0.5, 3)
    assert IntRange(2, 2).high == 2  # a single value is allowed


def test_clone_params_pickle_and_nested_cv():
    s = CrossEntropySearchCV(KnownScore(), GRID, n_iter=8, cv=2, random_state=0)
    c = clone(s)
    assert c.get_params()["n_iter"] == 8 and c.param_distributions == GRID
    c.set_params(n_iter=5, estimator__kind="good")
    assert c.n_iter == 5 and c.estimator.kind == "good"
    c.fit(X, Y)
    back = pickle.loads(pickle.dumps(c))
    assert back.best_params_ == c.best_params_
    assert back.score(X, Y) == c.score(X, Y)
    # Nested CV: the search is itself an estimator.
    outer = cross_val_score(s, X, Y, cv=2)
    assert outer.shape == (2,) and np.all(outer <= 0)
