"""The light cuts of a network and the cut mixture that keeps all of them sampled.

With edge weights ``w_e = -log q_e`` a cut ``C`` fails with probability
``P(C) = exp(-w(C))``; for reliable links the unreliability is carried by the
lightest cuts. ``lightest_cuts`` finds, for every edge, the lightest cut through
it (one max-flow per side), which lists every minimum cut and the light ones near
it. ``CutMixture`` is the law "pick a listed cut ``C`` with probability
``P(C) / sum P``, fail its links, draw the others from their nominal law": its
density relative to the nominal one is ``N(x) / sum P``, ``N(x)`` the number of
listed cuts that failed in ``x``, so an importance-sampling weight under it is at
most ``sum P / N(x)``: bounded by about ``l`` itself however many cuts share the
probability (the union-of-events estimator of Karp, Luby & Madras 1989). As the
defensive part of the CE mixture (Hesterberg 1995) it keeps every listed cut in
the sample, which a product of Bernoulli laws cannot do once its updates have
drifted onto some of them (Hui, Bean, Kraetzl & Kroese 2005 start from the cuts
for the same reason).
"""

from __future__ import annotations

import math
import warnings

import numba
import numpy as np

__all__ = [
    "CutMixture",
    "lightest_cuts",
    "min_cut",
    "mixture_log_pdf",
    "outside_cuts_note",
    "sample_mixture",
    "start_probabilities",
]

_FLOW_TOL = 1e-12  # residual capacities below this (relative) count as saturated


@numba.njit(cache=True, nogil=True)
def _max_flow(start, arcs, heads, cap, is_source, is_sink):  # pragma: no cover
    """Edmonds-Karp from a set of sources to a set of sinks on the arcs of an
    undirected graph (arc ``a`` and its reverse ``a ^ 1``; ``cap`` is consumed as
    the residual). Returns the flow value (``inf`` when an infinite path joins
    the sets) and the mask of the nodes reached in the last residual search."""
    n = start.size - 1
    parent = np.empty(n, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    seen = np.zeros(n, dtype=np.bool_)
    flow = 0.0
    while True:
        seen[:] = False
        tail = 0
        for v in range(n):
            if is_source[v]:
                seen[v] = True
                parent[v] = -1
                queue[tail] = v
                tail += 1
        end = -1
        head = 0
        tol = _FLOW_TOL * max(1.0, flow)
        while head < tail and end < 0:
            u = queue[head]
            head += 1
            for k in range(start[u], start[u + 1]):
                a = arcs[k]
                v = heads[a]
                if cap[a] > tol and not seen[v]:
                    seen[v] = True
                    parent[v] = a
                    queue[tail] = v
                    tail += 1
                    if is_sink[v]:
                        end = v
                        break
        if end < 0:
            return flow, seen
        push = math.inf
        v = end
        while parent[v] >= 0:
            push = min(push, cap[parent[v]])
            v = heads[parent[v] ^ 1]
        if push == math.inf:
            return math.inf, seen
        v = end
        while parent[v] >= 0:
            a = parent[v]
            cap[a] -= push
            cap[a ^ 1] += push
            v = heads[a ^ 1]
        flow += push


class _ArcGraph:
    """The arcs of an undirected multigraph, grouped by tail (CSR), for _max_flow."""

    def __init__(self, n_nodes, edges, weights):
        self.n_nodes, self.edges = n_nodes, edges
        self.weights = np.asarray(weights, dtype=float)
        m = edges.shape[0]
        tails = np.empty(2 * m, dtype=np.int64)
        tails[0::2], tails[1::2] = edges[:, 0], edges[:, 1]
        self.heads = np.empty(2 * m, dtype=np.int64)
        self.heads[0::2], self.heads[1::2] = edges[:, 1], edges[:, 0]
        self.arcs = np.argsort(tails, kind="stable")
        self.start = np.searchsorted(tails[self.arcs], np.arange(n_nodes + 1))
        self.live = (edges[:, 0] != edges[:, 1]) & (self.weights > 0)

    def min_cut(self, weights, sources, sinks):
        """``(value, side)`` as :func:`min_cut`, with these edge weights."""
        n = self.n_nodes
        is_source, is_sink = np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)
        is_source[list(sources)], is_sink[list(sinks)] = True, True
        if (is_source & is_sink).any():
            return math.inf, None
        w = np.where(np.asarray(weights) > 0, weights, 0.0)
        cap = np.repeat(w, 2)
        cap[np.repeat(self.edges[:, 0] == self.edges[:, 1], 2)] = 0.0
        flow, side = _max_flow(
            self.start, self.arcs, self.heads, cap, is_source, is_sink
        )
        if math.isinf(flow):
            return math.inf, None
        crossing = (side[self.edges[:, 0]] != side[self.edges[:, 1]]) & (w > 0)
        return float(np.asarray(weights)[crossing].sum()), side


def min_cut(n_nodes, edges, weights, sources, sinks):
    """A minimum-weight edge cut between the node sets ``sources`` and ``sinks``:
    ``(value, side)``, ``side`` the mask of the nodes on the sources' side (the
    minimum cut closest to them); ``(inf, None)`` when the sets meet or are
    joined by infinite weights. Compiled Edmonds-Karp max-flow = min-cut."""
    return _ArcGraph(n_nodes, edges, weights).min_cut(weights, sources, sinks)


def lightest_cuts(net, terminals):
    """``(through, crossing, extra)``: for each edge ``e`` the weight of the
    lightest cut containing it (``inf`` when none) and that cut as a boolean edge
    mask (None when none); ``extra`` lists the other lightest cuts found on the way.
    ``terminals``: node indices that must stay joined (None: all-terminal).

    A max-flow gives the minimum cut closest to the sources; where minimum cuts
    tie (the stars of a complete graph), the one closest to the sinks, from the
    flow with the roles swapped, is listed too, so that no star is missed.
    """
    edges, m = net.edges, net.n_edges
    with np.errstate(divide="ignore"):
        w = -np.log(net.q)  # inf for perfect edges, 0 for dead ones
    through = np.full(m, np.inf)
    crossing = [None] * m
    extra = []
    graph = _ArcGraph(net.n_nodes, edges, w)

    def mask(side):
        return (side[edges[:, 0]] != side[edges[:, 1]]) & (w > 0)

    for e, (u, v) in enumerate(edges.tolist()):
        if u == v:
            continue
        rest = w.copy()
        rest[e] = 0.0
        if terminals is None:
            sides = [({u}, {v})]
        else:  # e is cut iff u and v fall on opposite sides, terminals apart
            first = terminals[0]
            sides = [
                side
                for other in terminals[1:]
                for side in (({first, u}, {other, v}), ({first, v}, {other, u}))
            ]
        found = []
        for a, b in sides:
            value, side = graph.min_cut(rest, a, b)
            found.append((w[e] + value, a, b, side))
            if w[e] + value < through[e]:
                through[e] = w[e] + value
                crossing[e] = mask(side)
        for weight, a, b, side in found:
            if side is not None and weight <= through[e] * (1 + 1e-12):
                value, other = graph.min_cut(rest, b, a)
                if other is not None and w[e] + value <= through[e] * (1 + 1e-12):
                    extra.append((w[e] + value, mask(other)))
    return through, crossing, extra


class CutMixture:
    """Fail one listed cut, chosen with probability ``P(C) / sum P``; the other
    links follow their nominal failure probabilities ``q``."""

    def __init__(self, masks, log_probs, q):
        self.masks = np.asarray(masks, dtype=bool)  # (k, m)
        self.log_probs = np.asarray(log_probs, dtype=float)  # (k,)
        self.q = np.asarray(q, dtype=float)
        top = self.log_probs.max()
        shares = np.exp(self.log_probs - top)
        self.log_total = top + math.log(shares.sum())  # log sum P(C)
        self.shares = shares / shares.sum()
        # The links of cut c are members[starts[c]:starts[c + 1]] (CSR).
        self._members = np.nonzero(self.masks)[1].astype(np.int64)
        self._starts = np.concatenate([[0], np.cumsum(self.masks.sum(axis=1))])

    @classmethod
    def from_cuts(cls, net, through, crossing, extra=()):
        """The distinct cuts of :func:`lightest_cuts` (None when there is none)."""
        seen = {}
        listed = list(zip(through.tolist(), crossing, strict=True)) + list(extra)
        for weight, mask in listed:
            if mask is not None and math.isfinite(weight) and mask.any():
                seen.setdefault(mask.tobytes(), mask)
        if not seen:
            return None
        masks = np.array(list(seen.values()))
        with np.errstate(divide="ignore"):
            w = -np.log(net.q)
        log_probs = [-float(w[mask].sum()) for mask in masks]
        return cls(masks, log_probs, net.q)

    def __repr__(self) -> str:
        return f"CutMixture(n_cuts={self.n_cuts}, log_total={self.log_total:.4g})"

    @property
    def n_cuts(self) -> int:
        return int(self.masks.shape[0])

    def sample(self, n, rng) -> np.ndarray:
        X = (rng.random((n, self.q.size)) < self.q).astype(np.int8)
        picks = rng.choice(self.n_cuts, size=n, p=self.shares)
        X[self.masks[picks]] = 1
        return X

    def log_ratio(self, X) -> np.ndarray:
        """``log(g(x) / f(x)) = log N(x) - log sum P``; ``-inf`` where no listed
        cut failed."""
        X = np.ascontiguousarray(X, dtype=np.int8)
        count = _count_failed(X, self._starts, self._members)
        with np.errstate(divide="ignore"):
            return np.log(count) - self.log_total


@numba.njit(cache=True, nogil=True)
def _count_failed(X, starts, members):  # pragma: no cover - compiled
    """For each row of ``X`` (1 = failed), how many cuts have all links failed."""
    n = X.shape[0]
    out = np.zeros(n, dtype=np.float64)
    for s in range(n):
        for c in range(starts.size - 1):
            failed = True
            for k in range(starts[c], starts[c + 1]):
                if X[s, members[k]] == 0:
                    failed = False
                    break
            if failed:
                out[s] += 1.0
    return out


def start_probabilities(q, through, crossing, extra=()) -> np.ndarray:
    """Failure probabilities from the cuts: one half on every minimum cut,
    geometrically less on heavier ones (``NetworkReliability.cut_start``)."""
    best = through.min()
    if not np.isfinite(best):
        return q.copy()
    size = np.array([1 if c is None else np.count_nonzero(c) for c in crossing])
    # P(cut through e fails) relative to the lightest cut, on a log scale.
    rel = np.exp(-(through - best))
    # sum_f P(C_f) counts each cut once per edge: share = |C_e| P(C_e) / sum.
    p = size * rel / rel.sum()
    return np.clip(np.maximum(np.minimum(p, 0.5), q), 0.0, 1.0)


def sample_mixture(family, cuts, beta, n, rng):
    """``n`` draws from ``(1 - beta) family + beta cuts``."""
    X = family.sample(n, rng)
    if beta > 0 and cuts is not None:
        pick = rng.random(n) < beta
        if pick.any():
            X[pick] = cuts.sample(int(pick.sum()), rng)
    return X


def mixture_log_pdf(X, family, cuts, nominal, beta, log_ratio=None):
    """Log density of ``(1 - beta) family + beta cuts`` at the rows of ``X``
    (``log_ratio``: ``cuts.log_ratio(X)`` when the caller has it already)."""
    if beta == 0 or cuts is None:
        return family.log_pdf(X)
    if log_ratio is None:
        log_ratio = cuts.log_ratio(X)
    return np.logaddexp(
        math.log1p(-beta) + family.log_pdf(X),
        math.log(beta) + nominal.log_pdf(X) + log_ratio,
    )


def outside_cuts_note(terms, outside):
    """The share of the estimate from failures that no listed cut explains. Those
    terms have no bound on their weights; when they carry most of the estimate
    from a few samples, the error bar cannot be trusted (raised as a warning)."""
    from cemethod.rare_event._result import _MIN_ESS

    top = terms.max()
    w = np.exp(terms[np.isfinite(terms)] - top)
    w_out = np.exp(terms[outside] - top)
    share = float(w_out.sum() / w.sum())
    ess = float(w_out.sum() ** 2 / (w_out @ w_out))
    note = (
        f"{100 * share:.1f}% of the estimate from {outside.sum()} failures outside "
        "the listed cuts"
    )
    if share > 0.5 and ess < _MIN_ESS:
        warning = (
            f"Most of the estimate ({100 * share:.0f}%) comes from failures outside "
            f"the listed light cuts, carried by few samples (effective size "
            f"{ess:.1f}): the reported error is unreliable; try method='turnip'."
        )
        warnings.warn(warning, RuntimeWarning, stacklevel=4)
        return [note, warning.rstrip(".")]
    return [note] if share >= 0.01 else []
