"""The improved CE method (method="ice") and the staged final run (final_refits).

References: scipy's gamma and normal survival functions, the bridge value
checked by integration in test_rare_event_problems, densities recomputed with
scipy.stats for the mixture weights, and the defining equation of the iCE
width (Papaioannou, Geyer & Straub 2019, eq. (20)) solved by brute force.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rare_event_helpers import flaky_sum
from scipy import stats

import cemethod as ce
from cemethod.families import Exponential, Gaussian
from cemethod.problems import BridgeNetwork, LinearLimitState, SumOfExponentials
from cemethod.rare_event._ice import next_width
from cemethod.rare_event._refine import SamplePool, stage_sizes

# The benchmark settings (benchmarks/bench_rare_event.py, docs page).
ICE_100 = {
    "method": "ice",
    "n_samples": 500,
    "n_final": 900,
    "final_refits": 2,
    "reuse_level_samples": True,
}
BRIDGE_45K = {"n_samples": 500, "n_final": 42_000, "smoothing": 0.7, "final_refits": 3}


def _close(res, exact, k=3.0):
    return abs(res.estimate - exact) <= k * res.std_error


@pytest.mark.parametrize(
    ("problem", "options"),
    [
        (SumOfExponentials(10, 40.0), {"method": "ice"}),
        (SumOfExponentials(100, 140.0), ICE_100),
        (LinearLimitState(2), {"method": "ice", "n_final": 4000}),
        (LinearLimitState(20), {"method": "ice", "n_samples": 2000}),
        (BridgeNetwork(), BRIDGE_45K),
        (BridgeNetwork(), {"method": "ice", "n_final": 20_000, "final_refits": 2}),
    ],
    ids=["exp10-ice", "exp100-ice", "linear2-ice", "linear20-ice", "bridge", "b-ice"],
)
@pytest.mark.parametrize("seed", [1, 2])
def test_estimates_match_the_exact_probability(problem, options, seed):
    family = problem.default_family()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no degenerate-weight or stall warning
        res = ce.estimate_rare_event(
            problem, problem.gamma, family, rng=seed, **options
        )
    assert _close(res, problem.exact)
    assert res.relative_error < 0.3
    if options.get("method") == "ice":
        assert res.method == "improved cross-entropy"
        # The widths of the smoothed indicators shrink level after level.
        widths = np.array(res.levels)
        assert np.all(np.diff(widths) < 0) and np.all(widths >= 0)


def test_ice_levels_reach_the_cross_entropy_optimum():
    # P(X >= 10) for one exponential of mean 1: by memorylessness the optimal
    # CE mean is E[X | X >= 10] = 11.
    res = ce.estimate_rare_event(
        lambda x: x[:, 0], 10.0, Exponential([1.0]), method="ice", rng=3
    )
    assert res.family.mean[0] == pytest.approx(11.0, rel=0.1)
    assert _close(res, math.exp(-10.0))


def test_ice_on_a_frequent_event_is_crude_monte_carlo():
    # P(U >= 0.3) = 0.38: the indicator's CoV sqrt(0.62 / 0.38) = 1.27 already
    # meets eq. (21) (1.5) at the first level, so no level is fitted.
    res = ce.estimate_rare_event(
        lambda x: x[:, 0], 0.3, Gaussian([0.0], [1.0]), method="ice", rng=0
    )
    assert res.levels == () and res.family.mean[0] == 0.0
    assert _close(res, stats.norm.sf(0.3))


def test_final_refits_count_every_evaluation_and_say_so():
    problem = SumOfExponentials(10, 40.0)
    fam = problem.default_family()
    plain = ce.estimate_rare_event(problem, 40.0, fam, n_final=3000, rng=4)
    staged = ce.estimate_rare_event(
        problem, 40.0, fam, n_final=3000, final_refits=3, rng=4
    )
    # Same levels (same seed), then the same final budget in three stages.
    assert staged.levels == plain.levels
    assert staged.n_evaluations == plain.n_evaluations
    assert "3 stages" in staged.message
    assert _close(staged, problem.exact)


def test_final_refits_bring_a_noisy_family_to_the_ce_optimum():
    # 100 means fitted on the 100 elite samples of the last CE level are noisy;
    # refits on the pooled hits of the final stages (about half of 3000
    # samples) are not. The CE optimum is E[X_i | S >= gamma] = E[S | S >=
    # gamma] / 100 = sf_101(gamma) / sf_100(gamma) for Gamma(n, 1) sums.
    problem = SumOfExponentials(100, 140.0)
    optimum = stats.gamma(101).sf(140.0) / stats.gamma(100).sf(140.0)
    fam = problem.default_family()
    spread = {0: [], 2: []}
    for seed in range(4):
        for refits in spread:
            res = ce.estimate_rare_event(
                problem,
                140.0,
                fam,
                n_samples=1000,
                smoothing=0.5,
                n_final=3000,
                final_refits=refits,
                rng=seed,
            )
            spread[refits].append(np.mean((res.family.mean / optimum - 1) ** 2))
    assert np.mean(spread[2]) < 0.6 * np.mean(spread[0])


def test_ice_stops_when_the_hit_fraction_stops_growing():
    # An exponential family cannot concentrate on the bridge event (about 15%
    # hits at best), so the CoV rule (eq. (21)) never holds: the guard stops.
    problem = BridgeNetwork()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ce.estimate_rare_event(
            problem, 2.0, problem.default_family(), method="ice", n_final=20_000, rng=0
        )
    assert "stopped growing" in res.message
    assert len(res.levels) < 20


def test_ice_counts_failed_evaluations_outside_the_event():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ce.estimate_rare_event(
            flaky_sum,
            20.0,
            Exponential(np.ones(5)),
            method="ice",
            final_refits=2,
            on_error="worst",
            rng=0,
        )
    assert res.n_failures > 0 and "failed" in res.message
    # Every 50th sample is lost: the estimate is biased down by about 2%.
    assert _close(res, 0.98 * stats.gamma(5).sf(20.0))


def _first_five(X):
    return X[:, :5].sum(axis=1)


def test_ice_with_screening_keeps_irrelevant_parameters_nominal():
    # Only the first 5 of 10 coordinates matter; with all samples in each fit
    # the irrelevant means barely move, so screening resets them.
    res = ce.estimate_rare_event(
        _first_five,
        25.0,
        Exponential(np.ones(10)),
        method="ice",
        screening=True,
        final_refits=2,
        rng=0,
    )
    assert np.sum(res.family.mean[5:] == 1.0) >= 3
    assert np.all(res.family.mean[:5] > 2.0)
    assert _close(res, stats.gamma(5).sf(25.0))


def test_ice_direction_less_mirrors_greater():
    fam = Gaussian(np.zeros(3), 1.0)
    a = ce.estimate_rare_event(
        lambda x: x.sum(1), 6.0, fam, method="ice", final_refits=2, rng=5
    )
    b = ce.estimate_rare_event(
        lambda x: -x.sum(1),
        -6.0,
        fam,
        direction="less",
        method="ice",
        final_refits=2,
        rng=5,
    )
    assert a.estimate == b.estimate and a.levels == b.levels
    assert _close(a, stats.norm.sf(6.0 / math.sqrt(3)))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=1, max_value=12).flatmap(
        lambda k: st.tuples(st.just(k), st.integers(min_value=2 * k, max_value=10**6))
    )
)
def test_stage_sizes_split_the_budget(args):
    k, n = args
    sizes = stage_sizes(n, k)
    assert len(sizes) == k and sum(sizes) == n and min(sizes) >= 2
    assert sizes == sorted(sizes)  # the ramp never shrinks


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**6),
    st.floats(min_value=0.3, max_value=3.0),
)
def test_next_width_solves_the_cov_equation(seed, delta):
    G = np.random.default_rng(seed).normal(1.0, 1.0, size=200)
    previous = 2.0

    def cov(sigma):
        r = stats.norm.cdf(-G / sigma) / stats.norm.cdf(-G / previous)
        return r.std() / r.mean()

    sigma = next_width(G, previous, delta)
    if sigma == 0.0:
        assert cov(1e-9) <= delta
    else:
        assert 0 < sigma < previous
        assert cov(sigma) == pytest.approx(delta, rel=1e-3)


def test_next_width_from_infinity_uses_the_half():
    # sigma_0 = inf: Phi(-G / inf) = 1/2 for every sample.
    G = np.linspace(-1.0, 3.0, 50)
    sigma = next_width(G, math.inf, 1.5)
    r = stats.norm.cdf(-G / sigma)
    assert r.std() / r.mean() == pytest.approx(1.5, rel=1e-3)


def test_sample_pool_weights_are_the_balance_heuristic():
    rng = np.random.default_rng(0)
    nominal = Exponential([1.0, 2.0])
    g1, g2 = Exponential([3.0, 1.0]), Exponential([2.0, 5.0])
    X1, X2 = g1.sample(30, rng), g2.sample(10, rng)
    pool = SamplePool(nominal)
    pool.add(X1, X1.sum(1), g1)
    pool.add(X2, X2.sum(1), g2)
    X = np.vstack([X1, X2])

    def pdf(means):
        return np.prod(stats.expon(scale=np.array(means)).pdf(X), axis=1)

    expected = pdf([1.0, 2.0]) / (0.75 * pdf([3.0, 1.0]) + 0.25 * pdf([2.0, 5.0]))
    np.testing.assert_allclose(np.exp(pool.log_weights()), expected, rtol=1e-12)
    np.testing.assert_allclose(
        np.exp(pool.own_log_ratio()), pdf([1.0, 2.0])[30:] / pdf([2.0, 5.0])[30:]
    )


def test_sample_pool_forgets_the_oldest_chunks():
    nominal = Exponential([1.0])
    pool = SamplePool(nominal, depth=2)
    for mean in (1.0, 2.0, 3.0):
        X = np.full((4, 1), mean)
        pool.add(X, X[:, 0], Exponential([mean]))
    X, s = pool.samples()
    assert X.shape == (8, 1) and set(s) == {2.0, 3.0}
    weights = np.exp(pool.log_weights())
    x = X[:, 0]
    expected = np.exp(-x) / (0.5 * np.exp(-x / 2) / 2 + 0.5 * np.exp(-x / 3) / 3)
    np.testing.assert_allclose(weights, expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"method": "icee"}, "method"),
        ({"target_cov": 0.0}, "target_cov"),
        ({"target_cov": math.inf}, "target_cov"),
        ({"final_refits": -1}, "final_refits"),
        ({"final_refits": 2.0}, "final_refits"),
        ({"final_refits": 3, "n_final": 5}, "final_refits"),
    ],
)
def test_validation_of_the_new_parameters(kwargs, param):
    with pytest.raises(ValueError, match=f"'{param}' parameter of estimate_rare_event"):
        ce.estimate_rare_event(lambda x: x[:, 0], 3.0, Exponential([1.0]), **kwargs)


def _coverage(problem, options, n_seeds):
    fam = problem.default_family()
    hits = 0
    for seed in range(n_seeds):
        res = ce.estimate_rare_event(problem, problem.gamma, fam, rng=seed, **options)
        ci = res.confidence_interval
        hits += ci.low <= problem.exact <= ci.high
    return hits / n_seeds


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize(
    ("problem", "options"),
    [(SumOfExponentials(100, 140.0), ICE_100), (BridgeNetwork(), BRIDGE_45K)],
    ids=["exp100-ice", "bridge-refits"],
)
def test_interval_coverage_200_seeds(problem, options):
    assert 0.90 <= _coverage(problem, options, 200) <= 0.99


@pytest.mark.parametrize(
    ("method", "text"),
    [("ce", "not reached after 2 levels"), ("ice", "did not converge")],
)
def test_not_reached_warning_points_at_the_callers_line(method, text):
    with pytest.warns(RuntimeWarning, match=text) as record:
        ce.estimate_rare_event(
            lambda x: x.sum(axis=1),
            40.0,
            Exponential(np.ones(10)),
            method=method,
            max_levels=2,
            rng=0,
        )
    located = [w.filename for w in record if text in str(w.message)]
    assert located == [__file__]
