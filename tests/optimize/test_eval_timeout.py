"""``eval_timeout``: an evaluation that hangs is stopped and handled by
``on_error`` like any failure, in this process and in worker processes, also
when it is stuck where the interpreter's alarm cannot reach."""

import signal
import sys
import time

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import Gaussian
from cemethod.optimize._evaluation import BatchEvaluator
from cemethod.optimize._pool import WorkerDied
from cemethod.optimize._timeout import EvaluationTimeout

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "setitimer"), reason="interval timers: Unix"
)
X = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 1.0], [3.0, 3.0], [0.5, 0.5]])
BY_HAND = [1.0, np.inf, 2.0, np.inf, 0.5]  # rows with x0 > 1.5 hang


def hang_when_large(x):
    if x[0] > 1.5:
        time.sleep(60)
    return float(np.sum(x**2))


def stuck_when_large(x):
    # a hang the alarm cannot stop: SIGALRM ignored, as compiled code would
    if x[0] > 1.5:
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        time.sleep(60)
    return float(np.sum(x**2))


@pytest.mark.parametrize("workers", [None, 2])
def test_hanging_rows_are_failures_under_on_error_worst(workers):
    start = time.perf_counter()
    with BatchEvaluator(
        hang_when_large, workers=workers, on_error="worst", eval_timeout=0.2
    ) as evaluate:
        values, n_failures = evaluate(X)
    assert values.tolist() == BY_HAND and n_failures == 2
    assert time.perf_counter() - start < 10  # not the 60 s of a hang


def test_a_hang_without_on_error_is_an_error_naming_eval_timeout():
    with pytest.raises(EvaluationTimeout, match=r"eval_timeout = 0\.2 s"):
        ce.minimize(
            hang_when_large, Gaussian([3.0, 3.0], [0.1, 0.1]), rng=0, n_samples=4,
            maxiter=1, eval_timeout=0.2,
        )  # fmt: skip


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process kill")
def test_a_worker_stuck_out_of_reach_is_killed_and_its_row_fails():
    start = time.perf_counter()
    with BatchEvaluator(
        stuck_when_large, workers=2, on_error="worst", eval_timeout=0.2
    ) as evaluate:
        values, n_failures = evaluate(X)
    assert values.tolist() == BY_HAND and n_failures == 2
    assert time.perf_counter() - start < 40
    with (
        BatchEvaluator(stuck_when_large, workers=2, eval_timeout=0.2) as evaluate,
        pytest.raises(WorkerDied, match="stuck beyond eval_timeout"),
    ):
        evaluate(X[:2])


def test_a_run_with_eval_timeout_goes_on_and_the_alarm_is_cleared():
    res = ce.minimize(
        hang_when_large, Gaussian([1.5, 0.0], [0.5, 0.5]), rng=1, n_samples=20,
        maxiter=3, eval_timeout=0.1, on_error="worst",
    )  # fmt: skip
    assert res.n_failures > 0 and res.x[0] <= 1.5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), "1"])
def test_eval_timeout_must_be_a_positive_number(bad):
    with pytest.raises(ValueError, match="'eval_timeout' parameter of minimize"):
        ce.minimize(
            hang_when_large, Gaussian([0.0], [1.0]), maxiter=1, eval_timeout=bad
        )
