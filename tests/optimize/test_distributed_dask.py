"""A real dask.distributed cluster takes the evaluations: same run as in-process."""

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import Gaussian

distributed = pytest.importorskip("distributed")


def sphere(x):
    # Row by row (not vectorized), so every row is a task on the cluster.
    return float(np.sum((np.asarray(x) - 1.5) ** 2))


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        dashboard_address=None,
    )
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


@pytest.mark.parametrize("vectorized", [False, True])
def test_dask_executor_gives_the_same_run(client, vectorized):
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
    remote = ce.minimize(on_cluster, fam, workers=client.get_executor(), **kwargs)
    assert remote.nfev == local.nfev and remote.nit == local.nit
    np.testing.assert_array_equal(remote.x, local.x)
    assert remote.fun == local.fun
    np.testing.assert_array_equal(remote.family.mean, local.family.mean)
    with pytest.raises(ValueError):
        on_cluster(np.zeros((1, 3)))  # the guard works off the cluster


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
