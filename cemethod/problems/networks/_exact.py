"""Exact network unreliability: state enumeration and a frontier dynamic program.

Both accumulate the probability of *dis*connection directly (a sum of positive
terms), never ``1 - reliability``, so the relative precision holds at tiny edge
failure probabilities (the dodecahedron at ``q = 1e-4`` has unreliability
about ``2e-12``). Their cost is estimated before any work (:func:`exact_cost`:
``2**m`` states, or a bound on the frontier program's states along the best
edge order of :mod:`._order`), and a computation above ``max_states`` is
refused with a message that names the size, the estimate and the alternatives.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from cemethod._validation import check_choice, parameter_error
from cemethod.problems.networks._graphs import as_network, minimax_distances
from cemethod.problems.networks._order import (
    _STIRLING_MAX,
    FrontierPlan,
    best_order,
    state_bound,
    width_lower_bound,
)

__all__ = [
    "MAX_STATES",
    "ExactCost",
    "exact_cost",
    "exact_unreliability",
    "frontier_plan",
]

_MAX_ENUMERATION_EDGES = 22
AUTO_ENUMERATION_EDGES = 16  # method="auto" enumerates up to this many edges
# Default limit on the estimated states of an exact computation. Measured on
# the development machine (one core): graphs that reach the bound (complete
# graphs, band graphs P_n^10 / P_n^11) run at 0.28-0.44 us a state, so the limit
# is about 10 s at worst and ~1 GB for 3.5e6 states at once; the 10 x 10 grid
# (bound 2.3e7, 1.9e6 real states) takes 0.5 s.
MAX_STATES = 25_000_000
SECONDS_PER_STATE = 4e-7  # the measured worst rate, for the messages
_LOWER_BOUND_MAX_EDGES = 50_000


def _disconnected(net, x, source, target):
    """Boolean (n,): the failure states ``x`` (n, m) disconnect the terminals."""
    d = minimax_distances(net.n_nodes, net.edges, x, 0 if source is None else source)
    if source is None:
        return d.max(axis=0) > 0  # all-terminal: some node unreachable
    return d[target] > 0


def _enumerate(net, source, target, chunk=1 << 14):
    m = net.n_edges
    q = net.q
    total = 0.0
    bits = np.arange(m, dtype=np.int64)
    for start in range(0, 1 << m, chunk):
        codes = np.arange(start, min(start + chunk, 1 << m), dtype=np.int64)
        x = ((codes[:, None] >> bits) & 1).astype(np.int8)  # 1 = edge failed
        bad = _disconnected(net, x, source, target)
        if np.any(bad):
            xb = x[bad]
            # Product of q_e (failed) and 1 - q_e (working): positive terms only.
            prob = np.prod(np.where(xb == 1, q, 1.0 - q), axis=1)
            total += math.fsum(prob.tolist())
    return total


def _canonical(kl, ms, mt):
    """Relabel each row's blocks in order of first appearance; marks follow."""
    n_rows, k = kl.shape
    width = int(kl.max()) + 1 if k and n_rows else 1
    base = np.arange(n_rows, dtype=np.int64) * width  # row r's table: base[r] + label
    table = np.full(n_rows * width, -1, dtype=kl.dtype)
    count = np.zeros(n_rows, dtype=kl.dtype)
    out = np.empty_like(kl)
    for j in range(k):
        idx = base + kl[:, j]
        new_label = table[idx]
        fresh = new_label < 0
        new_label = np.where(fresh, count, new_label)
        table[idx] = new_label
        count += fresh
        out[:, j] = new_label

    def follow(m):
        return np.where(m >= 0, table[base + np.maximum(m, 0)], m).astype(kl.dtype)

    return out, follow(ms), follow(mt)


def _merge(kl, ms, mt, prob):
    """Sum the probabilities of equal states (rows of canonical labels + marks)."""
    k = kl.shape[1]
    bits = max(1, (k + 1).bit_length())
    if bits * (k + 2) <= 62:  # one int64 key per state
        key = ms.astype(np.int64) + 1
        key <<= bits
        key |= mt.astype(np.int64) + 1
        for j in range(k):
            key <<= bits
            key |= kl[:, j]
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    else:
        full = np.concatenate([kl, ms[:, None], mt[:, None]], axis=1)
        _, first, inverse = np.unique(
            full, axis=0, return_index=True, return_inverse=True
        )
    inverse = inverse.ravel()
    prob = np.bincount(inverse, weights=prob, minlength=len(first))
    return kl[first], ms[first], mt[first], prob


def _frontier_dp(net, source, target, order, record=None):
    """Frontier-based dynamic program (one edge at a time, states = partitions).

    A state is the partition of the current frontier nodes into connected
    components of working edges seen so far, plus which component holds the
    source and the target (two-terminal; -1 = not yet seen). A state is
    resolved as soon as its fate is known: a terminal's component leaving the
    frontier without the other terminal (all-terminal: any component leaving
    while other nodes remain) adds its probability to the disconnection total;
    two-terminal states whose terminals meet are dropped (connected). All the
    states of a step are handled at once as numpy arrays (one row per state).
    """
    n, edges, q = net.n_nodes, net.edges.tolist(), net.q.tolist()
    order = np.asarray(order).tolist()
    all_terminal = source is None
    last = {}
    for pos, e in enumerate(order):
        for v in edges[e]:
            last[v] = pos
    if all_terminal and len(last) < n:
        return 1.0 if n > 1 else 0.0  # an isolated node
    if not all_terminal and (source not in last or target not in last):
        return 1.0
    dtype = np.int8 if len(last) < 120 else np.int32
    frontier = []  # frontier nodes in order of entry
    seen = set()
    kl = np.zeros((1, 0), dtype=dtype)  # labels of the frontier nodes, per state
    ms = np.full(1, -1, dtype=dtype)  # block of the source (-1: not yet seen)
    mt = np.full(1, -1, dtype=dtype)
    prob = np.ones(1)
    lost = []  # disconnection probability resolved at each step
    for pos, e in enumerate(order):
        u, v = edges[e]
        entering = [w for w in dict.fromkeys((u, v)) if w not in seen]
        seen.update(entering)
        new_frontier = frontier + entering
        index = {w: i for i, w in enumerate(new_frontier)}
        k0 = len(frontier)
        lab = np.empty((len(prob), len(new_frontier)), dtype=dtype)
        lab[:, :k0] = kl
        for i, w in enumerate(entering):
            lab[:, k0 + i] = k0 + i  # fresh labels: canonical ones are < k0
            if w == source:
                ms = np.full(len(prob), k0 + i, dtype=dtype)
            if w == target:
                mt = np.full(len(prob), k0 + i, dtype=dtype)
        parts = []
        if q[e] > 0.0:  # the edge fails: nothing merges
            parts.append((lab, ms, mt, prob * q[e]))
        if q[e] < 1.0:  # it works: its end points' blocks merge
            a = lab[:, index[u], None]
            b = lab[:, index[v], None]
            parts.append(
                (
                    np.where(lab == b, a, lab),
                    np.where(ms == b[:, 0], a[:, 0], ms),
                    np.where(mt == b[:, 0], a[:, 0], mt),
                    prob * (1.0 - q[e]),
                )
            )
        lab, ms, mt, prob = (np.concatenate(x) for x in zip(*parts, strict=True))
        if not all_terminal:
            alive = (ms < 0) | (ms != mt)  # terminals joined: connected, dropped
            lab, ms, mt, prob = lab[alive], ms[alive], mt[alive], prob[alive]
        keep = [i for i, w in enumerate(new_frontier) if last[w] != pos]
        leave = [i for i, w in enumerate(new_frontier) if last[w] == pos]
        kl = lab[:, keep]
        if all_terminal:
            closed = np.zeros(len(prob), dtype=bool)
            if not keep and len(seen) == n:  # the last step: all must be one
                closed = (lab != lab[:, :1]).any(axis=1)
            else:
                for j in leave:  # its block left with it (lost if others exist)
                    closed |= ~(kl == lab[:, j, None]).any(axis=1)
        else:
            closed = np.zeros(len(prob), dtype=bool)
            for m in (ms, mt):  # a terminal's block can no longer grow
                closed |= (m >= 0) & ~(kl == m[:, None]).any(axis=1)
        if closed.any():
            lost.append(float(prob[closed].sum()))
            live = ~closed
            kl, ms, mt, prob = kl[live], ms[live], mt[live], prob[live]
        if len(prob) == 0:
            break
        kl, ms, mt = _canonical(kl, ms, mt)
        kl, ms, mt, prob = _merge(kl, ms, mt, prob)
        frontier = [new_frontier[i] for i in keep]
        if record is not None:
            record.append(len(prob))
    return math.fsum(lost)


def _check_terminal(net, value, param, func):
    if value is None:
        return None
    return net.node_index(value, func=func, param=param)


def check_max_states(value, func):
    """``max_states``: a number >= 1, or None for no limit (returned as inf)."""
    if value is None:
        return math.inf
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or math.isnan(value) or value < 1:
        raise parameter_error(
            func, "max_states", "a number >= 1, or None for no limit", value
        )
    return float(value)


def exact_unreliability(
    graph,
    q=None,
    *,
    source=None,
    target=None,
    method="auto",
    max_states=MAX_STATES,
):
    """Exact probability that the network is disconnected.

    Edges fail independently, edge ``e`` with probability ``q_e``. With
    ``source`` and ``target`` this is the two-terminal unreliability (no path of
    working edges from source to target), without them the all-terminal
    unreliability (the working edges do not span a connected graph).

    Parameters
    ----------
    graph, q
        A graph and its edge failure probabilities, as accepted by
        :func:`cemethod.problems.as_network` (networkx graph, edge list, or
        matrix).
    source, target : node label, optional
        The terminals (both or neither).
    method : {"auto", "enumeration", "frontier"}, default="auto"
        ``"enumeration"`` sums the probabilities of all disconnected states
        (``2**m`` of them, vectorized in chunks; at most 22 edges);
        ``"frontier"`` is the frontier dynamic program (see Notes).
        ``"auto"`` enumerates up to 16 edges, else runs the frontier program.
    max_states : float or None, default=25_000_000
        Refuse (``ValueError``, before any work) when the estimated cost is
        above this: for enumeration its ``2**m`` states, for the frontier
        program the upper bound on the states it creates over all its steps
        (see Notes). The default keeps a run to about 10 s at worst (0.3-0.45
        microseconds a state on graphs that reach the bound, on the machine
        it was measured on) and admits the 10 x 10 grid (0.5 s there). Memory
        follows the largest step, about 300 bytes a state. None: no limit.

    Returns
    -------
    float
        The unreliability, accumulated as a sum of disconnection probabilities.

    Raises
    ------
    ValueError
        When the cost estimate is above ``max_states``; the message gives the
        size (edges, nodes, frontier width), the estimate, the limit, and the
        alternatives (a larger ``max_states``, or a Monte Carlo estimate with
        :meth:`NetworkReliability.estimate`).

    Notes
    -----
    The frontier program adds the edges one at a time and keeps, for each
    partition of the *frontier* (the nodes with edges on both sides of the
    current step) into components of working edges, the probability of
    reaching it; a terminal's component that leaves the frontier settles its
    states at once. Its cost is the number of states summed over the steps,
    about 0.3-1 microsecond each. Before it starts, the edge order is chosen
    among a few heuristics (BFS, reverse Cuthill-McKee, a greedy
    vertex-separation order, a tree decomposition when networkx is
    installed; ``cemethod.problems.networks._order``) by an upper bound on
    that sum: with ``k`` frontier nodes, at most ``sum_b S(k, b) g(b)``
    states (``S`` the Stirling numbers of the second kind, ``g(b)`` = 1,
    ``b`` or ``b (b - 1)`` as 0, 1 or 2 terminals have left the frontier and
    their blocks must be named). So the cost grows

    * with the frontier width ``w`` like the Bell numbers, ``e^{w log w}``:
      ``w = 6`` (the 6 x 6 grid, the dodecahedron) about 10^4 states in all,
      ``w = 10`` (10 x 10 grid) 2 x 10^7 by the bound and 2 x 10^6 in fact,
      ``w = 11`` (11 x 11 grid) 1.6 x 10^8 by the bound: refused by default;
    * only linearly with the number of edges at a fixed width (a long thin
      grid is cheap), while dense graphs have a width near the number of
      nodes (the complete graph ``K_n``: ``w = n - 1``, where the bound is
      reached: ``K_12`` about 10^7 states, ``K_13`` 6 x 10^7);
    * with the terminals' placement through the order: a terminal is
      cheapest on the frontier's starting edge or end (a corner of a grid),
      and a BFS order grown from an interior terminal has ring-shaped
      frontiers about twice as wide (the 6 x 6 grid with interior terminals
      was 100 times slower than with corner ones before the order was chosen
      by its cost; now both take about 0.01 s). Once a terminal has left the
      frontier its block is named in every state, up to a factor ``w`` each.

    The bound is reached on complete graphs and is about 10 times the real
    count on grids (non-crossing partitions only), so a refused planar graph
    may still be feasible with a larger ``max_states``. Enumeration costs
    ``2**m`` states, each a connectivity check.

    Examples
    --------
    >>> bridge = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]
    >>> round(exact_unreliability(bridge, 0.5, source=0, target=3), 6)
    0.5
    >>> exact_unreliability([(0, 1), (1, 2)], [0.1, 0.2])  # 1 - 0.9 * 0.8
    0.28
    """
    func = "exact_unreliability"
    net = as_network(graph, q, func=func)
    check_choice(method, ("auto", "enumeration", "frontier"), param="method", func=func)
    limit = check_max_states(max_states, func)
    if (source is None) != (target is None):
        raise parameter_error(func, "target", "given together with 'source'", target)
    s = _check_terminal(net, source, "source", func)
    t = _check_terminal(net, target, "target", func)
    return _exact(net, s, t, method, func, limit)


def _settled(net, s, t):
    """The unreliability when it needs no computation, else None."""
    if s is not None and s == t:
        return 0.0
    if s is None and net.n_nodes == 1:
        return 0.0
    touched = np.zeros(net.n_nodes, dtype=bool)
    touched[net.edges.ravel()] = True
    if s is None:
        return None if touched.all() else 1.0  # an isolated node
    return None if touched[s] and touched[t] else 1.0


@dataclass(frozen=True)
class ExactCost:
    """What an exact computation would run and its estimated cost.

    ``method`` is "none" (settled without work), "enumeration" or
    "frontier"; ``states`` the estimate (``2**m``; for the frontier program
    the bound on the states over all steps, or when ``plan.order`` is None a
    lower bound); ``qualifier`` "exactly", "at most" or "at least";
    ``detail`` says how it was estimated (width, order).
    """

    method: str
    states: int
    qualifier: str
    detail: str
    plan: FrontierPlan | None = None

    @property
    def seconds(self) -> float:
        """Time at the measured worst rate (the bound reached)."""
        try:
            return float(self.states) * SECONDS_PER_STATE
        except OverflowError:
            return math.inf

    @property
    def bounded(self) -> bool:
        """True when ``states`` bounds the cost from above (so a limit of
        ``states`` admits the computation)."""
        return self.qualifier in ("exactly", "at most")

    def advice(self, option: str) -> str:
        """How to run it anyway, naming the limit ``option`` ("max_states=")."""
        if self.bounded:
            return (
                f"pass {option}{_round_up(self.states)} (about "
                f"{_fmt(self.seconds)} s at worst) to run it anyway"
            )
        return f"it would take at least {_fmt(self.seconds / 2)} s"


def exact_cost(net, s=None, t=None, method="auto", limit=math.inf) -> ExactCost:
    """The cost of ``exact`` on the network ``net`` (node indices ``s``, ``t``).

    Fast (about 10 ms on a 10 x 10 grid, under 1 s on 10^4 edges): it picks
    the edge order, runs nothing. Above ``limit`` the order search may stop at
    the width lower bound.
    """
    m = net.n_edges
    if _settled(net, s, t) is not None:
        return ExactCost("none", 0, "exactly", "no computation needed")
    if method == "auto":
        method = "enumeration" if m <= AUTO_ENUMERATION_EDGES else "frontier"
    if method == "enumeration":
        detail = f"enumeration of the 2^{m} edge states"
        return ExactCost("enumeration", 2**m, "exactly", detail)
    plan = frontier_plan(net, s, t, limit)
    if plan.order is None:
        detail = (
            f"frontier dynamic program, frontier width at least {plan.width} for "
            "any edge order (the degeneracy minus one)"
        )
        return ExactCost("frontier", plan.total_states, "at least", detail, plan)
    # Above 80 frontier nodes the bounds are those of 80 nodes: lower bounds.
    most = "at most" if plan.width <= _STIRLING_MAX else "more than"
    detail = (
        f"frontier dynamic program, frontier width {plan.width} along the best "
        f"order found ({plan.heuristic}), {most} {_fmt(plan.peak_states)} "
        "states at once"
    )
    return ExactCost("frontier", plan.total_states, most, detail, plan)


def _refusal(net, func, limit, cost):
    """The ValueError of a computation estimated above ``max_states``."""
    advice = cost.advice("max_states=")
    return parameter_error(
        func,
        "max_states",
        f"at least the estimated cost of the exact computation ({net.n_edges} "
        f"edges, {net.n_nodes} nodes; {cost.detail}): {cost.qualifier} "
        f"{_fmt(cost.states)} states. {advice[0].upper()}{advice[1:]} (None: no "
        "limit), or estimate instead with "
        + (
            "NetworkReliability(graph, source, target, q).estimate()"
            if func == "exact_unreliability"
            else "NetworkReliability.estimate()"
        ),
        int(limit) if float(limit).is_integer() else limit,
    )


def _fmt(x) -> str:
    if isinstance(x, int) and x.bit_length() > 1000:
        return f"1e{len(str(x)) - 1}"
    return f"{float(x):.3g}"


def _round_up(x) -> str:
    """``x`` rounded up to two significant digits, e.g. '1.7e+08'."""
    if isinstance(x, int) and x.bit_length() > 1000:
        return f"1e{len(str(x))}"
    digits = max(0, len(str(int(x))) - 2)
    return f"{-(-int(x) // 10**digits) * 10**digits:.2g}"


def _exact(net, s, t, method, func, limit=MAX_STATES):
    if method == "enumeration" and net.n_edges > _MAX_ENUMERATION_EDGES:
        raise parameter_error(
            func,
            "method",
            f"'frontier' or 'auto' for more than {_MAX_ENUMERATION_EDGES} edges",
            method,
        )
    cost = exact_cost(net, s, t, method, limit)
    if cost.method == "none":
        return _settled(net, s, t)
    if cost.states > limit:
        raise _refusal(net, func, limit, cost)
    if cost.method == "enumeration":
        return _enumerate(net, s, t)
    return _frontier_dp(net, s, t, cost.plan.order)


def frontier_plan(net, s=None, t=None, limit=math.inf) -> FrontierPlan:
    """The edge order the frontier program would use and its cost bounds.

    When even the lower bound on the width (:func:`width_lower_bound`) puts
    the peak above ``limit``, no order is built (``order`` None, ``width``
    that lower bound, the bounds those of one step at that width).
    """
    edges = net.edges
    if len(edges) <= _LOWER_BOUND_MAX_EDGES:  # pure Python: ~0.1 s a 5e4 edges
        low = width_lower_bound(net.n_nodes, edges.tolist())
        floor = state_bound(low, 0)
        if floor > limit:
            return FrontierPlan(None, "none", low, floor, floor)
    return best_order(net.n_nodes, edges, () if s is None else (s, t))
