"""Batch evaluation: backends, failure handling, and workers-independent runs."""

import concurrent.futures
import functools
import math
import multiprocessing

import numpy as np
import pytest

import cemethod as ce
from cemethod.optimize._evaluation import BatchEvaluator, evaluate_batch


def quadratic(x):
    return float(np.sum((x - 0.25) ** 2))


def quadratic_vec(X):
    return np.sum((X - 0.25) ** 2, axis=1)


def fails_sometimes(x):
    # Deterministic ~5 % failure: a property of the point, not of the call.
    if (x[0] * 1e6) % 1.0 < 0.05:
        raise RuntimeError("simulated crash")
    return quadratic(x)


def nan_sometimes(x):
    return math.nan if (x[1] * 1e6) % 1.0 < 0.05 else quadratic(x)


def vec_raises_if_big(X):
    if np.any(X[:, 0] > 1.0):
        raise RuntimeError("batch contains a bad row")
    return quadratic_vec(X)


class SubmitOnly:
    """A backend with only ``submit`` (like a dask client): futures come back."""

    def __init__(self):
        self.pool = concurrent.futures.ThreadPoolExecutor(2)

    def submit(self, fn, *args):
        return self.pool.submit(fn, *args)


X = np.random.default_rng(0).normal(size=(37, 3))
EXPECTED = np.array([quadratic(x) for x in X])


@pytest.mark.parametrize("vectorized", [False, True])
def test_backends_give_identical_values(vectorized):
    fun = quadratic_vec if vectorized else quadratic
    threads = concurrent.futures.ThreadPoolExecutor(3)
    submit = SubmitOnly()
    with multiprocessing.Pool(2) as mp_pool:
        for workers in [None, 1, 2, threads, map, mp_pool.map, submit]:
            with BatchEvaluator(fun, vectorized=vectorized, workers=workers) as ev:
                values, n_failures = ev(X)
            # Order preserved, same float results as a plain loop.
            np.testing.assert_allclose(values, EXPECTED, rtol=0, atol=1e-15)
            assert values.dtype == np.float64 and n_failures == 0
    threads.shutdown()
    submit.pool.shutdown()


def test_raise_propagates_exception_and_rejects_nan():
    with pytest.raises(RuntimeError, match="simulated crash"):
        evaluate_batch(fails_sometimes, X * 0 + 1e-6 * 0.01)
    with pytest.raises(
        ValueError, match=r"returned nan for sample .* on_error='worst'"
    ):
        evaluate_batch(lambda x: math.nan, X)


def test_worst_replaces_failures():
    X2 = X.copy()
    X2[[3, 10], 0] = 7e-6 + 1e-9  # force two failures: frac(7.001) < 0.05
    bad = np.array([(x[0] * 1e6) % 1.0 < 0.05 for x in X2])
    values, n_failures = evaluate_batch(
        fails_sometimes, X2, on_error="worst", workers=2
    )
    assert n_failures == bad.sum() >= 2
    assert np.all(values[bad] == np.inf)
    np.testing.assert_allclose(values[~bad], [quadratic(x) for x in X2[~bad]])
    values, _ = evaluate_batch(fails_sometimes, X2, on_error="worst", worst=-np.inf)
    assert np.all(values[bad] == -np.inf)


def test_vectorized_exception_falls_back_to_rows():
    X2 = X.copy()
    X2[[0, 5], 0] = 3.0
    values, n_failures = evaluate_batch(
        vec_raises_if_big, X2, vectorized=True, on_error="worst"
    )
    ok = X2[:, 0] <= 1.0
    assert n_failures == (~ok).sum()
    np.testing.assert_allclose(values[ok], quadratic_vec(X2[ok]))
    assert np.all(np.isinf(values[~ok]))


def test_shape_errors_are_not_failures():
    with pytest.raises(ValueError, match="shape \\(n,\\)"):
        evaluate_batch(lambda X: X, X, vectorized=True, on_error="worst")
    with pytest.raises(ValueError, match="real number"):
        evaluate_batch(lambda x: x, X, on_error="worst")


def test_bad_workers():
    with pytest.raises(ValueError, match="'workers' parameter of minimize"):
        BatchEvaluator(quadratic, workers=0, func="minimize")
    with pytest.raises(TypeError, match="'workers'"):
        BatchEvaluator(quadratic, workers="many")


def test_run_finishes_with_failures_counted(toy_gaussian):
    fam = toy_gaussian(np.zeros(3), np.full(3, 2.0))
    failures = []

    def counting(x):
        if (x[0] * 1e6) % 1.0 < 0.05:
            failures.append(1)
        return fails_sometimes(x)

    res = ce.minimize(counting, fam, on_error="worst", maxiter=15, rng=1)
    assert res.nit == 15 and res.n_failures == len(failures) > 0
    assert res.history.n_failures.sum() == res.n_failures
    assert 0.01 < res.n_failures / res.nfev < 0.1
    assert np.isfinite(res.fun) and res.fun < 1e-3
    with pytest.raises(RuntimeError):
        ce.minimize(fails_sometimes, fam, maxiter=15, rng=1)


def test_nan_handled_in_maximize(toy_gaussian):
    fam = toy_gaussian(np.zeros(3), np.full(3, 2.0))
    res = ce.maximize(
        lambda x: -nan_sometimes(x), fam, on_error="worst", maxiter=10, rng=2
    )
    assert res.n_failures > 0 and np.isfinite(res.fun) and res.fun <= 0
    assert np.all(np.isfinite(res.history.best))


def strip_elapsed(res):
    d = res.history.to_dict()
    del d["elapsed"]
    return d


@pytest.mark.parametrize("vectorized", [False, True])
def test_same_seed_same_run_whatever_workers(toy_gaussian, vectorized):
    fam = toy_gaussian(np.zeros(3), np.full(3, 2.0))
    fun = quadratic_vec if vectorized else fails_sometimes
    kw = dict(vectorized=vectorized, on_error="worst", maxiter=6, rng=7)
    ref = ce.minimize(fun, fam, **kw)
    with concurrent.futures.ThreadPoolExecutor(3) as threads:
        for workers in [2, threads, functools.partial(map)]:
            res = ce.minimize(fun, fam, workers=workers, **kw)
            np.testing.assert_array_equal(res.x, ref.x)
            assert res.fun == ref.fun and res.nfev == ref.nfev
            assert res.n_failures == ref.n_failures
            assert strip_elapsed(res) == strip_elapsed(ref)
            np.testing.assert_array_equal(res.family.mean, ref.family.mean)
