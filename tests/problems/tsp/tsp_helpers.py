"""Brute force shared by the TSP tests: tour lengths edge by edge and the
shortest tour by enumeration."""

import itertools


def reference_length(D, tour):
    """Row-by-row reference: the edges one at a time, closing edge included."""
    n = len(tour)
    return sum(D[tour[k], tour[(k + 1) % n]] for k in range(n))


def brute_force(D):
    """Shortest tour length by enumerating every permutation that starts at 0."""
    n = len(D)
    return min(
        reference_length(D, (0, *rest)) for rest in itertools.permutations(range(1, n))
    )
