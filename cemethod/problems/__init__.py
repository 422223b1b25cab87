"""Ready problems from the cross-entropy literature."""

# Max-cut and continuous test functions
from cemethod.problems.continuous import (
    Ackley,
    Griewank,
    Levy,
    Peaks,
    Rastrigin,
    Rosenbrock,
    Shekel,
)
from cemethod.problems.maxcut import MaxCut
from cemethod.problems.mixed import MixedQuadratic

__all__ = [
    "Ackley",
    "Griewank",
    "Levy",
    "MaxCut",
    "MixedQuadratic",
    "Peaks",
    "Rastrigin",
    "Rosenbrock",
    "Shekel",
]
