"""Two independent runs (method="auto"): agreement, pooling of their final samples."""

import math
import warnings

import numpy as np
import pytest
from scipy import stats

import cemethod as ce
from cemethod.families import Gaussian, MultivariateGaussian
from cemethod.rare_event._defensive import FinalSample
from cemethod.rare_event._replicas import agreement, combine_runs, combined_family


def _res(estimate, cov):
    return ce.RareEventResult(
        estimate=estimate, std_error=cov * estimate, relative_error=cov,
        confidence_interval=ce.ConfidenceInterval(0.0, 1.0, 0.95),
        n_evaluations=1, levels=(), family=None, effective_sample_size=1.0,
        method="m", degenerate_weights=False, message="m.", elapsed=0.0,
        log_estimate=math.log(estimate) if estimate > 0 else -math.inf,
    )  # fmt: skip


def test_agreement_is_the_log_distance_in_units_of_the_log_errors():
    a, b = _res(1e-5, 0.1), _res(2e-5, 0.2)
    spread = math.hypot(math.sqrt(math.log1p(0.01)), math.sqrt(math.log1p(0.04)))
    assert agreement(a, b) == pytest.approx(math.log(2.0) / spread, rel=1e-12)
    assert agreement(a, _res(0.0, math.nan)) == math.inf
    assert agreement(_res(0.0, math.nan), _res(0.0, math.nan)) == 0.0


def test_the_combined_family_is_the_equal_mixture_of_the_two():
    fa = Gaussian([3.0, 0.0], [1.0, 0.5])
    cov = np.array([[1.0, 0.3], [0.3, 2.0]])
    fb = MultivariateGaussian([0.0, -2.0], cov)
    x = np.random.default_rng(0).normal(size=(50, 2)) * 2
    pa = stats.multivariate_normal([3.0, 0.0], np.diag([1.0, 0.25])).pdf(x)
    pb = stats.multivariate_normal([0.0, -2.0], cov).pdf(x)
    got = combined_family(fa, fb).log_pdf(x)
    np.testing.assert_allclose(got, np.log(0.5 * pa + 0.5 * pb), rtol=1e-10)


def _final_sample(family, score, n, rng):
    sample = FinalSample()
    X = family.sample(n, rng)
    sample.keep(X, score(X), family, 0.0, [])
    return sample


_OPTIONS = {"family": Gaussian(np.zeros(2), 1.0), "confidence_level": 0.95}


def _two_regions(x):  # x1 > 3.5 or x2 > 4
    return np.maximum(x[:, 0] - 3.5, x[:, 1] - 4.0)


def test_pooled_final_samples_weigh_every_hit_against_the_equal_mixture():
    fa, fb = Gaussian([3.8, 0.0], 1.0), Gaussian([0.0, 4.3], 1.0)
    rng = np.random.default_rng(3)
    samples = [_final_sample(f, _two_regions, 500, rng) for f in (fa, fb)]
    res = combine_runs(samples, _OPTIONS, "x", (1.0, 0.0), 2)
    # by hand: f / ((g_a + g_b) / 2) with scipy densities, per group
    terms = []
    for x in samples:
        f = stats.multivariate_normal(np.zeros(2)).pdf(x.X)
        q = 0.5 * stats.multivariate_normal([3.8, 0.0]).pdf(x.X)
        q += 0.5 * stats.multivariate_normal([0.0, 4.3]).pdf(x.X)
        terms.append(np.where(x.s >= 0, f / q, 0.0))
    assert res.estimate == pytest.approx(np.mean(np.concatenate(terms)), rel=1e-9)
    # stratified: each group's own variance, (n_a s_a^2 + n_b s_b^2) / n^2
    var = sum(500 * t.var(ddof=1) for t in terms) / 1000**2
    assert res.std_error == pytest.approx(math.sqrt(var), rel=1e-9)
    assert res.n_evaluations == 0 and res.levels == (1.0, 0.0)
    assert "2 evaluations failed" in res.message


def test_pooled_final_samples_count_a_region_only_one_run_reaches():
    exact = 1 - stats.norm.cdf(3.5) * stats.norm.cdf(4.0)
    families = (Gaussian([3.8, 0.0], 1.0), Gaussian([0.0, 4.3], 1.0))
    z = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        samples = [_final_sample(f, _two_regions, 2000, rng) for f in families]
        res = combine_runs(samples, _OPTIONS, "x")
        assert res.reliable
        z.append((res.estimate - exact) / res.std_error)
    # unbiased with the stated error: the mean of 20 z-scores is N(0, 1 / 20)
    assert abs(np.mean(z)) < 4 / math.sqrt(20) and 0.5 < np.std(z) < 1.6


def _rp110(u):
    """RP110 (Rozsas et al. otbenchmark): two regions, x1 > 4 (97% of the
    probability) and x2 > 5; the smaller one draws the levels."""
    x1, x2 = u[:, 0], u[:, 1]
    g1 = np.where(x1 <= 3.5, 0.85 - 0.1 * x1, 4.0 - x1)
    g2 = np.where(x2 <= 2.0, 2.3 - x2, 0.5 - 0.1 * x2)
    return np.minimum(g1, g2)


def _confidently_wrong(seeds):
    p4, p5 = stats.norm.sf(4.0), stats.norm.sf(5.0)
    exact = p4 + p5 - p4 * p5
    wrong = []
    for seed in seeds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = ce.estimate_rare_event(
                _rp110, 0.0, Gaussian(np.zeros(2), 1.0), direction="less", rng=seed
            )
        low, high = res.confidence_interval
        off = max(res.estimate / exact, exact / max(res.estimate, 1e-300)) > 2
        if res.reliable and off and not low <= exact <= high:
            wrong.append((seed, res.estimate / exact))
    return wrong


def test_a_deceptive_two_region_problem_is_right_or_flagged():
    # a single improved-CE run returned 1% of it with a 3% error on seeds 1, 19
    assert _confidently_wrong(range(8)) == []


@pytest.mark.slow
def test_a_deceptive_two_region_problem_is_right_or_flagged_over_many_seeds():
    assert len(_confidently_wrong(range(100))) <= 2
