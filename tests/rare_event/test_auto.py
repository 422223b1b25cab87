"""estimate_rare_event(method="auto"): what it runs, why, and the fallback."""

import dataclasses
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


def _result(reliable, n_evaluations, method):
    return ce.RareEventResult(
        estimate=1e-6, std_error=1e-7, relative_error=0.1,
        confidence_interval=ce.ConfidenceInterval(8e-7, 1.2e-6, 0.95),
        n_evaluations=n_evaluations, levels=(), family=None,
        effective_sample_size=100.0, method=method,
        degenerate_weights=not reliable, message="m.", elapsed=0.0,
    )  # fmt: skip


def _options():
    """The arguments estimate_auto receives for a 3-D Gaussian, defaults kept."""
    return {
        "score": None, "gamma": 1.0, "family": Gaussian(np.zeros(3), 1.0),
        "n_final": None, "smoothing": 1.0, "reuse_level_samples": False,
        "screening": False, "final_refits": 0, "target_cov": 1.5,
        "n_samples": 1000,
    }  # fmt: skip


def test_an_unreliable_result_is_replaced_by_subset_simulation():
    calls = []

    def fake(score, gamma, **kw):
        calls.append(kw["method"])
        if kw["method"] == "ice":
            warnings.warn(
                "The weights are degenerate: few", RuntimeWarning, stacklevel=2
            )
            return _result(False, 5000, "improved cross-entropy")
        return _result(True, 7000, "subset simulation")

    options = _options()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the replaced run's warning is dropped
        res = estimate_auto(fake, options)
    assert calls == ["ice", "subset"]
    assert res.method == "subset simulation" and res.n_evaluations == 12_000
    assert "not reliable (The weights are degenerate" in res.message
    assert "so subset simulation ran" in res.message


def test_a_reliable_result_keeps_its_warnings_and_method():
    def fake(score, gamma, **kw):
        warnings.warn("note this", RuntimeWarning, stacklevel=2)
        return _result(True, 5000, "improved cross-entropy")

    options = _options()
    with pytest.warns(RuntimeWarning, match="note this"):
        res = estimate_auto(fake, options)
    assert dataclasses.replace(res, message="m.", elapsed=0.0) == _result(
        True, 5000, "improved cross-entropy"
    )


def _plateau(X):
    return np.maximum(X[:, 0] - 3.0, 0.0)  # zero on most of the space


def test_a_plateau_that_defeats_the_improved_levels_runs_multilevel_ce():
    res = ce.estimate_rare_event(
        _plateau, 1.0, Gaussian([0.0, 0.0], 1.0), n_samples=1000, rng=0
    )
    assert "so multilevel CE ran" in res.message or res.method != "cross-entropy"
    assert abs(res.estimate - stats.norm.sf(4.0)) < 4 * res.std_error
