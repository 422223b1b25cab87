"""log_loss, log_loss_per_class, perplexity, d2_log_loss_score against scikit-learn.

References come from outside the code under test: scikit-learn 1.9 side by side
(compared with ``==``, bit for bit), closed forms written out here, and published
examples (scikit-learn's docstring value).
"""

import math
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from sklearn.exceptions import UndefinedMetricWarning

from sklearn_ext.metrics import (
    PerClassLogLoss,
    d2_log_loss_score,
    log_loss,
    log_loss_per_class,
    perplexity,
)


def _random_case(seed):
    """Random probabilities, targets, labels and weights of varied kinds."""
    rng = np.random.default_rng(seed)
    n = int(rng.choice([2, 3, 5, 17, 64, 129, 1000, 9000]))
    k = int(rng.integers(2, min(12, n + 1)))
    dtype = (np.float32, np.float64)[seed % 2]
    proba = rng.random((n, k)) ** 3
    if rng.random() < 0.3:
        proba[rng.random((n, k)) < 0.2] = 0.0  # exercise the clipping
    proba[:, 0] += 1e-3
    proba /= proba.sum(axis=1, keepdims=True)
    if rng.random() < 0.2:
        proba = np.clip(proba * 1.001, 0, 1)  # rows not summing to one
    proba = proba.astype(dtype)
    if rng.random() < 0.2:
        proba = np.asfortranarray(proba)
    y = rng.integers(0, k, n)
    y[:k] = np.arange(k)
    rng.shuffle(y)
    labels = None
    kind = seed % 5
    if kind == 1:
        y = np.array([f"class{i:02d}" for i in range(k)])[y]
    elif kind == 2:
        y = y * 7 - 3
    elif kind == 3:
        labels = list(range(k))
        y = np.where(y == k - 1, 0, y)  # a class absent from y_true
    elif kind == 4:
        y = (y * 10**9).astype(np.int64)  # wide range: the sorting path
    if k == 2 and rng.random() < 0.5:
        proba = np.ascontiguousarray(proba[:, 1])
    weights = [
        None,
        rng.random(n),
        rng.integers(1, 5, n),
        rng.random(n).astype(np.float32),
    ][int(rng.integers(0, 4))]
    return y, proba, labels, weights


@pytest.mark.parametrize("seed", range(120))
def test_bit_for_bit_with_sklearn(seed):
    y, proba, labels, weights = _random_case(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for normalize in (True, False):
            expected = skm.log_loss(
                y, proba, normalize=normalize, sample_weight=weights, labels=labels
            )
            got = log_loss(
                y, proba, normalize=normalize, sample_weight=weights, labels=labels
            )
            assert got == expected
        expected = skm.d2_log_loss_score(y, proba, sample_weight=weights, labels=labels)
        assert d2_log_loss_score(y, proba, sample_weight=weights, labels=labels) == (
            expected
        )


def test_sklearn_docstring_value():
    y = ["spam", "ham", "ham", "spam"]
    p = [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]
    assert log_loss(y, p) == 0.21616187468057912


def test_three_samples_per_sample_and_total():
    # true-class probabilities 0.57, 0.58, 0.52: -ln gives 0.56, 0.54, 0.65 nats
    y = [1, 1, 0]
    p = [0.57, 0.58, 0.48]
    per_sample = log_loss(y, p, reduction="none")
    np.testing.assert_array_equal(per_sample.round(2), [0.56, 0.54, 0.65])
    np.testing.assert_allclose(per_sample, -np.log([0.57, 0.58, 0.52]), rtol=1e-15)
    total = -math.log(0.57) - math.log(0.58) - math.log(0.52)
    assert round(total, 2) == 1.76
    assert log_loss(y, p, normalize=False) == pytest.approx(total, rel=1e-15)
    assert log_loss(y, p, reduction="sum") == log_loss(y, p, normalize=False)
    assert log_loss(y, p, reduction="mean") == log_loss(y, p)


def test_float32_clipping_uses_float32_eps():
    p32 = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    eps32 = float(np.finfo(np.float32).eps)
    assert log_loss([0, 1], p32) == pytest.approx(-math.log(eps32), rel=1e-6)
    assert log_loss([0, 1], p32) == skm.log_loss([0, 1], p32)
    eps64 = float(np.finfo(np.float64).eps)
    assert log_loss([0, 1], p32.astype(np.float64)) == -math.log(eps64)


def test_large_binary_and_integer_inputs_match_sklearn():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 30_000)
    p = rng.random(30_000)
    assert log_loss(y, p) == skm.log_loss(y, p)
    assert log_loss(y.astype(bool), p) == skm.log_loss(y.astype(bool), p)
    assert log_loss(y.astype(np.uint8), p) == skm.log_loss(y.astype(np.uint8), p)
    y3 = rng.integers(-2, 1, 20_000)
    p3 = rng.dirichlet(np.ones(3), 20_000)
    assert log_loss(y3, p3) == skm.log_loss(y3, p3)


def test_indicator_and_column_targets_match_sklearn():
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(4), 50)
    y = rng.integers(0, 4, 50)
    onehot = np.eye(4, dtype=int)[y]
    assert log_loss(onehot, p) == skm.log_loss(onehot, p)
    assert log_loss(y[:, None], p) == log_loss(y, p)


def test_unsorted_labels_sorted_with_sklearns_warning():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(3), 40)
    y = rng.choice(["a", "b", "c"], 40)
    labels = ["c", "a", "b"]
    with pytest.warns(UserWarning, match="assumes labels are ordered") as ours:
        got = log_loss(y, p, labels=labels)
    with pytest.warns(UserWarning, match="assumes labels are ordered") as theirs:
        expected = skm.log_loss(y, p, labels=labels)
    assert got == expected == log_loss(y, p)
    assert str(ours[0].message) == str(theirs[0].message)
    assert ours[0].filename == __file__  # attributed to the caller


@pytest.mark.parametrize("convention", ["keras", "torch"])
def test_unsorted_labels_follow_the_given_order_elsewhere(convention):
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(3), 40)
    y = rng.choice(["a", "b", "c"], 40)
    perm = [2, 0, 1]
    labels = np.array(["a", "b", "c"])[perm]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = log_loss(y, p[:, perm], labels=labels, convention=convention)
    assert got == log_loss(y, p, convention=convention)


def test_warning_when_rows_do_not_sum_to_one():
    with pytest.warns(UserWarning, match="do not sum to one"):
        log_loss([0, 1], [[0.5, 0.4], [0.3, 0.7]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_loss([0, 1], [[0.5, 0.5 + 1e-9], [0.3, 0.7]])  # within sklearn's rtol


def test_base_and_label_smoothing_closed_forms():
    y = [0, 1, 2, 1]
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.3, 0.5], [0.3, 0.3, 0.4]])
    nats = log_loss(y, p)
    assert log_loss(y, p, base=2) == pytest.approx(nats / math.log(2), rel=1e-15)
    assert log_loss(y, p, base=10) == pytest.approx(math.log10(math.e) * nats)
    s, k = 0.1, 3
    targets = (1 - s) * np.eye(k)[y] + s / k
    expected = np.mean(-(targets * np.log(p)).sum(axis=1))
    assert log_loss(y, p, label_smoothing=s) == pytest.approx(expected, rel=1e-14)


def test_reduction_none_keeps_dtype_and_ignores_weights():
    p = np.array([[0.2, 0.8], [0.6, 0.4]], dtype=np.float32)
    out = log_loss([1, 0], p, reduction="none", sample_weight=[3, 1])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, -np.log([0.8, 0.6]), rtol=1e-6)


def test_per_class_breakdown():
    rng = np.random.default_rng(5)
    y = rng.choice(["x", "y", "z"], 200)
    p = rng.dirichlet(np.ones(4), 200)
    w = rng.random(200)
    labels = ["w", "x", "y", "z"]  # "w" has no sample
    r = log_loss_per_class(y, p, labels=labels, sample_weight=w)
    assert isinstance(r, PerClassLogLoss)
    assert r.labels.tolist() == labels
    assert r.support.tolist() == [int((y == c).sum()) for c in labels]
    assert np.isnan(r.loss[0]) and r.weight[0] == 0
    per_sample = log_loss(y, p, labels=labels, reduction="none")
    for j, c in enumerate(labels[1:], start=1):
        m = y == c
        assert r.loss[j] == pytest.approx(np.average(per_sample[m], weights=w[m]))
    ok = r.weight > 0
    mean = np.sum(r.weight[ok] * r.loss[ok]) / r.weight.sum()
    assert mean == pytest.approx(log_loss(y, p, labels=labels, sample_weight=w))
    assert r.total == log_loss(y, p, labels=labels, sample_weight=w)
    nats = log_loss_per_class(y, p, labels=labels)
    bits = log_loss_per_class(y, p, labels=labels, base=2)
    assert bits.total == pytest.approx(log_loss(y, p, labels=labels, base=2))
    np.testing.assert_allclose(bits.loss[1:], nats.loss[1:] / math.log(2), rtol=1e-15)


def test_perplexity():
    assert perplexity([0, 1, 2, 3], np.full((4, 4), 0.25)) == pytest.approx(4.0)
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(3), 30)
    y = rng.integers(0, 3, 30)
    value = perplexity(y, p)
    assert value == pytest.approx(math.exp(skm.log_loss(y, p)), rel=1e-15)
    assert perplexity(y, p, base=2) == value
    assert 2 ** log_loss(y, p, base=2) == pytest.approx(value, rel=1e-14)


def test_d2_few_samples_warns_and_returns_nan():
    with pytest.warns(UndefinedMetricWarning):
        assert math.isnan(d2_log_loss_score([1], [0.3]))


@pytest.mark.parametrize(
    ("kwargs", "param", "shown"),
    [
        ({"y_proba": [[0.5, np.nan], [0.5, 0.5]]}, "y_proba", "nan"),
        ({"y_proba": [[0.5, np.inf], [0.5, 0.5]]}, "y_proba", "inf"),
        ({"y_proba": [[1.5, -0.5], [0.5, 0.5]]}, "y_proba", "-0.5"),
        ({"y_proba": [0.2, 1.2]}, "y_proba", "1.2"),
        ({"y_proba": [[0.5, 0.5]] * 3}, "y_true", "3"),
        ({"y_proba": [[0.2, 0.3, 0.5]] * 2}, "y_proba", "3"),
        ({"labels": [0, 2]}, "y_true", "1"),
        ({"labels": [0, 1, 1]}, "labels", "1"),
        ({"y_true": [1, 1]}, "y_true", "1"),
        ({"y_true": [], "y_proba": np.zeros((0, 2))}, "y_proba", "shape (0, 2)"),
        ({"sample_weight": [1.0]}, "sample_weight", "1.0"),
        ({"sample_weight": [1.0, -2.0]}, "sample_weight", "-2.0"),
        ({"sample_weight": [0.0, 0.0]}, "sample_weight", "0.0"),
        ({"base": 1}, "base", "1"),
        ({"label_smoothing": 1.0}, "label_smoothing", "1.0"),
        ({"reduction": "avg"}, "reduction", "avg"),
        ({"reduction": "sum", "normalize": False}, "normalize", "False"),
        ({"convention": "jax"}, "convention", "jax"),
        ({"y_true": [0.5, 1.0]}, "y_true", "0.5"),
    ],
)
def test_errors_name_parameter_and_value(kwargs, param, shown):
    args = {"y_true": [0, 1], "y_proba": [[0.6, 0.4], [0.3, 0.7]], **kwargs}
    with pytest.raises(ValueError, match=f"'{param}'") as info:
        log_loss(args.pop("y_true"), args.pop("y_proba"), **args)
    assert "log_loss" in str(info.value) and shown in str(info.value)


def test_sklearn_raises_in_the_same_situations():
    cases = [
        ([0, 1], [[0.5, np.nan], [0.5, 0.5]], {}),
        ([0, 1], [[1.5, -0.5], [0.5, 0.5]], {}),
        ([0, 1, 1], [[0.5, 0.5]] * 2, {}),
        ([0, 1], [[0.2, 0.3, 0.5]] * 2, {}),
        ([0, 1], [[0.5, 0.5]] * 2, {"labels": [0, 2]}),
        ([1, 1], [[0.5, 0.5]] * 2, {}),
        ([0, 1], [[0.5, 0.5]] * 2, {"sample_weight": [1.0]}),
    ]
    for y, p, kw in cases:
        with pytest.raises(ValueError):
            skm.log_loss(y, p, **kw)
        with pytest.raises(ValueError):
            log_loss(y, p, **kw)
