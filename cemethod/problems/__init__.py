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

__all__ = [
    "Ackley",
    "Griewank",
    "Levy",
    "MaxCut",
    "Peaks",
    "Rastrigin",
    "Rosenbrock",
    "Shekel",
]
