"""CrossEntropySearchCV vs RandomizedSearchCV at equal fits: best log loss, fits.

Optuna's OptunaSearchCV (TPE) joins when optuna-integration is importable.

Each method searches the same space with the same budget (30 candidates x 3
folds) and its own default settings, for the same seeds. Per method and seed
the script records, from the mean CV log loss of every candidate in the order
the method evaluated them:

- the best log loss after half the budget (45 fits) and after all of it (90);
  "half" is the first 15 candidates of the same 30-candidate run (anytime
  performance), not a run with ``n_iter=15``;
- the fits to a target (``--folds fixed`` only): the target is the 10th
  percentile of the log loss of a 100-candidate reference random search (seed
  12345, not one of the compared seeds), so about one random candidate in ten
  reaches it; "fits" is ``n_splits`` times the position (1-based) of the first
  candidate at or below it; a run that never reaches it counts as the whole
  budget (the same rule for every method) and is counted in "reached".

Means come with their standard error over seeds, and CE - random is paired by
seed: its mean, standard error and whether |mean| > 2 SE. Both methods get the
same splitter, which records the test folds of every ``split`` call (CE calls it
once a generation); the script stops with an error unless every method saw the
same folds at each seed. ``--folds fixed``: one split (seed 0) for every seed,
so the objective is the same function for all seeds and only the searches'
randomness varies (pairing by seed then removes no variance: the paired SE is
about the unpaired one). ``--folds per-seed``: the split of seed s for both
methods at seed s, so the comparison also averages over splits, and the pairing
removes the split-to-split variance of the attainable loss (paired SEs 2-5
times below the unpaired ones).

BLAS is limited to one thread before numpy is imported: the fits are tiny, and
on a shared 2-core machine OpenBLAS threads made each L-BFGS step of the
logistic regressions 10-30 times slower (the same for every method).

Usage: ``python benchmarks/bench_search.py [--quick] [--seeds N]
[--first-seed S] [--folds fixed|per-seed]`` (defaults: 40 seeds from 200).

Measured (shared, loaded 2-core machine; 290-405 s a run of 40 seeds; fresh
seeds, defaults not tuned on them), CE - random paired mean ± SE of the best log
loss after 90 fits (negative: CE lower), breast_cancer / digits / wine /
synthetic. Fixed folds, seeds 200-239: -0.0010 ± 0.0003, -0.0068 ± 0.0017,
+0.0004 ± 0.0012, -0.0044 ± 0.0012; seeds 240-279: -0.0011 ± 0.0003, -0.0057
± 0.0012, +0.0009 ± 0.0014, -0.0032 ± 0.0013. Per-seed folds, seeds 200-239:
-0.0013 ± 0.0004, -0.0109 ± 0.0020, -0.0011 ± 0.0012, -0.0026 ± 0.0009; seeds
240-279: -0.0015 ± 0.0003, -0.0074 ± 0.0014, -0.0027 ± 0.0007, -0.0013 ±
0.0009. CE is lower by more than 2 SE on 3 of 4 datasets in every run, but
which three varies (breast_cancer and digits always, synthetic in three runs,
wine in one); the gain is small, 0.001-0.011 nats (1-9 %). Fits to the target
(fixed folds): CE needs fewer on average in all 8 dataset-runs and reaches it
in 319 of 320 runs (random 301), but the paired gap exceeds 2 SE in one of 8
(wine, seeds 200-239), and random's median is lower in five: CE's gain is in
the tail (fewer bad runs), not the typical run.
The full tables are in README.md (docs/benchmarks.md).
"""

# ruff: noqa: E402 (BLAS threads must be set before numpy is first imported)
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import functools
import time
import warnings

import numpy as np
from scipy import stats
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_wine,
    make_classification,
)
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import RandomizedSearchCV, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from benchmarks._timing import machine_line, print_table
from sklearn_ext.model_selection import CrossEntropySearchCV

SCORING = "neg_log_loss"
N_SPLITS = 3


def problems():
    """(name, X, y, estimator, space): the spaces use scipy distributions and
    lists, which both RandomizedSearchCV and CrossEntropySearchCV accept."""
    bc = load_breast_cancer(return_X_y=True)
    digits = load_digits(return_X_y=True)
    wine = load_wine(return_X_y=True)
    synth = make_classification(
        n_samples=600, n_features=20, n_informative=8, random_state=0
    )
    lr = LogisticRegression(max_iter=300)
    sgd = SGDClassifier(loss="log_loss", random_state=0)
    return [
        (
            "breast_cancer",
            *bc,
            make_pipeline(StandardScaler(), lr),
            {
                "logisticregression__C": stats.loguniform(1e-4, 1e3),
                "logisticregression__class_weight": [None, "balanced"],
            },
        ),
        (
            "digits",
            *digits,
            KNeighborsClassifier(),
            {
                "n_neighbors": stats.randint(1, 61),
                "weights": ["uniform", "distance"],
                "p": [1, 2],
            },
        ),
        (
            "wine",
            *wine,
            make_pipeline(StandardScaler(), PCA(), lr),
            {
                "pca__n_components": stats.randint(1, 14),
                "logisticregression__C": stats.loguniform(1e-4, 1e3),
            },
        ),
        (
            "synthetic (7 params)",
            *synth,
            make_pipeline(StandardScaler(), sgd),
            {
                "sgdclassifier__alpha": stats.loguniform(1e-6, 1.0),
                "sgdclassifier__penalty": ["l2", "l1", "elasticnet"],
                "sgdclassifier__l1_ratio": stats.uniform(0.0, 1.0),
                "sgdclassifier__learning_rate": [
                    "optimal",
                    "constant",
                    "invscaling",
                    "adaptive",
                ],
                "sgdclassifier__eta0": stats.loguniform(1e-4, 1.0),
                "sgdclassifier__max_iter": [5, 10, 20, 50, 100, 200],
                "sgdclassifier__average": [False, True],
            },
        ),
    ]


def _optuna_space(space):
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    out = {}
    for name, dist in space.items():
        if isinstance(dist, list):
            out[name] = CategoricalDistribution(dist)
            continue
        a, b = dist.support()
        if dist.dist.name == "randint":
            out[name] = IntDistribution(int(a), int(b))
        else:
            out[name] = FloatDistribution(a, b, log=dist.dist.name == "loguniform")
    return out


def _scores_search(cls, est, space, X, y, cv, budget, seed):
    """Mean CV score of every candidate of a ``cls`` search, in draw order."""
    s = cls(
        est, space, n_iter=budget, scoring=SCORING, cv=cv, random_state=seed,
        refit=False,
    ).fit(X, y)  # fmt: skip
    return s.cv_results_["mean_test_score"]


_scores_random = functools.partial(_scores_search, RandomizedSearchCV)
_scores_ce = functools.partial(_scores_search, CrossEntropySearchCV)


def _scores_optuna(est, space, X, y, cv, budget, seed):
    import optuna
    from optuna_integration import OptunaSearchCV

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    s = OptunaSearchCV(
        est, _optuna_space(space), n_trials=budget, scoring=SCORING, cv=cv,
        random_state=seed, refit=False,
    ).fit(X, y)  # fmt: skip
    trials = sorted(s.trials_, key=lambda t: t.number)
    return np.array([t.user_attrs.get("mean_test_score", np.nan) for t in trials])


class RecordingCV:
    """A ``StratifiedKFold`` that records the test folds of every ``split``
    call, so that the script can check that the methods it pairs were
    evaluated on the same folds (every CE generation calls ``split`` again)."""

    def __init__(self, seed):
        self.splitter = StratifiedKFold(N_SPLITS, shuffle=True, random_state=seed)
        self.folds = set()

    def get_n_splits(self, X=None, y=None, groups=None):
        return N_SPLITS

    def split(self, X, y=None, groups=None):
        splits = list(self.splitter.split(X, y, groups))
        self.folds.add(tuple(test.tobytes() for _, test in splits))
        yield from splits


def fits_to_target(scores, target, budget):
    """``(fits, reached)``: N_SPLITS times the 1-based index of the first score
    at or above ``target``, or the whole budget."""
    hit = np.flatnonzero(np.nan_to_num(scores, nan=-np.inf) >= target)
    if hit.size:
        return (hit[0] + 1) * N_SPLITS, True
    return budget * N_SPLITS, False


def best_loss(scores, n_candidates):
    """Best mean CV log loss among the first ``n_candidates`` evaluated."""
    return -np.nanmax(np.asarray(scores)[:n_candidates])


def mean_se(values, digits):
    """``"mean ± standard error"`` over seeds (the mean alone for one seed)."""
    values = np.asarray(values, dtype=float)
    if values.size < 2:
        return f"{values.mean():.{digits}f}"
    se = values.std(ddof=1) / np.sqrt(values.size)
    return f"{values.mean():.{digits}f} ± {se:.{digits}f}"


def paired(diff, digits):
    """``(text, verdict)`` for per-seed differences CE - random: mean ± SE and
    whether |mean| exceeds two standard errors (and in whose favour: lower
    log loss and fewer fits are better)."""
    diff = np.asarray(diff, dtype=float)
    text = f"{diff.mean():+.{digits}f}"
    if diff.size < 2:
        return text, "n/a"
    se = diff.std(ddof=1) / np.sqrt(diff.size)
    text += f" ± {se:.{digits}f}"
    if abs(diff.mean()) <= 2 * se:
        return text, "no (within 2 SE)"
    return text, "yes, CE better" if diff.mean() < 0 else "yes, random better"


def run_dataset(name, X, y, est, space, methods, seeds, budget, n_ref, folds):
    """Per method: fits to target, best loss at half and full budget, per seed."""
    target = None
    if folds == "fixed":
        ref = _scores_random(est, space, X, y, RecordingCV(0), n_ref, 12345)
        target = np.nanpercentile(ref, 90)  # 10th percentile of the log loss
    out = {}
    for method, run in methods.items():
        rows = []
        for s in seeds:
            cv = RecordingCV(0 if folds == "fixed" else s)
            scores = run(est, space, X, y, cv, budget, s)
            fits, reached = (
                fits_to_target(scores, target, budget) if target is not None
                else (np.nan, False)
            )  # fmt: skip
            half, full = best_loss(scores, budget // 2), best_loss(scores, budget)
            rows.append((fits, reached, half, full, cv.folds))
        out[method] = rows
    # The pairing is only valid if every method saw the same folds at a seed.
    for k in range(len(seeds)):
        folds_seen = [rows[k][4] for rows in out.values()]
        if any(len(f) != 1 or f != folds_seen[0] for f in folds_seen):
            raise RuntimeError(f"{name}, seed {seeds[k]}: methods saw other folds")
    return target, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument("--seeds", type=int, default=40, help="seeds per method")
    parser.add_argument("--first-seed", type=int, default=200, help="first seed")
    parser.add_argument(
        "--folds",
        choices=["fixed", "per-seed"],
        default="fixed",
        help="fixed: one 3-fold split for every seed (fits to target need it); "
        "per-seed: the split of seed s for both methods at seed s",
    )
    args = parser.parse_args(argv)
    n_ref, budget, n_seeds = (6, 4, 2) if args.quick else (100, 30, args.seeds)
    seeds = range(args.first_seed, args.first_seed + n_seeds)
    methods = {"RandomizedSearchCV": _scores_random, "CrossEntropySearchCV": _scores_ce}
    if not args.quick:
        try:
            import optuna_integration  # noqa: F401

            methods["OptunaSearchCV (TPE)"] = _scores_optuna
        except ImportError:
            print("optuna-integration not importable: OptunaSearchCV skipped")
    warnings.simplefilter("ignore")  # convergence / experimental warnings
    fits_rows, loss_rows, diff_rows = [], [], []
    start = time.perf_counter()
    for name, X, y, est, space in problems():
        if args.quick:
            X, y = X[:200], y[:200]
        target, out = run_dataset(
            name, X, y, est, space, methods, seeds, budget, n_ref, args.folds
        )
        for method, rows in out.items():
            fits, reached, half, full, _ = zip(*rows, strict=True)
            loss_rows.append([name, method, mean_se(half, 4), mean_se(full, 4)])
            if target is not None:
                fits_rows.append(
                    [
                        name,
                        f"{-target:.4f}",
                        method,
                        mean_se(fits, 1),
                        f"{np.median(fits):.0f}",
                        f"{sum(reached)}/{len(rows)}",
                    ]
                )
        rnd = np.array([r[:4] for r in out["RandomizedSearchCV"]], dtype=float)
        ce = np.array([r[:4] for r in out["CrossEntropySearchCV"]], dtype=float)
        diff = ce - rnd
        full_text, full_verdict = paired(diff[:, 3], 4)
        half_text, half_verdict = paired(diff[:, 2], 4)
        wins = f"{(diff[:, 3] < 0).sum()} / {(diff[:, 3] == 0).sum()} / "
        wins += f"{(diff[:, 3] > 0).sum()}"
        row = [name, full_text, full_verdict, wins, half_text, half_verdict]
        if target is not None:
            row += list(paired(diff[:, 0], 1))
        diff_rows.append(row)
    print(machine_line())
    reference = f"reference random search: {n_ref} candidates; " if fits_rows else ""
    print(
        f"{reference}budget {budget} candidates x {N_SPLITS} folds; seeds "
        f"{seeds.start}-{seeds.stop - 1}; folds {args.folds} (checked: the same "
        f"for every method at each seed); {time.perf_counter() - start:.0f} s"
    )
    if fits_rows:
        print("\nFits to the target log loss:\n")
        print_table(
            ["dataset", "target log loss", "method", "mean fits", "median", "reached"],
            fits_rows,
        )
    print(
        f"\nBest mean CV log loss after {budget // 2 * N_SPLITS} fits (half) and "
        f"{budget * N_SPLITS} fits (full budget), mean ± SE over seeds:\n"
    )
    print_table(["dataset", "method", "half budget", "full budget"], loss_rows)
    print("\nPaired per seed, CrossEntropySearchCV - RandomizedSearchCV (± SE):\n")
    header = [
        "dataset",
        "log loss diff, full",
        "|diff| > 2 SE",
        "CE lower / tie / higher",
        "log loss diff, half",
        "|diff| > 2 SE (half)",
    ]
    if fits_rows:
        header += ["fits-to-target diff", "|diff| > 2 SE (fits)"]
    print_table(header, diff_rows)


if __name__ == "__main__":
    main()
