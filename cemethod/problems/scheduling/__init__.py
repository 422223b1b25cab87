"""Single-machine total weighted tardiness: the problem, its position-assignment family
and the OR-Library wt40 reader and data.

Imports the core only.
"""

from cemethod.problems.scheduling._placement import PositionAssignment
from cemethod.problems.scheduling._tardiness import WeightedTardiness
from cemethod.problems.scheduling.orlib import (
    load_wt40,
    read_orlib_wt,
    read_orlib_wt_optima,
)

__all__ = [
    "PositionAssignment",
    "WeightedTardiness",
    "load_wt40",
    "read_orlib_wt",
    "read_orlib_wt_optima",
]
