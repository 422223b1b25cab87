"""The scaling table of ``bench_tsp.py --scale``: ``TSP.solve()`` against LKH-3
(elkai) and OR-Tools' routing solver (guided local search) at the same CPU
budget, on TSPLIB instances of 52 to 1,002 cities."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from cemethod.problems import TSP

_ROOT = Path(__file__).resolve().parents[1]
# ../shared/data/tsplib beside the checkout (or beside the folder of worktrees)
SHARED = next(
    (
        up / "shared" / "data" / "tsplib"
        for up in (_ROOT.parent, _ROOT.parent.parent)
        if (up / "shared" / "data" / "tsplib").is_dir()
    ),
    _ROOT.parent / "shared" / "data" / "tsplib",
)
SCALE = [
    "berlin52.tsp",
    "kroA100.tsp",
    "ch150.tsp",
    "gil262.tsp",
    "lin318.tsp",
    "pcb442.tsp",
    "u574.tsp",
    "d657.tsp",
    "pr1002.tsp",
]
SCALE_QUICK = ["berlin52.tsp", "kroA100.tsp"]


def _elkai(D, runs):
    try:
        import elkai
    except ImportError:
        return None
    t0 = time.process_time()
    tour = elkai.DistanceMatrix(D.tolist()).solve_tsp(runs=runs)[:-1]
    return np.asarray(tour), time.process_time() - t0


def _ortools(D, seconds):
    """OR-Tools routing, one vehicle, GUIDED_LOCAL_SEARCH for ``seconds``."""
    try:
        from ortools.constraint_solver import pywrapcp, routing_enums_pb2
    except ImportError:
        return None
    n = D.shape[0]
    t0 = time.process_time()
    manager = pywrapcp.RoutingIndexManager(n, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    transit = routing.RegisterTransitMatrix(D.astype(int).tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(100, int(1000 * seconds)))
    sol = routing.SolveWithParameters(params)
    if sol is None:
        return None
    index, tour = routing.Start(0), []
    while not routing.IsEnd(index):
        tour.append(manager.IndexToNode(index))
        index = sol.Value(routing.NextVar(index))
    return np.asarray(tour), time.process_time() - t0


def _gap(problem, tour):
    return 100 * (problem.tour_length(tour) / problem.optimum - 1)


def scale_row(path, seeds, elkai_runs=10):
    """[instance, n, gap mean/max, CPU mean, elkai gap, CPU, OR-Tools gap, CPU]."""
    problem = TSP.from_tsplib(path)
    gaps, cpus = [], []
    for seed in seeds:
        t0 = time.process_time()
        sol = problem.solve(rng=seed)
        cpus.append(time.process_time() - t0)
        gaps.append(_gap(problem, sol.tour))
    row = [
        problem.name,
        problem.n,
        f"{np.mean(gaps):.2f} % (max {np.max(gaps):.2f})",
        f"{np.mean(cpus):.2f}",
    ]
    D = np.asarray(problem.distances)
    for peer in (_elkai(D, elkai_runs), _ortools(D, float(np.mean(cpus)))):
        if peer is None:
            row += ["-", "-"]
        else:
            row += [f"{_gap(problem, peer[0]):.2f} %", f"{peer[1]:.2f}"]
    return row, problem.n, float(np.mean(cpus))


def exponent(ns, cpus):
    """Least-squares slope of log CPU against log n."""
    return float(np.polyfit(np.log(ns), np.log(cpus), 1)[0])


SCALE_HEADER = [
    "instance",
    "n",
    "solve() gap",
    "solve() CPU s",
    "elkai gap",
    "elkai CPU s",
    "OR-Tools gap",
    "OR-Tools CPU s",
]
