"""Max-cut on G-set graphs: pure CE, CE with tabu search inside the loop, and a
plain tabu search given the same CPU time, side by side (issue 15).

Usage: python benchmarks/bench_maxcut.py [--quick] [--seeds K] [--instances G2,G12,...]

For each graph and seed, in this process:

* ``CE``: ``MaxCut.solve(polish=False, rng=seed)``, pure CE with the default
  family and options (de Boer, Kroese, Mannor & Rubinstein 2005, Section 3.1);
* ``CE+tabu``: ``MaxCut.solve(rng=seed)`` (the default), the memetic CE (the 5
  best sampled cuts of each iteration replaced by the best cut of a tabu search
  of 20 n steps from them, the outcome polished by one of 50 n steps);
* ``tabu``: the baseline below, a single one-flip tabu search trajectory from a
  random cut, run until it has used the CPU seconds of that seed's CE+tabu run.

The baseline is written here, apart from the library (about 30 lines, numba):
steepest admissible flip with random tie-breaking, tenure ``n/10 + U{0..10}``
(the library's tabu tenure, so the comparison measures what the CE adds), and
aspiration. Graphs: the G-set files of the shared data (``$CEMETHOD_GSET_DIR``,
else ``shared/data/gset`` beside the checkout or a parent), with the best-known
cuts of Benlic & Hao (2013, Breakout Local Search) from its README. Prints the
gap to the best-known cut (percent; best and mean over the seeds) and the mean
CPU seconds (``time.process_time``) of each method. ``--quick`` runs the copy
of G12 beside the tests with short runs (the test suite uses it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numba
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from _timing import machine_line, print_table  # noqa: E402

from cemethod.problems import MaxCut  # noqa: E402

# Benlic & Hao (2013), as in the shared data's README; G12 ships with the tests.
BEST_KNOWN = {
    "G2": 11620,
    "G6": 2178,
    "G12": 556,
    "G15": 3050,
    "G18": 992,
    "G23": 13344,
    "G32": 1410,
    "G44": 6650,
}
DEFAULT = ["G2", "G6", "G12", "G15", "G18", "G44", "G32", "G23"]
QUICK_FILE = ROOT / "tests" / "problems" / "maxcut" / "data" / "G12.txt"


def _gset_dir():
    if os.environ.get("CEMETHOD_GSET_DIR"):
        return Path(os.environ["CEMETHOD_GSET_DIR"])
    for up in ROOT.parents[:3]:
        if (up / "shared" / "data" / "gset").is_dir():
            return up / "shared" / "data" / "gset"
    return None


@numba.njit(cache=True)
def _baseline_steps(indptr, indices, data, x, g, tabu, step0, steps, n, cur, best, bx):
    for step in range(step0, step0 + steps):
        chosen, cg, ties = -1, -np.inf, 0
        for i in range(n):
            if tabu[i] >= step and cur + g[i] <= best:
                continue
            if g[i] > cg:
                chosen, cg, ties = i, g[i], 1
            elif g[i] == cg:
                ties += 1
                if np.random.randint(ties) == 0:  # noqa: NPY002
                    chosen = i
        if chosen < 0:
            continue
        xi = x[chosen]
        for k in range(indptr[chosen], indptr[chosen + 1]):
            j = indices[k]
            g[j] += -2.0 * data[k] if x[j] == xi else 2.0 * data[k]
        g[chosen] = -g[chosen]
        x[chosen] = 1 - xi
        cur += cg
        tabu[chosen] = step + n // 10 + np.random.randint(11)  # noqa: NPY002
        if cur > best:
            best = cur
            bx[:] = x
    return cur, best


@numba.njit(cache=True)
def _seed_numba(seed):
    np.random.seed(seed)  # noqa: NPY002


def tabu_baseline(problem, seconds, seed):
    """The plain tabu search from a random cut for ``seconds`` CPU seconds."""
    W = problem.adjacency
    n = problem.n_nodes
    indptr, indices = W.indptr.astype(np.int64), W.indices.astype(np.int64)
    data = W.data.astype(np.float64)
    _seed_numba(seed)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, n).astype(np.int8)
    s = 1.0 - 2.0 * x
    g = s * (W @ s)  # gains: same-side minus crossing weight
    tabu = np.zeros(n, dtype=np.int64)
    cur = best = float(problem(x[None, :])[0])
    bx = x.copy()
    step, t0 = 1, time.process_time()
    while time.process_time() - t0 < seconds:
        cur, best = _baseline_steps(
            indptr, indices, data, x, g, tabu, step, 2000, n, cur, best, bx
        )
        step += 2000
    value = float(problem(bx[None, :])[0])
    assert value == best, (value, best)  # integer weights: the gains are exact
    return value, time.process_time() - t0


def _timed(func):
    t0 = time.process_time()
    out = func()
    return out, time.process_time() - t0


def _row(name, path, seeds, quick):
    problem = MaxCut.from_gset(path)
    best = BEST_KNOWN[name]
    ce_opts = {"maxiter": 3} if quick else {}
    tabu_opts = {"maxiter": 5} if quick else {}
    problem.solve(polish="tabu", rng=0, maxiter=1)  # numba warm-up
    tabu_baseline(problem, 0.01, 0)
    ce, memetic, plain = [], [], []
    for seed in seeds:
        res, cpu = _timed(lambda s=seed: problem.solve(polish=False, rng=s, **ce_opts))
        ce.append((res.fun, cpu))
        res, cpu = _timed(
            lambda s=seed: problem.solve(polish="tabu", rng=s, **tabu_opts)
        )
        assert res.fun == problem(np.asarray(res.x)[None, :])[0]
        memetic.append((res.fun, cpu))
        plain.append(tabu_baseline(problem, cpu, seed))
        print(
            f"{name} seed {seed}: CE {ce[-1][0]:g} ({ce[-1][1]:.1f} s), CE+tabu "
            f"{memetic[-1][0]:g} ({memetic[-1][1]:.1f} s), tabu {plain[-1][0]:g}",
            file=sys.stderr,
            flush=True,
        )

    def cells(runs):
        v, t = np.array(runs).T
        gaps = 100 * (1 - v / best)
        return [f"{gaps.min():.2f} / {gaps.mean():.2f}", f"{t.mean():.1f}"]

    wins = sum(m[0] > p[0] for m, p in zip(memetic, plain, strict=True))
    ties = sum(m[0] == p[0] for m, p in zip(memetic, plain, strict=True))
    return [
        name,
        problem.n_nodes,
        problem.n_edges,
        best,
        *cells(ce),
        *cells(memetic),
        *cells(plain),
        f"{wins} / {ties} / {len(seeds) - wins - ties}",
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--instances", default=None)
    args = parser.parse_args(argv)
    seeds = range(args.seeds or (1 if args.quick else 3))
    if args.quick and not args.instances:
        graphs = [("G12", QUICK_FILE)]
    else:
        folder = _gset_dir()
        names = args.instances.split(",") if args.instances else DEFAULT
        graphs = []
        for name in names:
            path = folder / f"{name}.txt" if folder else None
            if path is None or not path.exists():
                print(f"skipped {name}: no G-set file found", file=sys.stderr)
                continue
            graphs.append((name, path))
    header = [
        "graph",
        "n",
        "m",
        "best known",
        "CE gap % (best / mean)",
        "CE CPU s",
        "CE+tabu gap %",
        "CE+tabu CPU s",
        "tabu gap % (same CPU)",
        "tabu CPU s",
        "CE+tabu vs tabu (won / tied / lost)",
    ]
    t0 = time.perf_counter()
    rows = [_row(name, path, seeds, args.quick) for name, path in graphs]
    print(f"G-set max-cut, seeds {list(seeds)}; {machine_line()}")
    print(f"benchmark wall time: {time.perf_counter() - t0:.0f} s")
    if args.quick:
        print("--quick: CE limited to 3 iterations, CE+tabu to 5")
    print()
    print_table(header, rows)


if __name__ == "__main__":
    main()
