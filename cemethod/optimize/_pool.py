"""A process pool that outlives a dying worker and dies with its parent.

``concurrent.futures.ProcessPoolExecutor`` breaks for good when one worker
process dies (``os._exit``, a segfault in compiled code, the out-of-memory
killer): every pending task fails with ``BrokenProcessPool``, and a pool's
workers busy in a long evaluation outlive a parent killed by SIGKILL.
:class:`WorkerPool` runs a batch's chunks on such a pool and, when it breaks,
on a fresh one: the chunks that had finished keep their values, the others
are resubmitted up to ``MAX_RESUBMITS`` times; a chunk that broke the pool
more often is evaluated one row at a time (each on a fresh pool when needed),
so that the rows that kill a worker are found and counted as failures
(``on_error="worst"``) or named in the error. Its workers exit when the parent
process dies (Linux ``prctl(PR_SET_PDEATHSIG)``, and a thread that watches the
parent's process id elsewhere).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import math
import os
import signal
import threading
import time
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from cemethod.optimize._timeout import batch_budget

__all__ = ["MAX_RESUBMITS", "WorkerDied", "WorkerPool"]

MAX_RESUBMITS = 2
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_WATCH_SECONDS = 0.5
_GRACE_SECONDS = 1.0  # beyond eval_timeout, before a stuck worker is killed


def _left(deadline):
    return None if deadline is None else max(0.0, deadline - time.monotonic())


class WorkerDied(RuntimeError):
    """A worker process died while evaluating a row (not an exception of the
    objective: the process itself ended)."""


def _die_with_parent(parent: int) -> None:
    """Worker start-up: exit when ``parent`` (the process that made the pool)
    is gone, so that no worker is left orphaned after a SIGKILL."""
    with contextlib.suppress(Exception):  # not Linux, or no libc: the thread only
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
    if os.getppid() != parent:
        os._exit(1)

    def watch():
        while os.getppid() == parent:
            time.sleep(_WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _start(parent: int, initializer) -> None:
    _die_with_parent(parent)
    if initializer is not None:
        initializer()


class WorkerPool:
    """``size`` worker processes that survive a worker's death (see the module
    docstring). ``initializer`` runs in every worker after start-up (a
    picklable callable without arguments). Use :meth:`shutdown` when done."""

    def __init__(self, size: int, initializer=None):
        self.size, self.initializer = int(size), initializer
        self._pool = None
        self.restarts = 0  # fresh pools made after a break

    def _executor(self):
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(
                self.size, initializer=_start, initargs=(os.getpid(), self.initializer)
            )
        return self._pool

    def _discard(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self.restarts += 1

    def _batch_deadline(self, task, chunks):
        """With ``eval_timeout``: when every chunk must be done, each call of
        the objective at most ``eval_timeout`` (its alarm stops Python code),
        the chunks shared by the workers, plus a grace period. A vectorized
        chunk counts its own call and its rows': a failed call is redone one
        row at a time."""
        if task.timeout is None:
            return None
        calls = [c.shape[0] + (1 if task.vectorized else 0) for c in chunks]
        budget = batch_budget(task.timeout, calls, self.size, _GRACE_SECONDS)
        return time.monotonic() + budget

    def _kill_workers(self) -> None:
        for process in list(getattr(self._pool, "_processes", {}).values()):
            with contextlib.suppress(Exception):
                process.kill()

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
            self._pool = None

    def run(self, task, chunks) -> list:
        """``[task(c) for c in chunks]`` by the workers, in order; ``task`` has
        ``catch`` (``on_error == "worst"``): rows that kill a worker give NaN
        with it, a :class:`WorkerDied` without it."""
        results = [None] * len(chunks)
        breaks = [0] * len(chunks)
        pending = list(range(len(chunks)))
        while pending:
            pool = self._executor()
            futures, unsent = [], []
            for i in pending:
                try:
                    futures.append((i, pool.submit(task, chunks[i])))
                except BrokenProcessPool:  # broke while the batch went out
                    unsent.append(i)
            broken = []
            deadline = self._batch_deadline(task, [chunks[i] for i in pending])
            for i, future in futures:
                try:
                    results[i] = future.result(timeout=_left(deadline))
                except BrokenProcessPool:
                    broken.append(i)
                except concurrent.futures.TimeoutError:
                    # a worker stuck where eval_timeout's alarm cannot reach
                    self._kill_workers()
                    broken.append(i)
            if not broken and not unsent:
                break
            self._discard()
            for i in broken:
                breaks[i] += 1
            pending = sorted(unsent + [i for i in broken if breaks[i] <= MAX_RESUBMITS])
            for i in broken:
                if breaks[i] > MAX_RESUBMITS:
                    results[i] = self._row_by_row(task, chunks[i])
        return results

    def _row_by_row(self, task, chunk) -> np.ndarray:
        values = []
        for k in range(chunk.shape[0]):
            future = self._executor().submit(task, chunk[k : k + 1])
            try:
                deadline = self._batch_deadline(task, [chunk[k : k + 1]])
                out = future.result(timeout=_left(deadline))
            except (BrokenProcessPool, concurrent.futures.TimeoutError):
                self._kill_workers()
                self._discard()
                if not task.catch:
                    raise WorkerDied(
                        f"A worker process died, or was stuck beyond eval_timeout "
                        f"where it could not be stopped, while evaluating the row "
                        f"{np.array2string(chunk[k], threshold=10)}, on "
                        f"{MAX_RESUBMITS + 2} tries (the process ended: os._exit, "
                        "a crash in compiled code, or the memory limit). Pass "
                        "on_error='worst' to count such rows as failures."
                    ) from None
                out = np.array([math.nan])
            if len(out) == 0:  # the time limit passed: the rows so far
                break
            values.append(float(out[0]))
        return np.array(values, dtype=np.float64)
