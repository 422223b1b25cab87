"""Malformed inputs of the log-loss family (issue 18, item 3), beside scikit-learn.

Each case is run through scikit-learn 1.9 too: where it raises, we raise the same
exception type; where it computes (float16), we give its value bit for bit.
"""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm

from sklearn_ext import cross_entropy_report
from sklearn_ext.metrics import LogLossAccumulator, d2_log_loss_score, log_loss


def _both_raise(y, p, match, **kw):
    with pytest.raises(ValueError):
        skm.log_loss(y, p, **kw)
    with pytest.raises(ValueError, match=match) as info:
        log_loss(y, p, **kw)
    assert "log_loss" in str(info.value)
    return str(info.value)


@pytest.mark.parametrize("imag", [1.0, 0.0])
def test_complex_probabilities_are_refused(imag):
    p = np.array([[0.5 + imag * 1j, 0.5], [0.3, 0.7]])
    _both_raise([0, 1], p, r"'y_proba'.*real probabilities.*Complex data")


def test_ragged_list_names_y_proba():
    message = _both_raise([0, 1], [[0.5, 0.5], [0.3]], r"'y_proba'.*rectangular")
    assert "inhomogeneous" not in message


def test_ragged_targets_name_y_true():
    with pytest.raises(ValueError, match=r"'y_true'.*ragged"):
        log_loss([[0, 1], [1]], [[0.5, 0.5], [0.3, 0.7]])


@pytest.mark.parametrize("labels", [[0, np.nan], [0, 1, np.nan], [0.0, np.inf]])
def test_nan_in_labels_is_blamed_on_labels(labels):
    k = len(labels)
    p = np.full((2, k), 1 / k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # sklearn's cast
        _both_raise([0.0, 0.0], p, r"'labels'.*finite", labels=labels)


def test_nan_in_object_labels_is_blamed_on_labels():
    labels = np.array(["a", np.nan], dtype=object)
    with pytest.raises(ValueError, match=r"'labels'.*NaN"):
        log_loss(["a", "a"], [[0.5, 0.5], [0.5, 0.5]], labels=labels)


@pytest.mark.parametrize("normalize", [True, False])
def test_all_zero_weights_raise_as_in_sklearn(normalize):
    y, p, w = [0, 1, 1], [[0.2, 0.8], [0.3, 0.7], [0.6, 0.4]], [0, 0, 0]
    _both_raise(
        y, p, r"'sample_weight'.*at least one non-zero", sample_weight=w,
        normalize=normalize,
    )  # fmt: skip


def _float16_cases():
    rng = np.random.default_rng(16)
    for i in range(40):
        n, k = int(rng.integers(6, 300)), int(rng.integers(2, 6))
        p = rng.dirichlet(np.ones(k), n)
        p[rng.random((n, k)) < 0.1] = 0.0  # clipping at float16's eps
        y = rng.integers(0, k, n)
        y[:k] = np.arange(k)
        if k == 2 and i % 2:
            p = p[:, 1]
        w = [None, rng.random(n), rng.integers(0, 3, n) + (np.arange(n) == 0)][i % 3]
        yield y, p.astype(np.float16), w


@pytest.mark.parametrize(("y", "p", "w"), list(_float16_cases()))
def test_float16_is_computed_as_sklearn_computes_it(y, p, w):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rows off 1 in float16
        for normalize in (True, False):
            want = skm.log_loss(y, p, sample_weight=w, normalize=normalize)
            got = log_loss(y, p, sample_weight=w, normalize=normalize)
            assert got == want
        want = skm.d2_log_loss_score(y, p, sample_weight=w)
        assert d2_log_loss_score(y, p, sample_weight=w) == want


def test_float16_clips_at_float16_eps():
    p = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float16)
    eps16 = np.finfo(np.float16).eps
    assert log_loss([1, 0], p) == float(-np.log(np.float16(eps16)))
    assert log_loss([1, 0], p) == skm.log_loss([1, 0], p)


def test_report_errors_name_cross_entropy_report():
    y, p = ["a", "b", "c"], [[0.2, 0.8], [0.5, 0.5], [0.4, 0.6]]
    with pytest.raises(ValueError, match="cross_entropy_report") as info:
        cross_entropy_report(y, p)
    assert "log_loss_per_class" not in str(info.value)
    with pytest.raises(ValueError, match=r"'sample_weight' parameter of cross_e"):
        cross_entropy_report(["a", "b"], [[0.2, 0.8], [0.5, 0.5]], sample_weight=[1])


def test_accumulator_errors_name_the_accumulator():
    acc = LogLossAccumulator(["a", "b"])
    with pytest.raises(ValueError, match=r"'y_true' parameter of LogLossAccumu"):
        acc.update(["a", "z"], [[0.2, 0.8], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"'y_proba' parameter of LogLossAccumu"):
        acc.update(["a", "b"], [[0.2, 1.8], [0.5, 0.5]])
