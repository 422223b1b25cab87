"""``eval_timeout`` where no alarm can interrupt the objective: a user's
ThreadPoolExecutor, a run started from another thread, and a user's executor
whose chunk never comes back. The stuck call is given up on (it runs on in
the background), the row fails under on_error='worst' or raises a
TimeoutError naming eval_timeout, and the user's executor shuts down."""

import concurrent.futures
import threading

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import Gaussian
from cemethod.optimize import _evaluation
from cemethod.optimize._evaluation import BatchEvaluator
from cemethod.optimize._timeout import EvaluationTimeout

X = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 1.0], [3.0, 3.0], [0.5, 0.5]])
BY_HAND = [1.0, np.inf, 2.0, np.inf, 0.5]  # rows with x0 > 1.5 hang
RELEASE = threading.Event()  # set at the end of each test: the hangs end
STUCK = []  # threads in a hang


@pytest.fixture(autouse=True)
def release_the_hangs():
    RELEASE.clear()
    STUCK.clear()
    yield
    RELEASE.set()


def hang_when_large(x):
    if x[0] > 1.5:
        STUCK.append(threading.current_thread())
        RELEASE.wait(120)
    return float(np.sum(x**2))


def hang_vectorized(X):
    if np.any(X[:, 0] > 1.5):
        RELEASE.wait(120)
    return np.sum(X**2, axis=1)


@pytest.mark.parametrize("vectorized", [False, True])
def test_hanging_rows_on_threads_fail_and_the_executor_shuts_down(vectorized):
    fun = hang_vectorized if vectorized else hang_when_large
    executor = concurrent.futures.ThreadPoolExecutor(2)
    with BatchEvaluator(
        fun, vectorized=vectorized, workers=executor, on_error="worst",
        eval_timeout=0.2,
    ) as evaluate:  # fmt: skip
        values, n_failures = evaluate(X)
    assert values.tolist() == BY_HAND and n_failures == 2
    # the executor's own threads are free again: a new task runs at once
    assert executor.submit(sum, [1, 2]).result(timeout=30) == 3
    executor.shutdown(wait=True)  # returns although the hangs go on
    assert not RELEASE.is_set()


def test_the_stuck_call_runs_on_in_the_background():
    with (
        concurrent.futures.ThreadPoolExecutor(1) as executor,
        BatchEvaluator(
            hang_when_large, workers=executor, on_error="worst", eval_timeout=0.1
        ) as evaluate,
    ):
        evaluate(X[:2])
    assert len(STUCK) == 1 and STUCK[0].is_alive()
    assert STUCK[0].name == "cemethod-evaluation"
    RELEASE.set()
    STUCK[0].join(30)
    assert not STUCK[0].is_alive()  # it ends once the call returns


def test_without_on_error_a_hang_on_a_thread_raises_a_timeout_error():
    with (
        concurrent.futures.ThreadPoolExecutor(2) as executor,
        BatchEvaluator(hang_when_large, workers=executor, eval_timeout=0.2) as ev,
        pytest.raises(TimeoutError, match=r"eval_timeout = 0\.2 s.*x = array"),
    ):
        ev(X)


def test_a_run_on_threads_is_the_run_with_the_in_process_alarm():
    kw = dict(rng=1, n_samples=20, maxiter=3, eval_timeout=0.1, on_error="worst")
    # The reference: the main thread, where SIGALRM stops the hang.
    alone = ce.minimize(hang_when_large, Gaussian([1.5, 0.0], [0.5, 0.5]), **kw)
    RELEASE.set()  # those hangs were interrupted; none is left
    RELEASE.clear()
    with concurrent.futures.ThreadPoolExecutor(2) as executor:
        res = ce.minimize(
            hang_when_large, Gaussian([1.5, 0.0], [0.5, 0.5]), workers=executor,
            **kw,
        )  # fmt: skip
    assert res.n_failures == alone.n_failures > 0
    assert (res.nfev, res.nit, res.fun) == (alone.nfev, alone.nit, alone.fun)
    np.testing.assert_array_equal(res.x, alone.x)


def test_a_run_from_another_thread_is_bounded_too():
    out = {}

    def run():
        with BatchEvaluator(
            hang_when_large, on_error="worst", eval_timeout=0.2
        ) as evaluate:
            out["values"] = evaluate(X)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    values, n_failures = out["values"]
    assert values.tolist() == BY_HAND and n_failures == 2


class NeverBack(concurrent.futures.Executor):
    """An executor whose tasks on rows with x0 > 1.5 never finish (a worker
    stuck where no timeout reaches it); the others run at once."""

    def __init__(self):
        self.futures = []

    def submit(self, fn, chunk):
        future = concurrent.futures.Future()
        self.futures.append(future)
        if not np.any(chunk[:, 0] > 1.5):
            future.set_result(fn(chunk))
        return future


def test_a_chunk_that_never_comes_back_is_cancelled(monkeypatch):
    monkeypatch.setattr(_evaluation, "_EXECUTOR_GRACE", 0.5)
    executor = NeverBack()
    with BatchEvaluator(
        hang_when_large, workers=executor, on_error="worst", eval_timeout=0.1
    ) as evaluate:
        values, n_failures = evaluate(X)
    assert values.tolist() == BY_HAND and n_failures == 2
    assert sum(f.cancelled() for f in executor.futures) == 2
    with (
        BatchEvaluator(hang_when_large, workers=NeverBack(), eval_timeout=0.1) as ev,
        pytest.raises(EvaluationTimeout, match=r"budget of eval_timeout = 0\.1 s"),
    ):
        ev(X)


def on_helper(x):
    return float(threading.current_thread().name == "cemethod-evaluation")


@pytest.mark.parametrize("eval_timeout", [None, 5.0])
def test_only_eval_timeout_moves_the_calls_to_a_helper_thread(eval_timeout):
    with concurrent.futures.ThreadPoolExecutor(2) as executor:
        res = ce.minimize(
            on_helper, Gaussian([0.0], [1.0]), workers=executor, maxiter=2, rng=0,
            eval_timeout=eval_timeout,
        )  # fmt: skip
    assert res.fun == (0.0 if eval_timeout is None else 1.0)
