"""Rare-event estimation: cross-entropy IS vs crude Monte Carlo vs OpenTURNS.

On each reference problem of ``cemethod.problems.rare_events``, at (about)
equal budgets of score evaluations, over many seeds: the relative RMSE of the
estimates against the exact probability, the mean *reported* relative error
(honest when close to the empirical one), the evaluations and the time per
run; the rows with a target are those of issue 4 (bridge at 45,000
evaluations; sum of 100 exponentials, one mean per coordinate, at 3,000
evaluations in under 50 ms), with their settings printed below the table.
OpenTURNS' ``StandardSpaceCrossEntropyImportanceSampling`` and
``PhysicalSpaceCrossEntropyImportanceSampling`` rows are skipped when openturns
is not importable. OpenTURNS sets its per-level sample size, not its total
budget: its sample size is the budget divided by the number of levels of a
pilot run. Run: ``python benchmarks/bench_rare_event.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import machine_line, print_table

import cemethod as ce
from cemethod.problems import (
    BridgeNetwork,
    LinearLimitState,
    SharedExponential,
    SumOfExponentials,
)

try:
    import openturns as ot
except ImportError:  # optional peer
    ot = None


# OpenTURNS' physical-space CE optimizes the auxiliary parameters numerically at
# every level, too slow beyond a few dimensions for a many-seed benchmark.
_MAX_PHYSICAL_DIMS = 10


def _timed(call):
    """``(call(), wall seconds, CPU seconds)``."""
    start, cpu = time.perf_counter(), time.process_time()
    out = call()
    return out, time.perf_counter() - start, time.process_time() - cpu


def _row(name, method, runs, exact):
    """The table cells of ``runs`` and, for the verdict, the unrounded
    ``(rRMSE, reported / rRMSE, median CPU ms)``."""
    est = np.array([r[0] for r in runs])
    rep = np.array([r[1] for r in runs], dtype=float)
    rrmse = float(np.sqrt(np.mean((est / exact - 1.0) ** 2)))
    mean_rep = float(np.nanmean(rep)) if np.isfinite(rep).any() else float("nan")
    ratio = mean_rep / rrmse if rrmse > 0 else float("nan")
    cpu_ms = 1e3 * statistics.median(r[4] for r in runs)
    cells = (
        name,
        method,
        len(runs),
        f"{np.mean([r[2] for r in runs]):.0f}",
        f"{rrmse:.4f}",
        f"{mean_rep:.4f}",
        f"{ratio:.2f}" if rrmse > 0 else "-",
        f"{1e3 * statistics.median(r[3] for r in runs):.1f}",
        f"{cpu_ms:.1f}",
    )
    return cells, (rrmse, ratio, cpu_ms)


def _ours(problem, family, options, seed):
    res, wall, cpu = _timed(
        lambda: ce.estimate_rare_event(
            problem,
            problem.gamma,
            family,
            direction=problem.direction,
            rng=seed,
            **options,
        )
    )
    return res.estimate, res.relative_error, res.n_evaluations, wall, cpu


def _crude(problem, budget, seed):
    res, wall, cpu = _timed(
        lambda: ce.crude_monte_carlo(
            problem, problem.gamma, problem.default_family(), n_samples=budget, rng=seed
        )
    )
    return res.estimate, res.relative_error, res.n_evaluations, wall, cpu


def _ot_event(problem):
    family = problem.default_family()
    if hasattr(family, "std"):
        marginals = [
            ot.Normal(m, s) for m, s in zip(family.mean, family.std, strict=True)
        ]
    else:
        marginals = [ot.Exponential(1.0 / m) for m in family.mean]
    counter = [0]

    def score(X):
        X = np.asarray(X)
        counter[0] += X.shape[0]
        return problem(X)[:, None]

    dim = len(marginals)
    func = ot.PythonFunction(dim, 1, func_sample=score)
    vector = ot.CompositeRandomVector(
        func, ot.RandomVector(ot.JointDistribution(marginals))
    )
    event = ot.ThresholdEvent(vector, ot.GreaterOrEqual(), problem.gamma)
    return event, marginals, counter


def _ot_algorithm(kind, problem, rho):
    event, marginals, counter = _ot_event(problem)
    if kind == "standard":
        return ot.StandardSpaceCrossEntropyImportanceSampling(event, rho), counter
    aux = ot.JointDistribution(marginals)
    params = list(aux.getParameter())
    if isinstance(marginals[0], ot.Normal):  # (mu, sigma) per marginal
        active = list(range(len(params)))
        low = [-10.0 if i % 2 == 0 else 0.05 for i in active]
        high = [10.0 if i % 2 == 0 else 5.0 for i in active]
    else:  # (lambda, gamma = location) per marginal: only the rates move
        active = list(range(0, len(params), 2))
        low, high = [1e-3] * len(active), [1e3] * len(active)
    init = [params[i] for i in active]
    alg = ot.PhysicalSpaceCrossEntropyImportanceSampling(
        event, aux, active, init, ot.Interval(low, high), rho
    )
    return alg, counter


def _openturns(kind, problem, budget, rho, seed, n_level):
    alg, counter = _ot_algorithm(kind, problem, rho)
    ot.RandomGenerator.SetSeed(seed)
    alg.setMaximumOuterSampling(1)
    alg.setBlockSize(n_level)
    _, wall, cpu = _timed(alg.run)
    res = alg.getResult()
    return (
        res.getProbabilityEstimate(),
        res.getCoefficientOfVariation(),
        counter[0],
        wall,
        cpu,
    )


def _ot_level_size(kind, problem, budget, rho):
    alg, _ = _ot_algorithm(kind, problem, rho)
    ot.RandomGenerator.SetSeed(12345)
    alg.setMaximumOuterSampling(1)
    alg.setBlockSize(max(100, budget // 4))
    alg.run()
    return max(100, budget // max(1, alg.getStepsNumber()))


# The targets of issue 4: (largest relative RMSE, largest median ms per run or
# None). A row meets its target when, in addition, the reported relative error
# is honest: within a factor 1.5 of the empirical one.
_BRIDGE_TARGET = (0.05, None)
_EXP100_TARGET = (0.13, 50.0)
_MAX_RATIO = 1.5


def _cases(quick):
    """(problem name, problem, family or None, budget, options, target, baselines)."""
    exp100 = SumOfExponentials(100, 140.0)
    bridge = BridgeNetwork()
    cases = [
        (
            "bridge",
            bridge,
            None,
            45_000,
            {"n_samples": 500, "n_final": 42_000, "smoothing": 0.7, "final_refits": 3},
            _BRIDGE_TARGET,
            True,
        ),
        (
            "sum of 100 exp",
            exp100,
            None,
            3000,
            {
                "method": "ice",
                "n_samples": 500,
                "n_final": 900,
                "final_refits": 2,
                "reuse_level_samples": True,
            },
            _EXP100_TARGET,
            True,
        ),
        (
            "sum of 100 exp",
            exp100,
            None,
            4470,
            {"n_samples": 500, "n_final": 1500, "smoothing": 0.3},
            None,
            False,
        ),
        (
            "sum of 100 exp",
            exp100,
            SharedExponential(1.0, 100),
            3000,
            {"n_samples": 300, "n_final": 2100},
            None,
            False,
        ),
        (
            "bridge",
            bridge,
            None,
            105_000,
            {"n_samples": 2000, "n_final": 93_000, "smoothing": 0.7},
            None,
            False,
        ),
        (
            "sum of 10 exp",
            SumOfExponentials(10, 40.0),
            None,
            10_000,
            {"n_samples": 1000, "n_final": 5000},
            None,
            True,
        ),
        (
            "linear d=2",
            LinearLimitState(2),
            None,
            5000,
            {"n_samples": 500, "n_final": 3500},
            None,
            True,
        ),
        (
            "linear d=100",
            LinearLimitState(100),
            None,
            10_000,
            {"n_samples": 2000, "n_final": 2000, "smoothing": 0.5},
            None,
            True,
        ),
    ]
    return cases[:2] if quick else cases


def _label(family, options):
    method = "iCE" if options.get("method") == "ice" else "CE"
    return f"cemethod {method} ({type(family).__name__})"


def _verdict(raw, target):
    """Whether ``raw = (rRMSE, ratio, median CPU ms)`` of a row meets ``target``."""
    if target is None:
        return "-"
    # The time target is checked on the median CPU time: the wall time of a
    # shared machine grows with its load.
    rrmse, ratio, ms = raw
    max_rrmse, max_ms = target
    ok = rrmse <= max_rrmse and 1 / _MAX_RATIO <= ratio <= _MAX_RATIO
    ok = ok and (max_ms is None or ms < max_ms)
    text = f"<= {max_rrmse}" + ("" if max_ms is None else f", < {max_ms:g} cpu ms")
    return f"{text}: {'met' if ok else 'MISSED'}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny run for the tests")
    args = parser.parse_args(argv)
    n_seeds = 4 if args.quick else 200
    n_ot_seeds = 2 if args.quick else 20
    warnings.simplefilter("ignore", RuntimeWarning)
    rows, skipped = [], []
    cases = _cases(args.quick)
    for name, problem, family, budget, options, target, baselines in cases:
        exact = problem.exact
        fam = family or problem.default_family()
        runs = [_ours(problem, fam, options, s) for s in range(n_seeds)]
        cells, raw = _row(name, _label(fam, options), runs, exact)
        rows.append((*cells, _verdict(raw, target)))
        if not baselines:
            continue
        crude = [_crude(problem, budget, s) for s in range(n_seeds)]
        rows.append((*_row(name, "crude MC", crude, exact)[0], "-"))
        if ot is None:
            continue
        for kind in ("standard", "physical"):
            if kind == "physical" and problem.n_dims > _MAX_PHYSICAL_DIMS:
                skipped.append(name)
                continue
            rho = 0.1
            n_level = _ot_level_size(kind, problem, budget, rho)
            runs = [
                _openturns(kind, problem, budget, rho, s + 1, n_level)
                for s in range(n_ot_seeds)
            ]
            cells, _ = _row(name, f"OpenTURNS {kind}-space CE", runs, exact)
            rows.append((*cells, "-"))
    print(
        f"Rare-event estimation, {n_seeds} seeds (OpenTURNS {n_ot_seeds}); "
        + machine_line()
    )
    if ot is None:
        print("openturns is not installed: its rows are skipped.")
    if skipped:
        print(
            "OpenTURNS physical-space CE skipped on "
            + ", ".join(skipped)
            + f" (more than {_MAX_PHYSICAL_DIMS} dimensions: its numerical "
            "optimization of the auxiliary parameters takes seconds per run)."
        )
    print(
        "rRMSE: empirical relative RMSE vs the exact value; reported: mean reported "
        "relative error; ratio = reported / rRMSE (1 is honest); ms / cpu ms: median "
        "wall / CPU time per run; target: issue 4 (also needs 1/"
        f"{_MAX_RATIO} <= ratio <= {_MAX_RATIO}; time on the CPU median)."
    )
    print_table(
        (
            "problem",
            "method",
            "seeds",
            "evaluations",
            "rRMSE",
            "reported",
            "ratio",
            "ms",
            "cpu ms",
            "target",
        ),
        rows,
    )
    print("cemethod settings (elite_fraction 0.1 everywhere; Exponential: one mean")
    print("per coordinate; SharedExponential: one mean shared by the 100 coordinates):")
    for name, problem, family, _, options, _, _ in cases:
        label = _label(family or problem.default_family(), options)
        opts = ", ".join(f"{k}={v}" for k, v in options.items())
        print(f"- {name}, {label}: {opts}")


if __name__ == "__main__":
    main()
