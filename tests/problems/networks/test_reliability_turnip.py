"""Turnip and permutation Monte Carlo (Gertsbakh & Shpungin 2010) against exact
unreliabilities (frontier DP and enumeration) and the survival kernel against the
matrix exponential of the birth chain (scipy.linalg.expm)."""

import math
import warnings

import networkx as nx
import numpy as np
import pytest
from scipy.linalg import expm

from cemethod.problems import NetworkReliability
from cemethod.problems.networks import _turnip_numba as kernel


def birth_chain_survival(rates):
    """P(Exp(rates[0]) + ... > 1) = P(the chain with these rates is not absorbed
    by time 1): the row sum of expm(Q) for its bidiagonal generator Q."""
    Q = np.diag(-np.asarray(rates)) + np.diag(rates[:-1], 1)
    return expm(Q)[0].sum()


def survival(rates, use):
    rates = np.asarray(rates, dtype=float)
    r = rates.size
    work, pi, first = np.empty((3, r)), np.empty(r), np.empty(r)
    if use == "auto":
        return kernel._log_survival(rates, r, work, pi, first)
    if use == "uniformized":
        return kernel._uniformized(rates, r, pi, first)
    err = kernel._divided_differences(rates, r, work, first)
    top = first.max()
    return top + math.log(np.exp(first - top).sum()), err


def decreasing_rates(rng, r, gap_low, gap_high, last):
    gaps = rng.uniform(gap_low, gap_high, r - 1)
    return last + np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])


@pytest.mark.parametrize("seed", range(6))
def test_survival_kernels_agree_with_the_matrix_exponential(seed):
    rng = np.random.default_rng(seed)
    for r, gaps, last in [(1, (1, 2), 3.0), (5, (1, 3), 2.0), (20, (2, 7), 5.0)]:
        rates = decreasing_rates(rng, r, *gaps, last)
        ref = math.log(birth_chain_survival(rates))
        dd, err = survival(rates, "dd")
        assert err < 1e-9
        assert dd == pytest.approx(ref, rel=1e-10, abs=1e-10)
        assert survival(rates, "uniformized") == pytest.approx(ref, rel=1e-9, abs=1e-9)
        assert survival(rates, "auto") == pytest.approx(ref, rel=1e-10, abs=1e-10)


def test_close_rates_fall_back_to_uniformization():
    # gaps of 0.01-0.05 over 60 steps: the divided differences lose every digit
    rng = np.random.default_rng(3)
    rates = decreasing_rates(rng, 60, 0.01, 0.05, 0.5)
    ref = math.log(birth_chain_survival(rates))
    _, err = survival(rates, "dd")
    assert not err < 1e-9  # the recurrence reports its own failure (or NaN)
    assert survival(rates, "auto") == pytest.approx(ref, rel=1e-9, abs=1e-12)


def test_tiny_survivals_stay_in_log_space():
    # Two holding times at rates 2000 and 800: P ~ exp(-800), far below 1e-300.
    # Closed form: (a exp(-b) - b exp(-a)) / (a - b), taken in logs.
    a, b = 2000.0, 800.0
    ref = math.log(a / (a - b)) - b + math.log1p(-(b / a) * math.exp(-(a - b)))
    rates = np.array([a, b])
    assert survival(rates, "auto") == pytest.approx(ref, rel=1e-12)
    assert survival(rates, "uniformized") == pytest.approx(ref, rel=1e-9)


def dodecahedron(q):
    g = nx.dodecahedral_graph()
    return NetworkReliability(g, 0, 15, q)


CASES = {
    "bridge q=0.1": lambda: NetworkReliability(
        [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)], 0, 3, 0.1
    ),
    "dodecahedron q=1e-3": lambda: dodecahedron(1e-3),
    "dodecahedron q=1e-8": lambda: dodecahedron(1e-8),
    "K8 q=1e-3": lambda: NetworkReliability(nx.complete_graph(8), 0, 1, 1e-3),
    "K7 all-terminal q=1e-2": lambda: NetworkReliability(nx.complete_graph(7), q=1e-2),
    "grid 5x5 inner q=0.2": lambda: NetworkReliability(
        nx.grid_2d_graph(5, 5), (1, 1), (3, 2), 0.2
    ),
    "petersen unequal q": lambda: NetworkReliability(
        nx.petersen_graph(), q=np.linspace(0.01, 0.2, 15)
    ),
    "parallel, perfect and dead links": lambda: NetworkReliability(
        [(0, 1, 0.1), (0, 1, 0.2), (1, 2, 0.0), (2, 3, 0.3), (1, 3, 1.0), (0, 3, 0.5)],
        0,
        3,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_turnip_estimates_the_exact_unreliability(name):
    rel = CASES[name]()
    exact = rel.exact()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no degenerate-order warning
        res = rel.estimate(method="turnip", n_final=20_000, rng=11)
    assert res.method == "turnip" and res.n_evaluations == 20_000
    assert abs(res.estimate - exact) < 4 * res.std_error
    assert res.relative_error < 0.05
    assert res.confidence_interval.low <= res.estimate <= res.confidence_interval.high


@pytest.mark.parametrize("method", ["turnip", "auto"])
def test_many_equal_minimum_cuts_do_not_trap_the_estimate(method):
    # K_10, q = 1e-3: the two terminal stars carry the probability; the product
    # Bernoulli CE alone drifted onto one of them (half the value, 2% error bar).
    rel = NetworkReliability(nx.complete_graph(10), 0, 1, 1e-3)
    exact = rel.exact()
    res = rel.estimate(rng=0, method=method)
    assert res.method == ("turnip" if method == "turnip" else "cross-entropy")
    assert method != "auto" or "method='auto' ran cross-entropy" in res.message
    assert abs(res.estimate / exact - 1) < 0.05
    assert res.relative_error < 0.05


def test_permutation_monte_carlo_is_unbiased_too():
    rel = NetworkReliability(nx.petersen_graph(), 0, 5, 0.3)
    res = rel.estimate(method="permutation", n_final=20_000, rng=2)
    assert res.method == "permutation Monte Carlo"
    assert abs(res.estimate - rel.exact()) < 4 * res.std_error


def test_permutation_monte_carlo_warns_where_turnip_does_not():
    rel = dodecahedron(1e-3)
    with pytest.warns(RuntimeWarning, match="method='turnip'"):
        res = rel.estimate(method="permutation", n_final=2000, rng=0)
    assert res.degenerate_weights


@pytest.mark.parametrize("method", ["auto", "turnip", "cross-entropy", "splitting"])
def test_exact_shortcuts(method):
    joined = NetworkReliability([(0, 1, 0.0), (1, 2, 0.0), (0, 2, 0.5)], 0, 2)
    res = joined.estimate(rng=0, method=method)
    assert (res.estimate, res.std_error, res.n_evaluations) == (0.0, 0.0, 0)
    cut_off = NetworkReliability([(0, 1, 0.2), (1, 2, 1.0)], 0, 2)
    res = cut_off.estimate(rng=0, method=method)
    assert (res.estimate, res.n_evaluations) == (1.0, 0) and cut_off.exact() == 1.0


def test_interval_coverage_over_seeds():
    rel = NetworkReliability(nx.complete_graph(6), 0, 1, 0.05)
    exact = rel.exact()
    inside = []
    for seed in range(200):
        ci = rel.estimate(method="turnip", n_final=500, rng=seed).confidence_interval
        inside.append(ci.low <= exact <= ci.high)
    assert 0.9 <= np.mean(inside) <= 0.99
