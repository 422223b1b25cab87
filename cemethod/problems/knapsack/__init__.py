"""The 0/1 knapsack problem and its exact dynamic programme.

Imports the core only.
"""

from cemethod.problems.knapsack._knapsack import Knapsack, knapsack_dp

__all__ = ["Knapsack", "knapsack_dp"]
