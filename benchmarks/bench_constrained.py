"""Constrained continuous problems with the optimum on the boundary (issue 20, item 4).

Every problem has its optimum ``f*`` on a constraint boundary, known in closed
form (no solver under test supplies the reference):

- ``quad-halfspace``: ``|x - c|^2`` on ``sum(x) <= 1``, ``c = linspace(0.5, 1.5, d)``;
  the optimum is the projection of ``c`` on the half-space,
  ``f* = (sum(c) - 1)^2 / d``.
- ``quad-simplex``: the same objective on ``x >= 0, sum(x) <= 1``, ``c = 2 *
  linspace(0.5, 1.5, d)``; the optimum is the Euclidean projection of ``c`` on
  the simplex (the sort-based formula of Held, Wolfe & Crowder 1974, Duchi et
  al. 2008).
- ``rosen-halfspace``: ``rosen(x) + 10 * (sum(x) - d)`` on ``sum(x) >= d``; on the
  half-space the linear term is >= 0 and ``rosen >= 0``, so ``x* = 1``,
  ``f* = 0`` (the constraint is active with multiplier 10).
- ``linear-simplex``: ``c @ x`` on ``x >= 0, sum(x) <= 1``, ``c = linspace(-1, 1,
  d)``; the optimum is the vertex ``e_1``, ``f* = -1``.

Methods, from the same distant start ``x0 = 10 + N(0, 1)`` per seed: plain CE
(``polish=False``, ``Gaussian(x0, 10)``), CE with its default polish
(``polish='auto'``: SLSQP from the CE point), and scipy's SLSQP and
trust-constr from ``x0``. Reported: the gap ``(f - f*) / max(|f*|, 1)`` (median
and worst over the seeds; negative only for an infeasible point), how many seeds
are within 0.1% with a violation <= 1e-9, the largest
constraint violation of the returned points (the CE ranking's measure: summed
distance of every row to its bounds, 0 = feasible), the median number of
evaluations and CPU seconds.

Run: ``python benchmarks/bench_constrained.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, minimize, rosen

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _timing import machine_line, print_table

import cemethod as ce
from cemethod.families import Gaussian
from cemethod.optimize._constraints import as_constraints


def _simplex_projection(c):
    """Euclidean projection of ``c`` on ``{x >= 0, sum(x) <= 1}`` (closed form)."""
    p = np.maximum(c, 0.0)
    if p.sum() <= 1.0:
        return p
    u = np.sort(c)[::-1]
    cum = np.cumsum(u) - 1.0
    k = np.nonzero(u - cum / np.arange(1, c.size + 1) > 0)[0][-1]
    return np.maximum(c - cum[k] / (k + 1), 0.0)


def problems(d):
    """(name, vectorized f, constraints, f*) for dimension ``d``."""
    ones = np.ones((1, d))
    c = np.linspace(0.5, 1.5, d)
    c2 = 2.0 * c
    x_simplex = _simplex_projection(c2)
    lin = np.linspace(-1.0, 1.0, d)
    simplex = [Bounds(0.0, np.inf), LinearConstraint(ones, -np.inf, 1.0)]
    return [
        (
            "quad-halfspace",
            lambda X: np.sum((X - c) ** 2, axis=1),
            [LinearConstraint(ones, -np.inf, 1.0)],
            (c.sum() - 1.0) ** 2 / d,
        ),
        (
            "quad-simplex",
            lambda X: np.sum((X - c2) ** 2, axis=1),
            simplex,
            float(np.sum((x_simplex - c2) ** 2)),
        ),
        (
            "rosen-halfspace",
            lambda X: rosen(X.T) + 10.0 * (X.sum(axis=1) - d),
            [LinearConstraint(ones, d, np.inf)],
            0.0,
        ),
        ("linear-simplex", lambda X: X @ lin, simplex, -1.0),
    ]


def run_ce(f, cons, x0, seed, polish):
    res = ce.minimize(
        f,
        Gaussian(x0, np.full(x0.size, 10.0)),
        vectorized=True,
        constraints=cons,
        polish=polish,
        rng=seed,
    )
    return res.x, res.nfev


def run_scipy(f, cons, x0, method):
    count = [0]

    def g(x):
        count[0] += 1
        return float(f(x[None, :])[0])

    kwargs = {"constraints": [c for c in cons if not isinstance(c, Bounds)]}
    box = [c for c in cons if isinstance(c, Bounds)]
    if box:
        kwargs["bounds"] = box[0]
    options = {"maxiter": 1000}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = minimize(g, x0, method=method, options=options, **kwargs)
    return res.x, count[0]


METHODS = {
    "CE (polish=False)": lambda f, c, x0, s: run_ce(f, c, x0, s, False),
    "CE + polish (default)": lambda f, c, x0, s: run_ce(f, c, x0, s, "auto"),
    "SLSQP": lambda f, c, x0, s: run_scipy(f, c, x0, "SLSQP"),
    "trust-constr": lambda f, c, x0, s: run_scipy(f, c, x0, "trust-constr"),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="d = 2, 2 seeds")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--dims", type=int, nargs="+", default=[2, 10, 30])
    args = parser.parse_args(argv)
    dims, seeds = ([2], 2) if args.quick else (args.dims, args.seeds)
    print(machine_line())
    rows = []
    for d in dims:
        for name, f, cons, fstar in problems(d):
            violation = as_constraints(cons, Gaussian(np.zeros(d), 1.0), "bench")
            for method, run in METHODS.items():
                gaps, viol, nfev, cpu = [], [], [], []
                for seed in range(seeds):
                    x0 = 10.0 + np.random.default_rng(seed).normal(size=d)
                    t = time.process_time()
                    x, n = run(f, cons, x0, seed)
                    cpu.append(time.process_time() - t)
                    gaps.append((f(x[None, :])[0] - fstar) / max(abs(fstar), 1.0))
                    viol.append(violation(x[None, :])[0])
                    nfev.append(n)
                hits = sum(
                    g <= 1e-3 and v <= 1e-9 for g, v in zip(gaps, viol, strict=True)
                )
                rows.append(
                    (
                        name,
                        d,
                        method,
                        f"{statistics.median(gaps):.2e}",
                        f"{max(gaps):.2e}",
                        f"{hits}/{seeds}",
                        f"{max(viol):.1e}",
                        f"{statistics.median(nfev):.0f}",
                        f"{statistics.median(cpu):.3f}",
                    )
                )
    print_table(
        (
            "problem",
            "d",
            "method",
            "gap median",
            "gap worst",
            "within 0.1%",
            "max violation",
            "nfev",
            "CPU s",
        ),
        rows,
    )


if __name__ == "__main__":
    main()
