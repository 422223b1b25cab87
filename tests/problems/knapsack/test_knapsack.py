"""0/1 knapsack: exact DP against brute force, CE against the DP optimum."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cemethod.families import Bernoulli
from cemethod.problems import Knapsack, knapsack_dp


def _brute(values, weights, capacity):
    n = len(values)
    X = np.array(list(itertools.product([0, 1], repeat=n)))
    ok = X @ weights <= capacity
    return float((X[ok] @ values).max())


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 20)), min_size=1, max_size=10
    ),
    st.integers(0, 60),
)
def test_dp_matches_brute_force(items, capacity):
    values = np.array([v for v, _ in items], dtype=float)
    weights = np.array([w for _, w in items])
    best, x = knapsack_dp(values, weights, capacity)
    assert best == _brute(values, weights, capacity)
    assert x @ weights <= capacity and x @ values == best


def test_textbook_instance():
    # The classic example (Cormen et al., "Introduction to Algorithms",
    # exercise 16.2): values 60/100/120, weights 10/20/30, capacity 50 -> 220.
    assert knapsack_dp([60, 100, 120], [10, 20, 30], 50)[0] == 220.0


def test_objective_ranks_infeasible_below_feasible():
    kp = Knapsack([5, 4, 3], [4, 3, 2], 5)
    X = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 1], [1, 1, 0], [1, 1, 1]])
    assert kp(X).tolist() == [0.0, 5.0, 7.0, -2.0, -4.0]
    assert kp.violation(X).tolist() == [0, 0, 0, 2, 4]
    assert kp.value(X).tolist() == [0, 5, 7, 9, 12]
    assert kp.optimum == 7.0 and kp.optimal_solution.tolist() == [0, 1, 1]
    assert isinstance(kp.default_family(), Bernoulli)


def _instance(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 31))
    w = rng.integers(1, 50, n)
    v = rng.integers(1, 100, n)
    return Knapsack(v, w, int(w.sum() // 2))


@pytest.mark.parametrize("use_constraints", [False, True])
def test_ce_reaches_dp_optimum_in_most_seeds(use_constraints):
    hits = 0
    for seed in range(10):
        kp = _instance(seed)
        res = kp.solve(rng=seed, use_constraints=use_constraints)
        assert kp.violation(res.x)[0] == 0.0
        assert res.fun <= kp.optimum
        hits += res.fun == kp.optimum
    assert hits >= 8


def test_no_dp_for_fractional_weights_and_bad_input():
    assert Knapsack([1.0, 2.0], [0.5, 1.5], 1.0).optimum is None
    with pytest.raises(ValueError, match="weights"):
        Knapsack([1, 2], [1, -2], 3)
    with pytest.raises(ValueError, match="capacity"):
        Knapsack([1, 2], [1, 2], -1)
    with pytest.raises(ValueError, match="weights"):
        knapsack_dp([1, 2], [1.5, 2], 3)
    with pytest.raises(ValueError, match="columns"):
        Knapsack([1, 2], [1, 2], 3)([[1, 0, 1]])


def test_rows_must_be_binary():
    with pytest.raises(ValueError, match="0 and 1"):
        Knapsack([1, 2], [1, 2], 3)([[1, 2]])
