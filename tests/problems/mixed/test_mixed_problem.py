"""MixedQuadratic: optimum by construction, brute force over the categories."""

import itertools

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import Categorical, Gaussian, Product
from cemethod.problems import MixedQuadratic
from cemethod.testing import check_problem


def test_optimum_by_brute_force_over_categories():
    # For fixed categories the best x is t(c) (a quadratic), leaving the penalty:
    # enumerate every category vector and compare with the stated optimum.
    p = MixedQuadratic(n_continuous=2, n_values=(3, 4, 2), rng=5)
    best = []
    for c in itertools.product(*(range(k) for k in p.n_values)):
        t = sum(p.shifts[i][ci] for i, ci in enumerate(c))
        best.append((p(np.concatenate([t, c])[None, :])[0], c))
    value, c_best = min(best)
    assert value == 0.0 == p.optimum
    assert list(c_best) == p.best_categories.tolist()
    assert sorted(v for v, _ in best)[1] >= 1.0  # the other vectors pay a penalty


def test_conformance_and_reference():
    for p in (MixedQuadratic(), MixedQuadratic(4, (2, 2, 2, 6), rng=1)):
        check_problem(p)
        X = p.default_family().sample(10, np.random.default_rng(0))
        np.testing.assert_allclose(p(X), [p.evaluate_one(x) for x in X])


def test_default_family_is_a_product():
    fam = MixedQuadratic(3, (3, 4)).default_family()
    assert isinstance(fam, Product)
    assert isinstance(fam.parts[0], Gaussian) and isinstance(fam.parts[1], Categorical)
    assert fam.widths == (3, 2)


@pytest.mark.parametrize("seed", range(5))
def test_ce_finds_the_optimum(seed):
    p = MixedQuadratic(rng=seed)
    res = ce.minimize(
        p, p.default_family(), vectorized=True, rng=seed, **p.default_options()
    )
    assert res.fun < 1e-8
    np.testing.assert_array_equal(res.x[3:], p.best_categories)
    np.testing.assert_allclose(res.x, p.optimal_solution, atol=1e-4)


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"'n_values' parameter of MixedQuadratic"):
        MixedQuadratic(n_values=(3, 1))
    with pytest.raises(ValueError, match=r"'n_continuous' parameter of MixedQuadratic"):
        MixedQuadratic(n_continuous=0)
    p = MixedQuadratic(1, (2,))
    with pytest.raises(ValueError, match=r"'X' parameter of MixedQuadratic.__call__"):
        p(np.array([[0.0, 2.0]]))  # category 2 of a 2-valued position
    assert p.is_feasible(np.array([[0.0, 1.0], [0.0, 0.5]])).tolist() == [True, False]
