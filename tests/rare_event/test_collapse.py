"""The lost-failure-region diagnostic (``_collapse``) and the withheld interval."""

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, stats

import cemethod as ce
from cemethod.families import Gaussian
from cemethod.rare_event._collapse import missed_note, missed_share


def test_missed_share_closed_form():
    # Nominal N(0, 1) level of 1000 samples with 3 hits of {|x| >= 3.5}: two
    # on the left, one on the right; the final sampler N(3.7, 0.3) never draws
    # on the left. Balance-heuristic terms of a nominal-only pool are 1 / n.
    nominal = Gaussian(np.zeros(1), np.ones(1))
    final = Gaussian(np.full(1, 3.7), np.full(1, 0.3))
    hits = [(np.array([[-3.6], [-3.8], [3.6]]), nominal, 1000)]
    log_estimate = math.log(stats.norm.sf(3.5))
    share, n_out = missed_share(hits, nominal, final, log_estimate, n_final=1000)
    assert n_out == 2
    assert share == pytest.approx(2 / 1000 / stats.norm.sf(3.5), rel=1e-12)
    assert "lost a failure region" in missed_note(share, n_out)
    assert missed_note(share, 1) is None  # one hit is noise
    assert missed_note(0.05, 10) is None  # below a tenth of the estimate


def test_no_hit_out_of_reach_is_no_share():
    nominal = Gaussian(np.zeros(1), np.ones(1))
    hits = [(np.array([[3.6], [3.8]]), nominal, 1000), (np.zeros((0, 1)), nominal, 5)]
    final = Gaussian(np.full(1, 3.7), np.ones(1))  # covers both hits
    share = missed_share(hits, nominal, final, math.log(1e-3), 1000)
    assert share == (0.0, 0)


def four_branch(c0, k):
    """The four-branch series system (Au & Beck 2001 form) and its exact Pf by
    1-D quadrature in the rotated coordinates u = (x1 + x2) / sqrt(2),
    v = (x1 - x2) / sqrt(2)."""

    def g(x):
        x1, x2 = x[:, 0], x[:, 1]
        quad = c0 + (x1 - x2) ** 2 / 10
        lin = k / math.sqrt(2)
        return np.minimum.reduce(
            [
                quad - (x1 + x2) / math.sqrt(2),
                quad + (x1 + x2) / math.sqrt(2),
                (x1 - x2) + lin,
                (x2 - x1) + lin,
            ]
        )

    inner = integrate.quad(
        lambda v: stats.norm.pdf(v) * 2 * stats.norm.sf(c0 + v * v / 5),
        -k / 2,
        k / 2,
        epsabs=0,
        epsrel=1e-12,
    )[0]
    return g, 2 * stats.norm.sf(k / 2) + inner


def test_four_branch_reference_matches_crude_monte_carlo():
    g, exact = four_branch(3.0, 7.0)
    assert exact == pytest.approx(2.22e-3, rel=0.01)  # the published value
    x = np.random.default_rng(0).standard_normal((2_000_000, 2))
    hits = np.mean(g(x) <= 0)
    assert abs(hits - exact) < 4 * math.sqrt(exact / 2_000_000)


def test_two_far_failure_regions_are_never_confidently_wrong():
    # Two dominant modes far out (Pf = 3.25e-7): a single Gaussian either drifts
    # onto one (half the value) or spans both with degenerate weights.
    g, exact = four_branch(5.0, 14.0)
    family = Gaussian(np.zeros(2), np.ones(2))
    lost = 0
    for seed in range(10):
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            res = ce.estimate_rare_event(
                g, 0.0, family, direction="less", n_samples=2000, method="ce",
                rng=seed,
            )  # fmt: skip
        ratio = res.estimate / exact
        if not 2 / 3 < ratio < 1.5:
            assert not res.reliable, (seed, ratio)
            ci = res.confidence_interval
            assert (ci.low, ci.high) == (0.0, 1.0)
        lost += "lost a failure region" in res.message
    assert lost >= 1
