"""``cemethod tsp``, ``maxcut``, ``schedule`` and ``align``: the CE optimizer on
the user's own data, each a thin layer over the problem classes."""

from __future__ import annotations

import os
import re
import sys

import numpy as np

from cemethod.cli._common import (
    InputError,
    ce_summary,
    check_input_file,
    convergence_plot,
    optimizer_options,
    tour_plot,
)
from cemethod.cli._readers import is_matrix_file, read_graph, read_jobs_csv
from cemethod.cli._text_readers import locate, read_sequence

__all__ = ["run_align", "run_maxcut", "run_schedule", "run_tsp"]


def _library_error(exc: Exception, path: str, prefix: str) -> InputError:
    """A reader's ValueError (which names the file and line) as an InputError."""
    text = str(exc).removeprefix(prefix)
    return InputError(text if path in text else f"{path}: {text}")


def _no_workers_with(args, what: str) -> None:
    if getattr(args, "workers", None) not in (None, 1):
        raise InputError(f"--workers does not apply with {what}: leave it out")


# -- tsp --
def run_tsp(args, out, progress):
    from cemethod.problems import TSP, read_tsplib

    path = check_input_file(args.file)
    try:
        data = read_tsplib(path)
    except ValueError as exc:
        raise _library_error(exc, path, "read_tsplib: file ") from None
    if data.type == "TOUR":
        raise InputError(f"{path}: expected a TSP or ATSP file, got a TOUR file")
    try:
        problem = TSP._from_data(
            data, "published" if args.optimum is None else args.optimum
        )
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from None
    optimum = problem.optimum
    known = f", published optimum {optimum}" if optimum is not None else ""
    print(f"{data.type} {data.name}: {problem.n} cities{known}", flush=True)
    opts = optimizer_options(args, problem.default_options())
    sol = problem.solve(
        rng=args.seed, polish=args.polish, callback=progress.callback, **opts
    )
    res = sol.result
    lines = [f"tour length {sol.length:g}"]
    if sol.polished:
        lines[0] += f" after 2-opt / Or-opt (CE alone {res.fun:g})"
    if sol.relative_error is not None:
        lines.append(f"{100 * sol.relative_error:.2f}% above the optimum {optimum:g}")
    lines.append(f"{res.nit} CE iterations, {res.nfev} tours evaluated; {res.message}")
    tour = (np.asarray(sol.tour) + 1).tolist()  # TSPLIB numbers nodes from 1
    lines.append("tour (TSPLIB node numbers): " + " ".join(map(str, tour)))
    payload = {
        "command": "tsp",
        "file": path,
        "name": data.name,
        "type": data.type,
        "n": problem.n,
        "length": sol.length,
        "ce_length": res.fun,
        "polished": sol.polished,
        "optimum": optimum,
        "relative_error": sol.relative_error,
        "tour": tour,
        "ce": ce_summary(res),
    }
    if data.coordinates is not None:
        draw = tour_plot(data.coordinates, sol.tour, data.edge_weight_type == "GEO")
        out.add_figure("tour.png", draw, f"{data.name}: length {sol.length:g}")
    out.add_figure(
        "convergence.png", convergence_plot(res, "tour length"), "CE convergence"
    )
    return lines, payload


# -- maxcut --
_MAX_NODES = 5000


_HEADER_FORMATS = {
    # --format: (reader, name, why auto-detection chose it)
    "gset": ("from_gset", "G-set", "its first line is two integers 'n m'"),
    "dimacs": ("from_dimacs", "DIMACS", "its first line after comments is 'p ...'"),
}


def _detect_format(path) -> str:
    from cemethod.problems.maxcut import looks_like_dimacs, looks_like_gset

    check_input_file(path)
    try:
        if looks_like_dimacs(path):
            return "dimacs"
        return "gset" if looks_like_gset(path) else "edges"
    except ValueError as exc:  # not UTF-8 text
        raise _library_error(exc, path, "") from None


def _maxcut_problem(path, fmt):
    """The MaxCut of the file ``path`` read as ``fmt`` (auto, gset, dimacs,
    edges)."""
    from cemethod.problems import MaxCut
    from cemethod.problems.maxcut import looks_like_gset

    detected = fmt == "auto" and not is_matrix_file(path)
    if detected:
        fmt = _detect_format(path)
    if fmt in _HEADER_FORMATS:
        reader, name, why = _HEADER_FORMATS[fmt]
        check_input_file(path)
        try:
            return getattr(MaxCut, reader)(path), name
        except ValueError as exc:
            hint = (
                f" (read as a {name} file because {why}; for a plain edge list "
                "pass --format edges)"
                if detected
                else ""
            )
            raise _library_error(ValueError(f"{exc}{hint}"), path, "") from None
    kind, data, values, where = read_graph(path, "weight")  # checks the file
    if kind == "matrix":
        return MaxCut(data), "matrix"
    if not detected and looks_like_gset(path):
        print(
            f"note: {path} looks like a G-set file (first line 'n m'); read as a "
            "plain edge list with 0-based node ids because of --format edges",
            file=sys.stderr,
            flush=True,
        )
    if data.max() >= _MAX_NODES:  # a guard against node ids typed wrong
        raise InputError(
            f"{path}, line {where[int(np.argmax(data.max(axis=1)))]}: expected "
            f"node ids below {_MAX_NODES}, got {int(data.max())}"
        )
    weights = [1.0 if v is None else v for v in values]
    rows = [(u, v, w) for (u, v), w in zip(data.tolist(), weights, strict=True)]
    return MaxCut.from_edge_list(rows), "edge list"


def run_maxcut(args, out, progress):
    from cemethod import maximize

    path = args.graph
    problem, fmt = _maxcut_problem(path, getattr(args, "format", "auto"))
    n_edges = problem.n_edges
    print(
        f"max-cut: {problem.n_nodes} nodes, {n_edges} edges, total weight "
        f"{problem.total_weight:g} (read as {fmt})",
        flush=True,
    )
    modes = [
        name
        for name, given in (
            ("--tabu", getattr(args, "tabu", False)),
            ("--polish", args.polish),
            ("--pure-ce", getattr(args, "pure_ce", False)),
        )
        if given
    ]
    if len(modes) > 1:
        raise InputError(f"{' and '.join(modes)} are two modes: give one of them")
    tabu = not (args.polish or getattr(args, "pure_ce", False))  # the default
    defaults = problem.tabu_options() if tabu else problem.default_options()
    opts = optimizer_options(args, defaults)
    if tabu:
        _no_workers_with(
            args,
            "--tabu"
            if modes
            else "the default mode (--tabu; "
            "give --pure-ce to evaluate the cuts in parallel)",
        )
        res = problem.solve(
            polish="tabu", rng=args.seed, callback=progress.callback, **opts
        )
    elif args.polish:
        _no_workers_with(args, "--polish")
        res = problem.solve(
            polish=True, rng=args.seed, callback=progress.callback, **opts
        )
    else:
        res = maximize(
            problem,
            problem.default_family(),
            vectorized=True,
            rng=args.seed,
            callback=progress.callback,
            **opts,
        )
    x = np.asarray(res.x).astype(int)
    side = np.flatnonzero(x == x[0]).tolist()
    other = np.flatnonzero(x != x[0]).tolist()
    lines = [
        f"cut weight {res.fun:g} of total {problem.total_weight:g}",
        f"side A ({len(side)} nodes): " + " ".join(map(str, side)),
        f"side B ({len(other)} nodes): " + " ".join(map(str, other)),
        f"{res.nit} CE iterations, {res.nfev} cuts evaluated; {res.message}",
    ]
    payload = {
        "command": "maxcut",
        "file": path,
        "n_nodes": problem.n_nodes,
        "cut": res.fun,
        "x": x.tolist(),
        "side_a": side,
        "side_b": other,
        "ce": ce_summary(res),
    }
    out.add_figure(
        "convergence.png", convergence_plot(res, "cut weight"), "CE convergence"
    )
    return lines, payload


# -- schedule --
_POLISH = {"none": False, "final": "final", "samples": "samples", "both": True}


def _orlib_jobs(path) -> int:
    match = re.search(r"wt(\d+)", os.path.basename(path))
    return int(match.group(1)) if match else 40


def run_schedule(args, out, progress):
    from cemethod.problems import WeightedTardiness, read_orlib_wt

    path = args.file
    if path.lower().endswith(".csv"):
        if args.instance is not None or args.jobs is not None:
            raise InputError("--instance and --jobs apply to OR-Library files only")
        p, w, d = read_jobs_csv(path)  # checks the file
        problem = WeightedTardiness(p, w, d, optimum=args.optimum)
        where = f"{len(p)} jobs from {path}"
    else:
        check_input_file(path)
        n_jobs = args.jobs or _orlib_jobs(path)
        try:
            problems = read_orlib_wt(path, n_jobs=n_jobs)
        except ValueError as exc:
            error = _library_error(exc, path, "read_orlib_wt: ")
            if "multiple of" in str(exc):
                error = InputError(f"{error} (jobs per instance: --jobs {n_jobs})")
            raise error from None
        k = 1 if args.instance is None else args.instance
        if k > len(problems):
            raise InputError(
                f"--instance {k}: {path} holds {len(problems)} instances of "
                f"{n_jobs} jobs (counted from 1)"
            )
        base = problems[k - 1]
        problem = WeightedTardiness(
            base.processing, base.weights, base.due, optimum=args.optimum
        )
        where = f"instance {k} of {len(problems)} in {path}, {n_jobs} jobs"
    known = "" if problem.optimum is None else f", optimum {problem.optimum:g}"
    print(f"weighted tardiness: {where}{known}", flush=True)
    polish = _POLISH[args.polish]
    if polish in ("samples", True):
        _no_workers_with(args, f"--polish {args.polish}")
    opts = optimizer_options(args, problem.default_options())
    res = problem.solve(
        polish=polish, rng=args.seed, callback=progress.callback, **opts
    )
    order = (np.asarray(res.x) + 1).tolist()
    lines = [f"total weighted tardiness {res.fun:g}"]
    gap = None
    if problem.optimum is not None:
        gap = res.fun - problem.optimum
        lines[0] += f" (optimum {problem.optimum:g}, gap {gap:g})"
    lines.append("job order (jobs numbered from 1): " + " ".join(map(str, order)))
    lines.append(f"{res.nit} CE iterations, {res.nfev} orders evaluated; {res.message}")
    payload = {
        "command": "schedule",
        "file": path,
        "n_jobs": problem.n_jobs,
        "total_weighted_tardiness": res.fun,
        "optimum": problem.optimum,
        "gap": gap,
        "order": order,
        "polish": args.polish,
        "ce": ce_summary(res),
    }
    out.add_figure(
        "convergence.png",
        convergence_plot(res, "total weighted tardiness"),
        "CE convergence",
    )
    return lines, payload


# -- align --
def _matrix(args, seqs):
    from cemethod.problems import BLOSUM62, dna_matrix

    choice = args.matrix
    if choice == "auto":
        letters = set("".join(seqs).upper()) - {"-"}
        choice = "dna" if letters <= set("ACGTN") else "blosum62"
    if choice == "blosum62":
        if args.match is not None or args.mismatch is not None:
            raise InputError("--match and --mismatch apply to --matrix dna only")
        return choice, BLOSUM62
    match = 1.0 if args.match is None else args.match
    mismatch = -1.0 if args.mismatch is None else args.mismatch
    return choice, dna_matrix(match, mismatch)


def _check_letters(seq, source, arg, alphabet, which):
    for index, letter in enumerate(seq):
        if letter != "-" and letter.upper() not in alphabet:
            place = arg if source is None else locate(source, index)
            raise InputError(
                f"{place}: expected letters of the alphabet {alphabet} ({which}), "
                f"got {letter!r} at position {index + 1} of the sequence"
            )


def run_align(args, out, progress):
    from cemethod.problems import SequenceAlignment

    (name_a, a, src_a), (name_b, b, src_b) = (
        read_sequence(args.seq1),
        read_sequence(args.seq2),
    )
    which, matrix = _matrix(args, [a, b])
    _check_letters(a, src_a, args.seq1, matrix.alphabet, which)
    _check_letters(b, src_b, args.seq2, matrix.alphabet, which)
    a, b = a.replace("-", ""), b.replace("-", "")
    name_a, name_b = (n if len(n) <= 24 else n[:21] + "..." for n in (name_a, name_b))
    gap_extend = args.gap_extend
    if gap_extend is not None and gap_extend > args.gap_open:
        raise InputError(
            f"--gap-extend {gap_extend:g}: expected at most --gap-open "
            f"({args.gap_open:g})"
        )
    problem = SequenceAlignment(
        a, b, matrix, gap_open=args.gap_open, gap_extend=gap_extend, mode=args.mode
    )
    notes = [
        f" (first of {src[2]} records in {arg})"
        for src, arg in ((src_a, args.seq1), (src_b, args.seq2))
        if src is not None and src[2] > 1
    ]
    print(
        f"{args.mode} alignment of {name_a} ({len(a)}) and {name_b} ({len(b)}), "
        f"{which} scores, gap open {problem.gap_open:g} / extend "
        f"{problem.gap_extend:g}" + "".join(notes),
        flush=True,
    )
    opts = optimizer_options(args, problem.default_options())
    res = problem.solve(rng=args.seed, callback=progress.callback, **opts)
    cmp = problem.compare(res)
    verdict = "reached" if cmp["reached"] else f"{cmp['gap']:g} below"
    text = problem.format(res.x)
    if args.mode == "local":
        (i0, i1), (j0, j1) = problem.local_span(res.x)
        span = [f"aligned part: {name_a} {i0 + 1}-{i1}, {name_b} {j0 + 1}-{j1}"]
    else:  # the whole sequences, as local_span says in global mode
        (i0, i1), (j0, j1), span = (0, len(a)), (0, len(b)), []
    lines = [
        f"CE score {cmp['ce']:g}; dynamic programming optimum {cmp['dp']:g} "
        f"({verdict})",
        *span,
        text,
        f"{res.nit} CE iterations, {res.nfev} alignments evaluated; {res.message}",
    ]
    if not cmp["reached"]:
        lines += [
            "an optimal alignment (dynamic programming):",
            problem.format(problem.optimal_solution),
        ]
    payload = {
        "command": "align",
        "seq1": {"name": name_a, "sequence": a},
        "seq2": {"name": name_b, "sequence": b},
        "matrix": which,
        "mode": args.mode,
        "gap_open": problem.gap_open,
        "gap_extend": problem.gap_extend,
        "ce_score": cmp["ce"],
        "dp_score": cmp["dp"],
        "reached": cmp["reached"],
        "alignment": text.split("\n"),
        "aligned_part": {"seq1": [i0 + 1, i1], "seq2": [j0 + 1, j1]},
        "ce": ce_summary(res),
    }
    out.add_figure(
        "convergence.png", convergence_plot(res, "alignment score"), "CE convergence"
    )
    return lines, payload
