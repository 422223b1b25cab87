"""``time_limit`` is kept within 10% plus one evaluation, also when one batch of
row-by-row evaluations takes far longer than the limit, in this process or by
workers (one evaluation per worker), and within one replication pass with
replications."""

import concurrent.futures
import time

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import Gaussian
from cemethod.optimize._evaluation import BatchEvaluator

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


def test_workers_stop_at_their_next_row():
    # Two threads evaluate the 200 rows in 8 chunks; past the limit each
    # chunk stops at its next row, so the batch ends within one evaluation
    # per worker; the values kept are those of the rows evaluated.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        start = time.perf_counter()
        res = ce.minimize(
            slow_sphere, Gaussian([1.0, 1.0], [2.0, 2.0]), rng=0, n_samples=200,
            time_limit=0.3, workers=pool,
        )  # fmt: skip
        wall = time.perf_counter() - start
    assert res.status == 4 and res.nit == 1
    assert wall <= 1.1 * 0.3 + EVAL_SECONDS + 0.05
    # about 2 x 0.3 / 0.02 = 30 rows, far from the 200 of the batch
    assert 10 <= res.nfev <= 40
    assert res.fun == pytest.approx(float(np.sum(res.x**2)))


def test_workers_late_batch_still_evaluates_one_row():
    calls = []

    def record(x):
        calls.append(x.copy())
        return float(np.sum(x**2))

    X = np.arange(12.0).reshape(6, 2)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        evaluate = BatchEvaluator(record, workers=pool)
        evaluate.deadline = time.perf_counter() - 1.0  # passed already
        values, n_failures = evaluate(X)
        assert evaluate.evaluated_rows.tolist() == [0] and n_failures == 0
        assert values.tolist() == [1.0] and len(calls) == 1
        evaluate.deadline = None
        values, _ = evaluate(X)
        assert evaluate.evaluated_rows is None
        assert values.tolist() == np.sum(X**2, axis=1).tolist()


@pytest.mark.parametrize("noise_seed", [False, True])
def test_replications_stop_between_passes(noise_seed):
    seen = []

    def slow_batch(X, seed=None):
        time.sleep(0.1)
        seen.append(seed)
        return np.sum(X**2, axis=1)

    start = time.perf_counter()
    res = ce.minimize(
        slow_batch, Gaussian([1.0, 1.0], [2.0, 2.0]), vectorized=True, rng=0,
        n_samples=50, replications=20, noise_seed=noise_seed, time_limit=0.25,
    )  # fmt: skip
    wall = time.perf_counter() - start
    assert res.status == 4 and res.nit == 1
    assert wall <= 1.1 * 0.25 + 0.1 + 0.05  # within one replication pass
    assert res.nfev == 50 * len(seen) and 2 <= len(seen) <= 4
    assert all(s is not None for s in seen) == noise_seed
