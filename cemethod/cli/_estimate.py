"""``cemethod reliability``, ``buffer`` and ``evaluate``: estimation and noisy
optimization on the user's own data, thin layers over the library."""

from __future__ import annotations

import numpy as np

from cemethod.cli._common import (
    InputError,
    ce_summary,
    convergence_plot,
    honest_line,
    optimizer_options,
)
from cemethod.cli._readers import read_buffer_config, read_graph
from cemethod.cli._text_readers import read_predictions

__all__ = ["run_buffer", "run_evaluate", "run_reliability"]


def _network(args, path):
    """The file's network. Edge-list node ids are names, numbered compactly in
    increasing order (``labels`` keeps them): the ids do not size any array,
    and a node no line names is not a node of the network."""
    from cemethod.problems import Network, as_network

    limit = args.max_edges
    kind, data, values, where = read_graph(path, "q", max_edges=limit)
    if kind == "matrix":
        n = data.shape[0]
        links = n * (n - 1) // 2
        if links > limit:  # as_network's own check, said with the option
            row = next(r for r in range(1, n + 1) if r * (r - 1) // 2 > limit)
            raise InputError(
                f"{path}, line {where[row - 1]}: a {n} x {n} matrix has up to "
                f"{links} links, more than the limit --max-edges {limit}; raise "
                f"it if the graph is meant to be this large, e.g. --max-edges "
                f"{links}"
            )
        bad = np.argwhere((data < 0) | (data > 1))
        if bad.size:
            i, j = bad[0]
            raise InputError(
                f"{path}, line {where[i]}: expected failure probabilities in [0, 1] "
                f"(0 = no link), got {data[i, j]:g} in column {j + 1}"
            )
        try:
            return as_network(data, args.q, max_edges=limit)
        except ValueError as exc:
            raise InputError(
                f"{path}: expected a symmetric matrix of failure probabilities in "
                "[0, 1] (0 = no link), or a 0/1 adjacency matrix with --q; " + str(exc)
            ) from None
    q = []
    for value, line in zip(values, where, strict=True):
        if value is None:
            if args.q is None:
                raise InputError(
                    f"{path}, line {line}: expected a failure probability in a "
                    "third column (or give --q for every edge without one)"
                )
            value = args.q
        if not 0 <= value <= 1:
            raise InputError(
                f"{path}, line {line}: expected a failure probability q in [0, 1], "
                f"got {value:g}"
            )
        q.append(value)
    ids, compact = np.unique(data, return_inverse=True)
    net = as_network(
        [tuple(e) for e in compact.reshape(-1, 2).tolist()],
        q,
        max_nodes=max(1, len(ids)),
        max_edges=limit,
    )
    return Network(net.n_nodes, net.edges, net.q, tuple(ids.tolist()))


def run_reliability(args, out, progress):
    from cemethod.problems import NetworkReliability
    from cemethod.problems.networks._exact import exact_cost

    path = args.graph
    net = _network(args, path)  # read_graph checks the file
    if (args.source is None) != (args.target is None):
        raise InputError("--source and --target go together (neither: all-terminal)")
    nodes = set(net.labels)
    for option, node in (("--source", args.source), ("--target", args.target)):
        if node is not None and node not in nodes:
            some = sorted(nodes)
            shown = (
                ", ".join(map(str, some))
                if len(some) <= 8
                else (f"{len(some)} ids from {some[0]} to {some[-1]}")
            )
            raise InputError(
                f"{option} {node}: expected a node of {path} (its nodes: {shown})"
            )
    if args.source is not None and args.source == args.target:
        raise InputError("--target: expected a node other than the source")
    rel = NetworkReliability(net, args.source, args.target)
    terminals = (
        "all-terminal"
        if args.source is None
        else f"two-terminal {args.source} -> {args.target}"
    )
    print(
        f"network: {net.n_nodes} nodes, {net.n_edges} edges, {terminals} unreliability",
        flush=True,
    )
    method = args.method
    lines, payload = (
        [],
        {
            "command": "reliability",
            "file": path,
            "n_nodes": net.n_nodes,
            "n_edges": net.n_edges,
            "source": args.source,
            "target": args.target,
        },
    )
    if method in ("auto", "exact"):
        s = None if args.source is None else rel.source
        cost = exact_cost(net, s, rel.target, limit=args.max_states)
        how = {
            "none": "no computation needed",
            "enumeration": "enumeration of the 2^m edge states",
            "frontier": "frontier dynamic program",
        }[cost.method]
        too_costly = (
            f"{cost.qualifier} {cost.states:.3g} states by its estimate "
            f"({cost.detail}), above the limit --max-states {args.max_states}"
        )
        if cost.states <= args.max_states:
            progress.step("exact")
            exact = rel.exact(max_states=args.max_states)
            lines.append(
                f"exact unreliability {exact:.6e} ({how}, {net.n_edges} edges)"
            )
            payload["exact"] = exact
            payload["exact_method"] = how
        elif method == "exact":
            raise InputError(
                f"{path}: no exact value: {too_costly}; "
                f"{cost.advice('--max-states ')}, or estimate instead with "
                "--method ce"
            )
        else:
            lines.append(
                f"no exact value: {too_costly} (raise it to compute the exact value)"
            )
    res = None
    if method in ("auto", "ce"):
        n = args.samples or 1000
        progress.step("CE importance sampling")
        res = rel.estimate(
            n,
            n_iterations=args.iterations,
            n_final=args.final_samples,
            smoothing=args.smoothing or 0.7,
            method="cross-entropy",
            rng=args.seed,
        )
        label = "CE importance-sampling estimate"
    elif method == "turnip":
        n = args.samples or 1000
        progress.step("turnip (permutation Monte Carlo)")
        res = rel.estimate(
            n, n_final=args.final_samples, method="turnip", rng=args.seed
        )
        label = "turnip estimate"
    elif method == "splitting":
        n = args.samples or 1000
        progress.step("generalized splitting")
        res = rel.estimate(
            n, n_final=args.final_samples, method="splitting", rng=args.seed
        )
        label = "splitting estimate"
    elif method == "crude":
        progress.step("crude Monte Carlo")
        res = rel.crude_monte_carlo(args.samples or 100_000, rng=args.seed)
        label = "crude Monte Carlo estimate"
    if res is not None:
        ci = res.confidence_interval
        lines.append(
            f"{label} {res.estimate:.6e} +- {res.std_error:.2e} (relative error "
            f"{res.relative_error:.3g}; {100 * ci.level:g}% interval "
            f"[{ci.low:.4e}, {ci.high:.4e}]; {res.n_evaluations} samples)"
        )
        if res.degenerate_weights:
            lines.append("warning: " + res.message)
        payload["estimate"] = {
            "method": res.method,
            "estimate": res.estimate,
            "std_error": res.std_error,
            "relative_error": res.relative_error,
            "confidence_interval": [ci.low, ci.high, ci.level],
            "n_evaluations": res.n_evaluations,
            "message": res.message,
        }
        if method in ("auto", "ce") and res.family is not None:
            p = np.asarray(res.family.p)
            payload["estimate"]["importance_sampling_p"] = p.tolist()
            q = np.asarray(net.q)

            def draw(ax):
                k = np.arange(q.size)
                ax.bar(k - 0.2, q, width=0.4, label="nominal q")
                ax.bar(k + 0.2, p, width=0.4, label="CE importance sampling p")
                ax.set_yscale("log")
                ax.set_xlabel("edge (file order)")
                ax.set_ylabel("failure probability")
                ax.legend()

            out.add_figure(
                "edge_probabilities.png", draw, "Failure probabilities: nominal and CE"
            )
    return lines, payload


def run_buffer(args, out, progress):
    from cemethod import maximize
    from cemethod.optimize._noisy import NOISE_WINDOW
    from cemethod.problems import BufferAllocation, ThroughputMaximization

    path = args.config
    cfg = read_buffer_config(path)  # checks the file
    sim = {k: cfg.pop(k) for k in ("horizon", "warmup") if k in cfg}
    replications = cfg.pop("replications", None)
    kind = cfg.pop("problem")
    try:
        if kind == "buffer_allocation":
            problem = BufferAllocation(
                cfg["service_rates"],
                cfg.get("failure_rates"),
                cfg.get("repair_rates"),
                cfg["total_buffer"],
                rng=args.seed,
                max_steps=args.max_steps,
                **sim,
            )
            what = (
                f"{problem.n_dims + 1} machines, {problem.total_buffer} buffer "
                f"slots to share"
            )
        else:
            problem = ThroughputMaximization(
                **cfg, rng=args.seed, max_steps=args.max_steps, **sim
            )
            what = (
                f"{problem.n_stations} stations, rate budget "
                f"{problem.total_rate}, buffer budget {problem.total_buffer}"
            )
        if args.enumerate:  # refused before the run, not after it
            problem.check_enumeration()
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from None
    print(
        f"{kind.replace('_', ' ')}: {what} (simulation horizon {problem.horizon:g})",
        flush=True,
    )
    opts = optimizer_options(args, problem.default_options())
    if replications is not None:
        opts["replications"] = replications
    window = opts.get("noise_window") or NOISE_WINDOW
    progress.noise_window = window
    res = maximize(
        problem,
        problem.default_family(),
        rng=args.seed,
        callback=progress.callback,
        noisy=True,
        **opts,
    )
    x = np.asarray(res.x).astype(int).tolist()
    try:
        exact = problem.exact_throughput(x) if args.exact else None
    except ValueError as exc:  # a line too large for the Markov chain
        raise InputError(f"{path}: --exact: {exc}") from None
    lines = [f"decision {x}: {honest_line(res, 'throughput')}"]
    if exact is not None:
        lines[0] += f"; exact (Markov chain) {exact:.5g}"
    payload = {
        "command": "buffer",
        "file": path,
        "problem": kind,
        "x": x,
        "simulated_throughput": res.fun,
        "honest_throughput": res.honest.value,
        "exact_throughput": exact,
        "ce": ce_summary(res),
    }
    if args.enumerate:
        progress.step("enumeration")
        try:
            best = problem.enumerate_optimum()
        except ValueError as exc:  # too many decisions, or too large a line
            raise InputError(f"{path}: --enumerate: {exc}") from None
        lines.append(
            f"enumeration of {best.n_candidates} decisions (exact throughput): "
            f"best {best.fun:.5g} at {best.x.tolist()}"
        )
        payload["enumeration"] = {
            "fun": best.fun,
            "x": best.x.tolist(),
            "n_candidates": best.n_candidates,
        }
    lines.append(f"{res.nit} CE iterations, {res.nfev} simulations; {res.message}")
    out.add_figure(
        "convergence.png",
        convergence_plot(res, "throughput", noise_window=window),
        "CE convergence",
    )
    return lines, payload


def run_evaluate(args, out, progress):
    from sklearn_ext import cross_entropy_report

    y_true, y_proba, labels = read_predictions(args.y_true, args.y_proba)
    kwargs = {"labels": labels, "n_bins": args.bins}
    try:
        text = cross_entropy_report(
            y_true, y_proba, digits=args.digits, bands=args.bands, **kwargs
        )
        report = cross_entropy_report(
            y_true, y_proba, output="dict", bands=args.bands, **kwargs
        )
    except ValueError as exc:
        raise InputError(f"{args.y_true}, {args.y_proba}: {exc}") from None
    payload = {
        "command": "evaluate",
        "y_true": args.y_true,
        "y_proba": args.y_proba,
        "n_samples": len(y_true),
        "report": report,
    }
    if out.plot_dir:
        from sklearn_ext.display import PerClassLossDisplay, ReliabilityDisplay

        out.add_figure(
            "reliability_diagram.png",
            lambda ax: ReliabilityDisplay.from_predictions(
                y_true, y_proba, labels=labels, n_bins=args.bins, ax=ax
            ),
            "Reliability diagram",
        )
        out.add_figure(
            "per_class_loss.png",
            lambda ax: PerClassLossDisplay.from_predictions(
                y_true, y_proba, labels=labels, ax=ax
            ),
            "Log loss per class",
        )
    return [text], payload
