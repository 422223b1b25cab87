"""Subset simulation on high-dimensional linear limit states (issue 13).

``P(sum(U) / sqrt(d) >= beta)`` for ``d`` standard normals, ``beta = 4.753``
(``l = 1e-6``), ``d = 300`` and ``1000``, ``estimate_rare_event(...,
method="subset", n_samples=2000)`` (``p0 = 0.1``) over many seeds: the mean
estimate over the exact value, the relative RMSE, the mean *reported*
coefficient of variation, the coverage of the 95% interval, the evaluations
and the CPU seconds per run. Run: ``python benchmarks/bench_subset.py
[--quick] [--seeds N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import machine_line, print_table

import cemethod as ce
from cemethod.problems import LinearLimitState


def row(d, beta, n, seeds):
    problem = LinearLimitState(d, beta)
    family = problem.default_family()
    ratio, cov, covered, evals, cpu = [], [], [], [], []
    for seed in range(seeds):
        start = time.process_time()
        res = ce.estimate_rare_event(
            problem, beta, family, method="subset", n_samples=n, rng=seed
        )
        cpu.append(time.process_time() - start)
        ratio.append(res.estimate / problem.exact)
        cov.append(res.relative_error)
        ci = res.confidence_interval
        covered.append(ci.low <= problem.exact <= ci.high)
        evals.append(res.n_evaluations)
    ratio = np.array(ratio)
    return (
        d,
        f"{problem.exact:.3g}",
        seeds,
        f"{ratio.mean():.3f}",
        f"{np.sqrt(np.mean((ratio - 1) ** 2)):.3f}",
        f"{np.mean(cov):.3f}",
        f"{np.mean(covered):.2f}",
        f"{np.mean(evals):,.0f}",
        f"{np.mean(cpu):.3f}",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 seeds, N = 500")
    parser.add_argument("--seeds", type=int, default=50)
    args = parser.parse_args()
    seeds, n = (3, 500) if args.quick else (args.seeds, 2000)
    rows = [row(d, 4.753, n, seeds) for d in (300, 1000)]
    print(machine_line())
    print(f"subset simulation, N = {n} per level, p0 = 0.1")
    print_table(
        (
            "d",
            "exact",
            "seeds",
            "mean/exact",
            "rRMSE",
            "mean reported CoV",
            "95% coverage",
            "evaluations",
            "CPU s/run",
        ),
        rows,
    )


if __name__ == "__main__":
    main()
