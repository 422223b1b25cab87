"""``eval_timeout``: one evaluation stopped, or given up on, when it runs too long.

In the main thread of a process (this one, a worker process of
:class:`~cemethod.optimize._pool.WorkerPool` or of a user's
``ProcessPoolExecutor``) an interval timer raises :class:`EvaluationTimeout`
inside the objective after ``eval_timeout`` seconds (``signal.setitimer``,
Unix). Elsewhere (a thread of a ``ThreadPoolExecutor``, a dask worker's
thread, a run started from a thread other than the main one) a thread cannot
be interrupted, so the call is made by a helper thread and the caller stops
waiting for it after ``eval_timeout``: the stuck call keeps running in the
background until it returns (its result is dropped), and the executor's
thread goes on with the next row. Either way the evaluation treats it as any
failure of the objective: the worst value under ``on_error="worst"``, else
the error. Code that does not return to the interpreter (a compiled loop
holding the GIL) is reached by neither: a worker process stuck there is
killed by the pool, and a user's executor is given up on per batch
(:func:`batch_budget`).
"""

from __future__ import annotations

import contextlib
import contextvars
import queue
import signal
import threading
import weakref

__all__ = ["EvaluationTimeout", "alarm", "batch_budget", "call", "can_alarm"]


class EvaluationTimeout(TimeoutError):
    """An evaluation ran longer than ``eval_timeout`` seconds."""


def can_alarm() -> bool:
    """Whether :func:`alarm` can interrupt an evaluation here."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )


def _message(seconds, what="was stopped") -> str:
    return (
        f"An evaluation of the objective ran longer than eval_timeout = "
        f"{seconds:g} s and {what}. Pass on_error='worst' to give such "
        "candidates the worst value and continue."
    )


@contextlib.contextmanager
def alarm(seconds):
    """Raise :class:`EvaluationTimeout` in the block after ``seconds`` (None:
    no limit; no-op where :func:`can_alarm` is False)."""
    if seconds is None or not can_alarm():
        yield
        return

    def ring(signum, frame):
        raise EvaluationTimeout(_message(seconds))

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _serve(jobs: queue.SimpleQueue, done: queue.SimpleQueue) -> None:
    # Not a method: the thread must not keep its _Runner alive (the runner's
    # finalizer is what ends the thread).
    while (job := jobs.get()) is not None:
        context, fun, args, kwargs = job
        try:
            out = (True, context.run(fun, *args, **kwargs))
        except BaseException as exc:  # re-raised in the caller
            out = (False, exc)
        done.put(out)
        del job, out, context


class _Runner:
    """A daemon thread that makes the calls of one caller thread, so that the
    caller can stop waiting. One per caller thread and reused (a queue round
    trip costs ~20 us, a new thread per call ~150 us); ended when the caller
    thread ends, or after its current call once given up on."""

    def __init__(self):
        self.jobs, self.done = queue.SimpleQueue(), queue.SimpleQueue()
        threading.Thread(
            target=_serve, args=(self.jobs, self.done), daemon=True,
            name="cemethod-evaluation",
        ).start()  # fmt: skip
        weakref.finalize(self, self.jobs.put, None)

    def call(self, seconds, fun, args, kwargs):
        # contextvars follow the call (dask's get_worker() is one)
        self.jobs.put((contextvars.copy_context(), fun, args, kwargs))
        try:
            ok, out = self.done.get(timeout=seconds)
        except queue.Empty:
            self.jobs.put(None)  # the thread ends once the stuck call returns
            raise EvaluationTimeout(
                _message(seconds, "was given up on (it cannot be stopped in a "
                         "thread: it runs on in the background until it returns)")
            ) from None  # fmt: skip
        if ok:
            return out
        raise out


_local = threading.local()


def call(seconds, fun, /, *args, **kwargs):
    """``fun(*args, **kwargs)``, raising :class:`EvaluationTimeout` after
    ``seconds`` (None: no limit): by :func:`alarm` where it can interrupt,
    else by a helper thread given up on (see the module docstring)."""
    if seconds is None:
        return fun(*args, **kwargs)
    if can_alarm():
        with alarm(seconds):
            return fun(*args, **kwargs)
    runner = getattr(_local, "runner", None)
    if runner is None:
        runner = _local.runner = _Runner()
    try:
        return runner.call(seconds, fun, args, kwargs)
    except EvaluationTimeout:
        _local.runner = None  # its thread is busy with the stuck call
        raise


def batch_budget(seconds, calls, size: int, grace: float) -> float:
    """Seconds a batch of chunks may take on ``size`` workers when each call
    of the objective takes at most ``seconds``: ``calls`` holds the calls per
    chunk, shared by the workers, the longest chunk last, plus ``grace``."""
    return seconds * (sum(calls) / max(1, size) + max(calls)) + grace
