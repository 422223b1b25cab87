"""A mixed continuous / categorical test problem with a known optimum.

Imports the core only.
"""

from cemethod.problems.mixed._mixed import MixedQuadratic

__all__ = ["MixedQuadratic"]
