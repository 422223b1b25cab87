"""``time_limit`` is kept within 10% plus one evaluation, also when one batch of
row-by-row evaluations takes far longer than the limit."""

import time

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import Gaussian

EVAL_SECONDS = 0.02


def slow_sphere(x):
    time.sleep(EVAL_SECONDS)
    return float(np.sum(x**2))


@pytest.mark.parametrize("limit", [0.3, 0.6])
def test_time_limit_stops_within_a_batch(limit):
    # 200 samples a batch: 4 s an iteration, many times the limit
    start = time.perf_counter()
    res = ce.minimize(
        slow_sphere, Gaussian([1.0, 1.0], [2.0, 2.0]), rng=0, n_samples=200,
        time_limit=limit,
    )  # fmt: skip
    wall = time.perf_counter() - start
    assert res.status == 4 and "time limit" in res.message
    assert wall <= 1.1 * limit + EVAL_SECONDS + 0.05  # + the call's own overhead
    assert res.elapsed <= 1.1 * limit + EVAL_SECONDS
    assert 1 <= res.nfev < 200 and res.nit == 1
    assert res.fun == pytest.approx(float(np.sum(res.x**2)))  # a real evaluation


def test_a_vectorized_batch_is_one_evaluation():
    def slow_batch(X):
        time.sleep(0.1)
        return np.sum(X**2, axis=1)

    start = time.perf_counter()
    res = ce.minimize(
        slow_batch, Gaussian([1.0, 1.0], [2.0, 2.0]), vectorized=True, rng=0,
        time_limit=0.25,
    )  # fmt: skip
    assert res.status == 4
    assert time.perf_counter() - start <= 1.1 * 0.25 + 0.1 + 0.05
