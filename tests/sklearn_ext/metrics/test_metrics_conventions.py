"""The ``convention`` parameter of log_loss against independent reimplementations.

Each reference below is written out from the other library's source semantics with
plain numpy (and scikit-learn's LabelBinarizer for the targets), not with the code
under test:

* scikit-learn < 1.2 (``sklearn/metrics/_classification.py``, eps=1e-15): clip, expand
  a 1-D vector to ``[1 - p, p]``, renormalise ``y_pred /= y_pred.sum(axis=1)``.
* Keras 3 (``keras/src/backend/numpy/nn.py``): ``categorical_crossentropy`` divides by
  the row sum then clips to ``[1e-7, 1 - 1e-7]``; ``binary_crossentropy`` clips p.
  The convention follows the JAX backend's rounding (XLA's reciprocal, summation
  order and logs), so these formulas agree to a few ulp here; the bit-level parity
  is checked against Keras itself in ``tests/sklearn_ext/compat``.
* PyTorch: ``NLLLoss`` of ``log p`` (no clipping); ``BCELoss`` clamps logs at -100.
  PyTorch itself is not installed, so its documented formulas are written out.
"""

import math
import pathlib
import warnings

import numpy as np
import pytest
from sklearn.preprocessing import LabelBinarizer

from sklearn_ext.metrics import log_loss
from sklearn_ext.metrics._conventions import CONVENTIONS, Convention

DOCS = pathlib.Path(__file__).resolve().parents[3] / "docs" / "metric_conventions.md"


def _onehot(y, labels=None):
    lb = LabelBinarizer().fit(y if labels is None else labels)
    t = lb.transform(y)
    return np.append(1 - t, t, axis=1) if t.shape[1] == 1 else t


def old_sklearn_log_loss(y, y_pred, normalize=True, sample_weight=None):
    eps = 1e-15
    t = _onehot(y)
    y_pred = np.clip(np.asarray(y_pred), eps, 1 - eps)
    if y_pred.ndim == 1:
        y_pred = y_pred[:, np.newaxis]
    if y_pred.shape[1] == 1:
        y_pred = np.append(1 - y_pred, y_pred, axis=1)
    y_pred /= y_pred.sum(axis=1)[:, np.newaxis]
    loss = -(t * np.log(y_pred)).sum(axis=1)
    if normalize:
        return np.average(loss, weights=sample_weight)
    return np.dot(loss, sample_weight) if sample_weight is not None else loss.sum()


def keras_categorical(y, output, label_smoothing=0.0):
    output = np.asarray(output)
    target = _onehot(y).astype(output.dtype)
    if label_smoothing:
        target = target * (1.0 - label_smoothing) + label_smoothing / target.shape[1]
    output = output / np.sum(output, -1, keepdims=True)
    output = np.clip(output, 1e-7, 1.0 - 1e-7)
    return -np.sum(target * np.log(output), axis=-1)


def keras_binary(y, output):
    output = np.asarray(output)
    target = np.asarray(y, dtype=output.dtype)
    output = np.clip(output, 1e-7, 1.0 - 1e-7)
    bce = target * np.log(output)
    bce += (1.0 - target) * np.log(1.0 - output)
    return -bce


def torch_nll(y, p):
    with np.errstate(divide="ignore"):
        logp = np.log(np.asarray(p))
    return -logp[np.arange(len(y)), np.asarray(y)]


def torch_bce(y, p):
    p = np.asarray(p)
    y = np.asarray(y, dtype=p.dtype)
    with np.errstate(divide="ignore"):
        a = np.maximum(np.log(p), -100)
        # PyTorch's CPU BCELoss kernel takes log1p(-p) (checked against torch
        # 2.14 in tests/sklearn_ext/compat/test_torch_parity.py)
        b = np.maximum(np.log1p(-p), -100)
    return -(y * a + (1 - y) * b)


def _case(seed, n=60, k=4, dtype=np.float64, unnormalized=False):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(k) * 0.5, n)
    p[rng.random((n, k)) < 0.1] = 0.0
    p[:, 0] += 1e-3
    p /= p.sum(axis=1, keepdims=True)
    if unnormalized:
        p *= rng.uniform(0.7, 1.0, (n, 1))
    y = rng.integers(0, k, n)
    y[:k] = np.arange(k)
    return y, p.astype(dtype), rng.random(n)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_old_sklearn(seed, dtype):
    y, p, w = _case(seed, dtype=dtype, unnormalized=seed % 2 == 0)
    for normalize in (True, False):
        for weights in (None, w):
            got = log_loss(
                y, p, convention="sklearn<1.2", normalize=normalize,
                sample_weight=weights,
            )  # fmt: skip
            assert got == old_sklearn_log_loss(y, p.copy(), normalize, weights)
    yb, pb = (y % 2), p[:, 1] / (p[:, 0] + p[:, 1])
    assert log_loss(yb, pb, convention="sklearn<1.2") == old_sklearn_log_loss(yb, pb)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_keras(seed, dtype):
    y, p, _ = _case(seed, dtype=dtype, unnormalized=seed % 2 == 0)
    # the JAX backend's rounding, not numpy's: near p = 1 a log's error is absolute
    tol = {"rtol": 8 * np.finfo(dtype).eps, "atol": 2 * np.finfo(dtype).eps}
    got = log_loss(y, p, convention="keras", reduction="none")
    assert got.dtype == dtype
    np.testing.assert_allclose(got, keras_categorical(y, p), **tol)
    smooth = log_loss(y, p, convention="keras", reduction="none", label_smoothing=0.2)
    np.testing.assert_allclose(smooth, keras_categorical(y, p, 0.2), **tol)
    yb, pb = y % 2, p[:, 0]
    got = log_loss(yb, pb, convention="keras", reduction="none")
    np.testing.assert_allclose(got, keras_binary(yb, pb), **tol)


def test_keras_zero_probability_is_minus_log_1e7():
    loss = log_loss(
        [0, 1], [[0.0, 1.0], [0.5, 0.5]], convention="keras", reduction="none"
    )
    assert loss[0] == pytest.approx(-math.log(1e-7), rel=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_torch(seed):
    y, p, _ = _case(seed)
    got = log_loss(y, p, convention="torch", reduction="none")
    np.testing.assert_array_equal(got, torch_nll(y, p))
    assert np.isinf(got).any() == (p[np.arange(len(y)), y] == 0).any()
    yb = y % 2
    pb = np.concatenate([[0.0, 1.0], p[2:, 0]])
    yb[:2] = [1, 0]  # probability 0 of the true class: BCELoss gives 100
    got = log_loss(yb, pb, convention="torch", reduction="none")
    np.testing.assert_array_equal(got, torch_bce(yb, pb))
    assert got[0] == got[1] == 100.0


def test_torch_zero_probability_is_infinite():
    assert log_loss([0, 1], [[0.0, 1.0], [0.5, 0.5]], convention="torch") == math.inf


def test_sklearn_clips_at_dtype_eps_without_renormalising():
    p = np.array([[0.0, 0.5], [0.25, 0.25]])  # rows sum to 0.5
    with pytest.warns(UserWarning):
        loss = log_loss([0, 1], p, reduction="none")
    np.testing.assert_array_equal(loss, [-math.log(np.finfo(float).eps), math.log(4)])
    renormalised = log_loss([0, 1], p, convention="sklearn<1.2", reduction="none")
    assert renormalised[1] == pytest.approx(math.log(2))


@pytest.mark.parametrize("name", ["sklearn<1.2", "keras"])
def test_renormalising_conventions_do_not_warn(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_loss([0, 1], [[0.2, 0.2], [0.1, 0.3]], convention=name)


def test_torch_warns_like_sklearn():
    with pytest.warns(UserWarning, match="sum to one"):
        log_loss([0, 1], [[0.2, 0.2], [0.1, 0.3]], convention="torch")


def test_convention_records_are_frozen_and_documented():
    text = DOCS.read_text()
    for name, conv in CONVENTIONS.items():
        assert isinstance(conv, Convention) and conv.name == name
        assert f"`{name}`" in text
        with pytest.raises(AttributeError):
            conv.eps = 0.5
    assert set(CONVENTIONS) == {
        "sklearn",
        "sklearn<1.9",
        "sklearn<1.7",
        "sklearn<1.5",
        "sklearn<1.3",
        "sklearn<1.2",
        "keras",
        "torch",
    }
