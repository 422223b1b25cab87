"""The Permutation family with the CE update of an undirected (symmetric) TSP."""

from __future__ import annotations

import numpy as np

from cemethod.families import Permutation
from cemethod.families._discrete_common import check_alpha, check_same_kind

__all__ = ["UndirectedPermutation"]


class UndirectedPermutation(Permutation):
    """A :class:`~cemethod.families.Permutation` whose CE update counts every
    elite tour in both directions.

    In a symmetric TSP a tour and its reverse are the same cycle, so the
    transitions ``i -> j`` and ``j -> i`` carry the same evidence. ``fit``
    returns the row-normalised weighted counts of the elite tours *and* their
    reverses (de Boer et al. 2005, eq. (33) applied to the doubled sample),
    i.e. ``(C + C.T) / 2`` normalised, where ``C`` are the directed counts; the
    rows still sum to 1 because every node is entered and left once per tour.
    Sampling, ``log_pdf`` and ``mode`` are those of ``Permutation``. Measured on
    berlin52 (``bench_tsp.py``) this halves the error of pure CE at equal cost.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.problems._tour_family import UndirectedPermutation
    >>> fam = UndirectedPermutation.uniform(4).fit([[0, 1, 2, 3]])
    >>> fam.transition
    array([[0. , 0.5, 0. , 0.5],
           [0.5, 0. , 0.5, 0. ],
           [0. , 0.5, 0. , 0.5],
           [0.5, 0. , 0.5, 0. ]])
    """

    def fit(self, x, weights=None) -> UndirectedPermutation:
        """Row-normalised counts of the tours and their reverses."""
        directed = Permutation.fit(self, x, weights).transition
        P = 0.5 * (directed + directed.T)
        return UndirectedPermutation(np.minimum(P, 1.0), start=self.start)

    def smooth(self, previous, alpha: float) -> UndirectedPermutation:
        """``alpha * self.transition + (1 - alpha) * previous.transition``
        (de Boer et al. 2005, eq. (12))."""
        func = "UndirectedPermutation.smooth"
        alpha = check_alpha(alpha, func)
        check_same_kind(self, previous, func, n_nodes=self.n_nodes)
        P = alpha * self.transition + (1.0 - alpha) * previous.transition
        return UndirectedPermutation(np.minimum(P, 1.0), start=self.start)
