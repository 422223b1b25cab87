"""log_loss on matrices large enough for the fused one-pass scan (numba)."""

import warnings

import numpy as np
import pytest
import sklearn.metrics

from sklearn_ext import metrics
from sklearn_ext.metrics._fused_scan import MIN_CELLS


def _probabilities(rng, n, k, dtype):
    p = rng.gamma(1.0, size=(n, k))
    return (p / p.sum(axis=1, keepdims=True)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
def test_large_input_is_bit_for_bit_sklearn(dtype, order):
    rng = np.random.default_rng(1)
    n, k = MIN_CELLS // 7 + 11, 7
    proba = np.asarray(_probabilities(rng, n, k, dtype), order=order)
    proba[:5] = 0.0  # clipping at eps on the true class...
    proba[:5, 0] = 1.0  # ...and at 1 - eps
    y = rng.integers(0, k, size=n)
    y[:k] = np.arange(k)
    w = rng.uniform(0, 2, size=n)
    assert metrics.log_loss(y, proba) == sklearn.metrics.log_loss(y, proba)
    assert metrics.log_loss(y, proba, sample_weight=w) == sklearn.metrics.log_loss(
        y, proba, sample_weight=w
    )
    got = metrics.log_loss(y, proba, reduction="none")
    expected = -np.log(np.clip(proba[np.arange(n), y], *_eps_bounds(dtype)))
    np.testing.assert_array_equal(got, expected)


def _eps_bounds(dtype):
    eps = np.finfo(dtype).eps
    return dtype(eps), dtype(1 - eps)


@pytest.mark.parametrize(
    ("bad", "message"),
    [(np.nan, "finite"), (np.inf, "finite"), (-0.25, r"\[0, 1\]"), (1.5, r"\[0, 1\]")],
)
def test_large_input_rejects_bad_values_anywhere(bad, message):
    rng = np.random.default_rng(2)
    n, k = MIN_CELLS // 4 + 1, 4
    proba = _probabilities(rng, n, k, np.float64)
    y = rng.integers(0, k, size=n)
    y[:k] = np.arange(k)
    proba[n - 1, 2] = bad  # the last row: the scan must not stop early
    with pytest.raises(ValueError, match=f"'y_proba' parameter of log_loss.*{message}"):
        metrics.log_loss(y, proba)


def test_large_input_warns_when_rows_do_not_sum_to_one():
    rng = np.random.default_rng(3)
    n, k = MIN_CELLS // 4 + 1, 4
    proba = _probabilities(rng, n, k, np.float64)
    y = rng.integers(0, k, size=n)
    y[:k] = np.arange(k)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rows that sum to 1: no warning
        metrics.log_loss(y, proba)
    proba[n // 2] *= 0.9
    with pytest.warns(UserWarning, match="do not sum to one"):
        ours = metrics.log_loss(y, proba)
    with pytest.warns(UserWarning):
        assert ours == sklearn.metrics.log_loss(y, proba)
