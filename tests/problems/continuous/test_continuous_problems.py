"""Continuous test functions: values against scipy and published optima, CE runs."""

import numpy as np
import pytest
from scipy import optimize

import cemethod as ce
from cemethod.problems import (
    Ackley,
    Griewank,
    Levy,
    Peaks,
    Rastrigin,
    Rosenbrock,
    Shekel,
)
from cemethod.testing import check_problem

ALL = [
    *(
        cls(d)
        for cls in (Rosenbrock, Rastrigin, Ackley, Griewank, Levy)
        for d in (2, 10, 30)
    ),
    Shekel(5),
    Shekel(7),
    Shekel(10),
    Peaks(),
]


def run(problem, seed, **extra):
    solve = ce.minimize if problem.direction == "minimize" else ce.maximize
    options = {**problem.default_options(), **extra}
    return solve(
        problem, problem.default_family(), vectorized=True, rng=seed, **options
    )


@pytest.mark.parametrize("problem", ALL, ids=repr)
def test_conformance(problem):
    # Vectorized = plain-Python evaluate_one, optimum attained at optimal_solution.
    check_problem(problem, n_samples=32)


@pytest.mark.parametrize("d", [2, 5, 30])
def test_rosenbrock_equals_scipy(d):
    X = np.random.default_rng(d).uniform(-5, 10, (20, d))
    np.testing.assert_allclose(
        Rosenbrock(d)(X), [optimize.rosen(x) for x in X], rtol=1e-12
    )


def test_closed_form_values():
    # Rastrigin at integer points is sum x_i^2 (the cosines are 1).
    assert Rastrigin(3)(np.array([[1.0, -2.0, 3.0]]))[0] == pytest.approx(14.0)
    # Griewank at (pi * sqrt(1), 0): 1 + pi^2 / 4000 - cos(pi) * cos(0).
    g = Griewank(2)(np.array([[np.pi, 0.0]]))[0]
    assert g == pytest.approx(2.0 + np.pi**2 / 4000)
    # Ackley at (1, 1): -20 exp(-0.2) - exp(1) + 20 + e.
    assert Ackley(2)(np.ones((1, 2)))[0] == pytest.approx(20 - 20 * np.exp(-0.2))
    # Levy in 1-D at x = 5 (w = 2): sin^2(2 pi) + 1 * (1 + sin^2(4 pi)) = 1.
    assert Levy(1)(np.array([[5.0]]))[0] == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("m, published", [(5, -10.1532), (7, -10.4029), (10, -10.5364)])
def test_shekel_minimum_by_scipy(m, published):
    f = Shekel(m)
    res = optimize.minimize(
        lambda x: f(x[None, :])[0], np.full(4, 4.0), method="BFGS", tol=1e-12
    )
    assert res.fun == pytest.approx(f.optimum, abs=1e-9)
    assert f.optimum == pytest.approx(published, abs=1e-4)
    np.testing.assert_allclose(res.x, f.optimal_solution, atol=1e-5)


def test_peaks_maximum_by_scipy():
    f = Peaks()
    best = max(
        -optimize.minimize(
            lambda x: -f(x[None, :])[0],
            x0,
            method="Nelder-Mead",
            options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 5000},
        ).fun
        for x0 in np.random.default_rng(0).uniform(-3, 3, (20, 2))
    )
    assert best == pytest.approx(8.1062136, abs=1e-7)
    assert best == pytest.approx(f.optimum, abs=1e-9)


@pytest.mark.parametrize(
    "problem, tol, need",
    [
        (Ackley(10), 1e-6, 5),
        (Griewank(10), 1e-8, 5),
        (Levy(10), 1e-8, 5),
        (Peaks(), 1e-8, 5),
        (Shekel(10), 1e-6, 4),
        (Rastrigin(10), 1e-8, 2),
    ],
    ids=repr,
)
def test_ce_reaches_the_optimum(problem, tol, need):
    hits = sum(
        abs(run(problem, seed).fun - problem.optimum) <= tol for seed in range(5)
    )
    assert hits >= need


def test_rosenbrock_2d_full_covariance():
    p = Rosenbrock(2)
    best = [run(p, seed).fun for seed in range(5)]
    assert sum(b <= 1e-8 for b in best) >= 3, best


def test_bad_parameters():
    with pytest.raises(ValueError, match=r"'n_dims' parameter of Rosenbrock"):
        Rosenbrock(1)
    with pytest.raises(ValueError, match=r"'m' parameter of Shekel"):
        Shekel(6)
    with pytest.raises(ValueError, match=r"'X' parameter of Rastrigin.__call__"):
        Rastrigin(3)(np.zeros((2, 2)))


@pytest.mark.slow
def test_rastrigin_10_not_worse_than_pycma():
    # Same budget, same start (box centre), no restarts; median best of 5 seeds.
    cma = pytest.importorskip("cma")
    p, budget, ours, theirs = Rastrigin(10), 15000, [], []
    lower, upper = p.bounds
    for seed in range(5):
        ours.append(run(p, seed, max_evaluations=budget).fun)
        es = cma.CMAEvolutionStrategy(
            0.5 * (lower + upper),
            0.25 * (upper[0] - lower[0]),
            {
                "bounds": [lower[0], upper[0]],
                "seed": seed + 1,
                "maxfevals": budget,
                "verbose": -9,
            },
        )
        while not es.stop():
            X = es.ask()
            es.tell(X, list(p(np.array(X))))
        theirs.append(es.result.fbest)
    assert np.median(ours) <= np.median(theirs), (ours, theirs)
