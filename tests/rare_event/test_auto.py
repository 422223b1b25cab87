"""estimate_rare_event(method="auto"): what it runs, why, and the fallback."""

import math
import warnings

import numpy as np
import pytest
from scipy import stats

import cemethod as ce
from cemethod.families import Exponential, Gaussian, GaussianMixture
from cemethod.rare_event._auto import _mixture_covariance, choose, estimate_auto


def test_a_family_that_is_not_gaussian_runs_ce_as_before():
    fam = Exponential(np.ones(10))
    auto = ce.estimate_rare_event(lambda x: x.sum(1), 40.0, fam, rng=0)
    plain = ce.estimate_rare_event(lambda x: x.sum(1), 40.0, fam, method="ce", rng=0)
    assert auto.method == "cross-entropy"
    assert (auto.estimate, auto.std_error) == (plain.estimate, plain.std_error)
    assert "method='auto' ran cross-entropy: the nominal family is not Gaussian" in (
        auto.message
    )
    assert abs(auto.estimate - stats.gamma(10).sf(40.0)) < 4 * auto.std_error


def test_two_symmetric_regions_in_two_dimensions_use_a_mixture():
    exact = 2 * stats.norm.sf(3.5)
    res = ce.estimate_rare_event(
        lambda x: np.abs(x[:, 0]), 3.5, Gaussian(np.zeros(2), 1.0), rng=0
    )
    assert res.method == "improved cross-entropy"
    assert "Gaussian mixture (full covariances" in res.message
    assert isinstance(res.family, GaussianMixture)
    assert abs(res.estimate - exact) < 4 * res.std_error and res.reliable


def test_high_dimension_runs_subset_simulation():
    d = 300
    res = ce.estimate_rare_event(
        lambda x: x.sum(1) / math.sqrt(d), 4.0, Gaussian(np.zeros(d), 1.0), rng=1
    )
    assert res.method == "subset simulation"
    assert f"dimension {d} > 100" in res.message
    assert abs(math.log(res.estimate / stats.norm.sf(4.0))) < 4 * res.relative_error


@pytest.mark.parametrize(
    "d, n_samples, expected",
    [(2, 1000, "full"), (16, 1000, "full"), (17, 1000, "diag"), (82, 1000, "diag"),
     (83, 1000, None), (20, 4000, "full")],
)  # fmt: skip
def test_the_mixture_needs_two_components_worth_of_points(d, n_samples, expected):
    # a third of the level effective, half of that per component, at least as
    # many points as parameters (full: d + d (d + 1) / 2 + 1, diag: 2 d + 1)
    assert _mixture_covariance(d, n_samples) == expected


def test_ce_only_options_keep_ce_and_no_fallback():
    options = {
        "n_final": 3000, "smoothing": 1.0, "reuse_level_samples": False,
        "screening": False, "final_refits": 0, "target_cov": 1.5,
        "n_samples": 1000,
    }  # fmt: skip
    method, _family, reason = choose(Gaussian(np.zeros(2), 1.0), options)
    assert method == "ce" and reason is None


def _result(reliable, n_evaluations, method, estimate=1e-6, family=None):
    return ce.RareEventResult(
        estimate=estimate, std_error=0.1 * estimate, relative_error=0.1,
        confidence_interval=ce.ConfidenceInterval(
            0.8 * estimate, 1.2 * estimate, 0.95
        ),
        n_evaluations=n_evaluations, levels=(), family=family,
        effective_sample_size=100.0, method=method,
        degenerate_weights=not reliable, message="m.", elapsed=0.0,
        log_estimate=math.log(estimate),
    )  # fmt: skip


def _options(d=3):
    """The arguments estimate_auto receives for a Gaussian, defaults kept."""
    return {
        "score": None, "gamma": 1.0, "family": Gaussian(np.zeros(d), 1.0),
        "n_final": None, "smoothing": 1.0, "reuse_level_samples": False,
        "screening": False, "final_refits": 0, "target_cov": 1.5,
        "n_samples": 1000, "rng": 0,
    }  # fmt: skip


def _no_union(*args):
    raise AssertionError("no union run expected")


def test_two_agreeing_runs_are_pooled_with_their_warnings():
    seeds = []

    def fake(score, gamma, **kw):
        seeds.append(kw["rng"])
        warnings.warn("note this", RuntimeWarning, stacklevel=2)
        return _result(True, 5000, "improved cross-entropy")

    with pytest.warns(RuntimeWarning, match="note this"):
        res = estimate_auto(fake, _options(), union=_no_union)
    assert seeds[0] is not seeds[1]  # two independent streams
    assert res.method == "improved cross-entropy" and res.reliable
    assert res.n_evaluations == 10_000
    # the mean of two equal estimates; the variance of a mean of two: v / 2
    assert res.estimate == pytest.approx(1e-6, rel=1e-12)
    assert res.std_error == pytest.approx(1e-7 / math.sqrt(2), rel=1e-12)
    assert "twice, pooled" in res.message


def test_the_same_seed_gives_the_same_runs_and_another_seed_others():
    def draws(rng):
        out = []

        def fake(score, gamma, **kw):
            out.append(kw["rng"].random())
            return _result(True, 5000, "improved cross-entropy")

        estimate_auto(fake, {**_options(), "rng": rng}, union=_no_union)
        return out

    assert draws(7) == draws(7) and draws(7) != draws(8)


def test_disagreeing_runs_get_a_final_run_from_both_families():
    fa, fb = Gaussian([3.0, 0.0], 1.0), Gaussian([0.0, 3.0], 1.0)
    results = iter([
        _result(True, 5000, "improved cross-entropy", 1e-6, fa),
        _result(True, 6000, "improved cross-entropy", 1e-4, fb),
    ])  # fmt: skip
    seen = {}

    def union(score, gamma, options, families, label, rng):
        seen["families"] = families
        return _result(True, 2000, label, 1.01e-4, None)

    res = estimate_auto(lambda s, g, **kw: next(results), _options(2), union=union)
    assert seen["families"] == (fa, fb)
    assert res.estimate == 1.01e-4 and res.n_evaluations == 13_000
    assert "the two runs disagree" in res.message
    assert "drew from both runs' families" in res.message


def test_an_unreliable_union_falls_back_to_two_subset_runs():
    calls = []

    def fake(score, gamma, **kw):
        calls.append(kw["method"])
        if kw["method"] == "ice":
            warnings.warn(
                "The weights are degenerate: few", RuntimeWarning, stacklevel=2
            )
            return _result(False, 5000, "improved cross-entropy")
        return _result(True, 7000, "subset simulation")

    def union(score, gamma, options, families, label, rng):
        calls.append("union")
        return _result(False, 2000, label)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the replaced runs' warnings are dropped
        res = estimate_auto(fake, _options(), union=union)
    assert calls == ["ice", "ice", "union", "subset", "subset"]
    assert res.method == "subset simulation" and res.reliable
    assert res.n_evaluations == 5000 + 5000 + 2000 + 7000 + 7000
    assert "first run was not reliable (The weights are degenerate" in res.message
    assert "so subset simulation ran" in res.message


def test_disagreeing_subset_runs_are_flagged_with_an_interval_over_both():
    results = iter([
        _result(True, 9000, "subset simulation", 1e-6),
        _result(True, 9000, "subset simulation", 1e-4),
    ])  # fmt: skip
    with pytest.warns(RuntimeWarning, match="the two runs disagree"):
        res = estimate_auto(lambda s, g, **kw: next(results), _options(200))
    assert not res.reliable and res.n_evaluations == 18_000
    assert tuple(res.confidence_interval) == pytest.approx((0.8e-6, 1.2e-4))
    assert res.estimate == pytest.approx(0.5 * (1e-6 + 1e-4), rel=1e-12)


def test_high_dimension_splits_the_subset_budget_over_the_two_runs():
    sizes = []

    def fake(score, gamma, **kw):
        sizes.append(kw["n_samples"])
        return _result(True, 9000, "subset simulation")

    estimate_auto(fake, _options(200), union=_no_union)
    assert sizes == [1500, 1500]  # 3 x n_samples in all


def _plateau(X):
    return np.maximum(X[:, 0] - 3.0, 0.0)  # zero on most of the space


def test_a_plateau_that_defeats_the_improved_levels_runs_multilevel_ce():
    res = ce.estimate_rare_event(
        _plateau, 1.0, Gaussian([0.0, 0.0], 1.0), n_samples=1000, rng=0
    )
    assert "so multilevel CE ran" in res.message or res.method != "cross-entropy"
    assert abs(res.estimate - stats.norm.sf(4.0)) < 4 * res.std_error
