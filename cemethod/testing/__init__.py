"""Conformance kit: check_family and check_problem, the batteries a user's own family
or problem can run.

Imports the core (cemethod.optimize, cemethod.families) only.
"""

from cemethod.testing._families import FAMILY_CHECKS, check_family
from cemethod.testing._problems import check_problem

__all__ = ["FAMILY_CHECKS", "check_family", "check_problem"]
