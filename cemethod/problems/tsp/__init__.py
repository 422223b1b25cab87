"""The travelling salesman problem (TSP, ATSP): the problem classes, the TSPLIB reader
and its distance tables, and the 2-opt / Or-opt local search.

Imports the core only.
"""

from cemethod.problems.tsp._atsp import ATSP
from cemethod.problems.tsp._solution import TSPSolution
from cemethod.problems.tsp._tsp import TSP
from cemethod.problems.tsp.tsplib import read_tsplib

__all__ = ["ATSP", "TSP", "TSPSolution", "read_tsplib"]
