"""``eval_timeout``: one evaluation stopped when it runs too long.

In the main thread of a process (this one, or a worker process of
:class:`~cemethod.optimize._pool.WorkerPool`) an interval timer raises
:class:`EvaluationTimeout` inside the objective after ``eval_timeout``
seconds (``signal.setitimer``, Unix), which the evaluation treats as any
failure of the objective: the worst value under ``on_error="worst"``, else the
error. Code that does not return to the interpreter (a compiled loop) is not
interrupted by it; a worker process stuck there is killed by the pool instead.
"""

from __future__ import annotations

import contextlib
import signal
import threading

__all__ = ["EvaluationTimeout", "alarm", "can_alarm"]


class EvaluationTimeout(Exception):
    """An evaluation ran longer than ``eval_timeout`` seconds."""


def can_alarm() -> bool:
    """Whether :func:`alarm` can interrupt an evaluation here."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )


@contextlib.contextmanager
def alarm(seconds):
    """Raise :class:`EvaluationTimeout` in the block after ``seconds`` (None:
    no limit; no-op where :func:`can_alarm` is False)."""
    if seconds is None or not can_alarm():
        yield
        return

    def ring(signum, frame):
        raise EvaluationTimeout(
            f"An evaluation of the objective ran longer than eval_timeout = "
            f"{seconds:g} s and was stopped. Pass on_error='worst' to give such "
            "candidates the worst value and continue."
        )

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
