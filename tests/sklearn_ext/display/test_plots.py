"""The displays draw what they should: artists, their data, labels, legends.
References come from scikit-learn (calibration_curve, learning_curve, log_loss)
and from closed forms computed here."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import KFold, learning_curve
from sklearn.naive_bayes import GaussianNB

from sklearn_ext.display import (
    LearningCurveLossDisplay,
    LossCurveDisplay,
    PerClassLossDisplay,
    ReliabilityDisplay,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def render(disp, tmp_path):
    path = tmp_path / "plot.png"
    disp.figure_.savefig(path)
    assert path.stat().st_size > 1000


@pytest.fixture(scope="module")
def binary():
    X, y = load_breast_cancer(return_X_y=True)
    X = X[:, :5]
    clf = GaussianNB().fit(X[::2], y[::2])
    return clf, X[1::2], y[1::2]


@pytest.fixture(scope="module")
def multiclass():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = GaussianNB().fit(X[::2], names[::2])
    return clf, X[1::2], names[1::2]


def test_loss_curve(binary, tmp_path):
    clf, X, y = binary
    d = LossCurveDisplay.from_estimator(clf, X, y)
    render(d, tmp_path)
    p = clf.predict_proba(X)[:, 1]
    assert d.loss_ == pytest.approx(log_loss(y, p))
    up, down = d.lines_
    xs = up.get_xdata()
    # The curves reach the most confident prediction.
    assert xs.min() <= max(p.min(), 1e-3) and xs.max() >= min(p.max(), 1 - 1e-3)
    np.testing.assert_allclose(up.get_ydata(), -np.log(xs))
    np.testing.assert_allclose(down.get_ydata(), -np.log(1 - xs), rtol=1e-9, atol=1e-12)
    pos, neg = d.points_
    assert len(pos.get_offsets()) == (y == 1).sum()
    assert len(neg.get_offsets()) == (y == 0).sum()
    # Each point sits on the curve of its true class.
    off = np.asarray(pos.get_offsets())
    np.testing.assert_allclose(off[:, 1], -np.log(np.clip(off[:, 0], 2.3e-16, 1)))
    assert d.ax_.get_ylabel() == "Log loss (nats)"
    assert "y = 1" in d.ax_.get_xlabel()
    assert f"{log_loss(y, p):.4f}" in d.ax_.get_title()
    assert "GaussianNB" in d.ax_.get_title()


def test_loss_curve_pos_label_and_errors(binary):
    clf, X, y = binary
    p1 = clf.predict_proba(X)[:, 1]
    d0 = LossCurveDisplay.from_predictions(y, 1 - p1, pos_label=0)
    d1 = LossCurveDisplay.from_predictions(y, p1)
    assert d0.loss_ == pytest.approx(d1.loss_)
    with pytest.raises(ValueError, match=r"'y_true'.*binary"):
        LossCurveDisplay.from_predictions([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="'y_proba'"):
        LossCurveDisplay.from_predictions([0, 1], [0.1, 1.2])
    with pytest.raises(ValueError, match="'pos_label'"):
        LossCurveDisplay.from_estimator(clf, X, y, pos_label=7)


def test_per_class_bars(multiclass, tmp_path):
    clf, X, y = multiclass
    d = PerClassLossDisplay.from_estimator(clf, X, y)
    render(d, tmp_path)
    proba = clf.predict_proba(X)
    assert len(d.bars_) == 3
    for k, (bar, label) in enumerate(zip(d.bars_, clf.classes_, strict=True)):
        mask = y == label
        # Independent: scikit-learn's log loss on the samples of that class.
        want = log_loss(y[mask], proba[mask], labels=clf.classes_)
        assert bar.get_height() == pytest.approx(want)
        tick = d.ax_.get_xticklabels()[k].get_text()
        assert tick == f"{label}\n(n={mask.sum()})"
    total = log_loss(y, proba)
    assert d.line_.get_ydata()[0] == pytest.approx(total)
    assert f"{total:.4f}" in d.ax_.get_legend().get_texts()[0].get_text()
    assert d.ax_.get_ylabel() == "Mean log loss (nats)"


def test_reliability_binary_matches_calibration_curve(binary, tmp_path):
    clf, X, y = binary
    p = clf.predict_proba(X)[:, 1]
    for strategy in ("uniform", "quantile"):
        d = ReliabilityDisplay.from_estimator(clf, X, y, n_bins=5, strategy=strategy)
        frac, mean = calibration_curve(y, p, n_bins=5, strategy=strategy)
        np.testing.assert_allclose(d.prob_true, frac)
        np.testing.assert_allclose(d.prob_pred, mean)
        np.testing.assert_allclose(d.line_.get_xdata(), mean)
        np.testing.assert_allclose(d.line_.get_ydata(), frac)
    render(d, tmp_path)
    # ECE by brute force over the uniform bins.
    d = ReliabilityDisplay.from_predictions(y, p, n_bins=5)
    ece = 0.0
    for lo in np.arange(5) / 5:
        hi = lo + 0.2
        inside = (p > lo) & (p <= hi) if lo > 0 else (p <= hi)
        if inside.any():
            ece += inside.mean() * abs(y[inside].mean() - p[inside].mean())
    assert d.ece == pytest.approx(ece)
    texts = [t.get_text() for t in d.ax_.get_legend().get_texts()]
    assert texts == ["Perfectly calibrated", f"Model (positive-class ECE = {ece:.4f})"]
    assert d.ax_.get_xlabel() == "Mean predicted probability"


def test_reliability_top_label(multiclass, tmp_path):
    clf, X, y = multiclass
    d = ReliabilityDisplay.from_estimator(clf, X, y, n_bins=4)
    render(d, tmp_path)
    proba = clf.predict_proba(X)
    conf = proba.max(axis=1)
    correct = (clf.classes_[proba.argmax(axis=1)] == y).astype(float)
    frac, mean = calibration_curve(correct, conf, n_bins=4)
    np.testing.assert_allclose(d.prob_true, frac)
    np.testing.assert_allclose(d.prob_pred, mean)
    assert d.counts.sum() == len(y)
    assert d.ax_.get_xlabel() == "Mean confidence (top label)"
    assert f"(top-label ECE = {d.ece:.4f})" in d.line_.get_label()
    with pytest.raises(ValueError, match="'strategy'"):
        ReliabilityDisplay.from_estimator(clf, X, y, strategy="bad")
    with pytest.raises(ValueError, match="'n_bins'"):
        ReliabilityDisplay.from_estimator(clf, X, y, n_bins=0)


def test_reliability_top_label_rejects_a_label_not_in_labels(multiclass):
    # such a sample was once counted as a miss without a word
    clf, X, y = multiclass
    proba = clf.predict_proba(X)
    y_bad = y.copy()
    y_bad[0] = 99
    with pytest.raises(ValueError, match=r"'y_true' .* values listed in 'labels'"):
        ReliabilityDisplay.from_predictions(y_bad, proba, labels=clf.classes_)


@pytest.mark.parametrize("n_bins", [True, False, 2.0, "3"])
def test_reliability_n_bins_must_be_an_integer(binary, n_bins):
    # n_bins=True once passed the hand-written check and crashed in bincount
    clf, X, y = binary
    with pytest.raises(ValueError, match="'n_bins'"):
        ReliabilityDisplay.from_estimator(clf, X, y, n_bins=n_bins)


def test_learning_curve_matches_sklearn(tmp_path):
    X, y = load_iris(return_X_y=True)
    cv = KFold(3, shuffle=True, random_state=0)
    sizes = [0.4, 0.7, 1.0]
    est = LogisticRegression(max_iter=300)
    kw = {"train_sizes": sizes, "cv": cv, "shuffle": True, "random_state": 0}
    d = LearningCurveLossDisplay.from_estimator(est, X, y, **kw)
    render(d, tmp_path)
    n, train, test = learning_curve(est, X, y, scoring="neg_log_loss", **kw)
    np.testing.assert_array_equal(d.train_sizes, n)
    np.testing.assert_allclose(d.test_losses, -test)
    np.testing.assert_allclose(d.train_losses, -train)
    train_line, test_line = d.lines_
    np.testing.assert_allclose(test_line.get_ydata(), (-test).mean(axis=1))
    np.testing.assert_allclose(train_line.get_xdata(), n)
    assert len(d.fill_between_) == 2
    band = d.fill_between_[1].get_paths()[0].vertices[:, 1]
    mean, std = (-test).mean(axis=1), (-test).std(axis=1)
    assert band.min() == pytest.approx((mean - std).min())
    assert band.max() == pytest.approx((mean + std).max())
    assert d.ax_.get_xlabel() == "Number of training samples"
    assert [t.get_text() for t in d.ax_.get_legend().get_texts()] == ["Train", "Test"]


def test_plot_on_given_axes(binary):
    clf, X, y = binary
    fig, (a, b) = plt.subplots(1, 2)
    d = LossCurveDisplay.from_estimator(clf, X, y, ax=a)
    assert d.ax_ is a and d.figure_ is fig
    d2 = ReliabilityDisplay.from_estimator(clf, X, y, ax=b)
    assert d2.ax_ is b
    d2.plot(ax=a, name="again")
    assert d2.ax_ is a and "again (positive-class ECE" in d2.line_.get_label()
