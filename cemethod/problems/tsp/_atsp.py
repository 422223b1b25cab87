"""The asymmetric travelling salesman problem."""

from __future__ import annotations

from cemethod.problems.tsp._tsp import TSP

__all__ = ["ATSP"]


class ATSP(TSP):
    """An asymmetric travelling salesman problem: ``distances[i, j]`` is the
    cost of going from ``i`` to ``j`` and need not equal ``distances[j, i]``.

    Same interface as :class:`TSP`; :meth:`polish` accounts for the direction
    of every edge (reversing a segment of an asymmetric tour changes the cost
    of its inner edges, which the local search includes exactly).

    Examples
    --------
    >>> from cemethod.problems import ATSP
    >>> atsp = ATSP.from_tsplib(ATSP.example_path("br17.atsp"))
    >>> atsp.n, atsp.optimum
    (17, 39)
    >>> sol = atsp.solve(rng=0)
    >>> sol.length
    39
    """

    _symmetric = False
