"""Every stop rule fires, and only when it should."""

import time

import numpy as np
import pytest

import cemethod as ce


def sphere(X):
    return np.sum(X**2, axis=1)


@pytest.fixture
def wide(toy_gaussian):
    return toy_gaussian(np.full(2, 3.0), np.full(2, 4.0))


def run(opt, fun=sphere):
    while not opt.stop():
        X = opt.ask()
        opt.tell(X, fun(X))
    return opt


def test_maxiter(wide):
    opt = ce.CrossEntropyOptimizer(wide, maxiter=3, patience=None, rng=0)
    for _ in range(2):
        X = opt.ask()
        opt.tell(X, sphere(X))
        assert opt.stop() == {}
    X = opt.ask()
    opt.tell(X, sphere(X))
    assert list(opt.stop()) == ["maxiter"]
    res = opt.result()
    assert res.status == 2 and not res.success and res.nit == 3


def test_max_evaluations(wide):
    res = ce.minimize(
        sphere, wide, vectorized=True, n_samples=10, max_evaluations=35, rng=0
    )
    assert res.nit == 4 and res.nfev == 40  # checked between iterations
    assert res.history.nfev[-2] < 35
    assert res.status == 3 and list(res.stop_reasons) == ["max_evaluations"]


def test_target_minimize_and_maximize(wide):
    res = ce.minimize(sphere, wide, vectorized=True, target=1e-2, rng=0)
    assert res.status == 1 and res.success and res.fun <= 1e-2
    assert res.history.best[-2] > 1e-2  # it did not fire one iteration late
    res = ce.maximize(lambda X: -sphere(X), wide, vectorized=True, target=-1e-2, rng=0)
    assert res.status == 1 and res.fun >= -1e-2 and res.history.best[-2] < -1e-2


def test_time_limit(wide):
    def slow(X):
        time.sleep(0.02)
        return sphere(X)

    res = ce.minimize(slow, wide, vectorized=True, time_limit=0.1, rng=0)
    assert "time_limit" in res.stop_reasons and res.status == 4
    assert res.elapsed >= 0.1 > res.history.elapsed[-2]
    assert res.elapsed == res.history.elapsed[-1]


def test_callback_stop(wide):
    seen = []

    def callback(result):
        seen.append(result.nit)
        return result.nit == 3

    res = ce.minimize(sphere, wide, vectorized=True, callback=callback, rng=0)
    assert seen == [1, 2, 3]
    assert res.nit == 3 and res.status == 5 and list(res.stop_reasons) == ["callback"]


def test_gamma_stalled_after_patience(wide):
    # Constant values: gamma_t is the same every iteration; the rule of de Boer
    # et al. (2005) needs gamma_t = ... = gamma_{t-d}, i.e. d + 1 equal levels.
    opt = ce.CrossEntropyOptimizer(wide, patience=3, smoothing=0.5, rng=0)
    for t in range(1, 5):
        X = opt.ask()
        opt.tell(X, np.ones(len(X)))
        assert ("stalled" in opt.stop()) == (t == 4)
    assert opt.result().status == 0 and opt.result().success


def test_gamma_changing_does_not_stall(wide):
    opt = ce.CrossEntropyOptimizer(wide, patience=2, maxiter=6, rng=0)
    for t in range(6):
        X = opt.ask()
        opt.tell(X, np.full(len(X), float(t)))
    assert list(opt.stop()) == ["maxiter"]


def test_stall_ignores_infinite_levels(wide):
    opt = ce.CrossEntropyOptimizer(wide, patience=2, on_error="worst", rng=0)
    for _ in range(4):
        X = opt.ask()
        opt.tell(X, np.full(len(X), np.nan))  # every evaluation failed
    assert "stalled" not in opt.stop()
    assert opt.result().n_failures == 4 * opt.n_samples


def test_degenerate(toy_bernoulli):
    fam = toy_bernoulli(np.full(6, 0.5))
    opt = ce.CrossEntropyOptimizer(fam, smoothing=1.0, patience=None, rng=0)
    run(opt, lambda X: -X.sum(axis=1).astype(float))
    assert list(opt.stop()) == ["degenerate"]
    res = opt.result()
    assert res.status == 0 and res.success and res.fun == -6.0
    assert res.x_mode.tolist() == [1] * 6


def test_status_precedence(wide):
    # Target and maxiter fire together: the target decides the status.
    res = ce.minimize(sphere, wide, vectorized=True, target=1e9, maxiter=1, rng=0)
    assert set(res.stop_reasons) == {"target", "maxiter"} and res.status == 1
