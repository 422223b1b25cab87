"""cross_entropy_report: every number against an independent computation."""

import sys

import numpy as np
import pytest
from scipy.stats import entropy as sp_entropy
from sklearn.metrics import d2_log_loss_score as sk_d2
from sklearn.metrics import log_loss as sk_log_loss

from sklearn_ext import cross_entropy_report
from sklearn_ext._report_format import band
from sklearn_ext.report import expected_calibration_error

CLASSES = np.array(["ant", "bee", "cow"])


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    n = 300
    p = rng.dirichlet([2.0, 1.0, 1.0], size=n)
    y = CLASSES[[rng.choice(3, p=row) for row in p]]
    w = rng.uniform(0.2, 2.0, size=n)
    return y, p, w


def _ece_brute(y_idx, p, w, n_bins):
    total = 0.0
    conf = p.max(axis=1)
    correct = p.argmax(axis=1) == y_idx
    for m in range(n_bins):
        lo, hi = m / n_bins, (m + 1) / n_bins
        inside = (conf > lo) & (conf <= hi) if m else (conf <= hi)
        if inside.any():
            acc = np.average(correct[inside], weights=w[inside])
            cm = np.average(conf[inside], weights=w[inside])
            total += w[inside].sum() / w.sum() * abs(acc - cm)
    return total


@pytest.mark.parametrize("weighted", [False, True])
def test_every_number(data, weighted):
    y, p, w = data
    sw = w if weighted else None
    ww = w if weighted else np.ones(len(y))
    r = cross_entropy_report(y, p, sample_weight=sw, output="dict")
    idx = np.searchsorted(CLASSES, y)
    losses = -np.log(p[np.arange(len(y)), idx])
    for k, c in enumerate(CLASSES):
        row, m = r["per_class"][c], y == c
        assert row["support"] == m.sum()
        want = sk_log_loss(y[m], p[m], labels=CLASSES, sample_weight=ww[m])
        np.testing.assert_allclose(row["log_loss"], want, rtol=1e-12)
        share = (ww[m] * losses[m]).sum() / (ww * losses).sum()
        np.testing.assert_allclose(row["loss_share"], share, rtol=1e-12)
        np.testing.assert_allclose(
            row["mean_p_true"], np.average(p[m, k], weights=ww[m]), rtol=1e-12
        )
    o = r["overall"]
    ll = sk_log_loss(y, p, sample_weight=sw)
    np.testing.assert_allclose(o["log_loss"], ll, rtol=1e-12)
    np.testing.assert_allclose(o["log_loss_bits"], ll / np.log(2), rtol=1e-12)
    onehot = (y[:, None] == CLASSES).astype(float)
    prior = np.average(onehot, axis=0, weights=ww)
    baseline = sk_log_loss(y, np.tile(prior, (len(y), 1)), sample_weight=sw)
    np.testing.assert_allclose(o["baseline_log_loss"], baseline, rtol=1e-12)
    np.testing.assert_allclose(o["d2_log_loss"], sk_d2(y, p, sample_weight=sw),
                               rtol=1e-12)  # fmt: skip
    np.testing.assert_allclose(o["d2_log_loss"], 1 - ll / baseline, rtol=1e-12)
    np.testing.assert_allclose(
        o["mean_entropy"], np.average(sp_entropy(p, axis=1), weights=ww), rtol=1e-12
    )
    mean_pred = np.average(p, axis=0, weights=ww)
    np.testing.assert_allclose(o["kl_prior"], sp_entropy(prior, mean_pred),
                               rtol=1e-10)  # fmt: skip
    np.testing.assert_allclose(o["perplexity"], np.exp(ll), rtol=1e-12)
    np.testing.assert_allclose(o["ece"], _ece_brute(idx, p, ww, 10), rtol=1e-12)
    assert r["all"]["support"] == len(y) and r["all"]["loss_share"] == 1.0
    np.testing.assert_allclose(
        sum(v["loss_share"] for v in r["per_class"].values()), 1.0, rtol=1e-12
    )


def test_ece_hand_case():
    # 5 samples, 4 bins of width 0.25; conf on an edge (0.75) goes to (0.5, 0.75]
    y = [0, 1, 1, 0, 1]
    p = [[0.9, 0.1], [0.2, 0.8], [0.75, 0.25], [0.6, 0.4], [0.55, 0.45]]
    # bin (0.75, 1]: conf 0.9 (right), 0.8 (right): acc 1, conf 0.85 -> 2/5 * 0.15
    # bin (0.5, 0.75]: conf 0.75 (wrong), 0.6 (right), 0.55 (wrong):
    #   acc 1/3, conf 0.6333.. -> 3/5 * 0.3
    want = 2 / 5 * 0.15 + 3 / 5 * abs(1 / 3 - 1.9 / 3)
    assert expected_calibration_error(y, p, n_bins=4) == pytest.approx(want, 1e-14)
    r = cross_entropy_report(y, p, output="dict", n_bins=4)
    assert r["overall"]["ece"] == pytest.approx(want, rel=1e-14)
    # weights count like repeated samples
    w = [1, 1, 2, 1, 1]
    y2, p2 = [*y, 1], [*p, [0.75, 0.25]]
    assert expected_calibration_error(y, p, sample_weight=w, n_bins=4) == (
        pytest.approx(expected_calibration_error(y2, p2, n_bins=4), rel=1e-14)
    )


def test_binary_1d_proba_and_labels_order():
    y = np.array([0, 1, 1, 0, 1])
    p1 = np.array([0.2, 0.7, 0.9, 0.4, 0.6])
    r1 = cross_entropy_report(y, p1, output="dict")
    r2 = cross_entropy_report(y, np.column_stack([1 - p1, p1]), output="dict")
    assert r1 == r2
    assert r1["overall"]["log_loss"] == sk_log_loss(y, p1)
    # absent class with explicit labels: support 0, NaN loss, share 0
    r = cross_entropy_report([0, 0, 1], [[0.7, 0.2, 0.1]] * 3, labels=[0, 1, 2],
                             output="dict")  # fmt: skip
    row = r["per_class"]["2"]
    assert row["support"] == 0 and np.isnan(row["log_loss"]) and row["loss_share"] == 0


def test_text_frame_and_names(data):
    y, p, _ = data
    text = cross_entropy_report(y, p, target_names=["A", "B", "C"], digits=3)
    d = cross_entropy_report(y, p, output_dict=True)
    assert f"{d['overall']['log_loss']:.3f}" in text
    assert text.splitlines()[2].split()[0] == "A"
    assert "rough band" not in text
    pd = pytest.importorskip("pandas")
    frame = cross_entropy_report(y, p, output="frame")
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.index) == ["ant", "bee", "cow", "all"]
    assert frame.loc["bee", "log_loss"] == d["per_class"]["bee"]["log_loss"]
    assert frame.attrs["overall"] == d["overall"]


def test_pandas_missing(data, monkeypatch):
    y, p, _ = data
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="needs pandas"):
        cross_entropy_report(y, p, output="frame")


@pytest.mark.parametrize(
    ("ll", "label"),
    [(0.0, "perfect"), (0.01, "great"), (0.02, "on the right track"),
     (0.1, "fine"), (0.2, "mediocre"), (0.3, "mediocre"), (0.31, "not great"),
     (1.0, "not great"), (1.5, "terrible"), (2.0, "terrible"),
     (2.01, "something is broken")],
)  # fmt: skip
def test_bands(ll, label):
    assert band(ll) == label


def test_bands_in_report(data):
    y, p, _ = data
    d = cross_entropy_report(y, p, output="dict", bands=True)
    assert d["overall"]["band"] == band(d["overall"]["log_loss"])
    text = " ".join(cross_entropy_report(y, p, bands=True).split())
    assert "ROUGH guide" in text and "D2 skill" in text and "our label" in text


def test_errors(data):
    y, p, _ = data
    with pytest.raises(ValueError, match="'output' parameter of cross_entropy_re"):
        cross_entropy_report(y, p, output="html")
    with pytest.raises(ValueError, match="output_dict"):
        cross_entropy_report(y, p, output="frame", output_dict=True)
    with pytest.raises(ValueError, match="target_names"):
        cross_entropy_report(y, p, target_names=["a"])
    with pytest.raises(ValueError, match="n_bins"):
        cross_entropy_report(y, p, n_bins=0)
    with pytest.raises(ValueError, match="digits"):
        cross_entropy_report(y, p, digits=1.5)
    with pytest.raises(ValueError, match="y_proba"):
        cross_entropy_report(y, p[:, :2])


def test_target_names_follow_labels_as_given_like_classification_report():
    # Columns follow the sorted classes (log_loss's rule, with its warning), but
    # target_names name the labels in the order the user gave them, as in
    # scikit-learn's classification_report.
    from sklearn.metrics import classification_report

    y = np.array(["b", "a", "c", "a", "b", "c", "b"])
    proba = np.full((7, 3), 1.0 / 3.0)
    labels, names = ["b", "a", "c"], ["Bee", "Ay", "Cee"]
    with pytest.warns(UserWarning, match="ordered lexicographically"):
        ours = cross_entropy_report(
            y, proba, labels=labels, target_names=names, output="dict"
        )
    theirs = classification_report(
        y, y, labels=labels, target_names=names, output_dict=True
    )
    assert {k: v["support"] for k, v in ours["per_class"].items()} == {
        k: theirs[k]["support"] for k in names
    }
