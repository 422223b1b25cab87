"""The local search of :class:`TSP` (``polish``, ``polish_result`` and the
memetic ``solve``): the compiled candidate-list local search and iterated local
search of ``_ils_kernels``, followed on small instances by the exact dense
2-opt / Or-opt of ``_local_search``. Kernels: no validation here."""

from __future__ import annotations

import numpy as np

from cemethod.problems.tsp._ils import Candidates
from cemethod.problems.tsp._local_search import local_search

__all__ = ["final_kicks", "iteration_kicks", "memetic_options", "polish_tour"]

# Measured with benchmarks/bench_tsp.py (see the README table).
_DENSE_MAX = 200  # up to this n the exact dense 2-opt / Or-opt pass follows
_ITER_KICKS_PER_CITY = 1  # ILS kicks for each tour polished in a CE iteration
_FINAL_KICKS_PER_CITY = 300  # ILS kicks on the best tour after the CE run
_MEMETIC_BUDGET = 5e6  # memetic CE: N = budget / n^2 ...
_MEMETIC_MIN_SAMPLES = 50  # ... but at least 50 tours
_MEMETIC_MAXITER = 50


def iteration_kicks(n: int) -> int:
    return _ITER_KICKS_PER_CITY * n


def final_kicks(n: int) -> int:
    return _FINAL_KICKS_PER_CITY * n


def candidates(problem) -> Candidates:
    """The instance's neighbour lists, built once (the distances are read-only)."""
    cand = getattr(problem, "_candidates", None)
    if cand is None:
        cand = Candidates(problem._distances, problem._symmetric)
        problem._candidates = cand
    return cand


def polish_tour(problem, tour, n_kicks: int = 0, seed: int = 0):
    """``(tour, length)``: the compiled local search (``n_kicks = 0``) or ILS
    from the valid ``tour``, then, for ``n <= 200``, the exact dense 2-opt /
    Or-opt until no move of either improves (ATSP 2-opt included); the length
    is a numpy scalar."""
    cand = candidates(problem)
    out = cand.ils(tour, n_kicks, seed) if n_kicks > 0 else cand.local_search(tour)
    if problem.n <= _DENSE_MAX:
        out, _ = local_search(problem._distances, out)
    start = problem._lengths(np.asarray(tour, dtype=np.intp)[None])[0]
    length = problem._lengths(out[None])[0]
    if length > start:  # pragma: no cover - the kernels never lengthen a tour
        return np.asarray(tour, dtype=np.intp), start
    return out, length


def memetic_options(problem, defaults: dict) -> dict:
    """The CE settings of ``solve(polish=True)``: those of ``default_options``
    up to the sample size, which is ``min(N, max(50, 5e6 / n^2))`` (the local
    search does most of the work on large instances, the dense sampling costs
    O(n^2) per tour), and at most 50 iterations."""
    n = problem.n
    n_samples = min(
        defaults["n_samples"], max(_MEMETIC_MIN_SAMPLES, round(_MEMETIC_BUDGET / n**2))
    )
    out = dict(defaults)
    if n_samples < defaults["n_samples"]:
        out["n_samples"] = int(n_samples)
        out["n_elite"] = int(min(defaults["n_elite"], max(5, n_samples // 10)))
    out["maxiter"] = min(defaults["maxiter"], _MEMETIC_MAXITER)
    return out
