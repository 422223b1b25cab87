"""Continuous multi-extremal test functions (Ackley, Rastrigin, Rosenbrock, Shekel,
...) with their known minima.

Imports the core only.
"""

from cemethod.problems.continuous._functions import (
    Ackley,
    Griewank,
    Levy,
    Peaks,
    Rastrigin,
    Rosenbrock,
    Shekel,
)
from cemethod.problems.continuous._smooth_functions import (
    Ellipsoid,
    Schwefel,
    Sphere,
    StyblinskiTang,
)

__all__ = [
    "Ackley",
    "Ellipsoid",
    "Griewank",
    "Levy",
    "Peaks",
    "Rastrigin",
    "Rosenbrock",
    "Schwefel",
    "Shekel",
    "Sphere",
    "StyblinskiTang",
]
