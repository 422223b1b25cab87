"""Constraints, noisy objectives, progress output and parameter validation."""

import re
import sys

import numpy as np
import pytest

import cemethod as ce


def sphere(X):
    return np.sum(X**2, axis=1)


@pytest.fixture
def fam(toy_gaussian):
    return toy_gaussian(np.full(3, 2.0), np.full(3, 3.0))


# -- constraints ---------------------------------------------------------------


def test_constrained_minimum_closed_form(fam):
    # min |x|^2 subject to x0 >= 1: the minimum is 1 at (1, 0, 0).
    res = ce.minimize(
        sphere,
        fam,
        vectorized=True,
        constraints=lambda X: np.maximum(0.0, 1.0 - X[:, 0]),
        rng=0,
    )
    assert res.success and res.constraint_violation == 0.0
    assert res.x[0] >= 1.0
    np.testing.assert_allclose(res.x, [1.0, 0.0, 0.0], atol=1e-3)
    assert res.fun == pytest.approx(1.0, abs=1e-3)


def test_no_feasible_point(fam):
    res = ce.minimize(
        sphere,
        fam,
        vectorized=True,
        constraints=lambda X: 1.0 + np.abs(X[:, 0]),  # never 0
        maxiter=30,
        rng=0,
    )
    assert not res.success and res.status == 6
    assert "No feasible point" in res.message
    assert res.constraint_violation >= 1.0
    assert np.all(np.isnan(res.history.best))
    # x is the point of smallest violation: x0 close to 0.
    assert abs(res.x[0]) < 0.1


def test_feasibility_first_ranking(toy_gaussian):
    plain = {"n_samples": 4, "smoothing": 1.0, "update": "ce", "rng": 0}
    opt = ce.CrossEntropyOptimizer(toy_gaussian([0.0], [1.0]), n_elite=2, **plain)
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    values = np.array([-100.0, 5.0, 7.0, -50.0])
    violation = np.array([2.0, 0.0, 0.0, 1.0])  # the best values are infeasible
    opt.tell(X, values, violation=violation)
    res = opt.result()
    assert res.x[0] == 1.0 and res.fun == 5.0 and res.constraint_violation == 0.0
    assert opt.family.mean[0] == 1.5  # elite = the two feasible points
    assert res.history.gamma[0] == 7.0
    opt2 = ce.CrossEntropyOptimizer(toy_gaussian([0.0], [1.0]), n_elite=3, **plain)
    opt2.tell(X, values, violation=violation)
    # Third elite is infeasible: then by violation (1.0 before 2.0); gamma = inf.
    assert opt2.family.mean[0] == 2.0 and opt2.result().history.gamma[0] == np.inf


def test_bad_violation(fam):
    opt = ce.CrossEntropyOptimizer(fam, rng=0)
    X = opt.ask()
    with pytest.raises(ValueError, match="violation"):
        opt.tell(X, sphere(X), violation=-np.ones(len(X)))


# -- noisy objectives ----------------------------------------------------------


def test_common_random_numbers(fam):
    seeds = []

    def noisy(X, seed):
        seeds.append(seed)
        # One noise value per seed, shared by all candidates: CRN cancels it in
        # the ranking, so the CE update sees the noiseless order.
        return sphere(X) + np.random.default_rng(seed).normal(scale=10.0)

    kw = dict(
        vectorized=True, replications=3, noise_seed=True, elitism=False, update="ce"
    )
    res = ce.minimize(noisy, fam, maxiter=40, rng=0, **kw)
    assert res.nfev == res.nit * 3 * 100
    assert len(seeds) == 3 * res.nit and len(set(seeds)) == len(seeds)
    # The final distribution sits on the optimum (the best *observed* value
    # is a noisy minimum, so x itself is only close).
    np.testing.assert_allclose(res.x_mode, 0.0, atol=1e-6)
    np.testing.assert_allclose(res.x, 0.0, atol=0.2)
    again = ce.minimize(noisy, fam, maxiter=40, rng=0, **kw)
    assert again.fun == res.fun  # the seeds come from rng: reproducible

    # Independent noise instead of CRN: the same budget ends far less precise.
    def independent(X, seed):
        noise = np.random.default_rng(seed).normal(scale=10.0, size=len(X))
        return sphere(X) + noise

    kw["noise_seed"] = True
    ind = ce.minimize(independent, fam, maxiter=40, rng=0, **kw)
    assert np.max(np.abs(ind.x_mode)) > 100 * np.max(np.abs(res.x_mode))


def test_replications_average(fam):
    calls = []

    def counted(x):
        calls.append(1)
        return float(x @ x)

    res = ce.minimize(counted, fam, replications=2, maxiter=3, n_samples=10, rng=0)
    assert len(calls) == res.nfev == 60


# -- progress ------------------------------------------------------------------


def test_progress_fallback_without_tqdm(fam, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm fails
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    ce.minimize(sphere, fam, vectorized=True, maxiter=2, progress=True, rng=0)
    err = capsys.readouterr().err
    assert "CE iteration 1: gamma=" in err and "CE iteration 2:" in err


def test_progress_tqdm(fam, capsys):
    pytest.importorskip("tqdm")
    ce.minimize(sphere, fam, vectorized=True, maxiter=2, progress=True, rng=0)
    err = capsys.readouterr().err
    assert "gamma=" in err and "best=" in err and "2/2" in err


# -- validation ----------------------------------------------------------------


def test_message_of_the_house_rule(fam):
    msg = (
        "The 'elite_fraction' parameter of minimize must be a real number in "
        "(0, 1]. Got 1.5 instead."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        ce.minimize(sphere, fam, elite_fraction=1.5)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("n_samples", 1),
        ("n_samples", 10.5),
        ("elite_fraction", 0.0),
        ("n_elite", 0),
        ("n_elite", 10_000),
        ("smoothing", 0.0),
        ("smoothing", 1.2),
        ("std_smoothing", 2.0),
        ("std_smoothing_power", -1.0),
        ("elitism", -1),
        ("elitism", 10_000),
        ("patience", 0),
        ("tol", -1.0),
        ("maxiter", 0),
        ("max_evaluations", 0),
        ("target", np.nan),
        ("time_limit", 0.0),
        ("on_error", "ignore"),
        ("rng", "seed"),
        ("replications", 0),
        ("sample_growth", 0.5),
        ("max_n_samples", 3),
    ],
)
@pytest.mark.parametrize("func", ["minimize", "maximize"])
def test_validation_names_function_and_parameter(fam, func, param, value):
    pattern = f"The '{param}' parameter of {func} must be"
    with pytest.raises(ValueError, match=re.escape(pattern)):
        getattr(ce, func)(sphere, fam, **{param: value})


def test_validation_in_class_and_types(fam):
    with pytest.raises(ValueError, match="parameter of CrossEntropyOptimizer"):
        ce.CrossEntropyOptimizer(fam, smoothing=0)
    with pytest.raises(ValueError, match="'direction'"):
        ce.CrossEntropyOptimizer(fam, direction="up")
    with pytest.raises(TypeError, match="'family' parameter of minimize"):
        ce.minimize(sphere, object())
    with pytest.raises(TypeError, match="unexpected keyword argument 'n_sample'"):
        ce.minimize(sphere, fam, n_sample=10)
    with pytest.raises(TypeError, match="'callback'"):
        ce.minimize(sphere, fam, callback=3)
    with pytest.raises(TypeError, match="'constraints'"):
        ce.minimize(sphere, fam, constraints=3)
    with pytest.raises(TypeError, match="'fun' parameter of minimize"):
        ce.minimize(3, fam)


def test_tell_checks(fam):
    opt = ce.CrossEntropyOptimizer(fam, rng=0)
    X = opt.ask()
    with pytest.raises(ValueError, match="shape"):
        opt.tell(X, np.ones(3))
    with pytest.raises(ValueError, match="finite with on_error='raise'"):
        opt.tell(X, np.full(len(X), np.nan))
    assert opt.nit == 0  # a refused batch leaves the state untouched


def test_kept_values_replace_stale_ones(toy_gaussian):
    opt = ce.CrossEntropyOptimizer(
        toy_gaussian([0.0], [1.0]), n_samples=4, n_elite=1, smoothing=1.0, rng=0
    )
    opt.tell(np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0.0, 1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(opt.kept_points, [[0.0]])
    # Re-measured, the kept point is now bad: it leaves the elite and is no
    # longer reported as the best.
    opt.tell(
        np.array([[5.0], [6.0], [7.0], [8.0]]),
        np.array([5.0, 6.0, 7.0, 8.0]),
        kept_values=np.array([100.0]),
    )
    assert opt.family.mean[0] == 5.0
    res = opt.result()
    assert res.x[0] == 5.0 and res.fun == 5.0 and res.nfev == 9
    np.testing.assert_array_equal(res.history.best, [0.0, 5.0])
    with pytest.raises(ValueError, match="'kept_values'"):
        opt.tell(np.zeros((4, 1)), np.zeros(4), kept_values=np.zeros(3))


def test_reevaluate_elite_in_minimize(fam):
    sizes = []

    def noisy(X, seed):
        sizes.append(len(X))
        return sphere(X) + np.random.default_rng(seed).normal(size=len(X))

    res = ce.minimize(
        noisy,
        fam,
        vectorized=True,
        noise_seed=True,
        reevaluate_elite=True,
        elitism=2,
        n_samples=50,
        maxiter=5,
        rng=0,
    )
    assert sizes == [50, 52, 52, 52, 52]
    assert res.nfev == sum(sizes)


def test_flag_and_path_types(fam):
    for name in ["vectorized", "progress", "noise_seed", "reevaluate_elite"]:
        with pytest.raises(TypeError, match=f"'{name}' parameter of minimize"):
            ce.minimize(sphere, fam, **{name: "yes"})
    with pytest.raises(TypeError, match="'checkpoint' parameter of maximize"):
        ce.maximize(sphere, fam, checkpoint=3)
    with pytest.raises(ValueError, match="existing directory"):
        ce.maximize(sphere, fam, checkpoint="/nonexistent-dir-xyz/run.pkl")


def test_process_pool_needs_picklable_objective(fam):
    with pytest.raises(TypeError, match=r"'workers' parameter of minimize.*picklable"):
        ce.minimize(lambda x: float(x @ x), fam, workers=2, maxiter=1)
