"""Coverage of the 95% interval of method="auto" in estimate_rare_event (issue 13).

Per problem of ``_reliability_problems`` (standard normal space, failure when
``g(u) <= 0``), over seeds ``first .. first + K - 1``: mean estimate /
reference, relative RMSE, mean reported relative error, coverage of the 95%
interval, the share flagged (``reliable`` False), the seeds off by more than a
factor 2 that carry no flag, mean evaluations, and which method returned.
The default set is the multi-modal problems of issue 13 and three unimodal ones.

Run: ``OMP_NUM_THREADS=1 python benchmarks/bench_auto_coverage.py [--quick]
[--seeds K] [--first S] [--problems four-branch,RP14,...]``.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _reliability_problems as R
from _timing import machine_line, print_table

import cemethod as ce
from cemethod.families import Gaussian

DEFAULT = ("four-branch", "RP14", "RP28", "RP110", "RP22", "RP38", "RP54")


def run(problem, seed):
    family = Gaussian(np.zeros(problem.d), np.ones(problem.d))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = ce.estimate_rare_event(problem, 0.0, family, direction="less", rng=seed)
    return res


def row(problem, results):
    ref = problem.reference
    est = np.array([r.estimate for r in results]) / ref
    low = np.array([r.confidence_interval.low for r in results])
    high = np.array([r.confidence_interval.high for r in results])
    inside = (low <= ref) & (ref <= high)
    flagged = np.array([not r.reliable for r in results])
    with np.errstate(divide="ignore"):
        off = ~(np.maximum(est, 1 / est) <= 2)
    ran = sorted({r.method for r in results})
    return (
        problem.name, problem.d, f"{ref:.3e}", len(results),
        f"{est.mean():.3f}", f"{np.sqrt(np.mean((est - 1) ** 2)):.3f}",
        f"{np.nanmean([r.relative_error for r in results]):.3f}",
        f"{inside.mean():.2f}", f"{flagged.mean():.2f}",
        int(np.sum(off & ~inside & ~flagged)),
        int(np.mean([r.n_evaluations for r in results])), "/".join(ran),
    )  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--problems", default=",".join(DEFAULT))
    parser.add_argument("--quick", action="store_true", help="2 problems, 3 seeds")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.problems = 3, "RP22,four-branch"
    chosen = args.problems.split(",")
    problems = [p for p in R.problems() if p.name in chosen]
    seeds = range(args.first, args.first + args.seeds)
    rows = []
    for problem in problems:
        rows.append(row(problem, [run(problem, s) for s in seeds]))
        print("  " + " | ".join(str(c) for c in rows[-1]), file=sys.stderr, flush=True)
    header = (
        "problem", "d", "reference", "seeds", "mean/ref", "rRMSE", "reported",
        "coverage", "flagged", "wrong>2x unflagged", "evaluations", "ran",
    )  # fmt: skip
    print_table(header, rows)
    print(f"\nseeds {args.first}..{args.first + args.seeds - 1}; {machine_line()}")


if __name__ == "__main__":
    main()
