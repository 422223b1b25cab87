"""Ready problems from the cross-entropy literature."""

__all__: list[str] = []

# Buffer allocation
from cemethod.problems._line_markov import line_throughput
from cemethod.problems._line_simulation import (
    ThroughputEstimate,
    simulate_line_throughput,
)
from cemethod.problems.buffer_allocation import (
    BufferAllocation,
    LineOptimum,
    ThroughputMaximization,
)

__all__ += [
    "BufferAllocation",
    "LineOptimum",
    "ThroughputEstimate",
    "ThroughputMaximization",
    "line_throughput",
    "simulate_line_throughput",
]
