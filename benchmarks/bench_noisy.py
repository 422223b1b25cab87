"""Noisy sphere and Rosenbrock: noise-aware stopping, KN selection, honest values.

Each row is a function, an additive Gaussian noise level and whether the
candidates of an iteration share one noise draw (common random numbers, CRN:
``noise_seed=True``) or each get their own. Over the seeds it reports

- the evaluations of the noisy run (``nfev``, median) against the noiseless run
  from the same start (target: at most 3x), and how many runs ended by their own
  stop rule (not ``maxiter``);
- the true value of the returned point, the optimistic in-run value ``fun`` and
  the honest value (fresh replications), and how often the honest 95% interval
  covers the true value (target: >= 90% of seeds);
- a random-search baseline with the same number of evaluations (run + KN
  selection): the best of uniform draws from the initial box by their noisy
  value, its true value.

    python benchmarks/bench_noisy.py            # 100 seeds per row (~1 min)
    python benchmarks/bench_noisy.py --quick    # 4 seeds (smoke test)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import cemethod as ce
from cemethod.families import Gaussian


def sphere(X):
    return np.sum(np.asarray(X) ** 2, axis=1)


def rosenbrock(X):
    X = np.asarray(X)
    return np.sum(
        100.0 * (X[:, 1:] - X[:, :-1] ** 2) ** 2 + (1.0 - X[:, :-1]) ** 2, axis=1
    )


FUNCTIONS = {
    "sphere-5": (sphere, 5, 3.0, 5.0),  # (f, dim, start mean, start sd)
    "rosenbrock-2": (rosenbrock, 2, -1.0, 2.0),
}


def noisy(f, sd):
    """``f`` plus N(0, sd^2): with ``seed`` one draw shared by the whole batch
    (common random numbers), without it an independent draw per row from the
    benchmark's own stream."""
    own = np.random.default_rng(12345)

    def fun(X, seed=None):
        n = np.asarray(X).shape[0]
        if seed is None:
            return f(X) + own.normal(0.0, sd, size=n)
        return f(X) + np.random.default_rng(seed).normal(0.0, sd)

    return fun


def family(dim, mean, sd):
    return Gaussian(np.full(dim, mean), np.full(dim, sd))


def random_search(f, sd, dim, mean, spread, n, rng):
    X = rng.uniform(mean - 2 * spread, mean + 2 * spread, size=(n, dim))
    y = f(X) + rng.normal(0.0, sd, size=n)
    return float(f(X[np.argmin(y)][None])[0])


def run_row(name, sd, crn, seeds):
    f, dim, mean, spread = FUNCTIONS[name]
    base, rows = [], []
    for seed in seeds:
        r0 = ce.minimize(f, family(dim, mean, spread), vectorized=True, rng=seed)
        base.append(r0.nfev)
        r = ce.minimize(
            noisy(f, sd),
            family(dim, mean, spread),
            vectorized=True,
            rng=seed,
            noise_seed=crn,
            noisy=True,
        )
        true = float(f(r.x[None])[0])
        lo, hi = r.honest.interval
        n_rs = r.nfev + r.selection.n_evaluations
        rs = random_search(
            f, sd, dim, mean, spread, n_rs, np.random.default_rng(10**6 + seed)
        )
        rows.append(
            (
                r.nfev,
                "maxiter" not in r.stop_reasons,
                true,
                r.fun,
                r.honest.value,
                lo <= true <= hi,
                r.selection.n_evaluations,
                rs,
            )
        )
    a = np.array(rows, dtype=float)
    return {
        "row": f"{name} sd={sd:g} {'CRN' if crn else 'indep'}",
        "nfev0": float(np.median(base)),
        "nfev": float(np.median(a[:, 0])),
        "ratio": float(np.median(a[:, 0]) / np.median(base)),
        "own_rule": float(a[:, 1].mean()),
        "true": float(a[:, 2].mean()),
        "fun": float(a[:, 3].mean()),
        "honest": float(a[:, 4].mean()),
        "coverage": float(a[:, 5].mean()),
        "kn_evals": float(np.median(a[:, 6])),
        "random": float(a[:, 7].mean()),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 seeds per row")
    parser.add_argument("--seeds", type=int, default=100)
    args = parser.parse_args(argv)
    seeds = range(4 if args.quick else args.seeds)
    t0 = time.process_time()
    header = (
        "| row | nfev noiseless | nfev noisy | ratio | own rule | true f(x) | "
        "in-run fun | honest | coverage | KN evals | random search f(x) |"
    )
    print(header)
    print("|" + " --- |" * 11)
    for name in FUNCTIONS:
        for sd in (1.0, 0.1):
            for crn in (False, True):
                s = run_row(name, sd, crn, seeds)
                print(
                    f"| {s['row']} | {s['nfev0']:.0f} | {s['nfev']:.0f} | "
                    f"{s['ratio']:.2f} | {s['own_rule']:.2f} | {s['true']:.4g} | "
                    f"{s['fun']:.4g} | {s['honest']:.4g} | {s['coverage']:.2f} | "
                    f"{s['kn_evals']:.0f} | {s['random']:.4g} |",
                    flush=True,
                )
    print(f"\n{len(seeds)} seeds per row; {time.process_time() - t0:.1f} CPU s")


if __name__ == "__main__":
    main()
