"""softmax, log_softmax, sigmoid, log_sigmoid: scipy parity and extreme logits."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import special

from sklearn_ext.metrics import log_sigmoid, log_softmax, sigmoid, softmax


@pytest.fixture
def logits():
    return np.random.default_rng(0).normal(scale=30.0, size=(200, 6, 3))


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_softmax_and_log_softmax_match_scipy(logits, axis):
    np.testing.assert_allclose(
        softmax(logits, axis=axis), special.softmax(logits, axis=axis),
        rtol=1e-12, atol=1e-300,
    )  # fmt: skip
    np.testing.assert_allclose(
        log_softmax(logits, axis=axis), special.log_softmax(logits, axis=axis),
        rtol=1e-12,
    )  # fmt: skip


def test_sigmoid_and_log_sigmoid_match_scipy(logits):
    np.testing.assert_allclose(sigmoid(logits), special.expit(logits), rtol=1e-14)
    np.testing.assert_allclose(
        log_sigmoid(logits), special.log_expit(logits), rtol=1e-14
    )


def test_extreme_logits_are_exact_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow / invalid warning fails
        np.testing.assert_array_equal(log_softmax([1000.0, 0.0]), [0.0, -1000.0])
        np.testing.assert_array_equal(log_softmax([-1000.0, 0.0]), [-1000.0, 0.0])
        np.testing.assert_array_equal(softmax([1000.0, -1000.0]), [1.0, 0.0])
        np.testing.assert_array_equal(softmax([[1000.0, 1000.0]]), [[0.5, 0.5]])
        assert sigmoid(1000.0) == 1.0
        assert sigmoid(-1000.0) == 0.0
        assert log_sigmoid(-1000.0) == -1000.0
        assert log_sigmoid(1000.0) == 0.0
        z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
        for out in (sigmoid(z), log_sigmoid(z), softmax(z), log_softmax(z)):
            assert np.isfinite(out).all()


def test_small_known_values():
    assert sigmoid(0.0) == 0.5
    assert log_sigmoid(0.0) == pytest.approx(-math.log(2), rel=1e-15)
    # log(1 / (1 + e^-40)) = -log1p(e^-40), far below float64 resolution of 1.
    assert log_sigmoid(40.0) == pytest.approx(-math.exp(-40.0), rel=1e-14)
    assert sigmoid(-40.0) == pytest.approx(math.exp(-40) / (1 + math.exp(-40)))
    np.testing.assert_allclose(
        softmax([1.0, 2.0, 3.0]),
        np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum(),
        rtol=1e-15,
    )


def test_scalar_in_float_out_and_shapes_kept(logits):
    assert type(sigmoid(0.3)) is float
    assert type(log_sigmoid(0.3)) is float
    assert sigmoid(logits).shape == logits.shape
    assert softmax(logits).shape == logits.shape


finite = st.floats(-700, 700, allow_nan=False, allow_infinity=False)
vectors = hnp.arrays(np.float64, st.integers(1, 8), elements=finite)


@settings(max_examples=150, deadline=None)
@given(vectors, st.floats(-100, 100))
def test_softmax_shift_invariance_and_consistency(z, shift):
    s = softmax(z)
    assert s.sum() == pytest.approx(1.0, rel=1e-14)
    np.testing.assert_allclose(softmax(z + shift), s, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(np.exp(log_softmax(z)), s, rtol=1e-12, atol=1e-300)
    assert np.all(log_softmax(z) <= 0.0)


@settings(max_examples=150, deadline=None)
@given(vectors)
def test_sigmoid_symmetry(z):
    np.testing.assert_allclose(sigmoid(z) + sigmoid(-z), 1.0, rtol=1e-15)
    np.testing.assert_allclose(
        log_sigmoid(z) - log_sigmoid(-z), z, rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("func", [softmax, log_softmax, sigmoid, log_sigmoid])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_logits_rejected(func, bad):
    with pytest.raises(ValueError, match=f"'z' parameter of {func.__name__}.*finite"):
        func([0.0, bad])


def test_bad_axis_and_scalar_softmax_rejected():
    with pytest.raises(ValueError, match="'axis' parameter of softmax"):
        softmax([1.0, 2.0], axis=1)
    with pytest.raises(ValueError, match="'axis' parameter of log_softmax"):
        log_softmax([[1.0, 2.0]], axis=True)
    with pytest.raises(ValueError, match=r"'z' parameter of softmax .* at least 1-D"):
        softmax(3.0)
    with pytest.raises(ValueError, match=r"'z' parameter of sigmoid .* real numbers"):
        sigmoid("x")
