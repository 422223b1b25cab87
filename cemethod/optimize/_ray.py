"""Ray as an evaluation backend: ``ray.util.multiprocessing.Pool``.

Ray has no public ``concurrent.futures`` executor; its documented pool API is
``ray.util.multiprocessing.Pool`` (actor processes on a Ray cluster behind
``multiprocessing.Pool``'s interface). ``workers=pool`` (or ``pool.map``) sends
one chunk per actor per batch with ``pool.apply_async``; under
``eval_timeout`` the chunks are awaited within the batch's budget like a
dask future's. An actor that dies (``os._exit``, a crash in compiled code)
is not replaced by Ray's pool: its chunk raises Ray's ``ActorDiedError``,
and so do the later ones sent to it (``workers=int`` is the pool that
survives a dying worker). Ray is never imported here but for a pool whose
size cannot be read: a pool is recognised by the module of its class, so
``import cemethod`` does not import ray.
"""

from __future__ import annotations

import multiprocessing

__all__ = ["as_ray_pool", "is_ray_pool", "ray_pool_size", "submit_to_ray_pool"]


def is_ray_pool(workers) -> bool:
    """A ``ray.util.multiprocessing.Pool``."""
    return type(workers).__module__.startswith("ray.util.multiprocessing") and (
        callable(getattr(workers, "apply_async", None))
    )


def as_ray_pool(workers):
    """The pool behind ``workers=pool.map`` (the form ``multiprocessing.Pool``
    is passed in), so that it gets the pool's chunking and timeouts; any
    other ``workers`` unchanged."""
    owner = getattr(workers, "__self__", None)
    if is_ray_pool(owner) and getattr(workers, "__name__", None) == "map":
        return owner
    return workers


def ray_pool_size(pool):
    """The pool's actors. The pool does not publish its size: its actor list
    (what ``Pool(processes)`` made), else the Ray cluster's CPUs (what
    ``Pool()`` takes by default); None when neither can be read."""
    actors = getattr(pool, "_actor_pool", None)
    if isinstance(actors, list) and actors:
        return len(actors)
    try:
        import ray

        return int(ray.cluster_resources().get("CPU", 0)) or None
    except Exception:  # not connected: no size
        return None


class _PoolFuture:
    """An ``AsyncResult`` of the pool as a future: ``result(timeout)``, which
    raises the builtin ``TimeoutError`` (the pool's ``get`` raises
    ``multiprocessing.TimeoutError``, not one), and ``cancel()``."""

    def __init__(self, async_result):
        self._async_result = async_result

    def result(self, timeout=None):
        try:
            return self._async_result.get(timeout)
        except multiprocessing.TimeoutError:
            raise TimeoutError("not back within the timeout") from None

    def cancel(self) -> bool:
        # The pool cannot withdraw a call sent to an actor: it runs on (an
        # alarm in the actor's main thread stops it at eval_timeout).
        return False


def submit_to_ray_pool(pool, task, chunks) -> list:
    """``task(chunk)`` for every chunk on ``pool``'s actors (round robin:
    with one chunk per actor, one each); futures in chunk order."""
    return [_PoolFuture(pool.apply_async(task, (chunk,))) for chunk in chunks]
