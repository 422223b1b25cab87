"""Quality and cost of the cross-entropy method on TSPLIB instances (issue #5).

Usage: python benchmarks/bench_tsp.py [--quick] [--seeds K] [--instances a,b,...]
       [--jobs J]

For each instance and seed: pure CE with ``TSP.default_family()`` and
``TSP.default_options()`` (de Boer, Kroese, Mannor & Rubinstein 2005, Section 4,
with a distance-informed initial transition matrix; no local search; what
``TSP.solve(polish=False)`` runs), then, as a separate run,
``TSP.solve(polish=True)``: the 5 best tours of every CE iteration replaced by
their 2-opt / Or-opt local optima, and the outcome polished. Prints a Markdown
table: optimum (TSPLIB's published value), best and mean length over the
seeds, mean relative error and mean evaluations of pure CE, its mean and largest
CPU seconds per run, the same for the run with the polish, and whether the
issue's targets are met:

* pure CE, n <= 52: mean error <= 2 %; ftv55, ftv64, ftv70, st70: <= 3 %; every
  run <= 10 s;
* CE + polish, kroA100: mean error <= 2 %, every run (CE and polish) < 60 s.

Times are CPU seconds of the run (``time.process_time``, single-threaded code),
because the machine may be shared; the largest wall time of a run is in the last
column. ``--jobs`` runs instances in parallel processes (CPU times unchanged,
wall times longer). ``--quick`` runs two small instances with two seeds (the
test suite uses it so the script cannot rot). ``--solve-only``: only
``TSP.solve()`` with its defaults on the same instances.

``--scale`` (issue 15): ``TSP.solve()`` with its defaults on TSPLIB instances of
52 to 1,002 cities (``--quick``: berlin52, kroA100), side by side with LKH-3
(elkai, ``runs=10``) and OR-Tools' routing solver (guided local search, time
limit = our mean CPU time; its limit is wall time, so on a loaded machine it
gets less CPU); each peer is skipped when not importable. Prints the gap to the
published optimum, CPU seconds and the least-squares exponent of CPU vs n.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from _timing import machine_line, print_table  # noqa: E402
from _tsp_peers import (  # noqa: E402
    SCALE,
    SCALE_HEADER,
    SCALE_QUICK,
    SHARED,
    exponent,
    scale_row,
)

from cemethod.problems import TSP  # noqa: E402

FOLDERS = [
    ROOT / "cemethod" / "data" / "tsplib",
    ROOT / "tests" / "problems" / "tsp" / "data" / "tsplib",
    SHARED,
]
SMALL = [  # n <= 52: target mean error <= 2 % for pure CE
    "burma14.tsp",
    "ulysses16.tsp",
    "gr17.tsp",
    "br17.atsp",
    "ulysses22.tsp",
    "gr24.tsp",
    "fri26.tsp",
    "bayg29.tsp",
    "bays29.tsp",
    "ftv33.atsp",
    "ftv35.atsp",
    "ftv38.atsp",
    "dantzig42.tsp",
    "p43.atsp",
    "ftv44.atsp",
    "att48.tsp",
    "gr48.tsp",
    "ry48p.atsp",
    "eil51.tsp",
    "berlin52.tsp",
]
MEDIUM = ["ftv55.atsp", "ftv64.atsp", "ftv70.atsp", "st70.tsp"]  # target <= 3 %
LARGE = ["kroA100.tsp"]  # with polish: target <= 2 % in under a minute
QUICK = ["burma14.tsp", "br17.atsp"]
TIME_LIMIT_CE, TIME_LIMIT_POLISH = 10.0, 60.0  # seconds per run


def _find(name):
    for folder in FOLDERS:
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(name)


def _targets(name, n):
    """(pure-CE error target, polish error target) in percent, or None."""
    if name in LARGE:
        return None, 2.0
    if name in MEDIUM:
        return 3.0, None
    return (2.0 if n <= 52 else None), None


def _run(problem, seed):
    t_cpu, t_wall = time.process_time(), time.perf_counter()
    res = problem.solve(rng=seed, polish=False).result  # pure CE
    ce_cpu = time.process_time() - t_cpu
    t_cpu = time.process_time()
    length = problem.solve(rng=seed, polish=True).length
    polish_cpu = time.process_time() - t_cpu
    wall = time.perf_counter() - t_wall
    return res.fun, res.nfev, ce_cpu, length, polish_cpu, wall


def _verdict(error, target, seconds, limit):
    if target is None:
        return "-"
    return "target met" if error <= target and seconds <= limit else "missed"


def _row(name, seeds):
    problem = TSP.from_tsplib(_find(name))
    problem.solve(rng=0, maxiter=1, polish=False)  # numba warm-up in this process
    runs = np.array([_run(problem, s) for s in seeds], dtype=float)
    fun, nfev, ce_cpu, pol, pol_cpu, wall = runs.T
    opt = problem.optimum
    ce_err, pol_err = 100 * (fun.mean() / opt - 1), 100 * (pol.mean() / opt - 1)
    ce_target, pol_target = _targets(name, problem.n)
    return [
        problem.name,
        problem.n,
        opt,
        int(fun.min()),
        f"{fun.mean():.1f}",
        f"{ce_err:.2f} %",
        _verdict(ce_err, ce_target, ce_cpu.max(), TIME_LIMIT_CE),
        f"{nfev.mean():.0f}",
        f"{ce_cpu.mean():.2f} (max {ce_cpu.max():.2f})",
        int(pol.min()),
        f"{pol.mean():.1f}",
        f"{pol_err:.2f} %",
        _verdict(pol_err, pol_target, (ce_cpu + pol_cpu).max(), TIME_LIMIT_POLISH),
        f"{pol_cpu.mean():.2f} (max {pol_cpu.max():.2f})",  # the whole run
        f"{wall.max():.1f}",
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--instances", default=None)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--scale", action="store_true")
    parser.add_argument("--solve-only", action="store_true")
    args = parser.parse_args(argv)
    if args.scale:
        return _scale(args)
    if args.solve_only:
        return _solve_only(args)
    if args.instances:
        names = args.instances.split(",")
    else:
        names = QUICK if args.quick else SMALL + MEDIUM + LARGE
    seeds = range(args.seeds or (2 if args.quick else 10))
    header = [
        "instance",
        "n",
        "optimum",
        "CE best",
        "CE mean",
        "CE error",
        "CE target",
        "evaluations",
        "CE CPU s",
        "+polish best",
        "+polish mean",
        "+polish error",
        "+polish target",
        "+polish CPU s",
        "max wall s",
    ]
    t0 = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(_row, name, seeds) for name in names]
            rows = []
            for name, future in zip(names, futures, strict=True):
                rows.append(future.result())
                print(f"done {name}", file=sys.stderr, flush=True)
    else:
        rows = []
        for name in names:
            rows.append(_row(name, seeds))
            print(f"done {name}", file=sys.stderr, flush=True)
    total = time.perf_counter() - t0
    print(f"TSPLIB, {len(seeds)} seeds per instance; {machine_line()}")
    print(
        f"default_options of a 70-city TSP: {TSP(np.ones((70, 70))).default_options()}"
    )
    print(f"benchmark wall time: {total:.0f} s with {args.jobs} job(s)")
    print()
    print_table(header, rows)


def _solve_only(args):
    """Only ``TSP.solve()`` (defaults) on the instances of the main table."""
    names = args.instances.split(",") if args.instances else None
    names = names or (QUICK if args.quick else SMALL + MEDIUM + LARGE)
    seeds = range(args.seeds or (2 if args.quick else 10))
    rows = []
    for name in names:
        problem = TSP.from_tsplib(_find(name))
        problem.solve(rng=0, maxiter=1)  # numba warm-up
        out = []
        for seed in seeds:
            t0 = time.process_time()
            length = problem.solve(rng=seed).length
            out.append((length, time.process_time() - t0))
        lengths, cpu = np.array(out, dtype=float).T
        rows.append(
            [
                problem.name,
                problem.n,
                problem.optimum,
                int(lengths.min()),
                f"{lengths.mean():.1f}",
                f"{100 * (lengths.mean() / problem.optimum - 1):.2f} %",
                f"{cpu.mean():.2f} (max {cpu.max():.2f})",
            ]
        )
        print(f"done {name}", file=sys.stderr, flush=True)
    print(f"TSPLIB, TSP.solve() defaults, {len(seeds)} seeds; {machine_line()}")
    print()
    header = ["instance", "n", "optimum", "best", "mean", "error", "CPU s"]
    print_table(header, rows)


def _scale(args):
    names = args.instances.split(",") if args.instances else None
    names = names or (SCALE_QUICK if args.quick else SCALE)
    seeds = range(args.seeds or (1 if args.quick else 3))
    TSP.from_tsplib(_find("burma14.tsp")).solve(rng=0, maxiter=1)  # numba warm-up
    rows, ns, cpus = [], [], []
    for name in names:
        row, n, cpu = scale_row(_find(name), seeds)
        rows.append(row)
        ns.append(n)
        cpus.append(cpu)
        print(f"done {name}", file=sys.stderr, flush=True)
    print(f"TSPLIB, TSP.solve() defaults, {len(seeds)} seed(s); {machine_line()}")
    print("elkai: runs=10; OR-Tools: GUIDED_LOCAL_SEARCH, time limit = our CPU")
    if len(ns) > 1:
        print(f"fitted exponent of solve() CPU vs n: {exponent(ns, cpus):.2f}")
    print()
    print_table(SCALE_HEADER, rows)


if __name__ == "__main__":
    main()
