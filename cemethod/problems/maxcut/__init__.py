"""The max-cut problem on weighted graphs (dense or scipy.sparse weights), its
one-flip tabu search and the G-set and DIMACS graph formats.

Imports the core only.
"""

from cemethod.problems.maxcut._maxcut import MaxCut
from cemethod.problems.maxcut.dimacs import looks_like_dimacs, read_dimacs
from cemethod.problems.maxcut.gset import (
    GsetGraph,
    looks_like_gset,
    read_gset,
    write_gset,
)

__all__ = [
    "GsetGraph",
    "MaxCut",
    "looks_like_dimacs",
    "looks_like_gset",
    "read_dimacs",
    "read_gset",
    "write_gset",
]
