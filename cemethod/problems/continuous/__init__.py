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

__all__ = ["Ackley", "Griewank", "Levy", "Peaks", "Rastrigin", "Rosenbrock", "Shekel"]
