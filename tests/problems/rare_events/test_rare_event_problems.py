"""The rare-event reference problems and the coverage of the reported interval.

The bridge probability is checked by numerical integration: given X1, X2, X3
the event S >= c asks X4 >= max(c - X1, c - X2 - X3) and X5 >= max(c - X1 - X3,
c - X2), so P(S >= c) = E[g(X1, X2, X3)] with g a product of two exponential
survival functions. g(x) = g(min(x, c)) coordinatewise (every term of the
maxima is <= 0 once an x_i >= c), so each variable is integrated over [0, c]
against its density plus an atom of mass exp(-c / u_i) at c; scipy's quad gets
the kinks of g as breakpoints.
"""

import math

import numpy as np
import pytest
from scipy import integrate, stats

import cemethod as ce
from cemethod.problems import (
    BridgeNetwork,
    LinearLimitState,
    SharedExponential,
    SumOfExponentials,
)


def _bridge_probability(c, u):
    def g(x1, x2, x3):
        a4 = max(0.0, c - x1, c - x2 - x3)
        a5 = max(0.0, c - x1 - x3, c - x2)
        return math.exp(-a4 / u[3] - a5 / u[4])

    def expect(f, mean, points):
        points = sorted(p for p in points if 0 < p < c) or None
        inner = integrate.quad(
            lambda x: f(x) * math.exp(-x / mean) / mean,
            0.0,
            c,
            points=points,
            epsabs=0.0,
            epsrel=1e-11,
            limit=200,
        )[0]
        return inner + math.exp(-c / mean) * f(c)

    return expect(
        lambda x1: expect(
            lambda x2: expect(
                lambda x3: g(x1, x2, x3), u[2], [x1 - x2, x2 - x1, c - x2, c - x1]
            ),
            u[1],
            [x1, c - x1],
        ),
        u[0],
        [],
    )


def test_bridge_exact_value_by_integration():
    problem = BridgeNetwork()
    value = _bridge_probability(2.0, problem.means)
    assert value == pytest.approx(1.3424598e-5, rel=1e-7)
    assert problem.exact == pytest.approx(value, rel=1e-7)


def test_bridge_integration_matches_crude_monte_carlo_on_a_common_event():
    # The same integral at c = 0.5 (P about 0.3), where crude MC is accurate.
    u = (0.25, 0.4, 0.1, 0.3, 0.2)
    value = _bridge_probability(0.5, u)
    res = ce.crude_monte_carlo(
        BridgeNetwork(0.5), 0.5, BridgeNetwork(0.5).default_family(), rng=0
    )
    assert abs(res.estimate - value) < 3 * res.std_error
    assert BridgeNetwork(0.5).exact is None


def test_bridge_score_is_the_shortest_path():
    X = np.random.default_rng(0).exponential(size=(50, 5))
    paths = [(0, 3), (0, 2, 4), (1, 2, 3), (1, 4)]
    brute = np.array([min(x[list(p)].sum() for p in paths) for x in X])
    np.testing.assert_allclose(BridgeNetwork()(X), brute)


def test_problem_exact_values_and_families():
    p = SumOfExponentials(3, 5.0, mean=2.0)
    assert p.exact == pytest.approx(stats.erlang(3, scale=2.0).sf(5.0))
    np.testing.assert_array_equal(p.default_family().mean, [2.0, 2.0, 2.0])
    q = LinearLimitState(4, 2.0)
    assert q.gamma == 2.0 and q.exact == pytest.approx(stats.norm.sf(2.0))
    assert q(np.ones((1, 4)))[0] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("factory", "param"),
    [
        (lambda: SumOfExponentials(0), "n_dims"),
        (lambda: SumOfExponentials(3, mean=-1.0), "mean"),
        (lambda: LinearLimitState(2, beta="x"), "beta"),
        (lambda: BridgeNetwork(means=(1.0, 2.0)), "means"),
        (lambda: SharedExponential(0.0, 3), "mean"),
    ],
)
def test_problem_validation(factory, param):
    with pytest.raises(ValueError, match=f"'{param}' parameter"):
        factory()


def test_shared_exponential_is_the_iid_exponential_density():
    fam = SharedExponential(1.5, 4)
    x = fam.sample(6, np.random.default_rng(0))
    expected = stats.expon(scale=1.5).logpdf(x).sum(axis=1)
    np.testing.assert_allclose(fam.log_pdf(x), expected)
    w = np.arange(1.0, 7.0)
    assert fam.fit(x, weights=w).mean == pytest.approx(np.average(x.mean(1), weights=w))
    assert fam.smooth(SharedExponential(0.5, 4), 0.5).mean == pytest.approx(1.0)


def _coverage(n_seeds):
    # Cheap problem: P(X_1 + X_2 + X_3 >= 15), about 4e-5.
    problem = SumOfExponentials(3, 15.0)
    fam = problem.default_family()
    hits = 0
    for seed in range(n_seeds):
        res = ce.estimate_rare_event(problem, 15.0, fam, n_samples=500, rng=seed)
        ci = res.confidence_interval
        hits += ci.low <= problem.exact <= ci.high
    return hits / n_seeds


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_interval_coverage_fast():
    assert 0.8 <= _coverage(40) <= 1.0


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_interval_coverage_200_seeds():
    assert 0.90 <= _coverage(200) <= 0.99
