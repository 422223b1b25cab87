"""AMaLGaM's adaptive Gaussian update and the IPOP restarts of the optimizer.

Reference values are the rules of Bosman, Grahl & Thierens (2013), Section 2,
written out by hand in each test, numpy's own inverse of the Cholesky factor,
and plain-CE runs driven by hand through ``fit`` / ``smooth``.
"""

import math
import pickle

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint

import cemethod as ce
from cemethod.families import (
    Bernoulli,
    Gaussian,
    MultivariateGaussian,
    TruncatedGaussian,
)
from cemethod.optimize._amalgam import (
    AdaptiveGaussianUpdate,
    default_sizes,
    incremental_rates,
)
from cemethod.problems import Ellipsoid, Rosenbrock, Sphere


def sphere(X):
    return np.sum(X**2, axis=1)


# -- the multiplier rules (BGT, Section 2.2) ------------------------------------


def _update(d=2, n=20):
    fam = Gaussian(np.zeros(d), np.ones(d))
    return fam, AdaptiveGaussianUpdate(fam, n, 7)


def test_far_improvements_grow_the_multiplier_near_ones_keep_it_at_one():
    fam, up = _update()
    X = np.array([[3.0, 0.0], [0.1, 0.0], [5.0, 5.0]])
    # First generation: everything improves on +inf; mean of the improving
    # rows (2.7, 1.67) is 2.7 standard deviations out: SDR > 1, c = 1 / 0.9.
    up._scale_step(fam, X, np.array([1.0, 2.0, 3.0]))
    assert up.c == pytest.approx(1 / 0.9) and up.best == 1.0
    # Improving row close to the mean: SDR = 0.5 <= 1, c stays.
    up._scale_step(fam, np.array([[0.5, 0.0]]), np.array([0.5]))
    assert up.c == pytest.approx(1 / 0.9) and up.stretch == 0


def test_no_improvement_decays_above_one_and_after_the_stretch():
    fam, up = _update(d=2)
    up.best, up.best_violation, up.c = 0.0, 0.0, 1 / 0.9**2
    worse = np.array([[1.0, 1.0]]), np.array([1.0])
    up._scale_step(fam, *worse)  # c > 1: decays, stretch not counted
    assert up.c == pytest.approx(1 / 0.9) and up.stretch == 0
    up._scale_step(fam, *worse)
    assert up.c == pytest.approx(1.0)
    # c <= 1: the stretch counts; c is held at 1 until NIS_MAX = 25 + d = 27.
    for k in range(1, 27):
        up._scale_step(fam, *worse)
        assert up.stretch == k and up.c == 1.0
    for k in range(1, 6):
        up._scale_step(fam, *worse)
        assert up.c == pytest.approx(0.9**k)
    # An improvement resets the stretch and lifts c back to 1.
    up._scale_step(fam, np.array([[0.0, 0.0]]), np.array([-1.0]))
    assert up.stretch == 0 and up.c == 1.0


def test_converged_below_1e_minus_10():
    _, up = _update()
    up.c = 1.01e-10
    assert not up.converged
    up.c = 0.99e-10
    assert up.converged


def test_sdr_of_the_full_covariance_uses_the_inverse_cholesky_factor():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((4, 4))
    cov = A @ A.T + 0.5 * np.eye(4)
    fam = MultivariateGaussian(rng.standard_normal(4), cov)
    up = AdaptiveGaussianUpdate(fam, 20, 7)
    x = rng.standard_normal(4) * 3
    expected = np.abs(np.linalg.inv(np.linalg.cholesky(cov)) @ (x - fam.mean)).max()
    assert up._sdr(fam, x) == pytest.approx(expected, rel=1e-12)


def test_published_rates_and_sizes():
    # iAMaLGaM-Full, d = 10, n = 31, tau n = 10 selected (BGT, Table 1).
    eta_cov, eta_shift = incremental_rates(10, 10)
    assert eta_cov == pytest.approx(1 - math.exp(-1.1 * 10**1.2 / 10**1.6))
    assert eta_shift == pytest.approx(1 - math.exp(-1.2 * 10**0.31 / 10**0.5))
    assert [default_sizes(d) for d in (1, 4, 10, 30)] == [10, 20, 31, 54]


def test_the_ranked_elite_is_weighted_by_log_ranks():
    # Hansen (2016), eq. (49): w_i proportional to ln(m + 1/2) - ln(i), best
    # first; the full-covariance rates take mu_eff = 1 / sum(w^2) for tau n.
    rng = np.random.default_rng(3)
    d, n, m = 3, 12, 6
    fam = MultivariateGaussian(np.zeros(d), np.eye(d))
    up = AdaptiveGaussianUpdate(fam, n, m)
    w = np.array([math.log(m + 0.5) - math.log(i) for i in range(1, m + 1)])
    w /= w.sum()
    mu_eff = 1.0 / sum(wi * wi for wi in w)
    assert (up.eta_cov, up.eta_shift) == pytest.approx(incremental_rates(mu_eff, d))
    X = rng.normal(size=(n, d))
    scores = sphere(X)
    elite = X[np.argsort(scores)[:m]]
    new = up.update(fam, X, scores, elite, elite[0])
    mean = sum(wi * x for wi, x in zip(w, elite, strict=True))
    cov = sum(wi * np.outer(x - mean, x - mean) for wi, x in zip(w, elite, strict=True))
    eta = up.eta_cov
    np.testing.assert_allclose(new.mean, mean, rtol=1e-12)
    np.testing.assert_allclose(
        new.cov, up.c * (eta * cov + (1 - eta) * np.eye(d)), rtol=1e-10
    )


# -- anticipated mean shift (BGT, Section 2.3) ----------------------------------


def test_ams_moves_a_share_of_the_rows_by_twice_the_scaled_shift():
    fam = Gaussian(np.zeros(3), np.ones(3))
    up = AdaptiveGaussianUpdate(fam, 40, 14)
    up.mean_shift, up.c = np.array([1.0, -2.0, 0.5]), 1.5
    X = np.arange(120.0).reshape(40, 3)
    out = up.shift(X.copy(), fam)
    k = int(0.5 * 0.35 * 40)  # 7 rows
    np.testing.assert_array_equal(out[:k], X[:k] + 2 * 1.5 * up.mean_shift)
    np.testing.assert_array_equal(out[k:], X[k:])


def test_ams_keeps_rows_inside_the_box_of_a_truncated_family():
    fam = TruncatedGaussian(np.zeros(2), np.ones(2), -np.ones(2), np.ones(2))
    up = AdaptiveGaussianUpdate(fam, 40, 14)
    up.mean_shift = np.array([0.3, 0.0])
    X = fam.sample(40, np.random.default_rng(0))
    out = up.shift(X.copy(), fam)
    assert np.all((out >= -1) & (out <= 1))
    k = int(0.5 * 0.35 * 40)
    moved = out[:k, 0] - X[:k, 0]
    # Each row moved by 0.6 / 2^j for some j <= 10, or not at all.
    steps = {0.0} | {0.6 / 2**j for j in range(11)}
    assert all(min(abs(m - s) for s in steps) < 1e-12 for m in moved)
    assert np.any(moved > 0)


# -- the optimizer's options ----------------------------------------------------


def test_auto_update_is_amalgam_for_gaussians_and_ce_otherwise():
    g = ce.CrossEntropyOptimizer(Gaussian(np.zeros(4), 1.0))
    assert g._settings["update"] == "amalgam" and g.n_samples == 20
    assert g._settings["elite_fraction"] == 0.5
    b = ce.CrossEntropyOptimizer(Bernoulli(np.full(4, 0.5)))
    assert b._settings["update"] == "ce" and b.n_samples == 100


@pytest.mark.parametrize(
    ("options", "param"),
    [
        ({"update": "cma"}, "update"),
        ({"update": "amalgam", "std_smoothing": 0.5}, "std_smoothing"),
        ({"update": "amalgam", "injection": 0.5}, "injection"),
        ({"update": "amalgam", "sample_growth": 2.0}, "sample_growth"),
        ({"restarts": 2, "injection": 0.5}, "restarts"),
        ({"restarts": -1}, "restarts"),
        ({"population_growth": 0.5}, "population_growth"),
    ],
)
def test_bad_options_name_the_parameter(options, param):
    with pytest.raises(ValueError, match=f"'{param}' parameter of minimize"):
        ce.minimize(sphere, Gaussian(np.zeros(2), 1.0), vectorized=True, **options)


def test_amalgam_refuses_a_discrete_family():
    with pytest.raises(ValueError, match=r"'update' parameter.*Bernoulli"):
        ce.minimize(lambda x: x.sum(), Bernoulli([0.5, 0.5]), update="amalgam")


def test_plain_update_is_the_textbook_ce_loop():
    # update="ce": fit the elite, smooth with alpha = 0.7, by hand.
    fam0 = Gaussian(np.full(3, 2.0), np.full(3, 3.0))
    opt = ce.CrossEntropyOptimizer(fam0, update="ce", elitism=False, rng=5)
    rng = np.random.default_rng(5)
    fam = fam0
    for _ in range(6):
        X = opt.ask()
        np.testing.assert_array_equal(X, fam.sample(100, rng))
        opt.tell(X, sphere(X))
        elite = X[np.argsort(sphere(X), kind="stable")[:10]]
        fam = fam.fit(elite).smooth(fam, 0.7)
        np.testing.assert_allclose(opt.family.mean, fam.mean, rtol=0, atol=0)
        np.testing.assert_allclose(opt.family.std, fam.std, rtol=0, atol=0)


# -- restarts (IPOP) -----------------------------------------------------------


def test_restarts_double_the_sample_until_the_budget_is_spent():
    # An unreachable target: the run converges, restarts, and spends the budget.
    res = ce.minimize(
        sphere,
        Gaussian(np.full(2, 3.0), 1.0),
        vectorized=True,
        rng=0,
        max_evaluations=20_000,
    )
    assert len(res.restarts) >= 2
    sizes = [r.n_samples for r in res.history]
    starts = [0, *res.restarts]
    for k, it in enumerate(starts):
        assert sizes[it] == default_sizes(2) * 2**k
    assert res.stop_reasons.keys() == {"max_evaluations"}
    assert 20_000 <= res.nfev < 20_000 + sizes[-1]


def test_no_restarts_without_a_budget_or_with_restarts_zero():
    fam = Gaussian(np.full(2, 3.0), 1.0)
    assert ce.minimize(sphere, fam, vectorized=True, rng=0).restarts == ()
    res = ce.minimize(
        sphere, fam, vectorized=True, rng=0, max_evaluations=20_000, restarts=0
    )
    assert res.restarts == () and res.nfev < 20_000


def test_explicit_restarts_count():
    res = ce.minimize(
        sphere, Gaussian(np.full(2, 3.0), 1.0), vectorized=True, rng=1, restarts=2
    )
    assert len(res.restarts) == 2


# -- determinism and checkpoints -----------------------------------------------


def test_pickled_optimizer_resumes_bit_for_bit():
    f = Rosenbrock(4)
    opt = ce.CrossEntropyOptimizer(f.default_family(), rng=2, max_evaluations=4000)
    for _ in range(15):
        X = opt.ask()
        opt.tell(X, f(X))
    clone = pickle.loads(pickle.dumps(opt))
    for o in (opt, clone):
        while not o.stop():
            X = o.ask()
            o.tell(X, f(X))
    a, b = opt.result(), clone.result()
    assert a.fun == b.fun and a.nfev == b.nfev and a.restarts == b.restarts
    np.testing.assert_array_equal(a.x, b.x)


def test_checkpoint_resume_with_the_adaptive_state(tmp_path):
    f = Rosenbrock(3)
    path = tmp_path / "run.ckpt"
    calls = []

    def killed_in_iteration_90(X):
        calls.append(1)
        if len(calls) == 90:
            raise KeyboardInterrupt
        return f(X)

    kwargs = dict(vectorized=True, rng=4, max_evaluations=6000)
    full = ce.minimize(f, f.default_family(), **kwargs)
    assert full.restarts  # the state crosses restarts too
    with pytest.raises(KeyboardInterrupt):
        ce.minimize(
            killed_in_iteration_90, f.default_family(), checkpoint=path, **kwargs
        )
    resumed = ce.minimize(f, f.default_family(), checkpoint=path, **kwargs)
    assert resumed.nfev == full.nfev and resumed.fun == full.fun
    np.testing.assert_array_equal(resumed.x, full.x)


def test_same_result_with_workers():
    f = Sphere(3)
    kwargs = dict(rng=7, max_evaluations=3000)
    serial = ce.minimize(f.evaluate_one, f.default_family(), **kwargs)
    pooled = ce.minimize(f.evaluate_one, f.default_family(), workers=2, **kwargs)
    assert serial.fun == pooled.fun and serial.restarts == pooled.restarts
    np.testing.assert_array_equal(serial.x, pooled.x)


# -- what the update is for ----------------------------------------------------


@pytest.mark.parametrize("problem", [Sphere(10), Ellipsoid(10), Rosenbrock(10)])
def test_smooth_functions_reach_1e_minus_6_within_5e4(problem):
    for seed in range(2):
        res = ce.minimize(
            problem,
            problem.default_family(),
            vectorized=True,
            rng=seed,
            max_evaluations=50_000,
            target=1e-6,
            **problem.default_options(),
        )
        assert res.fun <= 1e-6, (seed, res.fun, res.nfev)


def test_plain_update_stalls_on_rosenbrock_10():
    # The failure the adaptive update fixes (issue: f ~ 7 with the plain update).
    f = Rosenbrock(10)
    res = ce.minimize(
        f, f.default_family(), vectorized=True, rng=0, update="ce", patience=10
    )
    assert res.fun > 1.0


# -- constraints: improvements in the ranking's order ---------------------------


def test_smaller_violations_count_as_improvements_while_nothing_is_feasible():
    fam = Gaussian(np.zeros(2), np.ones(2))
    up = AdaptiveGaussianUpdate(fam, 4, 2)
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    values = np.array([-5.0, 1.0, 2.0, 3.0])
    up._scale_step(fam, X, values, np.array([3.0, 2.0, 2.0, 4.0]))
    # the smallest violation (2.0), then the smaller value among those rows
    assert (up.best_violation, up.best, up.stretch) == (2.0, 1.0, 0)
    up.c = 1.0  # (the SDR may have raised it; the stretch counts at c <= 1)
    up._scale_step(fam, X, values, np.array([3.0, 2.5, 2.5, 4.0]))  # worse
    assert (up.best_violation, up.stretch) == (2.0, 1)
    up._scale_step(fam, X, values, np.array([0.0, 0.0, 1.0, 1.0]))  # feasible
    assert (up.best_violation, up.best, up.stretch) == (0.0, -5.0, 0)
    up.c = 1.0
    up._scale_step(fam, X, values + 10.0, None)  # all feasible, all worse
    assert up.stretch == 1


def test_a_run_that_starts_infeasible_far_away_reaches_the_feasible_set():
    # c @ x on the simplex from x0 = 10 + N(0, 1) in 30-D (bench_constrained,
    # seed 3): counting only feasible rows as improvements, the multiplier
    # decayed while every sample was infeasible and the run ended at violation 0.16.
    d = 30
    lin = np.linspace(-1.0, 1.0, d)
    simplex = [Bounds(0.0, np.inf), LinearConstraint(np.ones((1, d)), -np.inf, 1.0)]
    x0 = 10.0 + np.random.default_rng(3).normal(size=d)
    res = ce.minimize(
        lambda X: X @ lin,
        Gaussian(x0, np.full(d, 10.0)),
        vectorized=True,
        constraints=simplex,
        polish=False,
        rng=3,
    )
    assert res.constraint_violation == 0.0 and res.fun < -0.8
