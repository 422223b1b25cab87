"""Subset simulation (estimate_rare_event(method="subset")).

References: the normal survival function for linear limit states (also with
non-standard and correlated inputs, through the exact law of a linear score),
the chi-square survival function for a sum of squares, the truncated normal
moments for the aCS kernel, and the closed forms of the correlation factor of
Au & Beck (2001) for independent and for constant chains.
"""

import concurrent.futures
import math
import warnings

import numpy as np
import pytest
from rare_event_helpers import flaky_sum
from scipy import stats

import cemethod as ce
from cemethod.families import Exponential, Gaussian, MultivariateGaussian
from cemethod.problems import LinearLimitState
from cemethod.rare_event._subset import _acs_level, correlation_factor


def _subset(score, gamma, family, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning on a problem that reaches gamma
        return ce.estimate_rare_event(score, gamma, family, method="subset", **options)


def _close(res, exact, k=3.0):
    """Within ``k`` reported errors, on the log scale of the interval."""
    spread = math.sqrt(math.log1p(res.relative_error**2))
    return abs(res.log_estimate - math.log(exact)) <= k * spread


@pytest.mark.parametrize(
    ("d", "beta", "n"),
    [(2, 3.0, 1000), (10, 3.5, 1000), (100, 4.0, 1000), (1000, 4.75, 1000)],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_linear_limit_state_matches_phi_of_minus_beta(d, beta, n, seed):
    problem = LinearLimitState(d, beta)
    res = _subset(problem, beta, problem.default_family(), n_samples=n, rng=seed)
    assert _close(res, problem.exact)
    # The reported error of m levels of N = 1000: about 0.1 per level
    # (p0 = 0.1) inflated by the chains' correlation.
    m = len(res.levels)
    assert 0.09 * math.sqrt(m) < res.relative_error < 0.25 * math.sqrt(m)
    assert res.method == "subset simulation" and res.reliable
    assert res.levels[-1] == beta and list(res.levels) == sorted(res.levels)
    # N at the first level, N (1 - p0) new states at each further one
    assert res.n_evaluations == n + (m - 1) * (n - n // 10)
    assert isinstance(res.family, Gaussian)  # the nominal family
    low, high = res.confidence_interval.low, res.confidence_interval.high
    assert low < res.estimate < high
    assert (
        "acceptance rates" in res.message and "coefficient of variation" in res.message
    )


def test_direction_less_is_the_mirrored_event():
    problem = LinearLimitState(20, 3.5)
    family = problem.default_family()
    up = _subset(problem, 3.5, family, n_samples=500, rng=3)
    down = _subset(
        lambda x: -problem(x), -3.5, family, direction="less", n_samples=500, rng=3
    )
    assert down.estimate == up.estimate
    assert down.levels == tuple(-b for b in up.levels)


def test_sum_of_squares_matches_the_chi_square_tail():
    c = 40.0  # P(chi2_10 >= 40) = 1.7e-5
    exact = stats.chi2(10).sf(c)
    family = Gaussian(np.zeros(10), 1.0)
    for seed in (0, 1, 2):
        res = _subset(lambda x: (x**2).sum(axis=1), c, family, n_samples=1000, rng=seed)
        assert _close(res, exact)
        assert res.relative_error < 0.6


def test_mean_and_std_are_mapped_to_standard_space():
    d, beta = 50, 4.0
    mean, std = np.linspace(-2.0, 3.0, d), np.linspace(0.5, 2.0, d)
    standard = LinearLimitState(d, beta)

    def physical(x):
        return standard((x - mean) / std)

    family = Gaussian(mean, std)
    res = _subset(physical, beta, family, n_samples=500, rng=7)
    ref = _subset(standard, beta, standard.default_family(), n_samples=500, rng=7)
    assert res.estimate == pytest.approx(ref.estimate, rel=1e-9)
    assert res.relative_error == pytest.approx(ref.relative_error, rel=1e-9)
    assert res.n_evaluations == ref.n_evaluations
    assert res.family is family


def test_full_covariance_is_mapped_by_its_cholesky_factor():
    rng = np.random.default_rng(0)
    d = 8
    a = rng.standard_normal((d, d))
    cov = a @ a.T + 0.5 * np.eye(d)
    mean = rng.standard_normal(d)
    w = rng.standard_normal(d)
    family = MultivariateGaussian(mean, cov)
    # S = w.x is normal with mean w.mean and variance w' cov w
    gamma = float(w @ mean + 4.2 * math.sqrt(w @ cov @ w))
    exact = stats.norm.sf(4.2)
    res = _subset(lambda x: x @ w, gamma, family, n_samples=1000, rng=1)
    assert _close(res, exact)
    # ... and is the standardized problem u -> mean + L u, run for run
    factor = np.linalg.cholesky(cov)
    ref = _subset(
        lambda u: (mean + u @ factor.T) @ w,
        gamma,
        Gaussian(np.zeros(d), 1.0),
        n_samples=1000,
        rng=1,
    )
    assert res.estimate == pytest.approx(ref.estimate, rel=1e-9)


def test_singular_covariance_samples_its_support():
    # X3 = X1 + X2: rank 2; X3 / sqrt(2) is standard normal
    cov = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 2.0]])
    family = MultivariateGaussian(np.zeros(3), cov)
    seen = []

    def score(x):
        seen.append(np.abs(x[:, 2] - x[:, 0] - x[:, 1]).max())
        return x[:, 2] / math.sqrt(2.0)

    res = _subset(score, 3.5, family, n_samples=1000, rng=2)
    assert _close(res, stats.norm.sf(3.5))
    assert max(seen) < 1e-12


def _coverage(seeds, d=10, beta=3.5, n=500, level=0.95):
    problem = LinearLimitState(d, beta)
    family = problem.default_family()
    hits, ests, covs = 0, [], []
    for seed in range(seeds):
        res = _subset(
            problem, beta, family, n_samples=n, confidence_level=level, rng=seed
        )
        ci = res.confidence_interval
        hits += ci.low <= problem.exact <= ci.high
        ests.append(res.estimate / problem.exact)
        covs.append(res.relative_error)
    ests = np.array(ests)
    rrmse = float(np.sqrt(np.mean((ests - 1.0) ** 2)))
    return hits / seeds, float(ests.mean()), rrmse, float(np.mean(covs))


def test_the_interval_covers_roughly_its_level():
    coverage, _, rrmse, cov = _coverage(60)
    assert coverage >= 0.8
    assert 0.6 < cov / rrmse < 1.6


@pytest.mark.slow
def test_the_interval_coverage_over_many_seeds():
    # Measured (1,000 seeds): coverage 0.92, mean/exact 1.04, reported CoV
    # 0.36 against an empirical relative RMSE of 0.42 (the levels are taken as
    # uncorrelated).
    coverage, mean, rrmse, cov = _coverage(1000)
    assert 0.88 <= coverage <= 0.99
    assert abs(mean - 1.0) < 0.08
    assert 0.75 < cov / rrmse < 1.25


def test_other_families_are_refused_by_name():
    with pytest.raises(ValueError, match="'family' parameter of estimate_rare_event"):
        ce.estimate_rare_event(
            lambda x: x.sum(axis=1), 10.0, Exponential(np.ones(3)), method="subset"
        )


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("final_refits", 2),
        ("reuse_level_samples", True),
        ("screening", True),
        ("n_final", 500),
        ("smoothing", 0.7),
        ("target_cov", 1.0),
    ],
)
def test_options_without_meaning_for_subset_are_refused(param, value):
    problem = LinearLimitState(2)
    with pytest.raises(ValueError, match=f"'{param}' parameter.*method='subset'"):
        ce.estimate_rare_event(
            problem,
            problem.gamma,
            problem.default_family(),
            method="subset",
            **{param: value},
        )


def test_defaults_spelled_out_are_accepted():
    problem = LinearLimitState(2)
    res = _subset(
        problem,
        problem.gamma,
        problem.default_family(),
        smoothing=1,
        final_refits=0,
        screening=False,
        n_final=None,
        rng=0,
    )
    assert res.estimate > 0


def test_max_levels_too_small_warns_and_says_so():
    problem = LinearLimitState(10, 4.753)  # 1e-6: six levels of p0 = 0.1
    with pytest.warns(RuntimeWarning, match="max_levels = 2") as record:
        res = ce.estimate_rare_event(
            problem,
            problem.gamma,
            problem.default_family(),
            method="subset",
            max_levels=2,
            rng=0,
        )
    assert [w.filename for w in record] == [__file__]  # the caller's line
    assert "not reached" in res.message
    assert res.levels[-1] < problem.gamma and len(res.levels) == 1
    assert not res.reliable
    # No silent 0 with a small error: a NaN error and an upper bound.
    assert res.estimate == 0.0 and math.isnan(res.relative_error)
    assert res.confidence_interval.low == 0.0
    assert res.confidence_interval.high == pytest.approx(0.1, rel=0.05)
    assert res.confidence_interval.high > problem.exact


def test_max_levels_one_level_short_keeps_a_valid_estimate():
    # 3e-6 with p0 = 0.1: after four levels P(F_4) = 1e-4, and about 3% of
    # the fifth level reach gamma; capped at five levels, those hits still
    # give an estimate (with a larger error).
    problem = LinearLimitState(10, 4.526)
    with pytest.warns(RuntimeWarning, match="not reached"):
        res = ce.estimate_rare_event(
            problem,
            problem.gamma,
            problem.default_family(),
            method="subset",
            max_levels=5,
            n_samples=2000,
            rng=0,
        )
    assert len(res.levels) == 4 and res.levels[-1] < problem.gamma
    assert 20 < res.estimate / 1e-4 * 2000 < 120  # the hits of the last level
    assert _close(res, problem.exact, k=4.0)


def test_a_level_that_does_not_advance_warns():
    # floor(x_1) capped at 2: the levels climb to 2, where every state ties
    family = Gaussian(np.zeros(3), 1.0)
    with pytest.warns(RuntimeWarning, match="did not advance"):
        res = ce.estimate_rare_event(
            lambda x: np.minimum(np.floor(x[:, 0]), 2.0),
            3.0,
            family,
            method="subset",
            rng=0,
        )
    assert res.estimate == 0.0 and not res.reliable
    assert res.levels[-1] == 2.0
    assert res.confidence_interval.high == pytest.approx(stats.norm.sf(2), rel=0.3)


def test_nan_scores_follow_on_error():
    family = Gaussian(np.zeros(5), 1.0)
    gamma = 3.5 * math.sqrt(5)
    with pytest.raises(ValueError, match="on_error='worst'"):
        ce.estimate_rare_event(flaky_sum, gamma, family, method="subset", rng=0)
    res = ce.estimate_rare_event(
        flaky_sum, gamma, family, method="subset", on_error="worst", rng=0
    )
    assert res.n_failures > 0 and "failed" in res.message
    assert res.n_failures < res.n_evaluations / 10
    assert _close(res, stats.norm.sf(3.5), k=4.0)


def test_the_same_seed_gives_the_same_result_whatever_the_evaluation():
    problem = LinearLimitState(30, 4.0)
    family = problem.default_family()
    first = _subset(problem, 4.0, family, n_samples=400, rng=11)
    again = _subset(problem, 4.0, family, n_samples=400, rng=11)
    one_by_one = _subset(
        lambda x: float(problem(x[None, :])[0]),
        4.0,
        family,
        n_samples=400,
        vectorized=False,
        rng=11,
    )
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        threads = _subset(problem, 4.0, family, n_samples=400, workers=pool, rng=11)
    for res in (again, one_by_one, threads):
        assert res.estimate == first.estimate
        assert res.levels == first.levels
        assert res.message == first.message
        assert res.n_evaluations == first.n_evaluations
    other = _subset(problem, 4.0, family, n_samples=400, rng=12)
    assert other.estimate != first.estimate


def test_correlation_factor_closed_forms():
    rng = np.random.default_rng(0)
    lengths = np.full(200, 10)
    # independent indicators: gamma about 0
    iid = rng.random((200, 10)) < 0.3
    assert abs(correlation_factor(iid, lengths, iid.mean())) < 0.15
    # constant chains: rho(k) = 1, gamma = 2 sum_k (1 - k / Ns) = Ns - 1
    const = np.repeat(rng.random((200, 1)) < 0.3, 10, axis=1)
    assert correlation_factor(const, lengths, const.mean()) == pytest.approx(9.0)
    # unequal lengths, against the definition pair by pair; the entries past a
    # chain's end are ignored
    ragged = np.array([9] * 100 + [10] * 100)
    chains = [list(rng.random() < 0.3 + 0.1 * rng.random(m)) for m in ragged]
    n = ragged.sum()
    p = sum(map(sum, chains)) / n
    expected = 0.0
    for k in range(1, 10):
        pairs = [c[t] * c[t + k] for c in chains for t in range(len(c) - k)]
        expected += 2 * len(pairs) / n * (np.mean(pairs) - p * p) / (p * (1 - p))
    padded = np.ones((200, 10), bool)  # junk past the ends
    for row, c in zip(padded, chains, strict=True):
        row[: len(c)] = c
    assert correlation_factor(padded, ragged, p) == pytest.approx(expected)
    assert correlation_factor(np.ones((5, 4), bool), np.full(5, 4), 1.0) == 0.0


def test_acs_chains_keep_the_conditional_law_and_adapt():
    # F = {u_1 >= 1} in two dimensions; exact seeds from the conditional law
    rng = np.random.default_rng(5)
    n_seeds, n = 500, 5000
    seeds = np.column_stack(
        [
            stats.truncnorm(1.0, np.inf).rvs(n_seeds, random_state=rng),
            rng.standard_normal(n_seeds),
        ]
    )
    calls = []

    def evaluate(u):
        calls.append(u.shape[0])
        return u[:, 0]

    U, s, chains, acceptance, lam = _acs_level(
        evaluate, seeds, seeds[:, 0], 1.0, 0.6, n, rng
    )
    assert sum(calls) == n - n_seeds and np.all(s >= 1.0)
    assert np.array_equal(U[chains.start], seeds)
    tail = stats.truncnorm(1.0, np.inf)
    assert U[:, 0].mean() == pytest.approx(tail.mean(), abs=0.05)
    assert U[:, 0].std() == pytest.approx(tail.std(), abs=0.05)
    assert U[:, 1].mean() == pytest.approx(0.0, abs=0.08)
    assert U[:, 1].std() == pytest.approx(1.0, abs=0.06)
    # above the target 0.44 at the first groups: the scale grew
    assert 0.4 < acceptance < 0.7 and lam > 0.6
