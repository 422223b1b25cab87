"""Quality and cost of the cross-entropy method on TSPLIB instances (issue #5).

Usage: python benchmarks/bench_tsp.py [--quick] [--seeds K] [--instances a,b,...]

For each instance and seed: pure CE with ``TSP.default_options()`` (de Boer,
Kroese, Mannor & Rubinstein 2005, Section 4; their Table 4.x reports 0-7.7 %
error with N = 5 n^2, rho = 0.01, alpha = 0.7), then the local-search polish of
the CE outcome (``TSP.polish_result``). Prints a Markdown table: optimum
(TSPLIB's published value), best and mean length over the seeds, mean relative
error, mean evaluations and mean CPU seconds per run, for pure CE and with the
polish. CPU time (``time.process_time``) is reported because the machine may be
shared; wall time is in the last column. ``--quick`` runs two small instances
with two seeds (the test suite uses it so the script cannot rot).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from _timing import machine_line, print_table  # noqa: E402

import cemethod as ce  # noqa: E402
from cemethod.problems import TSP  # noqa: E402

FOLDERS = [ROOT / "cemethod" / "data" / "tsplib", ROOT / "tests" / "data" / "tsplib"]
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


def _find(name):
    for folder in FOLDERS:
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(name)


def _run(problem, seed):
    t_cpu, t_wall = time.process_time(), time.perf_counter()
    res = ce.minimize(
        problem,
        problem.default_family(),
        vectorized=True,
        rng=seed,
        **problem.default_options(),
    )
    ce_cpu = time.process_time() - t_cpu
    t_cpu = time.process_time()
    _, length = problem.polish_result(res, rng=seed)
    polish_cpu = time.process_time() - t_cpu
    wall = time.perf_counter() - t_wall
    return res.fun, res.nfev, ce_cpu, length, polish_cpu, wall


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--instances", default=None)
    args = parser.parse_args(argv)
    if args.instances:
        names = args.instances.split(",")
    else:
        names = QUICK if args.quick else SMALL + MEDIUM + LARGE
    seeds = range(args.seeds or (2 if args.quick else 10))
    TSP.from_tsplib(_find("burma14.tsp")).solve(rng=0, maxiter=2)  # numba warm-up

    header = [
        "instance",
        "n",
        "optimum",
        "CE best",
        "CE mean",
        "CE error",
        "evaluations",
        "CE CPU s",
        "+polish best",
        "+polish mean",
        "+polish error",
        "polish CPU s",
        "wall s",
    ]
    rows = []
    for name in names:
        problem = TSP.from_tsplib(_find(name))
        runs = np.array([_run(problem, s) for s in seeds], dtype=float)
        fun, nfev, ce_cpu, pol, pol_cpu, wall = runs.T
        opt = problem.optimum
        rows.append(
            [
                problem.name,
                problem.n,
                opt,
                int(fun.min()),
                f"{fun.mean():.1f}",
                f"{100 * (fun.mean() / opt - 1):.2f} %",
                f"{nfev.mean():.0f}",
                f"{ce_cpu.mean():.2f} (max {ce_cpu.max():.2f})",
                int(pol.min()),
                f"{pol.mean():.1f}",
                f"{100 * (pol.mean() / opt - 1):.2f} %",
                f"{pol_cpu.mean():.2f}",
                f"{wall.mean():.2f}",
            ]
        )
        print(f"done {name}", file=sys.stderr, flush=True)
    print(f"TSPLIB, {len(seeds)} seeds per instance; {machine_line()}")
    print(
        f"default_options of a 70-city TSP: {TSP(np.ones((70, 70))).default_options()}"
    )
    print()
    print_table(header, rows)


if __name__ == "__main__":
    main()
