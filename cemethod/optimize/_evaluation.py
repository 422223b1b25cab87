"""Evaluation of a batch of candidates: the one place where the objective is called.

Backends (``workers``):

- ``None`` or ``1``: in this process;
- ``int > 1``: a :class:`concurrent.futures.ProcessPoolExecutor` with that many
  processes, created once per :class:`BatchEvaluator` and fed contiguous chunks
  of rows (the objective must then be picklable: a module-level function or a
  :func:`functools.partial` of one);
- a :class:`concurrent.futures.Executor` (threads, processes, or the executor of
  a ``dask.distributed`` client, ``client.get_executor()``): ``executor.map``;
- a ``ray.util.multiprocessing.Pool`` or its ``map`` (:mod:`._ray`);
- any other object with ``submit`` (futures with ``.result()``) or ``map``;
- any map-like callable ``workers(func, iterable)``, e.g. ``multiprocessing.Pool.map``.

The batch is cut into contiguous chunks, one per worker for a vectorized
objective or on dask or Ray, else four per worker row by row (the number of
workers read from it, a dask client's threads or a Ray pool's actors
included, else ``os.cpu_count()``), and the chunk results are put back in
order, so the values (and therefore a seeded run) never depend on ``workers``.

Failures. With ``on_error="raise"`` an exception from the objective propagates
and a NaN or infinite value raises :class:`ValueError`. With ``on_error="worst"``
an exception (any :class:`Exception`, not ``KeyboardInterrupt``), NaN or
infinite value gives that candidate the ``worst`` value and is counted. For a
vectorized objective an exception from the call on a chunk makes that chunk be
re-evaluated one row at a time, as ``fun(chunk[i:i + 1])[0]``, so that only the
failing rows are lost.

``eval_timeout`` bounds every call of ``fun`` (see
:mod:`cemethod.optimize._timeout`: an alarm in a main thread, a helper thread
given up on elsewhere); with an executor or anything with ``submit`` the
batch's futures are also awaited within a budget (:func:`batch_budget`), a
chunk not back by then cancelled and failed. A map-like callable is not
bounded beyond the per-call timeout.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import math
import numbers
import os
import pickle
import time

import numpy as np

from cemethod._validation import (
    check_choice,
    check_real,
    format_value,
    parameter_error,
)
from cemethod.optimize._pool import WorkerPool
from cemethod.optimize._ray import (
    as_ray_pool,
    is_ray_pool,
    ray_pool_size,
    submit_to_ray_pool,
)
from cemethod.optimize._timeout import EvaluationTimeout, batch_budget
from cemethod.optimize._timeout import call as timed_call

__all__ = ["BatchEvaluator", "evaluate_batch"]


def _check_workers(workers, func: str):
    if workers is None:
        return None
    if isinstance(workers, numbers.Integral) and not isinstance(workers, bool):
        if workers < 1:
            raise parameter_error(
                func,
                "workers",
                "None, an int >= 1, a map-like callable or an Executor",
                workers,
            )
        return int(workers)
    if isinstance(workers, WorkerPool):
        return workers
    workers = as_ray_pool(workers)
    if callable(getattr(workers, "submit", None)) or callable(
        getattr(workers, "map", None)
    ):
        return workers
    if callable(workers):
        return workers
    raise TypeError(
        f"The 'workers' parameter of {func} must be None, an int >= 1, a map-like "
        f"callable or an Executor. Got {format_value(workers)} instead."
    )


class _ChunkCall:
    """Picklable task: evaluate one contiguous chunk of rows."""

    def __init__(
        self, fun, vectorized: bool, catch: bool, kwargs: dict, deadline=None,
        first_row=True, timeout=None,
    ):  # fmt: skip
        self.fun = fun
        self.timeout = timeout  # eval_timeout, seconds per call of fun
        self.vectorized = vectorized
        self.catch = catch
        self.kwargs = kwargs
        # time.time() after which no further row is evaluated (the rows
        # evaluated so far are returned: a shorter array). The wall clock,
        # not perf_counter, because a worker process or machine reads it.
        self.deadline = deadline
        # evaluate the first row even after the deadline (the serial call:
        # an iteration needs one value); a worker's chunk may return none
        self.first_row = first_row

    def _late(self, i: int) -> bool:
        return (
            self.deadline is not None
            and (i > 0 or not self.first_row)
            and time.time() >= self.deadline
        )

    def _checked_vector(self, out, m: int) -> np.ndarray:
        out = np.asarray(out, dtype=np.float64)
        if out.shape != (m,):
            raise ValueError(
                "A vectorized objective must return an array of shape (n,) for a "
                f"batch of n = {m} rows. Got shape {out.shape} instead."
            )
        return out

    def _checked_row(self, out) -> float:
        out = np.asarray(out, dtype=np.float64)
        if out.ndim != 0:
            raise ValueError(
                "The objective must return a real number for one candidate. "
                f"Got an array of shape {out.shape} instead."
            )
        return float(out)

    def _call(self, x):
        # Only the call itself is guarded: a wrong return type or shape is a
        # bug in the objective and is raised whatever on_error says.
        try:
            return timed_call(self.timeout, self.fun, x, **self.kwargs), True
        except EvaluationTimeout as exc:
            if not self.catch:
                raise EvaluationTimeout(f"{exc} (x = {format_value(x)})") from None
            return None, False
        except Exception:
            if not self.catch:
                raise
            return None, False

    def __call__(self, chunk: np.ndarray) -> np.ndarray:
        m = chunk.shape[0]
        if self.vectorized:
            if self._late(0):  # a chunk that starts after the deadline
                return np.empty(0)
            out, ok = self._call(chunk)
            if ok:
                return self._checked_vector(out, m)
            # Isolate the failing rows: one-row batches.
            values = np.full(m, math.nan)
            for i in range(m):
                out, ok = self._call(chunk[i : i + 1])
                if ok:
                    values[i] = self._checked_vector(out, 1)[0]
            return values
        values = np.full(m, math.nan)
        for i, row in enumerate(chunk):
            if self._late(i):
                return values[:i]
            out, ok = self._call(row)
            if ok:
                values[i] = self._checked_row(out)
        return values


def _collect(items) -> list:
    # Futures (concurrent.futures or dask-like) are resolved in order.
    return [
        item.result() if callable(getattr(item, "result", None)) else item
        for item in items
    ]


# Beyond eval_timeout per call, before a user's executor's chunk is given up
# on: room for its queue, transfers and a dask scheduler's round trips.
_EXECUTOR_GRACE = 5.0


def _is_dask(workers) -> bool:
    """A ``dask.distributed`` Client or its ``get_executor()``."""
    return type(workers).__module__.split(".")[0] == "distributed" and callable(
        getattr(workers, "submit", None)
    )


def worker_count(workers):
    """How many evaluations ``workers`` runs at once, if it tells: an int, a
    :class:`WorkerPool`, a ``concurrent.futures`` pool (``_max_workers``), a
    ``dask.distributed`` client or its executor (the sum of the workers'
    threads), a Ray pool (its actors); else None."""
    if isinstance(workers, int):
        return workers
    if isinstance(workers, WorkerPool):
        return workers.size
    if is_ray_pool(workers):
        return ray_pool_size(workers)
    size = getattr(workers, "_max_workers", None)
    if isinstance(size, numbers.Integral) and size > 0:
        return int(size)
    if _is_dask(workers):
        client = getattr(workers, "_client", workers)  # ClientExecutor or Client
        try:
            return sum(client.nthreads().values()) or None
        except Exception:  # not connected: no size
            return None
    return None


class BatchEvaluator:
    """Evaluate the objective on batches of candidates.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> float`` for one row, or ``fun(X) -> (n,)`` when ``vectorized``.
    vectorized : bool, default=False
        Call ``fun`` once per chunk of rows instead of once per row. The value
        of a row must not depend on the other rows of the chunk.
    workers : None, int, Executor or map-like callable, default=None
        Where to evaluate (see the module docstring).
    on_error : {"raise", "worst"}, default="raise"
        What to do when an evaluation raises or returns NaN or inf.
    worst : float, default=inf
        Value given to a failed candidate under ``on_error="worst"``.
    func : str, default="evaluate_batch"
        Name of the public function, for error messages.

    Use it as a context manager so that a process pool is shut down.

    Examples
    --------
    >>> import numpy as np
    >>> def f(x):
    ...     if x[0] < 0:
    ...         raise ValueError("negative")
    ...     return float(x @ x)
    >>> with BatchEvaluator(f, on_error="worst") as ev:
    ...     values, n_failures = ev(np.array([[1.0, 2.0], [-1.0, 0.0]]))
    >>> values, n_failures
    (array([ 5., inf]), 1)
    """

    def __init__(
        self,
        fun,
        *,
        vectorized=False,
        workers=None,
        on_error="raise",
        worst=math.inf,
        func="evaluate_batch",
        eval_timeout=None,
    ):
        if not callable(fun):
            raise TypeError(
                f"The 'fun' parameter of {func} must be callable. "
                f"Got {format_value(fun)} instead."
            )
        self.fun = fun
        self.vectorized = bool(vectorized)
        self.workers = _check_workers(workers, func)
        self.on_error = check_choice(
            on_error, ("raise", "worst"), param="on_error", func=func
        )
        self.worst = float(worst)
        self.func = func
        self.eval_timeout = None
        if eval_timeout is not None:
            self.eval_timeout = check_real(
                eval_timeout, param="eval_timeout", func=func, low=0,
                low_inclusive=False,
            )  # fmt: skip
        self._pool = None
        self._n_workers = False  # not read yet (see _size)
        # set by the optimizer's loop: the rows not started by this
        # time.perf_counter() are left out (see __call__)
        self.deadline = None
        # after a call: None when every row was evaluated, else the indices
        # of the rows that were (the values returned are theirs, in order)
        self.evaluated_rows = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        """Shut down the process pool this evaluator created, if any."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _chunks(self, n: int) -> list[slice]:
        """Row slices for the workers (only called with workers other than
        None / 1: the serial case evaluates ``X`` in one call): one chunk per
        worker for a vectorized objective or on dask or Ray (a task costs a
        scheduler round trip: ~5-20 ms on a loaded 2-core machine, see
        benchmarks/bench_parallel.py), else four per worker row by row (they
        balance uneven evaluation times). The number of workers is read from
        the backend (:func:`worker_count`: a dask client's threads, a pool's
        size), else ``os.cpu_count()``."""
        size = self._size() or os.cpu_count() or 1
        one = self.vectorized or _is_dask(self.workers) or is_ray_pool(self.workers)
        n_chunks = size if one else 4 * size
        n_chunks = max(1, min(n, int(n_chunks)))
        bounds = np.linspace(0, n, n_chunks + 1).round().astype(int)
        return [slice(a, b) for a, b in itertools.pairwise(bounds) if b > a]

    def _check_picklable(self, task) -> None:
        try:
            pickle.dumps(task.fun)
        except Exception as exc:
            raise TypeError(
                f"The 'workers' parameter of {self.func} is an int, which runs the "
                "objective in other processes, so the objective must be picklable "
                "(a module-level function or a functools.partial of one). "
                f"Pickling {format_value(task.fun)} failed: {exc}"
            ) from None

    def _map(self, task: _ChunkCall, chunks: list[np.ndarray]) -> list:
        """``task`` on every chunk, by the workers (not called serially)."""
        workers = self.workers
        if isinstance(workers, int):
            if self._pool is None:
                self._check_picklable(task)
                self._pool = WorkerPool(workers)
            return self._pool.run(task, chunks)
        if isinstance(workers, WorkerPool):
            return workers.run(task, chunks)
        submit = getattr(workers, "submit", None)
        if is_ray_pool(workers):
            futures = submit_to_ray_pool(workers, task, chunks)
            if task.timeout is not None:
                return self._bounded(futures, task, chunks)
            return _collect(futures)
        if _is_dask(workers):
            # pure=False: dask would otherwise key a task by its content and
            # give identical chunks (a noisy objective's replications) one
            # shared result; it also spares the hashing of every chunk
            futures = [submit(task, c, pure=False) for c in chunks]
            if task.timeout is not None:
                return self._bounded(futures, task, chunks)
            return _collect(futures)
        if task.timeout is not None and callable(submit):
            return self._bounded([submit(task, c) for c in chunks], task, chunks)
        if isinstance(workers, concurrent.futures.Executor):
            return list(workers.map(task, chunks))
        if callable(submit):
            return _collect([submit(task, c) for c in chunks])
        if callable(getattr(workers, "map", None)):
            return _collect(workers.map(task, chunks))
        return _collect(workers(task, chunks))

    def _bounded(self, futures, task: _ChunkCall, chunks) -> list:
        """The futures' results within the batch's budget (eval_timeout per
        call, :func:`batch_budget`): a chunk not back by then, its worker
        stuck where the timeout cannot reach, is cancelled and fails (NaN
        rows) or raises. A running thread or process cannot be stopped by its
        future: it runs on, and the user's executor is not shut down."""
        calls = [c.shape[0] + (1 if task.vectorized else 0) for c in chunks]
        size = self._size() or 1
        end = time.monotonic() + batch_budget(
            task.timeout, calls, size, _EXECUTOR_GRACE
        )
        out = []
        for k, (future, chunk) in enumerate(zip(futures, chunks, strict=True)):
            try:
                out.append(future.result(timeout=max(0.0, end - time.monotonic())))
            except EvaluationTimeout:  # raised by the task itself
                raise
            except (TimeoutError, concurrent.futures.TimeoutError):
                future.cancel()
                if not task.catch:
                    for other in futures[k:]:
                        other.cancel()
                    raise EvaluationTimeout(
                        f"A chunk of {chunk.shape[0]} row(s) sent to "
                        f"{format_value(self.workers)} did not come back within "
                        f"the batch's budget of eval_timeout = {task.timeout:g} s "
                        f"per call (x = {format_value(chunk)}); it was "
                        "cancelled, or given up on where it cannot be (a Ray "
                        "pool's call runs on). Pass on_error='worst' to give such "
                        "candidates the worst value and continue."
                    ) from None
                out.append(np.full(chunk.shape[0], math.nan))
        return out

    def _size(self):
        if self._n_workers is False:  # read once: a dask client asks its scheduler
            self._n_workers = worker_count(self.workers)
        return self._n_workers

    def _parallel(self, task: _ChunkCall, X: np.ndarray) -> np.ndarray:
        """``task`` on the chunks of ``X`` by the workers; sets
        :attr:`evaluated_rows` when a deadline cut chunks short."""
        slices = self._chunks(X.shape[0])
        parts = [
            np.asarray(v, dtype=np.float64)
            for v in self._map(task, [X[s] for s in slices])
        ]
        pairs = list(zip(parts, slices, strict=True))
        if all(len(v) == s.stop - s.start for v, s in pairs):
            return np.concatenate(parts)
        rows = np.concatenate(
            [np.arange(s.start, s.start + len(v)) for v, s in pairs]
        ).astype(np.intp)
        if rows.size == 0:  # every chunk started late: the first row after all
            task.deadline, rows = None, np.zeros(1, dtype=np.intp)
            parts = [np.asarray(self._map(task, [X[:1]])[0], dtype=np.float64)]
        self.evaluated_rows = rows
        return np.concatenate(parts)

    def __call__(self, X, **kwargs) -> tuple[np.ndarray, int]:
        """Evaluate the rows of ``X``; return ``(values, n_failures)``.

        ``kwargs`` are passed to every call of ``fun`` (e.g. ``seed=``). With
        :attr:`deadline` set, the rows not started by then are not evaluated:
        in this process row by row (``vectorized=False``; the first row always
        is); with workers each chunk stops at its next row (or, vectorized,
        does not start), so the batch ends within about one evaluation per
        worker. ``values`` is then shorter than ``X`` and
        :attr:`evaluated_rows` says whose values they are (at least one row is
        evaluated).
        """
        X = np.asarray(X)
        n = X.shape[0]
        self.evaluated_rows = None
        if n == 0:
            return np.empty(0), 0
        catch = self.on_error == "worst"
        serial = self.workers is None or self.workers == 1
        deadline = None
        if self.deadline is not None:
            deadline = time.time() + (self.deadline - time.perf_counter())
        task = _ChunkCall(
            self.fun, self.vectorized, catch, kwargs, deadline, first_row=serial,
            timeout=self.eval_timeout,
        )  # fmt: skip
        if serial:
            values = task(X)  # one chunk in this process: no split, no copy
            if values.shape[0] < n:
                self.evaluated_rows = np.arange(values.shape[0])
        else:
            values = self._parallel(task, X)
        rows = self.evaluated_rows
        finite = np.isfinite(values)
        if finite.all():
            return values, 0
        bad = ~finite
        n_failures = int(bad.sum())
        if not catch:
            i = int(np.flatnonzero(bad)[0])
            i = i if rows is None else int(rows[i])
            raise ValueError(
                f"The objective returned {float(values[i])!r} for sample {i} "
                f"(x = {format_value(X[i])}). Pass on_error='worst' to give such "
                "candidates the worst value and continue."
            )
        # A copy: the array may be the objective's own return value.
        return np.where(bad, self.worst, values), n_failures


def evaluate_batch(
    fun, X, *, vectorized=False, workers=None, on_error="raise", worst=math.inf
):
    """Evaluate ``fun`` on the rows of ``X``; return ``(values, n_failures)``.

    A one-shot :class:`BatchEvaluator` (see it for the parameters).

    Examples
    --------
    >>> import numpy as np
    >>> evaluate_batch(lambda X: X.sum(axis=1), np.eye(3), vectorized=True)
    (array([1., 1., 1.]), 0)
    """
    with BatchEvaluator(
        fun, vectorized=vectorized, workers=workers, on_error=on_error, worst=worst
    ) as evaluator:
        return evaluator(X)
