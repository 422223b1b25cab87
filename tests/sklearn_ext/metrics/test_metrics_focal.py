"""Focal loss (Lin et al. 2017) against a brute-force formula and the cross-entropy."""

import math

import numpy as np
import pytest

from sklearn_ext.metrics import (
    binary_cross_entropy,
    binary_focal_loss,
    categorical_cross_entropy,
    categorical_focal_loss,
)

KERAS_EPS = 1e-7


def _clip(p):
    return min(max(p, KERAS_EPS), 1 - KERAS_EPS)


def _sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def _binary_fl(y, p, gamma, alpha):
    """Lin et al. eq. (5), one term per class, weighted by the (soft) target."""
    a1, a0 = (1.0, 1.0) if alpha is None else (alpha, 1 - alpha)
    return -(
        y * a1 * (1 - p) ** gamma * math.log(p)
        + (1 - y) * a0 * p**gamma * math.log(1 - p)
    )


def _categorical_fl(y_row, p_row, gamma, alpha):
    total = 0.0
    for k, (y, p) in enumerate(zip(y_row, p_row, strict=True)):
        a = 1.0 if alpha is None else (alpha if np.ndim(alpha) == 0 else alpha[k])
        total -= a * y * (1 - p) ** gamma * math.log(p)
    return total


@pytest.fixture
def binary_data():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=40).astype(float)
    y[:5] = [0.2, 0.7, 1.0, 0.0, 0.5]  # a few soft targets
    p = rng.uniform(0.0, 1.0, size=40)
    p[5:8] = [0.0, 1.0, 1e-9]  # hit the clip bounds
    return y, p


@pytest.mark.parametrize(("gamma", "alpha"), [(2.0, 0.25), (0.5, None), (3.0, 0.9)])
def test_binary_matches_brute_force(binary_data, gamma, alpha):
    y, p = binary_data
    want = [_binary_fl(a, _clip(b), gamma, alpha) for a, b in zip(y, p, strict=True)]
    got = binary_focal_loss(y, p, gamma=gamma, alpha=alpha, reduction="none")
    np.testing.assert_allclose(got, want, rtol=1e-12)
    z = np.linspace(-12, 12, 40)
    want = [_binary_fl(a, _sigmoid(b), gamma, alpha) for a, b in zip(y, z, strict=True)]
    got = binary_focal_loss(
        y, z, gamma=gamma, alpha=alpha, from_logits=True, reduction="none"
    )
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_binary_alpha_weights_positive_class_as_lin_et_al():
    # y = 1: alpha (1 - p)^g (-log p); y = 0: (1 - alpha) p^g (-log(1 - p)).
    pos = binary_focal_loss([1], [0.6], gamma=2.0, alpha=0.25)
    neg = binary_focal_loss([0], [0.4], gamma=2.0, alpha=0.25)
    assert pos == pytest.approx(0.25 * 0.4**2 * -math.log(0.6), rel=1e-14)
    assert neg == pytest.approx(0.75 * 0.4**2 * -math.log(0.6), rel=1e-14)


def test_binary_extreme_logits_exact():
    got = binary_focal_loss([0.0], [1000.0], from_logits=True, gamma=2.0, alpha=0.25)
    assert got == 750.0  # (1 - alpha) * 1 ** gamma * 1000
    assert binary_focal_loss([1.0], [1000.0], from_logits=True) == 0.0


@pytest.mark.parametrize("from_logits", [False, True])
def test_gamma_zero_no_alpha_is_cross_entropy_exactly(binary_data, from_logits):
    y, p = binary_data
    x = p * 20 - 10 if from_logits else p
    for yy, xx in ((y, x), (y.reshape(8, 5), x.reshape(8, 5))):
        np.testing.assert_array_equal(
            binary_focal_loss(
                yy, xx, gamma=0.0, alpha=None, from_logits=from_logits, reduction="none"
            ),
            binary_cross_entropy(yy, xx, from_logits=from_logits, reduction="none"),
        )
    rng = np.random.default_rng(3)
    scores = rng.uniform(0.0, 1.0, size=(30, 4))
    scores = scores * 20 - 10 if from_logits else scores
    onehot = np.eye(4)[rng.integers(0, 4, size=30)]
    np.testing.assert_array_equal(
        categorical_focal_loss(
            onehot, scores, gamma=0.0, from_logits=from_logits, reduction="none"
        ),
        categorical_cross_entropy(
            onehot, scores, from_logits=from_logits, reduction="none"
        ),
    )


def test_focusing_only_lowers_the_loss(binary_data):
    y, p = binary_data
    ce = binary_cross_entropy(y, p, reduction="none")
    fl = binary_focal_loss(y, p, gamma=2.0, alpha=None, reduction="none")
    assert np.all(fl <= ce)
    assert np.all(fl[ce > 0.1] < ce[ce > 0.1])


@pytest.mark.parametrize("alpha", [None, 0.25, [0.1, 0.2, 0.3, 0.4]])
@pytest.mark.parametrize("gamma", [0.0, 2.0, 4.5])
def test_categorical_matches_brute_force(alpha, gamma):
    rng = np.random.default_rng(1)
    scores = rng.uniform(0.0, 1.0, size=(25, 4))
    scores[0] = [0.0, 1.0, 0.0, 0.0]
    labels = rng.integers(0, 4, size=25)
    soft = rng.dirichlet(np.ones(4), size=25)
    proba = scores / scores.sum(axis=1, keepdims=True)
    for y in (np.eye(4)[labels], soft):
        want = [
            _categorical_fl(t, [_clip(v) for v in r], gamma, alpha)
            for t, r in zip(y, proba, strict=True)
        ]
        got = categorical_focal_loss(
            y, scores, gamma=gamma, alpha=alpha, reduction="none"
        )
        np.testing.assert_allclose(got, want, rtol=1e-12)
    z = rng.normal(scale=4.0, size=(25, 4))
    p_z = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    want = [
        _categorical_fl(t, r, gamma, alpha)
        for t, r in zip(np.eye(4)[labels], p_z, strict=True)
    ]
    got = categorical_focal_loss(
        labels, z, gamma=gamma, alpha=alpha, from_logits=True, reduction="none"
    )
    np.testing.assert_allclose(got, want, rtol=1e-11)


def test_categorical_labels_onehot_axis_and_reductions():
    rng = np.random.default_rng(2)
    scores = rng.uniform(0.1, 1.0, size=(4, 4))
    labels = np.array([3, 0, 2, 2])
    per = categorical_focal_loss(labels, scores, reduction="none", base=2)
    np.testing.assert_array_equal(
        per, categorical_focal_loss(np.eye(4)[labels], scores, reduction="none", base=2)
    )
    np.testing.assert_array_equal(
        per,
        categorical_focal_loss(
            np.eye(4)[labels].T, scores.T, axis=0, reduction="none", base=2
        ),
    )
    w = np.array([1.0, 0.0, 2.0, 3.0])
    assert categorical_focal_loss(
        labels, scores, sample_weight=w, base=2
    ) == pytest.approx((w * per).sum() / w.sum(), rel=1e-14)
    assert categorical_focal_loss(labels, scores) == pytest.approx(
        per.mean() * math.log(2), rel=1e-14
    )


@pytest.mark.parametrize(
    ("func", "kwargs", "match"),
    [
        (binary_focal_loss, {"gamma": -1.0}, "'gamma' parameter of binary_focal"),
        (binary_focal_loss, {"gamma": np.nan}, "'gamma' parameter"),
        (binary_focal_loss, {"alpha": 1.5}, "'alpha' parameter of binary_focal"),
        (binary_focal_loss, {"alpha": "x"}, "'alpha' parameter"),
        (binary_focal_loss, {"reduction": "max"}, "'reduction' parameter"),
        (binary_focal_loss, {"base": 0}, "'base' parameter"),
        (categorical_focal_loss, {"gamma": -0.5}, "'gamma' parameter of categorical"),
        (categorical_focal_loss, {"alpha": [1.0, 2.0, 3.0]}, "'alpha' parameter"),
        (categorical_focal_loss, {"alpha": -0.25}, "'alpha' parameter"),
        (categorical_focal_loss, {"alpha": [1.0, np.inf]}, "'alpha' parameter"),
        (categorical_focal_loss, {"from_logits": None}, "'from_logits' parameter"),
    ],
)
def test_bad_parameters_rejected(func, kwargs, match):
    if func is binary_focal_loss:
        args = ([1, 0], [0.7, 0.2])
    else:
        args = ([1, 0], [[0.3, 0.7], [0.6, 0.4]])
    with pytest.raises(ValueError, match=match):
        func(*args, **kwargs)


def test_bad_arrays_rejected():
    with pytest.raises(ValueError, match="'y_pred' parameter of binary_focal_loss"):
        binary_focal_loss([1, 0], [0.7, np.nan])
    with pytest.raises(ValueError, match="'y_true' parameter of categorical_focal"):
        categorical_focal_loss([2, 0], [[0.3, 0.7], [0.6, 0.4]])
    with pytest.raises(ValueError, match="'sample_weight' parameter"):
        categorical_focal_loss([1, 0], [[0.3, 0.7], [0.6, 0.4]], sample_weight=[1])


# -------------------------------------------------- convention="keras" ---
def test_keras_focal_from_logits_clips_after_the_sigmoid():
    # Keras: sigmoid(1000) = 1, clipped to 1 - 1e-7: -log(1 - (1 - 1e-7)) = 16.12,
    # focal factor (1 - p_t)^2 = 1 with p_t = 0, alpha_t = 0.75; label mean float32
    got = binary_focal_loss([0.0], [1000.0], from_logits=True, convention="keras")
    assert got == float(np.float32(0.75 * -math.log(1 - (1 - 1e-7))))
    assert binary_focal_loss([0.0], [1000.0], from_logits=True) == 750.0


def test_keras_focal_soft_target_uses_p_t():
    y, p, g = 0.3, 0.8, 2.0
    got = binary_focal_loss(
        [y], [p], gamma=g, alpha=None, reduction="none", convention="keras"
    )
    p_t = y * p + (1 - y) * (1 - p)
    bce = -(y * math.log(p) + (1 - y) * math.log(1 - p))
    assert got[0] == pytest.approx(float(np.float32((1 - p_t) ** g * bce)), rel=1e-7)


def test_keras_categorical_focal_from_logits_is_capped():
    got = categorical_focal_loss(
        [0], [[-1000.0, 1000.0]], gamma=0.0, from_logits=True, convention="keras"
    )
    assert got == pytest.approx(-math.log(1e-7), rel=1e-9)
    z = [[-1000.0, 1000.0]]
    assert categorical_focal_loss([0], z, gamma=0.0, from_logits=True) == 2000.0


def test_keras_focal_keeps_float32():
    z = np.float32([[0.2, 0.8], [0.6, 0.4]])
    got = categorical_focal_loss([1, 0], z, reduction="none", convention="keras")
    assert got.dtype == np.float32
    assert (
        binary_focal_loss(
            np.float32([1, 0]),
            np.float32([0.9, 0.2]),
            reduction="none",
            convention="keras",
        ).dtype
        == np.float32
    )
