"""The CE optimizer side by side with its peers on the continuous test functions.

Same problems, same evaluation budget, same seeds for every method:

- ours: ``cemethod.minimize`` with the problem's default family and options
  (AMaLGaM's adaptive update and IPOP restarts, the defaults since issue 16),
  and the plain CE update (``update="ce"``, the default before) for comparison;
- pycma, with and without IPOP restarts (``cma.fmin2(restarts=9,
  incpopsize=2)``), nevergrad (TwoPointsDE) and
  ``scipy.optimize.differential_evolution``.

Every method gets ``target = optimum + 1e-6`` where it accepts one, so a run
stops when it succeeds. Reported per problem and method: success rate to
``optimum + 1e-6``, median evaluations to success (over the successful seeds),
median best gap and median wall time. A second table measures the framework
overhead of one CE iteration (everything outside the objective besides
sampling), and a third the cost outside the objective per evaluated point of
our ask/tell loop and pycma's, at each one's default population.

Run: ``python benchmarks/bench_optimizer.py`` (``--quick`` for a smoke run,
``--seeds N`` to change the number of seeds, default 10; ``--only NAME`` and
``--methods A,B`` to run part of the table).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np
from scipy.optimize import differential_evolution

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _timing import machine_line, median_seconds, print_table

import cemethod as ce
from cemethod.families import Gaussian
from cemethod.problems import (
    Ackley,
    Ellipsoid,
    Rastrigin,
    Rosenbrock,
    Schwefel,
    Shekel,
    Sphere,
    StyblinskiTang,
)

TOL = 1e-6


class Counted:
    """Wraps a problem: counts evaluations, remembers when the target was hit.

    Accepts one point ``(d,)``, a batch ``(n, d)``, or scipy's vectorized
    layout ``(d, n)`` (``transposed=True``).
    """

    def __init__(self, problem, transposed=False):
        self.problem, self.transposed = problem, transposed
        self.target = problem.optimum + TOL
        self.nfev, self.hit, self.best = 0, None, np.inf

    def __call__(self, X):
        X = np.asarray(X, dtype=float)
        single = X.ndim == 1
        batch = X[None, :] if single else (X.T if self.transposed else X)
        values = self.problem(batch)
        k = int(np.argmax(values <= self.target)) if self.hit is None else -1
        if self.hit is None and values[k] <= self.target:
            self.hit = self.nfev + k + 1
        self.nfev += len(values)
        self.best = min(self.best, float(values.min()))
        return float(values[0]) if single else values


def run_ours(problem, budget, seed, **extra):
    f = Counted(problem)
    options = {**problem.default_options(), "max_evaluations": budget, **extra}
    options.pop("maxiter", None)
    ce.minimize(
        f,
        problem.default_family(),
        vectorized=True,
        rng=seed,
        target=problem.optimum + TOL,
        **options,
    )
    return f


def run_ours_plain(problem, budget, seed):
    # The plain CE update with the settings the problems recommended for it.
    n = max(100, (10 if isinstance(problem, Rosenbrock) else 20) * problem.n_dims)
    return run_ours(
        problem,
        budget,
        seed,
        update="ce",
        n_samples=n,
        elite_fraction=0.1,
        smoothing=0.7,
        patience=10,
    )


def run_de(problem, budget, seed):
    f = Counted(problem, transposed=True)
    d, popsize = problem.n_dims, 15
    lower, upper = problem.bounds
    differential_evolution(
        f,
        list(zip(lower, upper, strict=True)),
        popsize=popsize,
        maxiter=max(1, budget // (popsize * d) - 1),
        polish=False,
        vectorized=True,
        updating="deferred",
        tol=0.0,
        rng=seed,
        callback=lambda intermediate_result: f.hit is not None,
    )
    return f


def _cma_start(problem):
    lower, upper = problem.bounds
    return 0.5 * (lower + upper), 0.25 * float(upper[0] - lower[0])


def _cma_options(problem, budget, seed):
    lower, upper = problem.bounds
    return {
        "bounds": [float(lower[0]), float(upper[0])],
        "seed": seed + 1,
        "maxfevals": budget,
        "ftarget": problem.optimum + TOL,
        "verbose": -9,
    }


def run_cma(problem, budget, seed):
    import cma

    f = Counted(problem)
    x0, sigma0 = _cma_start(problem)
    es = cma.CMAEvolutionStrategy(x0, sigma0, _cma_options(problem, budget, seed))
    while not es.stop():
        X = es.ask()
        es.tell(X, list(f(np.array(X))))
    return f


def run_cma_ipop(problem, budget, seed):
    import cma

    f = Counted(problem)
    x0, sigma0 = _cma_start(problem)
    options = _cma_options(problem, budget, seed)
    cma.fmin2(
        None,
        x0,
        sigma0,
        options,
        parallel_objective=lambda X: list(f(np.array(X))),
        restarts=9,
        incpopsize=2,
    )
    return f


def run_nevergrad(problem, budget, seed):
    import nevergrad as ng

    f = Counted(problem)
    lower, upper = problem.bounds
    param = ng.p.Array(init=0.5 * (lower + upper)).set_bounds(lower, upper)
    param.random_state = np.random.RandomState(seed)  # nevergrad's own API
    # TwoPointsDE: pure nevergrad; NGOpt delegates to scipy/cma in threads,
    # which fail under numpy 2.4 (nevergrad 1.0.12) and hang at exit.
    budget = min(budget, NEVERGRAD_MAX_BUDGET)
    opt = ng.optimizers.TwoPointsDE(parametrization=param, budget=budget)
    for _ in range(budget):
        cand = opt.ask()
        opt.tell(cand, f(cand.value))
        if f.hit is not None:
            break
    return f


# nevergrad's Python loop runs ~5k evaluations/s: its runs are capped here,
# and it gets the first 5 seeds only.
NEVERGRAD_MAX_BUDGET = 100_000
NEVERGRAD_SEEDS = 5


def available_methods():
    methods = [
        ("cemethod default (ours)", run_ours),
        ("cemethod update='ce' (ours, before)", run_ours_plain),
        ("scipy DE", run_de),
    ]
    for name, module, runner in (
        ("pycma", "cma", run_cma),
        ("pycma IPOP", "cma", run_cma_ipop),
        ("nevergrad TwoPointsDE", "nevergrad", run_nevergrad),
    ):
        try:
            __import__(module)
        except ImportError:
            print(f"({name} not importable: skipped)")
            continue
        methods.append((name, runner))
    return methods


def quality_table(cases, seeds, methods):
    rows = []
    for problem, budget in cases:
        for name, runner in methods:
            best, hits, wall = [], [], []
            run_seeds = seeds[:NEVERGRAD_SEEDS] if runner is run_nevergrad else seeds
            for seed in run_seeds:
                t = time.perf_counter()
                f = runner(problem, budget, seed)
                wall.append(time.perf_counter() - t)
                best.append(f.best - problem.optimum)
                if f.hit is not None:
                    hits.append(f.hit)
            rows.append(
                (
                    repr(problem),
                    f"{budget:.0e}".replace("+0", ""),
                    name,
                    f"{len(hits)}/{len(run_seeds)}",
                    f"{statistics.median(hits):.0f}" if hits else "-",
                    f"{statistics.median(best):.3g}",
                    f"{statistics.median(wall):.2f}",
                )
            )
            print(*rows[-1], sep=" | ", file=sys.stderr, flush=True)
    print(f"\nSeeds {list(seeds)}; success = best - optimum <= {TOL:g}.\n")
    print_table(
        (
            "problem",
            "budget",
            "method",
            "success",
            "median evals to success",
            "median gap",
            "median wall s",
        ),
        rows,
    )


class _SampleClock:
    """Times every ``Gaussian.sample`` call while active (the class method is
    wrapped, so the families fitted during the run are timed too)."""

    def __enter__(self):
        self.seconds = []
        self._original = original = Gaussian.sample
        seconds = self.seconds

        def timed(family, n, rng=None):
            t = time.perf_counter()
            out = original(family, n, rng)
            seconds.append(time.perf_counter() - t)
            return out

        Gaussian.sample = timed
        return self

    def __exit__(self, *exc_info):
        Gaussian.sample = self._original


def _ask_tell_iterations(problem, family, n_iter):
    """Per iteration: (sampling s, framework s) of the documented ask/tell loop."""
    n = max(100, 10 * family.dim)
    opt = ce.CrossEntropyOptimizer(
        family, n_samples=n, maxiter=n_iter, patience=None, rng=0
    )
    out = []
    with _SampleClock() as clock:
        t_prev = time.perf_counter()
        while not opt.stop():
            X = opt.ask()
            t1 = time.perf_counter()
            values = problem(X)
            t2 = time.perf_counter()
            opt.tell(X, values)
            t3 = time.perf_counter()
            outside = (t1 - t_prev) + (t3 - t2)  # stop, ask, tell
            t_prev = t3
            out.append((clock.seconds[-1], outside - clock.seconds[-1]))
    return out


def _minimize_iterations(problem, family, n_iter):
    """Per iteration: (sampling s, framework s) inside ``cemethod.minimize``:
    the time between two objective calls, less the sampling."""
    stamps = []

    def fun(X):
        stamps.append(time.perf_counter())
        values = problem(X)
        stamps.append(time.perf_counter())
        return values

    with _SampleClock() as clock:
        n = max(100, 10 * family.dim)
        ce.minimize(
            fun,
            family,
            vectorized=True,
            rng=0,
            n_samples=n,
            maxiter=n_iter,
            patience=None,
        )
    # Gap k: end of call k to start of call k + 1 = tell k, stop, sample k + 1.
    return [
        (
            clock.seconds[k + 1],
            stamps[2 * k + 2] - stamps[2 * k + 1] - clock.seconds[k + 1],
        )
        for k in range(len(stamps) // 2 - 1)
    ]


def _hand_loop_iterations(problem, family, n_iter):
    """Per iteration: (sampling s, framework s) of the shortest CE loop one can
    write by hand in numpy (sort, elite mean and std, smoothing; no history,
    elitism, checks or stop rules): the floor any Python CE loop pays."""
    rng = np.random.default_rng(0)
    mean, std = np.array(family.mean), np.array(family.std)
    n = max(100, 10 * mean.size)
    n_elite = n // 10
    out = []
    for _ in range(n_iter):
        t0 = time.perf_counter()
        X = mean + std * rng.standard_normal((n, mean.size))
        t1 = time.perf_counter()
        values = problem(X)
        t2 = time.perf_counter()
        elite = X[np.argsort(values)[:n_elite]]
        mean = 0.7 * elite.mean(axis=0) + 0.3 * mean
        std = 0.7 * elite.std(axis=0) + 0.3 * std
        out.append((t1 - t0, time.perf_counter() - t2))
    return out


def _overhead_rows(d, n_iter, repeat):
    problem = Rastrigin(d)
    lower, upper = problem.bounds
    # The family a user writes, the default update, N = max(100, 10 d) for all.
    family = Gaussian(0.5 * (lower + upper), 0.5 * (upper - lower))
    n = max(100, 10 * d)
    X = family.sample(n, np.random.default_rng(0))
    t_eval = median_seconds(lambda: problem(X), repeat=201)
    rows = []
    for loop, measure in (
        ("ask/tell", _ask_tell_iterations),
        ("minimize", _minimize_iterations),
        ("hand-written numpy loop (floor)", _hand_loop_iterations),
    ):
        measure(problem, family, 5)  # warm-up
        # Median over the iterations of a run, then the best run (timeit's
        # rule): on a shared machine the slower runs mostly measure the others.
        runs = [measure(problem, family, n_iter) for _ in range(repeat)]
        t_sample = min(statistics.median(t[0] for t in run) for run in runs)
        t_frame = min(statistics.median(t[1] for t in run) for run in runs)
        share = t_frame / (t_sample + t_frame + 1e-3)
        rows.append(
            (
                f"Rastrigin({d}), N={n}",
                loop,
                f"{1e3 * t_sample:.3f}",
                f"{1e3 * t_eval:.3f}",
                f"{1e3 * t_frame:.3f}",
                f"{t_frame / t_sample:.2f}",
                f"{t_frame / t_eval:.2f}",
                f"{100 * share:.1f}%",
            )
        )
    return rows


def overhead_table(dims, n_iter, repeat=5):
    rows = [row for d in dims for row in _overhead_rows(d, n_iter, repeat)]
    print(
        "\nFramework overhead per iteration: Gaussian family, the default (adaptive) "
        "update, N = max(100, 10 d) (patience=None so that every run lasts "
        f"{n_iter} iterations), rng=0. Per iteration: 'sample' is the time inside "
        "family.sample; 'framework' is everything else outside the objective "
        "(ask, tell: ranking, elite, fit, smoothing, history; the stop checks; "
        "for minimize also the batch evaluator); each the median over the "
        f"{n_iter} iterations of a run, best of {repeat} runs. 'evaluate' is one "
        "vectorized evaluation of the batch (median of 201). Last column: "
        "framework / (sample + framework + 1 ms), the framework's share of an "
        "iteration whose objective costs 1 ms per batch. Targets: framework / "
        "sample < 1 and that share < 10%. The last row of each size is the "
        "shortest CE loop one can write by hand (sort, elite mean and std, "
        "smoothing): the floor of any Python loop, for comparison.\n"
    )
    print_table(
        (
            "problem",
            "loop",
            "sample ms",
            "evaluate ms",
            "framework ms",
            "framework / sample",
            "framework / evaluate",
            "framework share, 1 ms objective",
        ),
        rows,
    )


def loop_cost_table(dims, n_iter=60):
    """Seconds outside the objective per evaluated point: our ask/tell loop
    with its default sample and pycma's with its default population."""
    rows = []
    for d in dims:
        problem = Sphere(d)
        fam = Gaussian(np.full(d, 3.0), 2.0)
        runs = []
        for _ in range(3):
            opt = ce.CrossEntropyOptimizer(fam, maxiter=n_iter, patience=None, rng=0)
            t_f, n, t0 = 0.0, 0, time.perf_counter()
            while not opt.stop():
                X = opt.ask()
                t = time.perf_counter()
                v = problem(X)
                t_f += time.perf_counter() - t
                opt.tell(X, v)
                n += len(X)
            runs.append((time.perf_counter() - t0 - t_f) / n)
        rows.append((f"Sphere({d})", f"ours, N={opt.n_samples}", min(runs)))
        try:
            import cma
        except ImportError:
            continue
        runs = []
        for _ in range(3):
            es = cma.CMAEvolutionStrategy(np.full(d, 3.0), 2.0, {"verbose": -9})
            t_f, n, t0 = 0.0, 0, time.perf_counter()
            for _ in range(n_iter):
                X = es.ask()
                t = time.perf_counter()
                v = list(problem(np.array(X)))
                t_f += time.perf_counter() - t
                es.tell(X, v)
                n += len(X)
            runs.append((time.perf_counter() - t0 - t_f) / n)
        rows.append((f"Sphere({d})", f"pycma, popsize={es.popsize}", min(runs)))
    ours = {r[0]: r[2] for r in rows if r[1].startswith("ours")}
    print(
        f"\nCost outside the objective per evaluated point ({n_iter} iterations, "
        "best of 3 runs); ratio = this / ours.\n"
    )
    print_table(
        ("problem", "loop", "us per point", "ratio to ours"),
        [(p, name, f"{1e6 * t:.1f}", f"{t / ours[p]:.1f}") for p, name, t in rows],
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--only", default=None, help="problems whose name has this")
    parser.add_argument(
        "--methods", default=None, help="comma-separated: methods whose name has one"
    )
    args = parser.parse_args(argv)
    print(machine_line())
    methods = available_methods()
    if args.methods:
        wanted = args.methods.split(",")
        methods = [m for m in methods if any(w in m[0] for w in wanted)]
    if args.quick:
        cases = [(Rastrigin(3), 1500), (Sphere(4), 3000), (Shekel(10), 1500)]
        seeds = range(2)
        methods = [m for m in methods if not m[0].startswith("nevergrad")]
        overhead_table([5], n_iter=10, repeat=2)
        loop_cost_table([5], n_iter=10)
    else:
        cases = [
            (Sphere(10), 50_000),
            (Ellipsoid(10), 50_000),
            (Rosenbrock(10), 50_000),
            (Ackley(10), 50_000),
            (Rastrigin(10), 100_000),
            (StyblinskiTang(8), 100_000),
            (Schwefel(10), 100_000),
            (Rosenbrock(30), 300_000),
        ]
        seeds = range(args.seeds)
        overhead_table([2, 10, 30], n_iter=50)
        loop_cost_table([10, 30])
    if args.only:
        cases = [c for c in cases if args.only in repr(c[0])]
    quality_table(cases, seeds, methods)


if __name__ == "__main__":
    main()
