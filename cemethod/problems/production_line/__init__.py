"""Buffer allocation in production lines: the problems, the exact Markov-chain
throughput, the simulation (numpy and numba) and the line checks.

Imports the core only.
"""

from cemethod.problems.production_line._buffer_allocation import (
    BufferAllocation,
    LineOptimum,
    ThroughputMaximization,
)
from cemethod.problems.production_line._heuristics import (
    HeuristicResult,
    greedy_allocation,
    local_search,
)
from cemethod.problems.production_line._markov import line_throughput
from cemethod.problems.production_line._simulation import (
    ThroughputEstimate,
    simulate_line_throughput,
)

__all__ = [
    "BufferAllocation",
    "HeuristicResult",
    "LineOptimum",
    "ThroughputEstimate",
    "ThroughputMaximization",
    "greedy_allocation",
    "line_throughput",
    "local_search",
    "simulate_line_throughput",
]
