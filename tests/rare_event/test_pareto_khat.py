"""Pareto k-hat (Vehtari et al. 2024) against samples of known tail shape
(scipy.stats.genpareto, Pareto and lognormal weights)."""

import math

import numpy as np
import pytest
from scipy import stats

import cemethod as ce
from cemethod.problems import BridgeNetwork
from cemethod.rare_event._pareto import _gpd_shape, k_hat_threshold, pareto_k_hat
from cemethod.rare_event._result import _term_summary


@pytest.mark.parametrize("shape", [-0.3, 0.0, 0.5, 0.9])
def test_the_fit_recovers_the_generalized_pareto_shape(shape):
    rng = np.random.default_rng(7)
    fits = [
        _gpd_shape(
            np.sort(stats.genpareto(c=shape, scale=2.0).rvs(2000, random_state=rng))
        )
        for _ in range(5)
    ]
    assert abs(np.mean(fits) - shape) < 0.06


def test_k_hat_grows_with_the_spread_of_lognormal_weights():
    rng = np.random.default_rng(0)
    light = pareto_k_hat(rng.normal(0, 0.5, 4000))
    heavy = pareto_k_hat(rng.normal(0, 3.0, 4000))
    assert light < 0.3 < 0.7 < heavy


def test_flat_tail_and_too_few_terms():
    assert pareto_k_hat(np.zeros(1000)) == -math.inf  # crude Monte Carlo's ones
    assert math.isnan(pareto_k_hat(np.log(np.arange(1.0, 20.0))))
    assert k_hat_threshold(100) == pytest.approx(0.5)
    assert k_hat_threshold(10**6) == 0.7


def test_heavy_tail_flagged_where_size_and_share_are_fine():
    # Pareto weights with 1.1 moments (true k = 0.91): the effective sample
    # size and the largest share look acceptable on some seeds; k-hat flags all.
    missed_before = 0
    for seed in range(4):
        w = np.random.default_rng(seed).pareto(1.1, 5000) + 1.0
        summary = _term_summary([np.log(w)])
        assert summary.pareto_k > 0.7 and summary.heavy_tail and summary.degenerate
        missed_before += (
            summary.effective_sample_size >= 30 and summary.max_share <= 0.2
        )
    assert missed_before >= 1


def test_results_carry_k_hat_and_reliable():
    bridge = BridgeNetwork()
    res = ce.estimate_rare_event(
        bridge, bridge.gamma, bridge.default_family(), rng=0, n_samples=4000
    )
    assert np.isfinite(res.pareto_k) and res.pareto_k < 0.7
    assert res.reliable == (not res.degenerate_weights)
    assert "pareto_k=" in repr(res)


def test_capped_weights_are_a_light_tail():
    # 7000 terms: most of the largest equal to the cap of a defensive mixture,
    # 20 above it (as in the cut-mixture CE of network reliability)
    rng = np.random.default_rng(4)
    w = np.r_[
        rng.uniform(0.001, 0.03, 6700), np.full(280, 0.0337), rng.pareto(1, 20) + 0.04
    ]
    assert pareto_k_hat(np.log(w)) == -math.inf
    # the same count of points above a tie-free body is fitted as usual
    body = rng.uniform(0.001, 0.0337, 6980)
    assert pareto_k_hat(np.log(np.r_[body, rng.pareto(0.5, 20) + 0.04])) > 0
