"""Ranking of a sample for the elite: feasibility first, then violation, then score."""

from __future__ import annotations

import numpy as np

__all__ = ["join_violations", "rank"]


def rank(scores, violation):
    """Stable order: feasible first, then by violation, then by score.

    ``violation`` None means all feasible. Without any violation this is the
    stable argsort of the scores (the same order as the lexsort, which is
    stable too, at a fraction of its cost).
    """
    if violation is None or not violation.any():
        return np.argsort(scores, kind="stable")
    return np.lexsort((scores, violation, violation > 0))


def join_violations(a, size_a, b, size_b):
    """Concatenated violations of two groups; None (all feasible) stays None."""
    if a is None and b is None:
        return None
    return np.concatenate(
        [np.zeros(size_a) if a is None else a, np.zeros(size_b) if b is None else b]
    )
