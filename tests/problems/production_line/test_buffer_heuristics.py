"""Greedy allocation and one-slot local search, checked against enumeration
with the exact (CTMC) throughput."""

import numpy as np
import pytest

from cemethod.problems import BufferAllocation
from cemethod.problems.production_line import greedy_allocation, local_search


def _line(**kw):
    # 4 machines with failures, 6 slots: small enough to enumerate exactly
    return BufferAllocation(
        [1.0, 1.3, 0.9, 1.1], [0.01, 0.02, 0.01, 0.02], [0.1, 0.1, 0.2, 0.1],
        total_buffer=6, horizon=2000.0, rng=0, **kw,
    )  # fmt: skip


def test_greedy_is_feasible_and_counts_its_simulations():
    prob = _line()
    res = greedy_allocation(prob, replications=3, rng=0)
    assert res.x.sum() == 6 and np.all(res.x >= 0)
    assert res.n_simulations == 6 * 3 * 3 and res.n_steps == 6


def test_local_search_reaches_the_enumerated_optimum_from_a_bad_start():
    prob = _line()
    best = prob.enumerate_optimum()
    res = local_search(prob, [6, 0, 0], replications=20, rng=1)
    assert res.x.sum() == 6
    # within 0.5% of the exact optimum (ties among neighbours are in the noise)
    assert prob.exact_throughput(res.x) >= best.fun * (1 - 0.005)
    assert prob.exact_throughput(res.x) > prob.exact_throughput([6, 0, 0])
    assert res.n_steps >= 2


def test_local_search_checks_its_start():
    with pytest.raises(ValueError, match="'x'"):
        local_search(_line(), [1, 1, 1])
    with pytest.raises(ValueError, match="'replications'"):
        greedy_allocation(_line(), replications=0)
