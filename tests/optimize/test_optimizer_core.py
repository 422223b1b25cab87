"""Core behaviour of CrossEntropyOptimizer / minimize / maximize on known optima."""

import itertools
import pickle

import numpy as np
import pytest

import cemethod as ce
from cemethod.optimize._result import CEResult, History, IterationRecord

# de Boer, Kroese, Mannor & Rubinstein (2005), the 5-node max-cut example:
# optimal cut {1, 2} | {3, 4, 5} of value 28 (checked by brute force below).
MAXCUT_C = np.array(
    [
        [0, 1, 3, 5, 6],
        [1, 0, 3, 6, 5],
        [3, 3, 0, 2, 2],
        [5, 6, 2, 0, 2],
        [6, 5, 2, 2, 0],
    ],
    dtype=float,
)


def cut_value(y):
    """Cut of the partition with node 0 fixed on side 1, nodes 1..4 given by y."""
    x = np.concatenate(([1], np.asarray(y)))
    across = x[:, None] != x[None, :]
    return float(np.sum(MAXCUT_C * across) / 2)


def sphere(X):
    return np.sum((X - np.array([1.0, -2.0, 0.5])) ** 2, axis=1)


def test_maxcut_brute_force_reference():
    # The published optimum, checked independently by brute force.
    best = max(cut_value(y) for y in itertools.product([0, 1], repeat=4))
    assert best == 28.0
    assert cut_value([1, 0, 0, 0]) == 28.0


def test_maxcut_de_boer(toy_bernoulli):
    res = ce.maximize(cut_value, toy_bernoulli(np.full(4, 0.5)), n_samples=50, rng=1)
    assert res.fun == 28.0
    assert res.x.tolist() == [1, 0, 0, 0]
    assert res.x_mode.tolist() == [1, 0, 0, 0]
    assert res.success and res.direction == "maximize"
    assert res.history.best[-1] == 28.0


def test_onemax(toy_bernoulli):
    d = 30
    res = ce.maximize(lambda x: float(x.sum()), toy_bernoulli(np.full(d, 0.5)), rng=3)
    assert res.fun == d
    assert np.all(res.x == 1)
    assert res.nfev == res.nit * 300  # default N = max(100, 10 d)


def test_sphere_vectorized(toy_gaussian):
    fam = toy_gaussian(np.zeros(3), np.full(3, 5.0))
    res = ce.minimize(sphere, fam, vectorized=True, rng=0)
    assert res.success and res.status == 0
    np.testing.assert_allclose(res.x, [1.0, -2.0, 0.5], atol=1e-4)
    assert res.fun == pytest.approx(float(sphere(res.x[None])[0]))
    assert res.fun < 1e-8


def test_row_and_vectorized_agree(toy_gaussian):
    fam = toy_gaussian(np.zeros(3), np.full(3, 5.0))
    a = ce.minimize(sphere, fam, vectorized=True, rng=5, maxiter=8)
    b = ce.minimize(lambda x: float(sphere(x[None])[0]), fam, rng=5, maxiter=8)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.fun == b.fun and a.nfev == b.nfev == 8 * a.history[0].n_samples


def test_maximize_is_minimize_of_negative(toy_gaussian):
    fam = toy_gaussian(np.zeros(3), np.full(3, 5.0))
    a = ce.minimize(sphere, fam, vectorized=True, rng=2, maxiter=6)
    b = ce.maximize(lambda X: -sphere(X), fam, vectorized=True, rng=2, maxiter=6)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.fun == -b.fun
    np.testing.assert_array_equal(a.history.gamma, -b.history.gamma)


def test_ask_tell_one_step_by_hand(toy_gaussian):
    # One iteration equals the textbook update done by hand: elite = the
    # ceil(rho N) best, MLE fit, then alpha*new + (1-alpha)*old.
    fam = toy_gaussian(np.zeros(2), np.ones(2))
    opt = ce.CrossEntropyOptimizer(
        fam,
        n_samples=20,
        elite_fraction=0.25,
        smoothing=0.6,
        elitism=False,
        rng=4,
        update="ce",
    )
    X = opt.ask()
    X_ref = fam.sample(20, np.random.default_rng(4))
    np.testing.assert_array_equal(X, X_ref)
    values = np.sum(X**2, axis=1)
    opt.tell(X, values)
    elite = X[np.argsort(values)[:5]]
    mean = 0.6 * elite.mean(axis=0)
    std = 0.6 * elite.std(axis=0) + 0.4
    np.testing.assert_allclose(opt.family.mean, mean)
    np.testing.assert_allclose(opt.family.std, std)
    assert opt.result().history.gamma[0] == np.sort(values)[4]
    assert opt.result().fun == values.min()


def test_no_smoothing_is_plain_fit(toy_gaussian):
    fam = toy_gaussian(np.zeros(2), np.ones(2))
    opt = ce.CrossEntropyOptimizer(
        fam, n_samples=10, n_elite=3, smoothing=1.0, update="ce", rng=0
    )
    X = opt.ask()
    v = X[:, 0]
    opt.tell(X, v)
    np.testing.assert_allclose(opt.family.mean, X[np.argsort(v)[:3]].mean(axis=0))


def test_elitism_carries_best_point(toy_gaussian):
    fam = toy_gaussian(np.zeros(1), np.ones(1))
    opt = ce.CrossEntropyOptimizer(fam, n_samples=4, n_elite=1, smoothing=1.0, rng=0)
    opt.tell(np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0.0, 1.0, 2.0, 3.0]))
    # The second batch is worse everywhere: the elite is the carried point 0.0.
    opt.tell(np.array([[5.0], [6.0], [7.0], [8.0]]), np.array([5.0, 6.0, 7.0, 8.0]))
    assert opt.family.mean[0] == 0.0
    assert opt.result().history.gamma[1] == 5.0  # gamma from the batch only
    no_elit = ce.CrossEntropyOptimizer(
        fam, n_samples=4, n_elite=1, smoothing=1.0, elitism=False, rng=0
    )
    no_elit.tell(np.array([[0.0], [1.0]]), np.array([0.0, 1.0]))
    no_elit.tell(np.array([[5.0], [6.0]]), np.array([5.0, 6.0]))
    assert no_elit.family.mean[0] == 5.0
    assert no_elit.result().x[0] == 0.0  # best so far is still tracked


def test_std_smoothing_dynamic_beta(toy_gaussian):
    # Kroese, Porotsky & Rubinstein (2006): beta_t = beta - beta (1 - 1/t)^q.
    fam = toy_gaussian(np.zeros(1), np.ones(1))
    opt = ce.CrossEntropyOptimizer(
        fam,
        n_samples=4,
        n_elite=2,
        smoothing=1.0,
        std_smoothing=0.8,
        std_smoothing_power=5,
        elitism=False,
    )
    batch = np.array([[0.0], [2.0], [10.0], [20.0]])
    values = batch[:, 0]
    opt.tell(batch, values)  # t = 1: beta_1 = beta
    assert opt.family.std[0] == pytest.approx(0.8 * 1.0 + 0.2 * 1.0)
    prev = opt.family.std[0]
    opt.tell(batch, values)  # t = 2
    beta2 = 0.8 - 0.8 * 0.5**5
    assert opt.family.std[0] == pytest.approx(beta2 * 1.0 + (1 - beta2) * prev)
    assert opt.family.mean[0] == 1.0


def test_std_smoothing_requires_std_alpha(toy_bernoulli):
    with pytest.raises(ValueError, match=r"'std_smoothing'.*(Bernoulli)"):
        ce.CrossEntropyOptimizer(toy_bernoulli(np.full(3, 0.5)), std_smoothing=0.9)


def test_result_and_history_objects(toy_gaussian):
    fam = toy_gaussian(np.zeros(3), np.full(3, 5.0))
    res = ce.minimize(sphere, fam, vectorized=True, rng=0, maxiter=4, update="ce")
    assert isinstance(res, CEResult) and isinstance(res.history, History)
    assert res.status == 2 and not res.success and "iterations" in res.message
    assert res.nit == len(res.history) == 4
    assert res["nfev"] == res.nfev == 400
    np.testing.assert_array_equal(res.history.nfev, [100, 200, 300, 400])
    np.testing.assert_array_equal(res.history.iteration, [1, 2, 3, 4])
    assert np.all(np.diff(res.history.best) <= 0)  # best so far never worsens
    assert np.all(np.diff(res.history.elapsed) >= 0)
    assert isinstance(res.history[0], IterationRecord)
    with pytest.raises(ValueError):
        res.history.gamma[0] = 1.0  # read-only
    d = res.history.to_dict()
    assert d["nfev"] == [100, 200, 300, 400] and set(d) >= {"gamma", "dispersion"}
    text = repr(res)
    assert "fun:" in text and "message:" in text and "nfev: 400" in text
    assert res.keys()[:3] == ["x", "fun", "success"]
    with pytest.raises(KeyError):
        res["nope"]
    pickle.loads(pickle.dumps(res))


def test_result_before_any_iteration(toy_gaussian):
    opt = ce.CrossEntropyOptimizer(
        toy_gaussian([1.0, 2.0], [1.0, 1.0]), rng=0, update="ce"
    )
    res = opt.result()
    assert res.status == -1 and not res.success and res.nit == 0
    assert np.isnan(res.fun) and res.x.tolist() == [1.0, 2.0]
    assert opt.stop() == {}
    text = repr(opt)
    assert text.startswith("CrossEntropyOptimizer(family=Gaussian(")
    assert "nit=0" in text and "n_samples=100" in text and "n_elite=10" in text
