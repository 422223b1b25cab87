"""Problems from the cross-entropy literature, ready for cemethod.minimize."""

# TSP and ATSP
from .tsp import ATSP, TSP, TSPSolution
from .tsplib import read_tsplib

__all__ = [
    # TSP and ATSP
    "ATSP",
    "TSP",
    "TSPSolution",
    "read_tsplib",
]
