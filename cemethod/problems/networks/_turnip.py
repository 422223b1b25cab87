"""Permutation Monte Carlo and turnip estimates of network unreliability.

Elperin, Gertsbakh & Lomonosov (1991), "Estimation of network reliability using
graph evolution models", IEEE Trans. Reliab. 40(5); Gertsbakh & Shpungin (2010),
"Models of Network Reliability", CRC Press, ch. 8-9.

Edge ``e`` is born (repaired) at an independent ``Exp(lambda_e)`` time with
``lambda_e = -log q_e``, so at time 1 it is up with probability ``1 - q_e``, as in
the static model. The terminals are connected at time 1 iff the static network
is up. Draw the order in which the edges are born; given the order, the birth
times are a sum of independent exponentials (the holding times), and the network
is down at time 1 iff the joining birth comes after 1:

``l = E[ P(A_1 + ... + A_r > 1 | order) ]``, ``A_k ~ Exp(Lambda_k)``,

with ``Lambda_k`` the total rate of the edges unborn before the ``k``-th birth and
``r`` the birth that joins the terminals. Each term is computed exactly, so the
estimator has no likelihood ratios and cannot drift onto one of several minimum
cuts. Turnip refines it: an edge whose ends are already in one component cannot
change anything and leaves the pool at once, which shortens the orders and lowers
the variance (Gertsbakh & Shpungin 2010, sec. 9.3).
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

from cemethod.problems.networks._turnip_numba import merge_log_survivals

__all__ = ["exact_result", "merge_process_estimate", "reduced_graph", "summary_result"]

_CHUNK = 1 << 21  # uniforms per chunk of permutations (16 MB of float64)


def _union_find(n):
    parent = list(range(n))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    return parent, find


def reduced_graph(net, terminals):
    """The graph the merge process runs on, or the exact answer.

    Perfect edges (``q = 0``) are contracted, dead ones (``q = 1``) and
    self-loops dropped, nodes relabelled ``0 .. k-1``. Returns ``(answer, None)``
    with ``answer`` 0.0 (the terminals are joined by perfect edges) or 1.0 (no
    path of live edges joins them), else ``(None, (n, edges, rates,
    is_terminal))``.
    """
    edges, q = net.edges, net.q
    parent, find = _union_find(net.n_nodes)
    for (u, v), qe in zip(edges.tolist(), q.tolist(), strict=True):
        if qe == 0.0:
            parent[find(u)] = find(v)
    roots = sorted({find(v) for v in range(net.n_nodes)})
    label = {root: i for i, root in enumerate(roots)}
    node = np.array([label[find(v)] for v in range(net.n_nodes)], dtype=np.int64)
    term = sorted({int(node[t]) for t in terminals})
    if len(term) == 1:
        return 0.0, None
    keep = (q > 0.0) & (q < 1.0) & (node[edges[:, 0]] != node[edges[:, 1]])
    reduced = node[edges[keep]]
    rates = -np.log(q[keep])
    # The terminals must be joined by live edges, else the network is always down.
    parent, find = _union_find(len(roots))
    for u, v in reduced.tolist():
        parent[find(u)] = find(v)
    if len({find(t) for t in term}) > 1:
        return 1.0, None
    is_terminal = np.zeros(len(roots), dtype=np.bool_)
    is_terminal[term] = True
    return None, (len(roots), np.ascontiguousarray(reduced), rates, is_terminal)


def merge_process_estimate(net, terminals, n_samples, rng, *, turnip, level):
    """A ``RareEventResult`` from ``n_samples`` merge-process orders."""
    from cemethod.rare_event._result import _term_summary

    start = time.perf_counter()
    method = "turnip" if turnip else "permutation Monte Carlo"
    answer, graph = reduced_graph(net, terminals)
    if answer is not None:
        return exact_result(answer, method, level)
    n_nodes, edges, rates, is_terminal = graph
    m = edges.shape[0]
    chunk = max(1, _CHUNK // m)
    logs, steps = [], []
    for first in range(0, n_samples, chunk):
        u = rng.random((min(chunk, n_samples - first), m))
        out, r = merge_log_survivals(
            n_nodes, edges, rates, is_terminal, int(is_terminal.sum()), u, turnip
        )
        logs.append(out)
        steps.append(r)
    log_terms = np.concatenate(logs)
    summary = _term_summary([log_terms], flag_tail=False)  # terms <= 1
    notes = [
        f"{n_samples} {'turnip' if turnip else 'permutation'} orders on "
        f"{n_nodes} nodes and {m} links, {np.mean(np.concatenate(steps)):.1f} "
        "births per order on average"
    ]
    if summary.degenerate:
        note = (
            f"A few orders dominate the estimate (effective sample size "
            f"{summary.effective_sample_size:.1f} of {summary.n_terms}, largest term "
            f"{100 * summary.max_share:.0f}% of the sum): the reported error is "
            "unreliable; "
            + ("draw more orders (n_final)" if turnip else "use method='turnip'")
        )
        warnings.warn(note + ".", RuntimeWarning, stacklevel=4)
        notes.append(note)
    return summary_result(
        summary, method, n_samples, (), summary.degenerate, notes, level, start
    )


def summary_result(
    summary, method, n_evaluations, levels, unreliable, notes, level, start
):
    """The ``RareEventResult`` of a sampling estimator without a family (turnip,
    permutation Monte Carlo, splitting) from its term summary and notes."""
    from cemethod.rare_event._result import RareEventResult, _normal_interval

    return RareEventResult(
        estimate=summary.estimate,
        std_error=summary.std_error,
        relative_error=summary.relative_error,
        confidence_interval=_normal_interval(summary, level),
        n_evaluations=int(n_evaluations),
        levels=tuple(levels),
        family=None,
        effective_sample_size=summary.effective_sample_size,
        method=method,
        degenerate_weights=bool(unreliable),
        message="; ".join(notes) + ".",
        elapsed=time.perf_counter() - start,
        log_estimate=summary.log_estimate,
        pareto_k=summary.pareto_k,
    )


def exact_result(answer, method, level):
    """The result when :func:`reduced_graph` settles the answer without sampling."""
    from cemethod.rare_event._result import ConfidenceInterval, RareEventResult

    reason = (
        "the terminals are joined by perfect links (q = 0)"
        if answer == 0.0
        else "no path of links with q < 1 joins the terminals"
    )
    return RareEventResult(
        estimate=answer,
        std_error=0.0,
        relative_error=0.0,
        confidence_interval=ConfidenceInterval(answer, answer, level),
        n_evaluations=0,
        levels=(),
        family=None,
        effective_sample_size=math.nan,
        method=method,
        degenerate_weights=False,
        message=f"Exact: {reason}.",
        elapsed=0.0,
        log_estimate=math.log(answer) if answer else -math.inf,
    )
