"""BufferAllocation and ThroughputMaximization: API, exact optima by brute
force, and the cross-entropy method finding them through the noisy simulation."""

import itertools
import math

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import SequentialAllocation
from cemethod.problems import (
    BufferAllocation,
    ThroughputMaximization,
    line_throughput,
)

# A 4-machine unreliable line, 6 slots: 28 allocations, optimum (2, 2, 2) at
# 0.6246, the runner-up (1, 3, 2) 0.8 % lower.
LINE = dict(
    service_rates=[1.0, 1.2, 1.0, 1.1],
    failure_rates=[0.05, 0.1, 0.02, 0.1],
    repair_rates=[0.5, 0.6, 0.4, 0.5],
)


def small_allocation(rng=0, **kw):
    return BufferAllocation(**LINE, total_buffer=6, rng=rng, **kw)


@pytest.fixture(scope="module")
def allocation_optimum():
    return small_allocation().enumerate_optimum()


def test_enumeration_matches_brute_force_over_the_grid(allocation_optimum):
    grid = np.array([x for x in itertools.product(range(7), repeat=3) if sum(x) == 6])
    values = line_throughput(
        LINE["service_rates"], grid, LINE["failure_rates"], LINE["repair_rates"]
    )
    assert allocation_optimum.n_candidates == math.comb(6 + 2, 2) == len(grid)
    assert allocation_optimum.fun == pytest.approx(values.max(), rel=1e-12)
    assert allocation_optimum.x.tolist() == [grid[np.argmax(values)].tolist()]
    assert allocation_optimum.x.tolist() == [[2, 2, 2]]


def test_buffer_allocation_api():
    prob = small_allocation()
    assert prob.direction == "maximize" and prob.n_dims == 3
    fam = prob.default_family()
    assert isinstance(fam, SequentialAllocation) and fam.n_dims == 3
    assert np.all(fam.sample(200, np.random.default_rng(0)).sum(axis=1) == 6)
    X = np.array([[2, 2, 2], [6, 0, 0], [3, 3, 3]])
    assert prob.constraints(X).tolist() == [0.0, 0.0, 3.0]
    values = prob(X, seed=5)
    assert values.shape == (3,) and np.all((values > 0) & (values < 1.2))
    # Common random numbers: a row's value does not depend on its batch, and
    # duplicated rows get the same value.
    assert prob(X[:1], seed=5)[0] == values[0]
    assert prob(np.array([[6, 0, 0], [2, 2, 2], [6, 0, 0]]), seed=5).tolist() == [
        values[1],
        values[0],
        values[1],
    ]
    assert isinstance(prob([2, 2, 2], seed=5), float)
    assert prob([2, 2, 2], seed=5) == values[0]
    # Without a seed the problem's own generator drives independent streams.
    a, b = small_allocation(rng=3)(X), small_allocation(rng=3)(X)
    np.testing.assert_array_equal(a, b)
    assert small_allocation(rng=4)(X).tolist() != a.tolist()
    assert prob.exact_throughput([2, 2, 2]) == pytest.approx(0.6246, abs=1e-4)
    assert prob.exact_throughput(X[:2]).shape == (2,)
    assert {"noise_seed", "vectorized"} <= set(prob.default_options())
    assert "constraints" not in prob.default_options()  # feasible samples only


def test_simulated_objective_is_unbiased_for_the_exact_one():
    prob = small_allocation(horizon=500.0)
    X = np.array([[2, 2, 2], [0, 6, 0]])
    runs = np.array([prob(X, seed=s) for s in range(30)])
    exact = prob.exact_throughput(X)
    se = runs.std(axis=0, ddof=1) / np.sqrt(30)
    assert np.all(np.abs(runs.mean(axis=0) - exact) < 3.5 * se)
    assert runs.mean(axis=0)[0] > runs.mean(axis=0)[1]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: BufferAllocation([1.0, 1.0], None, None, -1), "'total_buffer'"),
        (lambda: BufferAllocation([[1.0, 1.0]], None, None, 2), "'service_rates'"),
        (lambda: BufferAllocation([1.0, 1.0], [0.1], None, 2), "'failure_rates'"),
        (lambda: BufferAllocation([1.0, 1.0], None, None, 2, horizon=-1), "'hor"),
        (lambda: small_allocation()([[1, 2]]), "'X'"),
        (lambda: small_allocation()([[1, -2, 7]]), "'X'"),
        (lambda: small_allocation()([[1, 2.5, 2]]), "'X'"),
        (lambda: ThroughputMaximization(total_rate=2), "'total_rate'"),
        (lambda: ThroughputMaximization()([[0, 7, 7, 12, 8]]), "'X'"),
    ],
)
def test_errors_name_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def _ce_hits(make, optimum_rows, seeds, **overrides):
    hits = 0
    for seed in seeds:
        prob = make(seed)
        options = {**prob.default_options(), **overrides}
        res = ce.maximize(prob, prob.default_family(), rng=seed, **options)
        hits += res.x.tolist() in optimum_rows
    return hits


def test_ce_finds_the_enumerated_buffer_allocation(allocation_optimum):
    rows = allocation_optimum.x.tolist()
    assert _ce_hits(small_allocation, rows, range(3)) >= 2


@pytest.mark.slow
def test_ce_finds_the_enumerated_buffer_allocation_in_8_of_10_seeds(
    allocation_optimum,
):
    rows = allocation_optimum.x.tolist()
    assert _ce_hits(small_allocation, rows, range(10)) >= 8


def test_pichitlamken_nelson_hong_optimum_value():
    prob = ThroughputMaximization()
    # Published: about 5.776 at (6, 7, 7, 12, 8) and its mirror.
    best = prob.exact_throughput([[6, 7, 7, 12, 8], [7, 7, 6, 8, 12]])
    assert best == pytest.approx([5.776, 5.776], abs=5e-4)
    neighbours = [
        [6, 7, 7, 11, 9],
        [6, 7, 7, 13, 7],
        [7, 6, 7, 12, 8],
        [6, 8, 6, 12, 8],
    ]
    assert np.all(prob.exact_throughput(neighbours) < best[0] - 1e-3)


def test_throughput_maximization_api():
    prob = ThroughputMaximization(rng=0)
    assert prob.direction == "maximize" and prob.n_dims == 5
    X = prob.default_family().sample(500, np.random.default_rng(0))
    assert X[:, :3].min() >= 1 and X[:, :3].max() <= 18
    assert X[:, 3:].min() >= 1 and X[:, 3:].max() <= 19
    v = prob.constraints(X)
    assert np.array_equal(
        v == 0, (X[:, :3].sum(axis=1) <= 20) & (X[:, 3:].sum(axis=1) <= 20)
    )
    assert prob.constraints([[7, 7, 7, 13, 9]]).tolist() == [3.0]
    values = prob(X[:4], seed=1)
    assert values.shape == (4,) and np.all(values > 0)
    assert prob(X[1], seed=1) == values[1]


def test_full_budget_enumeration_holds_the_optimum_of_all_feasible_points():
    # enumerate_optimum only looks at points that use both budgets in full
    # (throughput is monotone); brute force over every feasible point agrees.
    prob = ThroughputMaximization(3, 7, 5)
    feasible = np.array(
        [
            x
            for x in itertools.product(
                range(1, 6), range(1, 6), range(1, 6), range(1, 5), range(1, 5)
            )
            if sum(x[:3]) <= 7 and sum(x[3:]) <= 5
        ]
    )
    values = prob.exact_throughput(feasible)
    opt = prob.enumerate_optimum()
    assert opt.fun == pytest.approx(values.max(), rel=1e-12)
    top = feasible[values >= values.max() - 1e-9 * values.max()]
    assert sorted(opt.x.tolist()) == sorted(top.tolist())


def test_ce_finds_the_optimum_of_a_small_throughput_maximization():
    opt = ThroughputMaximization(3, 10, 7).enumerate_optimum()
    assert sorted(opt.x.tolist()) == [[3, 4, 3, 3, 4], [3, 4, 3, 4, 3]]

    def make(seed):
        return ThroughputMaximization(3, 10, 7, rng=seed)

    assert _ce_hits(make, opt.x.tolist(), range(2), n_samples=300) == 2


@pytest.mark.slow
def test_ce_finds_the_pichitlamken_nelson_hong_optimum_in_8_of_10_seeds():
    opt = ThroughputMaximization().enumerate_optimum()
    assert sorted(opt.x.tolist()) == [[6, 7, 7, 12, 8], [7, 7, 6, 8, 12]]
    assert opt.fun == pytest.approx(5.776, abs=5e-4)

    def make(seed):
        return ThroughputMaximization(rng=seed)

    assert _ce_hits(make, opt.x.tolist(), range(10)) >= 8
