"""Network unreliability: turnip vs CE importance sampling vs generalized
splitting vs crude Monte Carlo.

Side by side in one run, at an equal budget of samples per estimate (13,000: CE's
three updates of 1,000 and its final 10,000; turnip's orders; crude Monte Carlo's
draws; splitting, whose unit is a Gibbs sweep, runs 1,000 pilot chains and
1,000 runs, so compare its CPU column), over many seeds: mean
estimate / reference, relative RMSE, mean reported relative error, coverage of
the 95% interval, the share of seeds flagged unreliable, and the median CPU
time per estimate. Networks: grids (corner
terminals), complete graphs K_n (two-terminal), the dodecahedron, chains of
diamonds and connected random graphs, at link failure probabilities q from 1e-2
to 1e-8.

References: Gilbert's recursion in exact rational arithmetic for complete graphs
(independent of the code under test), the frontier dynamic programme
(``exact()``) where it is fast, else a long turnip run (marked ``turnip*`` with its
own relative error). Run: ``python benchmarks/bench_reliability.py [--quick]``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import machine_line, print_table

from cemethod.problems import NetworkReliability

BUDGET = 13_000


def grid(a, b):
    edges = []
    for i in range(a):
        for j in range(b):
            if i + 1 < a:
                edges.append((i * b + j, (i + 1) * b + j))
            if j + 1 < b:
                edges.append((i * b + j, i * b + j + 1))
    return edges, 0, a * b - 1


def complete(n):
    return [(i, j) for i in range(n) for j in range(i + 1, n)], 0, 1


def diamonds(k):
    """k bridges (diamonds) in series: 4k + 1 nodes, 5k edges."""
    edges = []
    for d in range(k):
        s, a, b, t = 3 * d, 3 * d + 1, 3 * d + 2, 3 * d + 3
        edges += [(s, a), (s, b), (a, b), (a, t), (b, t)]
    return edges, 0, 3 * k


def random_connected(m, seed):
    """A spanning tree plus random extra edges: n = m // 3 nodes, m edges."""
    rng = np.random.default_rng(seed)
    n = max(4, m // 3)
    order = rng.permutation(n)
    edges = {
        tuple(sorted((int(order[i]), int(order[rng.integers(i)])))) for i in range(1, n)
    }
    while len(edges) < m:
        u, v = sorted(rng.choice(n, 2, replace=False).tolist())
        edges.add((u, v))
    return sorted(edges), int(order[0]), int(order[-1])


def dodecahedron():
    from cemethod.problems import dodecahedron as shipped

    return shipped()


def complete_graph_unreliability(n, q):
    """Two-terminal unreliability of K_n, every link failing w.p. q: the component
    of the source has k nodes (the target among them), is connected and has no
    link out (Gilbert 1959), in exact rationals."""
    q = Fraction(q).limit_denominator(10**12)
    connected = {1: Fraction(1)}
    for k in range(2, n + 1):  # P(K_k connected)
        connected[k] = 1 - sum(
            math.comb(k - 1, j - 1) * connected[j] * q ** (j * (k - j))
            for j in range(1, k)
        )
    joined = sum(
        math.comb(n - 2, k - 2) * connected[k] * q ** (k * (n - k))
        for k in range(2, n + 1)
    )
    return float(1 - joined)


def reference(name, rel, q, quick):
    """The value each estimate is compared with, and where it comes from."""
    if name.startswith("K"):
        return complete_graph_unreliability(int(name[1:]), q), "Gilbert"
    if rel.n_edges <= 60 or name in ("grid 5x5", "grid 10x10"):
        return rel.exact(), "exact"
    # No exact value: a run of 50x the budget (CE, the lower-variance method
    # here), cross-checked by turnip at 5x: noted when they differ by 4 errors.
    n = 10 * BUDGET if quick else 50 * BUDGET
    ce = rel.estimate(1000, n_final=n, rng=10**6, method="cross-entropy")
    tu = rel.estimate(n_final=n // 10, rng=10**6, method="turnip")
    agree = abs(ce.estimate - tu.estimate) < 4 * math.hypot(ce.std_error, tu.std_error)
    return (
        ce.estimate,
        f"CE* {ce.relative_error:.0e}{'' if agree else ' (turnip differs)'}",
    )


def runs(rel, method, seeds):
    out = []
    for seed in seeds:
        start = time.process_time()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if method == "crude":
                res = rel.crude_monte_carlo(BUDGET, rng=seed)
            elif method == "cross-entropy":
                res = rel.estimate(1000, n_final=10_000, rng=seed, method=method)
            elif method == "splitting":
                res = rel.estimate(1000, n_final=1000, rng=seed, method=method)
            else:
                res = rel.estimate(n_final=BUDGET, rng=seed, method=method)
        cpu = time.process_time() - start
        flagged = bool(res.degenerate_weights) or any(
            issubclass(w.category, RuntimeWarning) for w in caught
        )
        ci = res.confidence_interval
        out.append((res.estimate, res.relative_error, ci.low, ci.high, flagged, cpu))
    return out


def row(name, q, method, results, exact, how):
    est = np.array([r[0] for r in results])
    rep = np.array([r[1] for r in results], dtype=float)
    inside = np.array([r[2] <= exact <= r[3] for r in results])
    flagged = np.array([r[4] for r in results])
    rrmse = float(np.sqrt(np.mean((est / exact - 1.0) ** 2)))
    with np.errstate(divide="ignore"):
        off = np.maximum(est / exact, exact / est) > 2  # est = 0: infinitely off
    missed_unflagged = int(np.sum(~inside & ~flagged & off))
    return (
        name,
        f"{q:g}",
        how,
        f"{exact:.4e}",
        method,
        len(results),
        f"{np.mean(est) / exact:.3f}",
        f"{rrmse:.3f}",
        f"{np.nanmean(rep):.3f}" if np.isfinite(rep).any() else "-",
        f"{np.mean(inside):.2f}",
        f"{np.mean(flagged):.2f}",
        missed_unflagged,
        f"{1e3 * statistics.median(r[5] for r in results):.0f}",
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few cases, 3 seeds")
    parser.add_argument(
        "--methods",
        help="comma-separated subset of turnip,cross-entropy,splitting,crude "
        "(default: all)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        cases = [("dodecahedron", dodecahedron), ("K8", lambda: complete(8))]
        qs, seeds = [1e-3], list(range(3))
        methods = ["turnip", "cross-entropy", "splitting", "crude"]
    else:
        cases = [
            ("grid 5x5", lambda: grid(5, 5)),
            ("grid 10x10", lambda: grid(10, 10)),
            ("grid 20x20", lambda: grid(20, 20)),
            ("K8", lambda: complete(8)),
            ("K10", lambda: complete(10)),
            ("K12", lambda: complete(12)),
            ("dodecahedron", dodecahedron),
            ("diamonds x10", lambda: diamonds(10)),
            ("random m=50", lambda: random_connected(50, 1)),
            ("random m=100", lambda: random_connected(100, 2)),
            ("random m=300", lambda: random_connected(300, 3)),
        ]
        qs, seeds = [1e-2, 1e-3, 1e-6, 1e-8], list(range(50))
        methods = ["turnip", "cross-entropy", "splitting", "crude"]
    if args.methods:
        unknown = set(args.methods.split(",")) - set(methods)
        if unknown:
            parser.error(f"--methods: unknown {sorted(unknown)}; choose from {methods}")
        methods = [m for m in methods if m in args.methods.split(",")]
    header = (
        "network", "q", "reference", "value", "method", "seeds", "mean/ref",
        "rRMSE", "reported", "coverage", "flagged", "wrong>2x unflagged", "CPU ms",
    )  # fmt: skip
    rows = []
    for name, builder in cases:
        edges, s, t = builder()
        for q in qs:
            if len(edges) >= 400 and q in (1e-2, 1e-8) and not args.quick:
                continue  # the 20x20 grid: two q values keep the run short
            rel = NetworkReliability(edges, s, t, q=q)
            exact, how = reference(name, rel, q, args.quick)
            for method in methods:
                if method == "crude" and exact * BUDGET < 1e-3 and not args.quick:
                    continue  # crude sees nothing: one line in the notes instead
                use = seeds if rel.n_edges < 400 else seeds[:10]  # the 20x20 grid
                rows.append(row(name, q, method, runs(rel, method, use), exact, how))
            print(f"  done: {name} q={q:g}", file=sys.stderr, flush=True)
    print_table(header, rows)
    print(
        f"\nBudget {BUDGET} samples per estimate; 'flagged': a warning or "
        "degenerate_weights; 'wrong>2x unflagged': seeds off by more than a factor "
        "2 whose interval misses the reference and that carry no flag. Crude Monte "
        "Carlo rows are left out where the expected number of failures in the "
        f"budget is below 1e-3.\n{machine_line()}"
    )


if __name__ == "__main__":
    main()
