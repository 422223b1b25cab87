"""Sections of ``cemethod demo``: each runs one capability and returns a table row.

Every section checks its result against a reference computed independently (a
scikit-learn value, a closed form, a known optimum), so the demo doubles as a
smoke test a newcomer can read.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["DEMO_SECONDS", "DEMO_SECTIONS", "DemoRow"]


class DemoRow(NamedTuple):
    name: str
    result: str
    reference: str
    ok: bool
    seconds: float = 0.0
    details: dict | None = None
    # (file name, draw(ax), title) of the section's figures for ``--plot``; the
    # drawing runs only when plots are asked for.
    plots: tuple = ()

    def as_dict(self) -> dict:
        out = self._asdict()
        del out["plots"]
        return out


def one_blas_thread():
    """One BLAS thread (threadpoolctl, a dependency of scikit-learn, if
    installed): many small fits, where BLAS threads cost far more CPU than they
    save (the search: 14-20 CPU s with two OpenBLAS threads, 1.5 s with one)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _ticker(verbose: bool, label: str, every: int = 5):
    """A ``callback`` printing a progress line every ``every`` CE iterations."""

    def tick(result) -> bool:
        if verbose and result.nit % every == 0:
            line = f"  ... iteration {result.nit}: best {label} {result.fun:.6g}"
            print(line, flush=True)
        return False

    return tick


def _convergence(name: str, result, label: str, title: str, noise_window=None):
    from cemethod.cli._common import convergence_plot

    return (name, convergence_plot(result, label, noise_window), title)


def classifier_log_loss(seed: int, verbose: bool) -> DemoRow:
    """Log loss of a logistic regression on the breast-cancer data, against sklearn."""
    # scikit-learn ships this data set inside its wheel: no download.
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss as sklearn_log_loss
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklearn_ext import metrics

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=seed, stratify=y
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    proba = model.fit(X_train, y_train).predict_proba(X_test)

    ours = metrics.log_loss(y_test, proba)
    theirs = sklearn_log_loss(y_test, proba)
    bits = metrics.log_loss(y_test, proba, base=2)
    d2 = metrics.d2_log_loss_score(y_test, proba)
    per_class = metrics.log_loss_per_class(y_test, proba)
    if verbose:
        print("Classifier: logistic regression on breast cancer (30% test split)")
        print(f"  log loss {ours:.6f} nats = {bits:.6f} bits; sklearn {theirs:.6f}")
        print(f"  perplexity {metrics.perplexity(y_test, proba):.4f}; D2 {d2:.4f}")
        for label, loss, count in zip(
            per_class.labels, per_class.loss, per_class.support, strict=True
        ):
            print(f"  class {label}: mean loss {loss:.4f} over {count} samples")
        print()

    def reliability(ax):
        from sklearn_ext.display import ReliabilityDisplay

        ReliabilityDisplay.from_predictions(
            y_test, proba, ax=ax, name="logistic regression, C = 1"
        )

    def loss_curve(ax):
        from sklearn_ext.display import LossCurveDisplay

        LossCurveDisplay.from_predictions(y_test, proba, ax=ax)

    return DemoRow(
        name="log loss (breast cancer)",
        result=f"{ours:.6f}",
        reference=f"sklearn {theirs:.6f}",
        ok=ours == theirs,
        details={"log_loss": ours, "bits": bits, "d2": d2},
        plots=(
            (
                "classifier_reliability.png",
                reliability,
                "Reliability diagram: logistic regression, C = 1",
            ),
            ("classifier_loss_curve.png", loss_curve, "Log loss of each prediction"),
        ),
    )


def classifier_search(seed: int, verbose: bool) -> DemoRow:
    """CrossEntropySearchCV tunes a logistic regression; report of the refit model."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklearn_ext import cross_entropy_report
    from sklearn_ext.model_selection import CrossEntropySearchCV, FloatRange

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=seed, stratify=y
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    # the reference: a fine grid over the same range, scored on the same folds
    grid = {"logisticregression__C": np.logspace(-4, 3, 36)}
    reference = GridSearchCV(model, grid, scoring="neg_log_loss", cv=3)
    with one_blas_thread():
        if verbose:
            print("  the reference: a 36-point grid of C, 108 fits ...", flush=True)
        grid_best = -reference.fit(X_train, y_train).best_score_
        if verbose:
            print("  the CE search: 24 candidates in generations of 8 ...", flush=True)
        search = CrossEntropySearchCV(
            model,
            {"logisticregression__C": FloatRange(1e-4, 1e3, log=True)},
            n_iter=24,
            n_candidates_per_generation=8,
            scoring="neg_log_loss",
            cv=3,
            random_state=seed,
            verbose=1 if verbose else 0,
        ).fit(X_train, y_train)
    best = -search.best_score_
    best_c = float(search.best_params_["logisticregression__C"])
    if verbose:
        n_candidates = len(search.cv_results_["params"])
        print("CE hyperparameter search: C of a logistic regression (3-fold CV)")
        print(f"  best C {best_c:.4g}: cross-validated log loss {best:.4f} after")
        print(f"  {n_candidates} candidates; a 36-point grid: {grid_best:.4f}")
        print(
            f"Cross-entropy report of the refit model (C = {best_c:.4g}) on the "
            "test split (classifier_reliability.png is of the C = 1 model):"
        )
        print(cross_entropy_report(y_test, search.predict_proba(X_test)))
        print()
    return DemoRow(
        name="CE hyperparameter search",
        result=f"CV log loss {best:.4f}",
        reference=f"36-point grid {grid_best:.4f}",
        ok=bool(best <= 1.02 * grid_best),  # within 2%, with 2/3 of the fits
        details={"best_C": best_c, "cv_log_loss": best, "grid_best": grid_best},
    )


def code_length_entropy(seed: int, verbose: bool) -> DemoRow:
    """Entropy and cross-entropy of a source against a prefix code, in bits."""
    from sklearn_ext import metrics

    p = np.array([0.35, 0.35, 0.1, 0.1, 0.04, 0.04, 0.01, 0.01])
    lengths = np.array([2, 2, 3, 3, 4, 4, 5, 5])
    q = 2.0**-lengths  # the distribution a code with these lengths is optimal for
    h = metrics.entropy(p, base=2)
    ce = metrics.cross_entropy(p, q, base=2)
    expected = float(p @ lengths)  # the mean code length, by definition
    if verbose:
        print("Coding: 8 symbols, code lengths (2, 2, 3, 3, 4, 4, 5, 5) bits")
        print(f"  entropy {h:.4f} bits <= mean code length {ce:.4f} bits\n")
    return DemoRow(
        name="cross-entropy of a code",
        result=f"{ce:.4f} bits",
        reference=f"mean length {expected:.4f}",
        ok=bool(np.isclose(ce, expected, rtol=1e-12) and h <= ce),
        details={"entropy_bits": h, "cross_entropy_bits": ce},
    )


def tsplib_tour(seed: int, verbose: bool) -> DemoRow:
    """ulysses22 from TSPLIB (shipped with the package): CE, then 2-opt / Or-opt."""
    from cemethod import minimize
    from cemethod.cli._common import tour_plot
    from cemethod.problems import TSP, read_tsplib

    data = read_tsplib(TSP.example_path("ulysses22.tsp"))
    tsp = TSP._from_data(data)
    xy = data.coordinates  # GEO: latitude, longitude
    res = minimize(
        tsp,
        tsp.default_family(),
        vectorized=True,
        rng=seed,
        callback=_ticker(verbose, "tour length"),
        **tsp.default_options(),
    )
    tour, length = tsp.polish_result(res, rng=seed)
    pure = 100 * (res.fun / tsp.optimum - 1)
    polished = 100 * (length / tsp.optimum - 1)
    title = f"{tsp.name}: length {length:.0f}"
    if verbose:
        print(f"TSP: {tsp.name}, {tsp.n} cities, published optimum {tsp.optimum}")
        print(
            f"  pure CE {res.fun:.0f} ({pure:.2f}% above), after 2-opt / Or-opt "
            f"{length:.0f} ({polished:.2f}% above)\n"
        )
    return DemoRow(
        name=f"TSP {tsp.name}",
        result=f"{length:.0f} (CE alone {res.fun:.0f})",
        reference=f"optimum {tsp.optimum}",
        ok=bool(polished <= 1.0),
        details={"ce": float(res.fun), "polished": float(length)},
        plots=(
            ("tsp_tour.png", tour_plot(xy, tour, geo=True, labelled=True), title),
            _convergence("tsp_convergence.png", res, "tour length", "TSP: CE"),
        ),
    )


def max_cut(seed: int, verbose: bool) -> DemoRow:
    """The synthetic max-cut instance of de Boer et al. (2005), n = 400."""
    from cemethod.problems import MaxCut

    problem = MaxCut.synthetic(400, 200, rng=seed)
    res = problem.solve(rng=seed, callback=_ticker(verbose, "cut"))
    if verbose:
        print("Max-cut: synthetic n = 400 instance (de Boer et al. 2005, sec. 3.1)")
        print(
            f"  CE cut {res.fun:.0f} in {res.nit} iterations ({res.nfev} cuts); "
            f"optimum by construction {problem.optimum:.0f}\n"
        )
    return DemoRow(
        name="max-cut (n = 400)",
        result=f"{res.fun:.0f}",
        reference=f"optimum {problem.optimum:.0f}",
        ok=bool(np.isclose(res.fun, problem.optimum)),
        details={"cut": float(res.fun), "optimum": float(problem.optimum)},
        plots=(_convergence("maxcut_convergence.png", res, "cut", "Max-cut: CE"),),
    )


def bridge_rare_event(seed: int, verbose: bool) -> DemoRow:
    """P(shortest path >= 2) in the bridge network of de Boer et al. (2005)."""
    from cemethod import estimate_rare_event
    from cemethod.problems import BridgeNetwork

    bridge = BridgeNetwork()
    # The settings of the 1.05e5-evaluation row of benchmarks/bench_rare_event.py.
    res = estimate_rare_event(
        bridge,
        2.0,
        bridge.default_family(),
        n_samples=2000,
        n_final=93_000,
        smoothing=0.7,
        rng=seed,
    )
    within = abs(res.estimate - bridge.exact) <= 3 * res.std_error
    if verbose:
        print("Rare event: shortest path >= 2 in the 5-edge bridge network")
        print(
            f"  {res.estimate:.4e}, relative error {res.relative_error:.3f}, "
            f"{res.n_evaluations} evaluations; exact {bridge.exact:.4e}\n"
        )
    return DemoRow(
        name="bridge rare event",
        result=f"{res.estimate:.4e} +- {res.std_error:.1e}",
        reference=f"exact {bridge.exact:.4e}",
        ok=bool(within),
        details={"estimate": res.estimate, "relative_error": res.relative_error},
        plots=(("bridge_levels.png", _levels_plot(res.levels, 2.0), "Bridge: CE"),),
    )


def _levels_plot(levels, gamma):
    def draw(ax):
        ax.plot(
            range(1, len(levels) + 1),
            levels,
            "-o",
            label="intermediate level (gamma_t)",
        )
        ax.axhline(gamma, color="k", ls="--", label=f"event level {gamma:g}")
        ax.set_xlabel("CE iteration")
        ax.set_ylabel("shortest path length")
        ax.legend()

    return draw


def dodecahedron_unreliability(seed: int, verbose: bool) -> DemoRow:
    """Two-terminal unreliability of the dodecahedron, q = 1e-3 (Hui et al. 2005)."""
    from cemethod.problems import NetworkReliability, dodecahedron

    edges, source, target = dodecahedron()
    network = NetworkReliability(edges, source=source, target=target, q=1e-3)
    exact = network.exact()
    res = network.estimate(2000, n_final=80_000, rng=seed)
    within = abs(res.estimate - exact) <= 3 * res.std_error
    if verbose:
        print("Network reliability: dodecahedron, every edge fails w.p. 1e-3")
        print(
            f"  {res.method} estimate {res.estimate:.4e}, relative error "
            f"{res.relative_error:.3f}; exact (frontier DP) {exact:.4e}\n"
        )
    return DemoRow(
        name="network unreliability",
        result=f"{res.estimate:.4e} +- {res.std_error:.1e}",
        reference=f"exact {exact:.4e}",
        ok=bool(within),
        details={"estimate": res.estimate, "exact": exact},
    )


def buffer_allocation(seed: int, verbose: bool) -> DemoRow:
    """Six buffer slots in an unreliable 4-machine line (Alon et al. 2005)."""
    from cemethod import maximize
    from cemethod.optimize._noisy import NOISE_WINDOW
    from cemethod.problems import BufferAllocation

    problem = BufferAllocation(
        [1.0, 1.2, 1.0, 1.1], [0.05, 0.1, 0.02, 0.1], [0.5, 0.6, 0.4, 0.5], 6, rng=seed
    )
    best = problem.enumerate_optimum()  # exact Markov-chain throughput of each
    res = maximize(
        problem,
        problem.default_family(),
        rng=seed,
        noisy=True,
        **problem.default_options(),
    )
    found = problem.exact_throughput(res.x)
    if verbose:
        h = res.honest
        print("Buffer allocation: 6 slots, 4 unreliable machines (noisy simulation)")
        print(
            f"  CE {res.x.tolist()} honest throughput {h.value:.4f} (95% interval "
            f"{h.interval[0]:.4f} to {h.interval[1]:.4f}, {h.n_replications} fresh "
            f"runs; in-run {res.fun:.4f}), exact {found:.4f}; enumeration "
            f"{best.x[0].tolist()} {best.fun:.4f}\n"
        )
    return DemoRow(
        name="buffer allocation",
        result=f"{res.x.tolist()} -> {found:.4f}",
        reference=f"optimum {best.fun:.4f}",
        ok=bool(np.isclose(found, best.fun, rtol=1e-9)),
        details={
            "x": res.x.tolist(),
            "throughput": found,
            "honest_throughput": res.honest.value,
            "optimum": best.fun,
        },
        plots=(
            _convergence(
                "buffer_convergence.png",
                res,
                "throughput",
                "Buffers: CE",
                noise_window=NOISE_WINDOW,
            ),
        ),
    )


def sequence_alignment(seed: int, verbose: bool) -> DemoRow:
    """Global DNA alignment by CE (Keith & Kroese 2002) against Needleman-Wunsch."""
    from cemethod.problems import SequenceAlignment

    rng = np.random.default_rng(7)
    a = "".join(rng.choice(list("ACGT"), 40))
    mutate = rng.random(40) < 0.2
    b = "".join(np.where(mutate, rng.choice(list("ACGT"), 40), list(a)))
    problem = SequenceAlignment(a, b, gap_open=2.0)
    res = problem.solve(rng=seed, callback=_ticker(verbose, "cut"))
    cmp = problem.compare(res)
    if verbose:
        print("Sequence alignment: two DNA sequences of length 40, linear gaps")
        print(problem.format(res.x))
        print(f"  CE score {cmp['ce']:g}; dynamic programming {cmp['dp']:g}\n")
    return DemoRow(
        name="sequence alignment",
        result=f"score {cmp['ce']:g}",
        reference=f"DP optimum {cmp['dp']:g}",
        ok=bool(cmp["reached"]),
        details={"ce": float(cmp["ce"]), "dp": float(cmp["dp"])},
        plots=(_convergence("alignment_convergence.png", res, "score", "Alignment"),),
    )


# Seconds each section takes on an idle 2-core x86_64 machine (CPU seconds of a
# run with --quiet; the first section includes importing scikit-learn): what the
# demo announces before it starts and before each section.
DEMO_SECONDS = {
    "classifier_log_loss": 4.0,
    "classifier_search": 1.5,
    "code_length_entropy": 0.1,
    "tsplib_tour": 2.0,
    "max_cut": 2.0,
    "bridge_rare_event": 0.1,
    "dodecahedron_unreliability": 0.5,
    "buffer_allocation": 0.5,
    "sequence_alignment": 0.3,
}

DEMO_SECTIONS = (
    classifier_log_loss,
    classifier_search,
    code_length_entropy,
    tsplib_tour,
    max_cut,
    bridge_rare_event,
    dodecahedron_unreliability,
    buffer_allocation,
    sequence_alignment,
)
