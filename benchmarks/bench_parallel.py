"""Speed-up of parallel evaluation over serial: the built-in process pool
(``workers=k``), a dask LocalCluster of ``k`` worker processes
(``workers=client.get_executor()``) and a Ray pool of ``k`` actors on a local
Ray instance (``workers=ray.util.multiprocessing.Pool(k)``), ``k`` = 1, 2 and
all cores, on evaluations of 1 ms and 10 ms per row, row by row and vectorized.

Each cell is the median wall time of one batch of ``N`` rows through
:class:`BatchEvaluator` (the call ``minimize`` makes per iteration), as the
ratio serial / parallel; the ideal is ``k``. An evaluation is ``time.sleep``
(default: it measures the orchestration, whatever else runs on the machine)
or, with ``--busy``, a busy loop (it needs ``k`` idle cores). "overhead" is
the time per batch of ``N`` rows with an objective that returns at once.

Usage: ``python benchmarks/bench_parallel.py [--quick] [--busy] [--rows N]``
(default 64 rows per batch).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from cemethod.optimize._evaluation import BatchEvaluator
from cemethod.optimize._pool import WorkerPool


class Eval:
    """Picklable objective: ``seconds`` per row (sleep or busy loop)."""

    def __init__(self, seconds: float, vectorized: bool, busy: bool):
        self.seconds, self.vectorized, self.busy = seconds, vectorized, busy

    def _wait(self, seconds: float) -> None:
        if not self.busy:
            time.sleep(seconds)
            return
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass

    def __call__(self, x):
        rows = x.shape[0] if self.vectorized else 1
        if self.seconds:
            self._wait(self.seconds * rows)
        return np.sum(x**2, axis=-1) if self.vectorized else float(x @ x)


def batch_seconds(fun, vectorized, workers, X, repeat: int) -> float:
    with BatchEvaluator(fun, vectorized=vectorized, workers=workers) as evaluate:
        evaluate(X)  # warm-up: start the processes, ship the objective
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            evaluate(X)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load: " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument("--busy", action="store_true", help="busy-loop evaluations")
    parser.add_argument("--rows", type=int, default=64, help="rows per batch")
    args = parser.parse_args(argv)
    n_rows, repeat = (8, 1) if args.quick else (args.rows, 5)
    durations = [0.001] if args.quick else [0.001, 0.010]
    all_cores = os.cpu_count() or 1
    cores = [1] if args.quick else sorted({1, 2, all_cores})
    X = np.random.default_rng(0).normal(size=(n_rows, 4))
    print(f"machine: {os.cpu_count()} cores; before: {uptime()}")
    print(f"batch of {n_rows} rows, median of {repeat}; evaluations: "
          f"{'busy loop' if args.busy else 'time.sleep'}\n")  # fmt: skip

    try:
        import distributed
    except ImportError:
        distributed = None
        print("(dask.distributed not installed: no dask columns)\n")
    try:
        import ray
        from ray.util.multiprocessing import Pool as RayPool
    except ImportError:
        ray = None
        print("(ray not installed: no ray columns)\n")
    backends = [(f"pool k={k}", "pool", k) for k in cores]
    if distributed is not None:
        backends += [(f"dask k={k}", "dask", k) for k in cores]
    if ray is not None:
        backends += [(f"ray k={k}", "ray", k) for k in cores]
        # one local instance (new, on free ports) with a CPU per core
        ray.init(
            address="local", num_cpus=all_cores, include_dashboard=False,
            log_to_driver=False, object_store_memory=100 * 1024**2,
        )  # fmt: skip

    rows, overhead = [], {}
    serial = {}
    for seconds in durations:
        for vectorized in (False, True):
            fun = Eval(seconds, vectorized, args.busy)
            t = batch_seconds(fun, vectorized, None, X, repeat)
            serial[seconds, vectorized] = t
    cells = {}
    for name, kind, k in backends:
        cluster = client = None
        if kind == "pool":
            # a WorkerPool, not the int: workers=1 would evaluate in this process
            workers = WorkerPool(k)
        elif kind == "dask":
            cluster = distributed.LocalCluster(
                n_workers=k, threads_per_worker=1, processes=True,
                dashboard_address=":0",
            )  # fmt: skip
            client = distributed.Client(cluster)
            workers = client.get_executor()
        else:
            workers = RayPool(k)
        try:
            for seconds in durations:
                for vectorized in (False, True):
                    fun = Eval(seconds, vectorized, args.busy)
                    t = batch_seconds(fun, vectorized, workers, X, repeat)
                    cells[name, seconds, vectorized] = t
            for vectorized in (False, True):
                fun = Eval(0.0, vectorized, args.busy)
                t = batch_seconds(fun, vectorized, workers, X, repeat)
                overhead[name, vectorized] = t
        finally:
            if isinstance(workers, WorkerPool):
                workers.shutdown()
            if client is not None:
                client.close()
                cluster.close()
            if kind == "ray":
                workers.terminate()
    if ray is not None:
        ray.shutdown()
    for seconds in durations:
        for vectorized in (False, True):
            base = serial[seconds, vectorized]
            row = [f"{seconds * 1e3:g} ms", "vectorized" if vectorized else "row-wise",
                   f"{base * 1e3:.0f} ms"]  # fmt: skip
            for name, _, _ in backends:
                t = cells[name, seconds, vectorized]
                row.append(f"{base / t:.2f}x ({t * 1e3:.0f} ms)")
            rows.append(row)
    for vectorized in (False, True):
        row = ["overhead", "vectorized" if vectorized else "row-wise", "-"]
        row += [f"{overhead[name, vectorized] * 1e3:.1f} ms" for name, _, _ in backends]
        rows.append(row)
    header = ["per row", "objective", "serial"] + [n for n, _, _ in backends]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nspeed-up = serial / parallel batch time (median); after: {uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
