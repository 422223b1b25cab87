"""A local Ray cluster (two CPUs, actor processes of a
``ray.util.multiprocessing.Pool``) takes the evaluations: same run as in
process, one chunk per actor, failures counted, and eval_timeout bounds a
hang there. One Ray instance per test process (module fixture, a new local
instance on free ports: xdist workers each start their own)."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import Gaussian
from cemethod.optimize._evaluation import BatchEvaluator
from cemethod.optimize._timeout import EvaluationTimeout

ray = pytest.importorskip("ray")
from ray.util.multiprocessing import Pool  # noqa: E402

DRIVER = os.getpid()


@pytest.fixture(scope="module")
def pool():
    ray.init(
        address="local",  # a new instance, never a cluster found on the machine
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        object_store_memory=100 * 1024**2,
    )
    # pytest imports this file by its name from its folder, which Ray's
    # workers cannot: its functions and classes travel by value
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    workers = Pool(2)
    try:
        yield workers
    finally:
        workers.terminate()
        ray.cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
        ray.shutdown()


def off_driver(fun):
    """``fun`` that fails (on_error="raise": the run fails) when called in
    this process, so that a run using it ran on the actors."""

    def on_ray(x):
        assert os.getpid() != DRIVER, "evaluated in the driver, not on Ray"
        return fun(x)

    return on_ray


def sphere(x):
    return float(np.sum((np.asarray(x) - 1.5) ** 2))


def sphere_rows(X):
    return np.sum((np.asarray(X) - 1.5) ** 2, axis=1)


@pytest.mark.parametrize("as_map", [False, True])
@pytest.mark.parametrize("vectorized", [False, True])
def test_ray_gives_the_same_run(pool, vectorized, as_map):
    fam = Gaussian(np.zeros(3), np.full(3, 2.0))
    fun = sphere_rows if vectorized else sphere
    kwargs = dict(vectorized=vectorized, rng=7, n_samples=40, maxiter=15)
    local = ce.minimize(fun, fam, **kwargs)
    workers = pool.map if as_map else pool
    remote = ce.minimize(off_driver(fun), fam, workers=workers, **kwargs)
    assert remote.nfev == local.nfev and remote.nit == local.nit
    np.testing.assert_array_equal(remote.x, local.x)
    assert remote.fun == local.fun
    np.testing.assert_array_equal(remote.family.mean, local.family.mean)
    with pytest.raises(AssertionError, match="in the driver"):
        off_driver(fun)(np.zeros((1, 3)))  # the guard works off Ray


def test_one_task_per_actor_sized_chunk(pool):
    # the size is the pool's, not the cluster's: 2 actors, then 1
    one = Pool(1)
    try:
        for workers, sizes in [(pool, [20, 20]), (pool.map, [20, 20]), (one, [40])]:
            for vectorized in (True, False):
                ev = BatchEvaluator(sphere, workers=workers, vectorized=vectorized)
                chunks = ev._chunks(40)
                assert [s.stop - s.start for s in chunks] == sizes
    finally:
        one.terminate()

    def twenty_rows(X):
        assert os.getpid() != DRIVER
        assert X.shape[0] == 20  # a batch of 40 in two halves, on the actors
        return np.sum(X**2, axis=1)

    fam = Gaussian(np.zeros(2), np.full(2, 2.0))
    kwargs = dict(vectorized=True, rng=5, n_samples=40, maxiter=3)
    res = ce.minimize(twenty_rows, fam, workers=pool, **kwargs)
    assert res.nfev == 120


def test_a_pool_without_its_actor_list_is_the_cluster_size(pool):
    # the fallback when Ray's private actor list is not there: the CPUs of
    # the instance (num_cpus=2 in the fixture), what Pool() would take
    from cemethod.optimize._ray import ray_pool_size

    class Bare:  # the pool's methods, not its attributes
        def __init__(self, pool):
            self.apply_async, self.map = pool.apply_async, pool.map

    Bare.__module__ = "ray.util.multiprocessing.pool"
    bare = Bare(pool)
    assert ray_pool_size(bare) == 2 == ray.cluster_resources()["CPU"]
    with BatchEvaluator(off_driver(sphere), workers=bare) as evaluate:
        assert evaluate._chunks(40) == [slice(0, 20), slice(20, 40)]
        assert evaluate(X)[0].tolist() == [sphere(x) for x in X]


@pytest.mark.parametrize("vectorized", [False, True])
def test_ray_failures_are_counted(pool, vectorized):
    def fragile(x):
        if x[0] > 2.0:
            raise RuntimeError("simulated crash on an actor")
        return float(np.sum(x**2))

    fun = fragile
    if vectorized:

        def fun(X):
            return np.array([fragile(x) for x in X])

    fam = Gaussian(np.zeros(2), np.full(2, 2.0))
    kwargs = dict(rng=3, n_samples=30, maxiter=5, on_error="worst")
    kwargs["vectorized"] = vectorized
    local = ce.minimize(fragile, fam, **kwargs | {"vectorized": False})
    remote = ce.minimize(off_driver(fun), fam, workers=pool, **kwargs)
    assert remote.n_failures == local.n_failures > 0
    np.testing.assert_array_equal(remote.x, local.x)
    with pytest.raises(RuntimeError, match="simulated crash on an actor"):
        ce.minimize(fun, fam, workers=pool, **kwargs | {"on_error": "raise"})


X = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 1.0], [3.0, 3.0], [0.5, 0.5]])
BY_HAND = [1.0, np.inf, 2.0, np.inf, 0.5]  # rows with x0 > 1.5 hang


def hang_when_large(x):
    assert os.getpid() != DRIVER
    if x[0] > 1.5:
        time.sleep(60)
    return float(np.sum(x**2))


def test_a_hang_on_an_actor_is_a_failure(pool):
    start = time.monotonic()
    with BatchEvaluator(
        hang_when_large, workers=pool, on_error="worst", eval_timeout=0.5
    ) as evaluate:
        values, n_failures = evaluate(X)
    assert values.tolist() == BY_HAND and n_failures == 2
    with (
        BatchEvaluator(hang_when_large, workers=pool, eval_timeout=0.5) as ev,
        pytest.raises(TimeoutError, match=r"eval_timeout = 0\.5 s.*x = array"),
    ):
        ev(X)
    # the alarm in the actors' main thread stopped the sleeps: not 60 s each
    assert time.monotonic() - start < 20


def test_a_run_on_ray_with_hangs_is_the_in_process_run(pool):
    def hang(x):
        if x[0] > 1.5:
            time.sleep(60)
        return float(np.sum(x**2))

    kw = dict(rng=1, n_samples=20, maxiter=3, eval_timeout=0.2, on_error="worst")
    alone = ce.minimize(hang, Gaussian([1.5, 0.0], [0.5, 0.5]), **kw)
    res = ce.minimize(
        off_driver(hang), Gaussian([1.5, 0.0], [0.5, 0.5]), workers=pool, **kw
    )
    assert res.n_failures == alone.n_failures > 0
    assert (res.nfev, res.nit, res.fun) == (alone.nfev, alone.nit, alone.fun)
    np.testing.assert_array_equal(res.x, alone.x)


def out_of_reach(x):
    """Sleeps with SIGALRM blocked when ``x[0] > 1.5``: eval_timeout's alarm
    cannot stop it, as compiled code that never returns to the interpreter."""
    if x[0] > 1.5:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        try:
            time.sleep(4)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
    return float(np.sum(x**2))


def test_a_ray_chunk_not_back_in_time_is_given_up_on(pool, monkeypatch):
    from cemethod.optimize import _evaluation

    monkeypatch.setattr(_evaluation, "_EXECUTOR_GRACE", 0.5)
    stuck = Pool(2)  # its own actors: one stays busy after the test
    try:
        # warm-up: each actor imports cemethod (longer than this budget)
        assert BatchEvaluator(out_of_reach, workers=stuck)(X[[0, 2]])[1] == 0
        kw = dict(workers=stuck, eval_timeout=0.2)
        with BatchEvaluator(out_of_reach, on_error="worst", **kw) as evaluate:
            start = time.monotonic()
            values, n_failures = evaluate(X[:2])  # a chunk of one row per actor
            # budget: 0.2 s * (2 calls / 2 actors + 1) + 0.5 s grace, not 4 s
            assert time.monotonic() - start < 3
        assert values.tolist() == [1.0, np.inf] and n_failures == 1
        with (
            BatchEvaluator(out_of_reach, **kw) as evaluate,
            pytest.raises(EvaluationTimeout, match="given up on where it cannot be"),
        ):
            evaluate(X[:2])
    finally:
        stuck.terminate()


def test_identical_chunks_are_evaluated_each(pool):
    # A noisy objective: each chunk its own draws, none shared or cached.
    def noisy(X):
        return np.random.default_rng().random(X.shape[0])

    with BatchEvaluator(noisy, vectorized=True, workers=pool) as evaluate:
        values, _ = evaluate(np.zeros((4, 2)))  # two chunks of two equal rows
        again, _ = evaluate(np.zeros((4, 2)))
    assert len(set(values.tolist() + again.tolist())) == 8


def test_importing_cemethod_does_not_import_ray():
    code = (
        "import sys, numpy as np, cemethod as ce\n"
        "from cemethod.optimize._evaluation import BatchEvaluator\n"
        "BatchEvaluator(sum, workers=2)._chunks(8)\n"
        "print('ray' in sys.modules)"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    env = {**os.environ, "PYTHONPATH": root}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    )
    assert out.stdout.strip() == "False", out.stderr[-2000:]
