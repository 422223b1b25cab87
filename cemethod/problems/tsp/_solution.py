"""What TSP.solve returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cemethod.optimize._result import CEResult

__all__ = ["TSPSolution"]


@dataclass(frozen=True)
class TSPSolution:
    """What :meth:`TSP.solve` returns.

    Attributes
    ----------
    tour : ndarray of intp, shape (n,)
        The best tour found (after the polish when there was one).
    length : int or float
        Its length, closing edge included.
    result : CEResult
        The cross-entropy run (``result.x``, ``result.fun``: its best tour,
        before the final polish; with the polish inside the loop, that tour
        may already be a local optimum).
    polished : bool
        Whether the local search ran.
    relative_error : float or None
        ``length / optimum - 1`` when the optimum is known.
    """

    tour: np.ndarray
    length: float
    result: CEResult
    polished: bool
    relative_error: float | None
