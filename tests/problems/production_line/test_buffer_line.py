"""The line models: exact CTMC against closed forms and a reversibility theorem,
the simulator against the CTMC, the numba kernel against the numpy one."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cemethod.problems import line_throughput, simulate_line_throughput
from cemethod.problems.production_line._markov import WORKING, stationary_distribution
from cemethod.problems.production_line._simulation import compiled_kernel


def mm1k_throughput(lam, mu, K):
    """Departure rate of the M/M/1/K queue (Gross & Harris, "Fundamentals of
    Queueing Theory", Sec. 2.5): mu * (1 - p_0), p_0 = (1 - rho)/(1 - rho^(K+1))."""
    rho = lam / mu
    if rho == 1.0:
        return mu * K / (K + 1)
    return mu * (1 - (1 - rho) / (1 - rho ** (K + 1)))


@pytest.mark.parametrize(
    ("mu1", "mu2", "b"),
    [(1.0, 2.0, 0), (1.0, 2.0, 3), (2.0, 1.0, 1), (1.5, 1.5, 4), (3.0, 0.7, 7)],
)
def test_two_reliable_machines_are_an_mm1k_queue(mu1, mu2, b):
    # Blocking after service: the parts finished by machine 1 and not yet by
    # machine 2 (buffer, machine 2, and one held by a blocked machine 1) are
    # a birth-death chain on 0..b+2 with rates mu1 up and mu2 down.
    exact = line_throughput([mu1, mu2], [b])
    assert exact == pytest.approx(mm1k_throughput(mu1, mu2, b + 2), rel=1e-12)


def test_isolated_machine_efficiency_with_operation_dependent_failures():
    # A machine never starved nor blocked works a fraction r / (r + f) of the
    # time (alternating renewal), so a line whose second machine is much
    # faster, behind a huge buffer, runs at mu1 * r1 / (r1 + f1).
    exact = line_throughput([1.0, 20.0], [40], [0.1, 0.0], [1.0, 1.0])
    assert exact == pytest.approx(1.0 / 1.1, rel=1e-9)


def test_flow_is_conserved_along_the_line():
    mu, f, r, cap = [1.0, 1.3, 0.8], [0.1, 0.2, 0.05], [0.5, 0.7, 0.3], [2, 1]
    states, pi = stationary_distribution(mu, f, r, cap)
    assert pi.sum() == pytest.approx(1.0) and np.all(pi > 0)
    working = np.array([s[0][0] == WORKING for s in states])
    first = mu[0] * pi[working].sum()
    assert first == pytest.approx(line_throughput(mu, cap, f, r), rel=1e-10)


@settings(max_examples=25, deadline=None)
@given(
    mu=st.lists(st.floats(0.3, 3.0), min_size=3, max_size=3),
    f=st.lists(st.sampled_from([0.0, 0.05, 0.3]), min_size=3, max_size=3),
    r=st.lists(st.floats(0.2, 2.0), min_size=3, max_size=3),
    cap=st.lists(st.integers(0, 3), min_size=2, max_size=2),
)
def test_reversed_line_has_the_same_throughput(mu, f, r, cap):
    # Reversibility of lines with blocking after service (Muth 1979, Manag.
    # Sci. 25:152-158; Yamazaki & Sakasegawa 1975): with operation-dependent
    # failures each part's time at a machine is an i.i.d. variable, so it holds.
    forward = line_throughput(mu, cap, f, r)
    backward = line_throughput(mu[::-1], cap[::-1], f[::-1], r[::-1])
    assert forward == pytest.approx(backward, rel=1e-9)


@settings(max_examples=15, deadline=None)
@given(
    mu=st.lists(st.floats(0.3, 3.0), min_size=3, max_size=3),
    cap=st.lists(st.integers(0, 3), min_size=2, max_size=2),
    k=st.integers(0, 4),
)
def test_throughput_grows_with_buffers_and_rates(mu, cap, k):
    base = line_throughput(mu, cap)
    bigger = list(cap)
    bigger[k % 2] += 1
    faster = list(mu)
    faster[k % 3] *= 1.5
    assert line_throughput(mu, bigger) >= base - 1e-12
    assert line_throughput(faster, cap) >= base - 1e-12


@pytest.mark.parametrize("estimator", ["completions", "busy"])
@pytest.mark.parametrize(
    ("mu", "f", "r", "cap"),
    [
        ([1.0, 1.2, 0.9], [0.05, 0.1, 0.02], [0.5, 0.6, 0.4], [2, 1]),
        ([2.0, 1.0], [0.2, 0.0], [1.0, 1.0], [0]),
        ([1.0, 1.0, 1.0], None, None, [1, 3]),
    ],
)
def test_simulation_matches_the_ctmc_within_its_confidence_interval(
    mu, f, r, cap, estimator
):
    exact = line_throughput(mu, cap, f, r)
    est = simulate_line_throughput(
        mu, cap, f, r, horizon=2000.0, replications=20, rng=3, estimator=estimator
    )
    low, high = est.confidence_interval(0.99)
    assert low < exact < high
    assert est.std_error < 0.01 * exact  # and the interval is informative


def test_numba_and_numpy_kernels_count_the_same():
    if compiled_kernel() is None:
        pytest.skip("numba is not installed")
    kw = dict(horizon=150.0, warmup=20.0, replications=3, rng=7)
    mu, f, r = [[1.0, 1.2, 0.9, 1.1]], [[0.05, 0.1, 0.02, 0.2]], [0.5, 0.6, 0.4, 2.0]
    caps = [[2, 0, 1], [0, 0, 0], [3, 1, 2]]
    a = simulate_line_throughput(mu, caps, f, r, compiled=True, **kw)
    b = simulate_line_throughput(mu, caps, f, r, compiled=False, **kw)
    np.testing.assert_array_equal(a.values, b.values)


def test_common_random_numbers_make_a_line_independent_of_its_batch():
    kw = dict(horizon=200.0, replications=4, rng=11)
    alone = simulate_line_throughput([1.0, 1.5, 1.2], [[2, 2]], **kw)
    batch = simulate_line_throughput([1.0, 1.5, 1.2], [[0, 4], [2, 2], [4, 0]], **kw)
    np.testing.assert_array_equal(alone.values[0], batch.values[1])
    indep = simulate_line_throughput(
        [1.0, 1.5, 1.2], [[0, 4], [2, 2]], common_random_numbers=False, **kw
    )
    assert not np.array_equal(indep.values[0], indep.values[1])


def test_one_line_gives_scalars_and_a_batch_gives_arrays():
    one = simulate_line_throughput([1.0, 2.0], [1], replications=3, rng=0)
    assert isinstance(one.mean, float) and one.values.shape == (3,)
    assert one.mean == pytest.approx(np.mean(one.values))
    assert one.std_error == pytest.approx(np.std(one.values, ddof=1) / math.sqrt(3))
    many = simulate_line_throughput([1.0, 2.0], [[1], [2]], replications=1, rng=0)
    assert many.mean.shape == (2,) and np.all(np.isnan(many.std_error))
    assert line_throughput([[1.0, 2.0], [2.0, 1.0]], [1]).shape == (2,)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(service_rates=[1.0], buffers=[]), "'service_rates'"),
        (dict(service_rates=[1.0, -2.0], buffers=[1]), "'service_rates'"),
        (dict(service_rates=[1.0, 2.0], buffers=[-1]), "'buffers'"),
        (dict(service_rates=[1.0, 2.0], buffers=[1.5]), "'buffers'"),
        (dict(service_rates=[1.0, 2.0], buffers=[1, 2]), "'buffers'"),
        (dict(service_rates=[1.0, 2.0], buffers=[1], failure_rates=[-1, 0]), "'fail"),
        (dict(service_rates=[1.0, 2.0], buffers=[1], repair_rates=[0, 1]), "'repair"),
        (dict(service_rates=[1.0, 2.0], buffers=[1], horizon=0.0), "'horizon'"),
        (dict(service_rates=[1.0, 2.0], buffers=[1], replications=0), "'replicat"),
        (dict(service_rates=[1.0, 2.0], buffers=[1], estimator="x"), "'estimator'"),
    ],
)
def test_simulation_input_errors_name_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate_line_throughput(**kwargs)


def test_exact_refuses_a_huge_state_space():
    with pytest.raises(ValueError, match="max_states"):
        line_throughput([1.0] * 6, [50] * 5, max_states=10**5)


@settings(max_examples=10, deadline=None)
@given(
    mu=st.lists(st.floats(0.2, 3.0), min_size=2, max_size=4),
    data=st.data(),
)
def test_kernels_agree_on_random_lines(mu, data):
    if compiled_kernel() is None:
        pytest.skip("numba is not installed")
    m = len(mu)
    cap = data.draw(st.lists(st.integers(0, 3), min_size=m - 1, max_size=m - 1))
    f = data.draw(st.lists(st.sampled_from([0.0, 0.1, 1.0]), min_size=m, max_size=m))
    r = data.draw(st.lists(st.floats(0.1, 5.0), min_size=m, max_size=m))
    kw = dict(horizon=30.0, warmup=3.0, replications=2, rng=1)
    a = simulate_line_throughput(mu, cap, f, r, compiled=True, **kw)
    b = simulate_line_throughput(mu, cap, f, r, compiled=False, **kw)
    np.testing.assert_array_equal(a.values, b.values)
