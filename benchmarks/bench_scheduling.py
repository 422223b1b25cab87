"""CE on the OR-Library 40-job weighted tardiness set (wt40), against the optima.

Usage: python benchmarks/bench_scheduling.py [--quick] [--every K] [--seed S]

For every instance: one CE run with the problem's default options (raw); the
same run finished by the interchange / insertion descent (``polish="final"``);
and a run whose samples each get adjacent pairwise interchange sweeps before the
CE update, finished by the same descent (``polish=True``).
The relative gap is ``(value - optimum) / optimum`` over the instances with a
positive optimum; instances with optimum 0 are counted as solved or not. All 125
instances are included; a value below the listed optimum would mean a mispaired
instance / optimum and is counted in the last line. The load average of the
machine before and after the run is printed (timings depend on it).
``--quick``: 3 instances (the test suite runs it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import machine_line, print_table

from cemethod.problems import load_wt40


def _summary(name, values, optima, times):
    gaps = [(v - o) / o for v, o in zip(values, optima, strict=True) if o > 0]
    zero = [v == 0 for v, o in zip(values, optima, strict=True) if o == 0]
    hits = sum(v == o for v, o in zip(values, optima, strict=True))
    return (
        name,
        len(values),
        f"{100 * statistics.fmean(gaps):.3f} %" if gaps else "-",
        f"{100 * statistics.median(gaps):.3f} %" if gaps else "-",
        f"{100 * max(gaps):.2f} %" if gaps else "-",
        f"{hits}/{len(values)}",
        f"{sum(zero)}/{len(zero)}",
        f"{statistics.fmean(times):.2f}",
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 instances only")
    parser.add_argument("--every", type=int, default=1, help="every K-th instance")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    problems = load_wt40()
    index = list(range(0, len(problems), args.every))
    if args.quick:
        index = [0, 1, 2]
    load_before = os.getloadavg()
    raw, fin, both, optima, t_raw, t_fin, t_both = ([] for _ in range(7))
    for k in index:
        prob = problems[k]
        t0 = time.perf_counter()
        res = prob.solve(rng=args.seed + k)
        t1 = time.perf_counter()
        _, fun, _ = prob.local_search(res.x)
        _, fun2, _ = prob.local_search(res.x_mode)
        t2 = time.perf_counter()
        res_both = prob.solve(rng=args.seed + k, polish=True)
        t3 = time.perf_counter()
        raw.append(res.fun)
        fin.append(min(fun, fun2))  # what solve(polish="final") returns
        both.append(res_both.fun)
        optima.append(prob.optimum)
        t_raw.append(t1 - t0)
        t_fin.append(t2 - t0)
        t_both.append(t3 - t2)
    load_after = os.getloadavg()
    print(f"wt40, {len(index)} instances, default options of WeightedTardiness")
    print(machine_line())
    print(
        f"{os.cpu_count()} CPUs; 1-min load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after the run"
    )
    print()
    print_table(
        (
            "method",
            "instances",
            "mean gap (opt > 0)",
            "median gap",
            "max gap",
            "optimum hit",
            "opt = 0 solved",
            "s / instance",
        ),
        [
            _summary("CE (raw)", raw, optima, t_raw),
            _summary('CE + final descent (polish="final")', fin, optima, t_fin),
            _summary(
                "CE + sample interchanges + descent (polish=True)", both, optima, t_both
            ),
        ],
    )
    below = [
        (k, v, o)
        for k, *vals, o in zip(index, raw, fin, both, optima, strict=True)
        for v in vals
        if v < o
    ]
    print()
    print(
        f"values below the listed optimum (a mispairing): {len(below)}"
        + "".join(f"; instance {k + 1}: {v:g} < {o:g}" for k, v, o in below)
    )


if __name__ == "__main__":
    main()
