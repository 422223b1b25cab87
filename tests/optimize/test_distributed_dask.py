"""A real dask.distributed cluster (two worker processes) takes the
evaluations: same run as in-process, and eval_timeout bounds a hang there."""

import time

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import Gaussian
from cemethod.optimize._evaluation import BatchEvaluator
from cemethod.optimize._timeout import EvaluationTimeout

distributed = pytest.importorskip("distributed")


def sphere(x):
    # Row by row (not vectorized), so every row is a task on the cluster.
    return float(np.sum((np.asarray(x) - 1.5) ** 2))


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
    )
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


@pytest.mark.parametrize("as_executor", [True, False])
@pytest.mark.parametrize("vectorized", [False, True])
def test_dask_gives_the_same_run(client, vectorized, as_executor):
    fam = Gaussian(np.zeros(3), np.full(3, 2.0))
    fun = sphere
    if vectorized:

        def fun(X):
            return np.sum((np.asarray(X) - 1.5) ** 2, axis=1)

    def on_cluster(x):
        # get_worker() raises ValueError outside a dask worker, and the run
        # (on_error="raise") would fail: so every call ran on the cluster.
        distributed.get_worker()
        return fun(x)

    kwargs = dict(vectorized=vectorized, rng=7, n_samples=40, maxiter=15)
    local = ce.minimize(fun, fam, **kwargs)
    workers = client.get_executor() if as_executor else client
    remote = ce.minimize(on_cluster, fam, workers=workers, **kwargs)
    assert remote.nfev == local.nfev and remote.nit == local.nit
    np.testing.assert_array_equal(remote.x, local.x)
    assert remote.fun == local.fun
    np.testing.assert_array_equal(remote.family.mean, local.family.mean)
    with pytest.raises(ValueError):
        on_cluster(np.zeros((1, 3)))  # the guard works off the cluster


def test_one_task_per_worker_sized_chunk(client):
    # 2 worker processes of one thread: 2 chunks, vectorized or row by row
    for workers in (client, client.get_executor()):
        for vectorized, sizes in [(True, [20, 20]), (False, [20, 20])]:
            evaluate = BatchEvaluator(sphere, workers=workers, vectorized=vectorized)
            chunks = evaluate._chunks(40)
            assert [s.stop - s.start for s in chunks] == sizes

    def twenty_rows(X):
        distributed.get_worker()
        assert X.shape[0] == 20  # a batch of 40 in two halves, on the cluster
        return np.sum(X**2, axis=1)

    fam = Gaussian(np.zeros(2), np.full(2, 2.0))
    kwargs = dict(vectorized=True, rng=5, n_samples=40, maxiter=3)
    res = ce.minimize(twenty_rows, fam, workers=client.get_executor(), **kwargs)
    assert res.nfev == 120


def test_dask_failures_are_isolated(client):
    def fragile(x):
        if x[0] > 2.0:
            raise RuntimeError("simulated crash on a worker")
        return float(np.sum(x**2))

    fam = Gaussian(np.zeros(2), np.full(2, 2.0))
    kwargs = dict(rng=3, n_samples=30, maxiter=5, on_error="worst")
    local = ce.minimize(fragile, fam, **kwargs)
    remote = ce.minimize(fragile, fam, workers=client.get_executor(), **kwargs)
    assert remote.n_failures == local.n_failures > 0
    np.testing.assert_array_equal(remote.x, local.x)


X = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 1.0], [3.0, 3.0], [0.5, 0.5]])
BY_HAND = [1.0, np.inf, 2.0, np.inf, 0.5]  # rows with x0 > 1.5 hang


def hang_when_large(x):
    distributed.get_worker()  # on the cluster, not here
    if x[0] > 1.5:
        time.sleep(60)
    return float(np.sum(x**2))


@pytest.mark.parametrize("as_executor", [True, False])
def test_a_hang_on_a_dask_worker_is_a_failure(client, as_executor):
    workers = client.get_executor() if as_executor else client
    with BatchEvaluator(
        hang_when_large, workers=workers, on_error="worst", eval_timeout=0.5
    ) as evaluate:
        values, n_failures = evaluate(X)
    assert values.tolist() == BY_HAND and n_failures == 2
    with (
        BatchEvaluator(hang_when_large, workers=workers, eval_timeout=0.5) as ev,
        pytest.raises(TimeoutError, match=r"eval_timeout = 0\.5 s.*x = array"),
    ):
        ev(X)


def test_a_run_on_dask_with_hangs_is_the_in_process_run(client):
    def hang(x):
        if x[0] > 1.5:
            time.sleep(60)
        return float(np.sum(x**2))

    kw = dict(rng=1, n_samples=20, maxiter=3, eval_timeout=0.5, on_error="worst")
    alone = ce.minimize(hang, Gaussian([1.5, 0.0], [0.5, 0.5]), **kw)
    res = ce.minimize(
        hang, Gaussian([1.5, 0.0], [0.5, 0.5]), workers=client.get_executor(), **kw
    )
    assert res.n_failures == alone.n_failures > 0
    assert (res.nfev, res.nit, res.fun) == (alone.nfev, alone.nit, alone.fun)
    np.testing.assert_array_equal(res.x, alone.x)


class _Chunks:
    """A task as BatchEvaluator sends it, whose chunks sleep on the worker
    without eval_timeout's helper: a worker stuck out of its reach."""

    timeout, vectorized, catch = 0.2, False, True

    def __call__(self, chunk):
        time.sleep(30 if chunk[0, 0] > 1.5 else 0)
        return np.sum(chunk**2, axis=1)


def test_a_dask_chunk_not_back_in_time_is_cancelled(client, monkeypatch):
    from cemethod.optimize import _evaluation

    monkeypatch.setattr(_evaluation, "_EXECUTOR_GRACE", 1.0)
    evaluate = BatchEvaluator(sum, workers=client, on_error="worst")
    task = _Chunks()
    chunks = [X[:1], X[1:2]]
    futures = [client.submit(task, c, pure=False) for c in chunks]
    out = evaluate._bounded(futures, task, chunks)
    assert out[0].tolist() == [1.0] and np.isnan(out[1]).all()
    deadline = time.monotonic() + 30
    while futures[1].status != "cancelled" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert futures[1].status == "cancelled"
    task.catch = False
    futures = [client.submit(task, c, pure=False) for c in chunks]
    with pytest.raises(EvaluationTimeout, match="was cancelled"):
        evaluate._bounded(futures, task, chunks)


@pytest.mark.parametrize("as_executor", [True, False])
def test_identical_chunks_are_evaluated_each(client, as_executor):
    # A noisy objective: dask's default (pure tasks keyed by their content)
    # would compute two identical chunks once and give both the same draws.
    def noisy(X):
        return np.random.default_rng().random(X.shape[0])

    workers = client.get_executor() if as_executor else client
    with BatchEvaluator(noisy, vectorized=True, workers=workers) as evaluate:
        values, _ = evaluate(np.zeros((4, 2)))  # two chunks of two equal rows
        again, _ = evaluate(np.zeros((4, 2)))
    assert len(set(values.tolist() + again.tolist())) == 8
