"""``NetworkReliability.estimate``: its checks and the choice of method."""

from __future__ import annotations

import numpy as np

from cemethod._limits import check_memory
from cemethod._validation import (
    check_choice,
    check_confidence_level,
    check_int_at_least,
    check_real,
    parameter_error,
)
from cemethod.problems.networks._ce_estimate import cross_entropy_estimate
from cemethod.problems.networks._splitting import splitting_estimate
from cemethod.problems.networks._turnip import (
    exact_result,
    merge_process_estimate,
    reduced_graph,
)

__all__ = ["METHODS", "run_estimate"]

METHODS = ("auto", "cross-entropy", "turnip", "permutation", "splitting")
_FUNC = "NetworkReliability.estimate"


def _check_options(method, n_samples, n_iterations, n_final, smoothing, defensive):
    method = check_choice(method, METHODS, param="method", func=_FUNC)
    n_samples = check_int_at_least(n_samples, param="n_samples", func=_FUNC, low=2)
    n_iterations = check_int_at_least(
        n_iterations, param="n_iterations", func=_FUNC, low=0
    )
    if n_final is None:
        n_final = 10 * n_samples
    n_final = check_int_at_least(n_final, param="n_final", func=_FUNC, low=2)
    alpha = check_real(
        smoothing, param="smoothing", func=_FUNC, low=0.0, low_inclusive=False,
        high=1.0,
    )  # fmt: skip
    defensive = check_real(
        defensive, param="defensive", func=_FUNC, low=0.0, high=1.0,
        high_inclusive=False,
    )  # fmt: skip
    return method, n_samples, n_iterations, n_final, alpha, defensive


def run_estimate(
    rel, n_samples, method, n_iterations, n_final, smoothing, defensive,
    confidence_level, rng,
):  # fmt: skip
    """Check the options, pick the method, run it (see the method's docstring)."""
    method, n_samples, n_iterations, n_final, alpha, defensive = _check_options(
        method, n_samples, n_iterations, n_final, smoothing, defensive
    )
    level = check_confidence_level(confidence_level, func=_FUNC)
    largest = max(n_samples, n_final)
    check_memory(
        _FUNC,
        f"{largest} samples of {rel.network.n_edges} links",
        3.0 * largest * (rel.network.n_edges + 2) * 8,
        "one batch of link states, their weights and scores",
    )
    rng = np.random.default_rng(rng)
    terminals = rel._terminal_nodes()
    if rel.node_q is not None:  # node failures: splitting only
        if method not in ("auto", "splitting"):
            raise parameter_error(
                _FUNC,
                "method",
                "'auto' or 'splitting' for a network with node failures (node_q); "
                f"{method} works on link failures only",
                method,
            )
        notes = ["method='auto' ran splitting (node failures)"] * (method == "auto")
        return splitting_estimate(
            rel.network, terminals, n_samples, n_final, rng, level=level,
            node_q=rel.node_q, notes=notes,
        )  # fmt: skip
    answer, _ = reduced_graph(rel.network, terminals)
    if answer is not None:  # perfect links join the terminals, or none can
        name = "cross-entropy" if method == "auto" else method
        return exact_result(answer, name, level)
    if method in ("turnip", "permutation"):
        return merge_process_estimate(
            rel.network, terminals, n_final, rng, turnip=method == "turnip",
            level=level,
        )  # fmt: skip
    if method == "splitting":
        return splitting_estimate(
            rel.network, terminals, n_samples, n_final, rng, level=level
        )
    notes = ["method='auto' ran cross-entropy"] if method == "auto" else []
    return cross_entropy_estimate(
        rel, n_samples, n_iterations, n_final, alpha, defensive, notes, level, rng
    )
