"""The weighted EM of GaussianMixture: compiled kernels vs the numpy EM they replaced.

Part 1 times ``fit_mixture`` (the EM behind ``GaussianMixture.fit``, BIC over
k = 1..4) on weighted, standardized data shaped like the improved-CE levels of
``estimate_rare_event``: n = 1,000 / 2,000 rows, d = 2, 6, 20, k = 1..3 true
clusters, exponential importance weights; the numpy EM is a verbatim copy of the
former implementation (below). Per case: components chosen (both), median CPU ms
of each, old / new ratio, and the largest difference of the fitted weights,
means and covariances (components matched).

Part 2 (not in --quick) runs ``estimate_rare_event(problem, 0, Gaussian, rng=seed)``
(``method="auto"``) on RP8, RP28 and four-branch-far of ``_reliability_problems``
over five seeds, with the compiled EM and with the numpy EM patched in, and
prints median CPU ms (``time.process_time``), the ratio, and the largest
relative difference of the estimates. Set OMP_NUM_THREADS=1 for one-core figures.

Run: ``OMP_NUM_THREADS=1 python benchmarks/bench_mixture_em.py [--quick] [--seeds K]``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import machine_line, print_table

import cemethod as ce
import cemethod.families.mixture as mixture_module
from cemethod.families import Gaussian
from cemethod.families import _mixture_em as E

# ---------------------------------------------------------------------------
# The numpy EM before the compiled kernels (as in tests/families/test_mixture_em.py)
# ---------------------------------------------------------------------------
_LOG_2PI = math.log(2.0 * math.pi)


def np_component_logpdf(z, means, chols):
    out = np.empty((z.shape[0], means.shape[0]))
    d = z.shape[1]
    invs = np.linalg.inv(np.asarray(chols))
    for j, (mean, chol, inv) in enumerate(zip(means, chols, invs, strict=True)):
        y = (z - mean) @ inv.T
        log_det = 2.0 * np.log(np.diag(chol)).sum()
        out[:, j] = -0.5 * (np.einsum("ij,ij->i", y, y) + d * _LOG_2PI + log_det)
    return out


def np_lse(a):
    top = a.max(axis=1)
    return top + np.log(np.exp(a - top[:, None]).sum(axis=1))


def np_log_lik(z, w, pi, means, covs):
    log_p = np.log(pi) + np_component_logpdf(z, means, np.linalg.cholesky(covs))
    return float(w @ np_lse(log_p))


def np_seed_centers(z, w, k, gen):
    cum = np.cumsum(w)
    picks = [min(np.searchsorted(cum, gen.random() * cum[-1], "right"), len(w) - 1)]
    d2 = np.square(z - z[picks[0]]).sum(axis=1)
    for _ in range(1, k):
        cum = np.cumsum(w * d2)
        if not cum[-1] > 0:
            break
        i = min(np.searchsorted(cum, gen.random() * cum[-1], "right"), len(w) - 1)
        picks.append(i)
        d2 = np.minimum(d2, np.square(z - z[i]).sum(axis=1))
    centers = z[picks].copy()
    for _ in range(E._LLOYD_STEPS):
        dist = np.square(z[:, None, :] - centers[None]).sum(axis=2)
        label = np.argmin(dist, axis=1)
        mass = np.bincount(label, weights=w, minlength=len(centers))
        keep = mass > 0
        sums = np.stack(
            [np.bincount(label, weights=w * c, minlength=len(centers)) for c in z.T],
            axis=1,
        )
        new = centers.copy()
        new[keep] = sums[keep] / mass[keep, None]
        if np.array_equal(new, centers):
            break
        centers = new
    dist = np.square(z[:, None, :] - centers[None]).sum(axis=2)
    label = np.argmin(dist, axis=1)
    mass = np.bincount(label, weights=w, minlength=len(centers))
    dz = z - centers[label]
    pooled = (dz * w[:, None]).T @ dz
    return mass[mass > 0], centers[mass > 0], pooled


def np_m_step(z, wr, floor, diag):
    mass = wr.sum(axis=0)
    means = (wr.T @ z) / mass[:, None]
    covs = np.empty((len(mass), z.shape[1], z.shape[1]))
    for j in range(len(mass)):
        dz = z - means[j]
        covs[j] = (dz * wr[:, j : j + 1]).T @ dz / mass[j]
    if diag:
        covs *= np.eye(z.shape[1])
    covs += floor * np.eye(z.shape[1])
    return mass / mass.sum(), means, covs


def np_em(z, w, k, floor, diag, gen):
    d = z.shape[1]
    mass, centers, pooled = np_seed_centers(z, w, k, gen)
    pooled = np.diag(np.diag(pooled)) if diag else pooled
    pi = mass / mass.sum()
    means = centers
    covs = np.repeat((pooled + floor * np.eye(d))[None], len(pi), axis=0)
    previous = -math.inf
    for _ in range(E._MAX_ITER):
        log_p = np.log(pi) + np_component_logpdf(z, means, np.linalg.cholesky(covs))
        top = np_lse(log_p)
        log_lik = float(w @ top)
        if log_lik - previous < E._TOL:
            break
        previous = log_lik
        wr = w[:, None] * np.exp(log_p - top[:, None])
        mass = wr.sum(axis=0)
        ess = np.square(mass) / np.maximum(np.square(wr).sum(axis=0), 1e-300)
        keep = (mass >= E._MIN_WEIGHT) & (ess >= d + 1)
        keep[np.argmax(mass)] = True
        if not keep.all():
            wr, previous = wr[:, keep], -math.inf
        pi, means, covs = np_m_step(z, wr, floor, diag)
    return log_lik, pi, means, covs


def np_fit_mixture(z, w, ks, floor, diag):
    d = z.shape[1]
    ess = 1.0 / np.square(w).sum()
    gen = np.random.default_rng(E._SEED)
    best = None
    for k in ks:
        if best is not None and k * (E._n_params(1, d, diag) + 1) > ess:
            break
        if k == 1:
            pi, means, covs = np_m_step(z, w[:, None], floor, diag)
            fit = (np_log_lik(z, w, pi, means, covs), pi, means, covs)
        else:
            runs = (np_em(z, w, k, floor, diag, gen) for _ in range(E._N_INIT))
            fit = max(runs, key=lambda f: f[0])
        bic = -2 * ess * fit[0] + E._n_params(fit[1].size, d, diag) * math.log(ess)
        if best is not None and bic >= best[0]:
            break
        best = (bic, *fit[1:])
    return best[1:]


# ---------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------


def level_data(rng, n, d, k):
    """Weighted standardized rows: k clusters, exponential importance weights."""
    centers = rng.normal(0, 3, (k, d))
    x = centers[rng.integers(0, k, n)] + rng.normal(0, 1, (n, d))
    w = rng.exponential(size=n)
    w /= w.sum()
    mean = w @ x
    return (x - mean) / np.sqrt(w @ np.square(x - mean)), w


def median_cpu(func, repeat):
    """Median CPU seconds (``time.process_time``, robust to a loaded machine)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return statistics.median(times)


def difference(a, b):
    """Largest |difference| of the fits, components matched; inf if k differs."""
    if a[0].size != b[0].size:
        return math.inf
    _, perm = linear_sum_assignment(np.square(a[1][:, None] - b[1][None]).sum(axis=2))
    return max(float(np.abs(x - y[perm]).max()) for x, y in zip(a, b, strict=True))


def part_one(quick):
    sizes = (1000,) if quick else (1000, 2000)
    repeat = 1 if quick else 5
    rows, ratios = [], []
    for n in sizes:
        for d in (2, 6, 20):
            for k in (1, 2, 3):
                z, w = level_data(np.random.default_rng([n, d, k]), n, d, k)
                args = (z, w, range(1, 5), 1e-6, False)
                old, new = np_fit_mixture(*args), E.fit_mixture(*args)
                t_old = median_cpu(lambda a=args: np_fit_mixture(*a), repeat)
                t_new = median_cpu(lambda a=args: E.fit_mixture(*a), repeat)
                ratios.append(t_old / t_new)
                rows.append((
                    n, d, k, f"{old[0].size} / {new[0].size}", f"{1e3 * t_old:.1f}",
                    f"{1e3 * t_new:.2f}", f"{t_old / t_new:.1f}",
                    f"{difference(old, new):.1e}",
                ))  # fmt: skip
    print_table(
        ("n", "d", "true k", "k chosen (old / new)", "numpy CPU ms", "compiled CPU ms",
         "ratio", "max difference"),
        rows,
    )  # fmt: skip
    print(f"\nmedian ratio {statistics.median(ratios):.1f} "
          f"(range {min(ratios):.1f}-{max(ratios):.1f})")  # fmt: skip


def rare_event_cpu(problem, seed):
    family = Gaussian(np.zeros(problem.d), np.ones(problem.d))
    start = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = ce.estimate_rare_event(problem, 0.0, family, direction="less", rng=seed)
    return time.process_time() - start, res.estimate


def part_two(seeds):
    import _reliability_problems as R

    compiled = mixture_module.fit_mixture
    problems = {p.name: p for p in R.problems()}
    rows = []
    for name in ("RP8", "RP28", "four-branch-far"):
        problem = problems[name]
        runs = {}
        for label, fit in (("numpy", np_fit_mixture), ("compiled", compiled)):
            mixture_module.fit_mixture = fit
            try:
                runs[label] = [rare_event_cpu(problem, s) for s in range(seeds)]
            finally:
                mixture_module.fit_mixture = compiled
        cpu = {k: statistics.median(c for c, _ in v) for k, v in runs.items()}
        est = [
            (a[1], b[1]) for a, b in zip(runs["numpy"], runs["compiled"], strict=True)
        ]
        diff = max(abs(b / a - 1) for a, b in est)
        rows.append((
            name, problem.d, seeds, f"{1e3 * cpu['numpy']:.0f}",
            f"{1e3 * cpu['compiled']:.0f}", f"{cpu['numpy'] / cpu['compiled']:.1f}",
            f"{diff:.1e}",
        ))  # fmt: skip
    print()
    print_table(
        ("problem", "d", "seeds", "numpy EM CPU ms", "compiled EM CPU ms", "ratio",
         "max rel. difference of estimates"),
        rows,
    )  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="part 1, n = 1000, once")
    parser.add_argument("--seeds", type=int, default=5, help="seeds of part 2")
    args = parser.parse_args()
    print(machine_line())
    start = time.perf_counter()
    E.fit_mixture(
        *level_data(np.random.default_rng(0), 50, 2, 2), range(1, 3), 1e-6, False
    )
    print(f"first compiled fit (numba compile or cache load): "
          f"{time.perf_counter() - start:.2f} s\n")  # fmt: skip
    part_one(args.quick)
    if not args.quick:
        part_two(args.seeds)


if __name__ == "__main__":
    main()
