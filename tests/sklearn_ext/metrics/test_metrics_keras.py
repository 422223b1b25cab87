"""Keras-style cross-entropies against closed forms and sklearn.metrics.log_loss."""

import math

import numpy as np
import pytest
from sklearn.metrics import log_loss

from sklearn_ext.metrics import (
    binary_cross_entropy,
    categorical_cross_entropy,
    cross_entropy_gradient,
    sparse_categorical_cross_entropy,
)

KERAS_EPS = 1e-7  # keras.backend.epsilon(), written out independently


def _bce_closed_form(y, p):
    p = min(max(p, KERAS_EPS), 1 - KERAS_EPS)
    return -(y * math.log(p) + (1 - y) * math.log(1 - p))


def _logsig(z):  # log(1 / (1 + e^-z)), one exact branch per sign
    return -math.log1p(math.exp(-z)) if z >= 0 else z - math.log1p(math.exp(z))


@pytest.fixture
def binary_data():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=60)
    p = rng.uniform(0.01, 0.99, size=60)
    w = rng.uniform(0.0, 3.0, size=60)
    return y, p, w


@pytest.fixture
def multiclass_data():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 4, size=50)
    labels[:4] = [0, 1, 2, 3]
    scores = rng.uniform(0.05, 1.0, size=(50, 4))
    proba = scores / scores.sum(axis=1, keepdims=True)
    return labels, scores, proba, np.eye(4)[labels]


# -------------------------------------------------------------- binary ---
def test_bce_equals_sklearn_log_loss_away_from_clip(binary_data):
    y, p, w = binary_data
    assert binary_cross_entropy(y, p) == pytest.approx(log_loss(y, p), rel=1e-13)
    assert binary_cross_entropy(y, p, sample_weight=w) == pytest.approx(
        log_loss(y, p, sample_weight=w), rel=1e-13
    )


def test_bce_closed_form_with_clipping_smoothing_and_base():
    y = [1, 0, 1, 0, 0.3]
    p = [0.0, 1.0, 0.7, 0.2, 0.6]
    per = [_bce_closed_form(a, b) for a, b in zip(y, p, strict=True)]
    np.testing.assert_allclose(
        binary_cross_entropy(y, p, reduction="none"), per, rtol=1e-14
    )
    assert per[0] == pytest.approx(-math.log(1e-7))  # clipped, not inf
    s = 0.2
    smooth = [
        _bce_closed_form(a * (1 - s) + 0.5 * s, b) for a, b in zip(y, p, strict=True)
    ]
    assert binary_cross_entropy(y, p, label_smoothing=s) == pytest.approx(
        sum(smooth) / 5, rel=1e-14
    )
    assert binary_cross_entropy(y, p, base=2) == pytest.approx(
        sum(per) / 5 / math.log(2), rel=1e-14
    )


def test_bce_from_logits_exact_at_extremes():
    assert binary_cross_entropy([0.0], [1000.0], from_logits=True) == 1000.0
    assert binary_cross_entropy([1.0], [-1000.0], from_logits=True) == 1000.0
    assert binary_cross_entropy([1.0], [1000.0], from_logits=True) == 0.0
    z = np.array([-30.0, -2.0, 0.0, 0.5, 12.0])
    y = np.array([1.0, 0.0, 1.0, 0.4, 0.0])
    want = [
        -(a * _logsig(b) + (1 - a) * _logsig(-b)) for a, b in zip(y, z, strict=True)
    ]
    np.testing.assert_allclose(
        binary_cross_entropy(y, z, from_logits=True, reduction="none"),
        want,
        rtol=1e-14,
    )


def test_bce_multilabel_is_mean_over_labels():
    y = np.array([[1, 0, 1], [0, 0, 1]])
    p = np.array([[0.9, 0.2, 0.6], [0.3, 0.1, 0.8]])
    want = [
        np.mean([_bce_closed_form(a, b) for a, b in zip(r, q, strict=True)])
        for r, q in zip(y, p, strict=True)
    ]
    got = binary_cross_entropy(y, p, reduction="none")
    np.testing.assert_allclose(got, want, rtol=1e-14)
    assert got.shape == (2,)


def test_bce_column_shapes_are_reconciled(binary_data):
    y, p, _ = binary_data
    ref = binary_cross_entropy(y, p)
    assert binary_cross_entropy(y, p[:, None]) == ref
    assert binary_cross_entropy(y[:, None], p) == ref


def test_reductions_and_weights(binary_data):
    y, p, w = binary_data
    per = binary_cross_entropy(y, p, reduction="none")
    assert per.shape == (60,)
    assert binary_cross_entropy(y, p, reduction="sum") == pytest.approx(per.sum())
    weighted = binary_cross_entropy(y, p, sample_weight=w, reduction="none")
    np.testing.assert_allclose(weighted, w * per, rtol=1e-15)  # as Keras
    assert binary_cross_entropy(
        y, p, sample_weight=w, reduction="sum"
    ) == pytest.approx((w * per).sum(), rel=1e-13)
    assert binary_cross_entropy(y, p, sample_weight=w) == pytest.approx(
        (w * per).sum() / w.sum(), rel=1e-13
    )


# --------------------------------------------------------- categorical ---
def test_cce_and_sparse_equal_log_loss(multiclass_data):
    labels, _, proba, onehot = multiclass_data
    ref = log_loss(labels, proba)
    assert categorical_cross_entropy(onehot, proba) == pytest.approx(ref, rel=1e-13)
    assert sparse_categorical_cross_entropy(labels, proba) == pytest.approx(
        ref, rel=1e-13
    )
    w = np.linspace(0.0, 2.0, 50)
    assert sparse_categorical_cross_entropy(
        labels, proba, sample_weight=w
    ) == pytest.approx(log_loss(labels, proba, sample_weight=w), rel=1e-13)


def test_cce_rescales_rows_and_clips(multiclass_data):
    labels, scores, proba, onehot = multiclass_data
    np.testing.assert_allclose(
        categorical_cross_entropy(onehot, scores, reduction="none"),
        -np.log(proba[np.arange(50), labels]),
        rtol=1e-14,
    )
    got = categorical_cross_entropy([[1, 0, 0]], [[0.0, 0.5, 0.5]])
    assert got == pytest.approx(-math.log(1e-7), rel=1e-15)
    near_one = categorical_cross_entropy([[0, 1]], [[0.0, 1.0]])
    assert near_one == pytest.approx(-math.log(1 - 1e-7), rel=1e-12)


def test_cce_from_logits_and_smoothing():
    z = np.array([[2.0, -1.0, 0.5], [0.0, 1000.0, -1000.0]])
    y = np.array([[0.2, 0.5, 0.3], [1.0, 0.0, 0.0]])
    lse = [math.log(sum(math.exp(v - max(r)) for v in r)) + max(r) for r in z]
    want = [
        -sum(a * (v - m) for a, v in zip(t, r, strict=True))
        for t, r, m in zip(y, z, lse, strict=True)
    ]
    got = categorical_cross_entropy(y, z, from_logits=True, reduction="none")
    np.testing.assert_allclose(got, want, rtol=1e-14)
    assert got[1] == 1000.0
    s = 0.3
    smooth = y * (1 - s) + s / 3
    want_s = [
        -sum(a * (v - m) for a, v in zip(t, r, strict=True))
        for t, r, m in zip(smooth, z, lse, strict=True)
    ]
    assert categorical_cross_entropy(
        y, z, from_logits=True, label_smoothing=s
    ) == pytest.approx(np.mean(want_s), rel=1e-14)


def test_cce_axis_zero_is_transpose(multiclass_data):
    _, scores, _, onehot = multiclass_data
    sq_y, sq_p = onehot[:4], scores[:4]  # square: the axis must really be used
    np.testing.assert_array_equal(
        categorical_cross_entropy(sq_y.T, sq_p.T, axis=0, reduction="none"),
        categorical_cross_entropy(sq_y, sq_p, reduction="none"),
    )


def test_sparse_matches_categorical_with_one_hot(multiclass_data):
    labels, scores, _, onehot = multiclass_data
    for from_logits in (False, True):
        np.testing.assert_allclose(
            sparse_categorical_cross_entropy(
                labels, scores, from_logits=from_logits, reduction="none", base=2
            ),
            categorical_cross_entropy(
                onehot, scores, from_logits=from_logits, reduction="none", base=2
            ),
            rtol=1e-15,
        )
    assert sparse_categorical_cross_entropy(
        labels[:, None], scores
    ) == sparse_categorical_cross_entropy(labels.astype(float), scores)


def test_ignore_class_leaves_samples_out(multiclass_data):
    labels, _, proba, _ = multiclass_data
    y = labels.copy()
    y[::3] = 255  # a "void" label outside the class range
    keep = y != 255
    w = np.linspace(0.5, 2.0, 50)
    per = sparse_categorical_cross_entropy(y, proba, ignore_class=255, reduction="none")
    np.testing.assert_array_equal(per[~keep], 0.0)
    assert sparse_categorical_cross_entropy(
        y, proba, ignore_class=255
    ) == pytest.approx(log_loss(labels[keep], proba[keep], labels=range(4)), rel=1e-13)
    assert sparse_categorical_cross_entropy(
        y, proba, ignore_class=255, sample_weight=w
    ) == pytest.approx(
        log_loss(labels[keep], proba[keep], sample_weight=w[keep], labels=range(4)),
        rel=1e-13,
    )
    y2 = labels.copy()
    assert sparse_categorical_cross_entropy(y2, proba, ignore_class=0) == pytest.approx(
        log_loss(y2[y2 != 0], proba[y2 != 0], labels=range(4))
    )


# ------------------------------------------------------------ gradient ---
@pytest.mark.parametrize("soft", [False, True])
def test_gradient_matches_central_differences(soft):
    rng = np.random.default_rng(2)
    z = rng.normal(scale=3.0, size=(20, 5))
    labels = rng.integers(0, 5, size=20)
    y = rng.dirichlet(np.ones(5), size=20) if soft else labels
    y_matrix = y if soft else np.eye(5)[labels]
    h = 1e-6
    fd = np.empty_like(z)
    for k in range(5):
        step = np.zeros_like(z)
        step[:, k] = h
        up = categorical_cross_entropy(
            y_matrix, z + step, from_logits=True, reduction="none"
        )
        down = categorical_cross_entropy(
            y_matrix, z - step, from_logits=True, reduction="none"
        )
        fd[:, k] = (up - down) / (2 * h)
    grad = cross_entropy_gradient(y, z)
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-14)


def test_gradient_of_unnormalised_targets_and_extremes():
    grad = cross_entropy_gradient([[0.5, 0.0]], [[0.0, 0.0]])
    np.testing.assert_allclose(grad, [[0.25 - 0.5, 0.25]])  # sum(y) softmax - y
    np.testing.assert_array_equal(
        cross_entropy_gradient([1], [[1000.0, -1000.0]]), [[1.0, -1.0]]
    )


# -------------------------------------------------------------- errors ---
@pytest.mark.parametrize(
    ("func", "args", "kwargs", "match"),
    [
        (binary_cross_entropy, ([1, 0], [0.5, np.nan]), {}, "'y_pred'.*finite"),
        (
            binary_cross_entropy,
            ([1, 0], [0.5, np.inf]),
            {"from_logits": True},
            "finite",
        ),
        (binary_cross_entropy, ([1, 0], [0.5, 1.5]), {}, r"'y_pred'.*\[0, 1\]"),
        (binary_cross_entropy, ([1, -1], [0.5, 0.5]), {}, "'y_true'.*non-negative"),
        (binary_cross_entropy, ([1, 0], [0.5, 0.5, 0.5]), {}, "'y_pred'.*shape"),
        (binary_cross_entropy, ([1, 0], [0.5, 0.5]), {"base": 1}, "'base' parameter"),
        (binary_cross_entropy, ([1], [0.5]), {"reduction": "avg"}, "'reduction'"),
        (binary_cross_entropy, ([1], [0.5]), {"label_smoothing": 1.0}, "'label_smo"),
        (binary_cross_entropy, ([1], [0.5]), {"label_smoothing": -0.1}, "'label_smo"),
        (binary_cross_entropy, ([1], [0.5]), {"from_logits": "yes"}, "'from_logits'"),
        (binary_cross_entropy, ([1], [0.5]), {"sample_weight": [1, 2]}, "'sample_w"),
        (binary_cross_entropy, ([1], [0.5]), {"sample_weight": [-1]}, "'sample_w"),
        (categorical_cross_entropy, ([[1, 0]], [[0.5, -0.5]]), {}, "'y_pred'.*non-neg"),
        (categorical_cross_entropy, ([[1, 0]], [[0.0, 0.0]]), {}, "positive sum"),
        (categorical_cross_entropy, ([[1, 0]], [[0.5, 0.5, 0]]), {}, "'y_true'.*shape"),
        (categorical_cross_entropy, ([1, 0], [0.5, 0.5]), {}, "'y_pred'.*2-D"),
        (categorical_cross_entropy, ([[1, 0]], [[1, 0]]), {"axis": 2}, "'axis'"),
        (
            categorical_cross_entropy,
            ([[1, 0]], [[1, 0]]),
            {"label_smoothing": 2},
            "'la",
        ),
        (sparse_categorical_cross_entropy, ([2], [[0.5, 0.5]]), {}, r"\[0, 1\]"),
        (sparse_categorical_cross_entropy, ([0.5], [[0.5, 0.5]]), {}, "integer"),
        (sparse_categorical_cross_entropy, ([np.inf], [[0.5, 0.5]]), {}, "integer"),
        (binary_cross_entropy, ([1, 0], [[0.5, 0.5]]), {}, "'y_pred'.*shape"),
        (binary_cross_entropy, ([[[1]]], [[[0.5]]]), {}, "'y_true'.*2-D"),
        (binary_cross_entropy, ([[1]], [[[0.5]]]), {}, "'y_pred'.*2-D"),
        (sparse_categorical_cross_entropy, ([0, 1], [[0.5, 0.5]]), {}, "n_samples=1"),
        (
            sparse_categorical_cross_entropy,
            ([0], [[0.5, 0.5]]),
            {"ignore_class": 1.5},
            "'ignore_class' parameter .* None or an integer",
        ),
        (
            sparse_categorical_cross_entropy,
            ([0], [[0.5, 0.5]]),
            {"ignore_class": "void"},
            "'ignore_class'",
        ),
        (
            sparse_categorical_cross_entropy,
            ([0], [[0.5, 0.5]]),
            {"ignore_class": True},
            "'ignore_class'",
        ),
        (
            sparse_categorical_cross_entropy,
            ([3, 3], [[0.5, 0.5], [0.5, 0.5]]),
            {"ignore_class": 3},
            "'ignore_class' parameter .* at least one sample",
        ),
        (
            sparse_categorical_cross_entropy,
            ([3, 0], [[0.5, 0.5], [0.5, 0.5]]),
            {"ignore_class": 3, "sample_weight": [1.0, 0.0]},
            "'sample_weight'",
        ),
        (cross_entropy_gradient, ([0], [[np.nan, 0.0]]), {}, "'logits'.*finite"),
        (cross_entropy_gradient, ([0], [0.0, 1.0]), {}, "'logits'.*at least 2-D"),
        (cross_entropy_gradient, ([5], [[0.0, 1.0]]), {}, "'y_true'"),
    ],
)
def test_bad_input_names_the_parameter(func, args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        func(*args, **kwargs)


# -------------------------------------------------- convention="keras" ---
# Without Keras installed: dtypes and closed forms. The ulp-level parity with
# Keras itself is in tests/sklearn_ext/compat/test_keras_parity.py.
@pytest.mark.parametrize(
    "func, y, x",
    [
        (binary_cross_entropy, [[1.0, 0.0]], [[0.3, 0.9]]),
        (categorical_cross_entropy, [[0.0, 1.0]], [[0.3, 0.7]]),
        (sparse_categorical_cross_entropy, [1], [[0.3, 0.7]]),
    ],
)
def test_keras_convention_keeps_float32(func, y, x):
    x32 = np.asarray(x, dtype=np.float32)
    got = func(y, x32, reduction="none", convention="keras")
    assert got.dtype == np.float32
    assert func(y, x32, reduction="none").dtype == np.float64  # "exact"
    assert func(y, np.asarray(x), reduction="none", convention="keras").dtype == (
        np.float64
    )


def test_keras_float32_clip_bound_is_rounded_to_float32():
    # -log(1 - float32(1 - 1e-7)) = -log(2^-23) in float32: 15.94, not 16.12
    got = binary_cross_entropy(
        np.float32([0.0]), np.float32([1.0]), reduction="none", convention="keras"
    )
    assert got[0] == np.float32(23 * math.log(2))


def test_keras_float64_binary_label_mean_is_rounded_to_float32():
    got = binary_cross_entropy([1.0], [0.3], reduction="none", convention="keras")
    assert got[0] == float(np.float32(-math.log(0.3)))
    assert binary_cross_entropy([1.0], [0.3]) == pytest.approx(-math.log(0.3), 1e-15)


def test_keras_categorical_smoothing_in_the_dtype():
    y, p, s = [[0.0, 1.0, 0.0]], [[0.2, 0.5, 0.3]], 0.1
    got = categorical_cross_entropy(
        y, p, label_smoothing=s, reduction="none", convention="keras"
    )
    t = [s / 3, 1 - s + s / 3, s / 3]
    want = -sum(a * math.log(b) for a, b in zip(t, p[0], strict=True))
    assert got[0] == pytest.approx(want, rel=1e-15)


@pytest.mark.parametrize(
    "func",
    [binary_cross_entropy, categorical_cross_entropy, sparse_categorical_cross_entropy],
)
def test_unknown_convention_names_the_parameter(func):
    args = ([1], [[0.3, 0.7]]) if func is sparse_categorical_cross_entropy else (
        [[0.0, 1.0]], [[0.3, 0.7]]
    )  # fmt: skip
    match = f"'convention' parameter of {func.__name__} .*'exact'.*'jax'"
    with pytest.raises(ValueError, match=match):
        func(*args, convention="jax")
