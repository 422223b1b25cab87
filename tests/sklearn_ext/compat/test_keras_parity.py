"""``convention="keras"`` against Keras 3 itself (JAX backend), ulp by ulp.

Keras is run side by side on the same arrays; each case asserts the worst
difference in units in the last place (ulp) that docs/metric_conventions.md
states (``BOUNDS`` below is that table). Keras runs with ``jax_enable_x64`` so
that float64 inputs are computed in float64 (without it JAX turns them into
float32). Skipped when keras or jax is not installed (extra ``compat``).
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "jax")  # before the first keras import

import numpy as np
import pytest

jax = pytest.importorskip("jax")
keras = pytest.importorskip("keras")
if keras.backend.backend() != "jax":
    pytest.skip("keras is not on its JAX backend", allow_module_level=True)
jax.config.update("jax_enable_x64", True)

from parity_helpers import assert_docs_state, ulp_distance  # noqa: E402

from sklearn_ext.metrics import (  # noqa: E402
    binary_cross_entropy,
    binary_focal_loss,
    categorical_cross_entropy,
    categorical_focal_loss,
    log_loss,
    sparse_categorical_cross_entropy,
)

DTYPES = (np.float32, np.float64)
SEEDS = range(12)

# Worst |ulp| difference to Keras, per (case, dtype): 0 is bit for bit. Rows of
# the table in docs/metric_conventions.md; the per-sample values ("none").
BOUNDS = {
    ("binary_cross_entropy", "float32"): 3,
    ("binary_cross_entropy", "float64"): 0,
    ("binary_cross_entropy logits", "float32"): 2,
    ("binary_cross_entropy logits", "float64"): 0,
    ("binary_focal_loss", "float32"): 14,
    ("binary_focal_loss", "float64"): 0,
    ("categorical_cross_entropy", "float32"): 2,
    ("categorical_cross_entropy", "float64"): 1,
    ("categorical_cross_entropy logits", "float32"): 31,
    ("categorical_cross_entropy logits", "float64"): 7,
    ("categorical_focal_loss", "float32"): 14,
    ("categorical_focal_loss", "float64"): 98,
    ("log_loss", "float32"): 2,
    ("log_loss", "float64"): 1,
    ("sparse_categorical_cross_entropy", "float32"): 1,
    ("sparse_categorical_cross_entropy", "float64"): 1,
}


# --------------------------------------------------------------- helpers ---
def keras_value(x):
    return np.asarray(x)


def probabilities(rng, shape, dtype):
    """Uniform probabilities with exact 0s and 1s and values beyond the clip."""
    p = rng.random(shape)
    flat = p.reshape(-1)
    k = flat.size // 10
    flat[:k] = 0.0
    flat[k : 2 * k] = 1.0
    flat[2 * k : 3 * k] = 1e-9
    flat[3 * k : 4 * k] = 1 - 1e-9
    rng.shuffle(flat)
    return p.astype(dtype)


def logits(rng, shape, dtype):
    """Normal logits with scale 10, and +-1000, +-30, 0 mixed in."""
    z = rng.standard_normal(shape) * 10
    flat = z.reshape(-1)
    extremes = np.array([1000.0, -1000.0, 30.0, -30.0, 0.0, 88.0, -88.0])
    flat[: 3 * extremes.size] = np.tile(extremes, 3)
    rng.shuffle(flat)
    return z.astype(dtype)


def binary_targets(rng, shape, dtype, soft):
    y = rng.integers(0, 2, size=shape).astype(np.float64)
    if soft:
        y = np.where(rng.random(shape) < 0.5, y, rng.random(shape))
    return y.astype(dtype)


def weights(rng, n, dtype):
    w = rng.uniform(0.0, 3.0, size=n)
    w[: n // 10] = 0.0
    return w.astype(dtype)


def check(case, dtype, ours, theirs):
    bound = BOUNDS[(case, np.dtype(dtype).name)]
    assert ulp_distance(ours, theirs, dtype) <= bound, case


# ---------------------------------------------------------------- binary ---
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_cross_entropy(seed, dtype, from_logits):
    rng = np.random.default_rng(seed)
    n_labels = (1, 3, 8)[seed % 3]
    shape = (200, n_labels)
    y = binary_targets(rng, shape, dtype, soft=seed % 2 == 1)
    x = logits(rng, shape, dtype) if from_logits else probabilities(rng, shape, dtype)
    s = (0.0, 0.1)[seed % 2]
    case = "binary_cross_entropy" + (" logits" if from_logits else "")
    kw = dict(from_logits=from_logits, label_smoothing=s)
    theirs = keras.losses.binary_crossentropy(y, x, **kw)
    ours = binary_cross_entropy(y, x, reduction="none", convention="keras", **kw)
    assert ours.dtype == dtype
    check(case, dtype, ours, keras_value(theirs))
    if n_labels == 1:  # 1-D input: read as (n, 1), as Keras reads that
        ours_1d = binary_cross_entropy(
            y[:, 0], x[:, 0], reduction="none", convention="keras", **kw
        )
        np.testing.assert_array_equal(ours_1d, ours)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_focal_loss(seed, dtype, from_logits):
    rng = np.random.default_rng(100 + seed)
    shape = (200, (1, 4)[seed % 2])
    y = binary_targets(rng, shape, dtype, soft=seed % 3 == 2)
    x = logits(rng, shape, dtype) if from_logits else probabilities(rng, shape, dtype)
    gamma, alpha = ((2.0, 0.25), (1.7, None), (0.0, 0.6))[seed % 3]
    theirs = keras.losses.binary_focal_crossentropy(
        y, x, apply_class_balancing=alpha is not None,
        alpha=0.25 if alpha is None else alpha, gamma=gamma, from_logits=from_logits,
    )  # fmt: skip
    ours = binary_focal_loss(
        y, x, gamma=gamma, alpha=alpha, from_logits=from_logits,
        reduction="none", convention="keras",
    )  # fmt: skip
    check("binary_focal_loss", dtype, ours, keras_value(theirs))


def test_focal_from_logits_clips_after_the_sigmoid_as_keras():
    """The issue-18 case: logit 1000, target 0. Exact log-sigmoid gives 750."""
    y, z = np.array([[0.0]]), np.array([[1000.0]])
    theirs = keras.losses.binary_focal_crossentropy(
        y, z, apply_class_balancing=True, alpha=0.25, gamma=2.0, from_logits=True
    )
    ours = binary_focal_loss(y[:, 0], z[:, 0], from_logits=True, convention="keras")
    assert ours == float(keras_value(theirs)[0])
    assert 16.0 < ours / 0.75 < 16.2  # -log(1e-7) = 16.12, times 1 - alpha
    exact = binary_focal_loss(y[:, 0], z[:, 0], from_logits=True)
    assert exact == 750.0


# ----------------------------------------------------------- categorical ---
def _categorical_case(rng, dtype, n_classes, from_logits, scaled=True):
    """Labels, one-hot targets and logits or scores (rows not summing to 1)."""
    n = 150
    labels = rng.integers(0, n_classes, size=n)
    if from_logits:
        x = logits(rng, (n, n_classes), dtype)
    else:
        x = probabilities(rng, (n, n_classes), dtype)
        if scaled:
            x = x * rng.uniform(0.5, 2.0, (n, 1))
        x[:, 0] = np.where(x.sum(axis=1) == 0, 1.0, x[:, 0])  # no all-zero row
        x = x.astype(dtype)
    return labels, np.eye(n_classes, dtype=dtype)[labels], x


CLASSES = (2, 3, 5, 10, 32)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("from_logits", [False, True])
def test_categorical_cross_entropy(seed, dtype, from_logits):
    rng = np.random.default_rng(200 + seed)
    _, onehot, x = _categorical_case(rng, dtype, CLASSES[seed % 5], from_logits)
    y = onehot
    if seed % 2:  # soft targets
        y = rng.dirichlet(np.ones(onehot.shape[1]), size=onehot.shape[0]).astype(dtype)
    s = (0.0, 0.2)[seed % 2]
    kw = dict(from_logits=from_logits, label_smoothing=s)
    theirs = keras.losses.categorical_crossentropy(y, x, **kw)
    ours = categorical_cross_entropy(y, x, reduction="none", convention="keras", **kw)
    assert ours.dtype == dtype
    case = "categorical_cross_entropy" + (" logits" if from_logits else "")
    check(case, dtype, ours, keras_value(theirs))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_categorical_cross_entropy(seed, dtype, from_logits):
    rng = np.random.default_rng(300 + seed)
    labels, _, x = _categorical_case(rng, dtype, CLASSES[seed % 5], from_logits)
    ignore = -1 if seed % 2 else None
    if ignore is not None:
        labels[::7] = ignore
    theirs = keras.losses.sparse_categorical_crossentropy(
        labels, x, from_logits=from_logits, ignore_class=ignore
    )
    ours = sparse_categorical_cross_entropy(
        labels, x, from_logits=from_logits, ignore_class=ignore,
        reduction="none", convention="keras",
    )  # fmt: skip
    case = "sparse_categorical_cross_entropy"
    if from_logits:  # the log-softmax of the dense loss
        case = "categorical_cross_entropy logits"
    check(case, dtype, ours, keras_value(theirs))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("from_logits", [False, True])
def test_categorical_focal_loss(seed, dtype, from_logits):
    rng = np.random.default_rng(400 + seed)
    labels, onehot, x = _categorical_case(rng, dtype, CLASSES[seed % 5], from_logits)
    k = onehot.shape[1]
    gamma, alpha = ((2.0, 0.25), (1.7, None), (0.5, list(rng.uniform(0, 1, k))))[
        seed % 3
    ]
    theirs = keras.losses.categorical_focal_crossentropy(
        onehot, x, alpha=1.0 if alpha is None else alpha, gamma=gamma,
        from_logits=from_logits,
    )  # fmt: skip
    ours = categorical_focal_loss(
        labels, x, gamma=gamma, alpha=alpha, from_logits=from_logits,
        reduction="none", convention="keras",
    )  # fmt: skip
    check("categorical_focal_loss", dtype, ours, keras_value(theirs))


# -------------------------------------------------------------- log_loss ---
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_log_loss_keras_convention(seed, dtype):
    rng = np.random.default_rng(500 + seed)
    labels, onehot, p = _categorical_case(
        rng, dtype, CLASSES[seed % 5], False, scaled=False
    )
    s = (0.0, 0.2)[seed % 2]
    labels_all = np.arange(onehot.shape[1])
    theirs = keras.losses.categorical_crossentropy(onehot, p, label_smoothing=s)
    ours = log_loss(
        labels, p, labels=labels_all, convention="keras", reduction="none",
        label_smoothing=s,
    )  # fmt: skip
    check("log_loss", dtype, ours, keras_value(theirs))
    # 1-D probabilities of class 1: Keras' elementwise ops.binary_crossentropy
    yb, pb = labels % 2, probabilities(rng, labels.shape, dtype)
    theirs = keras.ops.binary_crossentropy(yb.astype(dtype), pb)
    ours = log_loss(yb, pb, labels=[0, 1], convention="keras", reduction="none")
    check("log_loss", dtype, ours, keras_value(theirs))


# ------------------------------------------------------------ reductions ---
KERAS_REDUCTION = {"sum": "sum", "mean": "mean_with_sample_weight"}
# The reduced value, whose summation order over the samples is numpy's.
REDUCTION_BOUNDS = {"float32": 4, "float64": 3}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["sum", "mean", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_reductions_and_sample_weight(seed, dtype, reduction, weighted):
    rng = np.random.default_rng(600 + seed)
    n = (50, 1000, 5000, 20000)[seed]
    y = binary_targets(rng, (n, 1), dtype, soft=False)
    p = probabilities(rng, (n, 1), dtype)
    w = weights(rng, n, dtype) if weighted else None
    ours = binary_cross_entropy(
        y, p, sample_weight=w, reduction=reduction, convention="keras"
    )
    keras_reduction = None if reduction == "none" else KERAS_REDUCTION[reduction]
    loss = keras.losses.BinaryCrossentropy(
        reduction=keras_reduction, dtype=np.dtype(dtype).name
    )
    theirs = keras_value(loss(y, p, sample_weight=w))
    if reduction == "none":
        bound = BOUNDS[("binary_cross_entropy", np.dtype(dtype).name)]
    else:
        bound = REDUCTION_BOUNDS[np.dtype(dtype).name]
    assert ulp_distance(ours, theirs, dtype) <= bound


@pytest.mark.parametrize("dtype", DTYPES)
def test_sum_over_batch_size_is_the_unweighted_mean(dtype):
    rng = np.random.default_rng(7)
    labels, _, x = _categorical_case(rng, dtype, 4, False)
    theirs = keras.losses.SparseCategoricalCrossentropy(dtype=np.dtype(dtype).name)
    ours = sparse_categorical_cross_entropy(labels, x, convention="keras")
    bound = REDUCTION_BOUNDS[np.dtype(dtype).name]
    assert ulp_distance(ours, keras_value(theirs(labels, x)), dtype) <= bound


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("weighted", [False, True])
def test_ignore_class_reductions(dtype, reduction, weighted):
    """Keras masks ignored samples out of the sum and of the weight total."""
    rng = np.random.default_rng(8)
    labels, _, x = _categorical_case(rng, dtype, 5, False)
    labels[::4] = -1
    w = weights(rng, labels.size, dtype) if weighted else None
    loss = keras.losses.SparseCategoricalCrossentropy(
        ignore_class=-1, reduction=KERAS_REDUCTION[reduction],
        dtype=np.dtype(dtype).name,
    )  # fmt: skip
    theirs = keras_value(loss(labels, x, sample_weight=w))
    ours = sparse_categorical_cross_entropy(
        labels, x, ignore_class=-1, sample_weight=w, reduction=reduction,
        convention="keras",
    )  # fmt: skip
    assert ulp_distance(ours, theirs, dtype) <= REDUCTION_BOUNDS[np.dtype(dtype).name]


def test_float64_binary_label_mean_is_float32_as_in_keras():
    """Keras' ops.mean computes float64 in float32: 'keras' reproduces it."""
    y, p = np.array([[1.0], [0.0]]), np.array([[0.3], [0.2]])
    theirs = keras_value(keras.losses.binary_crossentropy(y, p))
    ours = binary_cross_entropy(y, p, reduction="none", convention="keras")
    np.testing.assert_array_equal(ours, theirs)
    exact = binary_cross_entropy(y, p, reduction="none")
    assert exact[0] == -np.log(0.3) != ours[0]
    assert ours[0] == float(np.float32(-np.log(0.3)))


def test_docs_state_these_bounds():
    assert_docs_state(BOUNDS)
