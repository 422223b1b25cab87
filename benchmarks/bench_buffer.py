"""Speed of the line simulator and quality of the CE on the buffer problems (issue #5).

Usage: python benchmarks/bench_buffer.py [--quick]

Table 1: simulated line-steps per second of the uniformized batch simulator,
numba kernel against the numpy kernel (same uniforms, same counts), and the
exact CTMC solve time. Table 2: how often the cross-entropy method (noisy
simulated objective, common random numbers) returns the optimum found by
exhaustive enumeration with the exact throughput, against a random search
given the same number of simulations. Table 3 (issue 20): unreliable lines of
4, 10, 20 and 30 machines; CE (feasible allocations only, noisy=True), greedy
+ one-slot local search and random search (as many simulations as CE): the
value of each answer on fresh common-random-number replications, its gap to
the best known (exact enumeration for 4 machines, else the best answer of all
methods re-evaluated on the same many CRN replications), simulations, CPU s,
stop reason, and whether CE's honest 95% interval holds that reference value.
``--quick`` runs small sizes and few seeds (the test suite uses it so the
script cannot rot).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import machine_line, median_seconds, print_table

import cemethod as ce
from cemethod.problems import (
    BufferAllocation,
    ThroughputMaximization,
    line_throughput,
    simulate_line_throughput,
)
from cemethod.problems.production_line import greedy_allocation, local_search
from cemethod.problems.production_line._markov import stationary_distribution
from cemethod.problems.production_line._simulation import compiled_kernel

LINE = dict(
    service_rates=[1.0, 1.2, 1.0, 1.1],
    failure_rates=[0.05, 0.1, 0.02, 0.1],
    repair_rates=[0.5, 0.6, 0.4, 0.5],
)


def speed_rows(quick):
    mu, f, r = LINE["service_rates"], LINE["failure_rates"], LINE["repair_rates"]
    lam = float(np.maximum(np.add(mu, f), r).sum())
    rows = []
    sizes = [(20, 200.0)] if quick else [(20, 200.0), (1000, 20.0), (1000, 1000.0)]
    for n_lines, horizon in sizes:
        caps = np.random.default_rng(0).integers(0, 4, size=(n_lines, 3))
        steps = n_lines * np.ceil((horizon + 10.0) * lam)
        for name, compiled in [("numba", True), ("numpy", False)]:
            if compiled and compiled_kernel() is None:
                continue
            if not compiled and n_lines * horizon > 50_000:
                continue  # the numpy kernel would take minutes

            def run(compiled=compiled, caps=caps, horizon=horizon):
                simulate_line_throughput(
                    mu, caps, f, r, horizon=horizon, warmup=10.0,
                    replications=1, rng=0, compiled=compiled,
                )  # fmt: skip

            t = median_seconds(run, repeat=3)
            rows.append(
                (f"{n_lines} lines x {horizon:g} time units", name,
                 f"{t:.4f}", f"{steps / t / 1e6:.2f}")
            )  # fmt: skip
    exact_cases = [
        ("PNH line (6, 7, 7, 12, 8)", ([6.0, 7.0, 7.0], [11, 7], None, None)),
        ("4-machine unreliable line", (mu, [2, 2, 2], f, r)),
    ]
    for name, (m_, cap, f_, r_) in exact_cases:
        n_states = len(
            stationary_distribution(
                m_, f_ or [0.0] * len(m_), r_ or [1.0] * len(m_), cap
            )[0]
        )
        t = median_seconds(lambda a=(m_, cap, f_, r_): line_throughput(*a), repeat=3)
        rows.append(
            (
                f"{name}, exact CTMC ({n_states} states)",
                "scipy spsolve",
                f"{t:.4f}",
                "-",
            )
        )
    return rows


def random_search(prob, n_evals, rng):
    """Best of ``n_evals`` feasible points drawn from the default family,
    ranked by one noisy evaluation each (common random numbers, so repeated
    points share their value)."""
    rng = np.random.default_rng(rng)
    X = prob.default_family().sample(4 * n_evals, rng)
    X = X[prob.constraints(X) == 0][:n_evals]
    values = prob(X, seed=int(rng.integers(2**32)))
    return X[np.argmax(values)]


def quality_rows(quick):
    cases = [
        ("buffer allocation, 4 machines, 6 slots",
         lambda s: BufferAllocation(**LINE, total_buffer=6, rng=s), {},
         range(2) if quick else range(10)),
        ("rates+buffers (3, 10, 7)",
         lambda s: ThroughputMaximization(3, 10, 7, rng=s), {"n_samples": 300},
         range(1) if quick else range(10)),
    ]  # fmt: skip
    if not quick:
        cases.append(
            ("Pichitlamken-Nelson-Hong 2006 (3, 20, 20)",
             lambda s: ThroughputMaximization(rng=s), {}, range(10))
        )  # fmt: skip
    rows = []
    for name, make, overrides, seeds in cases:
        optimum = make(0).enumerate_optimum()
        best_rows = optimum.x.tolist()
        hits = rs_hits = 0
        times, nfevs, gaps = [], [], []
        for seed in seeds:
            prob = make(seed)
            options = {**prob.default_options(), **overrides}
            start = time.perf_counter()
            res = ce.maximize(prob, prob.default_family(), rng=seed, **options)
            times.append(time.perf_counter() - start)
            nfevs.append(res.nfev)
            hits += res.x.tolist() in best_rows
            gaps.append(1 - prob.exact_throughput(res.x) / optimum.fun)
            rs_x = random_search(prob, res.nfev, seed)
            rs_hits += rs_x.tolist() in best_rows
        k = len(seeds)
        rows.append(
            (name, f"{optimum.fun:.4f}", f"{hits}/{k}", f"{rs_hits}/{k}",
             f"{100 * max(gaps):.2f}%", f"{np.mean(nfevs):.0f}",
             f"{np.mean(times):.1f}")
        )  # fmt: skip
    return rows


def real_line(m, seed=0):
    """Machines with rates drawn once per size (not tuned): processing
    U(0.8, 1.2), failure U(0.005, 0.02), repair U(0.05, 0.2)."""
    rng = np.random.default_rng(1000 + m + seed)
    return (rng.uniform(0.8, 1.2, m), rng.uniform(0.005, 0.02, m),
            rng.uniform(0.05, 0.2, m))  # fmt: skip


def real_line_rows(quick, n_check):
    sizes = [(4, 6), (10, 30)] if quick else [(4, 6), (10, 30), (20, 100), (30, 200)]
    seeds = range(1) if quick else range(3)
    rows = []
    for m, total in sizes:
        mu, f, r = real_line(m)
        check = BufferAllocation(mu, f, r, total, rng=0)
        exact = check.enumerate_optimum().fun if m <= 4 else None
        per = {"CE": [], "CE+LS": [], "greedy+LS": [], "random": []}
        covered, stops = 0, []
        for seed in seeds:
            prob = BufferAllocation(mu, f, r, total, rng=seed)
            t = time.process_time()
            res = ce.maximize(
                prob, prob.default_family(), rng=seed, noisy=True,
                **prob.default_options(),
            )  # fmt: skip
            per["CE"].append((res.x, res.nfev + res.honest.n_replications,
                              time.process_time() - t))  # fmt: skip
            stops.append("cap" if res.nit >= 100 else "own rule")
            pol = local_search(prob, res.x, rng=seed + 2)
            _, n_ce, c_ce = per["CE"][-1]
            per["CE+LS"].append((pol.x, n_ce + pol.n_simulations,
                                 c_ce + time.process_time() - t))  # fmt: skip
            t = time.process_time()
            g = greedy_allocation(prob, rng=seed)
            ls = local_search(prob, g.x, rng=seed + 1)
            per["greedy+LS"].append((ls.x, g.n_simulations + ls.n_simulations,
                                     time.process_time() - t))  # fmt: skip
            t = time.process_time()
            rs = random_search(prob, res.nfev, seed)
            per["random"].append((rs, res.nfev, time.process_time() - t))
            # reference value of CE's answer: exact, else many CRN replications
            if m <= 4:
                true = check.exact_throughput(res.x)
            else:
                true = np.mean([check(res.x, seed=10**6 + k) for k in range(n_check)])
            lo, hi = res.honest.interval
            covered += lo <= true <= hi
        # every answer on the same fresh CRN replications
        X = np.array([x for v in per.values() for x, _, _ in v])
        if m <= 4:
            vals = check.exact_throughput(X)
            best = exact
        else:
            vals = np.mean([check(X, seed=2 * 10**6 + k) for k in range(n_check)], 0)
            best = vals.max()
        k = 0
        for name, runs in per.items():
            v = vals[k : k + len(runs)]
            k += len(runs)
            gap = 100 * (1 - v / best)
            rows.append(
                (f"{m} machines, {total} slots", name, f"{v.mean():.4f}",
                 f"{gap.mean():.2f}% (worst {gap.max():.2f}%)",
                 f"{np.mean([n for _, n, _ in runs]):.0f}",
                 f"{np.mean([c for _, _, c in runs]):.1f}",
                 ", ".join(sorted(set(stops))) if name.startswith("CE") else "-",
                 f"{covered}/{len(seeds)}" if name == "CE" else "-")
            )  # fmt: skip
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    quick = parser.parse_args().quick
    print(machine_line())
    print()
    print_table(
        ("batch", "kernel", "seconds", "million line-steps / s"), speed_rows(quick)
    )
    print()
    print_table(
        ("problem", "exact optimum", "CE hits", "random search hits",
         "worst CE gap", "mean nfev", "mean CE seconds"),
        quality_rows(quick),
    )  # fmt: skip
    print()
    print_table(
        ("line", "method", "value (CRN mean)", "gap to best known", "simulations",
         "CPU s", "CE stop", "CE honest CI holds"),
        real_line_rows(quick, n_check=50 if quick else 400),
    )  # fmt: skip


if __name__ == "__main__":
    main()
