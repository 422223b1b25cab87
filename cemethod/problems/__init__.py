"""Ready problems from the cross-entropy literature."""

__all__ = []

# Max-cut and continuous test functions
from cemethod.problems.maxcut import MaxCut

__all__ += ["MaxCut"]
