"""The max-cut problem on weighted graphs.

Imports the core only.
"""

from cemethod.problems.maxcut._maxcut import MaxCut

__all__ = ["MaxCut"]
