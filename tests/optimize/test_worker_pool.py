"""Workers that die: a batch survives a worker process that ends (it is
resubmitted on a fresh pool), a row that always kills its worker is a failure
with on_error='worst' or a named error, and workers exit with their parent."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import Gaussian
from cemethod.optimize._evaluation import BatchEvaluator
from cemethod.optimize._pool import MAX_RESUBMITS, WorkerDied, WorkerPool

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="process ids and /proc: Linux"
)


def sphere(x):
    return float(np.sum(np.asarray(x) ** 2))


class DieOnce:
    """Ends its process at the first call that finds no marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __call__(self, x):
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            return sphere(x)
        os.close(fd)
        os._exit(3)


def die_when_large(x):
    if x[0] > 1.5:
        os._exit(3)
    return sphere(x)


def test_a_worker_that_dies_once_changes_nothing(tmp_path):
    kw = dict(rng=4, n_samples=40, maxiter=4)
    ref = ce.minimize(sphere, Gaussian([1.0, 1.0], [2.0, 2.0]), **kw)
    res = ce.minimize(
        DieOnce(tmp_path / "died"), Gaussian([1.0, 1.0], [2.0, 2.0]), workers=2, **kw
    )
    assert (tmp_path / "died").exists()  # a worker did die
    assert res.n_failures == 0
    np.testing.assert_array_equal(res.x, ref.x)
    assert (res.fun, res.nfev, res.nit) == (ref.fun, ref.nfev, ref.nit)


def test_rows_that_always_kill_their_worker_count_as_failures():
    X = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 1.0], [3.0, 3.0], [0.5, 0.5]])
    pool = WorkerPool(2)
    evaluate = BatchEvaluator(die_when_large, workers=pool, on_error="worst")
    try:
        values, n_failures = evaluate(X)
    finally:
        pool.shutdown()
    by_hand = [1.0, np.inf, 2.0, np.inf, 0.5]
    assert values.tolist() == by_hand and n_failures == 2
    assert pool.restarts >= MAX_RESUBMITS + 1


def test_without_on_error_the_dying_row_is_named():
    rows = np.array([[0.0, 1.0], [2.0, 0.0]])
    named = r"\[2\. 0\.\].*on_error='worst'"
    with (
        BatchEvaluator(die_when_large, workers=2) as evaluate,
        pytest.raises(WorkerDied, match=named),
    ):
        evaluate(rows)


CHILD = textwrap.dedent(
    """
    import os, sys, time
    import numpy as np
    import cemethod as ce
    from cemethod.families import Gaussian

    def slow(x):
        time.sleep(60)
        return 0.0

    if __name__ == "__main__":
        print(os.getpid(), flush=True)
        ce.minimize(slow, Gaussian([0.0], [1.0]), workers=2, n_samples=4, rng=0)
    """
)


def _children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def test_workers_exit_when_the_parent_is_killed(tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    try:
        pid = int(proc.stdout.readline())
        deadline = time.monotonic() + 60
        workers = []
        while time.monotonic() < deadline and len(workers) < 2:
            workers = [c for c in _children(pid) if _alive(c)]
            time.sleep(0.1)
        assert len(workers) >= 2, "the pool's workers did not start"
        os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers)
    finally:
        if proc.poll() is None:
            proc.kill()
