"""Variance injection on each family (Botev & Kroese 2004): the spread is
mixed back towards the initial family, the location is kept."""

import numpy as np
import pytest

from cemethod.families import (
    Bernoulli,
    Categorical,
    Gaussian,
    MultivariateGaussian,
    Permutation,
    Product,
    TruncatedGaussian,
)
from cemethod.optimize._injection import inject


def test_gaussian_keeps_mean_and_mixes_std():
    out = inject(
        Gaussian([1.0, -2.0], [0.0, 0.2]), Gaussian([0.0, 0.0], [2.0, 4.0]), 0.25
    )
    np.testing.assert_array_equal(out.mean, [1.0, -2.0])
    np.testing.assert_allclose(out.std, [0.5, 0.75 * 0.2 + 0.25 * 4.0])


def test_truncated_keeps_box():
    fam0 = TruncatedGaussian([0.0], [2.0], [-1.0], [3.0])
    out = inject(TruncatedGaussian([2.5], [1e-9], [-1.0], [3.0]), fam0, 0.5)
    assert out.mean[0] == 2.5 and out.lower[0] == -1.0 and out.upper[0] == 3.0
    assert out.std[0] == pytest.approx(1.0, rel=1e-8)


def test_multivariate_mixes_covariance():
    cov0 = np.array([[4.0, 1.0], [1.0, 2.0]])
    fam = MultivariateGaussian([1.0, 1.0], np.zeros((2, 2)))
    out = inject(fam, MultivariateGaussian([0.0, 0.0], cov0), 0.5)
    np.testing.assert_allclose(out.cov, 0.5 * cov0)
    np.testing.assert_array_equal(out.mean, [1.0, 1.0])


def test_discrete_families_pull_back_towards_the_initial_probabilities():
    out = inject(Bernoulli([1.0, 0.0, 0.3]), Bernoulli.uniform(3), 0.4)
    np.testing.assert_allclose(out.p, [0.8, 0.2, 0.6 * 0.3 + 0.2])
    cat = inject(Categorical([[1.0, 0.0, 0.0]]), Categorical([[0.5, 0.25, 0.25]]), 0.2)
    np.testing.assert_allclose(cat.probs[0], [0.9, 0.05, 0.05])
    tour = Permutation(np.roll(np.eye(4), 1, axis=1))  # one deterministic cycle
    out = inject(tour, Permutation.uniform(4), 0.3)
    np.testing.assert_allclose(out.transition.sum(axis=1), 1.0)
    assert np.all(out.transition[~np.eye(4, dtype=bool)] > 0)  # every edge possible


def test_product_injects_part_by_part():
    fam0 = Product((Gaussian([0.0], [1.0]), Bernoulli([0.5])))
    fam = Product((Gaussian([3.0], [0.0]), Bernoulli([1.0])))
    out = inject(fam, fam0, 0.5)
    assert out.parts[0].mean[0] == 3.0 and out.parts[0].std[0] == 0.5
    assert out.parts[1].p[0] == 0.75


def test_injected_family_samples_away_from_the_collapsed_point():
    rng = np.random.default_rng(0)
    collapsed = Bernoulli([1.0] * 10)
    assert np.all(collapsed.sample(50, rng) == 1)
    widened = inject(collapsed, Bernoulli.uniform(10), 0.5)
    assert np.any(widened.sample(50, rng) == 0)


def test_user_family_method_is_used_and_type_mismatch_is_an_error():
    class Own(Bernoulli):
        def inject(self, initial, weight):
            return "own"

    assert inject(Own([0.5]), Bernoulli([0.5]), 0.5) == "own"
    with pytest.raises(TypeError, match="same type"):
        inject(Gaussian([0.0], [1.0]), Bernoulli([0.5]), 0.5)
