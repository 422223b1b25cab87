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
    raise AssertionError("no pooling of final samples expected")


def _union(seen, reliable=True, estimate=1.01e-6):
    """A stand-in for ``combine_runs`` that records what it was given."""

    def union(samples, options, label, levels, n_failures):
        seen.setdefault("calls", []).append("union")
        seen["samples"] = samples
        return _result(reliable, 0, label, estimate)

    return union


def test_agreeing_runs_keep_their_warnings_and_pool_their_final_samples():
    seeds, seen = [], {}

    def fake(score, gamma, **kw):
        seeds.append(kw["rng"])
        warnings.warn("note this", RuntimeWarning, stacklevel=2)
        return _result(True, 5000, "improved cross-entropy")

    with pytest.warns(RuntimeWarning, match="note this"):
        res = estimate_auto(fake, _options(), union=_union(seen))
    assert seeds[0] is not seeds[1]  # two independent streams
    assert len(seen["samples"]) == 2 and seen["samples"][0] is not seen["samples"][1]
    assert res.method == "improved cross-entropy" and res.reliable
    assert res.n_evaluations == 10_000  # pooling the samples costs nothing
    assert res.estimate == 1.01e-6
    assert "twice, the runs agree" in res.message


def test_the_same_seed_gives_the_same_runs_and_another_seed_others():
    def draws(rng):
        out = []

        def fake(score, gamma, **kw):
            out.append(kw["rng"].random())
            return _result(True, 5000, "improved cross-entropy")

        estimate_auto(fake, {**_options(), "rng": rng}, union=_union({}))
        return out

    assert draws(7) == draws(7) and draws(7) != draws(8)


def test_disagreeing_runs_are_pooled_by_their_final_samples():
    results = iter([
        _result(True, 5000, "improved cross-entropy", 1e-6),
        _result(True, 6000, "improved cross-entropy", 1e-4),
    ])  # fmt: skip
    res = estimate_auto(
        lambda s, g, **kw: next(results), _options(2), union=_union({}, True, 1.01e-4)
    )
    assert res.estimate == 1.01e-4 and res.n_evaluations == 11_000
    assert "the two runs disagree" in res.message


def test_the_final_samples_of_real_runs_reach_the_pooling():
    seen = {}
    res = estimate_auto(
        ce.estimate_rare_event,
        {**_options(2), "score": lambda x: np.abs(x[:, 0]), "gamma": 3.5,
         "direction": "greater", "n_samples": 500},
        union=_union(seen),
    )  # fmt: skip
    for sample in seen["samples"]:
        # n_final = n_samples draws of the defensive mixture: 2 K components
        assert sample.X.shape == (500, 2) and sample.s.shape == (500,)
        assert sample.sampler.weights.size % 2 == 0 and sample.hits
    assert res.estimate == 1.01e-6


def test_an_unreliable_pooling_falls_back_to_two_subset_runs():
    calls, seen = [], {}

    def fake(score, gamma, **kw):
        calls.append(kw["method"])
        if kw["method"] == "ice":
            warnings.warn(
                "The weights are degenerate: few", RuntimeWarning, stacklevel=2
            )
            return _result(False, 5000, "improved cross-entropy")
        return _result(True, 7000, "subset simulation")

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the replaced runs' warnings are dropped
        res = estimate_auto(fake, _options(), union=_union(seen, reliable=False))
    assert calls == ["ice", "ice", "subset", "subset"] and seen["calls"] == ["union"]
    assert res.method == "subset simulation" and res.reliable
    assert res.n_evaluations == 5000 + 5000 + 7000 + 7000
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
